"""OWL 2 RL reasoning: closure ⊇ owlrl per rule family, consistency, explanations, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from seccoop import INFERRED_GRAPH_IRI
from seccoop.consistency import find_inconsistencies, format_inconsistencies
from seccoop.reasoning import (RDF_TYPE, Explanation, explain, explanation_to_json,
                               format_explanation, materialise)
from seccoop.rules import VOCAB_NAMESPACES

REPO = Path(__file__).resolve().parents[1]
INFERRED = ox.NamedNode(INFERRED_GRAPH_IRI)
PREFIXES = """@prefix : <urn:ex:> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix sc: <https://w3id.org/seccoop/ontology#> .
"""
TYPE, SAME = str(RDF_TYPE), "<http://www.w3.org/2002/07/owl#sameAs>"
THING = "<http://www.w3.org/2002/07/owl#Thing>"


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode("urn:ex:" + name)


def store_of(ttl: str | dict[str, str]) -> ox.Store:
    """A store with each Turtle text in its own named graph (one per 'file')."""
    files = ttl if isinstance(ttl, dict) else {"data.ttl": ttl}
    store = ox.Store()
    for name, text in files.items():
        store.load((PREFIXES + text).encode(), ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode("https://w3id.org/seccoop/graph/" + name))
    return store


def skolemised(store: ox.Store) -> str:
    """The asserted triples as N-Triples with blank nodes as IRIs, so that both engines see
    the very same nodes (rdflib renames blank nodes when it parses)."""
    text = "".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g).decode()
                   for g in store.named_graphs() if g != INFERRED)
    return re.sub(r"(?<![^\s])_:(\S+)", r"<urn:bnode:\1>", text)


def trivial(t) -> bool:
    s, p, o = t
    return (s.startswith('"') or not p.startswith("<") or (p == SAME and s == o)
            or (p == TYPE and o == THING) or (s.startswith("<") and s[1:].startswith(VOCAB_NAMESPACES)))


def ours(nt: str) -> set:
    store = ox.Store()
    store.load(nt.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:g"))
    n = materialise(store)
    got = {(str(q.subject), str(q.predicate), str(q.object))
           for q in store.quads_for_pattern(None, None, None, INFERRED)}
    assert n == len(got)
    return got


def owlrl_closure(nt: str) -> set:
    """owlrl's OWL 2 RL closure minus the input and the trivia, as N-Triples term strings."""
    import owlrl
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=nt, format="nt")
    base = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    new = rdflib.Graph()
    for t in set(graph) - base:
        if not isinstance(t[0], rdflib.Literal) and isinstance(t[1], rdflib.URIRef):
            new.add(t)
    asserted = {(str(q.subject), str(q.predicate), str(q.object))
                for q in ox.parse(nt, ox.RdfFormat.N_TRIPLES)}
    got = {(str(q.subject), str(q.predicate), str(q.object))
           for q in ox.parse(new.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)}
    return {t for t in got - asserted if not trivial(t)}


def nt3(s, p, o) -> tuple:
    return tuple(str(x) for x in (s, p, o))


# ----- closure ⊇ owlrl, one small input per rule family the project ontology relies on -----
FAMILIES = {
    "subclass (cax-sco, scm-sco)": (
        ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .", (":x", "a", ":C")),
    "equivalent class (cax-eqc1/2)": (
        ":A owl:equivalentClass :B . :x a :B . :y a :A .", (":x", "a", ":A")),
    "subproperty (prp-spo1)": (
        ":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :r . :x :p :y .", (":x", ":r", ":y")),
    "inverse (prp-inv1/2)": (
        ":p owl:inverseOf :q . :x :p :y . :z :q :w .", (":w", ":p", ":z")),
    "transitive (prp-trp)": (
        ":in a owl:TransitiveProperty . :a :in :b . :b :in :c . :c :in :d .", (":a", ":in", ":d")),
    "symmetric (prp-symp)": (
        ":near a owl:SymmetricProperty . :a :near :b .", (":b", ":near", ":a")),
    "property chain (prp-spo2)": (
        ":in a owl:TransitiveProperty . :heldIn owl:propertyChainAxiom ( :venue :in ) ."
        " :m :venue :city . :city :in :country . :country :in :region .", (":m", ":heldIn", ":region")),
    "domain and range (prp-dom, prp-rng, scm-dom1)": (
        ":p rdfs:domain :A ; rdfs:range :B . :A rdfs:subClassOf :C . :x :p :y .", (":y", "a", ":B")),
    "hasValue both directions (cls-hv1, cls-hv2)": (
        ":R a owl:Restriction ; owl:onProperty :role ; owl:hasValue :host ."
        " :Host owl:equivalentClass :R . :x a :Host . :y :role :host .", (":y", "a", ":Host")),
    "someValuesFrom (cls-svf1, scm-svf1)": (
        ":R a owl:Restriction ; owl:onProperty :worksFor ; owl:someValuesFrom :Org ."
        " :E owl:equivalentClass :R . :Group rdfs:subClassOf :Org . :x :worksFor :g . :g a :Group .",
        (":x", "a", ":E")),
    "intersectionOf (cls-int1, cls-int2, scm-int)": (
        ":T owl:intersectionOf ( :Agreement :Written ) . :x a :Agreement , :Written . :y a :T .",
        (":x", "a", ":T")),
    "employee-style intersection with someValuesFrom (scm-svf1 + cls-int1)": (
        ":Employee owl:equivalentClass [ owl:intersectionOf ( :Person"
        " [ a owl:Restriction ; owl:onProperty :worksFor ; owl:someValuesFrom :Organization ] ) ] ."
        " :RA rdfs:subClassOf :Person , [ a owl:Restriction ; owl:onProperty :worksFor ;"
        " owl:someValuesFrom :Group ] . :Group rdfs:subClassOf :Organization ."
        " :Person a owl:Class . :Organization a owl:Class . :Group a owl:Class . :RA a owl:Class ."
        " :w :worksFor :g . :w a :Person . :g a :Group .", (":w", "a", ":Employee")),
    "unionOf and allValuesFrom (cls-uni, cls-avf)": (
        ":U owl:unionOf ( :A :B ) . :x a :B . :R owl:onProperty :p ; owl:allValuesFrom :C ."
        " :y a :R ; :p :z .", (":z", "a", ":C")),
    "sameAs (eq-sym, eq-trans, eq-rep-*)": (
        ":a owl:sameAs :b . :b owl:sameAs :c . :a :p :x . :y :q :c .", (":c", ":p", ":x")),
    "functional property (prp-fp) and equivalent property (prp-eqp1)": (
        ":p a owl:FunctionalProperty ; owl:equivalentProperty :q . :x :p :a . :x :p :b .",
        (":a", "owl:sameAs", ":b")),
    "declarations (scm-cls, scm-op, scm-dp)": (
        ":A a owl:Class . :p a owl:ObjectProperty . :d a owl:DatatypeProperty . :x a :A ; :d 3 .",
        (":A", "rdfs:subClassOf", "owl:Thing")),
    "disjointness and AllDisjointClasses do not add triples": (
        ":A owl:disjointWith :B . [] a owl:AllDisjointClasses ; owl:members ( :C :D ) . :x a :A .", None),
}

_EXPAND = {"a": str(RDF_TYPE), "owl:sameAs": SAME, "owl:Thing": THING,
           "rdfs:subClassOf": "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"}


def _nt(name: str) -> str:
    return _EXPAND.get(name) or f"<urn:ex:{name[1:]}>"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_closure_contains_owlrl(family):
    ttl, expected = FAMILIES[family]
    nt = skolemised(store_of(ttl))
    got, reference = ours(nt), owlrl_closure(nt)
    assert reference - got == set(), f"missed what owlrl derives for {family}"
    # Nothing beyond owlrl either: same rules, same fixpoint.
    assert got - reference == set()
    if expected:
        assert tuple(_nt(x) for x in expected) in got


def test_inferred_graph_is_replaced_and_trivia_left_out():
    store = store_of(":A a owl:Class ; rdfs:subClassOf :B . :x a :A . :x owl:sameAs :y .")
    first = materialise(store)
    assert materialise(store) == first  # cleared, not appended
    inferred = {nt3(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, INFERRED)}
    assert nt3(ex("x"), RDF_TYPE, ex("B")) in inferred
    assert not any(trivial(t) for t in inferred)
    assert nt3(ex("x"), ox.NamedNode(SAME[1:-1]), ex("x")) not in inferred
    # asserted triples are not repeated in the inferred graph
    assert nt3(ex("x"), RDF_TYPE, ex("A")) not in inferred


def test_blank_nodes_of_the_closure_are_the_asserted_ones():
    store = store_of(":p owl:inverseOf :q . [] :p :y .")
    assert materialise(store) == 1
    (q,) = list(store.quads_for_pattern(None, None, None, INFERRED))
    assert isinstance(q.object, ox.BlankNode)
    assert list(store.quads_for_pattern(q.object, ex("p"), ex("y")))  # the same node


# ----- consistency ----------------------------------------------------------------------------
CLASHES = {
    "cls-nothing2": (":x a owl:Nothing ; rdfs:label 'Nobody' .", "Nobody"),
    "cax-dw": (":A owl:disjointWith :B ; rdfs:label 'Army' . :B rdfs:label 'Bank' ."
               " :C rdfs:subClassOf :B . :x a :A , :C ; rdfs:label 'Rex' .", "Rex"),
    "cax-adc": ("[] a owl:AllDisjointClasses ; owl:members ( :A :B :C ) ."
                " :x a :A , :C ; rdfs:label 'Rex' . :A rdfs:label 'Army' .", "Army"),
    "cls-com": (":A owl:complementOf :B . :x a :A , :B ; rdfs:label 'Rex' .", "Rex"),
    "eq-diff1": (":a owl:sameAs :b ; owl:differentFrom :b ; rdfs:label 'Alpha' .", "Alpha"),
    "eq-diff2": ("[] a owl:AllDifferent ; owl:members ( :a :b :c ) . :b owl:sameAs :c ."
                 " :c rdfs:label 'Gamma' .", "Gamma"),
    "prp-fp": (":founded a owl:FunctionalProperty ; rdfs:label 'founded in' ."
               " :sco :founded 2001 , 2002 ; rdfs:label 'SCO' .", "2002"),
    "prp-irp": (":partOf a owl:IrreflexiveProperty ; rdfs:label 'part of' ."
                " :x :partOf :x ; rdfs:label 'Rex' .", "part of"),
    "prp-asyp": (":leads a owl:AsymmetricProperty ; rdfs:label 'leads' . :a :leads :b . :b :leads :a .",
                 "leads"),
    "prp-pdw": (":p owl:propertyDisjointWith :q . :p rdfs:label 'hosts' . :a :p :b ; :q :b .", "hosts"),
    "prp-adp": ("[] a owl:AllDisjointProperties ; owl:members ( :p :q ) . :q rdfs:label 'visits' ."
                " :a :p :b ; :q :b .", "visits"),
    "cls-maxc1": (":R owl:onProperty :p ; owl:maxCardinality 0 . :x a :R ; :p :y ; rdfs:label 'Rex' .",
                  "Rex"),
    "cls-maxqc1": (":R owl:onProperty :p ; owl:maxQualifiedCardinality 0 ; owl:onClass :C ."
                   " :x a :R ; :p :y . :y a :C ; rdfs:label 'Yak' .", "Yak"),
}


@pytest.mark.parametrize("kind", list(CLASHES))
def test_each_inconsistency_kind_is_found_in_labels(kind):
    ttl, label = CLASHES[kind]
    problems = find_inconsistencies(store_of(ttl))
    assert [p.kind for p in problems] == [kind]
    assert label in problems[0].message
    # the labelled resource is named by its label, not by its IRI
    assert not re.search(r"<urn:ex:[^>]*>", problems[0].message.replace("<urn:ex:C>", "")) or kind != "cax-dw"
    assert problems[0].triples


def test_consistent_graphs_report_nothing():
    ttl = ":A owl:disjointWith :B . :x a :A . :y a :B . :f a owl:FunctionalProperty . :x :f 1 ."
    assert find_inconsistencies(store_of(ttl)) == []


def test_functional_property_with_two_resources_is_not_a_clash():
    # prp-fp only makes the two values the same individual: inconsistent only with differentFrom.
    store = store_of(":f a owl:FunctionalProperty . :x :f :a , :b .")
    assert find_inconsistencies(store) == []
    store = store_of(":f a owl:FunctionalProperty . :x :f :a , :b . :a owl:differentFrom :b .")
    assert [p.kind for p in find_inconsistencies(store)] == ["eq-diff1"]


INCONSISTENT = REPO / "tests" / "data" / "inconsistent-project"


def test_inconsistent_example_project_reports_labels_and_sources():
    store = ox.Store()
    for folder in ("ontology", "data"):
        for path in sorted((INCONSISTENT / folder).glob("*.ttl")):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                       to_graph=ox.NamedNode(f"https://w3id.org/seccoop/graph/{folder}/{path.name}"))
    materialise(store)
    (problem,) = find_inconsistencies(store)
    assert problem.kind == "cax-dw"
    assert "Treaty on Good-Neighbourliness" in problem.message
    assert "organisation" in problem.message and "agreement" in problem.message
    report = format_inconsistencies([problem])
    assert "concluded the Treaty on Good-Neighbourliness" in report  # source of the inferred type
    assert "a deliberate error" in report  # source of the asserted type


def _run_cli(*args, store_dir):
    env = {"SECCOOP_STORE": str(store_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "seccoop", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)


def test_cli_reason_exits_1_on_the_inconsistent_project(tmp_path):
    done = _run_cli("--project", str(INCONSISTENT), "reason", store_dir=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "cax-dw" in done.stderr and "Treaty on Good-Neighbourliness" in done.stderr


# ----- explanations ---------------------------------------------------------------------------
PROVENANCE = """
:in a owl:TransitiveProperty ; rdfs:label "located in" .
:heldIn owl:propertyChainAxiom ( :venue :in ) ; rdfs:label "held in" .
:venue rdfs:label "venue" ; rdfs:domain :Meeting .
:hosts owl:inverseOf :hostedBy .
:coHost rdfs:subPropertyOf :participant .
:Treaty rdfs:subClassOf :Agreement .
:Host owl:equivalentClass [ a owl:Restriction ; owl:onProperty :role ; owl:hasValue :hostRole ] .
:summit :venue :bishkek ; rdfs:label "Bishkek Summit" ; :coHost :kazakhstan ; :hostedBy :kyrgyzstan .
:bishkek :in :kyrgyzstan ; rdfs:label "Bishkek" .
:kyrgyzstan :in :centralAsia ; rdfs:label "Kyrgyzstan" .
:centralAsia rdfs:label "Central Asia" .
:treaty a :Treaty ; rdfs:label "Treaty on Long-Term Good-Neighborly Relations" .
:china a :Host .
[] a rdf:Statement ; rdf:subject :bishkek ; rdf:predicate :in ; rdf:object :kyrgyzstan ;
   prov:wasDerivedFrom :s1 .
:s1 sc:text "The summit was held in Bishkek, Kyrgyzstan." .
[] a rdf:Statement ; rdf:subject :treaty ; rdf:predicate rdf:type ; rdf:object :Treaty ;
   prov:wasDerivedFrom :s2 .
:s2 sc:text "The member states concluded the Treaty." .
"""


def _check_tree(e: Explanation, store: ox.Store, seen=()):
    """Every node holds in the store, leaves are asserted, no triple repeats on a path."""
    assert e.triple not in seen, "cycle"
    holds = list(store.quads_for_pattern(*e.triple, None))
    assert holds, f"premise does not hold: {e.triple}"
    if e.status == "asserted":
        assert any(q.graph_name != INFERRED for q in holds)
        return
    assert e.status == "inferred" and e.rule and e.premises
    for p in e.premises:
        _check_tree(p, store, seen + (e.triple,))


@pytest.mark.parametrize("s,p,o,rule,premise", [
    ("bishkek", "in", "centralAsia", "prp-trp", nt3(ex("bishkek"), ex("in"), ex("kyrgyzstan"))),
    ("summit", "heldIn", "centralAsia", "prp-spo2", nt3(ex("summit"), ex("venue"), ex("bishkek"))),
    ("treaty", "a", "Agreement", "cax-sco", nt3(ex("treaty"), RDF_TYPE, ex("Treaty"))),
    ("kyrgyzstan", "hosts", "summit", "prp-inv2", nt3(ex("summit"), ex("hostedBy"), ex("kyrgyzstan"))),
    ("summit", "participant", "kazakhstan", "prp-spo1", nt3(ex("summit"), ex("coHost"), ex("kazakhstan"))),
    ("summit", "a", "Meeting", "prp-dom", nt3(ex("summit"), ex("venue"), ex("bishkek"))),
    ("china", "role", "hostRole", "cls-hv1", None),
])
def test_explanations_are_correct_and_end_in_sources(s, p, o, rule, premise):
    store = store_of(PROVENANCE)
    materialise(store)
    pred = RDF_TYPE if p == "a" else ex(p)
    e = explain(store, ex(s), pred, ex(o))
    assert e.status == "inferred" and e.rule == rule
    _check_tree(e, store)
    leaves = {nt3(*leaf.triple) for leaf in e.leaves()}
    if premise:
        assert premise in leaves or premise in {nt3(*x.triple) for x in e.premises}
    text = format_explanation(e, store)
    assert f"[inferred by {rule}]" in text
    as_json = explanation_to_json(e)
    assert as_json["rule"] == rule and as_json["premises"]


def test_explanation_prints_labels_and_source_sentences():
    store = store_of(PROVENANCE)
    e = explain(store, ex("bishkek"), ex("in"), ex("centralAsia"))
    text = format_explanation(e, store)
    assert text.splitlines()[0].startswith("Bishkek located in Central Asia")
    assert 'source: "The summit was held in Bishkek, Kyrgyzstan."' in text
    e = explain(store, ex("treaty"), RDF_TYPE, ex("Agreement"))
    assert any(src[1] == "The member states concluded the Treaty." for leaf in e.leaves()
               for src in leaf.sources)


def test_asserted_and_not_entailed():
    store = store_of(PROVENANCE)
    materialise(store)
    e = explain(store, ex("bishkek"), ex("in"), ex("kyrgyzstan"))
    assert e.status == "asserted" and e.rule is None
    assert e.sources == [("urn:ex:s1", "The summit was held in Bishkek, Kyrgyzstan.")]
    e = explain(store, ex("centralAsia"), ex("in"), ex("bishkek"))
    assert e.status == "not entailed"
    assert "not entailed" in format_explanation(e, store)
    assert explanation_to_json(e) == {"triple": {"subject": "<urn:ex:centralAsia>",
                                                 "predicate": "<urn:ex:in>",
                                                 "object": "<urn:ex:bishkek>"},
                                      "status": "not entailed"}


# ----- the project's own graph ------------------------------------------------------------------
def _project_store() -> ox.Store:
    """The project's files, loaded by the store's own loader into an in-memory store."""
    from seccoop.project import find_project
    from seccoop.store import load_file

    project = find_project(REPO)
    store = ox.Store()
    for path in project.source_files():
        load_file(store, project, path)
    return store


def test_project_closure_equals_owlrl():
    nt = skolemised(_project_store())
    got, reference = ours(nt), owlrl_closure(nt)
    assert reference - got == set()
    assert got - reference == set()


def test_project_is_consistent_and_explains_where_the_bishkek_summit_took_place():
    store = _project_store()
    assert materialise(store) > 0
    assert find_inconsistencies(store) == []
    scr = "https://w3id.org/seccoop/id/"
    e = explain(store, ox.NamedNode(scr + "bishkek-summit-2007"),
                ox.NamedNode("https://w3id.org/seccoop/ontology#tookPlaceIn"),
                ox.NamedNode(scr + "kyrgyzstan"))
    assert e.status == "inferred" and e.rule == "prp-spo2"
    _check_tree(e, store)
    assert all(leaf.status == "asserted" for leaf in e.leaves())
    assert any(leaf.sources for leaf in e.leaves())


# True statements the sources support (or the world guarantees) must not clash with the graph:
# the audit found the SCO and Singapore entailed NOT to be what they are. (The data now
# asserts the SCO's type itself; the test keeps the statement so that it cannot regress.)
TRUE_STATEMENTS = {
    "the SCO is an international organisation": "scr:sco a sc:InternationalOrganization .",
    "Singapore is a city": "scr:singapore a sc:City .",
    "ASEAN is also a forum": "scr:asean a sc:Forum .",
    "Bali is a place in Indonesia": "scr:bali a sc:Place ; sc:locatedIn scr:indonesia .",
}


def _project_store_with(turtle: str) -> ox.Store:
    store = _project_store()
    store.load((PREFIXES + "@prefix scr: <https://w3id.org/seccoop/id/> .\n" + turtle).encode(),
               ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/seccoop/graph/test/extra.ttl"))
    return store


@pytest.mark.parametrize("statement", list(TRUE_STATEMENTS))
def test_true_statements_leave_the_graph_consistent(statement):
    store = _project_store_with(TRUE_STATEMENTS[statement])
    problems = find_inconsistencies(store)
    assert problems == [], format_inconsistencies(problems)


def test_all_true_statements_together_leave_the_graph_consistent():
    store = _project_store_with("\n".join(TRUE_STATEMENTS.values()))
    assert find_inconsistencies(store) == []


@pytest.mark.parametrize("falsehood", [
    "scr:sco a sc:Meeting .",                    # a forum is never one of its meetings
    "scr:singapore a sc:Agreement .",            # a place is never a text
    "scr:pla-army-command-college a sc:City .",  # an institution's grounds are never a city
])
def test_the_disjointness_that_remains_still_catches_falsehoods(falsehood):
    """The consistency test above can fail: what the world does guarantee is still checked."""
    assert find_inconsistencies(_project_store_with(falsehood))
