"""Finding resources by name: one matcher for the web search, its suggestions, its JSON API
and the CLI's ``describe`` (:func:`seccoop.store.resolve`).

A resource is found by its ``rdfs:label``, its ``skos:altLabel`` aliases and the local name
of its IRI (``bishkek-summit-2007`` read as "bishkek summit 2007"). Matches are ranked:
exact, then prefix (of the name or of one of its words), then substring, then fuzzy (edit
distance with transpositions, so that a typo such as "Chnia" still finds China); within a
rank labels come before aliases before local names, then shorter names first.

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    >>> china = ox.NamedNode("https://w3id.org/seccoop/id/china")
    >>> store.add(ox.Quad(china, label, ox.Literal("China", language="en")))
    >>> [(hit.label, hit.kind) for hit in SearchIndex.from_store(store).search("Chnia")]
    [('China', 'fuzzy')]
"""

from __future__ import annotations

import re
import unicodedata
import dataclasses
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES

KINDS = ("exact", "prefix", "substring", "fuzzy")
FIELDS = ("label", "alias", "name")  # where a match was found, in ranking order
_NAMES = f"""SELECT ?s ?p ?l WHERE {{
  VALUES ?p {{ <{STANDARD_PREFIXES['rdfs']}label> <{STANDARD_PREFIXES['skos']}altLabel> }}
  ?s ?p ?l FILTER(isIRI(?s) && isLITERAL(?l)) }}"""
_TYPES = "SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """One resource found: its IRI and label, the name that matched, how and where."""

    iri: str
    label: str
    matched: str
    kind: str      # one of KINDS
    where: str     # one of FIELDS
    rank: tuple = dataclasses.field(compare=False, repr=False, default=())

    def as_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "matched": self.matched,
                "match": self.kind, "field": self.where}


@dataclass
class _Entry:
    iri: str
    label: str = ""
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (folded, shown, field)
    types: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Case- and accent-free text with its words single-spaced: what names are compared by.

    >>> fold("  Shanghai  Coopération ")
    'shanghai cooperation'
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def distance(a: str, b: str, bound: int) -> int:
    """Edit distance (insert, delete, substitute, swap two neighbours); ``bound + 1`` as
    soon as it is certain to exceed ``bound``.

    >>> distance("chnia", "china", 2), distance("kitten", "sitting", 5)
    (1, 3)
    """
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        before, row = row, current
    return row[-1]


def fuzzy_bound(text: str) -> int:
    """How many edits a query of this length may be from a name (none for 1-3 letters)."""
    return 0 if len(text) < 4 else 1 if len(text) < 6 else 2


def local_name(iri: str) -> str:
    """The IRI's local name, words apart: ``.../id/bishkek-summit-2007`` -> "bishkek summit 2007"."""
    rest = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", rest)
    return " ".join(re.split(r"[-_.]+", spaced)).strip()


_VOCABULARIES = tuple(STANDARD_PREFIXES[p] for p in ("rdf", "rdfs", "owl", "xsd", "skos")
                      if p in STANDARD_PREFIXES)


class SearchIndex:
    """The names of every labelled IRI of a store, searched in memory (built once per store)."""

    def __init__(self, entries: list[_Entry]):
        self.entries = entries

    @classmethod
    def from_store(cls, store: ox.Store) -> "SearchIndex":
        found: dict[str, _Entry] = {}
        alias = STANDARD_PREFIXES["skos"] + "altLabel"
        for row in cast(ox.QuerySolutions, store.query(_NAMES, use_default_graph_as_union=True)):
            iri, literal = row["s"].value, row["l"]
            entry = found.setdefault(iri, _Entry(iri))
            kind = "alias" if row["p"].value == alias else "label"
            if kind == "label" and (not entry.label or literal.language == "en"):
                entry.label = literal.value
            entry.names.append((fold(literal.value), literal.value, kind))
        for entry in found.values():
            name = local_name(entry.iri)
            entry.names = sorted(set(entry.names), key=lambda n: (FIELDS.index(n[2]), n[0]))
            if name:
                entry.names.append((fold(name), name, "name"))
            entry.label = entry.label or name or entry.iri
        for row in cast(ox.QuerySolutions, store.query(_TYPES, use_default_graph_as_union=True)):
            typed = found.get(row["s"].value)
            # The project's own classes, whatever its namespace: not RDF/RDFS/OWL's.
            if typed is not None and not row["t"].value.startswith(_VOCABULARIES):
                typed.types.append(row["t"].value)
        return cls(sorted(found.values(), key=lambda e: e.iri))

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        """The resources whose names match ``text``, best first, at most ``limit``.

        >>> SearchIndex([]).search("anything")
        []
        """
        wanted = fold(text)
        if not wanted:
            return []
        bound = fuzzy_bound(wanted)
        hits = []
        for entry in self.entries:
            best = None
            for folded, shown, where in entry.names:
                rank = _rank(wanted, folded, bound)
                if rank is not None:
                    key = (rank[0], FIELDS.index(where), rank[1], len(folded), entry.label.lower())
                    if best is None or key < best.rank:
                        best = Hit(entry.iri, entry.label, shown, KINDS[rank[0]], where, key)
            if best is not None:
                hits.append(best)
        hits.sort(key=lambda h: (h.rank, h.iri))
        return hits[:limit]

    def types_of(self, iri: str) -> list[str]:
        for entry in self.entries:
            if entry.iri == iri:
                return entry.types
        return []


def _rank(wanted: str, name: str, bound: int) -> tuple[int, int] | None:
    """(kind, edits) of ``wanted`` against one folded ``name``, None when it does not match."""
    if name == wanted:
        return 0, 0
    if name.startswith(wanted):
        return 1, 0
    words = _WORD.findall(name)
    if any(word.startswith(wanted) for word in words) or \
            any(name[m.start():].startswith(wanted) for m in _WORD.finditer(name)):
        return 1, 1
    if wanted in name:
        return 2, 0
    if bound == 0:
        return None
    edits = min([distance(wanted, name, bound)] +
                [distance(wanted, word, bound) for word in words if len(word) > 2])
    return (3, edits) if edits <= bound else None
