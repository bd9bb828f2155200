"""``seccoop publish``: a build's named graphs onto a remote engine, switched in whole.

Each graph is uploaded into a staging graph, the engine's counts are checked against the
build's, and only then one SPARQL Update moves every staging graph onto its graph and the
new catalog onto the old one. Until that switch the previous graphs answer; a publish that
fails or is killed before it leaves its staging graphs listed in :data:`~seccoop.remote.PENDING`,
says so, and the next publish drops them.

    >>> from seccoop.remote import RemoteStore                  # doctest: +SKIP
    >>> report = publish(open_store(), manifest, RemoteStore(url, gsp_url=gsp))  # doctest: +SKIP
    >>> report.graphs["https://w3id.org/seccoop/graph/inferred"] > 0           # doctest: +SKIP
    True
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox

from .errors import SeccoopError
from .remote import CATALOG, PENDING, STAGING_PREFIX, RemoteStore, VOCAB

CHUNK = 20_000  # triples per INSERT DATA request when there is no Graph Store endpoint
GSP_CHUNK = 200_000  # triples per Graph Store request

Say = Callable[[str], None]


class PublishError(SeccoopError):
    """A publish that stopped before its switch: the previous graphs still answer."""


@dataclass
class PublishReport:
    build: str
    graphs: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    seconds: float = 0.0


def publish(store: ox.Store, build: str, remote: RemoteStore, *, built: str | None = None,
            say: Say = lambda line: None) -> PublishReport:
    """Copy every named graph of ``store`` (a build called ``build``, made at ``built``)
    onto ``remote``."""
    started = time.perf_counter()
    report = PublishReport(build)
    report.cleaned = drop_leftovers(remote, say)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    staging_id = uuid.uuid4().hex[:12]
    staging = {g: f"{STAGING_PREFIX}{staging_id}:{i}" for i, g in enumerate(graphs)}
    catalog_staging = f"{STAGING_PREFIX}{staging_id}:catalog"
    folded = f"{STAGING_PREFIX}{staging_id}:blank"
    left = [*staging.values(), catalog_staging, folded]
    remote.update(_insert(PENDING, [f"<{s}> a <{VOCAB}Staging> ." for s in left]))
    try:
        expected = _upload(store, remote, staging, folded, say)
        _verify(remote, staging, expected, say)
        previous = set(remote.catalog(fresh=True).graphs)
        remote.update(_insert(catalog_staging, _catalog_triples(build, built, expected)))
        say("switching: every graph at once")
        switch(remote, staging, catalog_staging, sorted(previous - set(graphs)))
    except BaseException as error:
        say(f"publish stopped before the switch; the previous graphs still answer. "
            f"Staging graphs left behind (the next publish drops them): {', '.join(left)}")
        if isinstance(error, SeccoopError):
            raise PublishError(f"publish failed: {error}") from None
        raise
    report.graphs = expected
    report.dropped = sorted(previous - set(graphs))
    report.seconds = time.perf_counter() - started
    return report


def drop_leftovers(remote: RemoteStore, say: Say) -> list[str]:
    """Drop the staging graphs an earlier publish left behind; returns their names."""
    rows = remote.select_in(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{PENDING}> {{ ?s ?p ?o }} }}",
                          named=[PENDING])
    left = sorted(row["s"].value for row in rows)
    if left:
        say(f"dropping {len(left)} staging graphs an earlier publish left behind")
        remote.update(" ;\n".join([*(f"DROP SILENT GRAPH <{g}>" for g in left),
                                   f"DROP SILENT GRAPH <{PENDING}>"]))
    return left


def switch(remote: RemoteStore, staging: dict[str, str], catalog_staging: str,
           dropped: list[str]) -> None:
    """One update request: each staging graph replaces its graph, then the catalog."""
    operations = [f"MOVE SILENT GRAPH <{s}> TO GRAPH <{g}>" for g, s in staging.items()]
    operations += [f"DROP SILENT GRAPH <{g}>" for g in dropped]
    operations += [f"MOVE SILENT GRAPH <{catalog_staging}> TO GRAPH <{CATALOG}>",
                   f"DROP SILENT GRAPH <{PENDING}>"]
    remote.update(" ;\n".join(operations))


def _upload(store: ox.Store, remote: RemoteStore, staging: dict[str, str], folded: str,
            say: Say) -> dict[str, int]:
    """Every graph into its staging graph; returns triples per graph. Triples with blank
    nodes go separately, each blank node's triples of every graph in one request, so that a
    blank node two graphs share (the inferred graph says things about the ontology's)
    stays one node."""
    expected: dict[str, int] = {}
    with_blanks: list[tuple[str, ox.Quad]] = []
    for number, (graph, target) in enumerate(staging.items(), 1):
        plain, blank = _split(store, graph)
        expected[graph] = len(plain) + len(blank)
        with_blanks += [(target, quad) for quad in blank]
        say(f"uploading {number}/{len(staging)}: {graph} ({expected[graph]:,} triples)")
        _send_triples(remote, target, plain)
    if with_blanks:
        say(f"uploading {len(with_blanks):,} triples with blank nodes")
        _send_blank_triples(remote, with_blanks, sorted(set(staging.values())), folded)
    return expected


def _send_blank_triples(remote: RemoteStore, quads: list[tuple[str, ox.Quad]],
                        targets: list[str], folded: str) -> None:
    """All into one graph, with the target graph folded into the predicate (Virtuoso 7.2
    fails on a template that writes blank nodes into two graphs); the engine then unfolds
    them into their graphs. With a Graph Store endpoint the folded graph is one document;
    without, templates create the blank nodes (INSERT DATA may not hold them on Virtuoso),
    in batches that keep connected blank nodes together."""
    index = {target: number for number, target in enumerate(targets)}

    def fold(batch):
        return [f"{q.subject} <{_FOLD}{index[t]}:{q.predicate.value}> {q.object} ."
                for t, q in batch]

    if remote.gsp_url:
        # one document keeps every blank node one node, however many triples share it
        # (LUBM types thousands of students with one restriction's blank node)
        remote.put_graph(folded, ("\n".join(fold(quads)) + "\n").encode())
    else:
        remote.update(f"DROP SILENT GRAPH <{folded}>")
        for batch in _blank_batches(quads):
            remote.update(f"INSERT {{ GRAPH <{folded}> {{ {' '.join(fold(batch))} }} }} WHERE {{}}")
    used = sorted({index[t] for t, _ in quads})
    remote.update(" ;\n".join([*(_unfold(folded, targets[n], f"{_FOLD}{n}:") for n in used),
                               f"DROP SILENT GRAPH <{folded}>"]))


_FOLD = "urn:seccoop:in:"


def _unfold(folded: str, target: str, prefix: str) -> str:
    return (f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{folded}> {{ ?s ?w ?o }} "
            f"FILTER(STRSTARTS(STR(?w), \"{prefix}\")) "
            f"BIND(IRI(SUBSTR(STR(?w), {len(prefix) + 1})) AS ?p) }}")


BLANK_BATCH = 40  # triples per template: Virtuoso 7.2 fails on templates of a hundred or so


def _blank_batches(quads: list[tuple[str, ox.Quad]]):
    """The quads in batches that never split the triples of connected blank nodes."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for _, quad in quads:
        blanks = [t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if len(blanks) == 2:
            parent[root(blanks[0])] = root(blanks[1])
    groups: dict[ox.BlankNode, list] = {}
    for item in quads:
        node = item[1].subject if isinstance(item[1].subject, ox.BlankNode) else item[1].object
        groups.setdefault(root(node), []).append(item)
    batch: list = []
    for group in groups.values():
        if batch and len(batch) + len(group) > BLANK_BATCH:
            yield batch
            batch = []
        batch += group
    if batch:
        yield batch


def _split(store: ox.Store, graph: str) -> tuple[list[str], list[ox.Quad]]:
    """The graph's triples: N-Triples lines of those without blank nodes, and the quads
    with blank nodes."""
    plain: list[str] = []
    blank: list[ox.Quad] = []
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank.append(quad)
        else:
            plain.append(f"{quad.subject} {quad.predicate} {quad.object} .")
    return plain, blank


def _send_triples(remote: RemoteStore, target: str, lines: list[str]) -> None:
    if remote.gsp_url:
        # a PUT, then POSTs of GSP_CHUNK lines each: Virtuoso 7.2 kept 879,996 of the
        # 1,272,953 triples of LUBM(10) sent in one request (the count check caught it)
        for start in range(0, max(len(lines), 1), GSP_CHUNK):
            chunk = lines[start:start + GSP_CHUNK]
            remote.put_graph(target, ("\n".join(chunk) + "\n").encode(),
                             method="PUT" if start == 0 else "POST")
        return
    remote.update(f"DROP SILENT GRAPH <{target}>")
    for start in range(0, len(lines), CHUNK):
        remote.update(_insert(target, lines[start:start + CHUNK]))


def _verify(remote: RemoteStore, staging: dict[str, str], expected: dict[str, int],
            say: Say) -> None:
    found = remote.counts(staging.values())
    wrong = [f"{g}: {found[s]:,} of {expected[g]:,}" for g, s in staging.items()
             if found[s] != expected[g]]
    if wrong:
        raise PublishError("the engine holds other counts than the build: " + "; ".join(wrong))
    say(f"checked: {sum(expected.values()):,} triples in {len(expected)} staging graphs")


def _insert(graph: str, lines: list[str]) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n" + "\n".join(lines) + "\n} }"


def _catalog_triples(build: str, built: str | None, counts: dict[str, int]) -> list[str]:
    lines = [f"<{CATALOG}> <{VOCAB}build> {ox.Literal(build)} ."]
    if built:
        lines.append(f"<{CATALOG}> <{VOCAB}built> {ox.Literal(built)} .")
    for graph, count in counts.items():
        lines.append(f"<{CATALOG}> <{VOCAB}graph> <{graph}> .")
        lines.append(f"<{graph}> <{VOCAB}triples> {count} .")
    return lines
