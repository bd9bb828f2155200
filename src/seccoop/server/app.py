"""The Starlette application: routes over the library (store, queries, browse, reasoning).

    >>> from starlette.testclient import TestClient
    >>> app = create_app(Settings(), project, store_dir)          # doctest: +SKIP
    >>> with TestClient(app) as client:                           # doctest: +SKIP
    ...     client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"]
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import sys
import threading
from datetime import timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..namespaces import __version__
from ..browse import describe, label_of
from ..project import Project, find_project
from ..queries import named_queries
from ..settings import Settings, public_base
from ..store import build_or_reuse, pin_build, read_manifest
from ..render.documents import (EXTENSIONS, Publication, build_time, document_context,
                                entity_document, ontology_triples, serialize_triples,
                                serialize_turtle, void_description)
from ..render.html import error_page
from ..render.pages import entity_page, home_page, ontology_page, ontology_terms, void_page
from ..render.query import (ResultView, example_text, query_page, view_from_json,
                            view_from_ntriples)
from ..render.sections import pictures
from ..render.urls import DUMP_NAME, Urls
from .datadocs import MACHINE_DOC_OFFERS, RDF_DOC_OFFERS, link_header
from .endpoint import SparqlApp, endpoint_url, error_response
from .explain import explain_endpoint
from .guardrails import Guardrails
from .pool import QueryCrashed, QueryPool, QueryRunner, QueryTimeout
from .protocol import ProtocolError, content_type, negotiate, parse_get
from . import guard, webapi, worker
from .sandbox import is_isolated
from .staleness import Staleness, StaleNotice

STATIC = Path(__file__).parent / "static"
# Documents may be reused for a while; ETag and Last-Modified revalidate them after.
CACHE_CONTROL = "public, max-age=600"
CONFIG_ENV = "SECCOOP_SERVE_CONFIG"


class Server:
    """What one HTTP worker process holds: settings, the pinned build, its query processes."""

    # the pinned build's store, pool and runner, or a remote's (seccoop.server.remote_runner)
    store: Any
    pool: Any
    runner: Any
    build_dir: Path | None

    def __init__(self, settings: Settings, project: Project, store_dir: Path,
                 remote: dict | None = None):
        self.settings, self.project, self.remote = settings, project, remote
        self.config = project.config
        worker.PREFIXES = self.config.query_prefixes
        max_bytes = int(settings.max_result_mb * 2**20)
        worker.MAX_BYTES = max_bytes  # the byte cap of proven jobs run in this process
        self.build_dir = None
        if remote:
            self._open_remote(remote)
        else:
            self._open_build(Path(store_dir), max_bytes)
        self.base = public_base(settings)
        self.built = build_time(self.manifest)
        self._cache: dict = {}
        self._locks: dict[str, threading.Lock] = {}
        self.explainer_future = None  # /explain's one recorded closure (see explain.py)
        # The pages' links (of this project's namespaces) and added sections.
        self.urls, self.sections = Urls(config=self.config), pictures()
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._data_headers = {"Vary": "Accept"}
        if settings.cors:
            self._data_headers["Access-Control-Allow-Origin"] = "*"
        # SPARQL results, by how the runner answered: "cached", "proven" or "process".
        self.result_headers = {path: {**self._data_headers, "X-Seccoop-Path": path}
                               for path in ("cached", "proven", "process", "remote")}

    def _open_build(self, store_dir: Path, max_bytes: int) -> None:
        settings = self.settings
        ensure_built(self.project, store_dir)
        # Pinned: a rebuild while we serve keeps this build, which query processes reopen.
        build_dir, self._pin = pin_build(store_dir)
        self.build_id, self.build_dir = build_dir.name, build_dir
        self.store_path = str(build_dir / "oxigraph")
        self.manifest = read_manifest(build_dir)
        self.store = ox.Store.read_only(self.store_path)
        self.pool = QueryPool(self.store_path, settings.query_workers, settings.timeout,
                              settings.max_query_memory, max_bytes,
                              network=bool(settings.allow_service))
        # Jobs proven cheap in a query process run again in-process (see pool.py).
        self.runner = QueryRunner(self.store, self.pool, settings.trust_below_ms,
                                  result_bytes=int(settings.result_cache_mb * 2**20))

    def _open_remote(self, remote: dict) -> None:
        """The remote engine as the store (see :mod:`seccoop.server.remote_runner`)."""
        from ..remote import RemoteStore
        from .remote_runner import NoPool, RemoteRunner

        store = RemoteStore(remote["url"], timeout=self.settings.timeout)
        catalog = store.catalog()
        self.store, self.build_id = store, catalog.build or ""
        self.manifest = {"graphs": catalog.graphs, "built": catalog.built,
                         "fingerprint": catalog.build}
        self.pool = NoPool()
        self.runner = RemoteRunner(store, self.settings.timeout)

    def data_headers(self) -> dict:
        """The headers of every data response (a fresh dict: callers may add to it)."""
        return dict(self._data_headers)

    def cached(self, key: str, compute):
        """Values computed once per process: the store never changes under a server.
        Concurrent first callers (threadpool threads) wait for one computation."""
        if key in self._cache:
            return self._cache[key]
        with self._locks.setdefault(key, threading.Lock()):
            if key not in self._cache:
                self._cache[key] = compute()
        return self._cache[key]

    def publication(self, inferred: bool = True) -> Publication:
        """The base URL, build time and JSON-LD context of the documents served."""
        return self.cached(f"publication.{inferred}", lambda: Publication(
            self.base, self.built.isoformat() if self.built else None,
            document_context(self.store, inferred, self.config), self.config))

    def validators(self, *parts) -> dict:
        """ETag and Last-Modified of a document: from the build (the store does not change
        while served) and what else shapes its bytes (``parts``)."""
        seed = "|".join(map(str, (__version__, self.manifest.get("fingerprint"), self.base,
                                  self.settings.max_rows, self.settings.max_page_facts, *parts)))
        headers = {"ETag": '"' + hashlib.blake2b(seed.encode(), digest_size=12).hexdigest() + '"',
                   "Cache-Control": CACHE_CONTROL}
        if self.built:
            headers["Last-Modified"] = format_datetime(self.built.astimezone(timezone.utc),
                                                       usegmt=True)
        return headers

    def scratch(self) -> Path:
        """A private temporary folder of this process (dumps), removed with it."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="seccoop-serve-")
        return Path(self._scratch.name)

    def counts(self) -> dict:
        graphs = self.manifest.get("graphs", {})
        return {"triples": sum(graphs.values()), "named graphs": len(graphs),
                "inferred triples": self.manifest.get("inferred", 0)}


def ensure_built(project: Project, store_dir: Path) -> Path:
    """The current build (:func:`seccoop.store.build_or_reuse`); a failed rebuild keeps the
    previous build serving and is reported on stderr, never swallowed."""
    def stale(error) -> None:
        print(f"warning: rebuild failed, serving the previous store: {error}", file=sys.stderr,
              flush=True)

    return build_or_reuse(project, store_dir, on_stale=stale)


def _server(request: Request) -> Server:
    return request.app.state.server


async def home(request: Request) -> Response:
    server = _server(request)
    page = await run_in_threadpool(
        server.cached, "home", lambda: home_page(server.store, server.counts(), server.urls,
                                                 server.sections))
    return HTMLResponse(page)


async def entity(request: Request) -> Response:
    server = _server(request)
    name, fmt = _entity_format(server, request)
    if fmt is None:
        return error_response(request, 406, "no format matches the Accept header")
    iri, path = server.config.resource_namespace + name, "/id/" + quote(name, safe="")
    if not _exists(server.store, iri):
        return _not_found(request, fmt, f"nothing is known about <{iri}>")
    inferred = _inferred(request)
    ext = "html" if fmt == "html" else EXTENSIONS_OF[fmt]
    headers = {**server.data_headers(), "Link": link_header(path),
               "Content-Location": f"{path}.{ext}" + ("" if inferred else "?inferred=false"),
               **server.validators(name, fmt, inferred)}
    if _not_modified(request, headers):
        return Response(None, 304, headers)
    limits = server.settings
    if fmt == "html":
        desc = await run_in_threadpool(describe, server.store, iri, inferred=inferred,
                                       limit=limits.max_page_facts, config=server.config)
        page = await run_in_threadpool(entity_page, server.store, desc, server.urls,
                                       server.sections, limit=limits.max_page_facts)
        return HTMLResponse(page, headers=headers)
    data, cut = await run_in_threadpool(entity_document, server.store, iri, fmt,
                                        server.publication(inferred), inferred=inferred,
                                        limit=limits.max_rows)
    if cut:  # a hub: cut, and said so as /sparql says it
        headers.update({"X-SPARQL-Truncated": "true", "X-SPARQL-Max-Rows": str(limits.max_rows)})
    return Response(data, 200, headers, content_type(fmt))


EXTENSIONS_OF = {fmt: ext for ext, fmt in EXTENSIONS.items()}


def _entity_format(server: Server, request: Request) -> tuple[str, str | None]:
    """The resource name and format of ``/id/{name}``: by extension (``.ttl``, ``.html``...)
    unless the name with its extension is itself a resource, else by the Accept header."""
    name = request.path_params["name"]
    stem, dot, ext = name.rpartition(".")
    namespace = server.config.resource_namespace
    if dot and (ext in EXTENSIONS or ext == "html") and not _exists(server.store, namespace + name):
        return stem, EXTENSIONS.get(ext, "html")
    return name, negotiate(request.headers.get("accept"), RDF_DOC_OFFERS)


def _not_modified(request: Request, headers: dict) -> bool:
    """RFC 9110, 13.1: If-None-Match decides when present, else If-Modified-Since."""
    tags = request.headers.get("if-none-match")
    if tags:
        etag = headers["ETag"]
        return tags.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in tags.split(",")]
    since, modified = request.headers.get("if-modified-since"), headers.get("Last-Modified")
    if not since or not modified:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _exists(store: ox.Store, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # not an IRI (a space, "<", ...): nothing can be known about it
        return False
    return any(True for _ in store.quads_for_pattern(node, None, None)) or \
        any(True for _ in store.quads_for_pattern(None, None, node))


def _inferred(request: Request) -> bool:
    return request.query_params.get("inferred", "true").lower() not in ("false", "0", "no")


def _not_found(request: Request, fmt: str | None, message: str) -> Response:
    if fmt == "html":
        urls = _server(request).urls
        return HTMLResponse(error_page(urls, 404, message), 404, {"Vary": "Accept"})
    return Response(message + "\n", 404, {"Vary": "Accept"}, "text/plain; charset=utf-8")


async def ontology(request: Request) -> Response:
    server = _server(request)
    ext = request.path_params.get("ext")
    if ext is not None:
        if ext not in EXTENSIONS:
            return _not_found(request, "text", f"no ontology format {ext!r}")
        fmt = EXTENSIONS[ext]
    else:
        chosen = negotiate(request.headers.get("accept"), RDF_DOC_OFFERS)
        if chosen is None:
            return error_response(request, 406, "no format matches the Accept header")
        fmt = chosen
    headers = {**server.data_headers(), "Link": link_header("/ontology")}
    if fmt == "html":
        page = await run_in_threadpool(server.cached, "ontology", lambda: ontology_page(
            server.store, ontology_terms(server.store, server.config), server.urls, server.sections))
        return HTMLResponse(page, headers=headers)
    data = await run_in_threadpool(server.cached, f"ontology.{fmt}", lambda: serialize_triples(
        ontology_triples(server.store, server.config), fmt, server.publication().context,
        server.config))
    return Response(data, 200, headers, content_type(fmt))


async def void(request: Request) -> Response:
    server = _server(request)
    ext = request.path_params.get("ext")
    if ext is not None:
        fmt = EXTENSIONS.get(ext) or ("html" if ext == "html" else None)
        if fmt is None:
            return _not_found(request, "text", f"no VoID format {ext!r}")
    else:
        fmt = negotiate(request.headers.get("accept"), MACHINE_DOC_OFFERS)
    if fmt is None:
        return error_response(request, 406, "no format matches the Accept header")
    turtle = await run_in_threadpool(server.cached, "void", lambda: void_description(
        server.store, server.base, dumps=f"{server.base}/dumps/", config=server.config))
    headers = {**server.data_headers(), "Link": link_header("/void"),
               **server.validators("void", fmt)}
    if fmt == "html":
        page = await run_in_threadpool(server.cached, "void.html", lambda: void_page(
            server.store, turtle, server.urls))
        return HTMLResponse(page, headers=headers)
    data = await run_in_threadpool(server.cached, f"void.{fmt}", lambda: serialize_turtle(
        turtle, fmt, server.publication().context, server.config))
    return Response(data, 200, headers, content_type(fmt))


async def dump(request: Request) -> Response:
    """The whole graph in one syntax (``seccoop export``), written once per process."""
    from ..export import EXTENSIONS as DUMP_EXTENSIONS, export

    server = _server(request)
    fmt = {ext: fmt for fmt, ext in DUMP_EXTENSIONS.items()}.get(request.path_params["ext"])
    if fmt is None:
        return _not_found(request, "text", "no such dump")

    def write() -> Path:
        target = server.scratch() / f"{DUMP_NAME}.{DUMP_EXTENSIONS[fmt]}"
        with open(target.with_suffix(".part"), "wb") as handle:
            export(server.store, handle, fmt, sizes=server.manifest.get("graphs"),
                   config=server.config)
        target.with_suffix(".part").replace(target)
        return target

    path = await run_in_threadpool(server.cached, f"dump.{fmt}", write)
    return FileResponse(path, headers={**server.data_headers(), **server.validators("dump", fmt)},
                        media_type=content_type(fmt))


async def query(request: Request) -> Response:
    server = _server(request)
    named = server.cached("named", lambda: named_queries(server.project))
    try:
        sparql = parse_get(request.query_params.multi_items())
    except ProtocolError as error:
        return HTMLResponse(query_page(server.urls, named, "", error=error.message,
                                       sections=server.sections,
                                       prefixes=server.config.query_prefixes), error.status)
    if sparql.query is None:
        first = example_text(named[0].text, server.config.query_prefixes) if named else (
            "SELECT ?class (COUNT(?s) AS ?n)\nWHERE { ?s a ?class }\nGROUP BY ?class ORDER BY DESC(?n)")
        return HTMLResponse(query_page(server.urls, named, first, sections=server.sections,
                                       prefixes=server.config.query_prefixes))
    return await answer_on_query_page(server, sparql)


async def answer_on_query_page(server: Server, sparql) -> Response:
    """The query page with ``sparql``'s results: for /query, and for /sparql when a browser
    asks for a query too long to be carried in a redirect's link."""
    named = server.cached("named", lambda: named_queries(server.project))
    view, problem, status = await _run_for_page(server, sparql, endpoint_url(server.settings))
    labels = _labeller(server.store)
    page = await run_in_threadpool(query_page, server.urls, named, sparql.query, view,
                                   error=problem, inferred=sparql.inferred, labels=labels,
                                   sections=server.sections,
                                   prefixes=server.config.query_prefixes)
    return HTMLResponse(page, status)


async def _run_for_page(server: Server, sparql, base: str) -> tuple[ResultView | None, str, int]:
    verdict = await guard.check_async(sparql.query, server.settings.allow_service,
                                       timeout=server.settings.timeout)
    if not verdict.allowed:
        return None, verdict.message, verdict.status
    job = (sparql.query, "json", "ntriples", sparql.inferred, *sparql.dataset,
           server.settings.max_rows, base)
    try:
        (status, kind, _rows, truncated, body), _path = await server.runner.run(job, verdict.shape)
    except QueryTimeout as error:
        return None, f"query stopped: {error}", 503
    except QueryCrashed as error:
        return None, str(error), 500
    if status != "ok":
        return None, body.decode(), 400
    view = view_from_ntriples(body) if kind == "graph" else view_from_json(body)
    view.truncated = truncated
    return view, "", 200


def _labeller(store: ox.Store):
    cache: dict = {}
    return lambda iri: label_of(store, ox.NamedNode(iri), cache)


async def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")


async def health(request: Request) -> Response:
    """The build this server answers from: replicas behind a load balancer name the same
    one, and a checker can tell a stale replica (JSON; 200 while the store answers)."""
    server = _server(request)
    graphs = server.manifest.get("graphs", {})
    body = {"status": "ok", "build": server.build_id, "triples": sum(graphs.values()),
            "graphs": len(graphs), "store": "remote" if server.remote else "local"}
    return Response(json.dumps(body), 200, {"Cache-Control": "no-store"}, "application/json")


def routes() -> list:
    return [
        Route("/", home, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/sparql", SparqlApp(), methods=["GET", "POST"]),
        Route("/query", query, methods=["GET"]),
        Route("/void", void, methods=["GET"]),
        Route("/void.{ext}", void, methods=["GET"]),
        Route("/dumps/%s.{ext}" % DUMP_NAME, dump, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology.{ext}", ontology, methods=["GET"]),
        Route("/id/{name}", entity, methods=["GET"]),
        Route("/explain", explain_endpoint, methods=["GET"]),
        Route("/search", webapi.search_page, methods=["GET"]),
        Route("/api/search", webapi.search_json, methods=["GET"]),
        Route("/api/terms", webapi.terms_json, methods=["GET"]),
        Route("/api/parse", webapi.parse_json, methods=["GET", "POST"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(settings: Settings | None = None, project: Project | None = None,
               store_dir: Path | None = None, remote: dict | None = None) -> Starlette:
    """The application over ``project``'s store in ``store_dir`` (built if stale), or over
    the remote engine ``remote`` names (``{"url": ...}``, see ``serve --remote``)."""
    from ..store import default_store_dir

    settings = settings or Settings()
    project = project or find_project()
    server = Server(settings, project, Path(store_dir or default_store_dir(project)), remote)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await server.pool.start()
        if remote:
            print(f"seccoop: queries go to the remote engine {remote['url']}", file=sys.stderr)
        else:
            _announce_isolation(server.pool.isolation)
        try:
            yield
        finally:
            await server.pool.close()
            checker = server._cache.get("parse-checker")  # /api/parse's child, if started
            if checker is not None:
                checker.close()

    app = Starlette(routes=routes(), lifespan=lifespan,
                    exception_handlers={404: _page_not_found, 405: _method_not_allowed})
    app.state.server = server
    app.state.answer_on_query_page = answer_on_query_page
    # Starlette builds its slash redirects from the Host header; ours are relative.
    app.router.redirect_slashes = False
    app.add_middleware(Guardrails, max_body=settings.max_body, cors=settings.cors,
                       sparql=SparqlApp())
    # Outermost: every response says when the files changed after this build (a remote
    # engine's graphs change by publishing, not by editing files here).
    if server.build_dir is not None:
        app.add_middleware(StaleNotice, staleness=Staleness(project, server.build_dir))
    return app


def _slash_twin(request: Request) -> str | None:
    """The path with its trailing slash removed (or added) when that one is served."""
    from starlette.routing import Match

    path = request.scope.get("path", "")
    if path in ("", "/"):
        return None
    twin = path.rstrip("/") if path.endswith("/") else path + "/"
    scope = {**request.scope, "path": twin}
    if any(route.matches(scope)[0] != Match.NONE for route in request.app.router.routes):
        return twin
    return None


def _announce_isolation(isolation: str) -> None:
    """One line on stderr per HTTP worker: how query processes are kept off the network."""
    import sys

    if is_isolated(isolation):
        print(f"seccoop: query processes have no network access ({isolation})", file=sys.stderr)
    else:
        print("seccoop: WARNING: query processes CAN open network connections; only the "
              f"SERVICE guard stops them ({isolation})", file=sys.stderr)


async def _page_not_found(request: Request, exc) -> Response:
    twin = _slash_twin(request)
    if twin is not None:
        query = request.scope.get("query_string") or b""
        location = quote(twin) + ("?" + query.decode("latin-1") if query else "")
        return Response(b"", 307, {"Location": location})
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(error_page(_server(request).urls, 404, "no such page"), 404,
                            {"Vary": "Accept"})
    return Response("not found\n", 404, {"Vary": "Accept"}, "text/plain; charset=utf-8")


async def _method_not_allowed(request: Request, exc) -> Response:
    return Response("method not allowed\n", 405, {"Allow": "GET, POST, HEAD, OPTIONS"},
                    "text/plain; charset=utf-8")


def app_from_env() -> Starlette:
    """The application of a uvicorn worker process, configured by ``$SECCOOP_SERVE_CONFIG``."""
    config = json.loads(os.environ[CONFIG_ENV])
    return create_app(Settings.from_dict(config["settings"]), find_project(config["project"]),
                      Path(config["store_dir"]), config.get("remote"))
