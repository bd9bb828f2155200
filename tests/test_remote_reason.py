"""Reasoning pushed down into the engine (OWL 2 RL rules as SPARQL Update, in rounds to a
fixpoint) gives the inferred graph the embedded engine writes, triple for triple, on the
project and on LUBM(1), in Oxigraph server and in Virtuoso; and the 14 LUBM queries then
answer with the official reference counts.

Each engine is started here, not shared with the other remote tests: LUBM(1) replaces the
project's graphs on it."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import shared_path

BLANK = re.compile(r"_:\S+")


def _multiset(lines) -> Counter:
    """Triples as text, blank node labels blanked (each store names its own)."""
    return Counter(BLANK.sub("_:b", " ".join(line.split())) for line in lines)


def _embedded(store: ox.Store, graph: str) -> Counter:
    return _multiset(f"{q.subject} {q.predicate} {q.object}"
                     for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _remote(remote, graph: str) -> Counter:
    return _multiset(line.decode().rstrip().rstrip(".")
                     for line in remote.graph_triples(graph).splitlines() if line.strip())


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request, tmp_path_factory):
    from engines import STARTERS

    running = STARTERS[request.param](tmp_path_factory.mktemp(f"pushdown-{request.param}"))
    yield running
    running.stop()


def _publish_and_reason(engine, store: ox.Store, store_dir: Path):
    from seccoop.publish import publish
    from seccoop.pushdown import reason_remotely
    from seccoop.store import current_build

    remote = engine.remote(timeout=600)
    publish(store, current_build(store_dir).name, remote)
    published = remote.catalog(fresh=True).graphs
    inferred = next(g for g in published if g.endswith("/inferred"))
    remote.update(f"DROP SILENT GRAPH <{inferred}>")  # nothing of the embedded closure is left
    assert remote.counts([inferred])[inferred] == 0
    lines: list[str] = []
    report = reason_remotely(remote, say=lines.append)
    return remote, report, inferred, lines


def _check_closure(remote, report, store: ox.Store, inferred: str, at_least: int) -> None:
    here = _embedded(store, inferred)
    assert sum(here.values()) > at_least
    there = _remote(remote, inferred)
    missing, extra = here - there, there - here
    assert not missing and not extra, (
        f"{sum(missing.values())} missing, e.g. {list(missing)[:3]}; "
        f"{sum(extra.values())} extra, e.g. {list(extra)[:3]}")
    assert report.inferred == sum(here.values())
    assert report.per_round[-1] == 0 and report.rounds >= 2  # it ran to a fixpoint
    catalog = remote.catalog(fresh=True)
    assert catalog.graphs[inferred] == report.inferred
    assert remote.staging_graphs() == []  # the working and staging graphs are gone


def test_pushdown_closure_equals_the_embedded_one_on_the_project(engine, store, store_dir):
    remote, report, inferred, lines = _publish_and_reason(engine, store, store_dir)
    _check_closure(remote, report, store, inferred, at_least=1000)
    assert any(line.startswith("round 1:") for line in lines)  # progress, round by round


@pytest.fixture(scope="module")
def lubm1(tmp_path_factory):
    """LUBM(1) laid out as a project and built with the embedded engine."""
    from seccoop.project import find_project
    from seccoop.store import build, open_store

    lubm = shared_path("lubm")
    root = tmp_path_factory.mktemp("lubm1")
    (root / "ontology").mkdir()
    (root / "data").mkdir()
    shutil.copy(lubm / "univ-bench.ttl", root / "ontology" / "univ-bench.ttl")
    shutil.copy(lubm / "lubm1.ttl.gz", root / "data" / "lubm1.ttl.gz")
    store_dir = root / "store"
    project = find_project(root)
    build(project, store_dir)
    return open_store(project, store_dir, auto_build=False), store_dir, lubm


def test_pushdown_closure_equals_the_embedded_one_on_lubm1(engine, lubm1):
    from seccoop.queries import run_query

    store, store_dir, lubm = lubm1
    remote, report, inferred, _ = _publish_and_reason(engine, store, store_dir)
    _check_closure(remote, report, store, inferred, at_least=40_000)
    # the 14 LUBM queries on the engine's own closure: the official LUBM(1) answers
    reference = json.loads((lubm / "answers" / "reference_counts.json").read_text())
    for n in range(1, 15):
        text = (lubm / "queries" / f"q{n}.rq").read_text()
        rows = {tuple(str(term.value) for term in row) for row in run_query(remote, text).value}
        lines = (lubm / "answers" / f"answers_query{n}.csv").read_text().splitlines()[1:]
        official = {tuple(cells) for cells in csv.reader(lines) if cells != ["NO ANSWERS."]}
        assert len(rows) == reference[f"Q{n}"], f"Q{n}"
        assert rows == official, f"Q{n}"
