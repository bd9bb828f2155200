"""``/sparql``: the SPARQL 1.1 Protocol endpoint, read-only, every query guarded and bounded.

Order of the checks: protocol (method, content type, body, parameters) → content
negotiation → SERVICE/LOAD/update refusal (cached verdict, checked on every request) → the
query runs: in a killable query process, or — when this exact job already ran there once,
cheaply, successfully and uncut, and calls no non-deterministic function — in-process, or
its remembered reply is sent (:class:`seccoop.server.pool.QueryRunner` explains the fast
path, the result cache and what they bound) → status, headers (``X-SPARQL-Truncated``;
``X-Seccoop-Path: process``, ``proven`` or ``cached`` says which way), body.

:class:`SparqlApp` serves the route as a plain ASGI app: the common requests are answered
without Starlette's Request/Response objects (measured: LUBM Q1 went from 0.41x to 0.50x
of ``oxigraph serve``), everything else by :func:`sparql_endpoint`, with the same bytes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import request_response

from . import guard
from ..settings import Settings, public_base
from .datadocs import MACHINE_DOC_OFFERS, service_description, serialize_turtle
from ..errors import QueryCrashed, QueryRefused, QueryTimeout
from .protocol import (GRAPH_OFFERS, MEDIA_TYPES, RESULT_OFFERS, ProtocolError, SparqlRequest,
                       acceptable, content_type, error_body, negotiate, parse_get, parse_post,
                       reply_format, syntax_error_body)

# Longer links break in browsers, proxies and our own header cap: answered in place instead.
LOCATION_LIMIT = 8 * 1024
ERROR_OFFERS = (("text", "text/plain"), ("json", "application/json"),
                ("json", "application/sparql-results+json"))


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or :class:`ProtocolError` 413 once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def error_response(request: Request, status: int, message: str, *, body: dict | None = None,
                   headers: dict | None = None) -> Response:
    """An error as JSON when the client prefers JSON, else as plain text."""
    headers = {"Vary": "Accept", **(headers or {})}
    if negotiate(request.headers.get("accept"), ERROR_OFFERS) == "json":
        payload = body or error_body(status, message)
        return Response(json.dumps(payload), status, headers, "application/json")
    return Response(message + "\n", status, headers, "text/plain; charset=utf-8")




QUERY_STRING_CACHE = 1024      # parsed GET query strings per HTTP worker
QUERY_STRING_CACHED_MAX = 16384  # longer ones are parsed every time (bounds the cache)


def parse_query_string(raw: bytes) -> SparqlRequest:
    """A GET request's raw query string to a :class:`SparqlRequest`, as Starlette's
    ``request.query_params`` would give it. Unquoting a long percent-encoded query costs
    tens of microseconds in Python, so recent ones are cached (the result is shared: read
    it, never change it). Refused ones (:class:`ProtocolError`) are not cached."""
    if len(raw) > QUERY_STRING_CACHED_MAX:
        return _parse_query_string(raw)
    return _cached_query_string(raw)


def _parse_query_string(raw: bytes) -> SparqlRequest:
    return parse_get(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


_cached_query_string = lru_cache(maxsize=QUERY_STRING_CACHE)(_parse_query_string)


@lru_cache(maxsize=512)
def choose_formats(formats: tuple, accept: str | None) -> tuple[str | None, str | None]:
    """(SELECT/ASK format, CONSTRUCT/DESCRIBE format) for the ``format``/``output``/
    ``results`` values and the Accept header: a parameter's format is taken when Accept
    admits it (so it never overrides a stricter Accept); a kind that Accept names no
    format for gets its default (JSON results, Turtle), as long as Accept names one of
    the other kind; (None, None) when it names nothing offered (406).

    >>> choose_formats((("json", "jsonld"),), None)
    ('json', 'jsonld')
    >>> choose_formats((), "application/sparql-results+json")
    ('json', 'turtle')
    >>> choose_formats((("json", "jsonld"),), "application/sparql-results+xml")
    ('xml', 'turtle')
    """
    result, graph = negotiate(accept, RESULT_OFFERS), negotiate(accept, GRAPH_OFFERS)
    if result is None and graph is None:
        return None, None
    chosen_result = chosen_graph = None
    for asked_result, asked_graph in formats:
        if chosen_result is None and asked_result and acceptable(MEDIA_TYPES[asked_result], accept):
            chosen_result = asked_result
        if chosen_graph is None and asked_graph and acceptable(MEDIA_TYPES[asked_graph], accept):
            chosen_graph = asked_graph
    if "html" in (chosen_result, chosen_graph):
        return "html", "html"
    return chosen_result or result or "json", chosen_graph or graph or "turtle"


async def sparql_endpoint(request: Request) -> Response:
    server = request.app.state.server
    try:
        if request.method == "POST":
            body = await read_body(request, server.settings.max_body)
            sparql = parse_post(request.query_params.multi_items(),
                                request.headers.get("content-type"), body)
        else:
            sparql = parse_query_string(request.scope["query_string"])
    except ClientDisconnect:
        return Response(b"", 400)  # the client left mid-body: this is never delivered
    except ProtocolError as error:
        return error_response(request, error.status, error.message)
    if sparql.query is None:
        return _service_description(request, server)
    result_fmt, graph_fmt = choose_formats(sparql.formats, request.headers.get("accept"))
    if result_fmt is None and graph_fmt is None:
        return error_response(request, 406, "no result format matches the Accept header")
    verdict = await guard.check_async(sparql.query, server.settings.allow_service,
                                       timeout=server.settings.timeout)
    if not verdict.allowed:
        return error_response(request, verdict.status, verdict.message)
    if "html" in (result_fmt, graph_fmt):  # a browser: the query page shows the results
        params = {"query": sparql.query, **({} if sparql.inferred else {"inferred": "false"})}
        location = "/query?" + urlencode(params)
        if len(location) <= LOCATION_LIMIT:
            return RedirectResponse(location, 303)
        return await request.app.state.answer_on_query_page(server, sparql)
    return await _run(request, server, sparql, result_fmt, graph_fmt, verdict.shape)


async def _run(request, server, sparql: SparqlRequest, result_fmt, graph_fmt,
               shape: int | None) -> Response:
    job = (sparql.query, result_fmt, graph_fmt, sparql.inferred, *sparql.dataset,
           server.settings.max_rows, endpoint_url(server.settings))
    try:
        (status, kind, rows, truncated, body), path = await server.runner.run(job, shape)
    except (QueryTimeout, QueryCrashed) as error:
        return _failure(request, error)
    if status != "ok":
        return _not_ok(request, status, kind, body)
    fmt = reply_format(kind, result_fmt, graph_fmt)
    headers = server.result_headers[path]  # shared: copied before adding to it
    if truncated:
        headers = {**headers, "X-SPARQL-Truncated": "true",
                   "X-SPARQL-Max-Rows": str(server.settings.max_rows)}
    return Response(body, 200, headers, content_type(fmt))


def _failure(request: Request, error: Exception) -> Response:
    if isinstance(error, QueryTimeout):
        name = "refused" if isinstance(error, QueryRefused) else "timeout"
        message = f"query stopped: {error}"
        return error_response(request, 503, message, headers={"Retry-After": "1"},
                              body={"error": name, "message": message})
    return error_response(request, 500, str(error))


def _not_ok(request: Request, status: str, kind: str, body: bytes) -> Response:
    if status == "syntax":
        message = body.decode()
        return error_response(request, 400, message, body=syntax_error_body(message))
    if status == "not-acceptable":
        return error_response(request, 406, f"no format for {kind.upper()} results matches "
                                            "the Accept header")
    return error_response(request, 400, f"query evaluation failed: {body.decode()}")


class SparqlApp:
    """``/sparql`` as a plain ASGI app: the common requests (GET ``?query=``, POST
    ``application/sparql-query`` or a form, with a SPARQL result format, a query whose
    SERVICE/LOAD verdict is cached and allows it) are answered here, reading the scope and
    sending the two response messages directly: what Starlette's Request/Response would
    do, without their per-request objects. The response is byte-for-byte the one
    :func:`sparql_endpoint` sends (the same headers, in the same order); anything else —
    the service description, protocol errors, HTML, 406, a SERVICE/LOAD verdict not cached
    yet or a refusal — goes to :func:`sparql_endpoint` itself, so each guard stays in one
    place. A query that fails once run here (timeout, crash, syntax, evaluation) is
    answered by the same helpers :func:`_run` uses: it is never run twice.
    """

    def __init__(self) -> None:
        self._slow = request_response(sparql_endpoint)
        self._heads: dict = {}  # (server, path, truncated, fmt) -> (headers, content-type)

    async def __call__(self, scope, receive, send):
        server = scope["app"].state.server
        accept, ctype, length = _request_headers(scope["headers"])
        try:
            if scope["method"] == "POST":
                limit = server.settings.max_body
                body = None
                if not (length and length.isdigit() and int(length) > limit):
                    body = await _read_all(receive, limit)
                if body is None:
                    response = error_response(Request(scope, receive), 413,
                                              f"request body over {limit} bytes")
                    return await response(scope, receive, send)
                receive = _replay(body, receive)
                sparql = parse_post(parse_qsl(scope["query_string"].decode("latin-1"),
                                              keep_blank_values=True), ctype, body)
            else:
                sparql = parse_query_string(scope["query_string"])
        except ProtocolError:
            return await self._slow(scope, receive, send)
        except ClientDisconnect:
            return None  # the client left mid-body: nobody to answer
        query = sparql.query
        if query is None:
            return await self._slow(scope, receive, send)
        result_fmt, graph_fmt = choose_formats(sparql.formats, accept)
        if (result_fmt is None and graph_fmt is None) or "html" in (result_fmt, graph_fmt):
            return await self._slow(scope, receive, send)
        verdict = guard.cached_verdict(query, server.settings.allow_service)
        if verdict is None or not verdict.allowed:  # not judged yet, or refused
            return await self._slow(scope, receive, send)
        settings = server.settings
        job = (query, result_fmt, graph_fmt, sparql.inferred, *sparql.dataset,
               settings.max_rows, endpoint_url(settings))
        try:
            (status, kind, rows, truncated, body), path = await server.runner.run(job, verdict.shape)
        except (QueryTimeout, QueryCrashed) as error:
            return await _failure(Request(scope, receive), error)(scope, receive, send)
        if status != "ok":
            response = _not_ok(Request(scope, receive), status, kind, body)
            return await response(scope, receive, send)
        fmt = reply_format(kind, result_fmt, graph_fmt)
        key = (server, path, truncated, fmt)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = _result_head(server, path, truncated, fmt)
        headers, media = head
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*headers, (b"content-length", b"%d" % len(body)), media]})
        await send({"type": "http.response.body", "body": body})


_WANTED = {b"accept": 0, b"content-type": 1, b"content-length": 2}


def _request_headers(raw: list) -> tuple:
    """(Accept, Content-Type, Content-Length bytes): the first of each, as Starlette reads."""
    found: list = [None, None, None]
    for name, value in raw:
        index = _WANTED.get(name)
        if index is not None and found[index] is None:
            found[index] = value if index == 2 else value.decode("latin-1")
    return tuple(found)


def _result_head(server, path: str, truncated: bool, fmt: str) -> tuple[list, tuple]:
    """The headers :func:`_run`'s Response would send, but content-length (the same order)."""
    headers = server.result_headers[path]
    if truncated:
        headers = {**headers, "X-SPARQL-Truncated": "true",
                   "X-SPARQL-Max-Rows": str(server.settings.max_rows)}
    response = Response(b"", 200, headers, content_type(fmt))
    raw = response.raw_headers
    assert raw[-2][0] == b"content-length" and raw[-1][0] == b"content-type"
    return raw[:-2], raw[-1]


async def _read_all(receive, limit: int) -> bytes | None:
    """The whole request body; None once it passes ``limit`` (as :func:`read_body`)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive):
    """A ``receive`` that gives ``body`` once more, then waits on the real one."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


def endpoint_url(settings) -> str:
    """This endpoint's URL, the base IRI of queries without BASE (the protocol allows it):
    from ``--base-url`` or the configured address, never from a request's Host header."""
    return _endpoint_url(settings.base_url, settings.host, settings.port)


@lru_cache(maxsize=16)
def _endpoint_url(base_url: str, host: str, port: int) -> str:
    return public_base(Settings(base_url=base_url, host=host, port=port)) + "/sparql"


def _service_description(request: Request, server) -> Response:
    fmt = negotiate(request.headers.get("accept"), MACHINE_DOC_OFFERS)
    if fmt is None:
        return error_response(request, 406, "no RDF format matches the Accept header")
    if fmt == "html":
        return RedirectResponse("/query", 303)
    config = getattr(server, "config", None)
    data = serialize_turtle(service_description(None, server.settings, server.store, config), fmt,
                            config=config)
    return Response(data, 200, server.data_headers(), content_type(fmt))
