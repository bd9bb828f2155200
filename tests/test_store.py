"""The store: one graph per file, content-hash rebuilds, atomic swaps that survive failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import make_project
from seccoop import GRAPH_BASE, INFERRED_GRAPH_IRI
from seccoop.project import find_project
from seccoop.store import (SourceError, build, current_build, is_fresh, open_store,
                           resolve, ResolveError)

MEMBERS = "SELECT ?m WHERE { scr:sco sc:hasMember ?m } ORDER BY ?m"


def members(store) -> list[str]:
    from seccoop.queries import run_query

    return [row["m"].value for row in run_query(store, MEMBERS).value]


@pytest.fixture
def proj(tmp_path):
    return find_project(make_project(tmp_path / "project"))


def test_one_named_graph_per_file_and_a_reserved_inferred_graph(proj, tmp_path):
    build(proj, tmp_path / "store", reason=False)
    store = open_store(proj, tmp_path / "store", auto_build=False)
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {GRAPH_BASE + "ontology/core.ttl", GRAPH_BASE + "data/facts.ttl",
                      INFERRED_GRAPH_IRI}
    # Users can ask which file a triple came from.
    rows = list(store.query("SELECT ?g WHERE { GRAPH ?g { scr:sco sc:hasMember scr:china } }",
                            prefixes={"sc": "https://w3id.org/seccoop/ontology#",
                                      "scr": "https://w3id.org/seccoop/id/"}))
    assert [r["g"].value for r in rows] == [GRAPH_BASE + "data/facts.ttl"]


def test_unchanged_sources_open_without_rebuilding(proj, tmp_path):
    first = build(proj, tmp_path / "store")
    assert first.rebuilt
    again = build(proj, tmp_path / "store")
    assert not again.rebuilt and again.path == first.path
    # A touched file with the same content is still fresh: the content hash decides.
    facts = proj.data_dir / "facts.ttl"
    os.utime(facts, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert is_fresh(proj, tmp_path / "store")
    started = time.perf_counter()
    store = open_store(proj, tmp_path / "store")
    assert time.perf_counter() - started < 0.5
    assert current_build(tmp_path / "store") == first.path
    assert len(members(store)) == 2


def test_a_changed_source_triggers_a_rebuild(proj, tmp_path):
    first = build(proj, tmp_path / "store")
    facts = proj.data_dir / "facts.ttl"
    facts.write_text(facts.read_text() + "scr:sco sc:hasMember scr:kazakhstan .\n")
    assert not is_fresh(proj, tmp_path / "store")
    store = open_store(proj, tmp_path / "store")
    assert current_build(tmp_path / "store") != first.path
    assert "https://w3id.org/seccoop/id/kazakhstan" in members(store)


def test_malformed_turtle_names_file_line_column_and_keeps_the_old_store(proj, tmp_path):
    build(proj, tmp_path / "store")
    before = current_build(tmp_path / "store")
    facts = proj.data_dir / "facts.ttl"
    facts.write_text(facts.read_text() + "scr:sco sc:hasMember \n scr:x scr:y .\n")
    with pytest.raises(SourceError) as caught:
        build(proj, tmp_path / "store")
    error = caught.value
    assert error.file.endswith("data/facts.ttl")
    assert (error.line, error.column) == (len(facts.read_text().splitlines()), 8)
    assert str(error).startswith(f"{error.file}:{error.line}:{error.column}: ")
    assert current_build(tmp_path / "store") == before
    assert not list((tmp_path / "store").glob("tmp-*"))
    store = open_store(proj, tmp_path / "store", auto_build=False)
    assert len(members(store)) == 2


def _big_file(path: Path, triples: int) -> None:
    with open(path, "w") as out:
        for i in range(triples):
            out.write(f"<https://w3id.org/seccoop/id/x{i}> <https://w3id.org/seccoop/id/p> "
                      f"\"value number {i} with some padding text\" .\n")


def test_a_killed_build_leaves_the_previous_store_answering(proj, tmp_path):
    store_dir = tmp_path / "store"
    build(proj, store_dir)
    before = current_build(store_dir)
    _big_file(proj.data_dir / "big.nt", 600_000)
    code = ("import sys; from seccoop.project import find_project; from seccoop.store import build;"
            f"build(find_project({str(proj.root)!r}), {str(store_dir)!r}, reason=False)")
    child = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not list(store_dir.glob("tmp-*/oxigraph")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert child.poll() is None, "the build finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert current_build(store_dir) == before
    store = open_store(proj, store_dir, auto_build=False)
    assert len(members(store)) == 2
    # The next build clears the debris and succeeds.
    report = build(proj, store_dir, reason=False)
    assert report.rebuilt and not list(store_dir.glob("tmp-*"))


def test_resolve_by_iri_prefixed_name_label_and_alt_label(proj, tmp_path):
    store = open_store(proj, tmp_path / "store")
    sco = "https://w3id.org/seccoop/id/sco"
    assert resolve(store, f"<{sco}>").value == sco
    assert resolve(store, sco).value == sco
    assert resolve(store, "scr:sco").value == sco
    assert resolve(store, "shanghai COOPERATION organization").value == sco
    assert resolve(store, "sco").value == sco
    with pytest.raises(ResolveError) as ambiguous:
        resolve(store, "georgia")
    assert [iri for iri, _ in ambiguous.value.candidates] == [
        "https://w3id.org/seccoop/id/georgia-place", "https://w3id.org/seccoop/id/georgia-state"]
    with pytest.raises(ResolveError):
        resolve(store, "atlantis")


def test_an_inconsistent_closure_is_refused_and_the_previous_store_kept(tmp_path):
    """`build` will not swap in an inconsistent store unless told to; `reason` exits 1."""
    import shutil

    from cli_helpers import run
    from seccoop.store import InconsistentGraphError

    source = Path(__file__).parent / "data" / "inconsistent-project"
    root = tmp_path / "project"
    shutil.copytree(source, root)
    clash = root / "data" / "facts.ttl"
    broken = clash.read_text()
    clash.write_text(broken.replace(", sc:Organisation", ""))  # consistent to start with
    store_dir = tmp_path / "store"
    assert run(root, store_dir, "build").exit_code == 0
    before = current_build(store_dir)
    query = "SELECT ?t WHERE { ?t a sc:Agreement }"
    answer = run(root, store_dir, "query", query, "-f", "csv").stdout

    clash.write_text(broken)
    with pytest.raises(InconsistentGraphError):
        build(find_project(root), store_dir)
    assert current_build(store_dir) == before and not list(store_dir.glob("tmp-*"))
    refused = run(root, store_dir, "reason")
    assert refused.exit_code == 1
    assert "Treaty on Good-Neighbourliness" in refused.stderr and "previous store was kept" in refused.stderr
    assert current_build(store_dir) == before
    assert run(root, store_dir, "query", query, "-f", "csv").stdout == answer

    allowed = run(root, store_dir, "build", "--allow-inconsistent")
    assert allowed.exit_code == 0 and "inconsistent" in allowed.stderr
    assert current_build(store_dir) != before


def test_large_inputs_report_progress_up_to_the_total(proj, tmp_path):
    import gzip

    lines = "".join(f"<https://w3id.org/seccoop/id/x{i}> <https://w3id.org/seccoop/id/p> "
                    f"\"{i:08d} {'abcdefgh' * (i % 7)}\" .\n" for i in range(200_000))
    big = proj.data_dir / "big.nt.gz"
    big.write_bytes(gzip.compress(lines.encode()))
    seen: list[tuple[int, int, str]] = []
    report = build(proj, tmp_path / "store",
                   progress=lambda done, total, phase: seen.append((done, total, phase)))
    assert report.graphs[GRAPH_BASE + "data/big.nt.gz"] == 200_000
    loading = [(done, total) for done, total, phase in seen if phase == "loading"]
    total = loading[-1][1]
    assert total > 8_000_000  # large enough for the bar, though the file is small on disk
    positions = [done for done, _ in loading]
    assert positions == sorted(positions) and positions[-1] == total
    assert len(set(positions)) > 3  # reported while reading, not only per file
    # Every phase after loading reports too, in order, each up to its own total.
    phases = list(dict.fromkeys(phase for _, _, phase in seen))
    assert phases == ["loading", "reading for reasoning", "reasoning", "writing inferences",
                      "checking consistency"], phases
    for name in phases[2:]:
        done, total, _ = [entry for entry in seen if entry[2] == name][-1]
        assert done == total > 0, (name, done, total)
    reasoning = [done for done, _, phase in seen if phase == "reasoning"]
    assert reasoning[-1] >= 200_000  # every asserted triple went through the engine


def test_build_or_reuse_reports_a_failed_rebuild_and_keeps_the_previous(tmp_path):
    """The one build-or-reuse function of the CLI and the server: a malformed file keeps
    the previous build answering and is reported to the caller, never swallowed; without
    a previous build it raises; a bug (not a SeccoopError) always propagates."""
    from seccoop.errors import SourceError
    from seccoop.project import find_project
    from seccoop.store import build_or_reuse

    root = make_project(tmp_path / "p")
    project, store_dir = find_project(root), tmp_path / "s"
    first = build_or_reuse(project, store_dir)
    with open(root / "data" / "facts.ttl", "a") as data:
        data.write("\nscr:broken sc:hasMember .\n")
    reported = []
    assert build_or_reuse(project, store_dir, on_stale=reported.append) == first
    assert len(reported) == 1 and isinstance(reported[0], SourceError)
    assert "facts.ttl" in str(reported[0])
    with pytest.raises(SourceError):
        build_or_reuse(project, tmp_path / "empty-store", on_stale=reported.append)
    with pytest.raises(SourceError):
        build_or_reuse(project, store_dir)  # no on_stale: the caller wants to know
