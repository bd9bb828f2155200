"""Every atomic fact of the source text is in the graph, each traced to the sentence that states
it (or, where the text only implies it, to that sentence too).

The list below was written by reading the eleven sentences of
``../shared/sources/regional-security-cooperation-2008.txt`` one by one and splitting each into the
smallest claims it makes (who did what, to what, where, when, with what significance); it was not
derived from the graph. Each fact is a SPARQL graph pattern over the asserted data and the sentence
that must be among its sources (for facts that also need the background, e.g. which states were
"the member states", the background source is cited beside the sentence).
"""
import pytest

from kg_helpers import load_project_dataset

# (sentence, what the text says, pattern whose first triple must cite the sentence)
FACTS = [
    ("p1-s1", "the Chinese government is actively involved in cooperation within the SCO",
     "scr:chinese-government sc:activelyInvolvedIn scr:sco"),
    ("p1-s1", "the SCO is a framework of multilateral cooperation", "scr:sco a sc:Forum"),
    ("p1-s2", "the Bishkek Summit was an SCO summit", "scr:bishkek-summit-2007 sc:forum scr:sco"),
    ("p1-s2", "the Bishkek Summit is a summit", "scr:bishkek-summit-2007 a sc:Summit"),
    ("p1-s2", "the Bishkek Summit was held in August 2007",
     'scr:bishkek-summit-2007 sc:month "2007-08"^^xsd:gYearMonth'),
    ("p1-s2", "the SCO member states concluded the Treaty",
     "scr:treaty-long-term-good-neighborly-relations sc:concludedBy scr:kyrgyzstan"),
    ("p1-s2", "the Treaty was concluded at the Bishkek Summit",
     "scr:treaty-long-term-good-neighborly-relations sc:concludedAt scr:bishkek-summit-2007"),
    ("p1-s2", "the Treaty is a treaty", "scr:treaty-long-term-good-neighborly-relations a sc:Treaty"),
    ("p1-s2", "the Treaty laid a solid political and legal foundation for security cooperation",
     "scr:treaty-long-term-good-neighborly-relations sc:significance ?s . "
     "FILTER(CONTAINS(?s, 'solid political and legal foundation for security cooperation'))"),
    ("p1-s2", "the Treaty ushered in a new phase of political mutual trust among the member states",
     "scr:treaty-long-term-good-neighborly-relations sc:significance ?s . "
     "FILTER(CONTAINS(?s, 'new phase of political mutual trust'))"),
    ("p1-s2", "the member states took part in the Bishkek Summit (implied)",
     "scr:bishkek-summit-2007 sc:participant scr:tajikistan"),
    ("p1-s3", "the member states signed the Agreement on Conducting Joint Military Exercises",
     "scr:agreement-joint-military-exercises sc:signedBy scr:china"),
    ("p1-s3", "the member states signed the Agreement on Cooperation of Defense Ministries",
     "scr:agreement-defence-ministries-cooperation sc:signedBy scr:russia"),
    ("p1-s3", "the member states signed the Agreement on ... Weapons, Ammunition and Explosives",
     "scr:agreement-illegal-circulation-weapons sc:signedBy scr:uzbekistan"),
    ("p1-s3", "the signing happened over the past two years",
     'scr:agreement-joint-military-exercises sc:timeframeStated "over the past two years"@en'),
    ("p1-s3", "the three agreements are SCO agreements",
     "scr:agreement-illegal-circulation-weapons sc:forum scr:sco"),
    ("p1-s3", "the member states finalized the Agreement on the Training of Counter-Terrorism Professionals",
     "scr:agreement-counter-terrorism-training sc:finalizedBy scr:kazakhstan"),
    ("p1-s3", "that agreement is a legal document (an agreement)",
     "scr:agreement-counter-terrorism-training a sc:CooperationAgreement"),
    ("p1-s3", "the member states formulated the Action Plan to Ensure International Information Security",
     "scr:action-plan-information-security sc:formulatedBy scr:china"),
    ("p1-s3", "the Action Plan is an action plan", "scr:action-plan-information-security a sc:ActionPlan"),
    ("p1-s3", "formulating the Action Plan launched cooperation in information security, a new area",
     "scr:action-plan-information-security sc:launchesCooperationIn scr:field-information-security"),
    ("p1-s3", "information security is a field of the SCO's cooperation",
     "scr:sco sc:cooperationField scr:field-information-security"),
    ("p1-s4", "procurators-general of the member states regularly hold meetings",
     "scr:sco-procurators-general-meetings sc:attendedByRole scr:role-procurator-general"),
    ("p1-s4", "heads of supreme courts regularly hold meetings",
     "scr:sco-supreme-court-heads-meetings sc:attendedByRole scr:role-head-of-supreme-court"),
    ("p1-s4", "defense ministers regularly hold meetings",
     "scr:sco-defence-ministers-meetings sc:attendedByRole scr:role-defence-minister"),
    ("p1-s4", "leaders of law enforcement and security agencies regularly hold meetings",
     "scr:sco-law-enforcement-security-leaders-meetings sc:attendedByRole "
     "scr:role-law-enforcement-security-leader"),
    ("p1-s4", "these meetings are held regularly",
     'scr:sco-defence-ministers-meetings sc:frequency "regularly"@en'),
    ("p1-s4", "the meetings deepen cooperation", 'scr:sco sc:cooperationTrend "deepening"@en'),
    ("p1-s4", "cooperation in the justice field", "scr:sco sc:cooperationField scr:field-justice"),
    ("p1-s4", "cooperation in the defense field", "scr:sco sc:cooperationField scr:field-defence"),
    ("p1-s4", "cooperation in the law enforcement field",
     "scr:sco sc:cooperationField scr:field-law-enforcement"),
    ("p1-s4", "cooperation in the security field", "scr:sco sc:cooperationField scr:field-security"),
    ("p1-s4", "and in other fields",
     "scr:sco sc:fieldsAsStated ?f . FILTER(CONTAINS(?f, 'and other fields'))"),
    ("p2-s1", "China attaches great importance to the ARF", "scr:china sc:attachesImportanceTo scr:arf"),
    ("p2-s1", "the ARF is a forum", "scr:arf a sc:Forum"),
    ("p2-s2", "the 14th ARF Ministerial Meeting is an ARF meeting",
     "scr:arf-ministerial-meeting-14 sc:forum scr:arf"),
    ("p2-s2", "it is a ministerial meeting", "scr:arf-ministerial-meeting-14 a sc:MinisterialMeeting"),
    ("p2-s2", "it is the 14th", 'scr:arf-ministerial-meeting-14 sc:sessionNumber "14"^^xsd:integer'),
    ("p2-s2", "it was held in August 2007",
     'scr:arf-ministerial-meeting-14 sc:month "2007-08"^^xsd:gYearMonth'),
    ("p2-s2", "China stressed the new security concept", "scr:new-security-concept sc:stressedBy scr:china"),
    ("p2-s2", "China stressed it at the 14th ARF Ministerial Meeting",
     "scr:new-security-concept sc:advancedAt scr:arf-ministerial-meeting-14"),
    ("p2-s2", "the concept is based on the diversity and common interests of the Asia-Pacific region",
     "scr:new-security-concept sc:content ?c . FILTER(CONTAINS(?c, 'diversity and common interests'))"),
    ("p2-s2",
     "the concept accords with the inherent law and requirements of the region's pursuit of peace ...",
     "scr:new-security-concept sc:content ?c . FILTER(CONTAINS(?c, 'inherent law and requirements'))"),
    ("p2-s2", "China took part in the 14th ARF Ministerial Meeting (implied)",
     "scr:arf-ministerial-meeting-14 sc:participant scr:china"),
    ("p2-s3", "China co-hosted the ARF Round Table Discussion on Stocktaking of Maritime Security Issues",
     "scr:arf-round-table-maritime-security sc:coHost scr:china"),
    ("p2-s3", "Indonesia co-hosted the round table (respectively)",
     "scr:arf-round-table-maritime-security sc:coHost scr:indonesia"),
    ("p2-s3", "China co-hosted the ARF Seminar on Narcotics Control",
     "scr:arf-seminar-narcotics-control sc:coHost scr:china"),
    ("p2-s3", "Thailand co-hosted the seminar (respectively)",
     "scr:arf-seminar-narcotics-control sc:coHost scr:thailand"),
    ("p2-s3", "both were ARF meetings", "scr:arf-seminar-narcotics-control sc:forum scr:arf"),
    ("p2-s3", "both were in the past two years",
     'scr:arf-seminar-narcotics-control sc:timeframeStated "in the past two years"@en'),
    ("p2-s4", "China proposed the ARF General Guidelines for Disaster Relief Cooperation",
     "scr:arf-guidelines-disaster-relief sc:proposedBy scr:china"),
    ("p2-s4", "China drafted the Guidelines", "scr:arf-guidelines-disaster-relief sc:draftedBy scr:china"),
    ("p2-s4", "the Guidelines were adopted at the 14th ARF Ministerial Meeting",
     "scr:arf-guidelines-disaster-relief sc:adoptedAt scr:arf-ministerial-meeting-14"),
    ("p2-s4",
     "the Guidelines are the first ARF framework document providing guidance for disaster relief cooperation",
     "scr:arf-guidelines-disaster-relief sc:significance ?s . "
     "FILTER(CONTAINS(?s, 'first ARF framework document'))"),
    ("p2-s4", "the Guidelines concern disaster relief",
     "scr:arf-guidelines-disaster-relief sc:concernsField scr:field-disaster-relief"),
    ("p3-s1", "China-ASEAN cooperation is in non-traditional security fields",
     "scr:china-asean sc:cooperationField scr:field-non-traditional-security"),
    ("p3-s1", "ASEAN Plus Three cooperation is in non-traditional security fields",
     "scr:asean-plus-three sc:cooperationField scr:field-non-traditional-security"),
    ("p3-s1", "that cooperation is developing in depth",
     'scr:china-asean sc:cooperationTrend "developing in depth"@en . '
     'scr:asean-plus-three sc:cooperationTrend "developing in depth"@en'),
    ("p3-s1", "ASEAN Plus Three is ASEAN plus China, Japan and the Republic of Korea",
     "?m sc:member scr:japan . ?m sc:organization scr:asean-plus-three"),
    ("p3-s2", "the China-ASEAN Summit was held in January 2007",
     'scr:china-asean-summit-2007 sc:month "2007-01"^^xsd:gYearMonth'),
    ("p3-s2", "the ASEAN Plus Three Summit was held in November 2007",
     'scr:apt-summit-2007 sc:month "2007-11"^^xsd:gYearMonth'),
    ("p3-s2",
     "China put forward initiatives for strengthening cooperation in non-traditional security fields",
     "scr:initiatives-non-traditional-security sc:putForwardBy scr:china"),
    ("p3-s2", "... at the China-ASEAN Summit",
     "scr:initiatives-non-traditional-security sc:advancedAt scr:china-asean-summit-2007"),
    ("p3-s2", "... and at the ASEAN Plus Three Summit",
     "scr:initiatives-non-traditional-security sc:advancedAt scr:apt-summit-2007"),
    ("p3-s2",
     "China emphasized the importance of institutionalized defense cooperation and military exchanges",
     "scr:institutionalized-defence-cooperation sc:emphasizedBy scr:china"),
    ("p3-s2", "... at both summits",
     "scr:institutionalized-defence-cooperation sc:advancedAt scr:apt-summit-2007"),
    ("p3-s2", "China took part in both summits (implied)",
     "scr:china-asean-summit-2007 sc:participant scr:china"),
    ("p3-s3", "China hosted the First China-ASEAN Dialogue between Senior Defense Scholars",
     "scr:cadsds-2008 sc:host scr:china"),
    ("p3-s3", "the dialogue was held in March 2008", 'scr:cadsds-2008 sc:month "2008-03"^^xsd:gYearMonth'),
    ("p3-s3", "it was the first", 'scr:cadsds-2008 sc:sessionNumber "1"^^xsd:integer'),
    ("p3-s3", "China hosted the Second ASEAN Plus Three Workshop on Disaster Relief by Armed Forces",
     "scr:apt-workshop-disaster-relief-2008 sc:host scr:china"),
    ("p3-s3", "the workshop was held in June 2008",
     'scr:apt-workshop-disaster-relief-2008 sc:month "2008-06"^^xsd:gYearMonth'),
    ("p3-s3", "it was the second", 'scr:apt-workshop-disaster-relief-2008 sc:sessionNumber "2"^^xsd:integer'),
]

PREFIXES = """PREFIX sc: <https://w3id.org/seccoop/ontology#>
PREFIX scr: <https://w3id.org/seccoop/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@pytest.fixture(scope="module")
def store():
    return load_project_dataset()


def _first_triple(pattern: str) -> tuple[str, str, str]:
    s, p, o = pattern.split(" . ")[0].split(" ", 2)
    return s, ("rdf:type" if p == "a" else p), o


def test_every_sentence_has_facts():
    assert {sentence for sentence, _, _ in FACTS} == {
        f"p{p}-s{s}" for p, n in ((1, 4), (2, 4), (3, 3)) for s in range(1, n + 1)}


@pytest.mark.parametrize("sentence, fact, pattern", FACTS, ids=[f"{s}: {f}" for s, f, _ in FACTS])
def test_atomic_fact_present_and_traced_to_its_sentence(store, sentence, fact, pattern):
    s, p, o = _first_triple(pattern)
    traced = (f"?st rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; "
              f"prov:wasDerivedFrom scr:{sentence} .")
    query = PREFIXES + "ASK { " + pattern + " . " + traced + " }"
    assert store.query(query, use_default_graph_as_union=True), fact
