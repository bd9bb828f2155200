"""seccoop: a knowledge graph of regional security cooperation (China's National Defense in 2008).

The public Python API::

    >>> from seccoop import open_store
    >>> store = open_store()                       # builds on first use, then opens read-only
    >>> bool(store.query("ASK { GRAPH ?g { ?forum a sc:Forum } }", prefixes=PREFIXES))
    True

Facts live in named graphs, one per source file (and one for inferred triples), so a query
on the store itself names them, as above, or passes ``use_default_graph_as_union=True``;
``seccoop query``, the endpoint and :func:`seccoop.queries.run_query` do the latter.
"""

__version__ = "0.1.0"

SC = "https://w3id.org/seccoop/ontology#"
SCR = "https://w3id.org/seccoop/id/"
GRAPH_BASE = "https://w3id.org/seccoop/graph/"
INFERRED_GRAPH_IRI = GRAPH_BASE + "inferred"

# Prefixes predeclared for every query (CLI, endpoint, checks).
PREFIXES = {
    "sc": SC,
    "scr": SCR,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
}


def open_store(*args, **kwargs):
    """Open (building if needed) the store of a project; see :func:`seccoop.store.open_store`."""
    from .store import open_store as _open

    return _open(*args, **kwargs)
