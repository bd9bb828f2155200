"""``seccoop serve``: the SPARQL endpoint and the linked-data web interface.

    >>> from seccoop.server import run          # doctest: +SKIP
    >>> run(Settings(port=0), project, store_dir, announce=print)   # doctest: +SKIP
    seccoop: serving http://127.0.0.1:40213/ ...
"""

__all__ = ["run"]


def __getattr__(name: str):
    # Lazily: the query processes start as ``python -m seccoop.server.worker``, which imports
    # this package first, and must not pay for the web stack (a process start is the cost
    # of every runaway cut in the express lane).
    if name == "run":
        from .run import run

        return run
    raise AttributeError(name)
