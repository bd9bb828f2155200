"""Shared helpers for the knowledge-graph tests: load the Turtle files the way the store does.

Files are chosen and loaded by the project's own store code (one named graph per file, shapes
excluded), into an in-memory store so that a test can add a bad example beside them.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPH_BASE = "https://w3id.org/seccoop/graph/"
SC = "https://w3id.org/seccoop/ontology#"
SCR = "https://w3id.org/seccoop/id/"

PREFIXES = """PREFIX sc: <https://w3id.org/seccoop/ontology#>
PREFIX scr: <https://w3id.org/seccoop/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
"""


def kg_files() -> list[Path]:
    """The files that make up the dataset, chosen by the project's own rules."""
    from seccoop.project import find_project

    return find_project(ROOT).source_files()


def ontology_files() -> list[Path]:
    return [f for f in sorted((ROOT / "ontology").glob("*.ttl")) if f.name != "shapes.ttl"]


def graph_iri(path: Path) -> str:
    return GRAPH_BASE + path.relative_to(ROOT).as_posix()


def load_project_dataset(extra_turtle: str | None = None):
    """A pyoxigraph Store with one named graph per file; extra_turtle goes to its own graph."""
    import pyoxigraph as ox

    from seccoop.project import find_project
    from seccoop.store import load_file

    store = ox.Store()
    project = find_project(ROOT)
    for f in project.source_files():
        load_file(store, project, f)  # the store's own loader: same graphs, same errors
    if extra_turtle:
        store.load(input=PREFIXES_TTL + extra_turtle, format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(GRAPH_BASE + "test/extra.ttl"))
    return store


PREFIXES_TTL = "".join(
    "@prefix " + line.split()[1] + " " + line.split()[2] + " .\n" for line in PREFIXES.strip().splitlines()
)


def rdflib_graph(extra_turtle: str | None = None):
    """All files merged into one rdflib Graph (what owlrl and pySHACL work on)."""
    import rdflib

    g = rdflib.Graph()
    for f in kg_files():
        g.parse(f, format="turtle")
    if extra_turtle:
        g.parse(data=PREFIXES_TTL + extra_turtle, format="turtle")
    return g


@lru_cache(maxsize=1)
def _closure_cached():
    return _closure(None)


def _closure(extra_turtle):
    import owlrl

    g = rdflib_graph(extra_turtle)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


def owlrl_closure(extra_turtle: str | None = None):
    """The OWL 2 RL closure (owlrl) of all files; cached when no extra triples are given.

    Callers must not modify the cached graph.
    """
    return _closure_cached() if extra_turtle is None else _closure(extra_turtle)


def closure_store():
    """A pyoxigraph Store holding the OWL 2 RL closure (asserted + inferred triples) in one graph.

    The closure graph already contains every asserted triple; loading the files again would
    duplicate the blank-node provenance statements under other blank-node ids.
    """
    import pyoxigraph as ox
    import rdflib

    store = ox.Store()
    g = rdflib.Graph()
    # owlrl also derives triples with literal subjects (datatype axioms), which RDF cannot store
    for t in owlrl_closure():
        if not isinstance(t[0], rdflib.Literal):
            g.add(t)
    store.load(input=g.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(GRAPH_BASE + "inferred"))
    return store


def select(store, query: str) -> list[tuple]:
    """Run a SELECT on the union of the named graphs; rows as tuples of plain strings (None if unbound)."""
    res = store.query(PREFIXES + query if "PREFIX sc:" not in query else query,
                      use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in res]


def short(value: str | None) -> str | None:
    """scr:/sc: IRIs to their local names, so expected rows can be written by hand."""
    if value is None:
        return None
    for ns in (SCR, SC):
        if value.startswith(ns):
            return value[len(ns):]
    return value


def query_file(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def run_named(store, name: str) -> set[tuple]:
    return {tuple(short(v) for v in row) for row in select(store, query_file(name))}
