"""OWL 2 RL consistency: every clash the profile's rules can find, reported in labels.

Checked on the closure after materialisation: members of ``owl:Nothing`` (cls-nothing2),
disjoint classes (cax-dw, cax-adc), ``owl:differentFrom`` against ``owl:sameAs`` (eq-diff1/2/3),
functional-property clashes between different literals (prp-fp, prp-ifp), irreflexive and
asymmetric properties (prp-irp, prp-asyp), property disjointness (prp-pdw, prp-adp), negative
assertions (prp-npa1/2), complements (cls-com) and cardinality (cls-maxc1, cls-maxqc1/2).
Each clash carries the explanation of its facts, down to their source sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .reasoning import (Explainer, Explanation, Triple, display_label, format_triple,
                        inferred_graph_or_default, labels_for, load_closure)
from .rules import OWL, Closure, literal_datatype, literal_value

@dataclass
class Inconsistency:
    """One clash found by an OWL 2 RL consistency rule (``kind`` is the rule's name)."""

    kind: str
    message: str
    triples: list[Triple]
    sources: list[list[tuple[str, str]]]  # per triple: source sentences (of its asserted leaves)
    explanations: list[Explanation] = field(default_factory=list)
    labels: dict = field(default_factory=dict)  # term -> display label, for formatting


def _lit_value(term: str):
    """A comparable data value for dt-diff: numbers by value, other literals as written."""
    dt = literal_datatype(term) or ""
    if dt.endswith(("integer", "int", "long", "short", "byte", "decimal", "double", "float",
                    "Integer")):
        try:
            return float(literal_value(term))
        except ValueError:
            pass
    return term


def _clashes(c: Closure):
    """Yield (rule, message template, int triples) for every OWL 2 RL rule that derives false.

    Message templates use {0}, {1}, ... for terms that get labels later.
    """
    T, out = c.TYPE, c.out
    iri = c.intern
    yield from ((("cls-nothing2", "{0} is a member of owl:Nothing, which has no members",
                  [(x, T, c.NOTHING)], [x])) for x in tuple(c.subjects(T, c.NOTHING)))
    disjoint = iri("<%sdisjointWith>" % OWL)
    for c1, c2s in list(out.get(disjoint, {}).items()):
        for c2 in c2s:
            yield from _pairwise_types(c, "cax-dw", c1, c2, [(c1, disjoint, c2)])
    complement = iri("<%scomplementOf>" % OWL)
    for c1, c2s in list(out.get(complement, {}).items()):
        for c2 in c2s:
            yield from _pairwise_types(c, "cls-com", c1, c2, [(c1, complement, c2)])
    for x in tuple(c.subjects(T, iri("<%sAllDisjointClasses>" % OWL))):
        for head in c.objects(x, iri("<%smembers>" % OWL)):
            members = c.list_items(head)
            for i, c1 in enumerate(members):
                for c2 in members[i + 1:]:
                    yield from _pairwise_types(c, "cax-adc", c1, c2, [(x, iri("<%smembers>" % OWL), head)])
    yield from _equality_clashes(c)
    yield from _property_clashes(c)
    yield from _cardinality_clashes(c)


def _pairwise_types(c: Closure, rule, c1, c2, axioms):
    T = c.TYPE
    for x in set(c.subjects(T, c1)) & set(c.subjects(T, c2)):
        what = "disjoint" if rule != "cls-com" else "complements of each other"
        yield (rule, "{0} is in both classes {1} and {2}, which are %s" % what,
               [(x, T, c1), (x, T, c2)] + axioms, [x, c1, c2])


def _equality_clashes(c: Closure):
    S, iri = c.SAME, c.intern
    different = iri("<%sdifferentFrom>" % OWL)
    seen = set()
    for x, ys in list(c.out.get(different, {}).items()):
        for y in ys:
            # eq-rep copies differentFrom onto every alias: report each clash once per group.
            group = frozenset((x, y, *c.objects(x, S), *c.objects(y, S)))
            for a, b in ((x, y), (y, x)):
                if (x == y or c.has(a, S, b)) and group not in seen:
                    seen.add(group)
                    same = [] if x == y else [(a, S, b)]
                    yield ("eq-diff1", "{0} and {1} are declared different but are the same",
                           [(x, different, y)] + same, [x, y])
    for kind, name in (("eq-diff2", "members"), ("eq-diff3", "distinctMembers")):
        for x in tuple(c.subjects(c.TYPE, iri("<%sAllDifferent>" % OWL))):
            for head in c.objects(x, iri("<%s%s>" % (OWL, name))):
                members = c.list_items(head)
                for i, a in enumerate(members):
                    for b in members[i + 1:]:
                        if a != b and c.has(a, S, b):
                            yield (kind, "{0} and {1} are declared all different but are the same",
                                   [(x, iri("<%s%s>" % (OWL, name)), head), (a, S, b)], [a, b])
    # dt-diff + eq-diff1: two literals with different values made equal (e.g. by prp-fp).
    for a in sorted(c.literals):
        for b in tuple(c.objects(a, S)):
            if b in c.literals and a < b and _lit_value(c.terms[a]) != _lit_value(c.terms[b]):
                rule = c.why[(a, S, b)][0] if c.why and (a, S, b) in c.why else "dt-diff"
                yield (rule, "{0} and {1} must be the same value but are different literals",
                       [(a, S, b)], [a, b])


def _property_clashes(c: Closure):
    T, iri = c.TYPE, c.intern
    for x_kind, rule, msg in (("IrreflexiveProperty", "prp-irp", "{0} {1} itself, but {1} is irreflexive"),):
        for p in tuple(c.subjects(T, iri("<%s%s>" % (OWL, x_kind)))):
            for x in [x for x, os_ in c.out.get(p, {}).items() if x in os_]:
                yield (rule, msg, [(x, p, x), (p, T, iri("<%s%s>" % (OWL, x_kind)))], [x, p])
    asym = iri("<%sAsymmetricProperty>" % OWL)
    for p in tuple(c.subjects(T, asym)):
        for x, ys in list(c.out.get(p, {}).items()):
            for y in ys:
                if x <= y and c.has(y, p, x):
                    yield ("prp-asyp", "{0} {1} {2} and {2} {1} {0}, but {1} is asymmetric",
                           [(x, p, y), (y, p, x), (p, T, asym)], [x, p, y])
    pdw = iri("<%spropertyDisjointWith>" % OWL)
    pairs = [(p1, p2, [(p1, pdw, p2)], "prp-pdw") for p1, p2s in c.out.get(pdw, {}).items() for p2 in p2s]
    members = iri("<%smembers>" % OWL)
    for x in tuple(c.subjects(T, iri("<%sAllDisjointProperties>" % OWL))):
        for head in c.objects(x, members):
            ps = c.list_items(head)
            pairs += [(a, b, [(x, members, head)], "prp-adp") for i, a in enumerate(ps) for b in ps[i + 1:]]
    for p1, p2, axioms, rule in pairs:
        for x, ys in list(c.out.get(p1, {}).items()):
            for y in ys:
                if c.has(x, p2, y):
                    yield (rule, "{0} {1} {2} and {0} {3} {2}, but {1} and {3} are disjoint",
                           [(x, p1, y), (x, p2, y)] + axioms, [x, p1, y, p2])
    src, prop = iri("<%ssourceIndividual>" % OWL), iri("<%sassertionProperty>" % OWL)
    for kind, target in (("prp-npa1", "targetIndividual"), ("prp-npa2", "targetValue")):
        tgt = iri("<%s%s>" % (OWL, target))
        for x, i1s in list(c.out.get(src, {}).items()):
            for i1, p, i2 in ((i1, p, i2) for i1 in i1s for p in c.objects(x, prop)
                              for i2 in c.objects(x, tgt)):
                if c.has(i1, p, i2):
                    yield (kind, "{0} {1} {2}, but a negative assertion denies it",
                           [(i1, p, i2), (x, src, i1), (x, prop, p), (x, tgt, i2)], [i1, p, i2])


def _cardinality_clashes(c: Closure):
    T = c.TYPE
    for x, p in [(x, p) for x, ps in c.out[c.ONPROP].items() for p in ps]:
        zero_max = c.cardinality(x, c.MAXC) == 0
        zero_q = c.cardinality(x, c.MAXQC) == 0
        if not (zero_max or zero_q):
            continue
        for u in tuple(c.subjects(T, x)):
            for y in tuple(c.objects(u, p)):
                if zero_max:
                    yield ("cls-maxc1", "{0} {1} {2}, but {0} may have no {1} at all",
                           [(u, T, x), (u, p, y), (x, c.ONPROP, p)], [u, p, y])
                for cls in c.objects(x, c.ONCLASS) if zero_q else ():
                    if cls == c.THING:
                        yield ("cls-maxqc2", "{0} {1} {2}, but {0} may have no {1} at all",
                               [(u, T, x), (u, p, y), (x, c.ONPROP, p)], [u, p, y])
                    elif c.has(y, T, cls):
                        yield ("cls-maxqc1", "{0} {1} {2}, a {3}, but {0} may have no {1} that is a {3}",
                               [(u, T, x), (u, p, y), (y, T, cls), (x, c.ONPROP, p)], [u, p, y, cls])


def find_inconsistencies(store: ox.Store, *, inferred_graph: ox.NamedNode | None = None,
                         closure: Closure | None = None) -> list[Inconsistency]:
    """Every clash the OWL 2 RL consistency rules find in the closure of the asserted graphs.

    ``closure`` is that closure when the caller has already run it (as the build has, to
    materialise it): it is checked as it is, and only when it clashes is the closure run
    again with derivation records, to explain the clashes.

    >>> store = ox.Store()
    >>> store.load(b'''@prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... <urn:A> owl:disjointWith <urn:B> . <urn:x> a <urn:A>, <urn:B> .''',
    ...     ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    >>> [p.kind for p in find_inconsistencies(store)]
    ['cax-dw']
    """
    inferred = inferred_graph_or_default(inferred_graph)
    if closure is not None and closure.why is None and not any(True for _ in _clashes(closure)):
        return []
    if closure is None or closure.why is None:
        closure = load_closure(store, inferred_graph=inferred, record=True)
    explainer = Explainer(store, closure, inferred)
    problems, seen = [], set()
    for rule, template, triples, named in _clashes(closure):
        key = (rule, frozenset(triples))
        if key in seen:
            continue
        seen.add(key)
        expls = [explainer.explain_ids(t) for t in triples]
        terms = [explainer.term(i) for i in named]
        labels = labels_for(store, set(terms).union(*(e.terms() for e in expls)))
        message = template.format(*(display_label(t, labels) for t in terms))
        sources = [[s for leaf in e.leaves() for s in leaf.sources] for e in expls]
        problems.append(Inconsistency(rule, message, [e.triple for e in expls], sources, expls, labels))
    return problems


def format_inconsistencies(problems: list[Inconsistency]) -> str:
    """A readable report: one block per clash with its facts (in labels) and source sentences."""
    lines = []
    for n, p in enumerate(problems, 1):
        lines.append(f"{n}. [{p.kind}] {p.message}")
        labels = p.labels
        explanations: list[Explanation | None] = [*p.explanations] or [None] * len(p.triples)
        for triple, expl, sources in zip(p.triples, explanations, p.sources):
            how = f"inferred by {expl.rule}" if expl and expl.status == "inferred" else "asserted"
            lines.append(f"   - {format_triple(triple, labels)}  ({how})")
            for src, text in dict.fromkeys(sources):
                lines.append(f"       source: \"{text}\" ({src})" if text else f"       source: {src}")
    return "\n".join(lines)
