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

from .namespaces import (GRAPH_BASE, INFERRED_GRAPH_IRI, PREFIXES, SC, SCR,  # noqa: F401
                         __version__)

def open_store(*args, **kwargs):
    """Open (building if needed) the store of a project; see :func:`seccoop.store.open_store`."""
    from .store import open_store as _open

    return _open(*args, **kwargs)
