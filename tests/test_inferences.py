"""At least eight useful inferences, each derived by an OWL 2 RL reasoner (owlrl) and none asserted;
the closure is consistent."""
import pytest
import rdflib
from rdflib.namespace import OWL, RDF

from kg_helpers import SC, SCR, owlrl_closure, rdflib_graph

sc = rdflib.Namespace(SC)
scr = rdflib.Namespace(SCR)

# (axiom kind, triple). Each triple follows from the ontology + data, but is not in the files.
INFERENCES = [
    ("subclass (Summit ⊑ Meeting)", (scr["bishkek-summit-2007"], RDF.type, sc.Meeting)),
    ("subclass (Treaty ⊑ Agreement)",
     (scr["treaty-long-term-good-neighborly-relations"], RDF.type, sc.Agreement)),
    ("inverse (holdsMembership = member⁻)", (scr.china, sc.holdsMembership, scr["membership-sco-china"])),
    ("property chain (holdsMembership ∘ organization ⊑ memberOf)", (scr.kyrgyzstan, sc.memberOf, scr.sco)),
    ("inverse (hasMember = memberOf⁻)", (scr.sco, sc.hasMember, scr.kyrgyzstan)),
    ("sub-property (coHost ⊑ host)", (scr["arf-round-table-maritime-security"], sc.host, scr.indonesia)),
    ("sub-property chain (coHost ⊑ host ⊑ participant)",
     (scr["arf-seminar-narcotics-control"], sc.participant, scr.thailand)),
    ("property chain (venue ∘ locatedIn ⊑ tookPlaceIn)",
     (scr["bishkek-summit-2007"], sc.tookPlaceIn, scr.kyrgyzstan)),
    ("property chain (venue ∘ locatedIn, a place of unstated kind)",
     (scr["arf-round-table-maritime-security"], sc.tookPlaceIn, scr.indonesia)),
    ("property chain (madeAt ∘ forum ⊑ forum)", (scr["arf-guidelines-disaster-relief"], sc.forum, scr.arf)),
    ("hasValue class (SCO agreement), via the chain",
     (scr["treaty-long-term-good-neighborly-relations"], RDF.type, sc.SCOAgreement)),
    ("hasValue class (meeting hosted by China), via coHost ⊑ host",
     (scr["arf-seminar-narcotics-control"], RDF.type, sc.MeetingHostedByChina)),
    ("hasValue class (disaster-relief activity)",
     (scr["apt-workshop-disaster-relief-2008"], RDF.type, sc.DisasterReliefActivity)),
    ("someValuesFrom class (co-hosted meeting)",
     (scr["arf-round-table-maritime-security"], RDF.type, sc.CoHostedMeeting)),
    ("range typing (signatory ⇒ Signatory)", (scr.tajikistan, RDF.type, sc.Signatory)),
    ("sub-property (stressedBy ⊑ advancedBy)",
     (scr["new-security-concept"], sc.advancedBy, scr.china)),
    ("sub-property (signedBy ⊑ signatory)",
     (scr["agreement-joint-military-exercises"], sc.signatory, scr.russia)),
    ("someValuesFrom ⊑ hasValue (an observer's org:role)",
     (scr["membership-sco-iran"], rdflib.URIRef("http://www.w3.org/ns/org#role"), sc.observerRole)),
    ("someValuesFrom ⊑ hasValue (a member's org:role)",
     (scr["membership-arf-china"], rdflib.URIRef("http://www.w3.org/ns/org#role"), sc.fullMemberRole)),
    ("sub-property (observer ⊑ org:member)",
     (scr["membership-sco-iran"], rdflib.URIRef("http://www.w3.org/ns/org#member"), scr.iran)),
    ("alignment (subClassOf schema:Event)",
     (scr["cadsds-2008"], RDF.type, rdflib.URIRef("https://schema.org/Event"))),
]


@pytest.fixture(scope="module")
def asserted():
    return rdflib_graph()


@pytest.fixture(scope="module")
def closure():
    return owlrl_closure()


def test_enough_inferences_of_different_kinds():
    assert len(INFERENCES) >= 8
    kinds = {k.split(" (")[0] for k, _ in INFERENCES}
    # No "transitive" kind: sc:locatedIn is transitive, but since the unsupported UN M49 regions
    # went, no source gives a chain of two containments (the rule itself: test_reasoning.py).
    assert {"subclass", "inverse", "sub-property", "property chain", "hasValue class",
            "someValuesFrom class", "range typing"} <= kinds


@pytest.mark.parametrize("kind, triple", INFERENCES, ids=[k for k, _ in INFERENCES])
def test_inference_derived_and_not_asserted(asserted, closure, kind, triple):
    assert triple not in asserted, f"{kind}: asserted in the data, so it proves nothing"
    assert triple in closure, f"{kind}: not derived by owlrl"


def test_closure_has_nothing_in_owl_nothing(closure):
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []


def _disjoint_pairs(g):
    pairs = set(g.subject_objects(OWL.disjointWith))
    for adc in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(rdflib.collection.Collection(g, g.value(adc, OWL.members)))
        pairs |= {(a, b) for a in members for b in members if a != b}
    return pairs


def test_no_individual_in_two_disjoint_classes(closure):
    clashes = [(x, a, b) for a, b in _disjoint_pairs(closure)
               for x in closure.subjects(RDF.type, a) if (x, RDF.type, b) in closure]
    assert clashes == []


def test_a_clash_would_be_detected():
    """The consistency tests can fail: an agreement typed as an actor is caught."""
    g = owlrl_closure(extra_turtle="scr:treaty-long-term-good-neighborly-relations a sc:State .")
    clashes = [(x, a, b) for a, b in _disjoint_pairs(g)
               for x in g.subjects(RDF.type, a) if (x, RDF.type, b) in g]
    assert clashes
