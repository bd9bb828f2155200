"""Every exception seccoop raises on purpose, in one place.

:class:`SeccoopError` and its subclasses are *expected* errors: something a user gave (a
file, a query, a name, a request) is wrong, and the message says what. The CLI prints
them in one line and exits 2; the server answers them with a 4xx. Anything else is a bug
and keeps its traceback.

    >>> str(SourceError("data/x.ttl", 3, 7, "expected '.'"))
    "data/x.ttl:3:7: expected '.'"
    >>> isinstance(QueryError("bad"), SeccoopError)
    True
"""

from __future__ import annotations


class SeccoopError(Exception):
    """An expected error, caused by what the user gave; the message says what is wrong."""


class ProjectError(SeccoopError, ValueError):
    """The folder is not a seccoop project."""


class SourceError(SeccoopError):
    """A source file is not valid RDF; carries ``file:line:column: message``."""

    def __init__(self, file: str, line: int | None, column: int | None, message: str):
        # A problem of the whole file (not gzip, truncated) has no position to give.
        where = file if line is None and column is None else f"{file}:{line or 0}:{column or 0}"
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.column, self.message = file, line, column, message


class InconsistentGraphError(SeccoopError):
    """The closure is inconsistent; the new store was not swapped in."""

    def __init__(self, inconsistencies: list):
        self.inconsistencies = inconsistencies
        super().__init__(f"the graph is inconsistent ({len(inconsistencies)} problem(s))")


class QueryError(SeccoopError, ValueError):
    """A query that cannot run: unknown name, syntax error (message carries line:column)."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class ResolveError(SeccoopError, LookupError):
    """A name matches no resource, or several (``candidates`` lists them)."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class ExportError(SeccoopError, ValueError):
    """An export that cannot run: an unknown graph or format."""


class TooComplex(SeccoopError, ValueError):
    """The text needs more work than the budget allows to be proven free of SERVICE."""


class ProtocolError(SeccoopError):
    """A request the SPARQL protocol rejects: ``status`` and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class QueryTimeout(SeccoopError):
    """The query overran the timeout (its process was killed) or waited too long for one."""


class QueryRefused(QueryTimeout):
    """The query was stopped for another limit: memory (--max-query-memory) or reply size
    (--max-result-mb). A kind of QueryTimeout so that every caller answers 503 with why."""


class QueryCrashed(Exception):
    """The query process died for another reason (e.g. out of memory): not the user's doing."""
