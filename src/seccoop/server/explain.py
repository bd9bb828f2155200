"""``/explain?s=..&p=..&o=..``: why a fact holds, from :func:`seccoop.reasoning.explain`.

Terms are given in N-Triples syntax or as bare IRIs; JSON or HTML by content negotiation.

    >>> parse_term("<urn:a>").value
    'urn:a'
    >>> parse_term('"x"@en').language
    'en'
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .html import esc, layout, term_dict, term_html
from .protocol import negotiate

OFFERS = (("html", "text/html"), ("json", "application/json"))


def parse_term(text: str):
    """An RDF term from N-Triples syntax (``<iri>``, ``"literal"@en``) or a bare IRI."""
    text = text.strip()
    if not text.startswith(("<", '"', "_:")):
        return ox.NamedNode(text)
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


async def explain_endpoint(request: Request) -> Response:
    from .. import reasoning

    fmt = negotiate(request.headers.get("accept"), OFFERS) or "json"
    explain = getattr(reasoning, "explain", None)
    if explain is None:
        return _error(fmt, 501, "explanations need seccoop.reasoning.explain, which this "
                                "version does not have yet")
    params = request.query_params
    try:
        s, p, o = (parse_term(params[name]) for name in ("s", "p", "o"))
        if not isinstance(p, ox.NamedNode) or isinstance(s, ox.Literal):
            raise ValueError("the subject must be an IRI or blank node and the predicate an IRI")
    except KeyError:
        return _error(fmt, 400, "give the fact as s=, p= and o= (N-Triples terms or IRIs)")
    except (ValueError, SyntaxError) as error:
        return _error(fmt, 400, f"not an RDF term: {error}")
    server = request.app.state.server
    expl = await run_in_threadpool(explain, server.store, s, p, o)
    labels = await run_in_threadpool(reasoning.labels_for, server.store, expl.terms())
    if fmt == "json":
        return Response(json.dumps(reasoning.explanation_to_json(expl, labels)), 200,
                        {"Vary": "Accept"}, "application/json")
    return HTMLResponse(_page(expl, labels), headers={"Vary": "Accept"})


def _error(fmt: str, status: int, message: str) -> Response:
    if fmt == "json":
        return Response(json.dumps({"error": "explain", "message": message}), status,
                        media_type="application/json")
    return HTMLResponse(layout("Explanation", f'<h1>Explanation</h1><p class="error">{esc(message)}</p>'),
                        status)


def _triple_html(triple, labels) -> str:
    return " ".join(term_html(term_dict(t), labels.get(t)) for t in triple)


def _tree(expl, labels) -> str:
    text = _triple_html(expl.triple, labels)
    if expl.status == "inferred":
        premises = "".join(_tree(p, labels) for p in expl.premises)
        return (f'<li><span class="fact">{text}</span> <span class="rule">inferred by rule '
                f'<code>{esc(expl.rule)}</code> from</span><ul>{premises}</ul></li>')
    if expl.status == "asserted":
        sources = "".join(f'<div class="source">{term_html(term_dict(ox.NamedNode(src)))}'
                          f'{f" <q>{esc(t)}</q>" if t else ""}</div>' for src, t in expl.sources)
        return f'<li><span class="fact">{text}</span> <span class="asserted">asserted</span>{sources}</li>'
    return f'<li><span class="fact">{text}</span> <span class="note">{esc(expl.status)}</span></li>'


def _page(expl, labels) -> str:
    body = (f"<h1>Why does this hold?</h1><p>{_triple_html(expl.triple, labels)}</p>"
            f'<ul class="explanation">{_tree(expl, labels)}</ul>')
    return layout("Explanation", body)
