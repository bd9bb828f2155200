"""Requests per second of `seccoop serve` against `oxigraph serve-read-only`, side by side.

LUBM(1) plus its closure (../shared/lubm), laid out as a temporary project and built with
`seccoop build`; LUBM Q1 (4 rows) and Q14 (5,916 rows); 8 concurrent connections for a
bounded duration, loopback only, load from `wrk` (GET with the URL-encoded query). Our
server runs with every guard on (SERVICE/LOAD check, timeout, row cap, body cap) and its
default settings, except `--workers`: the bench passes `--workers 2` explicitly, what a
user would choose on a 2-core machine (the server's own default is 1). Its result cache
(`--result-cache-mb`) is on by default, as for users; its fast path (`--trust-below-ms`) is
off by default, as for users.

Because the result cache answers a repeated query without evaluating it, the bench also
runs, in the same rounds, two seccoop servers with `--result-cache-mb 0` and prints their
ratios beside: "no cache" (every request evaluated in a killable query process) and "no
cache, fast path" (`--trust-below-ms 25`: evaluated in the HTTP worker once proven cheap).
The targets are judged on the server as users get it (defaults); pass `--no-cache-too`
to skip the other two.

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
               trust_below_ms: float, result_cache_mb: float):
    proc = subprocess.Popen([sys.executable, "-m", "seccoop", "--project", str(project), "--store",
                             str(store), "serve", "--port", str(port), "--workers", str(workers),
                             "--query-workers", str(query_workers),
                             "--trust-below-ms", str(trust_below_ms),
                             "--result-cache-mb", str(result_cache_mb)],
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
    args = parse_args()
    if not shutil.which("wrk") or not shutil.which("oxigraph"):
        print("needs wrk (apt-get install wrk) and the oxigraph CLI (pip install oxigraph)")
        return 2
    queries = {name: (LUBM / "queries" / f"{name}.rq").read_text() for name in TARGETS}
    expected = {"q1": 4, "q14": 5916}
    configs = {"seccoop": (args.trust_below_ms, args.result_cache_mb)}
    if not args.no_cache_too and args.result_cache_mb:
        configs["no cache"] = (args.trust_below_ms, 0.0)
        configs["no cache, fast path"] = (25.0, 0.0)
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        project, store = prepare(Path(tmp))
        procs, urls = [], {}
        try:
            for label, (trust_ms, cache_mb) in configs.items():
                proc, urls[label] = start_ours(project, store, free_port(), args.workers,
                                               args.query_workers, trust_ms, cache_mb)
                procs.append(proc)
            proc, urls["oxigraph"] = start_oxigraph(store, free_port())
            procs.append(proc)
            for url in urls.values():
                wait_ready(url)
            print(f"{args.connections} connections, {args.rounds} alternating rounds x "
                  f"{args.duration} s per server and query; seccoop: "
                  f"--workers {args.workers} (passed explicitly; server default "
                  f"{DEFAULTS.workers}) x {args.query_workers} query processes, "
                  f"--trust-below-ms {args.trust_below_ms:g}, --result-cache-mb "
                  f"{args.result_cache_mb:g}, every guard on"
                  + ("; 'no cache': the same with --result-cache-mb 0; 'no cache, fast path': "
                     "also --trust-below-ms 25" if len(configs) > 1 else ""))
            failed = False
            for name, query in queries.items():
                rates = measure(urls, query, expected[name], args)
                ratios = {label: mean(rates[label]) / mean(rates["oxigraph"]) for label in configs}
                verdict = "PASS" if ratios["seccoop"] >= TARGETS[name] else "FAIL"
                failed |= verdict == "FAIL"
                print(f"{name.upper():4} ({expected[name]:>5} rows)  oxigraph "
                      f"{mean(rates['oxigraph']):9.1f} req/s  seccoop "
                      f"{mean(rates['seccoop']):9.1f} req/s  ratio {ratios['seccoop']:5.2f}x  "
                      f"target >= {TARGETS[name]}x  {verdict}")
                for label in list(configs)[1:]:
                    print(f"      {label + ':':21} {mean(rates[label]):9.1f} req/s  ratio "
                          f"{ratios[label]:5.2f}x (every request evaluated)")
                print("      per round: " + " | ".join(
                    f"{label} " + " ".join(f"{r:.0f}" for r in rates[label]) for label in rates))
        finally:
            for proc in procs:
                stop(proc)
    return 1 if failed else 0


def measure(urls: dict, query: str, rows: int, args) -> dict[str, list[float]]:
    """Requests per second of each server, rounds alternating the order of the servers."""
    for label, url in urls.items():
        check_answer(url, query, rows)
        paths = warm_up(url, query)
        if label != "oxigraph":
            print(f"      {label} warm-up requests ran: {paths}")
        wrk(url, query, 2, args.connections)  # warm-up under load
    rates: dict[str, list[float]] = {label: [] for label in urls}
    order = list(urls)
    for round_ in range(args.rounds):  # rotate: no server always goes first
        for label in order[round_ % len(order):] + order[:round_ % len(order)]:
            rates[label].append(wrk(urls[label], query, args.duration, args.connections))
    return rates


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds per query; each runs every server once, in a rotating "
                             "order, so that load from elsewhere on the machine falls on all")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2,
                        help="our HTTP worker processes, passed explicitly (server default 1)")
    parser.add_argument("--query-workers", type=int, default=DEFAULTS.query_workers,
                        help="query processes per HTTP worker")
    parser.add_argument("--trust-below-ms", type=float, default=DEFAULTS.trust_below_ms,
                        help="the judged server's fast-path threshold (0, the default: off)")
    parser.add_argument("--result-cache-mb", type=float, default=DEFAULTS.result_cache_mb,
                        help="the result cache of the judged server (0: off)")
    parser.add_argument("--no-cache-too", action="store_true",
                        help="skip the two servers with --result-cache-mb 0")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
