"""A static linked-data site: the endpoint's pages as files, data documents, dumps, rewrites.

The pages and documents come from :mod:`seccoop.render`, as the server's do: each page is
rendered with the site's :class:`~seccoop.render.urls.Urls` (links relative to the page,
so the site works under any base path; what only a running server offers, such as the
query page, is plain text) and the documents are the server's, byte for byte.

Layout of OUTDIR::

    index.html  ontology.html  id/<name>.html          pages
    id/<name>.{ttl,jsonld,nt,rdf,nq,trig}             each resource's document
    ontology.{ttl,rdf,jsonld,nt,nq,trig}  ontology/<version>.*  the ontology
    dumps/seccoop.{ttl,nt,nq,trig,jsonld,rdf}         the full graph (seccoop export)
    void.ttl  dcat.ttl  sitemap.xml  context.jsonld    descriptions
    void.html  ontology/<version>.html                 pages of the other IRIs
    .htaccess  nginx-map.conf  nginx.conf           content negotiation (Apache, nginx)
    _redirects  conneg.json                           pages only; the table for any host
    static/style.css  favicon.ico
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .projectconfig import ProjectConfig, packaged_config

from . import formats
from .browse import describe, label_of
from .export import (EXTENSIONS as EXPORT_EXTENSIONS, FORMATS, ExportError, asserted_copy,
                     export, select_graphs)
from .jsonld import context_document, context_for
from .render import documents, pages
from .render.html import esc
from .render.sections import Sections, pictures
from .render.urls import DUMP_NAME, Urls
from .settings import Settings
from .queries import is_inferred_graph

# Per-resource documents: extension -> export format (the endpoint's set).
DOC_FORMATS = documents.EXTENSIONS
MEDIA = {**{ext: formats.by_name(fmt).media_type for ext, fmt in DOC_FORMATS.items()},
         "html": "text/html"}
# The page files' own assets, shipped beside the server's.
ASSETS = Path(__file__).parent / "server" / "static"


@dataclass
class SiteReport:
    pages: int = 0
    files: int = 0


class Site:
    """Writes files under ``root``, counting them."""

    def __init__(self, root: Path, base_url: str, config: ProjectConfig):
        self.root, self.base_url, self.config = root, base_url.rstrip("/") + "/", config
        self.files = 0

    def write(self, path: str, data: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        self.files += 1

    def urls(self, path: str) -> Urls:
        """The links of the page written at ``path``: relative to it."""
        return Urls.site(path, self.config)


def build_site(store: ox.Store, outdir: Path, *, inferred: bool = True,
               base_url: str | None = None, base_path: str = "/",
               built: str | None = None, config: ProjectConfig | None = None) -> SiteReport:
    """Write the whole site of the project ``config`` (default: the packaged one) into
    ``outdir``: a new or empty folder, or an earlier site (which is replaced, so no stale
    page survives). ``base_url`` is where it is published (default: the project's base
    IRI); ``base_path`` the URL path the site is served under (the rewrite rules need
    it); ``built`` the store's build time (``dcterms:modified`` of the documents, as the
    server says it)."""
    from .rewrites import normal_base_path

    config = config or packaged_config()
    base_url = base_url or config.base or "http://localhost/"
    normal_base_path(base_path)  # a bad path fails before anything is written
    _prepare(outdir)
    site = Site(outdir, base_url, config)
    if not inferred:  # every page, count and picture from the asserted graphs alone
        store = asserted_copy(store)
    graphs = select_graphs(store, inferred=inferred)
    context = context_for(store, graphs, config)
    when = documents.build_time({"built": built})
    pub = documents.Publication(base_url, when.isoformat() if when else None, context, config)
    resources = site_resources(store, graphs, config)
    sections = pictures() + Sections(home=(_index(resources),),
                                     ontology=(pages.individuals_section,))
    for iri in resources:
        _resource(site, store, iri, inferred, pub, sections)
    _ontology(site, store, context, sections)
    _dumps(site, store, inferred)
    _descriptions(site, store, resources, context)
    counts = _counts(store, graphs)
    site.write("index.html", pages.home_page(store, counts, site.urls("index.html"), sections))
    _assets(site)
    write_rewrites(site, resources, ontology_version_path(store, config), base_path)
    (outdir / MARKER).write_text("written by seccoop site; the next run replaces this folder\n")
    return SiteReport(pages=len(resources), files=site.files)


MARKER = ".seccoop-site"
# Facts listed each way on a page, as the server's default (--max-page-facts); the page
# then links to the resource's complete Turtle document.
PAGE_FACTS = Settings().max_page_facts


def _prepare(outdir: Path) -> None:
    if outdir.is_dir() and any(outdir.iterdir()):
        if not (outdir / MARKER).is_file():
            raise ExportError(f"{outdir} is not empty and holds no earlier seccoop site: "
                              "choose a new or empty folder")
        for child in outdir.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    outdir.mkdir(parents=True, exist_ok=True)


def site_resources(store: ox.Store, graphs: list[ox.NamedNode],
                   config: ProjectConfig | None = None) -> list[str]:
    """Every IRI of the project's resource namespace the chosen graphs mention, sorted."""
    config = config or packaged_config()
    if not config.resource_namespace:
        return []
    query = f"""SELECT DISTINCT ?r WHERE {{ GRAPH ?g {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }} }}
        FILTER(isIRI(?r) && STRSTARTS(STR(?r), {ox.Literal(config.resource_namespace)})) }}"""
    named: list[ox.NamedNode | ox.BlankNode] = list(graphs)
    found = {row["r"].value for row in documents.select(store, query, named_graphs=named or None)}
    return sorted(iri for iri in found if resource_name(iri, config))


def resource_name(iri: str, config: ProjectConfig | None = None) -> str | None:
    """The file stem of a resource (``scr:china`` -> ``china``), None if it cannot be one."""
    name = (config or packaged_config()).resource_name(iri)
    return name if name and "/" not in name and not name.startswith(".") else None


def _resource(site: Site, store, iri: str, inferred: bool, pub: documents.Publication,
              sections: Sections) -> None:
    """The page and every document of one resource: the documents are the server's
    (:func:`seccoop.render.documents.entity_document`), byte for byte."""
    name = resource_name(iri, site.config)
    desc = describe(store, iri, inferred=inferred, limit=PAGE_FACTS, config=site.config)
    path = f"id/{name}.html"
    site.write(path, pages.entity_page(store, desc, site.urls(path), sections, limit=PAGE_FACTS))
    for ext, fmt in DOC_FORMATS.items():
        data, _cut = documents.entity_document(store, iri, fmt, pub, inferred=inferred)
        site.write(f"id/{name}.{ext}", data)


def _ontology(site: Site, store, context: dict, sections: Sections) -> None:
    """The documentation page and the ontology in every syntax, also under its version IRI."""
    terms = pages.ontology_terms(store, site.config)
    version = ontology_version_path(store, site.config)
    # The version IRI has a page too (the rewrites send browsers to {path}.html).
    for path in ["ontology.html"] + ([f"{version}.html"] if version else []):
        site.write(path, pages.ontology_page(store, terms, site.urls(path), sections))
    triples = documents.ontology_triples(store, site.config)
    for ext, fmt in DOC_FORMATS.items():
        data = documents.serialize_triples(triples, fmt, context, site.config)
        site.write(f"ontology.{ext}", data)
        if version:
            site.write(f"{version}.{ext}", data)


def ontology_version_path(store, config: ProjectConfig | None = None) -> str | None:
    """``ontology/0.1.0`` for the version IRI <base>ontology/0.1.0 of the ontology."""
    config = config or packaged_config()
    ontology = config.ontology_iri or config.ontology_namespace.rstrip("#")
    if not ontology or not config.base:
        return None
    query = f"SELECT ?v WHERE {{ {ox.NamedNode(ontology)} owl:versionIRI ?v }} ORDER BY ?v"
    rows = documents.select(store, query, prefixes=config.query_prefixes,
                            use_default_graph_as_union=True)
    for row in rows:
        path = row["v"].value.removeprefix(config.base)
        if path != row["v"].value and re.fullmatch(r"[\w.\-/]+", path):
            return path
    return None


def _dumps(site: Site, store, inferred: bool) -> None:
    folder = site.root / "dumps"
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        with open(folder / f"{DUMP_NAME}.{EXPORT_EXTENSIONS[fmt]}", "wb") as handle:
            export(store, handle, fmt, inferred=inferred, config=site.config)
        site.files += 1


def _counts(store, graphs: list[ox.NamedNode]) -> dict:
    total = sum(1 for g in graphs for _ in store.quads_for_pattern(None, None, None, g))
    inferred = sum(1 for g in graphs if is_inferred_graph(g)
                   for _ in store.quads_for_pattern(None, None, None, g))
    return {"triples": total, "named graphs": len(graphs), "inferred triples": inferred}


def _index(resources: list[str]):
    """The home page section listing ``resources``."""
    return lambda store, urls, **_context: index_section(resources, store, urls)


def index_section(resources: list[str], store, urls: Urls) -> str:
    """The site's own part of the home page: downloads and every resource."""
    dumps = " ".join(f'<a href="{esc(urls.dump(ext))}">{ext}</a>'
                     for ext in EXPORT_EXTENSIONS.values())
    cache: dict = {}
    items = sorted((label_of(store, ox.NamedNode(iri), cache), iri) for iri in resources)
    links = "".join(f'<li><a href="{esc(urls.resource(resource_name(iri, urls.config) or ""))}">{esc(label)}'
                    f"</a></li>" for label, iri in items)
    a = lambda href, text: f'<a href="{esc(href)}">{text}</a>'  # noqa: E731
    return f"""<section class="downloads"><h2>Data</h2>
<p>The whole graph: {dumps}. Descriptions: {a(urls.void(), "VoID")}, {a(urls.file("dcat.ttl"), "DCAT")},
{a(urls.file("context.jsonld"), "JSON-LD context")}, {a(urls.file("sitemap.xml"), "sitemap")}.
The ontology: {a(urls.ontology(), "documentation")}, {a(urls.data("ontology", "ttl"), "Turtle")},
{a(urls.data("ontology", "rdf"), "RDF/XML")}, {a(urls.data("ontology", "jsonld"), "JSON-LD")}.</p></section>
<section class="all"><h2>All resources ({len(items):,})</h2><ul class="all">{links}</ul></section>"""


# --- descriptions: VoID, DCAT, sitemap, context -----------------------------------------

def _descriptions(site: Site, store, resources: list[str], context: dict) -> None:
    base = site.base_url
    void = documents.void_description(store, base.rstrip("/"), endpoint=False,
                                     dumps=f"{base}dumps/",
                                     example=resources[0] if resources else None,
                                     config=site.config)
    _rdf_docs(site, "void", void, context)
    site.write("void.html", pages.void_page(store, void, site.urls("void.html")))
    _rdf_docs(site, "dcat", dcat_description(base, site.config), context)
    site.write("sitemap.xml", sitemap(base, resources, site.config))
    site.write("context.jsonld", context_document(context))


def _rdf_docs(site: Site, stem: str, turtle: str, context: dict) -> None:
    for ext, fmt in DOC_FORMATS.items():
        site.write(f"{stem}.{ext}", documents.serialize_turtle(turtle, fmt, context, site.config))


def dcat_description(base: str, config: ProjectConfig | None = None) -> str:
    """DCAT: the dataset (the project's title and licence) and one distribution per dump."""
    config = config or packaged_config()
    media = {ext: MEDIA[ext] for ext in documents.DUMP_EXTENSIONS}
    licence = documents.licence_line(config).strip()
    parts = [f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{base}dcat> a dcat:Catalog ; dcterms:title "seccoop" ; dcat:dataset <{base}void> .
<{base}void> a dcat:Dataset ;
    dcterms:title {ox.Literal(config.title, language="en")} ;
    {licence}
    dcat:landingPage <{base}> ."""]
    for ext, mediatype in media.items():
        url = f"{base}dumps/{DUMP_NAME}.{ext}"
        parts.append(f"""<{base}void> dcat:distribution <{url}#distribution> .
<{url}#distribution> a dcat:Distribution ; dcat:downloadURL <{url}> ; dcat:mediaType "{mediatype}" .""")
    return "\n".join(parts) + "\n"


def sitemap(base: str, resources: list[str], config: ProjectConfig | None = None) -> str:
    """The pages as absolute URLs (a sitemap requires them)."""
    paths = ["index.html", "ontology.html"] + [f"id/{quote(resource_name(iri, config) or '', safe='')}.html"
                                              for iri in resources]
    urls = "".join(f"<url><loc>{_xml(base + path)}</loc></url>\n" for path in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _assets(site: Site) -> None:
    site.write("static/style.css", (ASSETS / "style.css").read_bytes())
    site.write("favicon.ico", (ASSETS / "favicon.ico").read_bytes())


# --- content negotiation ------------------------------------------------------------------

def write_rewrites(site: Site, resources: list[str], version: str | None = None,
                   base_path: str = "/") -> None:
    """Rewrite rules for Apache (``.htaccess``) and nginx (``nginx-map.conf`` at http level,
    ``nginx.conf`` in the server block) for the site served under ``base_path``; a
    Netlify/Cloudflare ``_redirects`` (no content negotiation there: pages only); and
    ``conneg.json``: the table from each IRI path and media type to its file."""
    from .rewrites import htaccess, nginx_map, nginx_server

    site.write(".htaccess", htaccess(base_path))
    site.write("nginx-map.conf", nginx_map())
    site.write("nginx.conf", nginx_server(base_path))
    site.write("_redirects", "\n".join(["# extensionless IRIs -> their HTML page (no conneg here)",
                                        "/id/:name  /id/:name.html  200",
                                        "/ontology  /ontology.html  200",
                                        "/void  /void.html  200", ""]))
    table = {"/" + stem: {media: f"{stem}.{ext}" for ext, media in MEDIA.items()}
             for stem in ["ontology", "void"] + [f"id/{resource_name(i, site.config)}" for i in resources]}
    if version:
        table["/" + version] = {m: f"{version}.{e}" for e, m in MEDIA.items()}
    site.write("conneg.json", json.dumps(table, indent=1, sort_keys=True) + "\n")
