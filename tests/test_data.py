"""The data: sentences exactly as in the source, the facts the text states, and no UNVERIFIED fact."""
import re

import pytest

from conftest import shared_path
from kg_helpers import load_project_dataset, select, short


@pytest.fixture(scope="module")
def store():
    return load_project_dataset()


def test_sentences_match_the_source_text(store):
    source = shared_path("sources", "regional-security-cooperation-2008.txt")
    lines = [line for line in source.read_text(encoding="utf-8").split("\n") if not line.startswith("#")]
    headings = {"Regional Cooperation", "Brief Info", "Regional Security Cooperation"}
    paras = [line.strip() for line in lines if line.strip() and line.strip() not in headings]
    expected = {}
    for pi, p in enumerate(paras, 1):
        for si, s in enumerate(re.split(r"(?<=\.)\s+(?=[A-Z])", p), 1):
            expected[f"p{pi}-s{si}"] = s
    rows = select(store, "SELECT ?s ?t WHERE { ?s a sc:Sentence ; sc:text ?t }")
    assert {short(s): t for s, t in rows} == expected
    assert len(expected) == 11


def test_paragraph_structure(store):
    rows = select(store, """SELECT ?s ?p ?d WHERE { ?s a sc:Sentence ; dcterms:isPartOf ?p .
                                ?p a sc:Paragraph ; dcterms:isPartOf ?d }""")
    assert {short(d) for _, _, d in rows} == {"white-paper-2008"}
    assert {short(s): short(p) for s, p, _ in rows}["p2-s3"] == "p2"


def ask(store, q):
    return bool(store.query("PREFIX sc: <https://w3id.org/seccoop/ontology#> "
                            "PREFIX scr: <https://w3id.org/seccoop/id/> "
                            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ASK {" + q + "}",
                            use_default_graph_as_union=True))


@pytest.mark.parametrize("fact", [
    # "respectively": China + Indonesia co-hosted the round table, China + Thailand the seminar
    "scr:arf-round-table-maritime-security sc:coHost scr:china, scr:indonesia",
    "scr:arf-seminar-narcotics-control sc:coHost scr:china, scr:thailand",
    # "respectively in January and November 2007"
    'scr:china-asean-summit-2007 sc:month "2007-01"^^xsd:gYearMonth',
    'scr:apt-summit-2007 sc:month "2007-11"^^xsd:gYearMonth',
    # distinct verbs stay distinct facts
    "scr:arf-guidelines-disaster-relief sc:proposedBy scr:china ; sc:draftedBy scr:china ; "
    "sc:adoptedAt scr:arf-ministerial-meeting-14",
    "scr:agreement-counter-terrorism-training sc:finalizedBy scr:china",
    "scr:action-plan-information-security sc:formulatedBy scr:china",
    "scr:agreement-joint-military-exercises sc:signedBy scr:russia",
    "scr:treaty-long-term-good-neighborly-relations sc:concludedAt scr:bishkek-summit-2007 ; "
    "sc:concludedBy scr:uzbekistan",
    "scr:cadsds-2008 sc:host scr:china",
    'scr:bishkek-summit-2007 sc:month "2007-08"^^xsd:gYearMonth ; sc:startDate "2007-08-16"^^xsd:date',
])
def test_stated_facts_present(store, fact):
    assert ask(store, fact + " .")


@pytest.mark.parametrize("fact", [
    "scr:arf-round-table-maritime-security sc:coHost scr:thailand",
    "scr:arf-seminar-narcotics-control sc:coHost scr:indonesia",
    "scr:agreement-counter-terrorism-training sc:signedBy ?x",       # only finalized
    "scr:action-plan-information-security sc:signedBy ?x",          # only formulated (and approved)
    "scr:arf-seminar-narcotics-control sc:venue|sc:startDate|sc:month ?x",  # UNVERIFIED
    "scr:apt-workshop-disaster-relief-2008 sc:venue ?v . ?v a sc:City",     # venue city UNVERIFIED
    "scr:agreement-defence-ministries-cooperation sc:signedOn ?x",  # signing date UNVERIFIED
    "scr:arf <http://schema.org/sameAs>|<https://schema.org/sameAs> ?x",    # ARF QID UNVERIFIED
    "scr:asean-plus-three <https://schema.org/sameAs> ?x",
    "?x sc:memberOf|sc:hasMember ?y",                                # derived, never asserted
    "?x <http://www.w3.org/2002/07/owl#sameAs> ?y",
    # nothing neither source states
    "?x sc:locatedIn|sc:tookPlaceIn ?region . ?region a sc:Region",       # UN M49 regions: no source
    "?x ?p scr:un-m49",
    "scr:beijing sc:locatedIn ?x",                                   # no source names its country
    "scr:pla-army-command-college sc:locatedIn ?x",
    "scr:pla-academy-of-military-science sc:governmentOf ?x",        # read off its name only
    "scr:bali a sc:City", "scr:cebu a sc:City",                      # "Bali, Indonesia": island, province
    "?x sc:party ?y",                                                # signing is not being bound
    "scr:white-paper-2008 <http://www.w3.org/ns/prov#wasDerivedFrom> ?x",  # PROV's direction
    "scr:white-paper-2008 <https://schema.org/url> ?u . FILTER(!STRSTARTS(STR(?u), 'http'))",
])
def test_absent_facts(store, fact):
    assert not ask(store, fact + " .")


def test_month_facts_are_not_turned_into_days(store):
    rows = select(store, "SELECT ?m ?v WHERE { ?m sc:month ?v }")
    assert rows and all(len(v) == 7 for _, v in rows)


def test_every_fact_can_be_traced_to_a_text(store):
    rows = select(store, """SELECT ?src ?text WHERE {
        ?st rdf:subject scr:arf-guidelines-disaster-relief ; rdf:predicate sc:draftedBy ;
            rdf:object scr:china ; prov:wasDerivedFrom ?src . ?src sc:text ?text }""")
    assert [(short(s), t[:28]) for s, t in rows] == [("p2-s4", "The ARF General Guidelines f")]


def test_membership_periods_are_traced_to_texts_that_state_them(store):
    rows = select(store, """SELECT ?m ?p ?v ?text WHERE {
        ?m a sc:Membership ; ?p ?v . VALUES ?p { sc:attestedFrom sc:attestedUntil }
        OPTIONAL { ?st rdf:subject ?m ; rdf:predicate ?p ; rdf:object ?v ;
                       prov:wasDerivedFrom ?src . ?src sc:text ?text } }""")
    assert len(rows) == 2 * 62
    for m, p, v, text in rows:
        assert text, (m, p, v)
        # The background section "Memberships as of 2007-2008", or a sentence dating a meeting.
        assert "as of 2007-2008" in text or v in text, (m, p, v, text)
