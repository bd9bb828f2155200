"""The names every module shares: the version and the standard prefixes predeclared in
every query (a project adds its own: :mod:`seccoop.projectconfig`). No imports, so that
any module can use them.

    >>> STANDARD_PREFIXES["rdf"]
    'http://www.w3.org/1999/02/22-rdf-syntax-ns#'
"""

__version__ = "0.1.0"

# Prefixes predeclared for every query of every project (CLI, endpoint, checks).
STANDARD_PREFIXES = {
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


def __getattr__(name: str):
    # SC, SCR, GRAPH_BASE, INFERRED_GRAPH_IRI, PREFIXES: the packaged project's, for code
    # that has no project at hand (a project's own are in its ProjectConfig).
    from importlib import import_module  # a runtime lookup, not an import cycle

    package = import_module(__name__.rpartition(".")[0])
    if name in package._PACKAGED:
        return getattr(package, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
