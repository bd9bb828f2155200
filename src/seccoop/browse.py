"""Reading the graph as a person does: labels, one resource's facts with their sources, counts.

The CLI's ``describe`` and ``stats`` and the web pages all use these functions.

    >>> from seccoop.store import open_store
    >>> store = open_store()
    >>> facts = describe(store, "https://w3id.org/seccoop/id/china")
    >>> facts.label
    'China'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES as PREFIXES
from .projectconfig import ProjectConfig, packaged_config
from .queries import shorten
from .queries import is_inferred_graph

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_SUBJECT = ox.NamedNode(PREFIXES["rdf"] + "subject")
_PREDICATE = ox.NamedNode(PREFIXES["rdf"] + "predicate")
_OBJECT = ox.NamedNode(PREFIXES["rdf"] + "object")
_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
# Where a source's text is, when the project file names no property (``source_text``).
DEFAULT_TEXT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"


def text_property(config: ProjectConfig | None = None) -> ox.NamedNode:
    """The property holding the text of a source (a sentence), by the project file."""
    config = config or packaged_config()
    return ox.NamedNode(config.extra_text("source_text") or DEFAULT_TEXT)


@dataclass
class Fact:
    subject: ox.NamedNode | ox.BlankNode | ox.Triple
    predicate: ox.NamedNode
    object: object
    inferred: bool
    graphs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source IRI, text)


@dataclass
class Description:
    iri: str
    label: str
    types: list[ox.NamedNode]
    outgoing: list[Fact]
    incoming: list[Fact]
    more_outgoing: bool = False  # cut at the ``limit`` given to :func:`describe`
    more_incoming: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


def label_of(store: ox.Store, term, cache: dict | None = None,
             prefixes: dict[str, str] | None = None) -> str:
    """The English ``rdfs:label`` of a term, else its short form (with ``prefixes``,
    default the packaged project's); a blank node is shown by its content
    (:func:`blank_text`), never by its id."""
    if isinstance(term, ox.BlankNode):
        return blank_text(store, term, prefixes=prefixes)
    if not isinstance(term, ox.NamedNode):
        return shorten(term, prefixes)
    if cache is not None and term.value in cache:
        return cache[term.value]
    best = None
    for quad in store.quads_for_pattern(term, LABEL, None):
        value = quad.object
        if not isinstance(value, ox.Literal):
            continue
        if value.language == "en":
            best = value.value
            break
        if best is None or not value.language:
            best = value.value
    label = best or shorten(term, prefixes)
    if cache is not None:
        cache[term.value] = label
    return label


_FIRST = ox.NamedNode(PREFIXES["rdf"] + "first")
_REST = ox.NamedNode(PREFIXES["rdf"] + "rest")
_NIL = ox.NamedNode(PREFIXES["rdf"] + "nil")


def blank_text(store: ox.Store, node: ox.BlankNode, depth: int = 2, width: int = 8,
               prefixes: dict[str, str] | None = None) -> str:
    """A blank node as its content, in Turtle's bracket syntax: ``[ owl:onProperty
    sc:member ; owl:hasValue scr:china ]``, an RDF list as ``( a b )``; ``[]`` past
    ``depth`` or when it has no triples, ``…`` past ``width`` pairs. Only asserted
    triples are shown: they define it; the inferred ones restate the class hierarchy.

    >>> s = ox.Store()
    >>> b = ox.BlankNode()
    >>> s.add(ox.Quad(b, RDF_TYPE, ox.NamedNode(PREFIXES["owl"] + "Restriction")))
    >>> blank_text(s, b)
    '[ rdf:type owl:Restriction ]'
    """
    if depth < 0:
        return "[…]"
    items = _list_items(store, node)
    if items is not None:
        return "( " + " ".join(_term_text(store, t, depth - 1, prefixes) for t in items) + " )"
    pairs = sorted({(q.predicate.value, str(q.object)): (q.predicate, q.object)
                    for q in store.quads_for_pattern(node, None, None)
                    if not is_inferred_graph(q.graph_name)}.items())  # what defines it
    shown = [f"{shorten(p, prefixes)} {_term_text(store, o, depth - 1, prefixes)}"
             for _, (p, o) in pairs[:width]]
    if len(pairs) > width:
        shown.append("…")
    return "[ " + " ; ".join(shown) + " ]" if shown else "[]"


def _term_text(store: ox.Store, term, depth: int, prefixes: dict[str, str] | None = None) -> str:
    if isinstance(term, ox.BlankNode):
        return blank_text(store, term, depth, prefixes=prefixes)
    if isinstance(term, ox.Literal):
        return f'"{term.value}"'
    return shorten(term, prefixes)


def _list_items(store: ox.Store, node, limit: int = 50) -> list | None:
    items: list = []
    while isinstance(node, ox.BlankNode) and len(items) < limit:
        first = next(store.quads_for_pattern(node, _FIRST, None), None)
        rest = next(store.quads_for_pattern(node, _REST, None), None)
        if first is None or rest is None:
            return None if not items else items
        items.append(first.object)
        node = rest.object
    return items if node == _NIL or items else None


def sources_of(store: ox.Store, s, p, o, text: ox.NamedNode | None = None) -> list[tuple[str, str]]:
    """The sentences (or background sources) stated to support the triple ``s p o``:
    (source IRI, text) of every ``rdf:Statement`` reifying it, sorted by source; the
    text is the value of ``text`` (default :func:`text_property`)."""
    found = set()
    text = text or text_property()
    for statement in (q.subject for q in store.quads_for_pattern(None, _SUBJECT, s)):
        if not (_holds(store, statement, _PREDICATE, p) and _holds(store, statement, _OBJECT, o)):
            continue
        for derived in store.quads_for_pattern(statement, _DERIVED_FROM, None):
            source = derived.object
            if not isinstance(source, (ox.NamedNode, ox.BlankNode)):
                continue  # a literal cannot be a source with a text
            texts = [t.object.value for t in store.quads_for_pattern(source, text, None)
                     if isinstance(t.object, ox.Literal)]
            found.add((source.value if isinstance(source, ox.NamedNode) else str(source),
                       texts[0] if texts else ""))
    return sorted(found)


def _holds(store: ox.Store, s, p, o) -> bool:
    return any(True for _ in store.quads_for_pattern(s, p, o))


def _facts(store: ox.Store, pattern: tuple, inferred: bool, limit: int | None,
           skip=None, text: ox.NamedNode | None = None) -> tuple[list[Fact], bool]:
    """The distinct triples matching ``pattern`` as facts (sorted), and whether ``limit``
    cut them. The store gives the quads of one triple together, so the cut never splits
    a fact's graphs."""
    merged: dict[tuple, Fact] = {}
    cut = False
    for quad in store.quads_for_pattern(*pattern):
        is_inferred = is_inferred_graph(quad.graph_name)
        if (is_inferred and not inferred) or (skip is not None and skip(quad)):
            continue
        key = (quad.subject, quad.predicate, quad.object)
        fact = merged.get(key)
        if fact is None:
            if limit is not None and len(merged) >= limit:
                cut = True
                break
            fact = merged[key] = Fact(*key, inferred=is_inferred)
        fact.inferred = fact.inferred and is_inferred
        fact.graphs.append(quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode)
                           else "")
    facts = sorted(merged.values(), key=lambda f: (f.predicate.value, str(f.subject), str(f.object)))
    for fact in facts:
        if not fact.inferred:
            fact.sources = sources_of(store, fact.subject, fact.predicate, fact.object, text)
    return facts, cut


def describe(store: ox.Store, iri: str, *, inferred: bool = True,
             limit: int | None = None, config: ProjectConfig | None = None) -> Description:
    """Outgoing and incoming facts of one resource, each with its graphs and sources.

    ``limit`` bounds each direction (a hub may have millions of links): beyond it the
    description keeps the first facts in the store's order and says so
    (``more_outgoing``/``more_incoming``). Types are always complete.
    """
    node = ox.NamedNode(iri)
    text = text_property(config)
    outgoing, more_out = _facts(store, (node, None, None, None), inferred, limit, text=text)
    incoming, more_in = _facts(store, (None, None, node, None), inferred, limit,
                               skip=_is_reification, text=text)
    types = sorted({q.object for q in store.quads_for_pattern(node, RDF_TYPE, None)
                    if isinstance(q.object, ox.NamedNode)
                    and (inferred or not is_inferred_graph(q.graph_name))}, key=lambda t: t.value)
    prefixes = config.query_prefixes if config else None
    return Description(iri, label_of(store, node, None, prefixes), types, outgoing, incoming,
                       more_out, more_in)


def _is_reification(quad: ox.Quad) -> bool:
    # Provenance statements point at every resource; they are shown as sources instead.
    return quad.predicate in (_SUBJECT, _OBJECT)


def format_description(store: ox.Store, desc: Description,
                       prefixes: dict[str, str] | None = None) -> str:
    """The terminal rendering of :func:`describe`: labels, not IRIs; sources under facts."""
    cache: dict = {}
    label = lambda term: label_of(store, term, cache, prefixes)  # noqa: E731
    lines = [f"{desc.label}  <{desc.iri}>"]
    if desc.types:
        lines.append("  a " + ", ".join(label(t) for t in desc.types))
    lines.append("")
    lines.append("Facts:")
    for fact in desc.outgoing:
        if fact.predicate in (RDF_TYPE, LABEL):
            continue
        lines.extend(_fact_lines(fact, label(fact.predicate), label(fact.object), label))
    if desc.incoming:
        lines.append("")
        lines.append("Referenced by:")
        for fact in desc.incoming:
            lines.extend(_fact_lines(fact, label(fact.subject), label(fact.predicate), label))
    return "\n".join(lines)


def _fact_lines(fact: Fact, first: str, second: str, label) -> list[str]:
    mark = "  (inferred)" if fact.inferred else ""
    lines = [f"  {first}: {second}{mark}"]
    for source, text in fact.sources:
        where = label(ox.NamedNode(source))
        lines.append(f"      source: {where}: \"{_snippet(text)}\"" if text else f"      source: {where}")
    return lines


def _snippet(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def stats(store: ox.Store, *, inferred: bool = True,
          config: ProjectConfig | None = None) -> dict[str, list[tuple[str, int]]]:
    """Counts of instances per class, triples per property and triples per named graph,
    named with the prefixes of the project ``config`` (default: the packaged one)."""
    from .queries import run_query

    config = config or packaged_config()
    prefixes = config.query_prefixes

    def table(sparql: str) -> list[tuple[str, int]]:
        result = run_query(store, sparql, inferred=inferred, prefixes=prefixes)
        return [(_term_text(store, row[0], 1, prefixes), int(row[1].value)) for row in result.value]

    return {
        "classes": table("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } "
                         "GROUP BY ?c ORDER BY DESC(?n) ?c"),
        "properties": table("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } "
                            "GROUP BY ?p ORDER BY DESC(?n) ?p"),
        "graphs": [(config.graph_name(g.removeprefix("<").removesuffix(">")), n)
                   for g, n in table("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                     "GROUP BY ?g ORDER BY ?g")],
    }
