"""Dumps of the store in every RDF syntax: deterministic and streaming.

Every export is one pipeline: ``Store.dump`` of each chosen graph as N-Triples, the
blank-node statements set aside and relabelled by RDFC-1.0, one external ``sort -u`` of the
lines (:mod:`seccoop.sorting`), then the format's writer (Oxigraph's serialisers; JSON-LD by
:mod:`seccoop.jsonld`, with the published ``@context``). Sorted canonical lines make the
output a pure function of the graph, so an edit changes only its own lines; only the
blank-node statements are held in memory. Turtle and N-Triples write one large graph
without blank nodes by Oxigraph's own dump, whose index order is deterministic too. Quad
formats keep the named graphs; the others write the union of the chosen graphs.

    >>> import io
    >>> from seccoop.store import open_store
    >>> out = io.BytesIO()
    >>> export(open_store(), out, "ntriples")
    >>> out.getvalue().startswith(b"<")
    True
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from itertools import groupby
from typing import IO, BinaryIO, Iterable, Iterator, cast

import pyoxigraph as ox

from . import formats
from .projectconfig import ProjectConfig, packaged_config
from .sorting import LineReader, make_sorter
from .jsonld import JsonLdWriter, context_for, core_context
from .errors import ExportError
from .queries import is_inferred_graph

FORMATS = formats.names("rdf")
EXTENSIONS = {f.name: f.extension for f in formats.RDF}
QUAD_FORMATS = {f.name for f in formats.RDF if f.datasets and f.name != "jsonld"}
VANN = "http://purl.org/vocab/vann/"


# --- choosing the graphs ---------------------------------------------------------------

def select_graphs(store: ox.Store, graphs: Iterable[str] | None = None, *,
                  inferred: bool = True, config: ProjectConfig | None = None) -> list[ox.NamedNode]:
    """The named graphs to export, by full IRI, project-relative file path or ``inferred``.

    No ``graphs`` means every graph; ``inferred=False`` leaves out the inferred graph.
    """
    present = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
                     key=lambda g: g.value)
    if graphs:
        config = config or packaged_config()
        chosen = []
        for name in graphs:
            iri = name if "://" in name or name.startswith("urn:") else config.graph_iri(name.strip("/"))
            node = ox.NamedNode(iri)
            if node not in present:
                known = ", ".join(config.graph_name(g.value) for g in present)
                raise ExportError(f"no graph {name!r} in the store; graphs: {known}")
            chosen.append(node)
        present = sorted(set(chosen), key=lambda g: g.value)
    return [g for g in present if inferred or not is_inferred_graph(g)]


def asserted_copy(store: ox.Store) -> ox.Store:
    """An in-memory store with the asserted graphs of ``store`` only (no inferred graph), so
    that pages which query the whole store (home, ontology counts, pictures) leave
    inferences out too.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"),
    ...               ox.NamedNode("https://example.org/graph/inferred")))
    >>> len(asserted_copy(s))
    0
    """
    copy = ox.Store()
    for graph in select_graphs(store, inferred=False):
        copy.extend(store.quads_for_pattern(None, None, None, graph))
    return copy


# --- the sorted, canonical line stream -------------------------------------------------

def _has_blank(line: bytes) -> bool:
    """Whether an N-Triples line has a blank node as subject or object."""
    if line.startswith(b"_:"):
        return True
    after_subject = line.find(b"> ") + 2
    after_predicate = line.find(b"> ", after_subject) + 2
    return line.startswith(b"_:", after_predicate)


class _Splitter:
    """The file Store.dump writes to: passes whole lines without blank nodes to the sorter
    (behind ``prefix``, the graph of quad exports) and keeps the others aside."""

    def __init__(self, sink, prefix: bytes, aside: list[bytes]):
        self.sink, self.prefix, self.aside, self.pending = sink, prefix, aside, b""

    def write(self, chunk) -> int:
        data = self.pending + bytes(chunk)
        cut = data.rfind(b"\n") + 1
        body, self.pending = data[:cut], data[cut:]
        if b"_:" in body:
            kept: list[bytes] = []
            for line in body.splitlines(keepends=True):
                (self.aside if _has_blank(line) else kept).append(self.prefix + line)
            body = b"".join(kept)
        elif self.prefix and body:
            body = self.prefix + body[:-1].replace(b"\n", b"\n" + self.prefix) + b"\n"
        if body:
            self.sink.write(body)
        return len(chunk)

    def flush(self):
        pass


def _graph_token(graph) -> bytes:
    return f"<{graph.value}> ".encode() if isinstance(graph, ox.NamedNode) else b"<> "


def _canonical_lines(aside: list[bytes], quads: bool) -> list[bytes]:
    """Blank-node statements relabelled by RDFC-1.0, as sorted lines of the same shape."""
    if not aside:
        return []
    if quads:  # "<g> s p o .\n" -> "s p o <g> .\n" for the N-Quads parser
        text = b"".join(line[line.index(b"> ") + 2:-3] + b" " + line[:line.index(b"> ") + 1] + b" .\n"
                        if not line.startswith(b"<> ") else line[3:] for line in aside)
    else:
        text = b"".join(aside)
    dataset = ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = set()
    for quad in dataset:
        triple = _ntriples([ox.Triple(quad.subject, quad.predicate, quad.object)])
        lines.add((_graph_token(quad.graph_name) if quads else b"") + triple)
    return sorted(lines)


@contextmanager
def sorted_lines(store: ox.Store, graphs: list[ox.NamedNode], *, quads: bool = False,
                 python_sort: bool | None = None) -> Iterator[BinaryIO]:
    """A binary stream of the sorted, duplicate-free canonical lines of ``graphs``.

    Triples mode gives N-Triples of the union of the graphs; quads mode gives
    ``<graph> s p o .`` lines, sorted by graph first.
    """
    sorter = make_sorter(python_sort)
    try:
        aside: list[bytes] = []
        for graph in graphs:
            prefix = _graph_token(graph) if quads else b""
            splitter = cast(BinaryIO, _Splitter(sorter, prefix, aside))  # a write-only sink
            store.dump(splitter, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        canonical = _canonical_lines(aside, quads)
        if canonical:
            sorter.write(b"".join(canonical))
        yield sorter.finish()
    finally:
        sorter.close()


# --- writers ---------------------------------------------------------------------------

def prefixes_of(store: ox.Store, graphs: list[ox.NamedNode],
                config: ProjectConfig | None = None) -> dict[str, str]:
    """The project's query prefixes plus those the ontologies declare with vann."""
    found = dict((config or packaged_config()).query_prefixes)
    query = """SELECT ?p ?u WHERE { GRAPH ?g { ?o <%spreferredNamespacePrefix> ?p ;
               <%spreferredNamespaceUri> ?u } } ORDER BY ?p ?u""" % (VANN, VANN)
    rows = cast(ox.QuerySolutions, store.query(query, named_graphs=list(graphs) or None))
    for row in rows:
        found.setdefault(row["p"].value, row["u"].value)
    return found


def _triples(stream: IO[bytes]) -> Iterator[ox.Quad]:
    return ox.parse(stream, format=ox.RdfFormat.N_TRIPLES)


def _graph_groups(stream: BinaryIO) -> Iterator[tuple[ox.NamedNode | ox.DefaultGraph,
                                                      Iterator[bytes]]]:
    """(graph, lines without the graph token) for the quads-mode stream."""
    for token, lines in groupby(stream, key=lambda line: line[:line.index(b"> ") + 1]):
        graph = ox.NamedNode(token[1:-1].decode()) if token != b"<>" else ox.DefaultGraph()
        cut = len(token) + 1
        yield graph, (line[cut:] for line in lines)


def _write_nquads(stream: BinaryIO, out: BinaryIO) -> None:
    for graph, lines in _graph_groups(stream):
        tail = b" .\n" if isinstance(graph, ox.DefaultGraph) else f" <{graph.value}> .\n".encode()
        for batch in _batches(lines):
            out.write(b"".join(line[:-3] + tail for line in batch))


def _batches(lines: Iterator[bytes], size: int = 8192) -> Iterator[list[bytes]]:
    while batch := [line for _, line in zip(range(size), lines)]:
        yield batch


def _trig_quads(stream: BinaryIO) -> Iterator[ox.Quad]:
    for graph, lines in _graph_groups(stream):
        for t in _triples(cast(IO[bytes], LineReader(lines))):
            yield ox.Quad(t.subject, t.predicate, t.object, graph)


def write(stream: BinaryIO, out: BinaryIO, fmt: str, prefixes: dict[str, str],
          context: dict | None = None) -> None:
    """Write the sorted line stream (quads mode for TriG and N-Quads) in ``fmt``."""
    if fmt in ("ntriples",):
        shutil.copyfileobj(stream, out, 1 << 20)
    elif fmt == "nquads":
        _write_nquads(stream, out)
    elif fmt == "trig":
        ox.serialize(_trig_quads(stream), out, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    elif fmt == "turtle":
        ox.serialize(_triples(stream), out, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    elif fmt == "rdfxml":
        ox.serialize(_triples(stream), out, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    elif fmt == "jsonld":
        JsonLdWriter(context or core_context()).write(_triples(stream), out)
    else:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


def export(store: ox.Store, out: BinaryIO, fmt: str = "turtle", *,
           graphs: Iterable[str] | None = None, inferred: bool = True,
           python_sort: bool | None = None, sizes: dict[str, int] | None = None,
           config: ProjectConfig | None = None) -> None:
    """Export the chosen graphs (default: all; ``inferred=False`` leaves out the inferred
    graph) in ``fmt`` to the binary file ``out``. Quad formats keep the graphs; the others
    write the union of the graphs. ``sizes`` (triples per graph IRI, e.g. from the build
    manifest) saves counting them for the fast path. ``config``: the project whose prefixes,
    graph names and JSON-LD context are used (default: the packaged one)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    chosen = select_graphs(store, graphs, inferred=inferred, config=config)
    prefixes = prefixes_of(store, chosen, config)
    if fmt in FAST_FORMATS and os.environ.get(FAST_ENV) != "0" and \
            _fast_union(store, out, fmt, chosen, prefixes, sizes, python_sort):
        return
    context = context_for(store, chosen, config) if fmt == "jsonld" else None
    with sorted_lines(store, chosen, quads=fmt in QUAD_FORMATS, python_sort=python_sort) as lines:
        write(lines, out, fmt, prefixes, context)


# --- the fast path for one big graph ----------------------------------------------------

FAST_REST_LIMIT = 100_000  # triples outside the big graph that the fast path still handles
FAST_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
FAST_ENV = "SECCOOP_EXPORT_FAST"  # "0" turns the fast path off (benchmarks of the general path)


def _fast_union(store, out, fmt, chosen, prefixes, sizes, python_sort) -> bool:
    """Turtle or N-Triples for the usual shape of a big dataset, at the speed of Oxigraph's
    own dump: one large graph without blank nodes, whose subjects no other chosen graph
    describes. Its subjects come in the store's index order (a pure function of the terms,
    so still deterministic), after the other graphs' statements in sorted order; every
    subject is still one group and no triple repeats. Returns False (nothing written) when
    the shape differs."""
    sizes = sizes or _graph_sizes(store)
    big = max(chosen, key=lambda g: (sizes.get(g.value, 0), g.value), default=None)
    rest = [g for g in chosen if g != big]
    if big is None or sizes.get(big.value, 0) <= FAST_REST_LIMIT or \
            sum(sizes.get(g.value, 0) for g in rest) > FAST_REST_LIMIT:
        return False
    syntax = FAST_FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        body_path = os.path.join(folder, "big")
        store.dump(body_path, syntax, from_graph=big, prefixes=prefixes)
        if _mentions_blank(body_path):
            return False
        with sorted_lines(store, rest, python_sort=python_sort) as lines:
            small = lines.read()
        if _shares_subjects(store, small, big):
            return False
        if fmt == "ntriples":
            out.write(small)
        else:
            out.write(b"".join(f"@prefix {p}: <{ns}> .\n".encode() for p, ns in prefixes.items()))
            _copy_body(ox.serialize(_triples(io.BytesIO(small)), format=syntax,
                                    prefixes=prefixes), out)
        with open(body_path, "rb") as body:
            _copy_body(body, out)
    return True


def _mentions_blank(path: str) -> bool:
    """Whether ``_:`` occurs in the file: a blank node (or, rarely, text in a literal)."""
    last = b""
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            if b"_:" in last + block:
                return True
            last = block[-1:]
    return False


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = cast(ox.QuerySolutions, store.query(query))
    return {row["g"].value: int(row["n"].value) for row in rows}


def _shares_subjects(store: ox.Store, ntriples: bytes, graph: ox.NamedNode) -> bool:
    subjects = {t.subject for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
                if isinstance(t.subject, ox.NamedNode)}
    return any(any(True for _ in store.quads_for_pattern(s, None, None, graph)) for s in subjects)


def _copy_body(turtle, out: BinaryIO) -> None:
    """Turtle without its leading ``@prefix`` lines (the file has one header)."""
    stream = io.BytesIO(turtle) if isinstance(turtle, bytes) else turtle
    for line in stream:
        if not line.startswith((b"@prefix ", b"@base ")):
            out.write(line)
            break
    shutil.copyfileobj(stream, out, 1 << 20)


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # no output file given: the bytes are returned
    return data


def serialize_triples(triples: Iterable[ox.Triple], fmt: str, *,
                      prefixes: dict[str, str] | None = None, context: dict | None = None) -> bytes:
    """A small in-memory graph (one resource's description) in the same deterministic form;
    the quad formats (N-Quads, TriG) put it in the default graph."""
    text = _ntriples(triples)
    blank = [line for line in text.splitlines(keepends=True) if _has_blank(line)]
    lines = {line for line in text.splitlines(keepends=True) if not _has_blank(line)}
    lines.update(_canonical_lines(blank, quads=False))
    token = b"<> " if fmt in QUAD_FORMATS else b""  # the default graph, in quads mode
    out = io.BytesIO()
    write(io.BytesIO(b"".join(token + line for line in sorted(lines))), out, fmt,
          prefixes or packaged_config().query_prefixes, context)
    return out.getvalue()
