"""Requests per second of `seccoop serve` against `oxigraph serve-read-only`, side by side.

LUBM(1) plus its closure (../shared/lubm), laid out as a temporary project and built with
`seccoop build`; LUBM Q1 (4 rows) and Q14 (5,916 rows); 8 concurrent connections for a
bounded duration, loopback only, load from `wrk` (GET with the URL-encoded query). Our
server runs with every guard on (SERVICE/LOAD check, timeout, row cap, body cap) and its
default settings, except `--workers`: the bench passes `--workers 2` explicitly, what a
user would choose on a 2-core machine (the server's own default is 1). Its fast path for
proven-cheap queries (`--trust-below-ms`) is on by default, as for users.

    python bench/bench_server.py                   # 3 alternating rounds x 5 s
    python bench/bench_server.py --duration 10 --rounds 1 --workers 2

Targets: >= 0.5x oxigraph on Q1, >= 1.0x on Q14.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from seccoop.settings import Settings

DEFAULTS = Settings()
REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
TARGETS = {"q1": 0.5, "q14": 1.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(work: Path) -> tuple[Path, Path]:
    project, store = work / "project", work / "store"
    (project / "ontology").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "ontology" / "univ-bench.ttl").symlink_to(LUBM / "univ-bench.ttl")
    (project / "data" / "lubm1.ttl.gz").symlink_to(LUBM / "lubm1.ttl.gz")
    subprocess.run([sys.executable, "-m", "seccoop", "--project", str(project), "--store",
                    str(store), "build"], check=True, stdout=subprocess.DEVNULL)
    return project, store


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?query=" + urllib.parse.quote("ASK {}"), timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")


def wrk(url: str, query: str, duration: int, connections: int) -> float:
    target = url + "?query=" + urllib.parse.quote(query)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", target],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def check_answer(url: str, query: str, rows: int) -> None:
    request = urllib.request.Request(url + "?query=" + urllib.parse.quote(query),
                                     headers={"Accept": "text/tab-separated-values"})
    with urllib.request.urlopen(request, timeout=60) as response:
        got = response.read().decode().count("\n") - 1
    if got != rows:
        raise RuntimeError(f"{url} answered {got} rows, expected {rows}")


def warm_up(url: str, query: str, times: int = 6) -> str:
    """The very request wrk sends, a few times in a row (new connections, so both HTTP
    workers see it); how our server ran them, from X-Seccoop-Path: ``process`` (a query
    process: the first run in each worker) or ``proven`` (in-process afterwards)."""
    paths = []
    for _ in range(times):
        with urllib.request.urlopen(url + "?query=" + urllib.parse.quote(query), timeout=60) as r:
            r.read()
            paths.append(r.headers.get("X-Seccoop-Path", "?"))
    return " ".join(paths)


def start_ours(project: Path, store: Path, port: int, workers: int, query_workers: int,
               trust_below_ms: float):
    proc = subprocess.Popen([sys.executable, "-m", "seccoop", "--project", str(project), "--store",
                             str(store), "serve", "--port", str(port), "--workers", str(workers),
                             "--query-workers", str(query_workers),
                             "--trust-below-ms", str(trust_below_ms)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/sparql"


def start_oxigraph(store: Path, port: int):
    location = (store / "current").resolve() / "oxigraph"
    proc = subprocess.Popen(["oxigraph", "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/query"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs per server and query (the rate is their mean), "
                             "so that load from elsewhere on the machine falls on both")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2,
                        help="our HTTP worker processes, passed explicitly (server default 1)")
    parser.add_argument("--query-workers", type=int, default=DEFAULTS.query_workers,
                        help="query processes per HTTP worker")
    parser.add_argument("--trust-below-ms", type=float, default=DEFAULTS.trust_below_ms,
                        help="the fast path's threshold (0: every query in a query process)")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("oxigraph"):
        print("needs wrk (apt-get install wrk) and the oxigraph CLI (pip install oxigraph)")
        return 2
    queries = {name: (LUBM / "queries" / f"{name}.rq").read_text() for name in TARGETS}
    expected = {"q1": 4, "q14": 5916}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        project, store = prepare(Path(tmp))
        ours, ours_url = start_ours(project, store, free_port(), args.workers, args.query_workers,
                                    args.trust_below_ms)
        oxi, oxi_url = start_oxigraph(store, free_port())
        try:
            wait_ready(ours_url)
            wait_ready(oxi_url)
            print(f"{args.connections} connections, {args.rounds} alternating rounds x "
                  f"{args.duration} s per server and query; seccoop: "
                  f"--workers {args.workers} (passed explicitly; server default "
                  f"{DEFAULTS.workers}) x {args.query_workers} query processes, "
                  f"--trust-below-ms {args.trust_below_ms:g}, every guard on")
            failed = False
            for name, query in queries.items():
                for url in (ours_url, oxi_url):
                    check_answer(url, query, expected[name])
                path = warm_up(ours_url, query)
                warm_up(oxi_url, query)
                for url in (ours_url, oxi_url):
                    wrk(url, query, 2, args.connections)  # warm-up under load
                rates: dict[str, list[float]] = {oxi_url: [], ours_url: []}
                for round_ in range(args.rounds):  # A B B A A B ...: neither always goes first
                    order = (oxi_url, ours_url) if round_ % 2 == 0 else (ours_url, oxi_url)
                    for url in order:
                        rates[url].append(wrk(url, query, args.duration, args.connections))
                rate_oxi = sum(rates[oxi_url]) / args.rounds
                rate_ours = sum(rates[ours_url]) / args.rounds
                ratio = rate_ours / rate_oxi
                verdict = "PASS" if ratio >= TARGETS[name] else "FAIL"
                failed |= verdict == "FAIL"
                print(f"{name.upper():4} ({expected[name]:>5} rows)  oxigraph {rate_oxi:9.1f} req/s  "
                      f"seccoop {rate_ours:9.1f} req/s  ratio {ratio:5.2f}x  "
                      f"target >= {TARGETS[name]}x  {verdict}")
                print(f"      seccoop warm-up requests ran: {path}")
                print("      per round: oxigraph " + " ".join(f"{r:.0f}" for r in rates[oxi_url])
                      + " | seccoop " + " ".join(f"{r:.0f}" for r in rates[ours_url]))
        finally:
            stop(ours)
            stop(oxi)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
