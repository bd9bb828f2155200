"""SHACL: the data conforms; a broken resource is caught with a readable message."""
import sys

import pytest

from kg_helpers import ROOT, rdflib_graph

sys.path.insert(0, str(ROOT / "src"))
from seccoop.project import find_project  # noqa: E402
from seccoop.checks import validate_shapes  # noqa: E402


def test_data_conforms():
    conforms, report = validate_shapes(project=find_project(ROOT))
    assert conforms, report


def test_unknown_venue_is_only_a_warning():
    conforms, report = validate_shapes(project=find_project(ROOT))
    assert "meeting has no known venue" in report and "arf-seminar-narcotics-control" in report


@pytest.mark.parametrize("bad, message", [
    # a summit with neither forum nor date nor provenance
    ('scr:broken-summit a sc:Summit ; rdfs:label "Broken summit"@en .',
     "a meeting belongs to exactly one forum"),
    ('scr:broken-summit a sc:Summit ; rdfs:label "Broken summit"@en .',
     "a meeting needs a date"),
    ('scr:broken-summit a sc:Summit ; rdfs:label "Broken summit"@en .', "no provenance"),
    ('scr:bishkek-summit-2007 sc:startDate "2007-08"^^xsd:gYearMonth .', "sc:startDate is one xsd:date"),
    ('scr:broken-treaty a sc:Treaty ; rdfs:label "Broken treaty"@en .', "an agreement needs a status"),
    ('scr:atlantis a sc:State ; rdfs:label "Atlantis"@en ; sc:iso3166Alpha2 "atl" .', "ISO 3166-1 alpha-2"),
    ('scr:membership-sco-china sc:observer scr:china .', "exactly one of sc:member or sc:observer"),
])
def test_broken_resource_is_reported(bad, message):
    conforms, report = validate_shapes(rdflib_graph(extra_turtle=bad), find_project(ROOT))
    assert not conforms
    assert message in report
