"""Benchmark the CLI against the oxigraph Rust CLI, side by side in one run.

1. ``seccoop query`` in a cold process on an already-built store vs ``oxigraph query`` on the
   same store and query (target: ratio <= 2.0).
2. ``seccoop build`` of LUBM(1) (reasoning off) vs ``oxigraph load`` of the same files
   (target: ratio <= 1.2).

Usage: python bench/bench_cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
PREFIXES = ("PREFIX sc: <https://w3id.org/seccoop/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
BARE = ("import sys, pyoxigraph as ox; ox.Store.read_only(sys.argv[1]).query(sys.argv[2], "
        "use_default_graph_as_union=True).serialize(sys.stdout.buffer, ox.QueryResultsFormat.CSV)")
QUERY = "SELECT ?forum ?label WHERE { ?forum a sc:Forum ; rdfs:label ?label } ORDER BY ?label"


def tool(name: str) -> str:
    """The executable beside this interpreter (not a shell shim in front of it), else PATH's."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def side_by_side(ours: list[str], theirs: list[str], runs: int, before=None) -> tuple[float, float]:
    """Median wall times, the two commands interleaved so that machine noise hits both."""
    mine, other = [], []
    for _ in range(runs):
        if before:
            before()
        mine.append(seconds(ours))
        if before:
            before()
        other.append(seconds(theirs))
    return statistics.median(mine), statistics.median(other)


def bench_query(work: Path, runs: int) -> float:
    store = work / "store"
    seccoop = [tool("seccoop"), "--project", str(REPO), "--store", str(store)]
    subprocess.run([*seccoop, "build"], check=True, stdout=subprocess.DEVNULL)
    location = (store / "current").resolve() / "oxigraph"
    ours = [*seccoop, "query", QUERY, "--format", "csv"]
    theirs = [tool("oxigraph"), "query", "--location", str(location), "--query", PREFIXES + QUERY,
              "--results-format", "csv", "--union-default-graph"]
    # The floor for any Python CLI: start Python, import pyoxigraph, open, query, print.
    bare = [sys.executable, "-c", BARE, str(location), PREFIXES + QUERY]
    for command in (ours, theirs, bare):
        seconds(command)  # warm the page cache
    mine, other = side_by_side(ours, theirs, runs)
    floor, _ = side_by_side(bare, theirs, max(5, runs // 3))
    ratio = mine / other
    print(f"query  seccoop {mine * 1000:7.1f} ms   oxigraph {other * 1000:7.1f} ms   "
          f"ratio {ratio:.2f}  (target <= 2.0: {'PASS' if ratio <= 2.0 else 'FAIL'})\n"
          f"       bare python + pyoxigraph {floor * 1000:7.1f} ms   ratio {floor / other:.2f} (floor)")
    return ratio


def bench_build(work: Path, runs: int) -> float:
    project = work / "lubm1"
    (project / "ontology").mkdir(parents=True)
    (project / "data").mkdir()
    shutil.copy(LUBM / "univ-bench.ttl", project / "ontology" / "univ-bench.ttl")
    shutil.copy(LUBM / "lubm1.ttl.gz", project / "data" / "lubm1.ttl.gz")
    store, location = work / "lubm-store", work / "oxigraph-load"
    ours = [tool("seccoop"), "--project", str(project), "--store", str(store),
            "build", "--force", "--no-reasoning"]
    # seccoop keeps each file in a named graph (six indexes per quad instead of three for the
    # default graph), so oxigraph loads into a named graph too: the same work, side by side.
    theirs = [tool("oxigraph"), "load", "--location", str(location),
              "--graph", "https://w3id.org/seccoop/graph/lubm", "--file",
              str(project / "ontology" / "univ-bench.ttl"), str(project / "data" / "lubm1.ttl.gz")]
    mine, other = side_by_side(ours, theirs, runs,
                               before=lambda: shutil.rmtree(location, ignore_errors=True))
    ratio = mine / other
    print(f"build  seccoop {mine:7.2f} s    oxigraph {other:7.2f} s    "
          f"ratio {ratio:.2f}  (target <= 1.2: {'PASS' if ratio <= 1.2 else 'FAIL'})")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not Path(tool("oxigraph")).exists() and not shutil.which("oxigraph"):
        sys.exit("the oxigraph CLI is missing: pip install oxigraph")
    with tempfile.TemporaryDirectory() as tmp:
        bench_query(Path(tmp), args.runs)
        if LUBM.is_dir():
            bench_build(Path(tmp), max(3, args.runs // 3))
        else:
            print(f"build  skipped: {LUBM} is absent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
