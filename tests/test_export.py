"""seccoop export: every format round-trips through rdflib and pyoxigraph, byte-identically."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from seccoop.export import FORMATS, ExportError, export, select_graphs, serialize_triples
from seccoop.jsonld import context_for
from seccoop.project import find_project
from seccoop.store import INFERRED_GRAPH, build, open_store

ONTOLOGY = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/seccoop/ontology> a owl:Ontology ;
    owl:versionIRI <https://w3id.org/seccoop/ontology/9.9> .
sc:Dog a owl:Class ; rdfs:subClassOf sc:Animal ; rdfs:label "dog"@en .
sc:Animal a owl:Class ; rdfs:label "animal"@en .
sc:knows a owl:ObjectProperty ; rdfs:label "knows"@en .
sc:name a owl:DatatypeProperty .
sc:Pet owl:equivalentClass [ a owl:Restriction ; owl:onProperty sc:knows ;
    owl:someValuesFrom sc:Dog ] .
"""
DATA_A = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix scr: <https://w3id.org/seccoop/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
scr:rex a sc:Dog ; rdfs:label "Rex"@en , "Rex le chien"@fr , "Rex"@en-GB ;
    sc:name "R\\"ex\\"\\nsecond line, ünïcödé" ; sc:knows scr:ada ;
    sc:age 3 , "03"^^xsd:integer ; sc:good true ; sc:weight 12.5 ; sc:ratio 1.0e0 ;
    sc:born "2008-01-02"^^xsd:date ; sc:tags ( "a" "b" [ sc:name "nested" ] ) .
[] a rdf:Statement ; rdf:subject scr:rex ; rdf:predicate sc:knows ; rdf:object scr:ada ;
   prov:wasDerivedFrom scr:s1 .
[] a rdf:Statement ; rdf:subject scr:rex ; rdf:predicate sc:knows ; rdf:object scr:ada ;
   prov:wasDerivedFrom scr:s2 .
scr:s1 sc:text "Rex knows Ada."@en .
"""
DATA_B = """<https://w3id.org/seccoop/id/ada> <http://www.w3.org/2000/01/rdf-schema#label> "Ada"@en .
<https://w3id.org/seccoop/id/rex> <https://w3id.org/seccoop/ontology#knows> <https://w3id.org/seccoop/id/ada> .
_:x <https://w3id.org/seccoop/ontology#about> <https://w3id.org/seccoop/id/ada> .
"""  # noqa: E501 (N-Triples holds one statement per line: this data must stay long)

OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
      "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
      "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig",
          "jsonld": "json-ld", "rdfxml": "xml"}
QUADS = {"nquads", "trig"}


def make_project(root: Path) -> Path:
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "ontology" / "pets.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (root / "data" / "a.ttl").write_text(DATA_A, encoding="utf-8")
    (root / "data" / "b.nt").write_text(DATA_B, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("tiny"))
    store_dir = tmp_path_factory.mktemp("tiny-store")
    build(find_project(root), store_dir)
    return root, open_store(find_project(root), store_dir, auto_build=False)


def dump(store, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    export(store, out, fmt, **options)
    return out.getvalue()


def canonical(quads, as_triples: bool) -> ox.Dataset:
    if as_triples:
        quads = (ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def expected(store, fmt: str, inferred: bool) -> ox.Dataset:
    graphs = select_graphs(store, inferred=inferred)
    quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
    return canonical(quads, fmt not in QUADS)


def parsed_by_rdflib(data: bytes, fmt: str) -> ox.Dataset:
    import rdflib

    # rdflib rewrites lexical forms ("1"^^xsd:double -> "1.0") unless told not to.
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        return _parse_with_rdflib(data, fmt)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize


def _parse_with_rdflib(data: bytes, fmt: str) -> ox.Dataset:
    import rdflib

    if fmt in QUADS:
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB[fmt])
        text = dataset.serialize(format="nquads", encoding="utf-8")
        return canonical(ox.parse(text, format=ox.RdfFormat.N_QUADS), False)
    graph = rdflib.Graph().parse(data=data, format=RDFLIB[fmt])
    text = graph.serialize(format="nt", encoding="utf-8")
    return canonical(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), True)


@pytest.mark.parametrize("inferred", [True, False], ids=["with-inferred", "asserted"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_with_both_parsers(tiny, fmt, inferred):
    _, store = tiny
    data = dump(store, fmt, inferred=inferred)
    want = expected(store, fmt, inferred)
    assert len(want) > 40
    got_ox = canonical(ox.parse(data, format=OX[fmt]), fmt not in QUADS)
    assert got_ox == want, f"pyoxigraph reads back a different graph from {fmt}"
    assert parsed_by_rdflib(data, fmt) == want, f"rdflib reads back a different graph from {fmt}"


def test_inferred_graph_is_the_one_switch(tiny):
    _, store = tiny
    assert any(True for _ in store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
    with_inferred, asserted = dump(store, "nquads"), dump(store, "nquads", inferred=False)
    assert INFERRED_GRAPH.value.encode() in with_inferred
    assert INFERRED_GRAPH.value.encode() not in asserted
    assert b"<https://w3id.org/seccoop/id/rex> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           b"<https://w3id.org/seccoop/ontology#Animal>" in with_inferred


def test_exports_are_byte_identical_across_runs_and_builds(tiny, tmp_path):
    root, store = tiny
    other_dir = tmp_path / "other-store"
    build(find_project(root), other_dir, force=True)
    other = open_store(find_project(root), other_dir, auto_build=False)
    for fmt in FORMATS:
        first = dump(store, fmt)
        assert dump(store, fmt) == first, fmt
        assert dump(other, fmt) == first, f"{fmt} differs between two builds of the same input"
        assert dump(store, fmt, python_sort=True) == first, f"{fmt}: Python sort differs"


def test_output_is_sorted_deduplicated_and_canonical(tiny):
    _, store = tiny
    lines = dump(store, "ntriples").splitlines()
    assert lines == sorted(set(lines))
    assert sum(1 for line in lines if line.endswith(b"<https://w3id.org/seccoop/id/ada> .")
               and b"#knows>" in line and line.startswith(b"<")) == 1  # stated in two files
    labels = {line.split()[0] for line in lines if line.startswith(b"_:")}
    assert labels and all(label.startswith(b"_:c14n") for label in labels)


def test_turtle_is_grouped_by_subject_with_prefixes(tiny):
    _, store = tiny
    text = dump(store, "turtle").decode()
    assert "@prefix sc: <https://w3id.org/seccoop/ontology#> ." in text
    subjects = [line.split()[0] for line in text.splitlines()
                if line and not line[0].isspace() and not line.startswith("@")]
    assert len(subjects) == len(set(subjects)), "a subject appears in two groups"
    assert "scr:rex" in subjects


def test_jsonld_is_compacted_with_the_published_context(tiny):
    _, store = tiny
    document = json.loads(dump(store, "jsonld"))
    context = document["@context"]
    assert context == context_for(store, select_graphs(store))
    assert context["knows"] == {"@id": "sc:knows", "@type": "@id"}
    rex = next(node for node in document["@graph"] if node["id"] == "scr:rex")
    assert rex["label"] == "Rex" and rex["knows"] == "scr:ada"
    assert "Dog" in rex["type"] and "Animal" in rex["type"]
    assert {"@value": "Rex le chien", "@language": "fr"} in rex["rdfs:label"]


def test_graph_selection_by_path_iri_and_inferred(tiny):
    _, store = tiny
    by_path = dump(store, "nquads", graphs=["data/b.nt"])
    by_iri = dump(store, "nquads", graphs=["https://w3id.org/seccoop/graph/data/b.nt"])
    assert by_path == by_iri and len(by_path.splitlines()) == 3
    only_inferred = dump(store, "nquads", graphs=["inferred"])
    assert all(line.endswith(b"<https://w3id.org/seccoop/graph/inferred> .")
               for line in only_inferred.splitlines())
    assert dump(store, "nquads", graphs=["inferred"], inferred=False) == b""
    with pytest.raises(ExportError, match="no graph"):
        dump(store, "turtle", graphs=["data/nope.ttl"])


def test_description_documents_are_deterministic(tiny):
    _, store = tiny
    triples = [q.triple for q in store.quads_for_pattern(None, None, None)
               if isinstance(q.subject, ox.BlankNode)]
    for fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
        once = serialize_triples(triples, fmt)
        assert serialize_triples(list(reversed(triples)), fmt) == once
        assert canonical(ox.parse(once, format=OX[fmt]), True) == canonical(triples, True)


def test_cli_export(tiny, tmp_path):
    root, _ = tiny
    target = tmp_path / "out.ttl"
    command = [sys.executable, "-m", "seccoop", "--project", str(root), "--store",
               str(tmp_path / "cli-store"), "export", "--format", "trig", "--no-inferred",
               "-g", "data/a.ttl", "-o", str(target)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = target.read_text()
    assert "<https://w3id.org/seccoop/graph/data/a.ttl>" in text and "inferred" not in text
    bad = subprocess.run(command[:-4] + ["-g", "nope.ttl"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no graph 'nope.ttl'" in bad.stderr


BIG = "".join(f"<https://w3id.org/seccoop/id/n{i}> <https://w3id.org/seccoop/ontology#next> "
              f"<https://w3id.org/seccoop/id/n{i + 1}> .\n" for i in range(60))


@pytest.fixture
def fast_shape(tmp_path, monkeypatch):
    """One big graph without blank nodes, disjoint from the small ones: the fast path."""
    import seccoop.export as export_module

    monkeypatch.setattr(export_module, "FAST_REST_LIMIT", 50)
    root = make_project(tmp_path / "fast")
    (root / "data" / "big.nt").write_text(BIG, encoding="utf-8")
    stores = []
    for name in ("s1", "s2"):
        build(find_project(root), tmp_path / name, reason=False)
        stores.append(open_store(find_project(root), tmp_path / name, auto_build=False))
    return stores


def test_fast_path_is_deterministic_grouped_and_complete(fast_shape, monkeypatch):
    import seccoop.export as export_module

    first, second = fast_shape
    calls = []
    original = export_module._fast_union
    monkeypatch.setattr(export_module, "_fast_union",
                        lambda *a: calls.append(original(*a)) or calls[-1])
    for fmt in ("ntriples", "turtle"):
        data = dump(first, fmt)
        assert calls[-1] is True, f"the fast path did not apply to {fmt}"
        assert dump(second, fmt) == data, f"{fmt} differs between two builds"
        assert dump(first, fmt, python_sort=True) == data
        assert canonical(ox.parse(data, format=OX[fmt]), True) == expected(first, fmt, True)
        assert parsed_by_rdflib(data, fmt) == expected(first, fmt, True)
    subjects = [line.split()[0] for line in data.decode().splitlines()
                if line and not line[0].isspace() and not line.startswith("@")]
    assert len(subjects) == len(set(subjects)) and "scr:n0" in subjects
    calls.clear()
    dump(first, "turtle", graphs=["data/big.nt", "data/b.nt"])  # b.nt also describes scr:rex
    assert calls == [True]


def test_fast_path_steps_aside_when_subjects_are_shared(tmp_path, monkeypatch):
    import seccoop.export as export_module

    monkeypatch.setattr(export_module, "FAST_REST_LIMIT", 50)
    root = make_project(tmp_path / "shared")
    (root / "data" / "big.nt").write_text(
        BIG + "<https://w3id.org/seccoop/id/rex> <https://w3id.org/seccoop/ontology#next> "
              "<https://w3id.org/seccoop/id/n0> .\n", encoding="utf-8")
    build(find_project(root), tmp_path / "s", reason=False)
    store = open_store(find_project(root), tmp_path / "s", auto_build=False)
    out = io.BytesIO()
    graphs = select_graphs(store)
    prefixes = export_module.prefixes_of(store, graphs)
    assert not export_module._fast_union(store, out, "turtle", graphs, prefixes, None, None)
    assert out.getvalue() == b""
    text = dump(store, "turtle").decode()
    subjects = [line.split()[0] for line in text.splitlines()
                if line and not line[0].isspace() and not line.startswith("@")]
    assert subjects.count("scr:rex") == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_the_project_graph(store, fmt):
    """The repository's own graph (provenance blank nodes, inferred graph) in every syntax."""
    data = dump(store, fmt)
    want = expected(store, fmt, True)
    assert canonical(ox.parse(data, format=OX[fmt]), fmt not in QUADS) == want
    assert parsed_by_rdflib(data, fmt) == want
