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
import re
from dataclasses import dataclass, field
import pyoxigraph as ox

from .. import formats
from ..namespaces import PREFIXES
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
               sections: Sections = NONE, prefixes: dict[str, str] | None = None) -> str:
    """The whole page; ``labels(iri) -> str`` names IRIs in the table when given. The
    example whose text is ``text`` stays chosen, and downloads are named after it.
    ``prefixes``: the project's predeclared prefixes (default: the packaged project's)."""
    prefixes = PREFIXES if prefixes is None else prefixes
    chosen = next((q for q in named if example_text(q.text, prefixes) == text.strip()), None)
    parts = [_editor(urls, named, text, inferred, chosen, prefixes)]
    if error:
        parts.append(f'<section class="results" id="results"><p class="error" role="alert">'
                     f'{esc(error)}</p></section>')
    elif view is not None:
        parts.append(_results(urls, view, text, inferred, labels, chosen.name if chosen else "query"))
    else:
        parts.append('<section class="results" id="results" hidden></section>')
    parts.append(render(sections.query, None, urls, text=text, view=view))
    vendor = "vendor/codemirror/"
    styles = "".join(f'<link rel="stylesheet" href="{esc(urls.static_file(vendor + f))}">'
                     for f in EDITOR_STYLES)
    scripts = "".join(f'<script src="{esc(urls.static_file(f))}" defer></script>'
                      for f in (*(vendor + f for f in EDITOR_SCRIPTS), "query.js"))
    return layout(urls, "Query", "".join(parts), head=styles + "\n" + scripts)


EDITOR_STYLES = ("lib/codemirror.css", "addon/hint/show-hint.css", "addon/lint/lint.css")
EDITOR_SCRIPTS = ("lib/codemirror.js", "mode/sparql/sparql.js", "addon/hint/show-hint.js",
                  "addon/lint/lint.js", "addon/edit/matchbrackets.js",
                  "addon/display/placeholder.js")
_FILE_EXTENSIONS = {"json": "json", "xml": "xml"}  # what people's tools open (not .srj, .srx)
_PREFIX_LINE = re.compile(r"^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>\s*$", re.I)


def example_text(text: str, prefixes: dict[str, str] | None = None) -> str:
    """A named query as the editor shows it: without the PREFIX lines the endpoint
    predeclares (with the same namespace), so the query itself is in view.

    >>> example_text("# title: x\\nPREFIX sc: <https://w3id.org/seccoop/ontology#>\\nSELECT * {}\\n")
    '# title: x\\nSELECT * {}'
    """
    prefixes = PREFIXES if prefixes is None else prefixes
    kept = []
    for line in text.splitlines():
        found = _PREFIX_LINE.match(line)
        if found and prefixes.get(found.group(1)) == found.group(2):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _editor(urls: Urls, named: list, text: str, inferred: bool, chosen,
            prefixes: dict[str, str]) -> str:
    options = "".join(f'<option value="{esc(q.name)}" data-query="{esc(example_text(q.text, prefixes))}"'
                      f'{" selected" if q is chosen else ""}>{esc(q.title)}</option>'
                      for q in named)
    examples = (f'<label for="examples">Example</label> <select id="examples" name="example">'
                f'<option value="">— a named query —</option>{options}</select>') if named else ""
    checked = " checked" if inferred else ""
    terms, parse = urls.prefix + "api/terms", urls.prefix + "api/parse"
    return f"""<h1>Query</h1>
<form id="query-form" method="get" action="{esc(urls.query())}" data-terms="{esc(terms)}"
 data-parse="{esc(parse)}">
<div class="toolbar"><span class="field">{examples}</span>
<input type="hidden" name="inferred" value="false">
<label><input type="checkbox" name="inferred" value="true"{checked}> include inferred facts</label>
</div>
<label for="query" class="editor-label">SPARQL query</label>
<textarea id="query" name="query" rows="14" spellcheck="false">{esc(text)}</textarea>
<p class="parse-status" id="parse-status" role="status" aria-live="polite"></p>
<p class="hint" id="query-hint">Prefixes {", ".join(p + ":" for p in prefixes)} are predeclared.
Ctrl+Enter runs the query; Ctrl+Space completes prefixes, classes and properties. SPARQL
clients use the endpoint <code>{esc(urls.sparql() or "")}</code>.</p>
<div class="run"><button type="submit" id="run">Run</button>
<button type="button" id="cancel" hidden>Cancel</button>
<span id="running" class="running" role="status" aria-live="polite"></span></div>
</form>"""


def _downloads(urls: Urls, kind: str, text: str, inferred: bool, name: str) -> str:
    """Links to the result in every format, each saved as ``{name}.{ext}``."""
    names = formats.names("rdf" if kind == "graph" else "results")
    links = []
    for fmt in names:
        params = {"query": text, "format": fmt}
        if not inferred:
            params["inferred"] = "false"
        filename = f"{name}.{_FILE_EXTENSIONS.get(fmt, formats.by_name(fmt).extension)}"
        links.append(f'<a href="{esc(urls.sparql(**params))}" download="{esc(filename)}">'
                     f'{esc(fmt)}</a>')
    return '<p class="downloads">Download: ' + " ".join(links) + "</p>"


def _results(urls: Urls, view: ResultView, text: str, inferred: bool, labels, name: str) -> str:
    parts = ['<section class="results" id="results"><h2>Results</h2>',
             _downloads(urls, view.kind, text, inferred, name)]
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
        parts.append('<div class="table-scroll">' + table(view.variables, rows, css="results")
                     + "</div>")
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
