"""``seccoop serve --remote``: a public endpoint in front of a private engine keeps every
guard. A real Oxigraph server of its own (a runaway query may keep it busy after the
client gives up, so no other test shares it), a real ``seccoop serve`` process."""

from __future__ import annotations

import time

import httpx
import pytest

from engines import start_oxigraph
from server_support import Listener, ServerProcess, built_project


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(the endpoint's URL, the engine), the small project published to the engine."""
    from seccoop.publish import publish
    from seccoop.store import current_build, open_store

    project, store_dir = built_project(tmp_path_factory, "remote-serve")
    engine = start_oxigraph(tmp_path_factory.mktemp("remote-serve-engine"))
    try:
        publish(open_store(project, store_dir, auto_build=False),
                current_build(store_dir).name, engine.remote())
        with ServerProcess(project.root, store_dir, "--remote", engine.query_url,
                           "--timeout", "2") as server:
            yield server.url, engine, current_build(store_dir).name
    finally:
        engine.stop()


def test_answers_come_from_the_engine(served):
    url, _engine, _build = served
    reply = httpx.get(url + "/sparql", params={"query": "SELECT ?m WHERE { ?m sc:memberOf scr:sco } "
                                                        "ORDER BY ?m"},
                      headers={"Accept": "text/csv"})
    assert reply.status_code == 200 and reply.headers["x-seccoop-path"] == "remote"
    assert reply.text.split() == ["m", "https://w3id.org/seccoop/id/china",
                                  "https://w3id.org/seccoop/id/russia"]


def test_health_names_the_published_build(served):
    url, _engine, build = served
    health = httpx.get(url + "/health").json()
    assert health["build"] == build and health["store"] == "remote"
    assert health["triples"] > 10


def test_service_is_refused_before_the_engine_sees_it(served):
    url, _engine, _build = served
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        reply = httpx.get(url + "/sparql", params={"query": query})
        time.sleep(0.5)  # a connection the engine made would have arrived by now
        assert reply.status_code == 400 and "SERVICE" in reply.text
        assert listener.connections == 0
    finally:
        listener.close()


def test_a_runaway_query_is_stopped_within_the_timeout(served):
    url, _engine, _build = served
    # Six copies of a 51-triple graph: 51^6 rows to count, far past any timeout (four copies,
    # 6.8 million, an idle engine counts within the 2 s).
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
               "?m ?n1 ?o . ?p ?q ?r }")
    started = time.monotonic()
    reply = httpx.get(url + "/sparql", params={"query": runaway}, timeout=30)
    took = time.monotonic() - started
    assert reply.status_code == 503 and "within 2 s" in reply.text, reply.text[:300]
    assert took < 2 + 2  # the timeout, plus the time to answer
    # the server is free again at once
    assert httpx.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200
