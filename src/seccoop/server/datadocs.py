"""The RDF documents the server publishes: service description, VoID, resources, ontology.

They reuse the library: triples come from the store, serialization from
:func:`seccoop.queries.serialize_result`.

    >>> "sd:Service" in service_description("http://127.0.0.1:8000", Settings())
    True
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from .. import GRAPH_BASE, INFERRED_GRAPH_IRI, PREFIXES, SC, SCR, __version__
from ..queries import QueryResult, serialize_result
from ..settings import Settings
from .protocol import MEDIA_TYPES, RESULT_FORMAT_NAMES

RDF_DOC_OFFERS = (("html", "text/html"), ("turtle", "text/turtle"),
                  ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"),
                  ("rdfxml", "application/rdf+xml"), ("turtle", "application/x-turtle"),
                  ("ntriples", "text/plain"), ("jsonld", "application/json"),
                  ("rdfxml", "application/xml"))
# Without HTML: what /sparql and /void answer to machines.
MACHINE_DOC_OFFERS = RDF_DOC_OFFERS[1:] + (("html", "text/html"),)
EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
EXTENSION_OF = {fmt: ext for ext, fmt in EXTENSIONS.items()}


def serialize_turtle(turtle: str, fmt: str) -> bytes:
    """Turtle text we wrote, in any RDF format."""
    if fmt == "turtle":
        return turtle.encode()
    triples = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    return serialize_result(QueryResult("graph", triples, []), fmt)


def serialize_triples(triples, fmt: str) -> bytes:
    return serialize_result(QueryResult("graph", triples, []), fmt)


def service_description(base: str, settings: Settings) -> str:
    """A SPARQL 1.1 Service Description in Turtle: entailment, formats, limits."""
    formats = "\n".join(f"    sd:resultFormat <{_format_iri(f)}> ;" for f in
                        (*RESULT_FORMAT_NAMES, "turtle", "ntriples", "nquads", "trig",
                         "jsonld", "rdfxml"))
    remote = "SERVICE and LOAD are refused"
    if settings.allow_service:  # NamedNode refuses what is not an IRI (no quote can slip in)
        allowed = ", ".join(ox.NamedNode(iri).value for iri in settings.allow_service)
        remote = f"LOAD is refused; SERVICE may call only {allowed}"
    cache = (f" Replies to repeated queries may come from memory (up to "
             f"{settings.result_cache_mb:g} MB per worker): the store does not change while "
             f"it is served." if settings.result_cache_mb > 0 else "")
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sc: <{SC}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# Entailment: the OWL 2 RL closure (the OWL 2 RL/RDF rules, expressible in RIF Core) is
# MATERIALISED when the store is built, into its own named graph; queries are then evaluated
# by simple entailment over the union of the asserted graphs and that graph. Add
# inferred=false to a request to query the asserted graphs only (simple entailment).
<{base}/sparql> a sd:Service ;
    rdfs:label "seccoop SPARQL endpoint (read-only)" ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/RIF> ;
    sd:defaultSupportedEntailmentProfile <http://www.w3.org/ns/owl-profile/RL> ;
{formats}
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ;
            sd:entailmentRegime <http://www.w3.org/ns/entailment/RIF> ;
            sd:supportedEntailmentProfile <http://www.w3.org/ns/owl-profile/RL> ;
            rdfs:comment "union of the asserted graphs and <{INFERRED_GRAPH_IRI}>, the materialised OWL 2 RL closure" ] ;
        void:inDataset <{base}/void>
    ] ;
    sc:timeoutSeconds "{settings.timeout:g}"^^xsd:decimal ;
    sc:maxRows {settings.max_rows} ;
    sc:maxRequestBytes {settings.max_body} ;
    rdfs:comment "Limits: each query is stopped after {settings.timeout:g} s (503); at most {settings.max_rows} rows or triples are returned (more are cut, with the header X-SPARQL-Truncated: true); request bodies up to {settings.max_body} bytes. {remote}; SPARQL Update is not offered.{cache}" .
"""


def _format_iri(fmt: str) -> str:
    known = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
             "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
             "ntriples": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
             "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}
    return f"http://www.w3.org/ns/formats/{known[fmt]}"


@lru_cache(maxsize=4)
def _void_counts(store: ox.Store) -> tuple:
    # The store never changes under a running server: count once per process.
    def rows(sparql: str):
        return [tuple(row) for row in store.query(sparql, use_default_graph_as_union=True)]

    total = rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0]
    classes = rows("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    properties = rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    graphs = [tuple(r) for r in store.query(
        "SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?ns) WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g ORDER BY ?g")]
    return total, classes, properties, graphs


def void_description(store: ox.Store, base: str) -> str:
    """VoID in Turtle: triples, classes and properties of the dataset, and per named graph."""
    total, classes, properties, graphs = _void_counts(store)
    lines = [f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{base}/void> a void:Dataset ;
    dcterms:title "seccoop: regional security cooperation (China's National Defense in 2008)" ;
    rdfs:comment "Counts include the materialised OWL 2 RL closure (graph <{INFERRED_GRAPH_IRI}>)." ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "{SCR}" ;
    void:vocabulary <{SC.rstrip('#')}> ;
    void:triples {total.value} ;
    void:classes {len(classes)} ;
    void:properties {len(properties)} ;
    dcterms:creator "seccoop {__version__}" ."""]
    for cls, count in classes:
        lines.append(f"<{base}/void> void:classPartition [ void:class {cls} ; void:entities {count.value} ] .")
    for prop, count in properties:
        lines.append(f"<{base}/void> void:propertyPartition [ void:property {prop} ; void:triples {count.value} ] .")
    for graph, count, subjects in graphs:
        lines.append(f"<{base}/void> void:subset [ a void:Dataset ; void:graph {graph} ; "
                     f"void:triples {count.value} ; void:distinctSubjects {subjects.value} ] .")
    return "\n".join(lines) + "\n"


def resource_triples(store: ox.Store, iri: str, *, inferred: bool = True,
                     limit: int | None = None) -> list[ox.Triple]:
    """The triples about one resource: outgoing, then incoming, without duplicates; at most
    ``limit`` of them (the first in that order)."""
    node = ox.NamedNode(iri)
    seen: dict = {}
    for pattern in ((node, None, None, None), (None, None, node, None)):
        for quad in store.quads_for_pattern(*pattern):
            if not inferred and quad.graph_name.value == INFERRED_GRAPH_IRI:
                continue
            if limit is not None and len(seen) >= limit and quad.triple not in seen:
                return list(seen)
            seen.setdefault(quad.triple, None)
    return list(seen)


def ontology_triples(store: ox.Store) -> list[ox.Triple]:
    """The triples of the graphs loaded from ontology/ files (shapes excluded by the loader)."""
    prefix = GRAPH_BASE + "ontology/"
    seen: dict = {}
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            for quad in store.quads_for_pattern(None, None, None, graph):
                seen.setdefault(quad.triple, None)
    return list(seen)


def link_header(path: str) -> str:
    """``Link`` to every alternate serialization of the document at ``path``."""
    return ", ".join(f'<{path}.{ext}>; rel="alternate"; type="{MEDIA_TYPES[fmt]}"'
                     for ext, fmt in EXTENSIONS.items())


__all__ = ["PREFIXES", "service_description", "void_description", "resource_triples",
           "ontology_triples", "link_header", "serialize_turtle", "serialize_triples"]
