"""Read replicas: two ``seccoop serve`` processes over one build behind Debian's nginx, one
killed (SIGTERM) in the middle of a load of concurrent requests: none of them fails.

SIGTERM, not SIGKILL: a replica killed outright between writing a response's header and its
body leaves nginx a header it has already relayed, which no proxy can retry (seen here about
once in five runs). SIGTERM is what an orchestrator sends: the replica stops accepting at
once, finishes what it holds, and nginx sends the rest to the other one."""

from __future__ import annotations

import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from server_support import ServerProcess, built_project, free_port, nginx_head, require
from test_site_servers import NGINX, _stop, _wait

REQUESTS, THREADS, KILL_AFTER = 240, 6, 80
QUERY = "SELECT ?m WHERE { ?m sc:memberOf scr:sco } ORDER BY ?m"


def nginx_conf(folder, port: int, replicas: list[str]) -> str:
    """The configuration the README shows: an upstream of the replicas, a failed one
    skipped for a while, and a request it failed retried on the next (GETs are safe)."""
    servers = "\n".join(f"        server {url.split('://', 1)[1]} max_fails=1 fail_timeout=30s;"
                        for url in replicas)
    return nginx_head(folder, 256) + f"""    upstream seccoop {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://seccoop;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 20s;
        }}
    }}
}}
"""


@pytest.fixture
def replicas(tmp_path_factory):
    require(NGINX.exists(), str(NGINX), "apt-get install nginx")
    project, store_dir = built_project(tmp_path_factory, "replicas")
    first = ServerProcess(project.root, store_dir)
    second = ServerProcess(project.root, store_dir)
    folder, port = tmp_path_factory.mktemp("nginx-replicas"), free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, port, [first.url, second.url]))
    proc = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(proc, port, folder / "error.log")
        yield f"http://127.0.0.1:{port}", first, second
    finally:
        _stop(proc)
        first.stop()
        second.stop()


def test_one_replica_killed_mid_load_fails_no_request(replicas):
    url, first, second = replicas
    builds = {httpx.get(server.url + "/health").json()["build"] for server in (first, second)}
    assert len(builds) == 1 and builds != {""}  # both serve the one build

    done, lock, killed = [], threading.Lock(), threading.Event()
    local = threading.local()

    def one(number: int):
        if not hasattr(local, "client"):  # one keep-alive connection to nginx per thread
            local.client = httpx.Client(timeout=30)
        reply = local.client.get(url + "/sparql", params={"query": f"{QUERY} # {number}"},
                                 headers={"Accept": "text/csv"})
        with lock:
            done.append((reply.status_code, reply.text))
            if len(done) == KILL_AFTER:
                first.proc.terminate()  # mid-load; new connections to it are refused
                killed.set()

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(REQUESTS)))
    assert killed.is_set() and first.proc.wait(10) is not None
    assert len(done) == REQUESTS
    failed = [(status, text[:100]) for status, text in done if status != 200]
    assert failed == []
    expected = "m\r\nhttps://w3id.org/seccoop/id/china\r\nhttps://w3id.org/seccoop/id/russia\r\n"
    assert {text for _, text in done} == {expected}
    assert httpx.get(url + "/health").json()["build"] in builds  # the survivor answers
