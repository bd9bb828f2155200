"""Benchmark `seccoop build --force` of a LUBM project against the bare `reasonable` closure.

    python bench/bench_build.py [--scale 1|5|10] [--runs N]

Both sides run as whole processes (interpreter start and imports included), interleaved so
that machine noise hits both alike; the median wall times of ``--runs`` runs are compared
(the best times too, for a machine shared with other work):

* seccoop:    ``seccoop --project P --store S build --force`` of a project holding
              ontology/univ-bench.ttl and data/lubm<scale>.ttl.gz (load, OWL 2 RL closure,
              consistency check, inferred graph written back, manifest);
* reasonable: a Python process that runs ``reasonable.PyReasoner`` load_file on the two files
              (the data decompressed beforehand, as load_file needs) and ``reason()``.

Target: seccoop <= 1.5x reasonable.  Uses ../shared/lubm (relative to the repository root).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
TARGET = 1.5
BARE = ("import sys, reasonable; r = reasonable.PyReasoner(); r.load_file(sys.argv[1]); "
        "r.load_file(sys.argv[2]); print(len(r.reason()))")


def seccoop() -> list[str]:
    """The console script beside this interpreter (as users run it), else ``python -m``."""
    beside = Path(sys.executable).parent / "seccoop"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "seccoop"]


def make_project(work: Path, scale: int) -> tuple[Path, Path]:
    """The LUBM project (gzipped data, as a user would keep it) and the plain Turtle copy."""
    project = work / f"lubm{scale}"
    (project / "ontology").mkdir(parents=True)
    (project / "data").mkdir()
    shutil.copy(LUBM / "univ-bench.ttl", project / "ontology" / "univ-bench.ttl")
    shutil.copy(LUBM / f"lubm{scale}.ttl.gz", project / "data" / f"lubm{scale}.ttl.gz")
    plain = work / f"lubm{scale}.ttl"
    with gzip.open(LUBM / f"lubm{scale}.ttl.gz", "rb") as src, open(plain, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return project, plain


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, choices=(1, 5, 10))
    parser.add_argument("--runs", type=int, default=7, help="runs per side (median)")
    args = parser.parse_args()
    if not LUBM.is_dir():
        raise SystemExit(f"{LUBM} is absent: the LUBM data lives in ../shared/lubm")
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        project, plain = make_project(Path(tmp), args.scale)
        ours = [*seccoop(), "--project", str(project), "--store", str(Path(tmp) / "store"),
                "build", "--force"]
        theirs = [sys.executable, "-c", BARE, str(project / "ontology" / "univ-bench.ttl"),
                  str(plain)]
        timed(ours), timed(theirs)  # warm the page cache and the store directory
        mine, other, last = [], [], ""
        for _ in range(args.runs):
            seconds, last = timed(ours)
            mine.append(seconds)
            other.append(timed(theirs)[0])
    return report(args.scale, mine, other, last)


def report(scale: int, mine: list[float], other: list[float], output: str) -> int:
    ratio = statistics.median(mine) / statistics.median(other)
    best = min(mine) / min(other)
    summary = next((line for line in output.splitlines() if line.startswith("built ")), "")
    print(f"LUBM({scale}), whole processes, {len(mine)} interleaved runs each")
    for name, runs in (("seccoop build --force", mine), ("reasonable load_file + reason()", other)):
        print(f"  {name:<32} median {statistics.median(runs):6.2f} s  best {min(runs):6.2f} s"
              f"  (runs: {', '.join(f'{s:.2f}' for s in runs)})")
    print(f"  {summary.split(':')[0]}")
    ok = ratio <= TARGET
    print(f"  {'PASS' if ok else 'FAIL'}  build / bare closure = {ratio:.2f}x by median, "
          f"{best:.2f}x by best (target <= {TARGET}x by median)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
