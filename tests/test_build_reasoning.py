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

    def counted(self: Closure, progress=None) -> None:
        runs.append(self.why is not None)
        real_run(self, progress)

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


# ----- the reasoner reads unchanged triple files instead of dumping the on-disk store -------
ODD_LITERALS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://w3id.org/seccoop/id/> .
:x :p "01"^^xsd:integer, "1"^^xsd:integer, "+1"^^xsd:int, "1.0"^^xsd:double, "1e0"^^xsd:double,
    "1.50"^^xsd:decimal, "1"^^xsd:boolean, "a"@EN-us, "caf\\u00e9", "tab\\there", '''two
lines''', "2008-01-01T00:00:00+00:00"^^xsd:dateTime, "abc"^^<rel>, 1, 1.0, 1e0, true,
    "x"^^xsd:string, "bad"^^xsd:integer, "-0"^^xsd:integer .
<rel#x> <http://example.org/\\u00e9> :x .
"""


def test_stored_ntriples_is_what_the_store_dumps():
    from seccoop.reasoning import stored_ntriples

    base = "https://w3id.org/seccoop/graph/data/odd.ttl"
    store = ox.Store()
    store.load(ODD_LITERALS.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(base),
               base_iri=base)
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(base)).decode()
    reread = stored_ntriples(ODD_LITERALS.encode(), ox.RdfFormat.TURTLE, base)
    assert reread is not None and '"01"' not in reread  # canonicalised, as the store does
    assert sorted(reread.splitlines()) == sorted(dumped.splitlines())
    assert stored_ntriples(b"[] <urn:p> <urn:o> .", ox.RdfFormat.TURTLE, base) is None


MIXED_ONTOLOGY = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sc:count rdfs:subPropertyOf sc:amount .
sc:HasPartner owl:onProperty sc:partner ; owl:someValuesFrom owl:Thing .
sc:partnerOf owl:inverseOf sc:partner .
"""
MIXED_DATA = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix scr: <https://w3id.org/seccoop/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
scr:a sc:count "01"^^xsd:integer, "2.50"^^xsd:decimal ; sc:partner scr:b .
"""
MIXED_BLANK = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
[] sc:partner [ sc:count "3"^^<http://www.w3.org/2001/XMLSchema#integer> ] .
"""


def _mixed_project(tmp_path: Path) -> Path:
    root = tmp_path / "mixed"
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "ontology" / "core.ttl").write_text(MIXED_ONTOLOGY)
    (root / "data" / "facts.ttl").write_text(MIXED_DATA)
    (root / "data" / "blank.ttl").write_text(MIXED_BLANK)
    return root


def _closure_of(build_dir: Path) -> tuple[set[str], set[str]]:
    """The inferred triples, and the blank nodes of inferred triples absent from the asserted."""
    store = ox.Store.read_only(str(build_dir / "oxigraph"))
    graph = ox.NamedNode(INFERRED_GRAPH_IRI)
    inferred = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    asserted = {term for q in store for term in (q.subject, q.object) if q.graph_name != graph}
    strays = {str(t) for triple in inferred for t in (triple.subject, triple.object)
              if isinstance(t, ox.BlankNode) and t not in asserted}
    return {str(t) for t in inferred}, strays


def test_rereading_files_gives_the_closure_of_the_stored_triples(tmp_path):
    root = _mixed_project(tmp_path)
    report = build(find_project(root), tmp_path / "store", force=True)
    inferred, strays = _closure_of(report.path)
    assert strays == set()  # blank nodes of the closure are the store's own
    amount = "<https://w3id.org/seccoop/ontology#amount>"
    a = "<https://w3id.org/seccoop/id/a>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    # Literals in the store's canonical form, as the asserted triples hold them.
    assert f'{a} {amount} "1"^^<{xsd}integer>' in inferred
    assert f'{a} {amount} "2.5"^^<{xsd}decimal>' in inferred
    assert not any('"01"' in t or '"2.50"' in t for t in inferred)
    assert sum(1 for t in inferred if t.startswith("_:") and amount in t) == 1
    expected = _expected_inferred(root)
    no_blank = {t for t in inferred if "_:" not in t}
    assert no_blank == {t for t in expected if "_:" not in t}
    assert len(inferred) == len(expected)


def test_a_file_changed_after_loading_is_not_reread(tmp_path, monkeypatch):
    from seccoop import reasoning

    root = _mixed_project(tmp_path)
    facts = root / "data" / "facts.ttl"
    real = reasoning.load_closure

    def edit_then_reason(*args, **kwargs):
        # Between loading and reasoning: the file now says more than the store holds.
        facts.write_text(MIXED_DATA + "scr:c sc:count 7 .\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(reasoning, "load_closure", edit_then_reason)
    report = build(find_project(root), tmp_path / "store", force=True)
    inferred, _ = _closure_of(report.path)
    assert not any("/id/c>" in t for t in inferred)  # the closure is of what was loaded
    assert any("/id/a>" in t for t in inferred)


def test_every_vocabulary_id_of_the_engine_is_declared():
    """The vocabulary ids set in ``Closure.__init__`` are the ones declared for type checkers."""
    set_by_init = {name for name in vars(Closure()) if name.isupper()}
    declared = {name for name in Closure.__annotations__ if name.isupper()}
    assert set_by_init == declared and {"TYPE", "SAME", "MAXQC"} <= declared
