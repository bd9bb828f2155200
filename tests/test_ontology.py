"""The ontology parses with rdflib and pyoxigraph, carries its metadata and stays in OWL 2 RL."""
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg_helpers import ROOT, SC, ontology_files, rdflib_graph

ONT = rdflib.URIRef("https://w3id.org/seccoop/ontology")


@pytest.mark.parametrize("path", ontology_files() + [ROOT / "ontology" / "shapes.ttl"], ids=lambda p: p.name)
def test_ontology_file_parses_with_rdflib_and_pyoxigraph(path):
    g = rdflib.Graph().parse(path, format="turtle")
    assert len(g) > 0
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g)


def test_ontology_metadata():
    g = rdflib_graph()
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    vann = rdflib.Namespace("http://purl.org/vocab/vann/")
    for p in (dct.title, dct.description, dct.license, dct.creator, dct.created, OWL.versionIRI,
              OWL.versionInfo, vann.preferredNamespacePrefix, vann.preferredNamespaceUri):
        assert g.value(ONT, p) is not None, p
    assert str(g.value(ONT, vann.preferredNamespaceUri)) == SC


def test_required_top_classes_and_disjointness():
    g = rdflib_graph()
    sc = rdflib.Namespace(SC)
    for c in ("Actor", "Forum", "Agreement", "Meeting", "State", "InternationalOrganization",
              "GovernmentBody", "OfficialRole", "Summit", "MinisterialMeeting", "Seminar",
              "RoundTableDiscussion", "Workshop", "Dialogue", "Treaty", "ActionPlan", "Guidelines"):
        assert (sc[c], RDF.type, OWL.Class) in g, c
    members = set()
    for adc in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(Collection(g, g.value(adc, OWL.members)))
    assert {sc.Actor, sc.Forum, sc.Agreement, sc.Meeting} <= members


def test_no_owl_imports_and_no_external_domains():
    g = rdflib_graph()
    assert not list(g.triples((None, OWL.imports, None)))
    for p in set(g.subjects(RDFS.domain, None)) | set(g.subjects(RDFS.range, None)):
        assert str(p).startswith(SC), f"domain/range given to external term {p}"


def test_no_xsd_date_in_ranges():
    """xsd:date is outside the OWL 2 datatype map: no property may use it as a range."""
    g = rdflib_graph()
    xsd = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
    bad = [p for p, r in g.subject_objects(RDFS.range) if r in (xsd.date, xsd.gYearMonth, xsd.gYear)]
    assert bad == []



def _disjoint(g, a, b) -> bool:
    if (a, OWL.disjointWith, b) in g or (b, OWL.disjointWith, a) in g:
        return True
    for adc in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = set(Collection(g, g.value(adc, OWL.members)))
        if {a, b} <= members:
            return True
    return False


@pytest.mark.parametrize("a, b, disjoint", [
    # what can truly be both is not declared disjoint (issue 13)
    ("Actor", "Forum", False),                 # the SCO: a forum and an organisation
    ("InternationalOrganization", "Forum", False),
    ("State", "City", False),                  # Singapore
    ("State", "Place", False),
    # what the world guarantees apart stays disjoint
    ("Agreement", "Meeting", True), ("Agreement", "Actor", True), ("Meeting", "Forum", True),
    ("Place", "Agreement", True), ("Place", "Meeting", True), ("Place", "Forum", True),
    ("Facility", "City", True),
])
def test_disjointness_only_where_the_world_guarantees_it(a, b, disjoint):
    g = rdflib_graph()
    sc = rdflib.Namespace(SC)
    assert _disjoint(g, sc[a], sc[b]) == disjoint


def test_alignments_respect_the_external_ranges_and_meanings():
    g = rdflib_graph()
    sc = rdflib.Namespace(SC)
    schema = rdflib.Namespace("https://schema.org/")
    eli = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
    # guidelines and action plans bind no one: only the treaty is a legal resource
    assert (sc.Agreement, RDFS.subClassOf, eli.LegalResource) not in g
    assert (sc.Treaty, RDFS.subClassOf, eli.LegalResource) in g
    # a month-precision signing must not become an xsd:date-ranged ELI date
    assert (sc.signedOn, RDFS.subPropertyOf, eli.date_document) not in g
    # schema:attendee and schema:organizer expect persons and organisations, not states
    for p in (sc.participant, sc.host, sc.coHost):
        assert set(g.objects(p, RDFS.subPropertyOf)) <= {sc.participant, sc.host}
        assert not {schema.attendee, schema.organizer} & set(g.objects(p, RDFS.subPropertyOf))
    assert not set(g.subjects(None, sc.party)) and (sc.party, None, None) not in g
    # the ontology's creator is an agent, not a literal
    assert isinstance(g.value(ONT, rdflib.URIRef("http://purl.org/dc/terms/creator")), rdflib.URIRef)
