"""The one registry of formats: names, media types, file extensions, pyoxigraph formats.

Everything seccoop reads or writes is listed here once, built on pyoxigraph's own format
metadata (``RdfFormat`` and ``QueryResultsFormat`` carry media type, extension and IRI);
CLI choices, content negotiation offers, the lenient ``format=`` parameter, file
extensions and DCAT media types are derived from it.

    >>> by_name("turtle").media_type, by_name("turtle").extension
    ('text/turtle', 'ttl')
    >>> for_path("out.nq").name
    'nquads'
    >>> [f.name for f in RESULTS]
    ['json', 'xml', 'csv', 'tsv']
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One format: ``kind`` is ``rdf`` (graphs and datasets) or ``results`` (SELECT/ASK)."""

    name: str
    kind: str
    ox: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()  # other media types and names clients use for it
    text: bool = True              # served with "; charset=utf-8"

    @property
    def media_type(self) -> str:
        return self.ox.media_type.split(";")[0]

    @property
    def extension(self) -> str:
        return self.ox.file_extension

    @property
    def iri(self) -> str:
        return self.ox.iri

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def datasets(self) -> bool:
        """Whether it can hold named graphs (N-Quads, TriG, JSON-LD)."""
        return isinstance(self.ox, ox.RdfFormat) and self.ox.supports_datasets


RDF = (
    Format("turtle", "rdf", ox.RdfFormat.TURTLE, ("application/x-turtle", "application/turtle",
                                                   "ttl", "n3", "text/n3", "text/rdf+n3")),
    Format("ntriples", "rdf", ox.RdfFormat.N_TRIPLES, ("n-triples", "nt", "text/plain")),
    Format("nquads", "rdf", ox.RdfFormat.N_QUADS, ("n-quads", "nq")),
    Format("trig", "rdf", ox.RdfFormat.TRIG),
    Format("jsonld", "rdf", ox.RdfFormat.JSON_LD, ("json-ld", "application/x-json+ld",
                                                   "application/json")),
    Format("rdfxml", "rdf", ox.RdfFormat.RDF_XML, ("rdf+xml", "rdf", "application/xml"),
           text=False),
)
RESULTS = (
    Format("json", "results", ox.QueryResultsFormat.JSON, ("application/json", "srj")),
    Format("xml", "results", ox.QueryResultsFormat.XML,
           ("application/xml", "text/xml", "srx"), text=False),
    Format("csv", "results", ox.QueryResultsFormat.CSV),
    Format("tsv", "results", ox.QueryResultsFormat.TSV),
)
ALL = RDF + RESULTS
# The syntaxes a project's source files may be written in (read, never served), by the
# kind names of lean.RDF_SUFFIXES (which stays stdlib-only for the fast query path).
SOURCE_SYNTAXES: dict[str, ox.RdfFormat] = {
    **{f.name: f.ox for f in RDF if isinstance(f.ox, ox.RdfFormat) and not f.datasets},
    "jsonld": ox.RdfFormat.JSON_LD, "n3": ox.RdfFormat.N3}
# A results format asked for a CONSTRUCT/DESCRIBE means the RDF syntax of the same family.
GRAPH_TWIN = {"json": "jsonld", "xml": "rdfxml"}

_BY_NAME = {f.name: f for f in ALL}
_BY_EXTENSION = {f.extension: f for f in ALL}
_BY_EXTENSION.update({"owl": _BY_NAME["rdfxml"], "json": _BY_NAME["json"],
                      "xml": _BY_NAME["xml"]})


def by_name(name: str) -> Format:
    """The format called ``name`` (a CLI ``--format`` value); KeyError if unknown."""
    return _BY_NAME[name]


def for_path(path: str) -> Format | None:
    """The format a file name's extension says (``out.nt`` -> N-Triples), or None."""
    name = str(path)
    if name.endswith(".gz"):
        name = name[:-3]
    _, dot, extension = name.rpartition(".")
    return _BY_EXTENSION.get(extension.lower()) if dot else None


def names(kind: str) -> tuple[str, ...]:
    """The names of the formats of one kind, in order of preference."""
    return tuple(f.name for f in ALL if f.kind == kind)


def offers(kind: str) -> tuple[tuple[str, str], ...]:
    """(name, media type) pairs for content negotiation: each format's own media type
    first, in order of preference, then the aliases that are media types."""
    chosen = [f for f in ALL if f.kind == kind]
    own = [(f.name, f.media_type) for f in chosen]
    return tuple(own + [(f.name, a) for f in chosen for a in f.aliases if "/" in a])


def parameter_table() -> dict[str, tuple[str | None, str | None]]:
    """What a ``format``/``output``/``results`` value means: (results format, RDF format).

    Names and media types of each format, its aliases too; a results name also means
    the RDF syntax of its family for CONSTRUCT/DESCRIBE (``json`` -> JSON-LD).
    """
    table: dict[str, tuple[str | None, str | None]] = {}
    for f in RDF:
        for word in (f.name, f.media_type, f.extension, *f.aliases):
            table.setdefault(word.lower(), (None, f.name))
    for f in RESULTS:
        for word in (f.name, f.media_type, f.extension, *f.aliases):
            table[word.lower()] = (f.name, GRAPH_TWIN.get(f.name, table.get(word.lower(), (None, None))[1]))
    return table
