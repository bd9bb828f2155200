"""HermiT, the OWL 2 DL reasoner Protégé users run, loads the ontology and the data together
(through owlready2, which runs it on Java) and finds them consistent, with no unsatisfiable class.

The graph types dates as xsd:date, xsd:gYear and xsd:gYearMonth, which are outside the OWL 2
datatype map, and HermiT refuses them (see the ontology header's note on dates). The data is kept
as it is; the test reasons over a copy in which those literals are turned into xsd:string with
the same lexical form. Reasoning never needs the dates (no class or axiom mentions them), so the
copy entails the same classes and clashes as the graph would if HermiT read the date types.
"""
from __future__ import annotations

import os
import shutil

import pytest
import rdflib

from kg_helpers import SC, rdflib_graph

XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
NON_OWL_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth}


def _require(condition: bool, reason: str) -> None:
    """Skip where a prerequisite is absent on a developer's machine; CI must have it."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run the HermiT test (.ci/run installs it)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def owlready2():
    _require(shutil.which("java") is not None,
             "java is absent (apt-get install default-jre-headless): HermiT runs on Java")
    try:
        import owlready2
    except ImportError:
        _require(False, "owlready2 is not installed (pip install '.[test]')")
    return owlready2


def hermit_copy(graph: rdflib.Graph) -> tuple[rdflib.Graph, int]:
    """A copy of ``graph`` with non-OWL date literals as xsd:string; returns it and their count.

    >>> g = rdflib.Graph(); _ = g.add((rdflib.URIRef("urn:x"), rdflib.URIRef("urn:d"),
    ...                           rdflib.Literal("2007-08", datatype=XSD.gYearMonth)))
    >>> [str(o.datatype) for o in hermit_copy(g)[0].objects()], hermit_copy(g)[1]
    (['http://www.w3.org/2001/XMLSchema#string'], 1)
    """
    out, converted = rdflib.Graph(), 0
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype in NON_OWL_DATATYPES:
            o, converted = rdflib.Literal(str(o), datatype=XSD.string), converted + 1
        out.add((s, p, o))
    return out, converted


def run_hermit(owlready2, graph: rdflib.Graph, tmp_path):
    """Load ``graph`` into a fresh owlready2 World and run HermiT on it; returns the World."""
    path = tmp_path / "graph.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    with open(path, "rb") as handle:
        world.get_ontology("https://w3id.org/seccoop/ontology").load(fileobj=handle, format="ntriples")
    # raises OwlReadyInconsistentOntologyError when HermiT finds the ontology inconsistent
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


def test_graph_is_consistent_in_hermit_with_no_unsatisfiable_class(owlready2, tmp_path):
    graph, converted = hermit_copy(rdflib_graph())
    assert converted > 100  # the dates of meetings, agreements and memberships
    world = run_hermit(owlready2, graph, tmp_path)
    assert list(world.inconsistent_classes()) == []
    # HermiT did classify the graph: the SCO's agreements fall into the defined class
    treaty = world["https://w3id.org/seccoop/id/treaty-long-term-good-neighborly-relations"]
    assert world[SC + "SCOAgreement"] in treaty.INDIRECT_is_a


def test_hermit_reports_an_unsatisfiable_class(owlready2, tmp_path):
    """The test above can fail: a class that is both a meeting and an agreement is caught."""
    graph, _ = hermit_copy(rdflib_graph(extra_turtle=(
        'sc:MeetingAgreement a owl:Class ; rdfs:label "meeting agreement"@en ; '
        'rdfs:subClassOf sc:Meeting , sc:Agreement .')))
    world = run_hermit(owlready2, graph, tmp_path)
    # owlready2 lists owl:Nothing beside the unsatisfiable classes it found
    unsatisfiable = {c.iri for c in world.inconsistent_classes()} - {"http://www.w3.org/2002/07/owl#Nothing"}
    assert unsatisfiable == {SC + "MeetingAgreement"}
