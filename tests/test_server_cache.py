"""Remembered results: a job that succeeded is answered again from memory, with the same bytes.

The store does not change under a server, so the reply of an identical job (query text,
formats, inferred flag, dataset, row cap, base IRI) is the same; ``X-Seccoop-Path: cached``
says a reply came from memory. What must not change: every request is still checked first,
failures and non-deterministic queries are never kept, and the memory is bounded.
"""

from __future__ import annotations

import httpx
import pytest

from server_support import (ServerProcess, assert_repeats_alike, built_project, client_for,
                            make_project)
from seccoop.server.pool import ENTRY_OVERHEAD, RESULT_SHARE, ResultCache
from seccoop.settings import SETTINGS, Settings

MEMBERS = "SELECT ?m WHERE { ?m sc:memberOf scr:sco } ORDER BY ?m"
PATH = "x-seccoop-path"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return built_project(tmp_path_factory, "cache")


@pytest.fixture(scope="module")
def client(mini):
    with client_for(mini) as c:  # the default settings: the cache is on
        yield c


def cache(client) -> ResultCache:
    return client.app.state.server.runner.results


def test_the_cache_is_on_by_default_and_in_the_settings_table():
    setting = next(s for s in SETTINGS if s.name == "result_cache_mb")
    assert setting.default == Settings().result_cache_mb > 0
    assert "0 turns it off" in setting.help


@pytest.mark.parametrize("query,accept", [
    (MEMBERS, "application/sparql-results+json"),
    (MEMBERS, "application/sparql-results+xml"),
    (MEMBERS, "text/csv"),
    ("ASK { scr:china sc:memberOf scr:sco }", "text/tab-separated-values"),
    ("CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }", "text/turtle"),
    ("DESCRIBE scr:china", "application/ld+json"),
])
def test_a_repeated_job_is_answered_from_memory_with_the_same_bytes(client, query, accept):
    hits = cache(client).hits
    assert_repeats_alike(client, query, accept, then="cached", times=2)
    assert cache(client).hits == hits + 2


def test_jobs_differ_by_format_inference_and_dataset(client):
    query = "SELECT ?m WHERE { scr:sco sc:hasMember ?m } ORDER BY ?m"  # only by inference
    inferred = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    asserted = client.get("/sparql", params={"query": query, "inferred": "false"},
                          headers={"Accept": "text/csv"})
    as_json = client.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
    nothing = client.get("/sparql", params={"query": query, "default-graph-uri": "urn:x-none"},
                         headers={"Accept": "text/csv"})
    for r in (inferred, asserted, as_json, nothing):
        assert r.status_code == 200 and r.headers[PATH] == "process"
    assert inferred.text.split() == ["m", "https://w3id.org/seccoop/id/china",
                                     "https://w3id.org/seccoop/id/russia"]
    assert asserted.text.split() == nothing.text.split() == ["m"]
    assert as_json.json()["results"]["bindings"][0]["m"]["value"].endswith("/id/china")
    again = client.get("/sparql", params={"query": query, "inferred": "false"},
                       headers={"Accept": "text/csv"})
    assert again.headers[PATH] == "cached" and again.content == asserted.content


def test_post_and_get_share_remembered_results(client):
    query = "SELECT ?f WHERE { ?f a sc:Forum }"
    first = client.post("/sparql", content=query,
                        headers={"Content-Type": "application/sparql-query"})
    again = client.get("/sparql", params={"query": query})
    assert first.headers[PATH] == "process" and again.headers[PATH] == "cached"
    assert again.content == first.content


@pytest.mark.parametrize("query", [
    "SELECT (RAND() AS ?r) WHERE {}",
    "SELECT (STRUUID() AS ?u) WHERE {}",
    "SELECT (NOW() AS ?t) WHERE {}",
    "CONSTRUCT { ?x sc:tag ?b } WHERE { ?x a sc:Forum BIND(BNODE() AS ?b) }",
])
def test_non_deterministic_queries_are_never_remembered(client, query):
    for _ in range(3):
        r = client.get("/sparql", params={"query": query},
                       headers={"Accept": "application/sparql-results+json, text/turtle"})
        assert r.status_code == 200 and r.headers[PATH] != "cached", r.text


def test_random_values_stay_random(client):
    values = {client.get("/sparql", params={"query": "SELECT (RAND() AS ?r) WHERE {}"},
                         headers={"Accept": "text/csv"}).text for _ in range(3)}
    assert len(values) == 3


def test_failures_are_never_remembered(client):
    for _ in range(3):
        r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"})
        assert r.status_code == 400 and PATH not in r.headers
    for _ in range(2):  # the guard runs before the runner, every time
        r = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> "
                                                    "{ ?s ?p ?o } }"})
        assert r.status_code == 400 and "SERVICE" in r.text


def test_a_truncated_reply_is_remembered_with_its_signal(mini):
    with client_for(mini, max_rows=1) as c:
        paths = []
        for _ in range(3):
            r = c.get("/sparql", params={"query": MEMBERS}, headers={"Accept": "text/csv"})
            assert r.headers["x-sparql-truncated"] == "true"
            assert r.text.split() == ["m", "https://w3id.org/seccoop/id/china"]
            paths.append(r.headers[PATH])
        assert paths == ["process", "cached", "cached"]


def test_zero_turns_the_cache_off(mini):
    with client_for(mini, result_cache_mb=0) as c:
        paths = [c.get("/sparql", params={"query": MEMBERS}).headers[PATH] for _ in range(3)]
        assert "cached" not in paths and len(cache(c)) == 0


def test_a_reply_over_its_share_of_the_memory_is_not_kept(mini):
    everything = "CONSTRUCT WHERE { ?s ?p ?o }"
    limit = 8 * ENTRY_OVERHEAD
    with client_for(mini, result_cache_mb=limit / 2**20) as c:
        sizes = []
        for _ in range(2):
            r = c.get("/sparql", params={"query": everything}, headers={"Accept": "text/turtle"})
            assert r.status_code == 200 and r.headers[PATH] != "cached"
            sizes.append(len(r.content))
        assert sizes[0] * RESULT_SHARE > limit
        assert cache(c).size <= limit
        small = [c.get("/sparql", params={"query": f"ASK {{}} # {i}"}) for i in range(3)]
        assert [r.headers[PATH] for r in small] == ["process"] * 3
        assert c.get("/sparql", params={"query": "ASK {} # 2"}).headers[PATH] == "cached"


def test_the_least_recently_used_reply_goes_first():
    reply = ("ok", "bindings", 1, False, b"x" * 10)
    entry = 10 + 5 + ENTRY_OVERHEAD  # body, query text, bookkeeping
    kept = ResultCache(4 * entry)  # four replies
    for name in ("a", "b", "c", "d"):
        kept.put((name,), reply, 5)
    assert kept.get(("a",)) is reply  # a is now the most recently used
    kept.put(("e",), reply, 5)
    assert kept.get(("b",)) is None
    assert [kept.get((n,)) is reply for n in "acde"] == [True] * 4
    assert kept.size == 4 * entry and len(kept) == 4


def test_many_tiny_replies_stay_within_the_limit():
    kept = ResultCache(64 * ENTRY_OVERHEAD)
    for i in range(10_000):
        kept.put((f"ASK {{}} # {i}",), ("ok", "boolean", 1, False, b"true"), 12)
    assert len(kept) < 64 and kept.size <= 64 * ENTRY_OVERHEAD


def test_an_entry_costs_less_than_its_counted_overhead():
    import tracemalloc

    kept = ResultCache(10**9)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(2000):  # a realistic key: the job tuple /sparql builds
        job = (f"SELECT * WHERE {{ ?s ?p {i} }}", "json", "turtle", True, None, None, 10000,
               "http://127.0.0.1:8000/sparql")
        kept.put(job, ("ok", "bindings", 0, False, b'{"head":{}}'), len(job[0]))
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown / 2000 < ENTRY_OVERHEAD + 40 + 11  # + query text and body


def test_the_query_page_uses_remembered_results(client):
    query = "SELECT ?a WHERE { ?a a sc:Actor } ORDER BY ?a"
    client.get("/query", params={"query": query})
    hits = cache(client).hits
    page = client.get("/query", params={"query": query})
    assert page.status_code == 200 and "China" in page.text
    assert cache(client).hits == hits + 1


def test_remembered_results_on_the_real_server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("cache-served-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("cache-served-store")) as server:
        with httpx.Client(timeout=30) as http:
            replies = [http.get(server.url + "/sparql", params={"query": MEMBERS})
                       for _ in range(3)]
    assert [r.headers[PATH] for r in replies] == ["process", "cached", "cached"]
    assert replies[0].content == replies[2].content
    assert [b["m"]["value"] for b in replies[2].json()["results"]["bindings"]] == [
        "https://w3id.org/seccoop/id/china", "https://w3id.org/seccoop/id/russia"]


def test_an_allowed_service_is_called_every_time(mini, tmp_path_factory):
    """With --allow-service, a SERVICE query reaches the other endpoint on every request:
    its answer is that server's, so it is neither remembered nor run outside a process."""
    root = make_project(tmp_path_factory.mktemp("remote-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("remote-store")) as remote:
        endpoint = remote.url + "/sparql"
        query = ("SELECT ?m WHERE { SERVICE <%s> { ?m <https://w3id.org/seccoop/ontology#memberOf>"
                 " <https://w3id.org/seccoop/id/sco> } } ORDER BY ?m" % endpoint)
        with client_for(mini, trust_below_ms=5000) as refusing:
            r = refusing.get("/sparql", params={"query": query})
            assert r.status_code == 400 and "SERVICE" in r.text
        with client_for(mini, trust_below_ms=5000, allow_service=(endpoint,)) as c:
            replies = [c.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
                       for _ in range(3)]
            assert cache(c).hits == 0 and len(cache(c)) == 0
    for r in replies:
        assert r.status_code == 200, r.text
        assert r.headers[PATH] == "process"
        assert r.text.split() == ["m", "https://w3id.org/seccoop/id/china",
                                  "https://w3id.org/seccoop/id/russia"]
