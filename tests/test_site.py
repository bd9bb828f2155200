"""seccoop site: a static linked-data site, served by python -m http.server and crawled."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse

import pyoxigraph as ox
import pytest

from seccoop.render.urls import Urls
from seccoop.site import build_site

PREFIX = "/pub/seccoop/"  # served below a path: only relative links work there


@pytest.fixture(scope="module")
def site(store, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("www")
    out = root / PREFIX.strip("/")
    report = build_site(store, out, base_url="https://example.org/kg/")
    assert report.pages > 0 and report.files > 4 * report.pages
    return out


@pytest.fixture(scope="module")
def served(site):
    """The site's parent folder on a free port of 127.0.0.1; yields the site's URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(site.parents[1])],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{PREFIX}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "index.html", timeout=2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except HTTPError as error:
        return error.code, b"", ""


def crawl(start: str) -> tuple[dict[str, int], set[str]]:
    """Every page and file reachable from ``start`` through internal links: url -> status."""
    seen: dict[str, int] = {}
    queue, origin = [start], urlparse(start).netloc
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, body, kind = fetch(url)
        seen[url] = status
        if status == 200 and "html" in kind:
            parser = Links()
            parser.feed(body.decode("utf-8"))
            for link in parser.links:
                target = urldefrag(urljoin(url, link))[0]
                if urlparse(target).netloc == origin and target not in seen:
                    queue.append(target)
    return seen


def test_every_internal_link_resolves_under_a_sub_path(served):
    seen = crawl(served + "index.html")
    broken = sorted(url for url, status in seen.items() if status != 200)
    assert not broken, f"broken links: {broken[:10]}"
    assert all(urlparse(url).path.startswith(PREFIX) for url in seen), "a link left the site"
    kinds = {Path(urlparse(u).path).suffix for u in seen}
    assert {".html", ".ttl", ".jsonld", ".nt", ".css", ".ico"} <= kinds
    assert served + "ontology.html" in seen and served + "dumps/seccoop.trig" in seen


def test_every_ttl_and_jsonld_parses(site, served):
    files = sorted(p for p in site.rglob("*") if p.suffix in (".ttl", ".jsonld") and p.is_file())
    assert len(files) > 10
    for path in files:
        url = served + path.relative_to(site).as_posix()
        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.JSON_LD
        if path.name == "context.jsonld":
            assert "@context" in json.loads(path.read_text())
            continue
        triples = list(ox.parse(path.read_bytes(), format=fmt, base_iri=url))
        assert triples or path.parent.name == "id", f"{path} is empty"
    import rdflib

    for name in ("dumps/seccoop.jsonld", "ontology.jsonld", "void.jsonld"):
        assert len(rdflib.Graph().parse(site / name, format="json-ld")) > 0


def test_descriptions_sitemap_and_rewrites(site):
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/kg/index.html</loc>" in sitemap
    assert "<loc>https://example.org/kg/id/china.html</loc>" in sitemap
    void = ox.Store()
    void.load(path=str(site / "void.ttl"), format=ox.RdfFormat.TURTLE)
    dump = ox.NamedNode("https://example.org/kg/dumps/seccoop.nt")
    assert any(void.quads_for_pattern(None, ox.NamedNode("http://rdfs.org/ns/void#dataDump"), dump))
    dcat = (site / "dcat.ttl").read_text()
    assert "dcat:Distribution" in dcat and "dcat:downloadURL <https://example.org/kg/dumps/" in dcat
    htaccess = (site / ".htaccess").read_text()
    # the rules carry a RewriteBase and header rules that reach the 303s too
    assert "RewriteBase /\n" in htaccess and "text/turtle" in htaccess and "R=303" in htaccess
    assert "Header always set Vary Accept" in htaccess
    table = json.loads((site / "conneg.json").read_text())
    assert table["/id/china"]["text/turtle"] == "id/china.ttl"
    assert all((site / target).is_file() for row in table.values() for target in row.values())
    assert (site / "ontology" / "0.1.0.ttl").read_bytes() == (site / "ontology.ttl").read_bytes()
    ontology = (site / "ontology.rdf").read_bytes()
    assert b"versionIRI" in ontology


@pytest.fixture(scope="module")
def endpoint(project, store_dir):
    """The server over the same store as the site."""
    from server_support import client_for

    with client_for((project, store_dir)) as client:
        yield client


def _section_text(html: str, css: str) -> str:
    """The text of ``<section class="css">`` (tags dropped): what a reader sees."""
    part = html.split(f'<section class="{css}">')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).strip()


def _hrefs(html: str, css: str) -> list[str]:
    part = html.split(f'<section class="{css}">')[1].split("</section>")[0]
    return re.findall(r'<a [^>]*?href="([^"]*)"', part)


def _as_site_link(href: str, depth: int) -> str | None:
    """The site's form of a server link, as the site's layout says (written out here
    rather than taken from Urls, so that the test checks it)."""
    up = "../" * depth
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith(("/explain", "/query", "/sparql")):
        return None
    path, hash_, fragment = href.partition("#")
    if path.startswith("/id/") and "." not in path[4:]:
        return f"{up}{path[1:]}.html{hash_}{fragment}"
    if path == "/ontology":
        return f"{up}ontology.html{hash_}{fragment}"
    return up + href[1:]


@pytest.mark.parametrize("name", ["china", "sco", "arf-ministerial-meeting-14", "p1-s1"])
def test_server_and_site_pages_say_the_same_with_their_own_links(site, endpoint, name):
    served = endpoint.get(f"/id/{name}", headers={"Accept": "text/html"})
    assert served.status_code == 200
    page = (site / "id" / f"{name}.html").read_text()
    for css in ("facts", "incoming"):
        text = _section_text(served.text, css)
        assert text and text == _section_text(page, css), css
        server_links, site_links = _hrefs(served.text, css), _hrefs(page, css)
        assert all(h.startswith(("/", "http")) for h in server_links)
        expected = [_as_site_link(h, 1) for h in server_links]
        assert site_links == [h for h in expected if h is not None], css
    assert "/explain?" in served.text and "explain" not in page and "/query" not in page
    # the site's inferred badge is styled and promises no "why?" it cannot link to
    if 'class="inferred"' in page:
        assert "why?" not in page and '<span class="inferred"' in page
        assert ".inferred {" in (site / "static" / "style.css").read_text()
    assert f'href="../id/{name}.ttl"' in page and f'href="/id/{name}.ttl"' in served.text
    assert _section_text(served.text, "picture picture-network") == \
        _section_text(page, "picture picture-network")


def test_urls_build_each_front_ends_links():
    server, site, top = Urls(), Urls.site("id/x.html"), Urls.site("index.html")
    assert (server.home(), site.home(), top.home()) == ("/", "../index.html", "index.html")
    assert server.iri("https://w3id.org/seccoop/ontology#Forum") == "/ontology#Forum"
    assert site.iri("https://w3id.org/seccoop/ontology#Forum") == "../ontology.html#Forum"
    assert site.iri("https://w3id.org/seccoop/id/a b") == "../id/a%20b.html"
    assert site.iri("https://example.org/x") is None
    assert (server.data("void", "ttl"), site.data("id/china", "nt")) == ("/void.ttl", "../id/china.nt")
    assert server.explain(s="a", o="<b>") == "/explain?s=a&o=%3Cb%3E"
    assert site.explain(s="a") is None and site.query() is None and site.sparql() is None
    assert (server.static_file("style.css"), site.dump("nq")) == ("/static/style.css",
                                                                  "../dumps/seccoop.nq")


def test_cli_site(tmp_path):
    out = tmp_path / "public"
    command = [sys.executable, "-m", "seccoop", "site", str(out), "--no-inferred",
               "--base-url", "https://example.org/x"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "resource pages" in result.stdout
    assert b"graph/inferred" not in (out / "dumps" / "seccoop.nq").read_bytes()
    assert "https://example.org/x/index.html" in (out / "sitemap.xml").read_text()
    (out / "id" / "stale.html").write_text("old")
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0 and not (out / "id" / "stale.html").exists()
    other = tmp_path / "not-a-site"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    refused = subprocess.run(command[:4] + [str(other)], capture_output=True, text=True)
    assert refused.returncode == 2 and "not empty" in refused.stderr
    assert (other / "keep.txt").read_text() == "mine"


def test_browser_renders_without_console_errors(served, artifacts, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for name, shot in (("index.html", "site-index.png"), ("id/china.html", "site-entity.png"),
                       ("ontology.html", "site-ontology.png")):
        response = page.goto(served + name, wait_until="load")
        assert response.status == 200
        assert page.locator("h1").first.inner_text().strip()
        page.screenshot(path=str(artifacts / shot), full_page=False)
    page.close()
    assert not errors, errors


def _row_of(html: str, fragment: str) -> str:
    return next(row for row in html.split("<tr>") if fragment in row)


def test_a_site_without_inferences_counts_without_them(store, site, tmp_path):
    # sc:memberOf is never asserted (memberships are n-ary nodes); the reasoner derives it.
    out = tmp_path / "asserted"
    build_site(store, out, inferred=False)
    with_inferences = _row_of((site / "ontology.html").read_text(), 'id="memberOf"')
    without = _row_of((out / "ontology.html").read_text(), 'id="memberOf"')
    assert "<td>0</td>" in without and "<td>0</td>" not in with_inferences
    home = (out / "index.html").read_text()
    assert "graph/inferred" not in (out / "dumps" / "seccoop.nq").read_text()
    assert "inferred triples" not in home or "<strong>0</strong> inferred triples" in home


def test_a_hub_page_is_cut_and_links_to_its_complete_data(tmp_path, monkeypatch):
    import seccoop.site
    from seccoop.project import find_project
    from seccoop.store import build, open_store
    from server_support import DATA, make_project

    links = 40
    actors = "\n".join(f'scr:actor-{i:02d} a sc:Actor ; rdfs:label "Actor {i}"@en ; '
                       f"sc:memberOf scr:sco ." for i in range(links))
    project = find_project(make_project(tmp_path / "hub", data=DATA + actors))
    build(project, tmp_path / "store")
    monkeypatch.setattr(seccoop.site, "PAGE_FACTS", 10)
    out = tmp_path / "www"
    build_site(open_store(project, tmp_path / "store"), out)
    page = (out / "id" / "sco.html").read_text()
    incoming = page.split('<section class="incoming">')[1].split("</section>")[0]
    assert incoming.count("<tr>") == 1 + 10 and "Only the first 10 are shown" in incoming
    assert 'Its data: <a href="../id/sco.ttl">Turtle</a>' in incoming and "/query" not in incoming
    data = ox.parse((out / "id" / "sco.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    assert sum(1 for t in data if t.predicate.value.endswith("#memberOf")) == links + 2
