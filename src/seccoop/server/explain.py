"""``/explain?s=..&p=..&o=..``: why a fact holds, from :func:`seccoop.reasoning.explain`.

Terms are given in N-Triples syntax or as bare IRIs; JSON or HTML by content negotiation
(the page itself is :func:`seccoop.render.pages.explain_page`).

The closure with its derivation records is computed once per HTTP worker, on the first
request, and kept (the store does not change under a server): concurrent first requests
wait for that one computation rather than each starting their own, and a client waits at
most ``--timeout`` for it (503 with Retry-After meanwhile; the computation goes on and
serves the requests after).

    >>> parse_term("<urn:a>").value
    'urn:a'
    >>> parse_term('"x"@en').language
    'en'
"""

from __future__ import annotations

import asyncio
import json

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..render.pages import explain_error_page, explain_page
from ..render.urls import Urls
from ..errors import ResolveError
from .protocol import error_body, negotiate

OFFERS = (("html", "text/html"), ("json", "application/json"))


def parse_term(text: str, store: ox.Store | None = None, config=None):
    """An RDF term from N-Triples syntax (``<iri>``, ``"literal"@en``), a full IRI, or (with
    ``store``) a prefixed name or a label, as the CLI's ``explain`` takes them."""
    text = text.strip()
    if not text.startswith(("<", '"', "_:")):
        if store is None or "://" in text or text.startswith("urn:"):
            return ox.NamedNode(text)
        from ..store import resolve

        return resolve(store, text, config)
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


async def explain_endpoint(request: Request) -> Response:
    from .. import reasoning

    fmt = negotiate(request.headers.get("accept"), OFFERS) or "json"
    params = request.query_params
    server = request.app.state.server
    try:
        s, p, o = (parse_term(params[name], server.store, server.config)
                   for name in ("s", "p", "o"))
        if not isinstance(p, ox.NamedNode) or isinstance(s, ox.Literal):
            raise ValueError("the subject must be an IRI or blank node and the predicate an IRI")
    except KeyError:
        return _error(fmt, 400, "give the fact as s=, p= and o= (N-Triples terms or IRIs)")
    except ResolveError as error:
        close = "; ".join(f"{label} <{iri}>" for iri, label in error.candidates[:5])
        return _error(fmt, 400, f"{error}" + (f" (similar: {close})" if close else ""))
    except (ValueError, SyntaxError) as error:
        return _error(fmt, 400, f"not an RDF term: {error}")
    try:
        explainer = await asyncio.wait_for(asyncio.shield(_explainer(server)),
                                           server.settings.timeout)
    except asyncio.TimeoutError:
        return _error(fmt, 503, "the reasoner is still preparing explanations; try again "
                                "shortly", headers={"Retry-After": "5"})
    expl = await run_in_threadpool(explainer.explain, (s, p, o))
    labels = await run_in_threadpool(reasoning.labels_for, server.store, expl.terms())
    if fmt == "json":
        return Response(json.dumps(reasoning.explanation_to_json(expl, labels)), 200,
                        {"Vary": "Accept"}, "application/json")
    return HTMLResponse(explain_page(expl, labels, server.urls), headers={"Vary": "Accept"})


def _explainer(server) -> asyncio.Future:
    """The worker's one explainer (see the module docstring), started on first use; a
    failed computation is forgotten so that a later request tries again."""
    from .. import reasoning

    future = server.explainer_future
    if future is None or (future.done() and future.exception() is not None):
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, reasoning.explainer, server.store)
        server.explainer_future = future
    return future


def _error(fmt: str, status: int, message: str, headers: dict | None = None,
           urls: Urls | None = None) -> Response:
    if fmt == "json":
        return Response(json.dumps(error_body(status, message)), status, headers,
                        media_type="application/json")
    return HTMLResponse(explain_error_page(message, urls or Urls()), status, headers)
