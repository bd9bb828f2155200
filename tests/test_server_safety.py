"""Safety of a real `seccoop serve` process: no outbound requests, bounded queries, raw paths."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from server_support import Listener, ServerProcess, cpu_seconds, make_project

TIMEOUT = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("safety-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("safety-store"),
                       "--timeout", str(TIMEOUT), "--max-body", "5000") as running:
        yield running


def test_ssrf_probes_make_no_connection(server):
    listener = Listener()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    probes = [
        ("query", f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        ("query", f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"),
        ("query", f"SELECT * WHERE {{ VALUES ?svc {{ <{target}> }} SERVICE ?svc {{ ?s ?p ?o }} }}"),
        ("query", f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}"),
        ("query", f"LOAD <{target}>"),
        ("update", f"LOAD <{target}>"),
        ("query", f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }}"),  # unparsable too
    ]
    try:
        for param, text in probes:
            r = httpx.post(server.url + "/sparql", data={param: text}, timeout=10)
            assert r.status_code == 400, (text, r.text)
        r = httpx.post(server.url + "/sparql", content=f"LOAD <{target}>", timeout=10,
                       headers={"Content-Type": "application/sparql-update"})
        assert r.status_code == 400
        time.sleep(0.5)
    finally:
        listener.close()
    assert listener.connections == 0


RUNAWAY = """SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o
                FILTER(CONCAT(STR(?a), STR(?d), STR(?g), STR(?j), STR(?m)) = "never") }
             ORDER BY ?a ?d"""  # the filter needs every pattern: no push-down, no early end


def test_runaway_query_is_killed_and_the_server_keeps_answering(server):
    before = server.worker_pids()
    assert before, "no query processes found"
    started = time.monotonic()
    r = httpx.get(server.url + "/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503, r.text
    assert elapsed < TIMEOUT + 1
    started = time.monotonic()
    r = httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - started < 0.5
    # The process that ran it is gone (killed and reaped), not burning CPU.
    time.sleep(0.3)
    gone = [pid for pid in before if cpu_seconds(pid) is None]
    assert len(gone) == 1
    for pid in server.worker_pids():
        first = cpu_seconds(pid)
        time.sleep(0.5)
        assert (cpu_seconds(pid) or 0) - (first or 0) < 0.2


def test_other_requests_are_served_during_a_runaway_query(server):
    results = {}

    def runaway():
        results["runaway"] = httpx.get(server.url + "/sparql", params={"query": RUNAWAY},
                                       timeout=30).status_code

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    for _ in range(5):
        started = time.monotonic()
        r = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert r.status_code == 200
        assert time.monotonic() - started < 0.5
        assert httpx.get(server.url + "/id/china", timeout=30).status_code == 200
    thread.join()
    assert results["runaway"] == 503


def raw_get(url: str, path: str) -> bytes:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/../../settings.py",
                                  "/static/..%2f..%2fsettings.py", "/static//etc/passwd",
                                  "/static/%2e%2e/%2e%2e/settings.py", "/static/../../../../etc/passwd"])
def test_static_path_traversal_on_the_wire(server, path):
    response = raw_get(server.url, path)
    assert response.split(b"\r\n", 1)[0].split()[1] == b"404", response[:200]


def test_request_body_cap_on_the_wire(server):
    r = httpx.post(server.url + "/sparql", content=b"ASK {}" + b" " * 10000,
                   headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert r.status_code == 413
