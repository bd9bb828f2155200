"""Benchmark: `seccoop export` of LUBM(10) against `oxigraph dump` of the same store.

    python bench/bench_export.py [--repeat 3] [--keep DIR]

LUBM(10) (../shared/lubm beside the checkout) is laid out as a project (ontology/univ-bench.ttl,
data/lubm10.ttl.gz) and built once WITHOUT reasoning (`seccoop build --no-reasoning`: the
benchmark measures export, not the closure). Then, alternating runs to share the machine's
noise fairly, each tool writes N-Triples and Turtle to a file:

  ours:     seccoop export --format ntriples|turtle -o FILE     (the union of all graphs,
            deduplicated, canonical blank nodes; LUBM's shape takes the fast path: the big
            data graph in the store's order after the sorted ontology). The "(sorted)" rows
            force the general path (everything through the external sort), for information.
  oxigraph: oxigraph dump --graph G --format nt|ttl, once per named graph (N-Triples and
            Turtle hold one graph), the times summed

Wall time is the median of the runs; peak memory is the largest resident set of any process
of the run (our export and its `sort`, or oxigraph): getrusage of the children for ours,
/usr/bin/time for oxigraph when present. Targets: speed >= 0.8x oxigraph (our time <= 1.25x theirs)
and peak < 500 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
SPEED_TARGET = 0.8
MEMORY_TARGET_MIB = 500
FORMATS = (("ntriples", "nt"), ("turtle", "ttl"))


def make_project(root: Path) -> Path:
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(LUBM / "univ-bench.ttl", root / "ontology" / "univ-bench.ttl")
    shutil.copy(LUBM / "lubm10.ttl.gz", root / "data" / "lubm10.ttl.gz")
    return root


def seccoop(*args: str) -> list[str]:
    return [sys.executable, "-m", "seccoop", *args]


def measure(command: list[str], output: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of ``command`` (and its children)."""
    timer = shutil.which("time") and Path("/usr/bin/time").exists()
    report = Path(tempfile.mktemp(suffix=".time"))
    full = (["/usr/bin/time", "-f", "%M", "-o", str(report)] if timer else []) + command
    sink = open(output, "wb") if output else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    try:
        subprocess.run(full, check=True, stdout=sink)
    finally:
        if output:
            sink.close()
    seconds = time.perf_counter() - started
    if timer:
        peak_kib = int(report.read_text().split()[-1])
        report.unlink()
    else:
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_kib = peak_kib if peak_kib > before else before  # only a lower bound then
    return seconds, peak_kib / 1024


def ours(project: Path, store: Path, fmt: str, out: Path, general: bool = False
         ) -> tuple[float, float]:
    # /usr/bin/time reports the peak of the process it runs; sort is a child of ours, so
    # we also record the children's peak inside a wrapper.
    wrapper = ("import resource, subprocess, sys;"
               "subprocess.run(sys.argv[1:], check=True);"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    command = [sys.executable, "-c", wrapper, *seccoop("--project", str(project), "--store",
                                                       str(store), "export", "--format", fmt,
                                                       "-o", str(out))]
    env = dict(os.environ, SECCOOP_EXPORT_FAST="0") if general else None
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    return seconds, int(result.stdout.split()[-1]) / 1024


def theirs(location: Path, graphs: list[str], ext: str, out: Path) -> tuple[float, float]:
    total, peak = 0.0, 0.0
    for index, graph in enumerate(graphs):
        seconds, mib = measure(["oxigraph", "dump", "--location", str(location), "--format", ext,
                                "--graph", graph], out.with_suffix(f".{index}.{ext}"))
        total, peak = total + seconds, max(peak, mib)
    return total, peak


def row(project, store, location, graphs, work, fmt, ext, repeat, general) -> bool:
    """One line of the table; the general path (fast path off) is shown for information."""
    mine, other, peaks, their_peaks = [], [], [], []
    for _ in range(repeat):
        seconds, mib = ours(project, store, fmt, work / f"ours.{ext}", general)
        mine.append(seconds)
        peaks.append(mib)
        seconds, their_mib = theirs(location, graphs, ext, work / f"theirs.{ext}")
        other.append(seconds)
        their_peaks.append(their_mib)
    ours_s, theirs_s = statistics.median(mine), statistics.median(other)
    speed, peak = theirs_s / ours_s, max(peaks)
    passed = speed >= SPEED_TARGET and peak < MEMORY_TARGET_MIB
    name = fmt + (" (sorted)" if general else "")
    verdict = "PASS" if passed else "FAIL"
    print(f"{name:19} {ours_s:8.2f} {theirs_s:11.2f} {speed:6.2f}x {peak:9.0f} "
          f"{max(their_peaks):13.0f}  {verdict + (' (info)' if general else '')}", flush=True)
    return passed or general


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="Work in DIR (kept) instead of a temp dir.")
    args = parser.parse_args()
    if not (LUBM / "lubm10.ttl.gz").exists():
        print(f"skip: {LUBM} is absent")
        return 0
    if shutil.which("oxigraph") is None:
        print("skip: the oxigraph CLI is not installed (pip install oxigraph)")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(work, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, repeat: int) -> int:
    project, store = work / "project", work / "store"
    if not project.exists():
        make_project(project)
    started = time.perf_counter()
    subprocess.run(seccoop("--project", str(project), "--store", str(store), "build",
                           "--no-reasoning"), check=True, stdout=subprocess.DEVNULL)
    print(f"built LUBM(10) without reasoning in {time.perf_counter() - started:.1f} s")
    location = (store / "current").resolve() / "oxigraph"
    manifest = json.loads(((store / "current").resolve() / "manifest.json").read_text())
    graphs = sorted(manifest["graphs"])
    print(f"{sum(manifest['graphs'].values()):,} triples in {len(graphs)} graphs\n")
    ok = True
    print(f"{'format':19} {'ours s':>8} {'oxigraph s':>11} {'speed':>7} {'ours MiB':>9} "
          f"{'oxigraph MiB':>13}  verdict")
    for fmt, ext in FORMATS:
        for general in (False, True):
            ok &= row(project, store, location, graphs, work, fmt, ext, repeat, general)
    print(f"\ntargets: speed >= {SPEED_TARGET}x oxigraph dump, peak < {MEMORY_TARGET_MIB} MiB "
          f"(largest process of the export, `sort` included); runs: {repeat} each, medians.\n"
          "(sorted) rows: the general path (SECCOOP_EXPORT_FAST=0: global sort, no fast path),\n"
          "for information; the verdict is on the default export.")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
