"""HTML building blocks: escaping, the page layout, terms as links, extra-section hooks.

Every value goes through :func:`esc`; templates are plain f-strings over escaped parts.

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> local_href("https://w3id.org/seccoop/id/china")
    '/id/china'
    >>> local_href("https://w3id.org/seccoop/ontology#Forum")
    '/ontology#Forum'
"""

from __future__ import annotations

import html
from typing import Callable
from urllib.parse import quote

import pyoxigraph as ox

from .. import SC, SCR, __version__
from ..queries import shorten

NAV = (("/", "Home"), ("/query", "Query"), ("/ontology", "Ontology"), ("/sparql", "SPARQL endpoint"),
       ("/void", "VoID"))

# Sections other modules add to a page (e.g. pictures): page name -> callables returning
# HTML. Each is called with the store and the page's context as keyword arguments.
EXTRA_SECTIONS: dict[str, list[Callable[..., str]]] = {}


def register_section(page: str, render: Callable[..., str]) -> None:
    """Add a section to ``page`` ("home", "entity", "ontology", "query").

    >>> register_section("example", lambda store, **context: "<section>hi</section>")
    >>> extra_sections("example", None)
    '<section>hi</section>'
    >>> del EXTRA_SECTIONS["example"]
    """
    EXTRA_SECTIONS.setdefault(page, []).append(render)


def extra_sections(page: str, store, **context) -> str:
    return "".join(render(store, **context) for render in EXTRA_SECTIONS.get(page, ()))


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def local_href(iri: str) -> str | None:
    """The page of an IRI of the graph on this server, or None for outside IRIs."""
    if iri.startswith(SCR) and len(iri) > len(SCR):
        return "/id/" + quote(iri[len(SCR):], safe="")
    if iri.startswith(SC) and len(iri) > len(SC):
        return "/ontology#" + quote(iri[len(SC):], safe="")
    if iri == SC.rstrip("#") or iri == SC:
        return "/ontology"
    return None


def term_dict(term) -> dict:
    """An ox term as a SPARQL JSON results term (the one shape the renderer reads)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def term_html(term: dict, label: str | None = None) -> str:
    """A term as HTML: IRIs link (locally when ours) and show ``label`` or a short name."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        text = label or shorten(ox.NamedNode(value)) if _valid_iri(value) else value
        href = local_href(value)
        if href:
            return f'<a href="{esc(href)}" title="{esc(value)}">{esc(text)}</a>'
        return f'<a class="ext" href="{esc(value)}" rel="nofollow noopener">{esc(text)}</a>' \
            if value.startswith(("http://", "https://")) else esc(text)
    if kind == "bnode":
        return f'<span class="bnode">_:{esc(value)}</span>'
    extra = ""
    if term.get("xml:lang"):
        extra = f' <span class="lang">@{esc(term["xml:lang"])}</span>'
    elif term.get("datatype"):
        extra = f' <span class="dt">{esc(shorten(ox.NamedNode(term["datatype"])))}</span>'
    return f'<span class="lit">{esc(value)}</span>{extra}'


def _valid_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
        return True
    except ValueError:
        return False


# The RDF formats of every document: extension -> media type (seccoop.server.datadocs
# serves them).
ALTERNATES = (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
              ("nt", "application/n-triples"), ("rdf", "application/rdf+xml"),
              ("nq", "application/n-quads"), ("trig", "application/trig"))


def alternate_links(path: str, title: str = "") -> str:
    """``<link rel="alternate">`` to each RDF document of the page at ``path``.

    >>> alternate_links("/id/china").count('rel="alternate"')
    6
    """
    named = f' title="{esc(title)}"' if title else ""
    return "\n".join(f'<link rel="alternate" type="{media}" href="{esc(path)}.{ext}"{named}>'
                     for ext, media in ALTERNATES)


def layout(title: str, body: str, *, head: str = "", alternates: str = "/void",
           alternates_title: str = "") -> str:
    """The page shell: header, navigation, main, footer; assets are local (no CDN). The
    head links the RDF documents at ``alternates`` (a page about no one resource: the
    dataset's VoID description)."""
    nav = "".join(f'<a href="{href}">{esc(text)}</a>' for href, text in NAV)
    if alternates == "/void" and not alternates_title:
        alternates_title = "the dataset's description (VoID)"
    head = alternate_links(alternates, alternates_title) + ("\n" + head if head else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · seccoop</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/favicon.ico">
{head}
</head>
<body>
<header><a class="brand" href="/">seccoop</a><nav>{nav}</nav></header>
<main>
{body}
</main>
<footer>seccoop {esc(__version__)} · regional security cooperation in
<cite>China's National Defense in 2008</cite> · <a href="/sparql">SPARQL</a> ·
<a href="/void">VoID</a></footer>
</body>
</html>
"""


def table(header: list[str], rows: list[list[str]], *, css: str = "") -> str:
    """A table of already-escaped cells (header cells are escaped here)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def error_page(status: int, message: str) -> str:
    return layout(f"{status}", f"<h1>{status}</h1><p class=\"error\">{esc(message)}</p>"
                  '<p><a href="/">Home</a></p>')
