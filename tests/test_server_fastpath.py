"""The fast path of /sparql: a query job proven cheap in a query process runs in-process after.

In-process tests use Starlette's TestClient; the timeout tests run a real `seccoop serve`.
The ``X-Seccoop-Path`` header says how a result was computed: ``process`` (a killable query
process) or ``proven`` (in the HTTP worker, after a cheap, complete first run). The result
cache (tests/test_server_cache.py) would answer repeated jobs before either, so it is off
here (``result_cache_mb=0``) except where a test says otherwise.
"""

from __future__ import annotations

import time

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from server_support import (ServerProcess, assert_repeats_alike, built_project, client_for,
                            make_project)
from seccoop.server.app import create_app
from seccoop.server.pool import NONDETERMINISTIC
from seccoop.server.worker import execute
from seccoop.settings import SETTINGS, Settings

MEMBERS = "SELECT ?m WHERE { ?m sc:memberOf scr:sco } ORDER BY ?m"
PATH = "x-seccoop-path"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return built_project(tmp_path_factory, "fast")


@pytest.fixture(scope="module")
def client(mini):
    # A generous threshold: a slow CI machine must not make cheap test queries look costly.
    with client_for(mini, trust_below_ms=5000, result_cache_mb=0) as c:
        yield c


def runner(client):
    return client.app.state.server.runner


@pytest.mark.parametrize("query,accept", [
    (MEMBERS, "application/sparql-results+json"),
    (MEMBERS, "application/sparql-results+xml"),
    (MEMBERS, "text/csv"),
    (MEMBERS, "text/tab-separated-values"),
    ("ASK { scr:china sc:memberOf scr:sco }", "application/sparql-results+json"),
    ("CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }", "text/turtle"),
    ("DESCRIBE scr:china", "application/n-triples"),
])
def test_a_proven_query_runs_in_process_with_identical_bytes(client, query, accept):
    before = runner(client).proven_runs
    assert_repeats_alike(client, query, accept, then="proven", times=3)
    assert runner(client).proven_runs == before + 3


def test_the_job_is_the_whole_request_not_the_query_text(client):
    query = "SELECT ?s WHERE { ?s a sc:Actor } ORDER BY ?s"
    assert client.get("/sparql", params={"query": query}).headers[PATH] == "process"
    assert client.get("/sparql", params={"query": query}).headers[PATH] == "proven"
    # Another format, dataset or inferred flag is another job: its first run is isolated.
    for params, headers in [({}, {"Accept": "text/csv"}),
                            ({"inferred": "false"}, {}),
                            ({"default-graph-uri": "urn:x-nothing"}, {})]:
        r = client.get("/sparql", params={"query": query, **params}, headers=headers)
        assert r.status_code == 200 and r.headers[PATH] == "process", params
        r = client.get("/sparql", params={"query": query, **params}, headers=headers)
        assert r.headers[PATH] == "proven", params


def test_post_and_get_share_proven_jobs(client):
    query = "SELECT ?l WHERE { scr:russia rdfs:label ?l }"
    first = client.post("/sparql", content=query,
                        headers={"Content-Type": "application/sparql-query"})
    assert first.headers[PATH] == "process"
    again = client.get("/sparql", params={"query": query})
    assert again.headers[PATH] == "proven" and again.content == first.content


@pytest.mark.parametrize("query", [
    "SELECT (RAND() AS ?r) WHERE {}",
    "SELECT ?s WHERE { ?s a sc:Actor } ORDER BY rand()",
    "SELECT (NOW() AS ?t) WHERE {}",
    "SELECT (UUID() AS ?u) WHERE {}",
    "SELECT (STRUUID() AS ?u) WHERE {}",
    "SELECT (BNODE() AS ?b) WHERE {}",
    "SELECT (Rand () AS ?r) WHERE {}",
    "SELECT (\\u0052AND() AS ?r) WHERE {}",  # a codepoint escape, whatever the engine does
])
def test_non_deterministic_queries_are_never_proven(client, query):
    for _ in range(3):
        r = client.get("/sparql", params={"query": query})
        assert r.headers.get(PATH, "process") == "process", r.text


def test_the_non_determinism_test_is_a_word_test():
    assert NONDETERMINISTIC.search("SELECT * { ?s foaf:knows ?o }") is None
    assert NONDETERMINISTIC.search("SELECT * { ?s ?p ?o FILTER(?o < NOW ()) }")


def test_truncated_results_are_never_proven(mini):
    with client_for(mini, trust_below_ms=5000, max_rows=1, result_cache_mb=0) as c:
        for _ in range(3):
            r = c.get("/sparql", params={"query": MEMBERS})
            assert r.headers["x-sparql-truncated"] == "true"
            assert r.headers[PATH] == "process"
        assert runner(c).proven_runs == 0


def test_errors_are_never_proven(client):
    for _ in range(3):
        r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"})
        assert r.status_code == 400 and PATH not in r.headers


def test_zero_threshold_turns_the_fast_path_off(mini):
    with client_for(mini, trust_below_ms=0, result_cache_mb=0) as c:
        for _ in range(3):
            r = c.get("/sparql", params={"query": MEMBERS})
            assert r.status_code == 200 and r.headers[PATH] == "process"
        assert runner(c).proven_runs == 0 and len(runner(c)) == 0


def test_the_fast_path_is_off_by_default(mini):
    setting = next(s for s in SETTINGS if s.name == "trust_below_ms")
    assert setting.default == Settings().trust_below_ms == 0
    assert "off by default" in setting.help
    with client_for(mini, result_cache_mb=0) as c:  # every evaluation under the kill timer
        paths = [c.get("/sparql", params={"query": MEMBERS}).headers[PATH] for _ in range(3)]
        assert paths == ["process"] * 3 and runner(c).proven_runs == 0


def test_the_query_page_uses_the_fast_path_too(client):
    query = "SELECT ?f WHERE { ?f a sc:Forum }"
    before = runner(client).proven_runs
    for _ in range(2):
        assert client.get("/query", params={"query": query}).status_code == 200
    assert runner(client).proven_runs == before + 1


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("max_rows", [1, 2, 100])
def test_uncut_execution_gives_the_same_reply(mini, fmt, max_rows):
    from seccoop.store import current_build

    _, store_dir = mini
    store = ox.Store.read_only(str(current_build(store_dir) / "oxigraph"))
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    normal = execute(store, query, fmt, None, max_rows=max_rows)
    assert execute(store, query, fmt, None, max_rows=max_rows, uncut=True) == normal


# --- timeouts on a real server ----------------------------------------------------------

TIMEOUT = 2
RUNAWAY = """SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o
                FILTER(CONCAT(STR(?a), STR(?d), STR(?g), STR(?j), STR(?m)) = "never") }
             ORDER BY ?a ?d"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("fast-served-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("fast-served-store"),
                       "--timeout", str(TIMEOUT), "--result-cache-mb", "0",
                       "--trust-below-ms", "5000") as running:
        yield running


def test_a_query_that_overran_is_never_proven(server):
    for attempt in range(2):
        started = time.monotonic()
        r = httpx.get(server.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
        assert r.status_code == 503, (attempt, r.text)
        assert time.monotonic() - started < TIMEOUT + 1, attempt
        r = httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
        assert r.status_code == 200


def test_a_proven_query_on_the_real_server(server):
    with httpx.Client(timeout=30) as http:
        paths = [http.get(server.url + "/sparql", params={"query": MEMBERS}).headers[PATH]
                 for _ in range(3)]
    assert paths == ["process", "proven", "proven"]


def test_a_proven_job_that_runs_slow_is_demoted(mini, monkeypatch):
    import seccoop.server.pool as pool

    monkeypatch.setattr(pool, "DEMOTE_FACTOR", -1.0)  # any in-process run counts as too slow
    with client_for(mini, trust_below_ms=5000, result_cache_mb=0) as c:
        paths = [c.get("/sparql", params={"query": MEMBERS}).headers[PATH] for _ in range(4)]
        assert paths == ["process", "proven", "process", "proven"]
        assert runner(c).demoted == 2


# --- /sparql as a plain ASGI app ---------------------------------------------------------
# SparqlApp answers the common requests without Starlette's Request/Response; what it sends
# must be exactly what the Starlette handler (sparql_endpoint) sends, header order included.

def reference_app(mini, **settings):
    """The same application with /sparql served by the Starlette handler only."""
    from starlette.routing import request_response

    from seccoop.server.endpoint import sparql_endpoint

    project, store_dir = mini
    app = create_app(Settings(query_workers=1, trust_below_ms=5000, **settings), project,
                     store_dir)
    for middleware in app.user_middleware:
        if "sparql" in middleware.kwargs:
            middleware.kwargs["sparql"] = None  # no shortcut to SparqlApp before the router
    for route in app.router.routes:
        if getattr(route, "path", None) == "/sparql":
            route.app = request_response(sparql_endpoint)
    return app


FORM = "application/x-www-form-urlencoded"
SAME_REQUESTS = [
    ("GET", {"query": MEMBERS}, {}, None),
    ("GET", {"query": MEMBERS}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", {"query": MEMBERS}, {"Accept": "text/csv;q=0.5, text/tab-separated-values"}, None),
    ("GET", {"query": MEMBERS, "format": "csv"}, {}, None),
    ("GET", {"query": MEMBERS, "inferred": "false"}, {}, None),
    ("GET", {"query": MEMBERS, "default-graph-uri": "urn:x-nothing"}, {}, None),
    ("GET", {"query": "ASK { scr:china sc:memberOf scr:sco }"}, {}, None),
    ("GET", {"query": "CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }"},
     {"Accept": "text/turtle"}, None),
    ("GET", {"query": "DESCRIBE scr:china"}, {"Accept": "application/ld+json"}, None),
    ("GET", {"query": "SELECT ?x WHERE { <a> <b> ?x }"}, {}, None),  # base IRI from Host
    ("GET", {"query": "SELECT * WHERE { ?s ?p }"}, {}, None),  # syntax error
    ("GET", {"query": "SELECT * WHERE { ?s ?p }"}, {"Accept": "application/json"}, None),
    ("GET", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, {},
     None),
    ("GET", {"query": MEMBERS}, {"Accept": "text/html"}, None),
    ("GET", {"query": MEMBERS}, {"Accept": "image/png"}, None),
    ("GET", {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, {"Accept": "text/csv"}, None),
    ("GET", {"query": MEMBERS, "format": "nope"}, {}, None),
    ("GET", {"update": "CLEAR ALL"}, {}, None),
    ("GET", {}, {"Accept": "text/turtle"}, None),  # the service description
    ("HEAD", {"query": MEMBERS}, {}, None),
    ("POST", {}, {"Content-Type": "application/sparql-query"}, MEMBERS),
    ("POST", {"inferred": "false"}, {"Content-Type": "application/sparql-query; charset=UTF-8"},
     MEMBERS),
    ("POST", {}, {"Content-Type": FORM}, "query=" + MEMBERS.replace(" ", "+")),
    ("POST", {}, {"Content-Type": FORM, "Accept": "text/csv"},
     "query=ASK+%7B%7D&default-graph-uri=urn%3Ax"),
    ("POST", {}, {"Content-Type": "text/plain"}, MEMBERS),
    ("POST", {}, {"Content-Type": "application/sparql-update"}, "CLEAR ALL"),
    ("POST", {"query": MEMBERS}, {"Content-Type": "application/sparql-query"}, MEMBERS),
    ("POST", {}, {"Content-Type": "application/sparql-query; charset=latin-1"}, MEMBERS),
    ("POST", {}, {"Content-Type": "application/sparql-query"}, b"ASK {} # \xff"),
]


@pytest.mark.parametrize("settings", [{"result_cache_mb": 0}, {},
                                      {"cors": True, "max_rows": 1, "result_cache_mb": 0}])
def test_the_asgi_endpoint_sends_what_the_starlette_handler_sends(mini, settings):
    project, store_dir = mini
    fast = create_app(Settings(query_workers=1, trust_below_ms=5000, **settings), project,
                      store_dir)
    with TestClient(fast) as ours, TestClient(reference_app(mini, **settings)) as theirs:
        for method, params, headers, body in SAME_REQUESTS:
            for _ in range(2):  # first in a query process, then proven or cached
                got = ours.request(method, "/sparql", params=params, headers=headers,
                                   content=body, follow_redirects=False)
                want = theirs.request(method, "/sparql", params=params, headers=headers,
                                      content=body, follow_redirects=False)
                case = (method, params, headers, body)
                assert got.status_code == want.status_code, case
                assert got.headers.raw == want.headers.raw, case
                assert got.content == want.content, case
        used = ours.app.state.server.runner
        assert (used.results.hits if used.results.limit else used.proven_runs) > 0


def test_the_asgi_endpoint_caps_bodies_without_a_declared_length(mini):
    project, store_dir = mini
    app = create_app(Settings(query_workers=1, max_body=100), project, store_dir)

    def chunks():
        yield b"SELECT * WHERE { ?s ?p ?o } "
        yield b"#" * 200

    with TestClient(app) as client:
        r = client.post("/sparql", content=chunks(),
                        headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413 and "over 100 bytes" in r.text
