"""Reasoning inside a remote engine: the OWL 2 RL rules of :mod:`seccoop.rules` as SPARQL
Update, run in rounds until a round adds nothing, writing the inferred graph.

The published graphs are first copied into one working graph. Each rule is then one
``INSERT { GRAPH <work> { c } GRAPH <staged> { c } } WHERE { GRAPH <work> { ... FILTER NOT
EXISTS { c } } }`` per conclusion ``c``, so a round writes only what is new and the rounds
stop exactly at the fixpoint. The staging graph, less the trivia the embedded engine never
writes (reflexive sameAs, ``a owl:Thing``, statements about the RDF/RDFS/OWL/XSD
vocabulary), then replaces the inferred graph in one update. Consistency rules are not run
here.

Rules over lists (intersections, unions, one-of, property chains, keys) are unrolled per
list length, up to :data:`MAX_LIST` members, and run only for lengths some axiom has;
property chains and keys are read from the schema first and run per axiom. Unlike the
embedded engine, no triple with a literal subject is derived even as a step (an engine
cannot hold one): conclusions that need such a step (two literals made ``owl:sameAs`` by a
functional datatype property, then substituted) are not reached.

    >>> len(RULES) > 40
    True
    >>> "cax-sco" in {name for name, _template, _pattern in RULES}
    True
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox

from .namespaces import INFERRED_GRAPH_IRI
from .remote import CATALOG, PENDING, STAGING_PREFIX, VOCAB, RemoteStore
from .rules import OWL, RDF, RDFS, XSD

MAX_LIST = 8  # property chains, keys and intersections of up to this many members
MAX_ROUNDS = 50

_PREFIXES = (f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}> "
             f"PREFIX xsd: <{XSD}>\n")


def _cells(n: int) -> str:
    """The first ``n`` cells of the list ``?l0`` (members ``?p0``...), ending there."""
    cells = " ".join(f"?l{i} rdf:first ?p{i} ; rdf:rest ?l{i + 1} ." for i in range(n))
    return f"{cells} FILTER(?l{n} = rdf:nil)"


# Rules over lists (property chains, keys) are instantiated: the schema is read first, one
# query per list length, and each axiom found becomes an update with its properties as
# constants. Matching the list and the data in one pattern let Virtuoso walk the data
# first: 220 s of the project's 224 s went there.
# (list length, schema pattern binding ?head and ?p0..., template, data pattern)
def _list_rules() -> list[tuple[int, str, str, str]]:
    rules = []
    for n in range(2, MAX_LIST + 1):  # prp-spo2
        rules.append((n, f"?head owl:propertyChainAxiom ?l0 . {_cells(n)}", f"?u0 ?head ?u{n}",
                      " ".join(f"?u{i} ?p{i} ?u{i + 1} ." for i in range(n))))
    for n in range(1, MAX_LIST + 1):  # prp-key
        rules.append((n, f"?head owl:hasKey ?l0 . {_cells(n)}", "?x owl:sameAs ?y",
                      "?x a ?head . ?y a ?head . "
                      + " ".join(f"?x ?p{i} ?z{i} . ?y ?p{i} ?z{i} ." for i in range(n))
                      + " FILTER(!sameTerm(?x, ?y))"))
    return rules


LIST_RULES = _list_rules()


def list_rule_updates(remote: RemoteStore, work: str, staged: str) -> list[str]:
    """The updates of the list rules for the chains and keys ``work`` declares now."""
    updates = []
    for n, schema, template, data in LIST_RULES:
        members = " ".join(f"?p{i}" for i in range(n))
        rows = remote.select_in(f"{_PREFIXES}SELECT DISTINCT ?head {members} WHERE {{ "
                                f"GRAPH <{work}> {{ {schema} }} }}", named=[work])
        for row in rows:
            bound = {"?head": row["head"], **{f"?p{i}": row[f"p{i}"] for i in range(n)}}
            if not all(isinstance(term, ox.NamedNode) for term in bound.values()):
                continue  # a list holding a literal or blank node names no property
            updates.append(rule_update(_bind(template, bound), _bind(data, bound), work, staged))
    return updates


def _bind(text: str, bound: dict) -> str:
    """``text`` with the variables of ``bound`` replaced by their IRIs."""
    return re.sub(r"\?[A-Za-z]\w*",
                  lambda m: f"<{bound[m.group(0)].value}>" if m.group(0) in bound else m.group(0),
                  text)


def _OTHER(a: str, b: str) -> str:  # noqa: N802 - reads as part of a pattern
    """Ends a schema triple: only where its two terms differ. With them equal (every
    property is its own sub-property and equivalent, every class its own subclass) the
    conclusion is the premise itself, and matching it scans every triple of the graph."""
    return f"FILTER(!sameTerm({a}, {b})) ."


# Rules run only when their list exists: name -> the schema part to look for first.
_GATES: dict[str, str] = {}


def _list_member_rules() -> list[tuple[str, str, str]]:
    """The rules over class lists (cls-int1, cls-int2, cls-uni, cls-oo, scm-int, scm-uni)
    once per list length and member, as plain patterns: no ``rdf:rest*`` path. Virtuoso
    7.2 finds no zero-length path inside FILTER NOT EXISTS, and under load its counts over
    rdf:rest* came out short; either typed the instances of one member as the whole
    intersection."""
    # kind: (list property, template, data pattern); ?c the class, ?m the member
    kinds = {"cls-int2": ("intersectionOf", "?y a ?m", "?y a ?c ."),
             "cls-uni": ("unionOf", "?y a ?c", "?y a ?m ."),
             "cls-oo": ("oneOf", "?m a ?c", ""),
             "scm-int": ("intersectionOf", "?c rdfs:subClassOf ?m", ""),
             "scm-uni": ("unionOf", "?m rdfs:subClassOf ?c", "")}
    rules = []
    for n in range(1, MAX_LIST + 1):
        schema = f"?c owl:intersectionOf ?l0 . {_cells(n)}"
        _GATES[f"cls-int1/{n}"] = schema
        rules.append((f"cls-int1/{n}", "?y a ?c",
                      f"{schema} " + " ".join(f"?y a ?p{i} ." for i in range(n))))
        for kind, (prop, template, data) in kinds.items():
            schema = f"?c owl:{prop} ?l0 . {_cells(n)}"
            for i in range(n):
                name = f"{kind}/{n}/{i}"
                _GATES[name] = schema
                member = f"?p{i}"
                rules.append((name, template.replace("?m", member),
                              f"{schema} {data.replace('?m', member)}"))
    return rules


# (name, template, pattern): tables 4-9 of the OWL 2 RL/RDF profile as rules.py applies them.
RULES: list[tuple[str, str, str]] = [
    ("eq-sym", "?y owl:sameAs ?x", "?x owl:sameAs ?y"),
    ("eq-trans", "?x owl:sameAs ?z", "?x owl:sameAs ?y . ?y owl:sameAs ?z"),
    ("eq-rep-s", "?s2 ?p ?o", f"?s owl:sameAs ?s2 {_OTHER('?s', '?s2')} ?s ?p ?o"),
    ("eq-rep-p", "?s ?p2 ?o", f"?p owl:sameAs ?p2 {_OTHER('?p', '?p2')} ?s ?p ?o"),
    ("eq-rep-o", "?s ?p ?o2", f"?o owl:sameAs ?o2 {_OTHER('?o', '?o2')} ?s ?p ?o"),
    ("prp-dom", "?x a ?c", "?p rdfs:domain ?c . ?x ?p ?y"),
    ("prp-rng", "?y a ?c", "?p rdfs:range ?c . ?x ?p ?y"),
    ("prp-fp", "?y1 owl:sameAs ?y2",
     "?p a owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 FILTER(!sameTerm(?y1, ?y2))"),
    ("prp-ifp", "?x1 owl:sameAs ?x2",
     "?p a owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y FILTER(!sameTerm(?x1, ?x2))"),
    ("prp-symp", "?y ?p ?x", "?p a owl:SymmetricProperty . ?x ?p ?y"),
    ("prp-trp", "?x ?p ?z", "?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z"),
    ("prp-spo1", "?x ?p2 ?y", f"?p1 rdfs:subPropertyOf ?p2 {_OTHER('?p1', '?p2')} ?x ?p1 ?y"),
    ("prp-eqp1", "?x ?p2 ?y", f"?p1 owl:equivalentProperty ?p2 {_OTHER('?p1', '?p2')} ?x ?p1 ?y"),
    ("prp-eqp2", "?x ?p1 ?y", f"?p1 owl:equivalentProperty ?p2 {_OTHER('?p1', '?p2')} ?x ?p2 ?y"),
    ("prp-inv1", "?y ?p2 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y"),
    ("prp-inv2", "?y ?p1 ?x", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y"),
    *_list_member_rules(),
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
    ("cax-sco", "?x a ?c2", f"?c1 rdfs:subClassOf ?c2 {_OTHER('?c1', '?c2')} ?x a ?c1"),
    ("cax-eqc1", "?x a ?c2", f"?c1 owl:equivalentClass ?c2 {_OTHER('?c1', '?c2')} ?x a ?c1"),
    ("cax-eqc2", "?x a ?c1", f"?c1 owl:equivalentClass ?c2 {_OTHER('?c1', '?c2')} ?x a ?c2"),
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
]


def _single(rules: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One rule per conclusion triple, so that ``FILTER NOT EXISTS`` on the conclusion
    skips exactly what the graphs hold already."""
    single = []
    for name, template, pattern in rules:
        for statement in template.split(" . "):
            subject, _, rest = statement.partition(" ")
            for part in rest.split(";"):
                predicate, _, objects = part.strip().partition(" ")
                single += [(name, f"{subject} {predicate} {o.strip()}", pattern)
                           for o in objects.split(",")]
    return single


# The schema rules first: a round then applies the instance rules over a schema already
# closed (subclass chains, domains of sub-properties), and the rounds to a fixpoint are
# fewer. Each round costs about as much as the first, even when it adds nothing.
RULES = _single(sorted(RULES, key=lambda rule: not rule[0].startswith("scm-")))

_TERM = re.compile(r"\b(owl|rdfs):([A-Za-z]+)")
_NOT_SCHEMA = {"owl:Thing", "owl:Nothing"}  # objects of other terms, not used as predicates


def _needs(pattern: str) -> set[str]:
    """The RDFS/OWL predicates and types a rule's pattern matches on, as full IRIs."""
    base = {"owl": OWL, "rdfs": RDFS}
    return {base[m.group(1)] + m.group(2) for m in _TERM.finditer(pattern)
            if m.group(0) not in _NOT_SCHEMA}


def _vocabulary(remote: RemoteStore, work: str) -> set[str]:
    """The RDFS/OWL terms used as predicates or types in ``work`` (one query a round)."""
    rows = remote.select_in(
        f"SELECT DISTINCT ?t WHERE {{ GRAPH <{work}> {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} }} "
        f'FILTER(isIRI(?t) && (STRSTARTS(STR(?t), "{OWL}") || STRSTARTS(STR(?t), "{RDFS}"))) }}',
        named=[work])
    return {row["t"].value for row in rows}


@dataclass
class PushdownReport:
    rounds: int = 0
    inferred: int = 0
    seconds: float = 0.0
    per_round: list[int] = field(default_factory=list)


def rule_update(template: str, pattern: str, work: str, staged: str) -> str:
    """One rule as SPARQL Update: its conclusion (one triple), read in ``work``, into
    ``work`` and ``staged`` unless ``work`` holds it already.

    One graph to read, not the union of the published ones: Virtuoso matched a rule ten
    times faster so. Skipping known triples is what makes a round cheap once little is
    new: an engine spends as long re-inserting a triple as inserting a new one."""
    guards = _guards(template)
    return (f"{_PREFIXES}INSERT {{ GRAPH <{work}> {{ {template} }} "
            f"GRAPH <{staged}> {{ {template} }} }}\n"
            f"WHERE {{ GRAPH <{work}> {{ {pattern} {f'FILTER({guards})' if guards else ''} "
            f"FILTER NOT EXISTS {{ {template} }} }} }}")


def _guards(template: str) -> str:
    """Conditions that keep a conclusion a valid triple: no literal subject, an IRI
    predicate. The embedded engine derives such non-triples and never writes them;
    Virtuoso refuses the whole update for one of them, so they are not derived here."""
    subject, predicate, _ = template.split(None, 2)
    tests = [f"!isLiteral({subject})"] if subject.startswith("?") else []
    if predicate.startswith("?"):
        tests.append(f"isIRI({predicate})")
    return " && ".join(tests)


def cleanup_update(target: str) -> str:
    """Drops from ``target`` the trivia rules.py never writes (see
    :func:`seccoop.reasoning.inferred_triples`). Copies of asserted triples never get
    there: each rule skips what the graphs hold."""
    vocab = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in (RDF, RDFS, OWL, XSD))
    return (f"{_PREFIXES}DELETE {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ "
            f"GRAPH <{target}> {{ ?s ?p ?o }} FILTER(({vocab}) || (?p = owl:sameAs && "
            f"sameTerm(?s, ?o)) || (?p = rdf:type && ?o = owl:Thing)) }}")


def reason_remotely(remote: RemoteStore, *, target: str | None = None,
                    say: Callable[[str], None] = lambda line: None) -> PushdownReport:
    """Replace ``target`` on ``remote`` by the closure of the other published graphs.

    ``target`` defaults to the published inferred graph (``<graph base>inferred``, named
    after the project that was published), else the packaged project's. The rules run
    over a working copy of the published graphs and write into a staging graph, which
    replaces ``target`` in one update at the end: readers see the old inferred graph
    until then. An interrupted run leaves both listed for the next publish to drop."""
    from .publish import drop_leftovers

    started = time.perf_counter()
    published = remote.catalog(fresh=True).graphs
    if target is None:
        target = next((g for g in published if g.endswith("/inferred")), INFERRED_GRAPH_IRI)
    graphs = [g for g in published if g != target]
    drop_leftovers(remote, say)
    run = uuid.uuid4().hex[:12]
    work, staged = f"{STAGING_PREFIX}{run}:work", f"{STAGING_PREFIX}{run}:inferred"
    remote.update(f"INSERT DATA {{ GRAPH <{PENDING}> {{ <{work}> a <{VOCAB}Staging> . "
                  f"<{staged}> a <{VOCAB}Staging> }} }}")
    say(f"copying {len(graphs)} graphs into a working graph")
    remote.update(" ;\n".join(f"ADD SILENT GRAPH <{g}> TO GRAPH <{work}>" for g in graphs))
    report = PushdownReport()
    size = 0
    for report.rounds in range(1, MAX_ROUNDS + 1):
        _round(remote, work, staged)
        total = remote.counts([staged])[staged]
        new, size = total - size, total
        report.per_round.append(new)
        say(f"round {report.rounds}: {new:,} new triples")
        if new == 0:
            break
    remote.update(cleanup_update(staged))
    report.inferred = remote.counts([staged])[staged]
    remote.update(" ;\n".join([
        f"MOVE SILENT GRAPH <{staged}> TO GRAPH <{target}>",
        f"DROP SILENT GRAPH <{work}>",
        f"DELETE WHERE {{ GRAPH <{CATALOG}> {{ <{target}> ?p ?o }} }}",
        f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <{target}> <{VOCAB}triples> {report.inferred} . "
        f"<{CATALOG}> <{VOCAB}graph> <{target}> }} }}",
        f"DROP SILENT GRAPH <{PENDING}>"]))
    report.seconds = time.perf_counter() - started
    return report


def _exists(remote: RemoteStore, work: str, pattern: str) -> bool:
    rows = remote.select_in(f"{_PREFIXES}SELECT * WHERE {{ GRAPH <{work}> {{ {pattern} }} }} "
                            f"LIMIT 1", named=[work])
    return any(True for _ in rows)


def _round(remote: RemoteStore, work: str, staged: str) -> None:
    """Every rule once, in order."""
    present = _vocabulary(remote, work)
    lists: dict[str, bool] = {}  # schema pattern -> whether some list matches it
    for name, template, pattern in RULES:
        if not _needs(pattern) <= present:  # a rule whose schema is absent derives nothing
            continue
        gate = _GATES.get(name)
        if gate is not None and gate not in lists:
            lists[gate] = _exists(remote, work, gate)
        if gate is not None and not lists[gate]:
            continue  # matched data-first, a pattern for a list no axiom has can run long
        remote.update(rule_update(template, pattern, work, staged))
    if {OWL + "propertyChainAxiom", OWL + "hasKey"} & present:
        for update in list_rule_updates(remote, work, staged):
            remote.update(update)
