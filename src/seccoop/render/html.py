"""HTML building blocks: escaping, the page layout, terms as links, tables.

Every value goes through :func:`esc`; templates are plain f-strings over escaped parts.
Links come from a :class:`~seccoop.render.urls.Urls` object; a link it has no target for
(a server-only route on the static site) is shown as text.

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> from seccoop.render.urls import Urls
    >>> term_html(Urls(), {"type": "uri", "value": "https://w3id.org/seccoop/id/china"}, "China")
    '<a href="/id/china" title="https://w3id.org/seccoop/id/china">China</a>'
    >>> link(None, "SPARQL", css="note")
    '<span class="note">SPARQL</span>'
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pyoxigraph as ox

from ..namespaces import __version__
from ..formats import by_name
from ..queries import shorten
from .documents import EXTENSIONS
from .urls import Urls


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def link(href: str | None, inner: str, *, css: str = "", title: str = "") -> str:
    """``<a>`` around already-escaped ``inner``; a ``<span>`` when there is no target."""
    attrs = (f' class="{esc(css)}"' if css else "")
    tip = f' title="{esc(title)}"' if title else ""
    if href is None:
        return f"<span{attrs}{tip}>{inner}</span>"
    return f'<a{attrs} href="{esc(href)}"{tip}>{inner}</a>'


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


def term_html(urls: Urls, term: dict, label: str | None = None) -> str:
    """A term as HTML: IRIs link (locally when ours) and show ``label`` or a short name."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        prefixes = urls.config.query_prefixes
        text = label or shorten(ox.NamedNode(value), prefixes) if _valid_iri(value) else value
        href = urls.iri(value)
        if href:
            return f'<a href="{esc(href)}" title="{esc(value)}">{esc(text)}</a>'
        css = "ext iri-text" if text.startswith("<") else "ext"  # a full IRI may break anywhere
        return f'<a class="{css}" href="{esc(value)}" rel="nofollow noopener">{esc(text)}</a>' \
            if value.startswith(("http://", "https://")) else esc(text)
    if kind == "bnode":
        return f'<span class="bnode">_:{esc(value)}</span>'
    extra = ""
    if term.get("xml:lang"):
        extra = f' <span class="lang">@{esc(term["xml:lang"])}</span>'
    elif term.get("datatype"):
        extra = f' <span class="dt">{esc(shorten(ox.NamedNode(term["datatype"])))}</span>'  # xsd:
    return f'<span class="lit">{esc(value)}</span>{extra}'


def _valid_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
        return True
    except ValueError:
        return False


def alternate_links(urls: Urls, stem: str, title: str = "") -> str:
    """``<link rel="alternate">`` to each RDF document ``stem.ext`` of a page.

    >>> alternate_links(Urls(), "id/china").count('rel="alternate"')
    6
    """
    named = f' title="{esc(title)}"' if title else ""
    return "\n".join(f'<link rel="alternate" type="{by_name(fmt).media_type}" '
                     f'href="{esc(urls.data(stem, ext))}"{named}>'
                     for ext, fmt in EXTENSIONS.items())


def downloads(urls: Urls, stem: str) -> str:
    """Links to each RDF document ``stem.ext``, named by extension."""
    return " ".join(f'<a href="{esc(urls.data(stem, ext))}">{ext}</a>' for ext in EXTENSIONS)


def _nav(urls: Urls) -> str:
    """The navigation: what this front-end offers (the site has no query page). The SPARQL
    endpoint is for clients, not people: the footer names it."""
    items = ((urls.home(), "Home"), (urls.query(), "Query"), (urls.ontology(), "Ontology"),
             (urls.void(), "VoID"))
    return "".join(f'<a href="{esc(href)}">{esc(text)}</a>' for href, text in items if href)


def search_href(urls: Urls, **params: str) -> str | None:
    """The search page (``/search?q=``); None on the static site, which has no server."""
    if urls.static:
        return None
    return urls.prefix + "search" + ("?" + urlencode(params) if params else "")


def search_form(urls: Urls, text: str = "", *, field_id: str = "site-search") -> str:
    """A labelled search box; ``search.js`` fills its suggestions as one types."""
    href = search_href(urls)
    if href is None:
        return ""
    api = urls.prefix + "api/search"
    return (f'<form class="search" role="search" method="get" action="{esc(href)}">'
            f'<label for="{field_id}" class="visually-hidden">Search the graph</label>'
            f'<input id="{field_id}" type="search" name="q" value="{esc(text)}" '
            f'placeholder="Search by name…" autocomplete="off" '
            f'list="{field_id}-suggestions" data-api="{esc(api)}">'
            f'<datalist id="{field_id}-suggestions"></datalist>'
            f'<button type="submit">Search</button></form>')


def layout(urls: Urls, title: str, body: str, *, head: str = "", alternates: str = "void",
           alternates_title: str = "") -> str:
    """The page shell: header, navigation, main, footer; assets are local (no CDN). The
    head links the RDF documents ``alternates.ext`` (a page about no one resource: the
    dataset's VoID description). ``head`` comes before our stylesheet, which so has the
    last word over a vendored one."""
    if alternates == "void" and not alternates_title:
        alternates_title = "the dataset's description (VoID)"
    head = alternate_links(urls, alternates, alternates_title) + ("\n" + head if head else "")
    scripts = "" if urls.static else \
        f'<script src="{esc(urls.static_file("search.js"))}" defer></script>\n'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · seccoop</title>
{head}
<link rel="stylesheet" href="{esc(urls.static_file('style.css'))}">
<link rel="icon" href="{esc(urls.file('favicon.ico'))}">
{scripts}</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header><a class="brand" href="{esc(urls.home())}">seccoop</a><nav aria-label="Main">{_nav(urls)}</nav>
{search_form(urls)}</header>
<main id="main">
{body}
</main>
<footer>seccoop {esc(__version__)} · {esc(urls.config.title)} · SPARQL endpoint for clients:
{link(urls.sparql(), "<code>/sparql</code>")} ·
{link(urls.void(), "VoID")}</footer>
</body>
</html>
"""


def table(header: list[str], rows: list[list[str]], *, css: str = "") -> str:
    """A table of already-escaped cells (header cells are escaped here)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def error_page(urls: Urls, status: int, message: str) -> str:
    return layout(urls, f"{status}", f"<h1>{status}</h1><p class=\"error\">{esc(message)}</p>"
                  f'<p><a href="{esc(urls.home())}">Home</a></p>')
