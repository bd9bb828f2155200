"""The query page: an editor with the named queries as examples, results as a linked table,
download links in every format. Only a server has it (the static site cannot run queries).

    >>> from seccoop.render.urls import Urls
    >>> page = query_page(Urls(), [], "SELECT * {}", ResultView("select", ["x"], [[{"type": "literal",
    ...     "value": "<b>"}]]))
    >>> "&lt;b&gt;" in page and "<b>" not in page.replace("<b>", "", 0)
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
import pyoxigraph as ox

from .. import formats
from .html import esc, layout, table, term_dict, term_html
from .sections import NONE, Sections, render
from .urls import Urls

LABELLED_ROWS = 300  # label lookups for the first rows only: big tables stay fast


@dataclass
class ResultView:
    kind: str                      # select | ask | graph
    variables: list[str] = field(default_factory=list)
    rows: list[list[dict | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def view_from_json(data: bytes) -> ResultView:
    """SPARQL JSON results (from a query process) as a :class:`ResultView`."""
    doc = json.loads(data)
    if "boolean" in doc:
        return ResultView("ask", boolean=bool(doc["boolean"]))
    names = doc["head"].get("vars", [])
    rows: list[list[dict | None]] = [[binding.get(v) for v in names]
                                     for binding in doc["results"]["bindings"]]
    return ResultView("select", names, rows)


def view_from_ntriples(data: bytes) -> ResultView:
    """CONSTRUCT/DESCRIBE output (N-Triples) as a subject/predicate/object table."""
    rows: list[list[dict | None]] = [[term_dict(t.subject), term_dict(t.predicate), term_dict(t.object)]
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    return ResultView("graph", ["subject", "predicate", "object"], rows)


def query_page(urls: Urls, named: list, text: str, view: ResultView | None = None, *,
               error: str = "", inferred: bool = True, labels=None,
               sections: Sections = NONE) -> str:
    """The whole page; ``labels(iri) -> str`` names IRIs in the table when given."""
    parts = [_editor(urls, named, text, inferred)]
    if error:
        parts.append(f'<section class="results"><p class="error" role="alert">{esc(error)}</p></section>')
    elif view is not None:
        parts.append(_results(urls, view, text, inferred, labels))
    parts.append(render(sections.query, None, urls, text=text, view=view))
    script = f'<script src="{esc(urls.static_file("query.js"))}" defer></script>'
    return layout(urls, "Query", "".join(parts), head=script)


def _editor(urls: Urls, named: list, text: str, inferred: bool) -> str:
    options = "".join(f'<option value="{esc(q.name)}" data-query="{esc(q.text)}">'
                      f'{esc(q.title)}</option>' for q in named)
    examples = (f'<label>Example <select id="examples"><option value="">— a named query —</option>'
                f"{options}</select></label>") if named else ""
    checked = " checked" if inferred else ""
    return f"""<h1>Query</h1>
<form id="query-form" method="get" action="{esc(urls.query())}">
<div class="toolbar">{examples}
<input type="hidden" name="inferred" value="false">
<label><input type="checkbox" name="inferred" value="true"{checked}> include inferred facts</label>
</div>
<textarea id="query" name="query" rows="14" spellcheck="false">{esc(text)}</textarea>
<p class="hint">Prefixes sc:, scr:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:, prov:, org: and
schema: are predeclared. Ctrl+Enter runs the query.</p>
<button type="submit">Run</button>
</form>"""


def _downloads(urls: Urls, kind: str, text: str, inferred: bool) -> str:
    names = formats.names("rdf" if kind == "graph" else "results")
    links = []
    for fmt in names:
        params = {"query": text, "format": fmt}
        if not inferred:
            params["inferred"] = "false"
        links.append(f'<a href="{esc(urls.sparql(**params))}" download>{esc(fmt)}</a>')
    return '<p class="downloads">Download: ' + " ".join(links) + "</p>"


def _results(urls: Urls, view: ResultView, text: str, inferred: bool, labels) -> str:
    parts = ['<section class="results"><h2>Results</h2>', _downloads(urls, view.kind, text, inferred)]
    if view.kind == "ask":
        parts.append(f'<p class="boolean">{"yes" if view.boolean else "no"}</p>')
    elif not view.rows:
        parts.append('<p class="note">No results.</p>')
    else:
        count = f"{len(view.rows):,} row{'s' if len(view.rows) != 1 else ''}"
        parts.append(f'<p class="count">{esc(count)}</p>')
        if view.truncated:
            parts.append(f'<p class="truncated" role="status">Truncated: only the first '
                         f'{len(view.rows):,} rows are shown (the server\'s row limit).</p>')
        rows = [[_cell(urls, cell, labels if i < LABELLED_ROWS else None) for cell in row]
                for i, row in enumerate(view.rows)]
        parts.append(table(view.variables, rows, css="results"))
    parts.append("</section>")
    return "".join(parts)


def _cell(urls: Urls, term: dict | None, labels) -> str:
    if term is None:
        return ""
    if term.get("type") == "uri" and labels is not None:
        return term_html(urls, term, labels(term["value"]))
    if term.get("type") == "triple":  # RDF-star: show its N-Triples form, escaped
        return esc(json.dumps(term["value"]))
    return term_html(urls, term)
