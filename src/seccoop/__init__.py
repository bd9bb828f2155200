"""seccoop: a knowledge graph of regional security cooperation (China's National Defense in 2008).

The public Python API::

    >>> from seccoop import PREFIXES, open_store
    >>> store = open_store()                       # builds on first use, then opens read-only
    >>> bool(store.query("ASK { GRAPH ?g { ?forum a sc:Forum } }", prefixes=PREFIXES))
    True

Facts live in named graphs, one per source file (and one for inferred triples), so a query
on the store itself names them, as above, or passes ``use_default_graph_as_union=True``;
``seccoop query``, the endpoint and :func:`seccoop.queries.run_query` do the latter.
"""

from .namespaces import __version__  # noqa: F401

# The packaged project's namespaces, for Python users of its graph (computed on first use
# from its seccoop.toml: no module uses them for behaviour, each asks its project).
_PACKAGED = {"SC": lambda c: c.ontology_namespace, "SCR": lambda c: c.resource_namespace,
             "GRAPH_BASE": lambda c: c.graph_base, "INFERRED_GRAPH_IRI": lambda c: c.inferred_graph,
             "PREFIXES": lambda c: c.query_prefixes}


def __getattr__(name: str):
    if name in _PACKAGED:
        from .projectconfig import packaged_config

        return _PACKAGED[name](packaged_config())
    raise AttributeError(f"module 'seccoop' has no attribute {name!r}")


def open_store(*args, **kwargs):
    """Open (building if needed) the store of a project; see :func:`seccoop.store.open_store`."""
    from .store import open_store as _open

    return _open(*args, **kwargs)
