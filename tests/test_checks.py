"""Each zero-row check passes on the data and fires on a small bad example."""
import sys

import pytest

from kg_helpers import ROOT, load_project_dataset

sys.path.insert(0, str(ROOT / "src"))
from seccoop.project import find_project  # noqa: E402
from seccoop.checks import check_files, run_checks  # noqa: E402

BAD = {
    "terms-labelled-and-defined": "sc:Undefined a owl:Class .",
    "undeclared-terms": "scr:bishkek-summit-2007 sc:vneue scr:bishkek .",
    "facts-without-provenance": 'scr:made-up-meeting a sc:Workshop ; rdfs:label "made-up workshop"@en .',
    "provenance-statements-well-formed":
        "[] a rdf:Statement ; rdf:subject scr:china ; rdf:predicate sc:coHost ; rdf:object scr:sco ; "
        "prov:wasDerivedFrom scr:p1-s1 .",
    "owl2-rl-profile": "sc:Bad a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; "
                       "owl:onProperty sc:host ; owl:someValuesFrom sc:State ] .",
    "no-subclass-cycles": "sc:Meeting rdfs:subClassOf sc:Summit .",
    "single-domain-and-range": "sc:coHost rdfs:domain sc:Meeting , sc:Agreement .",
    "resources-labelled-in-english": 'scr:unlabelled-city a sc:City ; rdfs:label "Ville"@fr .',
    "dates-well-typed": 'scr:bishkek-summit-2007 sc:endDate "2007-08"^^xsd:gYearMonth .',
    "meetings-of-forum-members-exist": "scr:bishkek-summit-2007 sc:host scr:japan .",
    "statements-without-provenance":
        'scr:membership-sco-china sc:attestedUntil "2012"^^xsd:gYear .',
}


def test_every_check_has_a_bad_example():
    assert {p.stem for p in check_files(find_project(ROOT))} == set(BAD)


def test_all_checks_pass_on_the_data():
    results = run_checks(load_project_dataset(), find_project(ROOT))
    assert results and {name: rows for name, rows in results.items() if rows} == {}


@pytest.mark.parametrize("name", sorted(BAD))
def test_check_fires_on_bad_example(name):
    results = run_checks(load_project_dataset(extra_turtle=BAD[name]), find_project(ROOT))
    assert results[name], f"{name} did not fire"


@pytest.mark.parametrize("triple", [
    "scr:japan a sc:Place .",                               # a type
    "scr:field-justice skos:broader scr:field-security .",  # a SKOS link of the field scheme
    "scr:bishkek-summit-2007 sc:participant scr:japan .",   # a fact
    "scr:white-paper-2008 dcterms:publisher scr:chinese-government .",  # the source's metadata
])
def test_every_asserted_data_triple_needs_provenance(triple):
    results = run_checks(load_project_dataset(extra_turtle=triple), find_project(ROOT))
    assert len(results["statements-without-provenance"]) == 1


def test_labels_and_sources_need_no_provenance():
    extra = ('scr:sco skos:altLabel "Shanghai Six"@en . '
             'scr:p1-s1 sc:text "another wording"@en .')
    results = run_checks(load_project_dataset(extra_turtle=extra), find_project(ROOT))
    assert results["statements-without-provenance"] == []
