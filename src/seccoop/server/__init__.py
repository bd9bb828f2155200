"""``seccoop serve``: the SPARQL endpoint and the linked-data web interface.

    >>> from seccoop.server import run          # doctest: +SKIP
    >>> run(Settings(port=0), project, store_dir, announce=print)   # doctest: +SKIP
    seccoop: serving http://127.0.0.1:40213/ ...
"""

from .run import run

__all__ = ["run"]
