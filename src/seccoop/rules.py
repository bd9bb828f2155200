"""A semi-naive OWL 2 RL rule engine over interned N-Triples terms.

It reads the store as N-Triples text, interns each term as an int and runs a worklist
evaluation: every triple is joined against the indexes once, when it is popped, so each
rule instance is found when its last premise arrives. ``record=True`` keeps the rule and
premises of each triple's first derivation (well-founded, so explanations never cycle).
The rules mirror tables 4-9 of the OWL 2 RL/RDF profile as owlrl applies them without
axiomatic triples, so the closure contains owlrl's; consistency rules are checked in
:mod:`seccoop.consistency`. Why not ``reasonable`` or owlrl: docs/design.md.

Example::

    >>> c = Closure()
    >>> c.add_ntriples('<urn:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:A> .\\n'
    ...                '<urn:A> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:B> .\\n')
    2
    >>> c.run()
    >>> [c.nt(t) for t in c.derived]
    [('<urn:a>', '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<urn:B>')]
"""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

IntTriples = tuple[tuple[int, int, int], ...]  # premises: triples of term ids
VOCAB_NAMESPACES = (RDF, RDFS, OWL, XSD)

# Names of the vocabulary terms the rules use: attribute name -> IRI.
_V = {
    "TYPE": RDF + "type", "FIRST": RDF + "first", "REST": RDF + "rest", "NIL": RDF + "nil",
    "PROPERTY": RDF + "Property",
    "SCO": RDFS + "subClassOf", "SPO": RDFS + "subPropertyOf",
    "DOMAIN": RDFS + "domain", "RANGE": RDFS + "range",
    "THING": OWL + "Thing", "NOTHING": OWL + "Nothing", "CLASS": OWL + "Class",
    "SAME": OWL + "sameAs", "EQC": OWL + "equivalentClass", "EQP": OWL + "equivalentProperty",
    "INV": OWL + "inverseOf", "CHAIN": OWL + "propertyChainAxiom", "HASKEY": OWL + "hasKey",
    "INTER": OWL + "intersectionOf", "UNION": OWL + "unionOf", "ONEOF": OWL + "oneOf",
    "ONPROP": OWL + "onProperty", "ONCLASS": OWL + "onClass",
    "SVF": OWL + "someValuesFrom", "AVF": OWL + "allValuesFrom", "HASVALUE": OWL + "hasValue",
    "MAXC": OWL + "maxCardinality", "MAXQC": OWL + "maxQualifiedCardinality",
    "OBJPROP": OWL + "ObjectProperty", "DTPROP": OWL + "DatatypeProperty",
    "TRANS": OWL + "TransitiveProperty", "SYMM": OWL + "SymmetricProperty",
    "FUNC": OWL + "FunctionalProperty", "IFP": OWL + "InverseFunctionalProperty",
}

# dt-type2 plus owlrl's datatype subsumptions (the integer and string families).
_INT_CHAIN = {
    "integer": ["decimal"], "long": ["integer"], "int": ["long"], "short": ["int"],
    "byte": ["short"], "nonNegativeInteger": ["integer"], "positiveInteger": ["nonNegativeInteger"],
    "unsignedLong": ["nonNegativeInteger"], "unsignedInt": ["unsignedLong"],
    "unsignedShort": ["unsignedInt"], "unsignedByte": ["unsignedShort"],
    "nonPositiveInteger": ["integer"], "negativeInteger": ["nonPositiveInteger"],
    "normalizedString": ["string"], "token": ["normalizedString"], "language": ["token"],
    "Name": ["token"], "NCName": ["Name"], "NMTOKEN": ["Name"], "dateTimeStamp": ["dateTime"],
}
_RL_DATATYPES = set(_INT_CHAIN) | {
    "decimal", "string", "float", "double", "boolean", "hexBinary", "base64Binary", "anyURI",
    "dateTime", "time", "date",
}


def _supertypes(name: str) -> list[str]:
    """All datatypes that contain ``name`` (transitively), e.g. int -> long, integer, decimal."""
    out, todo = [], list(_INT_CHAIN.get(name, ()))
    while todo:
        n = todo.pop()
        if n not in out:
            out.append(n)
            todo.extend(_INT_CHAIN.get(n, ()))
    return out


def literal_datatype(term: str) -> str | None:
    """The datatype IRI of an N-Triples literal, None for language-tagged ones.

    >>> literal_datatype('"1"^^<http://www.w3.org/2001/XMLSchema#int>')
    'http://www.w3.org/2001/XMLSchema#int'
    >>> literal_datatype('"a"')
    'http://www.w3.org/2001/XMLSchema#string'
    """
    if term.endswith('"'):
        return XSD + "string"
    if term.endswith(">"):
        return term[term.rindex("^^<") + 3:-1]
    return None


def literal_value(term: str) -> str:
    """The lexical form of an N-Triples literal (escapes left as they are; used for numbers)."""
    return term[1:term.rindex('"')]


PROGRESS_EVERY = 100_000  # triples processed between two progress reports


class Closure:
    """Triples as interned ints, two indexes per predicate, and a worklist of rule triggers.

    ``record=True`` keeps ``why[triple] = (rule, premises)`` for explanations.
    """

    # The id of each vocabulary term of _V, set in __init__ (declared for type checkers).
    TYPE: int
    FIRST: int
    REST: int
    NIL: int
    PROPERTY: int
    SCO: int
    SPO: int
    DOMAIN: int
    RANGE: int
    THING: int
    NOTHING: int
    CLASS: int
    SAME: int
    EQC: int
    EQP: int
    INV: int
    CHAIN: int
    HASKEY: int
    INTER: int
    UNION: int
    ONEOF: int
    ONPROP: int
    ONCLASS: int
    SVF: int
    AVF: int
    HASVALUE: int
    MAXC: int
    MAXQC: int
    OBJPROP: int
    DTPROP: int
    TRANS: int
    SYMM: int
    FUNC: int
    IFP: int

    def __init__(self, record: bool = False):
        self.terms: list[str] = []
        self.ids: dict[str, int] = {}
        self.out: dict[int, dict[int, set[int]]] = {}  # p -> s -> {o}
        # p -> o -> {s}, only for the predicates some rule has asked about (see _inn): the
        # reverse index of a data property nothing joins on (names, e-mail addresses) would
        # be a set per literal, most of a large closure's memory.
        self.inn: dict[int, dict[int, set[int]]] = {}
        self.queue: list[tuple[int, int, int]] = []
        self.derived: list[tuple[int, int, int]] = []
        self.why: dict | None = {} if record else None
        self.literals: set[int] = set()
        self._lists: dict[int, list[int]] = {}
        self._first: dict[int, int] = {}
        self._rest: dict[int, int] = {}
        self.int_by_member: dict[int, list] = {}  # class -> [(intersection class, members, axiom)]
        self.uni_by_member: dict[int, list] = {}
        self.chains: dict[int, list] = {}  # property -> [(p, chain, axiom triple)]
        self.keys: dict[int | tuple[str, int], list] = {}  # class or key property -> [(class, props, axiom)]
        for name, iri in _V.items():
            setattr(self, name, self.intern("<" + iri + ">"))
        for name in ("TYPE", "SCO", "SPO", "EQC", "EQP", "INV", "DOMAIN", "RANGE", "SAME",
                     "ONPROP", "SVF", "AVF", "HASVALUE", "INTER", "UNION", "ONCLASS"):
            pid = getattr(self, name)
            self.out[pid], self.inn[pid] = {}, {}
        self._handlers = {
            self.TYPE: self._on_type, self.SCO: self._on_sco, self.EQC: self._on_eqc,
            self.SPO: self._on_spo, self.EQP: self._on_eqp, self.INV: self._on_inv,
            self.DOMAIN: self._on_domain, self.RANGE: self._on_range, self.SAME: self._on_same,
            self.INTER: self._on_inter, self.UNION: self._on_union, self.ONEOF: self._on_oneof,
            self.CHAIN: self._on_chain, self.HASKEY: self._on_haskey,
        }
        for name in ("ONPROP", "SVF", "AVF", "HASVALUE", "MAXC", "MAXQC", "ONCLASS"):
            self._handlers[getattr(self, name)] = self._on_restriction
        self._bind_indexes()
        self._dt_super: dict[int, list[int]] = {}
        self._cards: dict[tuple[int, int], int | None] = {}
        self._special_types = {self.CLASS, self.OBJPROP, self.DTPROP, self.PROPERTY, self.SYMM,
                               self.TRANS, self.FUNC, self.IFP} | set(self._xsd_supers())

    def _bind_indexes(self) -> None:
        """The indexes _on_any reads for every triple; these dicts live as long as the closure."""
        out, inn = self.out, self.inn
        self._domains, self._ranges, self._types = out[self.DOMAIN], out[self.RANGE], out[self.TYPE]
        self._superprops, self._same = out[self.SPO], out[self.SAME]
        self._equivalents_out, self._equivalents_in = out[self.EQP], inn[self.EQP]
        self._inverses_out, self._inverses_in = out[self.INV], inn[self.INV]
        self._restricted = inn[self.ONPROP]

    # ----- terms and storage -------------------------------------------------------------
    def intern(self, term: str) -> int:
        i = self.ids.get(term)
        if i is None:
            i = self.ids[term] = len(self.terms)
            self.terms.append(term)
            if term[0] == '"':
                self.literals.add(i)
        return i

    def nt(self, t: tuple[int, int, int]) -> tuple[str, str, str]:
        """A triple of ints back to N-Triples term strings."""
        terms = self.terms
        return terms[t[0]], terms[t[1]], terms[t[2]]

    def has(self, s: int, p: int, o: int) -> bool:
        d = self.out.get(p)
        return d is not None and o in d.get(s, ())

    def objects(self, s: int, p: int):
        d = self.out.get(p)
        return d.get(s, ()) if d is not None else ()

    def subjects(self, p: int, o: int):
        return self._inn(p).get(o, ())

    def _inn(self, p: int) -> dict[int, set[int]]:
        """The reverse index of ``p``, built from the forward one when first asked for and
        kept up to date from then on."""
        d = self.inn.get(p)
        if d is None:
            d = self.inn[p] = {}
            for s, os_ in self.out.get(p, {}).items():
                for o in os_:
                    ss = d.get(o)
                    if ss is None:
                        d[o] = {s}
                    else:
                        ss.add(s)
        return d

    def _store(self, s: int, p: int, o: int) -> bool:
        """Index one triple; False if it was already there."""
        ps = self.out.get(p)
        if ps is None:
            ps = self.out[p] = {}
        os_ = ps.get(s)
        if os_ is None:
            ps[s] = {o}
        elif o in os_:
            return False
        else:
            os_.add(o)
        reverse = self.inn.get(p)
        if reverse is not None:
            ss = reverse.get(o)
            if ss is None:
                reverse[o] = {s}
            else:
                ss.add(s)
        return True

    def add_ntriples(self, text: str) -> int:
        """Add asserted triples from N-Triples text as written by pyoxigraph; returns count."""
        ids, intern, store, queue, n = self.ids.get, self.intern, self._store, self.queue, 0
        # The per-line cost dominates loading: known terms skip the intern() call.
        for line in text.splitlines():
            if not line or line[0] == "#":
                continue
            s, p, rest = line.split(" ", 2)
            o = rest[:-2].rstrip()
            si, pi, oi = ids(s), ids(p), ids(o)
            t = (intern(s) if si is None else si, intern(p) if pi is None else pi,
                 intern(o) if oi is None else oi)
            if store(*t):
                queue.append(t)
                n += 1
        return n

    def derive(self, s: int, p: int, o: int, rule: str, premises: tuple) -> None:
        """Add an entailed triple (if new) with the rule instance that produced it."""
        # Most derivations are already known: answer those without the _store call.
        ps = self.out.get(p)
        if ps is not None:
            os_ = ps.get(s)
            if os_ is not None and o in os_:
                return
        if self._store(s, p, o):
            t = (s, p, o)
            self.queue.append(t)
            self.derived.append(t)
            if self.why is not None:
                self.why[t] = (rule, premises)

    def list_items(self, head: int) -> list[int]:
        """Members of an rdf:List (cycles and branches cut)."""
        items = self._lists.get(head)
        if items is None:
            items, node, seen = [], head, set()
            while node != self.NIL and node not in seen:
                seen.add(node)
                first = self._first.get(node)
                if first is None:
                    break
                items.append(first)
                node = self._rest.get(node, self.NIL)
            self._lists[head] = items
        return items

    # ----- the fixpoint --------------------------------------------------------------------
    def run(self, progress=None) -> None:
        """Evaluate all rules to a fixpoint (semi-naive: each triple triggers joins once).

        ``progress(done, total)`` is called every ``PROGRESS_EVERY`` triples: ``done`` were
        processed, ``total`` is that plus those waiting (it grows as triples are derived)."""
        # Lists are read from the asserted triples: eq-rep may later add rdf:first copies
        # of list cells, which must not change what a list means.
        self._first = {n: min(v) for n, v in self.out.get(self.FIRST, {}).items()}
        self._rest = {n: min(v) for n, v in self.out.get(self.REST, {}).items()}
        self._datatype_literals()
        queue, generic, handlers = self.queue, self._on_any, self._handlers
        done = 0
        while queue:
            # Between reports, the same loop as without them: this is the engine's hot path.
            batch = min(len(queue), PROGRESS_EVERY)
            for _ in range(batch):
                s, p, o = queue.pop()
                generic(s, p, o)
                h = handlers.get(p)
                if h is not None:
                    h(s, p, o)
            done += batch
            if progress is not None:
                progress(done, done + len(queue))

    def _datatype_literals(self) -> None:
        """dt-type2 once for literals in the input (as owlrl does), with datatype subsumption."""
        for lit in list(self.literals):
            dt = literal_datatype(self.terms[lit])
            if dt and dt.startswith(XSD) and dt[len(XSD):] in _RL_DATATYPES:
                for name in [dt[len(XSD):]] + _supertypes(dt[len(XSD):]):
                    self.derive(lit, self.TYPE, self.intern("<" + XSD + name + ">"), "dt-type2", ())


    # ----- rules triggered by any triple (table 5 and eq-rep) --------------------------
    def _on_any(self, s: int, p: int, o: int) -> None:
        # Called for every triple: the rule indexes are bound once (see _bind_indexes) and
        # an empty index costs one dict lookup.
        derive, T = self.derive, self.TYPE
        t = (s, p, o)
        found = self._domains.get(p)
        if found:
            for c in found:
                derive(s, T, c, "prp-dom", ((p, self.DOMAIN, c), t))
        found = self._ranges.get(p)
        if found:
            for c in found:
                derive(o, T, c, "prp-rng", ((p, self.RANGE, c), t))
        chars = self._types.get(p)
        if chars:
            self._characteristics_on_triple(chars, s, p, o)
        found = self._superprops.get(p)
        if found:
            for p2 in found:
                if p2 != p:
                    derive(s, p2, o, "prp-spo1", ((p, self.SPO, p2), t))
        if p in self._equivalents_out or p in self._equivalents_in:
            # scm-op makes every property its own equivalent: that would derive t itself.
            for p2 in self._equivalents_out.get(p, ()):
                if p2 != p:
                    derive(s, p2, o, "prp-eqp1", ((p, self.EQP, p2), t))
            for p1 in self._equivalents_in.get(p, ()):
                if p1 != p:
                    derive(s, p1, o, "prp-eqp2", ((p1, self.EQP, p), t))
        if p in self._inverses_out or p in self._inverses_in:
            for p2 in self._inverses_out.get(p, ()):
                derive(o, p2, s, "prp-inv1", ((p, self.INV, p2), t))
            for p1 in self._inverses_in.get(p, ()):
                derive(o, p1, s, "prp-inv2", ((p1, self.INV, p), t))
        restrictions = self._restricted.get(p)
        if restrictions:
            for x in tuple(restrictions):
                self._restriction_on_triple(x, s, p, o)
        if self.chains:
            for entry in self.chains.get(p, ()):
                self._chain_fire(entry, s, p, o)
        if self.keys:
            for entry in self.keys.get(p, ()):
                self._key_check(entry, s)
        same = self._same
        if same:
            S = self.SAME
            for s2 in tuple(same.get(s, ())):
                derive(s2, p, o, "eq-rep-s", ((s, S, s2), t))
            if p not in self.literals:
                for p2 in tuple(same.get(p, ())):
                    if p2 not in self.literals:
                        derive(s, p2, o, "eq-rep-p", ((p, S, p2), t))
            for o2 in tuple(same.get(o, ())):
                derive(s, p, o2, "eq-rep-o", ((o, S, o2), t))

    def _characteristics_on_triple(self, chars, s, p, o) -> None:
        """prp-symp, prp-trp, prp-fp, prp-ifp for a new triple of a characterised property."""
        derive, T, S, t = self.derive, self.TYPE, self.SAME, (s, p, o)
        if self.SYMM in chars:
            derive(o, p, s, "prp-symp", ((p, T, self.SYMM), t))
        if self.TRANS in chars:
            ax = (p, T, self.TRANS)
            for z in tuple(self.objects(o, p)):
                derive(s, p, z, "prp-trp", (ax, t, (o, p, z)))
            for w in tuple(self.subjects(p, s)):
                derive(w, p, o, "prp-trp", (ax, (w, p, s), t))
        if self.FUNC in chars:
            ax = (p, T, self.FUNC)
            for y2 in tuple(self.objects(s, p)):
                if y2 != o:
                    derive(o, S, y2, "prp-fp", (ax, t, (s, p, y2)))
                    derive(y2, S, o, "prp-fp", (ax, (s, p, y2), t))
        if self.IFP in chars:
            ax = (p, T, self.IFP)
            for x2 in tuple(self.subjects(p, o)):
                if x2 != s:
                    derive(s, S, x2, "prp-ifp", (ax, t, (x2, p, o)))
                    derive(x2, S, s, "prp-ifp", (ax, (x2, p, o), t))

    def _characteristic(self, p: int, kind: int) -> None:
        """A property just got a characteristic: join all its existing triples once."""
        pairs = [(x, y) for x, ys in self.out.get(p, {}).items() for y in ys]
        chars = {kind}
        for x, y in pairs:
            self._characteristics_on_triple(chars, x, p, y)

    def _on_spo(self, p1: int, _p: int, p2: int) -> None:
        derive, out, SPO, t = self.derive, self.out, self.SPO, (p1, self.SPO, p2)
        if p1 != p2:
            for x, ys in list(out.get(p1, {}).items()):
                for y in tuple(ys):
                    derive(x, p2, y, "prp-spo1", (t, (x, p1, y)))
            for p3 in tuple(out[SPO].get(p2, ())):
                if p3 != p1:
                    derive(p1, SPO, p3, "scm-spo", (t, (p2, SPO, p3)))
            for p0 in tuple(self.inn[SPO].get(p1, ())):
                if p0 != p1 and p0 != p2:
                    derive(p0, SPO, p2, "scm-spo", ((p0, SPO, p1), t))
            if self.has(p2, SPO, p1):
                derive(p1, self.EQP, p2, "scm-eqp2", (t, (p2, SPO, p1)))
                derive(p2, self.EQP, p1, "scm-eqp2", ((p2, SPO, p1), t))
            for c in tuple(out[self.DOMAIN].get(p2, ())):
                derive(p1, self.DOMAIN, c, "scm-dom2", ((p2, self.DOMAIN, c), t))
            for c in tuple(out[self.RANGE].get(p2, ())):
                derive(p1, self.RANGE, c, "scm-rng2", ((p2, self.RANGE, c), t))
        for x1 in tuple(self.inn[self.ONPROP].get(p1, ())):
            for x2 in tuple(self.inn[self.ONPROP].get(p2, ())):
                self._scm_property_pair(x1, p1, x2, p2)

    def _scm_property_pair(self, x1, p1, x2, p2) -> None:
        """scm-hv, scm-svf2, scm-avf2 for restrictions x1 on p1 and x2 on p2, p1 spo p2."""
        derive, out, SCO, OP = self.derive, self.out, self.SCO, self.ONPROP
        base = ((x1, OP, p1), (x2, OP, p2), (p1, self.SPO, p2))
        for i in tuple(out[self.HASVALUE].get(x1, ())):
            if self.has(x2, self.HASVALUE, i):
                derive(x1, SCO, x2, "scm-hv", ((x1, self.HASVALUE, i), (x2, self.HASVALUE, i)) + base)
        for y in tuple(out[self.SVF].get(x1, ())):
            if self.has(x2, self.SVF, y):
                derive(x1, SCO, x2, "scm-svf2", ((x1, self.SVF, y), (x2, self.SVF, y)) + base)
        for y in tuple(out[self.AVF].get(x1, ())):
            if self.has(x2, self.AVF, y):
                derive(x2, SCO, x1, "scm-avf2", ((x1, self.AVF, y), (x2, self.AVF, y)) + base)

    def _on_eqp(self, p1: int, _p: int, p2: int) -> None:
        if p1 == p2:
            return
        t, derive = (p1, self.EQP, p2), self.derive
        for a, b, rule in ((p1, p2, "prp-eqp1"), (p2, p1, "prp-eqp2")):
            for x, ys in list(self.out.get(a, {}).items()):
                for y in tuple(ys):
                    derive(x, b, y, rule, (t, (x, a, y)))
        derive(p1, self.SPO, p2, "scm-eqp1", (t,))
        derive(p2, self.SPO, p1, "scm-eqp1", (t,))

    def _on_inv(self, p1: int, _p: int, p2: int) -> None:
        t, derive = (p1, self.INV, p2), self.derive
        for a, b, rule in ((p1, p2, "prp-inv1"), (p2, p1, "prp-inv2")):
            for x, ys in list(self.out.get(a, {}).items()):
                for y in tuple(ys):
                    derive(y, b, x, rule, (t, (x, a, y)))

    def _on_domain(self, p: int, _p: int, c: int) -> None:
        self._on_domain_range(p, c, self.DOMAIN, "dom")

    def _on_range(self, p: int, _p: int, c: int) -> None:
        self._on_domain_range(p, c, self.RANGE, "rng")

    def _on_domain_range(self, p: int, c: int, pred: int, tag: str) -> None:
        derive, t = self.derive, (p, pred, c)
        index = self.out.get(p, {}) if tag == "dom" else self._inn(p)
        for x, others in list(index.items()):
            y = next(iter(others))
            derive(x, self.TYPE, c, "prp-" + tag, (t, (x, p, y) if tag == "dom" else (y, p, x)))
        for c2 in tuple(self.out[self.SCO].get(c, ())):
            if c2 != c:
                derive(p, pred, c2, "scm-%s1" % tag, (t, (c, self.SCO, c2)))
        for p1 in tuple(self.inn[self.SPO].get(p, ())):
            if p1 != p:
                derive(p1, pred, c, "scm-%s2" % tag, (t, (p1, self.SPO, p)))

    def _on_chain(self, p: int, _p: int, head: int) -> None:
        chain = self.list_items(head)
        if not chain:
            return
        t = (p, self.CHAIN, head)
        for i, pi in enumerate(chain):
            self.chains.setdefault(pi, []).append((p, chain, i, t))
        entry = (p, chain, 0, t)
        for u, vs in list(self.out.get(chain[0], {}).items()):
            for v in tuple(vs):
                self._chain_fire(entry, u, chain[0], v)

    def _chain_fire(self, entry, a: int, pi: int, b: int) -> None:
        """prp-spo2: extend (a pi b), at position i of the chain, backwards and forwards."""
        p, chain, i, ax = entry
        back: list[tuple[int, IntTriples]] = [(a, ())]
        for j in range(i - 1, -1, -1):
            pj = chain[j]
            back = [(w, ((w, pj, x),) + path)
                    for x, path in back for w in tuple(self.subjects(pj, x))]
            if not back:
                return
        fwd: list[tuple[int, IntTriples]] = [(b, ())]
        for j in range(i + 1, len(chain)):
            pj = chain[j]
            fwd = [(z, path + ((x, pj, z),)) for x, path in fwd for z in tuple(self.objects(x, pj))]
            if not fwd:
                return
        mid = ((a, pi, b),)
        for u0, bp in back:
            for un, fp in fwd:
                self.derive(u0, p, un, "prp-spo2", (ax,) + bp + mid + fp)

    def _on_haskey(self, c: int, _p: int, head: int) -> None:
        props = self.list_items(head)
        if not props:
            return
        entry = (c, props, (c, self.HASKEY, head))
        self.keys.setdefault(("class", c), []).append(entry)
        for pi in set(props):
            self.keys.setdefault(pi, []).append(entry)
        for x in tuple(self.subjects(self.TYPE, c)):
            self._key_check(entry, x)

    def _key_check(self, entry, x: int) -> None:
        """prp-key: another instance of the class sharing every key value is the same."""
        c, props, ax = entry
        T = self.TYPE
        if not self.has(x, T, c):
            return
        for z in tuple(self.objects(x, props[0])):
            for y in tuple(self.subjects(props[0], z)):
                if y == x or not self.has(y, T, c):
                    continue
                wit = [(x, props[0], z), (y, props[0], z)]
                for pk in props[1:]:
                    common = set(self.objects(x, pk)) & set(self.objects(y, pk))
                    if not common:
                        break
                    zk = next(iter(common))
                    wit += [(x, pk, zk), (y, pk, zk)]
                else:
                    prem = (ax, (x, T, c), (y, T, c)) + tuple(wit)
                    self.derive(x, self.SAME, y, "prp-key", prem)
                    self.derive(y, self.SAME, x, "prp-key", prem)

    def _on_same(self, x: int, S: int, y: int) -> None:
        """eq-sym, eq-trans and eq-rep-s/p/o for a new sameAs triple."""
        if x == y:  # each of them would only derive triples already known
            return
        derive, t = self.derive, (x, S, y)
        derive(y, S, x, "eq-sym", (t,))
        for z in tuple(self.objects(y, S)):
            derive(x, S, z, "eq-trans", (t, (y, S, z)))
        for w in tuple(self.subjects(S, x)):
            derive(w, S, y, "eq-trans", ((w, S, x), t))
        for p, d in list(self.out.items()):
            for o in tuple(d.get(x, ())):
                derive(y, p, o, "eq-rep-s", (t, (x, p, o)))
        if x not in self.literals and y not in self.literals:
            for s, os_ in list(self.out.get(x, {}).items()):
                for o in tuple(os_):
                    derive(s, y, o, "eq-rep-p", (t, (s, x, o)))
        for p in list(self.out):
            for s in tuple(self._inn(p).get(x, ())):
                derive(s, p, y, "eq-rep-o", (t, (s, p, x)))

    # ----- class rules (tables 6, 7, 9) ---------------------------------------------------
    def _on_type(self, s: int, T: int, c: int) -> None:
        out, inn, derive, t = self.out, self.inn, self.derive, (s, T, c)
        # scm-cls makes every class its own subclass and equivalent: those would derive t.
        for c2 in out[self.SCO].get(c, ()):
            if c2 != c:
                derive(s, T, c2, "cax-sco", ((c, self.SCO, c2), t))
        for c2 in out[self.EQC].get(c, ()):
            if c2 != c:
                derive(s, T, c2, "cax-eqc1", ((c, self.EQC, c2), t))
        for c1 in inn[self.EQC].get(c, ()):
            if c1 != c:
                derive(s, T, c1, "cax-eqc2", ((c1, self.EQC, c), t))
        for x, members, ax in self.int_by_member.get(c, ()):
            if all(self.has(s, T, m) for m in members):
                derive(s, T, x, "cls-int1", (ax,) + tuple((s, T, m) for m in members))
        for head in tuple(out[self.INTER].get(c, ())):
            for m in self.list_items(head):
                derive(s, T, m, "cls-int2", ((c, self.INTER, head), t))
        for x, ax in self.uni_by_member.get(c, ()):
            derive(s, T, x, "cls-uni", (ax, t))
        if c in out[self.ONPROP]:
            self._restriction_on_instance(c, s)
        fillers = inn[self.SVF].get(c)
        if fillers:
            self._svf_on_filler(fillers, s, c)
        if c in inn[self.ONCLASS]:
            self._maxqc_on_filler(s, c)
        for entry in self.keys.get(("class", c), ()):
            self._key_check(entry, s)
        if c in self._special_types:
            self._on_special_type(s, c)

    def _xsd_supers(self) -> dict[int, list[int]]:
        if not self._dt_super:
            for name in _INT_CHAIN:
                self._dt_super[self.intern("<%s%s>" % (XSD, name))] = [
                    self.intern("<%s%s>" % (XSD, n)) for n in _supertypes(name)]
        return self._dt_super

    def _on_special_type(self, s: int, c: int) -> None:
        """scm-cls, scm-op/scm-dp, property characteristics, datatype subsumption."""
        derive, t = self.derive, (s, self.TYPE, c)
        if c == self.CLASS:
            derive(s, self.SCO, s, "scm-cls", (t,))
            derive(s, self.EQC, s, "scm-cls", (t,))
            derive(s, self.SCO, self.THING, "scm-cls", (t,))
            derive(self.NOTHING, self.SCO, s, "scm-cls", (t,))
        elif c in (self.OBJPROP, self.DTPROP, self.PROPERTY):
            rule = "scm-dp" if c == self.DTPROP else "scm-op"
            derive(s, self.SPO, s, rule, (t,))
            derive(s, self.EQP, s, rule, (t,))
        elif c in (self.SYMM, self.TRANS, self.FUNC, self.IFP):
            self._characteristic(s, c)
        else:
            for sup in self._dt_super.get(c, ()):
                derive(s, self.TYPE, sup, "dt-type2", (t,))

    def _svf_on_filler(self, restrictions, v: int, y: int) -> None:
        """cls-svf1 when v gets type y and y is the filler of someValuesFrom restrictions."""
        T = self.TYPE
        for x in tuple(restrictions):
            for p in tuple(self.objects(x, self.ONPROP)):
                for u in tuple(self.subjects(p, v)):
                    self.derive(u, T, x, "cls-svf1",
                                ((x, self.SVF, y), (x, self.ONPROP, p), (u, p, v), (v, T, y)))

    def _restriction_on_instance(self, x: int, u: int) -> None:
        """cls-avf, cls-hv1, cls-maxc2, cls-maxqc3/4 when u gets type restriction x."""
        derive, out, T, tu = self.derive, self.out, self.TYPE, (u, self.TYPE, x)
        for p in tuple(out[self.ONPROP].get(x, ())):
            op = (x, self.ONPROP, p)
            for y in tuple(out[self.AVF].get(x, ())):
                for v in tuple(self.objects(u, p)):
                    derive(v, T, y, "cls-avf", ((x, self.AVF, y), op, tu, (u, p, v)))
            for v in tuple(out[self.HASVALUE].get(x, ())):
                derive(u, p, v, "cls-hv1", ((x, self.HASVALUE, v), op, tu))
            values = tuple(self.objects(u, p))
            if len(values) > 1:
                for y1 in values:
                    self._maxc_pairs(x, u, p, y1)

    def _maxqc_on_filler(self, y: int, c: int) -> None:
        """cls-maxqc3 when y gets type c, the onClass of a qualified max-1 restriction."""
        for x in tuple(self.subjects(self.ONCLASS, c)):
            for p in tuple(self.objects(x, self.ONPROP)):
                for u in tuple(self.subjects(p, y)):
                    if self.has(u, self.TYPE, x):
                        self._maxc_pairs(x, u, p, y)

    def cardinality(self, x: int, pred: int) -> int | None:
        """The integer a restriction ``x`` gives for ``pred`` (e.g. MAXC), None if it has none."""
        key = (x, pred)
        if key not in self._cards:  # cached: called for every triple of a restricted property
            self._cards[key] = self._read_card(x, pred)
        return self._cards[key]

    def _read_card(self, x: int, pred: int) -> int | None:
        for lit in self.objects(x, pred):
            try:
                return int(literal_value(self.terms[lit]))
            except ValueError:
                return None
        return None

    def _maxc_pairs(self, x: int, u: int, p: int, y1: int) -> None:
        """cls-maxc2 / cls-maxqc3 / cls-maxqc4: u has max one p value (of class c): y1 = y2."""
        one_value, one_qualified = (self.cardinality(x, self.MAXC) == 1,
                                    self.cardinality(x, self.MAXQC) == 1)
        if not (one_value or one_qualified):  # the common case: called for every triple
            return
        T, S = self.TYPE, self.SAME
        base: IntTriples = ((x, self.ONPROP, p), (u, T, x), (u, p, y1))
        if one_value:
            for y2 in tuple(self.objects(u, p)):
                if y2 != y1:
                    prem = ((x, self.MAXC, self._one(x, self.MAXC)),) + base + ((u, p, y2),)
                    self.derive(y1, S, y2, "cls-maxc2", prem)
                    self.derive(y2, S, y1, "cls-maxc2", prem)
        if one_qualified:
            for c in tuple(self.objects(x, self.ONCLASS)):
                if c != self.THING and not self.has(y1, T, c):
                    continue
                for y2 in tuple(self.objects(u, p)):
                    if y2 != y1 and (c == self.THING or self.has(y2, T, c)):
                        rule = "cls-maxqc4" if c == self.THING else "cls-maxqc3"
                        prem = ((x, self.MAXQC, self._one(x, self.MAXQC)),
                                (x, self.ONCLASS, c)) + base + ((u, p, y2),)
                        self.derive(y1, S, y2, rule, prem)
                        self.derive(y2, S, y1, rule, prem)

    def _one(self, x: int, pred: int) -> int:
        return next(iter(self.objects(x, pred)))

    def _restriction_on_triple(self, x: int, u: int, p: int, v: int) -> None:
        """cls-svf1/2, cls-hv2, cls-avf, cls-maxc2, cls-maxqc3/4 for a new (u p v), x on p."""
        out, derive, T, t = self.out, self.derive, self.TYPE, (u, p, v)
        op = (x, self.ONPROP, p)
        for y in out[self.SVF].get(x, ()):
            if y == self.THING:
                derive(u, T, x, "cls-svf2", ((x, self.SVF, y), op, t))
            elif self.has(v, T, y):
                derive(u, T, x, "cls-svf1", ((x, self.SVF, y), op, t, (v, T, y)))
        if v in out[self.HASVALUE].get(x, ()):
            derive(u, T, x, "cls-hv2", ((x, self.HASVALUE, v), op, t))
        if self.has(u, T, x):
            for y in tuple(out[self.AVF].get(x, ())):
                derive(v, T, y, "cls-avf", ((x, self.AVF, y), op, (u, T, x), t))
            self._maxc_pairs(x, u, p, v)

    def _on_restriction(self, x: int, _pred: int, _val: int) -> None:
        """A restriction axiom triple arrived: evaluate the restriction x over existing data."""
        self._cards.clear()
        for p in tuple(self.objects(x, self.ONPROP)):
            for u, vs in list(self.out.get(p, {}).items()):
                for v in tuple(vs):
                    self._restriction_on_triple(x, u, p, v)
            for u in tuple(self.subjects(self.TYPE, x)):
                self._restriction_on_instance(x, u)
        self._restriction_axioms(x)

    def _restriction_axioms(self, x: int) -> None:
        """scm-svf1/2, scm-avf1/2, scm-hv between restriction x and every other restriction."""
        OP, SPO = self.ONPROP, self.SPO
        for p in tuple(self.objects(x, OP)):
            for x2, p2s in list(self.out[OP].items()):
                for p2 in tuple(p2s):
                    if self.has(p, SPO, p2):
                        self._scm_property_pair(x, p, x2, p2)
                    if self.has(p2, SPO, p):
                        self._scm_property_pair(x2, p2, x, p)
                    if p2 == p:
                        self._scm_filler_pair(x, x2, p)
                        self._scm_filler_pair(x2, x, p)

    def _scm_filler_pair(self, x1: int, x2: int, p: int) -> None:
        """scm-svf1 / scm-avf1: restrictions on the same property with y1 subClassOf y2."""
        SCO, OP = self.SCO, self.ONPROP
        for y1 in tuple(self.objects(x1, self.SVF)):
            for y2 in tuple(self.objects(x2, self.SVF)):
                if self.has(y1, SCO, y2):
                    self.derive(x1, SCO, x2, "scm-svf1", ((x1, self.SVF, y1), (x1, OP, p),
                                (x2, self.SVF, y2), (x2, OP, p), (y1, SCO, y2)))
        for y1 in tuple(self.objects(x1, self.AVF)):
            for y2 in tuple(self.objects(x2, self.AVF)):
                if self.has(y1, SCO, y2):
                    self.derive(x1, SCO, x2, "scm-avf1", ((x1, self.AVF, y1), (x1, OP, p),
                                (x2, self.AVF, y2), (x2, OP, p), (y1, SCO, y2)))

    def _on_sco(self, c1: int, SCO: int, c2: int) -> None:
        derive, t, T = self.derive, (c1, SCO, c2), self.TYPE
        if c1 != c2:
            for x in tuple(self.subjects(T, c1)):
                derive(x, T, c2, "cax-sco", (t, (x, T, c1)))
            for c3 in tuple(self.objects(c2, SCO)):
                if c3 != c1:
                    derive(c1, SCO, c3, "scm-sco", (t, (c2, SCO, c3)))
            for c0 in tuple(self.subjects(SCO, c1)):
                if c0 != c1 and c0 != c2:
                    derive(c0, SCO, c2, "scm-sco", ((c0, SCO, c1), t))
            for p in tuple(self.subjects(self.DOMAIN, c1)):
                derive(p, self.DOMAIN, c2, "scm-dom1", ((p, self.DOMAIN, c1), t))
            for p in tuple(self.subjects(self.RANGE, c1)):
                derive(p, self.RANGE, c2, "scm-rng1", ((p, self.RANGE, c1), t))
        if self.has(c2, SCO, c1):
            derive(c1, self.EQC, c2, "scm-eqc2", (t, (c2, SCO, c1)))
            derive(c2, self.EQC, c1, "scm-eqc2", ((c2, SCO, c1), t))
        for x1 in tuple(self.subjects(self.SVF, c1)) + tuple(self.subjects(self.AVF, c1)):
            for p in tuple(self.objects(x1, self.ONPROP)):
                for x2 in tuple(self.subjects(self.ONPROP, p)):
                    self._scm_filler_pair(x1, x2, p)

    def _on_eqc(self, c1: int, EQC: int, c2: int) -> None:
        if c1 == c2:
            return
        derive, t, T = self.derive, (c1, EQC, c2), self.TYPE
        for x in tuple(self.subjects(T, c1)):
            derive(x, T, c2, "cax-eqc1", (t, (x, T, c1)))
        for x in tuple(self.subjects(T, c2)):
            derive(x, T, c1, "cax-eqc2", (t, (x, T, c2)))
        derive(c1, self.SCO, c2, "scm-eqc1", (t,))
        derive(c2, self.SCO, c1, "scm-eqc1", (t,))

    def _on_inter(self, c: int, _p: int, head: int) -> None:
        members = self.list_items(head)
        if not members:
            return
        ax, T, derive = (c, self.INTER, head), self.TYPE, self.derive
        for m in set(members):
            self.int_by_member.setdefault(m, []).append((c, members, ax))
        for y in tuple(self.subjects(T, members[0])):
            if all(self.has(y, T, m) for m in members):
                derive(y, T, c, "cls-int1", (ax,) + tuple((y, T, m) for m in members))
        for y in tuple(self.subjects(T, c)):
            for m in members:
                derive(y, T, m, "cls-int2", (ax, (y, T, c)))
        for m in members:
            derive(c, self.SCO, m, "scm-int", (ax,))

    def _on_union(self, c: int, _p: int, head: int) -> None:
        ax, T = (c, self.UNION, head), self.TYPE
        for m in self.list_items(head):
            self.uni_by_member.setdefault(m, []).append((c, ax))
            for y in tuple(self.subjects(T, m)):
                self.derive(y, T, c, "cls-uni", (ax, (y, T, m)))
            self.derive(m, self.SCO, c, "scm-uni", (ax,))

    def _on_oneof(self, c: int, _p: int, head: int) -> None:
        for m in self.list_items(head):
            self.derive(m, self.TYPE, c, "cls-oo", ((c, self.ONEOF, head),))
