"""Helpers of the server tests: a small project of our own, and a real `seccoop serve` process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PREFIXES = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix scr: <https://w3id.org/seccoop/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""

ONTOLOGY = PREFIXES + """
sc:Organisation a owl:Class ; rdfs:label "Organisation"@en ; rdfs:comment "A body with members."@en .
sc:Forum a owl:Class ; rdfs:label "Forum"@en ; rdfs:comment "A standing forum of states."@en ;
    rdfs:subClassOf sc:Organisation .
sc:Actor a owl:Class ; rdfs:label "Actor"@en .
sc:memberOf a owl:ObjectProperty ; rdfs:label "member of"@en ; owl:inverseOf sc:hasMember .
sc:hasMember a owl:ObjectProperty ; rdfs:label "has member"@en .
sc:text a owl:DatatypeProperty ; rdfs:label "text"@en .
"""

DATA = PREFIXES + """
scr:sco a sc:Forum ; rdfs:label "Shanghai Cooperation Organisation"@en .
scr:china a sc:Actor ; rdfs:label "China"@en ; sc:memberOf scr:sco .
scr:russia a sc:Actor ; rdfs:label "Russia"@en ; sc:memberOf scr:sco .
scr:evil a sc:Actor ; rdfs:label "<script>alert(1)</script>"@en ;
    rdfs:comment "x\\" onmouseover=\\"alert(2)" .
[] rdf:subject scr:china ; rdf:predicate sc:memberOf ; rdf:object scr:sco ;
   prov:wasDerivedFrom scr:white-paper-s1 .
scr:white-paper-s1 rdfs:label "White paper, sentence 1"@en ;
    sc:text "China is a founding member of the Shanghai Cooperation Organisation." .
"""

QUERY = """# title: Members of forums
# description: Every actor that is a member of a forum.
SELECT ?member ?forum WHERE { ?member sc:memberOf ?forum } ORDER BY ?member
"""


def make_project(root: Path, data: str = DATA, ontology: str = ONTOLOGY) -> Path:
    """A project folder with one ontology file, one data file and one named query."""
    for folder in ("ontology", "data", "queries"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "ontology" / "mini.ttl").write_text(ontology)
    (root / "data" / "facts.ttl").write_text(data)
    (root / "queries" / "members.rq").write_text(QUERY)
    return root


class ServerProcess:
    """`seccoop serve --port 0` in a subprocess; ``url`` is read from its first line."""

    def __init__(self, project: Path, store: Path, *args: str, startup: float = 60.0,
                 command: list[str] | None = None):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [*(command or [sys.executable, "-m", "seccoop"]), "--project", str(project),
             "--store", str(store), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.url = self._wait_for_url(startup)
        self._wait_until_ready(startup)

    def _wait_for_url(self, startup: float) -> str:
        self.lines: list[str] = []  # what it printed before the URL
        deadline = time.monotonic() + startup
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            self.lines.append(line)
            if "serving http://" in line:
                return line.split("serving ", 1)[1].split()[0].rstrip("/")
        self.stop()
        raise RuntimeError("seccoop serve did not start:\n" + "".join(seen))

    def _wait_until_ready(self, startup: float) -> None:
        import httpx

        deadline = time.monotonic() + startup
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("seccoop serve never answered")

    def worker_pids(self) -> set[int]:
        """The query processes (children of the server, or of its HTTP workers)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"seccoop.server.worker" in cmdline and _descends_from(int(entry.name), self.proc.pid):
                found.add(int(entry.name))
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _parent(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        pid = _parent(pid)
        if pid == ancestor:
            return True
    return False


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, or None when it no longer exists."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def built_project(tmp_path_factory, name: str):
    """The small project in a temp folder, built into its own store: (Project, store dir)."""
    from seccoop.project import find_project
    from seccoop.store import build

    project = find_project(make_project(tmp_path_factory.mktemp(f"{name}-project")))
    store_dir = tmp_path_factory.mktemp(f"{name}-store")
    build(project, store_dir)
    return project, store_dir


def client_for(mini, **settings):
    """A Starlette TestClient of the app over a ``built_project`` (one query process unless
    ``query_workers`` says otherwise)."""
    from starlette.testclient import TestClient

    from seccoop.server.app import create_app
    from seccoop.settings import Settings

    project, store_dir = mini
    return TestClient(create_app(Settings(**{"query_workers": 1, **settings}), project, store_dir))


def assert_repeats_alike(client, query: str, accept: str, then: str, times: int = 3) -> None:
    """The first request runs in a query process; ``times`` identical ones after it are
    answered by way ``then`` (X-Seccoop-Path) with the same status, bytes and media type."""
    first = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert first.status_code == 200 and first.headers["x-seccoop-path"] == "process"
    for _ in range(times):
        again = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert again.status_code == 200 and again.headers["x-seccoop-path"] == then
        assert again.content == first.content
        assert again.headers["content-type"] == first.headers["content-type"]


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it (each closed at
    once): the witness that nothing the tests send makes the server call out."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require(found: bool, what: str, install: str) -> None:
    """Skip where ``what`` is absent on a developer's machine; in CI, where .ci/run installs
    it, fail instead."""
    import pytest

    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run this test (.ci/run installs it)")
    pytest.skip(f"{what} is absent ({install})")


def nginx_head(folder: Path, connections: int) -> str:
    """The start of a private nginx configuration (pid, logs and temporary folders in
    ``folder``), open at the ``http`` block for the caller's upstreams and servers."""
    temps = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections {connections}; }}
http {{
    access_log off;
{temps}
"""
