"""OWL 2 RL reasoning over a seccoop store: materialisation and explanations.

The rule engine lives in :mod:`seccoop.rules` (why it is our own engine: see there), the
consistency rules in :mod:`seccoop.consistency`.  This module moves triples between the
pyoxigraph store and the engine, filters the trivia, and turns derivation records into
explanations for the terminal and for JSON.

Example::

    >>> import pyoxigraph as ox
    >>> from seccoop.reasoning import materialise, explain
    >>> store = ox.Store()
    >>> store.load(b'''@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... <urn:Treaty> rdfs:subClassOf <urn:Agreement> . <urn:t> a <urn:Treaty> .''',
    ...     ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    >>> materialise(store)
    1
    >>> explain(store, ox.NamedNode("urn:t"), RDF_TYPE, ox.NamedNode("urn:Agreement")).rule
    'cax-sco'

Importing this module imports pyoxigraph only (no rdflib), to keep the CLI start lean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import tempfile
from pathlib import Path, PurePath
from typing import IO, Any, Callable, Iterable, Mapping, Union, cast

import pyoxigraph as ox

from .projectconfig import packaged_config
from .browse import label_of, sources_of
from .queries import is_inferred_graph, shorten
from .rules import RDF, VOCAB_NAMESPACES, Closure

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]
Triple = tuple  # (subject, predicate, object) of pyoxigraph terms

RDF_TYPE = ox.NamedNode(RDF + "type")
OWL_CHAIN = "http://www.w3.org/2002/07/owl#propertyChainAxiom"
WRITE_SLICE = 200_000  # inferred triples written per N-Quads text
READ_BLOCK = 64 * 2**20  # bytes of N-Triples handed to the engine at a time


# ----- store <-> engine ---------------------------------------------------------------------
def inferred_graph_or_default(inferred_graph: ox.NamedNode | None) -> ox.NamedNode:
    """The graph that holds the closure: ``inferred_graph``, else the packaged project's.

    >>> inferred_graph_or_default(None).value.endswith("/inferred")
    True
    """
    return inferred_graph if inferred_graph is not None else \
        ox.NamedNode(packaged_config().inferred_graph)


def _asserted_graphs(store: ox.Store, inferred: ox.NamedNode) -> list:
    # Any project's closure graph is left out, whatever its graph base.
    return [ox.DefaultGraph()] + [g for g in store.named_graphs()
                                  if g != inferred and not is_inferred_graph(g)]


GraphReader = Callable[[ox.NamedNode, Path], bool]
"""Writes a named graph's triples to a path as N-Triples (any syntax-level form: the text
is made canonical on the way in); False when it cannot, and the store's dump is used."""


def load_closure(store: ox.Store, *, inferred_graph: ox.NamedNode | None = None,
                 record: bool = False, read_graph: GraphReader | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> Closure:
    """Run the OWL 2 RL engine over every graph of ``store`` except the inferred one.

    The store is read as N-Triples text (per-quad Python iteration is slow), so terms stay
    in their canonical N-Triples form; each graph goes through a scratch file, handed to the
    engine in blocks, so that no graph's whole text is ever in memory. ``read_graph`` may
    supply a named graph from a cheaper source (see :func:`stored_ntriples`).
    ``progress(done, total, phase)`` hears how reading and reasoning go.

    >>> c = load_closure(ox.Store())
    >>> len(c.derived)
    0
    """
    closure = Closure(record=record)
    report = _phase(progress, "reading for reasoning")
    with tempfile.TemporaryDirectory(prefix="seccoop-closure-") as work:
        scratch = Path(work, "graph.nt")
        for graph in _asserted_graphs(store, inferred_graph_or_default(inferred_graph)):
            if (read_graph is None or graph == ox.DefaultGraph()
                    or not _add_reread(closure, read_graph, graph, scratch, report)):
                store.dump(output=str(scratch), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                for block in _blocks(scratch, report):
                    closure.add_ntriples(block)
            scratch.unlink(missing_ok=True)
    closure.run(progress=_phase(progress, "reasoning"))
    return closure


def _phase(progress, name: str):
    """``progress`` as a two-argument callback for one phase of a long job (or None)."""
    if progress is None:
        return None
    return lambda done, total: progress(done, total, name)


def _add_reread(closure: Closure, read_graph: GraphReader, graph: ox.NamedNode,
                scratch: Path, report) -> bool:
    # A block the store would write differently (blank nodes) stops the reread: the blocks
    # added so far hold triples the dump has too, which the engine then finds known.
    if not read_graph(graph, scratch):
        return False
    for block in _blocks(scratch, report):
        text = canonical_ntriples(block)
        if text is None:
            return False
        closure.add_ntriples(text)
    return True


def _blocks(path: Path, report=None):
    """The text of an N-Triples file in blocks of whole lines (``report(bytes read, size)``)."""
    size = path.stat().st_size
    with open(path, "rb") as lines:
        while True:
            block = lines.read(READ_BLOCK)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += lines.readline()
            if report is not None:
                report(lines.tell(), size)
            yield block.decode()


def stored_ntriples(source: bytes | IO[bytes] | PurePath, fmt: ox.RdfFormat,
                    base_iri: str) -> str | None:
    """RDF (bytes, a binary file or a path) as N-Triples exactly as a store that loaded it
    dumps it, or None if unsure.

    A store's dump of a large graph on disk costs more than parsing its file again (it
    looks up every term's string), so the build reads the file.  None when the text has
    blank nodes (the store renamed them: only its dump knows their labels); typed literals
    go through a memory store, which writes them in the store's canonical form.

    >>> stored_ntriples(b'<urn:a> <urn:p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ...                 ox.RdfFormat.TURTLE, "urn:base")
    '<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n'
    >>> stored_ntriples(b'_:b <urn:p> <urn:o> .', ox.RdfFormat.TURTLE, "urn:base") is None
    True
    """
    quads = (ox.parse(path=str(source), format=fmt, base_iri=base_iri, without_named_graphs=True)
             if isinstance(source, PurePath) else
             ox.parse(source, fmt, base_iri=base_iri, without_named_graphs=True))
    return canonical_ntriples(_decoded(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)))


def canonical_ntriples(text: str) -> str | None:
    """N-Triples text as pyoxigraph serialised it, in the form a store dumps it (typed
    literals canonical), or None when it holds blank nodes (a store renames them)."""
    if "_:" in text:  # also in a literal or IRI: then the dump is merely not saved
        return None
    if '"^^<' not in text:
        return text
    plain: list[str] = []
    typed: list[str] = []
    for line in text.splitlines(keepends=True):
        (typed if '"^^<' in line else plain).append(line)
    canonical = ox.Store()
    canonical.load("".join(typed), ox.RdfFormat.N_TRIPLES)
    return "".join(plain) + _decoded(canonical.dump(format=ox.RdfFormat.N_TRIPLES,
                                                    from_graph=ox.DefaultGraph()))


def _decoded(data: bytes | None) -> str:
    """The text of a dump or serialisation: without an output file pyoxigraph returns bytes."""
    assert data is not None
    return data.decode()


def _trivia_filter(c: Closure):
    """A predicate over int triples: True for the trivia that are never written."""
    terms, same, rtype, thing = c.terms, c.SAME, c.TYPE, c.THING
    vocab = {i for i, t in enumerate(terms) if t[0] == "<" and t[1:].startswith(VOCAB_NAMESPACES)}

    def trivial(t: tuple[int, int, int]) -> bool:
        s, p, o = t
        return (terms[s][0] == '"' or terms[p][0] != "<" or s in vocab
                or (p == same and s == o) or (p == rtype and o == thing))
    return trivial


def inferred_triples(c: Closure) -> list[tuple[int, int, int]]:
    """The derived triples of a run closure, minus trivia (reflexive sameAs, owl:Thing typing,
    triples about the RDF/RDFS/OWL/XSD vocabulary, literal subjects, non-IRI predicates)."""
    trivial = _trivia_filter(c)
    return [t for t in c.derived if not trivial(t)]


def materialise(store: ox.Store, *, inferred_graph: ox.NamedNode | None = None) -> int:
    """Replace the inferred graph by the OWL 2 RL closure of all other graphs; returns its size.

    The triples go back as N-Quads text parsed by pyoxigraph with blank node labels kept,
    so blank nodes of the closure are the very blank nodes of the asserted graphs.

    >>> store = ox.Store()
    >>> store.load(b'<urn:a> <urn:p> <urn:b> . <urn:p> <http://www.w3.org/2002/07/owl#inverseOf> <urn:q> .',
    ...            ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    >>> materialise(store)
    1
    """
    graph = inferred_graph_or_default(inferred_graph)
    return write_inferred(store, load_closure(store, inferred_graph=graph), graph)


def write_inferred(store: ox.Store, closure: Closure, graph: ox.NamedNode, *,
                   progress: Callable[[int, int, str], None] | None = None) -> int:
    """Replace ``graph`` by the non-trivial derived triples of a run ``closure``; their count.

    :func:`materialise` in two steps, for a caller that keeps the closure (the build checks
    its consistency on the same closure rather than computing it again).

    >>> store = ox.Store()
    >>> write_inferred(store, load_closure(store), ox.NamedNode("urn:inferred"))
    0
    """
    triples = inferred_triples(closure)
    store.clear_graph(graph)
    store.add_graph(graph)
    terms, g = closure.terms, str(graph)
    # In slices: the text of a whole large closure would cost more than the closure itself.
    for start in range(0, len(triples), WRITE_SLICE):
        text = "".join([f"{terms[s]} {terms[p]} {terms[o]} {g} .\n"
                        for s, p, o in triples[start:start + WRITE_SLICE]])
        store.bulk_extend(ox.parse(text, ox.RdfFormat.N_QUADS, rename_blank_nodes=False))
        if progress is not None:
            progress(min(start + WRITE_SLICE, len(triples)), len(triples), "writing inferences")
    return len(triples)


# ----- terms, labels, sources ---------------------------------------------------------------
def to_term(nt: str) -> Term:
    """An N-Triples term string to a pyoxigraph term.

    >>> to_term('<urn:x>'), to_term('"a"@en')
    (<NamedNode value=urn:x>, <Literal value=a language=en>)
    """
    if nt[0] == "<":
        return ox.NamedNode(nt[1:-1])
    if nt[0] == "_":
        return ox.BlankNode(nt[2:])
    return next(iter(ox.parse(f"<urn:x> <urn:x> {nt} .", ox.RdfFormat.N_TRIPLES))).object


def labels_for(store: ox.Store, terms: Iterable[Term], prefixes: dict | None = None) -> dict:
    """Display label of each term: its rdfs:label (see :func:`seccoop.browse.label_of`);
    literals in their N-Triples form."""
    cache: dict = {}
    return {t: str(t) if isinstance(t, ox.Literal) else label_of(store, t, cache, prefixes)
            for t in set(terms)}


def _graphs_of(store: ox.Store, triple: Triple, inferred: ox.NamedNode) -> list[str]:
    """The source files (``data/sco.ttl``) of an asserted triple: each graph's IRI less the
    graph base, which the inferred graph's IRI (``<graph base>inferred``) gives."""
    base = inferred.value[:-len("inferred")] if inferred.value.endswith("inferred") else ""
    s, p, o = triple
    names = []
    for q in store.quads_for_pattern(s, p, o):
        g = q.graph_name
        if g != inferred and not is_inferred_graph(g):
            name = g.value if isinstance(g, ox.NamedNode) else ""
            names.append(name[len(base):] if base and name.startswith(base) else name)
    return names


# ----- explanations ---------------------------------------------------------------------------
@dataclass
class Explanation:
    """Why a triple holds: asserted (with sources), inferred (rule + premises) or not entailed."""

    triple: Triple
    status: str  # "asserted" | "inferred" | "not entailed"
    rule: str | None = None
    premises: list["Explanation"] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    # For ``p owl:propertyChainAxiom (p1 p2 ...)``: the chain's properties, shown as
    # ``p1 ∘ p2 ⊑ p`` rather than the list's blank node.
    chain: tuple = ()

    def terms(self) -> set:
        """Every term in the tree (to fetch labels in one go)."""
        out = set(self.triple) | set(self.chain)
        for p in self.premises:
            out |= p.terms()
        return out

    def leaves(self) -> list["Explanation"]:
        """The asserted triples the explanation rests on, each once, in tree order."""
        if self.status != "inferred":
            return [self]
        seen, out = set(), []
        for p in self.premises:
            for leaf in p.leaves():
                if leaf.triple not in seen:
                    seen.add(leaf.triple)
                    out.append(leaf)
        return out


class Explainer:
    """Builds explanation trees from a recording closure (memoised per triple).

    >>> Explainer(ox.Store(), load_closure(ox.Store(), record=True),
    ...           inferred_graph_or_default(None)).explain((ox.NamedNode("urn:a"), RDF_TYPE,
    ...                                                    ox.NamedNode("urn:B"))).status
    'not entailed'
    """

    def __init__(self, store: ox.Store, closure: Closure, inferred: ox.NamedNode):
        self.store, self.c, self.inferred = store, closure, inferred
        self.memo: dict = {}
        self._terms: dict[int, Term] = {}

    def term(self, i: int) -> Term:
        t = self._terms.get(i)
        if t is None:
            t = self._terms[i] = to_term(self.c.terms[i])
        return t

    def triple(self, t: tuple[int, int, int]) -> Triple:
        return tuple(self.term(i) for i in t)

    def explain_ids(self, t: tuple[int, int, int]) -> Explanation:
        e = self.memo.get(t)
        if e is not None:
            return e
        triple = self.triple(t)
        rec = cast(dict, self.c.why).get(t)  # an Explainer's closure records (why is a dict)
        if rec is not None:
            rec = self._direct(t) or rec
        if rec is None:  # asserted: it was in the store before reasoning
            e = Explanation(triple, "asserted", sources=sources_of(self.store, *triple),
                            graphs=_graphs_of(self.store, triple, self.inferred),
                            chain=self._chain(t))
        else:
            rule, premises = rec
            e = Explanation(triple, "inferred", rule=rule,
                            premises=[self.explain_ids(p) for p in premises])
        self.memo[t] = e
        return e

    def _direct(self, t: tuple[int, int, int]) -> tuple | None:
        """``x a C`` from an asserted ``x a D`` and an asserted ``D ⊑ C`` (cax-sco), when
        the closure recorded a roundabout derivation: the one a reader expects."""
        c, why = self.c, cast(dict, self.c.why)
        s, p, o = t
        if p != c.TYPE or why[t][0] == "cax-sco":
            return None
        for d in sorted(c.objects(s, c.TYPE)):
            if d != o and c.has(d, c.SCO, o) and (s, c.TYPE, d) not in why \
                    and (d, c.SCO, o) not in why:
                return ("cax-sco", ((s, c.TYPE, d), (d, c.SCO, o)))
        return None

    def _chain(self, t: tuple[int, int, int]) -> tuple:
        if t[1] != self.c.CHAIN:
            return ()
        return tuple(self.term(i) for i in self.c.list_items(t[2]))

    def explain(self, triple: Triple) -> Explanation:
        s, p, o = (self.c.ids.get(str(x)) for x in triple)
        if s is not None and p is not None and o is not None and self.c.has(s, p, o):
            return self.explain_ids((s, p, o))
        return Explanation(tuple(triple), "not entailed")


def explain(store: ox.Store, s: Term, p: Term, o: Term, *,
            inferred_graph: ox.NamedNode | None = None) -> Explanation:
    """Why ``s p o`` holds, down to asserted triples and their source sentences.

    The closure of the asserted graphs is recomputed with derivation records, so the
    answer does not depend on a stale inferred graph.  Each premise holds and the named
    rule fires on them; the tree has no cycles (premises precede their conclusion).

    >>> e = explain(ox.Store(), ox.NamedNode("urn:a"), RDF_TYPE, ox.NamedNode("urn:B"))
    >>> e.status
    'not entailed'
    """
    return explainer(store, inferred_graph=inferred_graph).explain((s, p, o))


def explainer(store: ox.Store, *, inferred_graph: ox.NamedNode | None = None) -> Explainer:
    """One recorded closure of ``store``'s asserted graphs, to explain many facts with
    (``.explain((s, p, o))``): for a store that does not change, such as a server's.

    >>> explainer(ox.Store()).explain((ox.NamedNode("urn:a"), RDF_TYPE,
    ...                                ox.NamedNode("urn:B"))).status
    'not entailed'
    """
    inferred = inferred_graph if inferred_graph is not None else _closure_graph(store)
    closure = load_closure(store, inferred_graph=inferred, record=True)
    return Explainer(store, closure, inferred)


def _closure_graph(store: ox.Store) -> ox.NamedNode:
    """The store's own inferred graph (any project's), else the packaged project's name."""
    found = [g for g in store.named_graphs() if is_inferred_graph(g)]
    return cast(ox.NamedNode, found[0]) if len(found) == 1 else inferred_graph_or_default(None)


def format_triple(triple: Triple, labels: Mapping, prefixes: dict | None = None) -> str:
    """A triple in display labels, prefixed names where a term has none.

    >>> format_triple((ox.NamedNode("urn:a"), RDF_TYPE, ox.NamedNode("urn:B")),
    ...               {ox.NamedNode("urn:a"): "A"})
    'A rdf:type <urn:B>'
    """
    return " ".join(display_label(x, labels, prefixes) for x in triple)


def format_fact(e: Explanation, labels: Mapping, prefixes: dict | None = None) -> str:
    """:func:`format_triple`, or a property chain as ``p1 ∘ p2 ⊑ p``.

    >>> p = [ox.NamedNode(f"urn:{x}") for x in "pqr"]
    >>> format_fact(Explanation((p[2], ox.NamedNode(OWL_CHAIN), ox.BlankNode()), "asserted",
    ...                         chain=(p[0], p[1])), {})
    '<urn:p> ∘ <urn:q> ⊑ <urn:r>'
    """
    if e.chain:
        chain = " ∘ ".join(display_label(x, labels, prefixes) for x in e.chain)
        return f"{chain} ⊑ {display_label(e.triple[0], labels, prefixes)}"
    return format_triple(e.triple, labels, prefixes)


def display_label(term: Term, labels: Mapping | None, prefixes: dict | None = None) -> str:
    """The label ``labels`` gives ``term``, else its short form (prefixed name or N-Triples).

    >>> display_label(RDF_TYPE, None)
    'rdf:type'
    """
    if labels and term in labels:
        return labels[term]
    return shorten(term, prefixes)


def format_explanation(expl: Explanation, labels: Union[Mapping, ox.Store, None] = None,
                       prefixes: dict | None = None) -> str:
    """An indented tree for the terminal: rule names, labels, source sentences under leaves.

    ``labels`` maps terms to display names; pass the store to look up rdfs:label.

    >>> print(format_explanation(Explanation((ox.NamedNode("urn:a"), RDF_TYPE,
    ...       ox.NamedNode("urn:B")), "not entailed")))
    <urn:a> rdf:type <urn:B>: not entailed
    """
    if isinstance(labels, ox.Store):
        labels = labels_for(labels, expl.terms(), prefixes)
    lines: list[str] = []
    _format_into(expl, labels or {}, 0, lines, prefixes)
    return "\n".join(lines)


def _format_into(e: Explanation, labels: Mapping, depth: int, lines: list[str],
                 prefixes: dict | None = None) -> None:
    pad = "    " * depth
    text = format_fact(e, labels, prefixes)
    if e.status == "inferred":
        lines.append(f"{pad}{text}  [inferred by {e.rule}]")
        for p in e.premises:
            _format_into(p, labels, depth + 1, lines, prefixes)
    elif e.status == "asserted":
        where = f" in {', '.join(g for g in e.graphs if g)}" if any(e.graphs) else ""
        lines.append(f"{pad}{text}  [asserted{where}]")
        for src, sentence in e.sources:
            lines.append(f"{pad}    source: \"{sentence}\" ({src})" if sentence
                         else f"{pad}    source: {src}")
    else:
        lines.append(f"{pad}{text}: not entailed")


def explanation_to_json(expl: Explanation, labels: Mapping | None = None) -> dict:
    """A JSON-ready dict: terms as N-Triples strings plus labels when given.

    >>> explanation_to_json(Explanation((ox.NamedNode("urn:a"), RDF_TYPE, ox.NamedNode("urn:B")),
    ...                     "not entailed"))["status"]
    'not entailed'
    """
    names = ("subject", "predicate", "object")
    out: dict[str, Any] = {
        "triple": {n: str(t) for n, t in zip(names, expl.triple)},
        "status": expl.status,
    }
    if labels:
        out["labels"] = {n: display_label(t, labels) for n, t in zip(names, expl.triple)}
    if expl.status == "inferred":
        out["rule"] = expl.rule
        out["premises"] = [explanation_to_json(p, labels) for p in expl.premises]
    elif expl.status == "asserted":
        out["sources"] = [{"source": s, "text": t} for s, t in expl.sources]
        out["graphs"] = list(expl.graphs)
        if expl.chain:
            out["chain"] = [str(t) for t in expl.chain]
    return out
