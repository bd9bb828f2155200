"""Reasoning inside a remote engine: the OWL 2 RL rules of :mod:`seccoop.rules` as SPARQL
Update, run in rounds until a round adds nothing, writing the inferred graph.

Each rule is one ``INSERT { GRAPH <inferred> { ... } } USING <g>... WHERE { ... }`` over the
published graphs and what was inferred so far. A rule may insert a triple some graph
already holds (cheaper than asking first): a triple store keeps a set, so the inferred
graph stops growing exactly at the fixpoint, and the copies of asserted triples go at the
end, with the trivia the embedded engine never writes (reflexive sameAs, ``a owl:Thing``,
statements about the RDF/RDFS/OWL/XSD vocabulary). Consistency rules are not run here.

Lists (intersections, unions, property chains, keys) are read with ``rdf:rest*/rdf:first``;
property chains and keys are unrolled up to :data:`MAX_LIST` members. Unlike the embedded
engine, no triple with a literal subject is derived even as a step (an engine cannot hold
one): conclusions that need such a step (two literals made ``owl:sameAs`` by a functional
datatype property, then substituted) are not reached.

    >>> len(RULES) > 40
    True
    >>> "cax-sco" in {name for name, _template, _pattern in RULES}
    True
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

from .namespaces import INFERRED_GRAPH_IRI
from .remote import CATALOG, RemoteStore
from .rules import OWL, RDF, RDFS, XSD

MAX_LIST = 4  # property chains and keys of up to this many members
MAX_ROUNDS = 50

_PREFIXES = (f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}> "
             f"PREFIX xsd: <{XSD}>\n")
_MEMBER = "rdf:rest*/rdf:first"


def _chain_rules() -> list[tuple[str, str, str]]:
    rules = []
    for n in range(2, MAX_LIST + 1):
        cells = " ".join(f"?l{i} rdf:first ?p{i} ; rdf:rest ?l{i + 1} ." for i in range(n))
        walk = " ".join(f"?u{i} ?p{i} ?u{i + 1} ." for i in range(n))
        rules.append((f"prp-spo2/{n}", f"?u0 ?p ?u{n}",
                      f"?p owl:propertyChainAxiom ?l0 . {cells} FILTER(?l{n} = rdf:nil) {walk}"))
    return rules


def _key_rules() -> list[tuple[str, str, str]]:
    rules = []
    for n in range(1, MAX_LIST + 1):
        cells = " ".join(f"?l{i} rdf:first ?p{i} ; rdf:rest ?l{i + 1} ." for i in range(n))
        values = " ".join(f"?x ?p{i} ?z{i} . ?y ?p{i} ?z{i} ." for i in range(n))
        rules.append((f"prp-key/{n}", "?x owl:sameAs ?y",
                      f"?c owl:hasKey ?l0 . {cells} FILTER(?l{n} = rdf:nil) "
                      f"?x a ?c . ?y a ?c . {values} FILTER(!sameTerm(?x, ?y))"))
    return rules


# (name, template, pattern): tables 4-9 of the OWL 2 RL/RDF profile as rules.py applies them.
RULES: list[tuple[str, str, str]] = [
    ("eq-sym", "?y owl:sameAs ?x", "?x owl:sameAs ?y"),
    ("eq-trans", "?x owl:sameAs ?z", "?x owl:sameAs ?y . ?y owl:sameAs ?z"),
    ("eq-rep-s", "?s2 ?p ?o", "?s owl:sameAs ?s2 . ?s ?p ?o"),
    ("eq-rep-p", "?s ?p2 ?o", "?p owl:sameAs ?p2 . ?s ?p ?o"),
    ("eq-rep-o", "?s ?p ?o2", "?o owl:sameAs ?o2 . ?s ?p ?o"),
    ("prp-dom", "?x a ?c", "?p rdfs:domain ?c . ?x ?p ?y"),
    ("prp-rng", "?y a ?c", "?p rdfs:range ?c . ?x ?p ?y"),
    ("prp-fp", "?y1 owl:sameAs ?y2",
     "?p a owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 FILTER(!sameTerm(?y1, ?y2))"),
    ("prp-ifp", "?x1 owl:sameAs ?x2",
     "?p a owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y FILTER(!sameTerm(?x1, ?x2))"),
    ("prp-symp", "?y ?p ?x", "?p a owl:SymmetricProperty . ?x ?p ?y"),
    ("prp-trp", "?x ?p ?z", "?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z"),
    ("prp-spo1", "?x ?p2 ?y", "?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y"),
    *_chain_rules(),
    ("prp-eqp1", "?x ?p2 ?y", "?p1 owl:equivalentProperty ?p2 . ?x ?p1 ?y"),
    ("prp-eqp2", "?x ?p1 ?y", "?p1 owl:equivalentProperty ?p2 . ?x ?p2 ?y"),
    ("prp-inv1", "?y ?p2 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y"),
    ("prp-inv2", "?y ?p1 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y"),
    *_key_rules(),
    ("cls-int1", "?y a ?c",
     f"?c owl:intersectionOf ?l . ?l rdf:first ?c1 . ?y a ?c1 "
     f"FILTER NOT EXISTS {{ ?l {_MEMBER} ?ci FILTER NOT EXISTS {{ ?y a ?ci }} }}"),
    ("cls-int2", "?y a ?ci", f"?c owl:intersectionOf ?l . ?y a ?c . ?l {_MEMBER} ?ci"),
    ("cls-uni", "?y a ?c", f"?c owl:unionOf ?l . ?l {_MEMBER} ?ci . ?y a ?ci"),
    ("cls-svf1", "?u a ?x",
     "?x owl:someValuesFrom ?y ; owl:onProperty ?p . ?u ?p ?v . ?v a ?y"),
    ("cls-svf2", "?u a ?x",
     "?x owl:someValuesFrom owl:Thing ; owl:onProperty ?p . ?u ?p ?v"),
    ("cls-avf", "?v a ?y", "?x owl:allValuesFrom ?y ; owl:onProperty ?p . ?u a ?x ; ?p ?v"),
    ("cls-hv1", "?u ?p ?y", "?x owl:hasValue ?y ; owl:onProperty ?p . ?u a ?x"),
    ("cls-hv2", "?u a ?x", "?x owl:hasValue ?y ; owl:onProperty ?p . ?u ?p ?y"),
    ("cls-maxc2", "?y1 owl:sameAs ?y2",
     "?x owl:maxCardinality ?n ; owl:onProperty ?p FILTER(STR(?n) = \"1\") "
     "?u a ?x ; ?p ?y1 , ?y2 FILTER(!sameTerm(?y1, ?y2))"),
    ("cls-maxqc3", "?y1 owl:sameAs ?y2",
     "?x owl:maxQualifiedCardinality ?n ; owl:onProperty ?p ; owl:onClass ?c "
     "FILTER(STR(?n) = \"1\" && !sameTerm(?c, owl:Thing)) "
     "?u a ?x ; ?p ?y1 , ?y2 . ?y1 a ?c . ?y2 a ?c FILTER(!sameTerm(?y1, ?y2))"),
    ("cls-maxqc4", "?y1 owl:sameAs ?y2",
     "?x owl:maxQualifiedCardinality ?n ; owl:onProperty ?p ; owl:onClass owl:Thing "
     "FILTER(STR(?n) = \"1\") ?u a ?x ; ?p ?y1 , ?y2 FILTER(!sameTerm(?y1, ?y2))"),
    ("cls-oo", "?y a ?c", f"?c owl:oneOf ?l . ?l {_MEMBER} ?y"),
    ("cax-sco", "?x a ?c2", "?c1 rdfs:subClassOf ?c2 . ?x a ?c1"),
    ("cax-eqc1", "?x a ?c2", "?c1 owl:equivalentClass ?c2 . ?x a ?c1"),
    ("cax-eqc2", "?x a ?c1", "?c1 owl:equivalentClass ?c2 . ?x a ?c2"),
    ("scm-cls", "?c rdfs:subClassOf ?c , owl:Thing ; owl:equivalentClass ?c . "
                "owl:Nothing rdfs:subClassOf ?c", "?c a owl:Class"),
    ("scm-sco", "?c1 rdfs:subClassOf ?c3", "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3"),
    ("scm-eqc1", "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1",
     "?c1 owl:equivalentClass ?c2"),
    ("scm-eqc2", "?c1 owl:equivalentClass ?c2",
     "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1"),
    ("scm-op", "?p rdfs:subPropertyOf ?p ; owl:equivalentProperty ?p", "?p a owl:ObjectProperty"),
    ("scm-dp", "?p rdfs:subPropertyOf ?p ; owl:equivalentProperty ?p",
     "?p a owl:DatatypeProperty"),
    ("scm-spo", "?p1 rdfs:subPropertyOf ?p3",
     "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3"),
    ("scm-eqp1", "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1",
     "?p1 owl:equivalentProperty ?p2"),
    ("scm-eqp2", "?p1 owl:equivalentProperty ?p2",
     "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1"),
    ("scm-dom1", "?p rdfs:domain ?c2", "?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2"),
    ("scm-dom2", "?p1 rdfs:domain ?c", "?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2"),
    ("scm-rng1", "?p rdfs:range ?c2", "?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2"),
    ("scm-rng2", "?p1 rdfs:range ?c", "?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2"),
    ("scm-hv", "?c1 rdfs:subClassOf ?c2",
     "?c1 owl:hasValue ?i ; owl:onProperty ?p1 . ?c2 owl:hasValue ?i ; owl:onProperty ?p2 . "
     "?p1 rdfs:subPropertyOf ?p2"),
    ("scm-svf1", "?c1 rdfs:subClassOf ?c2",
     "?c1 owl:someValuesFrom ?y1 ; owl:onProperty ?p . ?c2 owl:someValuesFrom ?y2 ; "
     "owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2"),
    ("scm-svf2", "?c1 rdfs:subClassOf ?c2",
     "?c1 owl:someValuesFrom ?y ; owl:onProperty ?p1 . ?c2 owl:someValuesFrom ?y ; "
     "owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2"),
    ("scm-avf1", "?c1 rdfs:subClassOf ?c2",
     "?c1 owl:allValuesFrom ?y1 ; owl:onProperty ?p . ?c2 owl:allValuesFrom ?y2 ; "
     "owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2"),
    ("scm-avf2", "?c2 rdfs:subClassOf ?c1",
     "?c1 owl:allValuesFrom ?y ; owl:onProperty ?p1 . ?c2 owl:allValuesFrom ?y ; "
     "owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2"),
    ("scm-int", "?c rdfs:subClassOf ?ci", f"?c owl:intersectionOf ?l . ?l {_MEMBER} ?ci"),
    ("scm-uni", "?ci rdfs:subClassOf ?c", f"?c owl:unionOf ?l . ?l {_MEMBER} ?ci"),
]


_TERM = re.compile(r"\b(owl|rdfs):([A-Za-z]+)")
_NOT_SCHEMA = {"owl:Thing", "owl:Nothing"}  # objects of other terms, not used as predicates


def _needs(pattern: str) -> set[str]:
    """The RDFS/OWL predicates and types a rule's pattern matches on, as full IRIs."""
    base = {"owl": OWL, "rdfs": RDFS}
    return {base[m.group(1)] + m.group(2) for m in _TERM.finditer(pattern)
            if m.group(0) not in _NOT_SCHEMA}


def _vocabulary(remote: RemoteStore, graphs: list[str]) -> set[str]:
    """The RDFS/OWL terms used as predicates or types in ``graphs`` (one query a round)."""
    rows = remote.query(
        f"SELECT DISTINCT ?t WHERE {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} "
        f'FILTER(isIRI(?t) && (STRSTARTS(STR(?t), "{OWL}") || STRSTARTS(STR(?t), "{RDFS}"))) }}',
        default_graph=[_named(g) for g in graphs], named_graphs=[])
    return {row["t"].value for row in rows}


def _named(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


@dataclass
class PushdownReport:
    rounds: int = 0
    inferred: int = 0
    seconds: float = 0.0
    per_round: list[int] = field(default_factory=list)


def rule_update(template: str, pattern: str, graphs: list[str], target: str) -> str:
    """One rule as SPARQL Update: its conclusions into ``target``, read over ``graphs``."""
    using = " ".join(f"USING <{g}>" for g in graphs)
    guards = _guards(template)
    return (f"{_PREFIXES}INSERT {{ GRAPH <{target}> {{ {template} }} }}\n{using}\n"
            f"WHERE {{ {pattern} {f'FILTER({guards})' if guards else ''} }}")


def _guards(template: str) -> str:
    """Conditions that keep a conclusion a valid triple: no literal subject, an IRI
    predicate. The embedded engine derives such non-triples and never writes them;
    Virtuoso refuses the whole update for one of them, so they are not derived here."""
    tests = []
    for statement in template.split(" . "):
        words = statement.split()
        if words[0].startswith("?"):
            tests.append(f"!isLiteral({words[0]})")
        for position, word in enumerate(words):
            if (position == 1 or words[position - 1] == ";") and word.startswith("?"):
                tests.append(f"isIRI({word})")
    return " && ".join(dict.fromkeys(tests))


def cleanup_update(graphs: list[str], target: str) -> str:
    """Drops from ``target`` the copies of asserted triples and the trivia rules.py never
    writes (see :func:`seccoop.reasoning.inferred_triples`)."""
    vocab = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in (RDF, RDFS, OWL, XSD))
    asserted = " UNION ".join(f"{{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in graphs)
    return (f"{_PREFIXES}DELETE {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ "
            f"GRAPH <{target}> {{ ?s ?p ?o }} FILTER(({vocab}) || (?p = owl:sameAs && "
            f"sameTerm(?s, ?o)) || (?p = rdf:type && ?o = owl:Thing)) }} ;\n"
            f"DELETE {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{target}> "
            f"{{ ?s ?p ?o }} {asserted} }}")


def reason_remotely(remote: RemoteStore, *, target: str = INFERRED_GRAPH_IRI,
                    say: Callable[[str], None] = lambda line: None) -> PushdownReport:
    """Replace ``target`` on ``remote`` by the closure of the other published graphs."""
    started = time.perf_counter()
    graphs = [g for g in remote.catalog(fresh=True).graphs if g != target]
    report = PushdownReport()
    remote.update(f"DROP SILENT GRAPH <{target}>")
    size = 0
    for report.rounds in range(1, MAX_ROUNDS + 1):
        present = _vocabulary(remote, [*graphs, target])
        for _name, template, pattern in RULES:
            if _needs(pattern) <= present:  # a rule whose schema is absent derives nothing
                remote.update(rule_update(template, pattern, [*graphs, target], target))
        now = remote.counts([target])[target]
        report.per_round.append(now - size)
        say(f"round {report.rounds}: {now - size:,} new triples")
        if now == size:
            break
        size = now
    remote.update(cleanup_update(graphs, target))
    report.inferred = remote.counts([target])[target]
    remote.update(f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{target}> ?p ?o }} }}")
    remote.update(f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <{target}> "
                  f"<urn:seccoop:triples> {report.inferred} . "
                  f"<{CATALOG}> <urn:seccoop:graph> <{target}> }} }}")
    report.seconds = time.perf_counter() - started
    return report
