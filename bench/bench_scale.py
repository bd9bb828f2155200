"""Scale up: LUBM(N) end to end on the embedded store, checked against a second engine.

    python bench/bench_scale.py                 # LUBM(100): about 13.4 million triples
    python bench/bench_scale.py --scale 10      # a quicker look

LUBM(N) (../shared/lubm beside the checkout) is laid out as a project (ontology/univ-bench.ttl,
data/lubmN.ttl.gz) and, in one run:

1. ``seccoop build`` with reasoning, in its own process: wall time and the peak resident
   memory of the whole process tree (sampled every 0.2 s from /proc), against the target of
   at most 12 GiB (half of this 24 GiB machine).
2. The 14 LUBM queries on the built store (in-process, the union of all graphs): time and row
   count of each.
3. ``seccoop export -f nt`` of the closure: time and peak memory.
4. A second engine on the same closure: the export loaded by ``oxigraph load`` (the `oxigraph`
   package of the bench extra) and the 14 queries run by ``oxigraph query``; every count must
   equal ours. For LUBM(1) the official reference counts are checked too.

Then the remote part, on Virtuoso (Debian's virtuoso-opensource, started here on
127.0.0.1 with its own database folder) and LUBM(--remote-scale, default 10):

5. ``seccoop build`` of that scale on the embedded store, then ``seccoop publish``: time.
6. The inferred graph dropped on the engine, then pushdown reasoning (the OWL 2 RL rules as
   SPARQL Update, rounds to a fixpoint inside the engine): time and rounds; its closure must
   have the embedded closure's size.
7. The 14 queries on the engine: time and row count of each, equal to the embedded ones.

``--no-remote`` skips it. Exits 1 when a count differs or the peak passes the target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
MEMORY_TARGET_GIB = 12.0


def make_project(root: Path, scale: int) -> Path:
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(LUBM / "univ-bench.ttl", root / "ontology" / "univ-bench.ttl")
    (root / "data" / f"lubm{scale}.ttl.gz").symlink_to(LUBM / f"lubm{scale}.ttl.gz")
    return root


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run_measured(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak tree RSS in bytes and stderr of ``command``."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()))  # type: ignore
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.2)
    reader.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[0][-2000:]}")
    return time.perf_counter() - started, peak, errors[0]


def our_queries(store_dir: Path) -> dict[str, tuple[float, int]]:
    from seccoop.queries import run_query
    from seccoop.store import current_build
    import pyoxigraph as ox

    build = current_build(store_dir)
    assert build is not None
    store = ox.Store.read_only(str(build / "oxigraph"))
    results = {}
    for n in range(1, 15):
        text = (LUBM / "queries" / f"q{n}.rq").read_text()
        started = time.perf_counter()
        rows = sum(1 for _ in run_query(store, text).value)
        results[f"Q{n}"] = (time.perf_counter() - started, rows)
        print(f"Q{n:<3} {results[f'Q{n}'][0] * 1000:9.1f} ms  {rows:9,} rows", flush=True)
    return results


def oxigraph_counts(closure: Path, work: Path) -> dict[str, int]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    location = work / "oxigraph-store"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(closure)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts = {}
    for n in range(1, 15):
        out = subprocess.run([binary, "query", "--location", str(location), "--query-file",
                              str(LUBM / "queries" / f"q{n}.rq"), "--results-format", "tsv"],
                             check=True, capture_output=True).stdout
        counts[f"Q{n}"] = max(0, out.count(b"\n") - 1)  # the header line
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--built", type=Path, metavar="STORE",
                        help="skip the build: use this store, built from LUBM(--scale) already")
    parser.add_argument("--remote-scale", type=int, default=10,
                        help="LUBM scale of the Virtuoso part (default 10)")
    parser.add_argument("--no-remote", action="store_true", help="skip the Virtuoso part")
    args = parser.parse_args()
    if not (LUBM / f"lubm{args.scale}.ttl.gz").exists():
        raise SystemExit(f"{LUBM}/lubm{args.scale}.ttl.gz not found (../shared beside the checkout)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        ok = measure(work, args.scale, args.built) == 0
        if not args.no_remote:
            ok = measure_remote(work / "remote", args.remote_scale) == 0 and ok
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(work: Path, scale: int, built: Path | None = None) -> int:
    if built is None:
        project = make_project(work / "project", scale)
    else:  # the project it was built from, or the store would be stale and built again
        from seccoop.store import current_build, read_manifest

        build = current_build(built)
        assert build is not None, f"{built}: no build"
        project = Path(read_manifest(build)["project"])
    store_dir = built or work / "store"
    seccoop = [sys.executable, "-m", "seccoop", "--project", str(project), "--store", str(store_dir)]
    peak_gib = 0.0
    if built is None:
        seconds, peak, _ = run_measured([*seccoop, "build", "--force"])
        peak_gib = peak / 2**30
        print(f"LUBM({scale}) build with reasoning: {seconds:.0f} s, peak {peak_gib:.2f} GiB "
              f"(process tree; target <= {MEMORY_TARGET_GIB:g} GiB)", flush=True)
    else:
        print(f"LUBM({scale}): the store in {built} (no build measured)", flush=True)
    ours = our_queries(store_dir)
    closure = work / "closure.nt"
    export_seconds, export_peak, _ = run_measured([*seccoop, "export", "-f", "ntriples", "-o", str(closure)])
    print(f"export to N-Triples: {export_seconds:.0f} s, peak {export_peak / 2**20:.0f} MiB", flush=True)
    theirs = oxigraph_counts(closure, work)
    reference = (json.loads((LUBM / "answers" / "reference_counts.json").read_text())
                 if scale == 1 else {})
    same = True
    for name, (took, rows) in ours.items():
        expected = theirs[name]
        ok = rows == expected == reference.get(name, rows)
        same = same and ok
        print(f"{name:4} {took * 1000:9.1f} ms  {rows:9,} rows  oxigraph on the same closure "
              f"{expected:9,}  {'same' if ok else 'DIFFERENT'}")
    fits = peak_gib <= MEMORY_TARGET_GIB
    print(f"counts equal to the second engine: {'yes' if same else 'NO'}; "
          f"peak within target: {'yes' if fits else 'NO'}")
    return 0 if same and fits else 1


def measure_remote(work: Path, scale: int) -> int:
    """LUBM(scale) published to Virtuoso, reasoned there, and queried there."""
    sys.path.insert(0, str(REPO / "tests"))
    from engines import VIRTUOSO, start_virtuoso

    from seccoop.project import find_project
    from seccoop.publish import publish
    from seccoop.pushdown import reason_remotely
    from seccoop.queries import run_query
    from seccoop.store import build, current_build, open_store, read_manifest

    if not VIRTUOSO.exists():
        print(f"remote part skipped: {VIRTUOSO} absent (apt-get install virtuoso-opensource)")
        return 1
    project = find_project(make_project(work / "project", scale))
    store_dir = work / "store"
    started = time.perf_counter()
    build(project, store_dir)
    manifest = read_manifest(current_build(store_dir))
    print(f"\nLUBM({scale}) embedded build: {time.perf_counter() - started:.0f} s, "
          f"{sum(manifest['graphs'].values()):,} triples ({manifest['inferred']:,} inferred)")
    embedded = our_queries(store_dir)
    engine = start_virtuoso(work / "virtuoso", buffers=340000, query_mem="2G", max_seconds=3600,
                            after_image=2_000_000_000)
    try:
        remote = engine.remote(timeout=3600)
        report = publish(open_store(project, store_dir, auto_build=False),
                         current_build(store_dir).name, remote)
        print(f"publish to Virtuoso: {report.seconds:.0f} s, "
              f"{sum(report.graphs.values()):,} triples in {len(report.graphs)} graphs", flush=True)
        inferred = next(g for g in report.graphs if g.endswith("/inferred"))
        remote.update(f"DROP SILENT GRAPH <{inferred}>")
        pushed = reason_remotely(remote, say=lambda line: print("  " + line, flush=True))
        closure_ok = pushed.inferred == manifest["inferred"]
        print(f"pushdown reasoning in Virtuoso: {pushed.seconds:.0f} s, {pushed.rounds} rounds, "
              f"{pushed.inferred:,} inferred (embedded {manifest['inferred']:,}: "
              f"{'same' if closure_ok else 'DIFFERENT'})", flush=True)
        same = closure_ok
        for n in range(1, 15):
            text = (LUBM / "queries" / f"q{n}.rq").read_text()
            began = time.perf_counter()
            rows = sum(1 for _ in run_query(remote, text).value)
            took = time.perf_counter() - began
            ok = rows == embedded[f"Q{n}"][1]
            same = same and ok
            print(f"Q{n:<3} Virtuoso {took * 1000:9.1f} ms  {rows:9,} rows  embedded "
                  f"{embedded[f'Q{n}'][0] * 1000:9.1f} ms {embedded[f'Q{n}'][1]:9,} rows  "
                  f"{'same' if ok else 'DIFFERENT'}", flush=True)
    finally:
        engine.stop()
    print(f"Virtuoso counts equal to the embedded store: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
