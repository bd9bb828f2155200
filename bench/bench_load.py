"""Runaway and cheap clients mixed against `seccoop serve`: is every cheap query answered?

A bounded load test (issue 16), loopback only, at most about 60 s: the repository's own
graph, built into a temporary store, served with default settings (2 query processes:
one general, one express lane for queries not yet seen to be slow). Then, at once:

- ``--runaways`` clients (20) each send a runaway query (a three-way cross product,
  counted: it would run for ever) again and again; each is stopped by ``--timeout``;
- ``--cheap`` clients (8) each send small queries one after the other, every one a text
  never sent before (so neither cached nor known), for ``--duration`` seconds.

Prints the figures of both kinds; exits 1 when a cheap query was not answered 200.
``--vary-runaways`` gives every runaway a new text too (an attacker who knows the express
lane), in turn a new comment, constant, variable names or pattern (a new shape).

    python bench/bench_load.py
    python bench/bench_load.py --duration 20 --runaways 20 --cheap 8
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# A small SELECT (one resource's facts); LIMIT varies so that no text is seen twice.
CHEAP = "SELECT ?p ?o WHERE {{ scr:china ?p ?o }} LIMIT {n}"


def start_server(store: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "seccoop", "--project", str(REPO), "--store",
                             str(store), "serve", "--port", "0", "--timeout", f"{timeout:g}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "serving http://" in line:
            url = line.split("serving ", 1)[1].split()[0].rstrip("/")
            break
    else:
        raise SystemExit("seccoop serve did not start")
    for _ in range(600):
        try:
            if httpx.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("seccoop serve never answered")


def varied(number: int, sent: int) -> str:
    """The runaway spelt anew: a comment, a constant, variable names, or a new pattern."""
    tag = f"{number}_{sent}"
    return [f"{RUNAWAY} # runaway {tag}",
            RUNAWAY.replace("}", f"FILTER(?c != 'x{tag}') }}"),
            RUNAWAY.replace("?a", f"?a{tag}").replace("?i", f"?i{tag}"),
            RUNAWAY.replace("}", f"FILTER(?b != <urn:x:{tag}>) }}")][sent % 4]


async def runaway_client(url: str, stop: float, number: int, vary: bool, tally: dict) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        sent = 0
        while time.monotonic() < stop:
            query = varied(number, sent) if vary else RUNAWAY
            sent += 1
            reply = await client.get(url + "/sparql", params={"query": query})
            tally[reply.status_code] = tally.get(reply.status_code, 0) + 1


async def cheap_client(url: str, stop: float, number: int, results: list) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        sent = 0
        while time.monotonic() < stop:
            query = CHEAP.format(n=1 + number * 100_000 + sent)  # never the same text twice
            sent += 1
            started = time.monotonic()
            reply = await client.get(url + "/sparql", params={"query": query},
                                     headers={"Accept": "application/sparql-results+json"})
            results.append((reply.status_code, time.monotonic() - started))
            await asyncio.sleep(0.05)


async def load(url: str, args) -> tuple[dict, list]:
    stop = time.monotonic() + args.duration
    tally: dict = {}
    results: list = []
    runaways = [runaway_client(url, stop, n, args.vary_runaways, tally) for n in range(args.runaways)]
    await asyncio.sleep(0)
    cheap = [cheap_client(url, stop, n, results) for n in range(args.cheap)]
    await asyncio.gather(*runaways, *cheap)
    return tally, results


def report(tally: dict, results: list, seconds: float) -> bool:
    answered = [t for status, t in results if status == 200]
    failed = [status for status, _ in results if status != 200]
    print(f"load: {seconds:.1f} s on 127.0.0.1")
    print(f"runaway queries: {sum(tally.values())} sent, by status: "
          + ", ".join(f"{status}: {n}" for status, n in sorted(tally.items())))
    print(f"cheap queries:   {len(results)} sent, {len(answered)} answered 200, "
          f"{len(failed)} not" + (f" (statuses {sorted(set(failed))})" if failed else ""))
    if answered:
        ordered = sorted(answered)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"cheap latency:   median {statistics.median(ordered) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    return bool(results) and not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (max 45)")
    parser.add_argument("--runaways", type=int, default=20)
    parser.add_argument("--cheap", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's --timeout")
    parser.add_argument("--vary-runaways", action="store_true")
    args = parser.parse_args()
    args.duration = min(args.duration, 45.0)  # with start and drain: at most about 60 s
    with tempfile.TemporaryDirectory(prefix="bench-load-") as work:
        subprocess.run([sys.executable, "-m", "seccoop", "--project", str(REPO), "--store",
                        work, "build"], check=True, stdout=subprocess.DEVNULL)
        proc, url = start_server(Path(work), args.timeout)
        try:
            started = time.monotonic()
            tally, results = asyncio.run(load(url, args))
            ok = report(tally, results, time.monotonic() - started)
        finally:
            proc.terminate()
            proc.wait(10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
