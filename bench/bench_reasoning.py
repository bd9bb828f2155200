"""Benchmark OWL 2 RL materialisation on LUBM, side by side with reasonable and owlrl.

    python bench/bench_reasoning.py [--scale 1|5|10] [--skip-owlrl] [--repeat N]

Uses ../shared/lubm (relative to the repository root).  Each contender runs in its own
child process, which reports its wall time and its own peak RSS (ru_maxrss):

* ours:       store -> closure -> store (seccoop.reasoning.materialise on an on-disk store
              loaded beforehand; the load is not timed), then the 14 LUBM queries against
              the materialised store, compared with the reference answers (LUBM(1) only);
* reasonable: the bare closure from files (load_file of the Turtle files + reason());
* owlrl:      the bare closure of an rdflib graph (scale 1 only; --skip-owlrl to skip).

Prints the ratios ours / reasonable for time and memory and PASS/FAIL per target:
time <= 1.5x reasonable, LUBM(10) peak < 8 GiB, all 14 answers exact.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LUBM = REPO.parent / "shared" / "lubm"
ONTOLOGY = LUBM / "univ-bench.ttl"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _data_file(scale: int, workdir: Path) -> Path:
    """LUBM(scale) decompressed to Turtle once per run (reasonable.load_file wants a file)."""
    target = workdir / f"lubm{scale}.ttl"
    if not target.exists():
        with gzip.open(LUBM / f"lubm{scale}.ttl.gz", "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return target


# ----- children -------------------------------------------------------------------------------
def child_ours(scale: int, workdir: Path) -> dict:
    sys.path.insert(0, str(REPO / "src"))
    import pyoxigraph as ox

    from seccoop.reasoning import materialise

    store = ox.Store(tempfile.mkdtemp(dir=workdir))
    graph = "https://w3id.org/seccoop/graph/"
    store.bulk_load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(graph + "ontology/univ-bench.ttl"))
    store.bulk_load(path=str(_data_file(scale, workdir)), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(graph + f"data/lubm{scale}.ttl"))
    start = time.perf_counter()
    inferred = materialise(store)
    seconds = time.perf_counter() - start
    peak = _peak_mib()
    return {"seconds": seconds, "peak_mib": peak, "inferred": inferred,
            "queries": run_queries(store, check=scale == 1)}


def run_queries(store, check: bool) -> dict:
    """Rows of each LUBM query over asserted + inferred, and whether they equal the answers."""
    results = {}
    for n in range(1, 15):
        text = (LUBM / "queries" / f"q{n}.rq").read_text()
        solutions = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = {tuple(sol[v].value for v in names) for sol in solutions}
        entry = {"rows": len(rows)}
        if check:
            with open(LUBM / "answers" / f"answers_query{n}.csv", newline="", encoding="utf-8-sig") as f:
                reader = csv.reader(f)
                header = [h.strip() for h in next(reader)]
                expected = {tuple(r) for r in reader if r}
            if header == ["NO ANSWERS."]:  # the file's way of saying: zero rows
                expected = set()
            else:
                order = [header.index(v) for v in names]
                expected = {tuple(r[i] for i in order) for r in expected}
            entry.update(expected=len(expected), exact=rows == expected)
        results[f"Q{n}"] = entry
    return results


def child_reasonable(scale: int, workdir: Path) -> dict:
    import reasonable

    data = _data_file(scale, workdir)
    start = time.perf_counter()
    reasoner = reasonable.PyReasoner()
    reasoner.load_file(str(ONTOLOGY))
    reasoner.load_file(str(data))
    triples = reasoner.reason()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": _peak_mib(), "closure": len(triples)}


def child_owlrl(scale: int, workdir: Path) -> dict:
    import owlrl
    import rdflib

    graph = rdflib.Graph()
    start = time.perf_counter()
    graph.parse(str(ONTOLOGY), format="turtle")
    graph.parse(str(_data_file(scale, workdir)), format="turtle")
    size = len(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": _peak_mib(), "closure": len(graph), "input": size}


CHILDREN = {"ours": child_ours, "reasonable": child_reasonable, "owlrl": child_owlrl}


def spawn(name: str, scale: int, workdir: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", name, "--scale", str(scale),
                           "--workdir", str(workdir)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----- report ---------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, choices=(1, 5, 10))
    parser.add_argument("--skip-owlrl", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (median)")
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.scale, args.workdir)))
        return 0
    if not LUBM.exists():
        raise SystemExit(f"{LUBM} is absent: the LUBM data lives in ../shared/lubm")
    with tempfile.TemporaryDirectory(prefix="bench-reasoning-") as tmp:
        workdir = Path(tmp)
        _data_file(args.scale, workdir)
        names = ["reasonable", "ours"] + ([] if args.skip_owlrl or args.scale != 1 else ["owlrl"])
        runs = {n: [] for n in names}
        for _ in range(args.repeat):
            for name in names:  # interleaved, so that machine noise hits everyone alike
                runs[name].append(spawn(name, args.scale, workdir))
        results = {n: sorted(r, key=lambda x: x["seconds"])[len(r) // 2] for n, r in runs.items()}
    return report(args.scale, results)


def report(scale: int, results: dict) -> int:
    ours, base = results["ours"], results["reasonable"]
    print(f"LUBM({scale})")
    print(f"  {'contender':<40} {'time s':>8} {'peak MiB':>9}  triples")
    print(f"  {'ours: store -> closure -> store':<40} {ours['seconds']:>8.2f} {ours['peak_mib']:>9.0f}"
          f"  {ours['inferred']:,} inferred (trivia excluded)")
    print(f"  {'reasonable: bare closure from files':<40} {base['seconds']:>8.2f} {base['peak_mib']:>9.0f}"
          f"  {base['closure']:,} in closure (input + inferred + axioms)")
    if "owlrl" in results:
        o = results["owlrl"]
        print(f"  {'owlrl: bare closure (incl. parse)':<40} {o['seconds']:>8.2f} {o['peak_mib']:>9.0f}"
              f"  {o['closure'] - o['input']:,} added (incl. trivia)")
    time_ratio = ours["seconds"] / base["seconds"]
    mem_ratio = ours["peak_mib"] / base["peak_mib"]
    print(f"  ratio ours/reasonable: time {time_ratio:.2f}x, peak memory {mem_ratio:.2f}x")
    ok = True
    print(f"  {verdict(time_ratio <= 1.5)}  end to end <= 1.5x reasonable ({time_ratio:.2f}x)")
    ok &= time_ratio <= 1.5
    if scale == 10:
        under = ours["peak_mib"] < 8 * 1024
        print(f"  {verdict(under)}  LUBM(10) peak under 8 GiB ({ours['peak_mib'] / 1024:.2f} GiB)")
        ok &= under
    print("  queries:")
    for q, r in ours["queries"].items():
        if "exact" in r:
            print(f"    {q:<4} {r['rows']:>6} rows, reference {r['expected']:>6}: {verdict(r['exact'])}")
            ok &= r["exact"]
        else:
            print(f"    {q:<4} {r['rows']:>6} rows (reference answers exist for LUBM(1) only)")
    if scale == 1:
        exact = sum(r["exact"] for r in ours["queries"].values())
        print(f"  {verdict(exact == 14)}  {exact}/14 LUBM answers exact")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
