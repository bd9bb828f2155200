"""The RDF documents the server and the static site publish: service description, VoID,
entity documents, ontology. One serialiser for both (:func:`seccoop.export.serialize_triples`),
so the server's ``/id/X.ttl`` and the site's ``id/X.ttl`` are the same bytes.

    >>> "sd:Service" in service_description(None, Settings())
    True
    >>> "evil.example" in service_description("http://evil.example:666", Settings())
    False
    >>> list(EXTENSIONS)
    ['ttl', 'jsonld', 'nt', 'rdf', 'nq', 'trig']
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import STANDARD_PREFIXES, __version__

from .. import formats
from ..projectconfig import ProjectConfig, packaged_config
from ..queries import is_inferred_graph
from ..settings import Settings, public_base
from .urls import DUMP_NAME

# The formats of every document, in the order pages list them.
DOCUMENT_FORMATS = ("turtle", "jsonld", "ntriples", "rdfxml", "nquads", "trig")
# Document extension -> format name.
EXTENSIONS = {formats.by_name(fmt).extension: fmt for fmt in DOCUMENT_FORMATS}
EXTENSION_OF = {fmt: ext for ext, fmt in EXTENSIONS.items()}
FOAF = "http://xmlns.com/foaf/0.1/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DUMP_EXTENSIONS = ("ttl", "nt", "nq", "trig", "jsonld", "rdf")
DCTERMS, XSD = STANDARD_PREFIXES["dcterms"], STANDARD_PREFIXES["xsd"]
# Turtle prefixes of every published document besides the project's query prefixes.
DOC_EXTRA_PREFIXES = {"foaf": FOAF, "void": "http://rdfs.org/ns/void#",
                      "dcat": "http://www.w3.org/ns/dcat#",
                      "sd": "http://www.w3.org/ns/sparql-service-description#"}


def doc_prefixes(config: ProjectConfig | None = None) -> dict[str, str]:
    """The Turtle prefixes of the documents of a project (default: the packaged one)."""
    return {**(config or packaged_config()).query_prefixes, **DOC_EXTRA_PREFIXES}
# Entity documents describe their blank nodes (e.g. reified provenance statements) this
# many levels deep.
BLANK_DEPTH = 8


@dataclass(frozen=True, eq=False)
class Publication:
    """What every document of one publication shares: its base URL (no trailing slash),
    the store's build time as ``xsd:dateTime`` and the JSON-LD context.

    >>> Publication("https://w3id.org/seccoop/").base
    'https://w3id.org/seccoop'
    """

    base: str
    modified: str | None = None
    context: dict | None = field(default=None, repr=False)
    config: ProjectConfig | None = field(default=None, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "base", self.base.rstrip("/"))


def select(store: ox.Store, sparql: str, **options) -> ox.QuerySolutions:
    """The solutions of a SELECT query over ``store`` (another form is a caller's bug).

    >>> len(list(select(ox.Store(), "SELECT * WHERE { ?s ?p ?o }")))
    0
    """
    result = store.query(sparql, **options)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {sparql[:60]}")
    return result


def build_time(manifest: dict) -> datetime | None:
    """The build time a store's manifest records (``built``), or None.

    >>> build_time({"built": "2026-11-30T11:09:45+0000"}).isoformat()
    '2026-11-30T11:09:45+00:00'
    """
    try:
        return datetime.strptime(manifest["built"], "%Y-%m-%dT%H:%M:%S%z")
    except (KeyError, TypeError, ValueError):
        return None


def document_context(store: ox.Store, inferred: bool = True,
                     config: ProjectConfig | None = None) -> dict:
    """The JSON-LD context of the documents (the one ``seccoop export`` and the site use)."""
    from ..export import select_graphs
    from ..jsonld import context_for

    return context_for(store, select_graphs(store, inferred=inferred), config)


def serialize_triples(triples, fmt: str, context: dict | None = None,
                      config: ProjectConfig | None = None) -> bytes:
    """A small graph in the deterministic form of :mod:`seccoop.export` (quad formats put
    it in the default graph), with the prefixes of the project ``config``."""
    from ..export import serialize_triples as deterministic

    return deterministic(list(triples), fmt, prefixes=doc_prefixes(config), context=context)


def serialize_turtle(turtle: str, fmt: str, context: dict | None = None,
                     config: ProjectConfig | None = None) -> bytes:
    """Turtle text we wrote, in any RDF format."""
    return serialize_triples(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE), fmt, context,
                             config)


# --- entity documents --------------------------------------------------------------------

def resource_triples(store: ox.Store, iri: str, *, inferred: bool = True,
                     limit: int | None = None) -> list[ox.Triple]:
    """The bounded description of one resource: its outgoing, then incoming triples, then
    every triple of the blank nodes these mention, recursively (reified provenance
    statements, n-ary nodes) up to :data:`BLANK_DEPTH` levels; without duplicates; at most
    ``limit`` triples (the first in that order)."""
    node = ox.NamedNode(iri)
    seen: dict[ox.Triple, None] = {}
    described: set[ox.BlankNode] = set()
    queue: deque = deque()

    def take(quads, depth: int) -> bool:
        for quad in quads:
            if not inferred and is_inferred_graph(quad.graph_name):
                continue
            triple = quad.triple
            if triple in seen:
                continue
            if limit is not None and len(seen) >= limit:
                return False
            seen[triple] = None
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode) and term not in described:
                    described.add(term)
                    queue.append((term, depth + 1))
        return True

    if not (take(store.quads_for_pattern(node, None, None), 0)
            and take(store.quads_for_pattern(None, None, node), 0)):
        return list(seen)
    while queue:
        blank, depth = queue.popleft()
        if depth <= BLANK_DEPTH and not take(store.quads_for_pattern(blank, None, None), depth):
            break
    return list(seen)


def document_iri(base: str, iri: str, fmt: str, config: ProjectConfig | None = None) -> str:
    """The IRI of a resource's document in ``fmt``: ``{base}/id/{name}.{ext}``."""
    name = (config or packaged_config()).resource_name(iri) or ""
    return f"{base}/id/{quote(name, safe='')}.{EXTENSION_OF[fmt]}"


def document_triples(doc: str, topic: str, modified: str | None,
                     licence: str | None = LICENSE) -> list[ox.Triple]:
    """What a document says about itself: its topic, licence and modification date."""
    d = ox.NamedNode(doc)
    found = [ox.Triple(d, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(topic))]
    if licence:
        found.append(ox.Triple(d, ox.NamedNode(DCTERMS + "license"), _licence_term(licence)))
    if modified:
        found.append(ox.Triple(d, ox.NamedNode(DCTERMS + "modified"),
                               ox.Literal(modified, datatype=ox.NamedNode(XSD + "dateTime"))))
    return found


def entity_document(store: ox.Store, iri: str, fmt: str, pub: Publication, *,
                    inferred: bool = True, limit: int | None = None) -> tuple[bytes, bool]:
    """A resource's document in ``fmt`` and whether it was cut at ``limit`` triples (the
    document's own triples included). The server and the static site both call this."""
    config = pub.config or packaged_config()
    meta = document_triples(document_iri(pub.base, iri, fmt, config), iri, pub.modified,
                            config.licence)
    room = None if limit is None else max(limit - len(meta), 0)
    triples = resource_triples(store, iri, inferred=inferred,
                               limit=None if room is None else room + 1)
    cut = room is not None and len(triples) > room
    return serialize_triples(meta + triples[:room], fmt, pub.context, config), cut


def _licence_term(licence: str):
    """A licence IRI as an IRI, any other text as a literal."""
    try:
        return ox.NamedNode(licence) if "://" in licence else ox.Literal(licence)
    except ValueError:
        return ox.Literal(licence)


def ontology_triples(store: ox.Store, config: ProjectConfig | None = None) -> list[ox.Triple]:
    """The triples of the graphs loaded from ontology/ files (shapes excluded by the loader)."""
    prefix = (config or packaged_config()).graph_iri("ontology/")
    seen: dict = {}
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            for quad in store.quads_for_pattern(None, None, None, graph):
                seen.setdefault(quad.triple, None)
    return list(seen)


# --- VoID ----------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def void_counts(store: ox.Store) -> tuple:
    """(triples, [(class, entities)], [(property, triples)], [(graph, triples, subjects)]),
    counted once per store: the store never changes under a running server."""
    def rows(sparql: str):
        return [tuple(row) for row in select(store, sparql, use_default_graph_as_union=True)]

    total = int(rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0].value)
    classes = rows("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } "
                   "GROUP BY ?c ORDER BY ?c")
    properties = rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    graphs = [tuple(r) for r in select(store,
        "SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?ns) WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g ORDER BY ?g")]
    return total, classes, properties, graphs


def licence_line(config: ProjectConfig) -> str:
    return f"dcterms:license {_licence_term(config.licence)} ;\n    " if config.licence else ""


def _vocabulary_line(config: ProjectConfig) -> str:
    vocabulary = config.ontology_iri or config.ontology_namespace.rstrip("#")
    return f"void:vocabulary <{vocabulary}> ;" if vocabulary else ""


def _local(iri: str, prefixes: dict[str, str]) -> str:
    """A fragment-safe short name of an IRI (``sc:Forum``; else the IRI percent-encoded)."""
    for prefix, namespace in prefixes.items():
        rest = iri[len(namespace):]
        if iri.startswith(namespace) and rest and all(c.isalnum() or c in "-_." for c in rest):
            return f"{prefix}:{rest}"
    return quote(iri, safe="")


def graph_node(base: str, graph: str, *, named: bool = False,
               config: ProjectConfig | None = None) -> str:
    """The IRI of the VoID subset (an ``sd:Graph``) holding the triples of the named graph
    ``graph``; ``named``: of the ``sd:NamedGraph`` (the pair of name and graph)."""
    key = quote((config or packaged_config()).graph_name(graph), safe="/.-_~")
    return f"{base}/void#{'named-graph' if named else 'graph'}-{key}"


def void_description(store: ox.Store, base: str, *, endpoint: bool = True,
                     dumps: str | None = None, example: str | None = None,
                     config: ProjectConfig | None = None) -> str:
    """VoID in Turtle: the dataset, its class and property partitions (on IRIs), and one
    ``void:subset`` per named graph; ``dumps`` is the URL prefix of the full dumps
    (``{dumps}seccoop.ttl``...)."""
    config = config or packaged_config()
    prefixes = config.query_prefixes
    total, classes, properties, graphs = void_counts(store)
    ds = f"<{base}/void>"
    lines = [f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .

{ds} a void:Dataset ;
    dcterms:title {ox.Literal(config.title, language="en")} ;
    rdfs:comment "Counts include the materialised OWL 2 RL closure (graph <{config.inferred_graph}>)." ;
    {licence_line(config)}void:uriSpace {ox.Literal(config.resource_namespace)} ;
    {_vocabulary_line(config)}
    void:triples {total} ;
    void:classes {len(classes)} ;
    void:properties {len(properties)} ;
    dcterms:creator "seccoop {__version__}" ."""]
    if endpoint:
        lines.append(f"{ds} void:sparqlEndpoint <{base}/sparql> .")
    lines += [f"{ds} void:dataDump <{dumps}{DUMP_NAME}.{ext}> ." for ext in DUMP_EXTENSIONS
              if dumps]
    if example:
        lines.append(f"{ds} void:exampleResource <{example}> .")
    for cls, count in classes:
        node = f"<{base}/void#class-{_local(cls.value, prefixes)}>"
        lines.append(f"{ds} void:classPartition {node} .\n"
                     f"{node} void:class {cls} ; void:entities {count.value} .")
    for prop, count in properties:
        node = f"<{base}/void#property-{_local(prop.value, prefixes)}>"
        lines.append(f"{ds} void:propertyPartition {node} .\n"
                     f"{node} void:property {prop} ; void:triples {count.value} .")
    for graph, count, subjects in graphs:
        node = f"<{graph_node(base, graph.value, config=config)}>"
        named = f"<{graph_node(base, graph.value, named=True, config=config)}>"
        lines.append(f"{ds} void:subset {node} .\n{node} a void:Dataset, sd:Graph ; "
                     f'dcterms:title {ox.Literal(config.graph_name(graph.value))} ; '
                     f"void:triples {count.value} ; void:distinctSubjects {subjects.value} .\n"
                     f"{named} a sd:NamedGraph ; sd:name {graph} ; sd:graph {node} .")
    return "\n".join(lines) + "\n"


# --- the service description ---------------------------------------------------------------

# The service description's own terms (materialisation, limits): seccoop's vocabulary as a
# tool, the same for every project it serves.
SERVICE_VOCABULARY = "https://w3id.org/seccoop/ontology#"

# Entailments the materialised closure leaves out (see seccoop.reasoning._trivia_filter and
# seccoop.rules): what a client must not expect from a query.
OMITTED = (
    "owl:sameAs reflexivity: x owl:sameAs x is not materialised",
    "owl:Thing typing: x rdf:type owl:Thing is not materialised",
    "owl:Nothing subclassing: owl:Nothing rdfs:subClassOf C is not materialised",
    "no triple whose subject is an RDF, RDFS, OWL or XSD vocabulary term (nor the axiomatic "
    "triples of OWL 2 RL/RDF) is materialised",
    "scm-cls applies to owl:Class only, scm-op/scm-dp to owl:ObjectProperty, "
    "owl:DatatypeProperty and rdf:Property",
    "the consistency rules (eq-diff*, cax-dw, prp-irp, ...) are checked when the store is "
    "built, not answered by queries",
)

# The request parameters beyond the SPARQL 1.1 Protocol: name -> what it does.
PARAMETERS = {
    "inferred": "true (default) or false: false evaluates the query over the asserted "
                "graphs only, leaving out the materialised closure; it composes with FROM, "
                "FROM NAMED, default-graph-uri and named-graph-uri.",
    "format": "The response format by short name (json, xml, csv, tsv, turtle, ntriples, "
              "nquads, trig, jsonld, rdfxml) or media type, in the style of Fuseki and "
              "Virtuoso; ignored when unknown or inapplicable to the query form; never "
              "overrides a stricter Accept header.",
    "output": "A synonym of format (Fuseki).",
    "results": "A synonym of format (as SPARQLWrapper sends it).",
}


def service_description(base: str | None, settings: Settings,
                        store: ox.Store | None = None, config: ProjectConfig | None = None) -> str:
    """A SPARQL 1.1 Service Description in Turtle: entailment, dataset, formats, limits.

    The endpoint IRI comes from :func:`seccoop.settings.public_base` (``--base-url``, else
    the bind address): ``base`` is never used, so that no request's ``Host`` header can
    reach the description (callers should pass None). With ``store``, the named graphs
    are listed with their sizes.
    """
    root = public_base(settings)
    me = f"<{root}/sparql>"
    config = config or packaged_config()
    parts = [_sd_prefixes(), _sd_service(me, settings), _sd_entailment(me, config),
             _sd_parameters(me, root), _sd_prefix_declarations(me, config),
             _sd_dataset(me, root, store, config), _sd_limits(me, settings)]
    return "\n".join(parts)


def _sd_prefixes() -> str:
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix ent: <http://www.w3.org/ns/entailment/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sc: <{SERVICE_VOCABULARY}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _sd_service(me: str, settings: Settings) -> str:
    offered = ", ".join(f"<{_format_iri(f)}>" for f in
                        (*formats.names("results"), "turtle", "ntriples", "nquads", "trig",
                         "jsonld", "rdfxml"))
    features = "sd:UnionDefaultGraph" + (", sd:BasicFederatedQuery"
                                         if settings.allow_service else "")
    return f"""{me} a sd:Service ;
    rdfs:label "seccoop SPARQL endpoint (read-only)" ;
    sd:endpoint {me} ;
    sd:supportedLanguage sd:SPARQL10Query, sd:SPARQL11Query ;
    sd:feature {features} ;
    sd:resultFormat {offered} ;
    # Queries are answered by simple entailment over stored triples; the OWL 2 RL closure
    # is materialised into its own graph when the store is built (see sc:materialisation).
    sd:defaultEntailmentRegime ent:Simple .
"""


def _sd_entailment(me: str, config: ProjectConfig) -> str:
    omitted = ",\n        ".join(f'"{text}"' for text in OMITTED)
    comment = ("When the store is built, the OWL 2 RL/RDF rules (tables 4-9 of the OWL 2 profiles, "
               "without the axiomatic triples) are applied to the asserted graphs and their "
               f"consequences stored in <{config.inferred_graph}>; the default graph is the union of "
               "all graphs, so queries see the closure. Add inferred=false to a request to leave it "
               "out. This is not the OWL 2 RDF-Based entailment regime: the omissions are listed.")
    return f"""{me} sc:materialisation [
    a sc:MaterialisedClosure ;
    sc:profile <http://www.w3.org/ns/owl-profile/RL> ;
    sc:inferredGraph <{config.inferred_graph}> ;
    rdfs:comment "{comment}" ;
    sc:omits {omitted} ] .
"""


def _sd_parameters(me: str, root: str) -> str:
    out = []
    for name, text in PARAMETERS.items():
        node = f"<{root}/sparql#parameter-{name}>"
        out.append(f'{me} sc:requestParameter {node} .\n{node} a sc:RequestParameter ; '
                   f'rdfs:label "{name}" ; rdfs:comment "{text}" .')
    return "\n".join(out) + "\n"


def _sd_prefix_declarations(me: str, config: ProjectConfig) -> str:
    declared = ",\n    ".join(f'[ a sh:PrefixDeclaration ; sh:prefix "{p}" ; '
                              f'sh:namespace "{ns}"^^xsd:anyURI ]' for p, ns in config.query_prefixes.items())
    return (f"# Queries may use these prefixes without declaring them.\n"
            f"{me} sc:predeclaredPrefix\n    {declared} .\n")


def _sd_dataset(me: str, root: str, store: ox.Store | None, config: ProjectConfig) -> str:
    dataset, default = f"<{root}/sparql#dataset>", f"<{root}/sparql#default-graph>"
    union = (f"The union of every named graph: the asserted graphs and <{config.inferred_graph}>, "
             "the materialised OWL 2 RL closure.")
    out = [f"""{me} sd:defaultDataset {dataset} .
{dataset} a sd:Dataset ;
    void:inDataset <{root}/void> ;
    sd:defaultGraph {default} .
{default} a sd:Graph ;
    rdfs:comment "{union}" ."""]
    if store is not None:
        total, _classes, _properties, graphs = void_counts(store)
        out.append(f"{default} void:triples {total} .")
        for graph, count, _subjects in graphs:
            named, subset = (f"<{graph_node(root, graph.value, named=True, config=config)}>",
                             f"<{graph_node(root, graph.value, config=config)}>")
            out.append(f"{dataset} sd:namedGraph {named} .\n{named} a sd:NamedGraph ; "
                       f"sd:name {graph} ; sd:entailmentRegime ent:Simple ; sd:graph {subset} .\n"
                       f"{subset} a sd:Graph ; void:triples {count.value} .")
    return "\n".join(out) + "\n"


def _sd_limits(me: str, settings: Settings) -> str:
    remote = "SERVICE and LOAD are refused"
    if settings.allow_service:  # NamedNode refuses what is not an IRI (no quote can slip in)
        allowed = ", ".join(ox.NamedNode(iri).value for iri in settings.allow_service)
        remote = f"LOAD is refused; SERVICE may call only {allowed}"
    cache = (f" Replies to repeated queries may come from memory (up to "
             f"{settings.result_cache_mb:g} MB per worker): the store does not change while "
             f"it is served." if settings.result_cache_mb > 0 else "")
    limits = (f"Limits: each query is stopped after {settings.timeout:g} s (503); at most "
              f"{settings.max_rows} rows or triples are returned (more are cut, with the header "
              f"X-SPARQL-Truncated: true); request bodies up to {settings.max_body} bytes. "
              f"{remote}; SPARQL Update is not offered.{cache}")
    return f"""{me} sc:timeoutSeconds "{settings.timeout:g}"^^xsd:decimal ;
    sc:maxRows {settings.max_rows} ;
    sc:maxRequestBytes {settings.max_body} ;
    rdfs:comment "{limits}" .
"""


def _format_iri(fmt: str) -> str:
    known = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
             "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
             "ntriples": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
             "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}
    return f"http://www.w3.org/ns/formats/{known[fmt]}"
