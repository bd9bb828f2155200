"""The OWL 2 RL grammar check: passes on the ontology, fires on each construct in each position
the grammar forbids, and stays silent where the grammar allows the construct.

Positions (OWL 2 Profiles, section 4.2.3): subclass expressions (the subject of rdfs:subClassOf,
disjointness), superclass expressions (the object of rdfs:subClassOf, domains, ranges, class
assertions) and equivalence expressions (both sides of owl:equivalentClass), followed into nested
expressions.
"""
import pytest

from kg_helpers import ROOT, load_project_dataset

from seccoop.queries import run_query

CHECK = (ROOT / "queries" / "checks" / "owl2-rl-profile.rq").read_text(encoding="utf-8")

# One expression of each construct; {p} is a property, {c} a class of the ontology.
EXPR = {
    "someValuesFrom": "[ a owl:Restriction ; owl:onProperty sc:host ; owl:someValuesFrom sc:State ]",
    "allValuesFrom": "[ a owl:Restriction ; owl:onProperty sc:host ; owl:allValuesFrom sc:State ]",
    "unionOf": "[ a owl:Class ; owl:unionOf ( sc:Summit sc:Workshop ) ]",
    "intersectionOf": "[ a owl:Class ; owl:intersectionOf ( sc:Meeting sc:CooperationItem ) ]",
    "complementOf": "[ a owl:Class ; owl:complementOf sc:Summit ]",
    "hasValue": "[ a owl:Restriction ; owl:onProperty sc:host ; owl:hasValue scr:china ]",
    "maxCardinality 1": ('[ a owl:Restriction ; owl:onProperty sc:venue ; '
                         'owl:maxCardinality "1"^^xsd:nonNegativeInteger ]'),
    "maxCardinality 2": ('[ a owl:Restriction ; owl:onProperty sc:venue ; '
                         'owl:maxCardinality "2"^^xsd:nonNegativeInteger ]'),
    "oneOf": "[ a owl:Class ; owl:oneOf ( scr:china scr:japan ) ]",
}
# Where the grammar allows each construct (max cardinality only as 0 or 1).
ALLOWED = {
    "someValuesFrom": {"subclass"},
    "allValuesFrom": {"superclass"},
    "unionOf": {"subclass"},
    "intersectionOf": {"subclass", "superclass", "equivalence"},
    "complementOf": {"superclass"},
    "hasValue": {"subclass", "superclass", "equivalence"},
    "maxCardinality 1": {"superclass"},
    "maxCardinality 2": set(),
    "oneOf": {"subclass"},
}
POSITIONS = {
    "subclass": "{e} rdfs:subClassOf sc:Meeting .",
    "superclass": "sc:TestClass a owl:Class ; rdfs:subClassOf {e} .",
    "equivalence": "sc:TestClass a owl:Class ; owl:equivalentClass {e} .",
    # the same positions, one level down, inside an intersection
    "nested subclass": "[ owl:intersectionOf ( sc:Meeting {e} ) ] rdfs:subClassOf sc:Meeting .",
    "nested superclass": "sc:TestClass rdfs:subClassOf [ owl:intersectionOf ( sc:Meeting {e} ) ] .",
    "nested equivalence": "sc:TestClass owl:equivalentClass [ owl:intersectionOf ( sc:Meeting {e} ) ] .",
    # other roots of the superclass and subclass positions
    "range (superclass)": "sc:testProperty a owl:ObjectProperty ; rdfs:range {e} .",
    "disjointness (subclass)": "sc:Summit owl:disjointWith {e} .",
}
CASES = [(construct, position) for construct in EXPR for position in POSITIONS]


def _kind(position: str) -> str:
    for kind in ("subclass", "superclass", "equivalence"):
        if kind in position:
            return kind
    raise AssertionError(position)


def _rows(extra: str | None = None) -> list:
    store = load_project_dataset(extra_turtle=extra)
    return list(run_query(store, CHECK, inferred=False).value)


def test_the_ontology_is_inside_owl2_rl_by_the_grammar():
    assert _rows() == []


@pytest.mark.parametrize("construct, position", CASES, ids=[f"{c} as {p}" for c, p in CASES])
def test_check_judges_each_construct_in_each_position(construct, position):
    rows = _rows(POSITIONS[position].format(e=EXPR[construct]))
    if _kind(position) in ALLOWED[construct]:
        assert rows == [], f"{construct} is allowed in {position} position"
    else:
        assert rows, f"{construct} in {position} position was not reported"
        assert {r[1].value for r in rows} == {_kind(position)}


def test_the_former_co_hosted_meeting_definition_is_reported():
    """An owl:equivalentClass to an intersection with owl:someValuesFrom (the issue's example)."""
    rows = _rows("sc:TestClass owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( sc:Meeting "
                 "[ a owl:Restriction ; owl:onProperty sc:coHost ; owl:someValuesFrom sc:State ] ) ] .")
    assert [(r[1].value, r[2].value) for r in rows] == [("equivalence", "owl:someValuesFrom")]


def test_owl_imports_is_reported():
    rows = _rows("<https://w3id.org/seccoop/ontology> owl:imports <http://www.w3.org/ns/org#> .")
    assert [(r[1].value, r[2].value) for r in rows] == [("ontology", "owl:imports")]


@pytest.mark.parametrize("axiom, problem", [
    ("sc:Meeting owl:disjointUnionOf ( sc:Summit sc:Workshop ) .", "owl:disjointUnionOf"),
    ("sc:locatedIn a owl:ReflexiveProperty .", "owl:ReflexiveProperty"),
])
def test_axioms_outside_the_profile_are_reported(axiom, problem):
    assert [(r[1].value, r[2].value) for r in _rows(axiom)] == [("axiom", problem)]
