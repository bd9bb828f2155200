"""A hostile client against `seccoop serve` and `seccoop build`: every attack is
bounded and refused safely, and the server stays whole afterwards.

Real servers on 127.0.0.1 (random ports), real query processes, real signals and limits.
The SERVICE guard's own tricks are tested with the guard; here the query processes are
shown unable to connect even when the guard is bypassed.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from server_support import Listener, ServerProcess, make_project

from seccoop.server import pool

CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND() LIMIT 1"
# Counts a three-way cross product without holding it: runs for ever in constant memory.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Query processes of a default server: one general, one express lane, and the lane's spares.
PROCESSES = 2 + pool.EXPRESS_SPARES


class Server(ServerProcess):
    """A ServerProcess whose output is drained (query processes share it) and kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.output = list(self.lines)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)

    def get(self, path: str, **kwargs) -> httpx.Response:
        kwargs.setdefault("timeout", 30)
        return httpx.get(self.url + path, **kwargs)

    def query(self, query: str, **kwargs) -> httpx.Response:
        return self.get("/sparql", params={"query": query},
                        headers={"Accept": "application/sparql-results+json"}, **kwargs)

    def text(self) -> str:
        return "".join(self.output)


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def wait_for(condition, seconds: float, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


@pytest.fixture(scope="module")
def server(project, store_dir):
    """The repository's graph (about 5,000 triples with the closure: its square does not
    fit in 128 MB), small limits so that each attack ends fast."""
    with Server(project.root, store_dir, "--max-query-memory", "128", "--timeout", "3",
                "--read-timeout", "1", "--max-header-kb", "64") as running:
        yield running


# --- memory ---------------------------------------------------------------------------------

def test_memory_hungry_query_is_stopped_and_the_server_shrinks_back(server):
    assert server.query("ASK {}").status_code == 200
    before = tree_rss(server.proc.pid)
    started = time.monotonic()
    reply = server.query(CROSS_PRODUCT)
    assert reply.status_code == 503, reply.text
    assert "128 MB" in reply.text and "--max-query-memory" in reply.text
    assert time.monotonic() - started < 3  # stopped by the memory limit, not the timeout
    assert wait_for(lambda: len(server.worker_pids()) == PROCESSES, 10)
    assert server.query("ASK { ?s ?p ?o }").status_code == 200
    after = tree_rss(server.proc.pid)
    assert after < before + 64 * 2**20, (before, after)


def test_reply_byte_cap(project, store_dir):
    # 0.01 MB: the first rows pass, everything does not; the row cap alone would allow it.
    with Server(project.root, store_dir, "--max-result-mb", "0.01") as small:
        assert small.query("SELECT * WHERE { ?s ?p ?o } LIMIT 2").status_code == 200
        reply = small.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1000")
        assert reply.status_code == 503 and "reply cap of 10485 bytes" in reply.text


# --- query processes --------------------------------------------------------------------------

def test_killed_idle_query_process_then_next_query_answers(server):
    assert wait_for(lambda: len(server.worker_pids()) == PROCESSES, 10)
    for pid in server.worker_pids():
        os.kill(pid, signal.SIGKILL)
    reply = server.query("SELECT ?s WHERE { ?s a ?c } LIMIT 1 # after a kill")
    assert reply.status_code == 200, reply.text
    assert wait_for(lambda: len(server.worker_pids()) == PROCESSES, 10)


def varied_runaway(number: int, sent: int) -> str:
    """A runaway spelt anew each time, the ways an attacker who knows the express lane
    would: a comment, a constant, variable names, or a pattern of its own (a new shape)."""
    tag = f"{number}_{sent}"
    return [f"{RUNAWAY} # runaway {tag}",
            RUNAWAY.replace("}", f"FILTER(?c != 'x{tag}') }}"),
            RUNAWAY.replace("?a", f"?a{tag}").replace("?i", f"?i{tag}"),
            RUNAWAY.replace("}", f"FILTER(?b != <urn:x:{tag}>) }}")][sent % 4]


def test_runaways_with_new_texts_do_not_starve_fresh_queries(server):
    """Clients that give every runaway a text never seen before: spelt-anew copies of a known
    runaway are served after fresh queries, and a new shape costs the express lane one short
    CPU budget (a started spare takes over the lane when it is cut), so fresh small queries
    are still answered, all of them."""
    stop = time.monotonic() + 6
    answered: list[tuple[int, float]] = []

    def runaway(number: int) -> None:
        with httpx.Client(timeout=30) as client:
            sent = 0
            while time.monotonic() < stop:
                sent += 1
                client.get(server.url + "/sparql", params={"query": varied_runaway(number, sent)})

    def cheap(number: int) -> None:
        with httpx.Client(timeout=30) as client:
            sent = 0
            while time.monotonic() < stop:
                sent += 1
                started = time.monotonic()
                reply = client.get(server.url + "/sparql", params={
                    "query": f"SELECT ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {number * 1000 + sent}"})
                answered.append((reply.status_code, time.monotonic() - started))

    threads = [threading.Thread(target=runaway, args=(n,)) for n in range(8)]
    threads += [threading.Thread(target=cheap, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answered) > 10
    assert all(status == 200 for status, _ in answered), answered


def test_runaways_are_stopped_and_fresh_queries_still_answer(server):
    """The express lane: a known runaway holds general processes; a fresh small query is
    not queued behind it."""
    assert server.query(RUNAWAY).status_code == 503
    with httpx.Client(timeout=30) as client:
        def runaway():
            client.get(server.url + "/sparql", params={"query": RUNAWAY})
        threads = [threading.Thread(target=runaway) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        reply = server.query("SELECT ?c WHERE { ?s a ?c } LIMIT 3 # fresh")
        took = time.monotonic() - started
        for thread in threads:
            thread.join()
    assert reply.status_code == 200 and took < 2.0, (reply.status_code, took)


def test_exhausted_file_handles_then_recovery(project, store_dir):
    with Server(project.root, store_dir) as running:
        assert running.query("ASK {}").status_code == 200
        soft, hard = resource.prlimit(running.proc.pid, resource.RLIMIT_NOFILE)
        resource.prlimit(running.proc.pid, resource.RLIMIT_NOFILE, (3, hard))
        try:
            for pid in running.worker_pids():
                os.kill(pid, signal.SIGKILL)
            time.sleep(1.0)
            assert running.worker_pids() == set()  # no handle for a pipe: none could start
        finally:
            resource.prlimit(running.proc.pid, resource.RLIMIT_NOFILE, (soft, hard))
        assert wait_for(lambda: len(running.worker_pids()) == PROCESSES, 15)  # retried, not given up
        assert running.query("ASK { ?s ?p 'after exhaustion' }").status_code == 200
        assert "Too many open files" in running.text()


# --- rebuilds while serving -----------------------------------------------------------------

def test_two_rebuilds_while_serving_then_a_timeout(tmp_path):
    root = make_project(tmp_path / "project")
    store = tmp_path / "store"
    with Server(root, store, "--timeout", "1") as running:
        served = running.query("ASK {}")
        assert served.status_code == 200
        for round in range(2):
            facts = root / "data" / "facts.ttl"
            facts.write_text(facts.read_text() + f"\n<urn:x> <urn:round> {round} .\n")
            built = subprocess.run([sys.executable, "-m", "seccoop", "--project", str(root),
                                    "--store", str(store), "build"],
                                   capture_output=True, text=True, timeout=120)
            assert built.returncode == 0, built.stderr
        assert len(list((store / "builds").iterdir())) == 3  # the served one was kept
        # A timeout kills a query process: its replacement must open the served build.
        big = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
               "?m ?n2 ?o }")
        assert running.query(big).status_code == 503
        for n in range(3):
            reply = running.query(f"SELECT ?s WHERE {{ ?s ?p {n} }}")
            assert reply.status_code == 200, reply.text
    # Once no server holds it, the next build prunes it.
    subprocess.run([sys.executable, "-m", "seccoop", "--project", str(root), "--store",
                    str(store), "build", "--force"], check=True, capture_output=True, timeout=120)
    assert len(list((store / "builds").iterdir())) == 2


# --- several HTTP workers through the installed script ---------------------------------------

def test_workers_2_through_the_installed_script(tmp_path):
    script = Path(sys.executable).parent / "seccoop"
    assert script.exists(), "pip installs the seccoop script beside the interpreter"
    root = make_project(tmp_path / "project")
    with Server(root, tmp_path / "store", "--workers", "2", command=[str(script)]) as running:
        for n in range(6):
            assert running.query(f"ASK {{ ?s ?p {n} }}").status_code == 200
        assert "Traceback" not in running.text()


# --- no network from query processes -------------------------------------------------------

def test_unguarded_service_makes_no_connection(store_dir):
    """The guard is bypassed on purpose: the query goes straight to a query process."""
    from seccoop.server.pool import QueryPool
    from seccoop.server.sandbox import is_isolated
    from seccoop.server.worker import execute_local
    from seccoop.store import current_build

    listener = Listener()
    service = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    try:
        # Control: outside a query process the same query does reach the listener.
        assert execute_local(service)[0] == "error"
        assert listener.connections >= 1
        listener.connections = 0

        async def through_pool():
            pool = QueryPool(str(current_build(store_dir) / "oxigraph"), size=1, timeout=10)
            await pool.start()
            try:
                replies = [await pool.run((service, "json", "turtle", True, None, None, 10, None))
                           for _ in range(3)]
                return pool.isolation, replies
            finally:
                await pool.close()

        isolation, replies = asyncio.run(through_pool())
        if not is_isolated(isolation):
            pytest.skip(f"this kernel offers no network isolation: {isolation}")
        assert all(reply[0][0] == "error" for reply in replies)
        time.sleep(0.2)
        assert listener.connections == 0
    finally:
        listener.close()


def test_landlock_fallback_denies_tcp_connect():
    """Where namespaces are refused (containers), Landlock is the fallback: shown on its own
    in a child process, against a listener that the parent shows reachable."""
    listener = Listener()
    code = ("import socket, sys\n"
            "from seccoop.server.sandbox import _landlock_no_tcp, _libc\n"
            "why = _landlock_no_tcp(_libc())\n"
            "if why: print('unavailable:', why); sys.exit(0)\n"
            f"try: socket.create_connection(('127.0.0.1', {listener.port}), timeout=2)\n"
            "except OSError as error: print('refused:', error)\n"
            "else: print('connected')\n")
    try:
        socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
        assert wait_for(lambda: listener.connections == 1, 2)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=30).stdout
        if out.startswith("unavailable:"):
            pytest.skip(f"Landlock with network rules is not offered here: {out}")
        assert out.startswith("refused:"), out
        time.sleep(0.2)
        assert listener.connections == 1
    finally:
        listener.close()


def test_server_says_how_query_processes_are_isolated(server):
    assert wait_for(lambda: "query processes" in server.text(), 5)
    assert "no network access" in server.text() or "WARNING" in server.text()


# --- HTTP: headers, request line, timeouts, redirects, pages ----------------------------------

def _raw(server: Server, data: bytes, wait: float = 5.0) -> bytes:
    host, port = server.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the end: the reply is already there
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)


def test_huge_headers_are_refused(server):
    reply = _raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431 ")
    assert server.query("ASK {}").status_code == 200


def test_http_0_9_is_refused(server):
    assert _raw(server, b"GET /\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_slow_request_is_cut_off(server):
    started = time.monotonic()
    reply = _raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n", wait=10)  # headers never end
    assert reply.startswith(b"HTTP/1.1 408 ") and time.monotonic() - started < 5
    started = time.monotonic()
    _raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: 100\r\n\r\nASK", wait=10)  # the body never ends
    assert time.monotonic() - started < 5


def test_pages_send_security_headers(server):
    for path in ("/", "/query", "/id/china", "/no-such-page"):
        reply = server.get(path, headers={"Accept": "text/html"})
        assert reply.headers["content-type"].startswith("text/html"), path
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        policy = dict(part.strip().split(" ", 1)
                      for part in reply.headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"


def test_trailing_slash_redirect_is_relative(server):
    reply = server.get("/void/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert reply.status_code == 307 and reply.headers["location"] == "/void"
    assert server.get("/void/", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("path", ["/id/a%20b", "/id/%3Cx%3E", "/id/a%22b", "/id/a%7Bb",
                                  "/id/a%5Cb", "/id/%60"])
def test_invalid_iri_characters_are_not_found(server, path):
    assert server.get(path).status_code == 404
    assert server.get(path, headers={"Accept": "text/turtle"}).status_code == 404


# --- build inputs -----------------------------------------------------------------------------

def _build(root: Path, store: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seccoop", "--project", str(root), "--store",
                           str(store), "build"], capture_output=True, text=True, timeout=120)


def test_corrupt_and_truncated_gzip_sources(tmp_path):
    root = make_project(tmp_path / "project")
    source = root / "data" / "more.ttl.gz"
    source.write_bytes(b"this is not gzip at all")
    built = _build(root, tmp_path / "store")
    assert built.returncode == 2, built.stderr
    assert "data/more.ttl.gz: not a gzip file" in built.stderr and "Traceback" not in built.stderr
    whole = gzip.compress(("<urn:a> <urn:b> <urn:c> .\n" * 20000).encode())
    source.write_bytes(whole[: len(whole) // 2])
    built = _build(root, tmp_path / "store")
    assert built.returncode == 2, built.stderr
    assert "data/more.ttl.gz: truncated" in built.stderr and "Traceback" not in built.stderr


RDFXML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="urn:a"><rdfs:label>a</rdfs:label></rdf:Description>
  <rdf:Description rdf:about="http://x/ a">
  </rdf:Description>
</rdf:RDF>
"""

JSONLD = """{
  "@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},
  "@id": "urn:a",
  "label": "a",
  "http://x/p": [1, 2,
}
"""


@pytest.mark.parametrize("name, text, where", [
    ("bad.rdf", RDFXML, ":5:31: "),       # the IRI with a space: line 5, its "h" at column 31
    ("bad.jsonld", JSONLD, ":6:1: "),     # the brace closing an open array
])
def test_rdfxml_and_jsonld_errors_have_a_position(tmp_path, name, text, where):
    root = make_project(tmp_path / "project")
    (root / "data" / name).write_text(text)
    built = _build(root, tmp_path / "store")
    assert built.returncode == 2, built.stderr
    assert f"data/{name}{where}" in built.stderr, built.stderr
    assert ":0:0:" not in built.stderr
