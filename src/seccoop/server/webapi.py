"""The routes behind the web interface: search (a page and its JSON), the terms the query
editor completes, and the syntax check it runs before a query is.

    >>> from starlette.testclient import TestClient                   # doctest: +SKIP
    >>> client.get("/api/search", params={"q": "Chnia"}).json()["results"][0]["label"]  # doctest: +SKIP
    'China'
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..queries import shorten
from ..search import SearchIndex
from . import guard
from .parsecheck import ParseChecker

SEARCH_LIMIT = 50      # hits on the results page
SUGGEST_LIMIT = 10     # hits as one types
MAX_PARSE_CHARS = 100_000
_TERMS = """SELECT DISTINCT ?term ?kind WHERE {
  { ?x a ?term BIND("class" AS ?kind) }
  UNION { ?term a ?declared VALUES ?declared { owl:Class rdfs:Class } BIND("class" AS ?kind) }
  UNION { ?x ?term ?y BIND("property" AS ?kind) }
  UNION { ?term a ?declared BIND("property" AS ?kind)
          VALUES ?declared { rdf:Property owl:ObjectProperty owl:DatatypeProperty
                             owl:AnnotationProperty } }
  FILTER(isIRI(?term)) }"""


def _index(request: Request) -> SearchIndex:
    server = request.app.state.server
    return server.cached("search-index", lambda: SearchIndex.from_store(server.store))


def _wanted(request: Request) -> str:
    return request.query_params.get("q", "")[:200]


async def search_page(request: Request) -> Response:
    """``/search?q=``: the ranked matches as a page (the form works without JavaScript)."""
    from ..render.pages import search_page as render

    server, text = request.app.state.server, _wanted(request)
    index = await run_in_threadpool(_index, request)
    hits = index.search(text, SEARCH_LIMIT) if text.strip() else []
    page = await run_in_threadpool(render, server.store, text, hits, server.urls)
    return HTMLResponse(page)


async def search_json(request: Request) -> Response:
    """``/api/search?q=&limit=``: ``{"query", "results": [{iri, label, href, match, ...}]}``."""
    server, text = request.app.state.server, _wanted(request)
    try:
        limit = max(1, min(int(request.query_params.get("limit", SUGGEST_LIMIT)), SEARCH_LIMIT))
    except ValueError:
        return JSONResponse({"error": "limit must be a number"}, 400)
    index = await run_in_threadpool(_index, request)
    hits = index.search(text, limit) if text.strip() else []
    results = [{**hit.as_json(), "href": server.urls.iri(hit.iri)} for hit in hits]
    return JSONResponse({"query": text, "results": results})


def terms(store: ox.Store, prefixes: dict[str, str]) -> dict:
    """The predeclared prefixes, and the classes and properties of the graph as the editor
    completes them (prefixed names where a prefix fits), with their labels."""
    from ..browse import label_of

    found: dict[str, dict[str, str]] = {"class": {}, "property": {}}
    rows = store.query(_TERMS, prefixes=prefixes, use_default_graph_as_union=True)
    for row in cast(ox.QuerySolutions, rows):
        found[row["kind"].value][row["term"].value] = ""
    cache: dict = {}
    out: dict = {"prefixes": dict(prefixes)}
    for kind, key in (("class", "classes"), ("property", "properties")):
        out[key] = sorted(({"name": shorten(ox.NamedNode(iri), prefixes), "iri": iri,
                            "label": label_of(store, ox.NamedNode(iri), cache)}
                           for iri in found[kind]), key=lambda t: t["name"].lower())
    return out


async def terms_json(request: Request) -> Response:
    """``/api/terms``: computed once per server process (the store does not change)."""
    server = request.app.state.server
    prefixes = server.config.query_prefixes
    data = await run_in_threadpool(server.cached, "terms", lambda: terms(server.store, prefixes))
    return JSONResponse(data, headers={"Cache-Control": "public, max-age=600"})


async def parse_json(request: Request) -> Response:
    """``/api/parse`` (GET ``?query=`` or a POSTed form): ``{ok, line, column, message}``
    for the text as the server would judge it, without running it."""
    server = request.app.state.server
    if request.method == "POST":
        text = str((await request.form()).get("query", ""))
    else:
        text = request.query_params.get("query", "")
    if len(text) > MAX_PARSE_CHARS:
        return JSONResponse({"ok": False, "line": None, "column": None,
                             "message": f"query over {MAX_PARSE_CHARS:,} characters"})
    verdict = await guard.check_async(text, server.settings.allow_service,
                                      timeout=server.settings.timeout)
    if not verdict.allowed:
        return JSONResponse({"ok": False, "line": None, "column": None, "message": verdict.message})
    checker = server.cached("parse-checker",
                            lambda: ParseChecker(prefixes=server.config.query_prefixes))
    return JSONResponse(await run_in_threadpool(checker.check, text))
