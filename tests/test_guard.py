"""The SERVICE guard fails closed: every trick that makes pyoxigraph call out is refused.

Each trick is first shown to be real, by letting pyoxigraph itself evaluate it against a
listener on 127.0.0.1 (it connects); then the guard must find it, and a real
`seccoop serve` must refuse it with no connection at all.
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph as ox
import pytest

from seccoop.server import guard
from seccoop.sparqlscan import TooComplex, find_service
from server_support import Listener, ServerProcess, make_project

TARGET = "http://127.0.0.1:{port}/sparql"


@pytest.fixture(scope="module")
def listener():
    running = Listener()
    yield running
    running.close()


# Each trick has {T} for the listener's URL. The comments say what each one hides from.
TRICKS = [
    "SELECT * WHERE { SERVICE <{T}> { ?s ?p ?o } }",
    "select * where { service silent <{T}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE<{T}>{?s ?p ?o} }",                      # no spaces at all
    "SELECT * WHERE { SERVICESILENT<{T}>{} }",                       # no word boundaries
    "PREFIX x: <{T}#> SELECT * WHERE { SERVICEx: {} }",              # keyword glued to a name
    "PREFIX x: <{T}#> SELECT * WHERE { ?s ?p true.SERVICE x: {} }",
    "SELECT * WHERE { SERVICE #comment\n <{T}> { } }",
    "SELECT * WHERE { SERVICE #comment\r<{T}> { } }",                # CR ends a comment
    "ASK { FILTER EXISTS { SERVICE <{T}> { ?s ?p ?o } } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <{T}> { } } }",
    "SELECT * WHERE { {} UNION { SERVICE <{T}> { } } }",
    "SELECT * WHERE { MINUS { SERVICE <{T}> { } } BIND(1 AS ?x) }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{T}> { } } } }",
    # '<' read as less-than by the engine, as the start of an IRI by a naive scan:
    "SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)#>\n SERVICE <{T}> { } }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(STR(?a)<'x>') SERVICE <{T}> { } #'\n}",
    # IRIs holding \\u escapes, '#' and Unicode spaces, then SERVICE on the same line:
    "SELECT * WHERE { OPTIONAL { ?s <http://e/\\u0041#x> ?o } SERVICE <{T}> { } }",
    "SELECT * WHERE { OPTIONAL { ?s <http://e/\u00a0#x> ?o } SERVICE <{T}> { } }",
    "SELECT * WHERE { OPTIONAL { ?s <http://e/it's#x> ?o } SERVICE <{T}> { } }",
    # Syntax newer than rdflib's parser: the old guard fell back to a text scan.
    'VERSION "1.2" SELECT * WHERE { SERVICE <{T}> { } }',
    "SELECT * WHERE { BIND(1 AS ?a) LATERAL { SERVICE <{T}> { } } }",
    "SELECT * WHERE { BIND(TRIPLE(<http://a>, <http://b>, <http://c>) AS ?t) SERVICE <{T}> { } }",
    "SELECT * WHERE { BIND(<<( <http://a> <http://b> <http://c> )>> AS ?t) SERVICE <{T}> { } }",
    'SELECT * WHERE { BIND("a"@en--ltr AS ?l) SERVICE <{T}> { } }',
    "SELECT * WHERE { BIND(-1.0 AS ?n) SERVICE <{T}> { } }",
]

WRAPPERS = ["{q}", "# leading comment\n{q}", "PREFIX ex: <http://example.org/#>\n{q}",
            "BASE <http://example.org/base#x>\n{q}"]
SPACES = [" ", "\t", "\n", "#c\n", " #'\"<\n"]


def _variants():
    """A generated family: each space in the SERVICE clause replaced, the keyword's case
    changed, the whole wrapped in a prologue."""
    found = set()
    for trick, wrapper, space, upper in itertools.product(
            TRICKS[:3] + TRICKS[15:18], WRAPPERS, SPACES, (True, False)):
        text = trick.replace("SERVICE <", f"SERVICE{space}<").replace("} }", "}" + space + "}")
        if not upper:
            text = text.replace("SERVICE", "SeRvIcE")
        found.add(wrapper.format(q=text))
    return sorted(found)


def _engine_calls_out(query: str, listener: Listener) -> bool:
    """Whether pyoxigraph itself, evaluating ``query``, connects to ``listener``."""
    before = listener.connections
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal(True)))
    try:
        result = store.query(query)
        if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)):
            list(result)
    except (OSError, SyntaxError, RuntimeError):
        pass
    deadline = time.monotonic() + 2
    while listener.connections == before and time.monotonic() < deadline:
        time.sleep(0.01)
    return listener.connections > before


@pytest.mark.parametrize("trick", TRICKS)
def test_each_trick_is_real_and_found(trick, listener):
    query = trick.replace("{T}", TARGET.format(port=listener.port))
    assert _engine_calls_out(query, listener), "pyoxigraph does not call out: not a trick"
    assert find_service(query) is not None
    verdict = guard.check(query)
    assert not verdict.allowed and verdict.status == 400 and "SERVICE" in verdict.message


def test_generated_variants_are_found(listener):
    variants = _variants()
    assert len(variants) > 200
    target = TARGET.format(port=listener.port)
    for text in variants[::25]:  # a sample shows the family is real for the engine
        assert _engine_calls_out(text.replace("{T}", target), listener), text
    missed = [v for v in variants if find_service(v.replace("{T}", target)) is None]
    assert missed == []


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s a <http://schema.org/Service> ; <http://x/service> ?o }",
    "PREFIX service: <http://e/> SELECT * WHERE { ?s service:p ?o }",
    "SELECT * WHERE { ?s <http://e/p#service> ?o FILTER(?o < 3 && ?o > 1) }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT * WHERE { ?s ?p -1.0 . VALUES ?x { -1.5 } }",
    "SELECT ?service WHERE { ?service ?p ?o }",
])
def test_plain_queries_are_allowed(query):
    assert find_service(query) is None
    assert guard.check(query).allowed


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE $e { } }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p 1SERVICE x: {} }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p trueSERVICE x: {} }",
])
def test_endpoints_the_engine_may_take_are_refused(query):
    """Variable endpoints (pyoxigraph does not call them today) and keywords glued to a
    number or a boolean: refused by principle, whatever the engine does now."""
    assert not guard.check(query).allowed


def test_allowed_endpoints_only():
    allowed = ("http://example.org/q",)
    ok = "SELECT * WHERE { SERVICE <http://example.org/q> { ?s ?p ?o } }"
    assert guard.check(ok, allowed).allowed
    both = ok[:-1] + " SERVICE <http://127.0.0.1:9/> { } }"
    assert not guard.check(both, allowed).allowed
    escaped = "SELECT * WHERE { SERVICE <http://example.org/\\u0071> { } }"
    assert not guard.check(escaped, allowed).allowed


def test_updates_are_refused_with_their_name():
    assert "LOAD" in guard.check("PREFIX a: <http://a/> LOAD <http://x/>").message
    assert "read-only" in guard.check("insert data { <a> <b> <c> }").message


def test_the_work_is_bounded():
    # "service" (in a string) makes every reading worth lexing.
    text = "ASK { FILTER(" + "?a<'x>'" * 20_000 + ") } # 'service'"
    with pytest.raises(TooComplex):
        find_service(text, budget=10_000)
    started = time.monotonic()
    assert find_service(text) is None
    assert time.monotonic() - started < 10


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("guard-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("guard-store"), "--timeout", "5") as running:
        yield running


def test_the_server_refuses_every_trick_with_no_connection(server, listener):
    target = TARGET.format(port=listener.port)
    before = listener.connections
    for text in TRICKS + _variants()[::7]:
        query = text.replace("{T}", target)
        r = httpx.post(server.url + "/sparql", data={"query": query}, timeout=10)
        assert r.status_code == 400 and "SERVICE" in r.text, (query, r.status_code, r.text)
    time.sleep(0.3)
    assert listener.connections == before


@pytest.mark.parametrize("query,status", [
    ("SELECT * WHERE { ?s ?p -1.0 }", 200),
    ("SELECT * WHERE { VALUES ?x { -1.5 } }", 200),
    ("SELECT * WHERE { " + "{ " * 36 + "}" * 36 + " }", 200),
    ("SELECT * WHERE { FILTER(" + "(" * 25 + "1" + ")" * 25 + ") }", 200),
    ("SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 35 + "}" * 35 + "}", 200),
    ("", 400),
    ("PREFIX ex: <http://example.org/>", 400),
    ('SELECT * WHERE { BIND("\\U0011ZZZZ" AS ?x) }', 400),
])
def test_valid_queries_answer_and_malformed_ones_are_400(server, query, status):
    r = httpx.post(server.url + "/sparql", data={"query": query}, timeout=20)
    assert r.status_code == status, r.text
    if status == 400:
        assert "line" in r.text or "SERVICE" in r.text or "query" in r.text


def test_huge_inputs_do_not_hold_small_queries(server):
    """Two ~900 KB texts that cost the guard the most, while small queries keep being
    answered within a second."""
    huge = "ASK { FILTER(" + "?a<'x>'" * 120_000 + ") } # service"
    escaped = 'ASK { FILTER("' + '\\"' * 440_000 + '" = "service") }'
    with ThreadPoolExecutor(4) as pool:
        slow = [pool.submit(httpx.post, server.url + "/sparql", data={"query": q}, timeout=60)
                for q in (huge, escaped)]
        time.sleep(0.2)
        for small in ("ASK {}", "SELECT ?m WHERE { ?m ?p ?o } LIMIT 3"):
            started = time.monotonic()
            r = httpx.get(server.url + "/sparql", params={"query": small}, timeout=10)
            assert r.status_code == 200 and time.monotonic() - started < 1.0
        for future in slow:
            assert future.result().status_code in (200, 400, 413, 503)
