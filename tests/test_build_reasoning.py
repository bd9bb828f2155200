"""The build reasons once: one closure feeds the inferred graph and the consistency check.

The engine is real; the tests only count its runs (a spy around ``Closure.run``) and
whether each run kept derivation records.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from seccoop import INFERRED_GRAPH_IRI
from seccoop.project import find_project
from seccoop.reasoning import materialise
from seccoop.rules import Closure
from seccoop.store import InconsistentGraphError, build

SOURCE = Path(__file__).parent / "data" / "inconsistent-project"
CLASH = "sc:Treaty , sc:Organisation"


@pytest.fixture
def engine_runs(monkeypatch) -> list[bool]:
    """One entry per engine run during the test: True when the run recorded derivations."""
    runs: list[bool] = []
    real_run = Closure.run

    def counted(self: Closure) -> None:
        runs.append(self.why is not None)
        real_run(self)

    monkeypatch.setattr(Closure, "run", counted)
    return runs


def _project(tmp_path: Path, consistent: bool) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SOURCE, root)
    facts = root / "data" / "facts.ttl"
    text = facts.read_text()
    assert CLASH in text  # the clash the inconsistent variant keeps
    if consistent:
        facts.write_text(text.replace(CLASH, "sc:Treaty"))
    return root


def _inferred(build_dir: Path) -> set[str]:
    store = ox.Store.read_only(str(build_dir / "oxigraph"))
    graph = ox.NamedNode(INFERRED_GRAPH_IRI)
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, graph)}


def _expected_inferred(root: Path) -> set[str]:
    """The inferred graph as materialise writes it for the same files in a memory store."""
    project = find_project(root)
    store = ox.Store()
    for path in project.source_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(project.graph_iri(path)))
    materialise(store)
    graph = ox.NamedNode(INFERRED_GRAPH_IRI)
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, graph)}


def test_a_consistent_build_runs_the_engine_once_without_records(tmp_path, engine_runs):
    root = _project(tmp_path, consistent=True)
    report = build(find_project(root), tmp_path / "store", force=True)
    assert engine_runs == [False]
    assert report.reasoned and report.inconsistencies == []
    engine_runs.clear()
    inferred = _inferred(report.path)
    expected = _expected_inferred(root)
    # Blank-node free project: the same triples, whichever store computed them.
    assert inferred == expected and report.inferred == len(inferred) > 0
    assert ("<https://w3id.org/seccoop/id/good-neighbour-treaty> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/seccoop/ontology#Agreement>") in inferred


def test_a_clash_reruns_the_engine_once_with_records_to_explain_it(tmp_path, engine_runs):
    root = _project(tmp_path, consistent=False)
    report = build(find_project(root), tmp_path / "store", force=True, allow_inconsistent=True)
    assert engine_runs == [False, True]
    (problem,) = report.inconsistencies
    assert problem.kind == "cax-dw"
    texts = {text for per_triple in problem.sources for _, text in per_triple}
    # Both source sentences of the clash, reached through the recorded derivations.
    assert "The member states concluded the Treaty on Good-Neighbourliness." in texts
    assert any("deliberate error" in text for text in texts)
    inferred_by = {e.rule for e in problem.explanations if e.status == "inferred"}
    assert inferred_by == {"cax-sco"}


def test_a_refused_build_also_reasons_at_most_twice(tmp_path, engine_runs):
    root = _project(tmp_path, consistent=False)
    with pytest.raises(InconsistentGraphError):
        build(find_project(root), tmp_path / "store", force=True)
    assert engine_runs == [False, True]
