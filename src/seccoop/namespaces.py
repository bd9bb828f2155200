"""The names every module shares: the version, the namespaces, the graph names and the
prefixes predeclared in every query. No imports, so that any module can use them.

    >>> PREFIXES["sc"] == SC
    True
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
