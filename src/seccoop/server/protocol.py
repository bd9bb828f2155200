"""The SPARQL 1.1 Protocol: what a request asks (query, dataset, format) and content negotiation.

    >>> negotiate("application/sparql-results+xml;q=0.5, text/csv", RESULT_OFFERS)
    'csv'
    >>> negotiate("text/turtle", RESULT_OFFERS) is None
    True
    >>> negotiate(None, GRAPH_OFFERS)
    'turtle'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl

from .. import formats
from ..errors import ProtocolError


UPDATE_REFUSED = "SPARQL Update is not offered: read-only endpoint"

# Media type per format name (the names of the CLI's --format), and what we offer, in our
# order of preference, with the aliases clients commonly send: all from the format registry.
MEDIA_TYPES = {**{f.name: f.media_type for f in formats.ALL}, "html": "text/html"}
RESULT_OFFERS = (*formats.offers("results"), ("html", "text/html"))
GRAPH_OFFERS = (*formats.offers("rdf"), ("html", "text/html"))
RESULT_FORMAT_NAMES = formats.names("results")
GRAPH_FORMAT_NAMES = formats.names("rdf")
# What the format/output/results parameters may say (lower-cased), in the loose style of
# Fuseki and Virtuoso: short names (SPARQLWrapper's included) and media types.
FORMAT_ALIASES = {**formats.parameter_table(), "html": ("html", "html"), "text/html": ("html", "html")}
FORMAT_PARAMETERS = ("format", "output", "results")


def content_type(fmt: str) -> str:
    """The Content-Type header of a format: text-like types state their UTF-8 charset."""
    return "text/html; charset=utf-8" if fmt == "html" else formats.by_name(fmt).content_type


def reply_format(kind: str, result_fmt: str, graph_fmt: str) -> str:
    """The format a reply of ``kind`` is sent in. The CSV/TSV results format defines no
    boolean, and rdflib's CSV and TSV readers always build a SELECT result, so an ASK
    asked in either is answered in SPARQL JSON, which every client reads by its type."""
    if kind == "graph":
        return graph_fmt
    if kind == "ask" and result_fmt in ("csv", "tsv"):
        return "json"
    return result_fmt


@dataclass
class SparqlRequest:
    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    inferred: bool = True
    # What format/output/results asked for, known names only, in the order given.
    formats: tuple[tuple[str | None, str | None], ...] = ()

    @property
    def dataset(self) -> tuple[list[str] | None, list[str] | None]:
        """(default graphs, named graphs) of the protocol's dataset, or (None, None)
        when the request names no graph (the query's own dataset then applies)."""
        if self.default_graphs or self.named_graphs:
            return self.default_graphs, self.named_graphs
        return None, None


_MEDIA_RANGE = re.compile(r"\s*([^\s;,]+)\s*((?:;\s*[^;,]*)*)")


@lru_cache(maxsize=256)
def parse_accept(header: str) -> tuple[tuple[str, str, float], ...]:
    """``(type, subtype, q)`` per media range; malformed q-values count as 0.

    >>> parse_accept("text/*;q=0.3, text/html")
    (('text', '*', 0.3), ('text', 'html', 1.0))
    """
    ranges = []
    for part in header.split(","):
        media, _, params = part.strip().partition(";")
        kind, _, sub = media.strip().lower().partition("/")
        if not kind:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((kind, sub or "*", q))
    return tuple(ranges)


def _quality(media: str, ranges) -> float:
    kind, _, sub = media.partition("/")
    best, best_rank = 0.0, -1
    for r_kind, r_sub, q in ranges:
        if r_kind == kind and r_sub == sub:
            rank = 2
        elif r_kind == kind and r_sub == "*":
            rank = 1
        elif r_kind == "*":
            rank = 0
        else:
            continue
        if rank > best_rank:  # the most specific range decides (RFC 9110, 12.5.1)
            best, best_rank = q, rank
    return best


def acceptable(media: str, accept: str | None) -> bool:
    """Whether ``accept`` (absent: anything) admits ``media``."""
    return not accept or not accept.strip() or _quality(media, parse_accept(accept)) > 0


@lru_cache(maxsize=512)
def negotiate(accept: str | None, offers: tuple[tuple[str, str], ...]) -> str | None:
    """The format name the client prefers among ``offers``; our order breaks ties;
    ``None`` when nothing offered is acceptable. No Accept header means the first offer."""
    if not accept or not accept.strip():
        return offers[0][0]
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for name, media in offers:
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = name, q
    return best


def parse_get(params: list[tuple[str, str]]) -> SparqlRequest:
    """A GET request's query string (as ordered pairs) to a :class:`SparqlRequest`."""
    return _from_params(params)


def _from_params(params: list[tuple[str, str]], body_query: str | None = None) -> SparqlRequest:
    queries = [v for k, v in params if k == "query"]
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ProtocolError(400, UPDATE_REFUSED)
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one query is allowed per request")
    inferred = _flag(params, "inferred")
    # Unknown values are ignored, as by Fuseki and Virtuoso: SPARQLWrapper sends all three
    # parameters, each with a value of its own choosing.
    formats = tuple(FORMAT_ALIASES[v.strip().lower()] for k, v in params
                    if k in FORMAT_PARAMETERS and v.strip().lower() in FORMAT_ALIASES)
    return SparqlRequest(queries[0] if queries else None,
                         [v for k, v in params if k == "default-graph-uri"],
                         [v for k, v in params if k == "named-graph-uri"],
                         inferred, formats)


def _flag(params, name: str) -> bool:
    values = [v.strip().lower() for k, v in params if k == name]
    if not values:
        return True
    if values[-1] in ("false", "0", "no", "off"):
        return False
    if values[-1] in ("true", "1", "yes", "on", ""):
        return True
    raise ProtocolError(400, f"{name}={values[-1]!r}: use true or false")


def parse_post(url_params: list[tuple[str, str]], content_type_header: str | None,
               body: bytes) -> SparqlRequest:
    """A POST request: a URL-encoded form, or the query itself as ``application/sparql-query``.

    >>> parse_post([], "application/sparql-query", b"ASK {}").query
    'ASK {}'
    """
    media, charset = _media_and_charset(content_type_header)
    if media == "application/sparql-update":
        raise ProtocolError(400, UPDATE_REFUSED)
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        shown = media or "none"
        raise ProtocolError(415, f"unsupported request content type {shown!r}: send "
                                 "application/sparql-query or application/x-www-form-urlencoded")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset!r} is not supported: send UTF-8")
    text = _decode(body)
    if media == "application/sparql-query":
        return _from_params(url_params, text)
    form = parse_qsl(text, keep_blank_values=True)
    return _from_params(url_params + form)


def _media_and_charset(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request body is not UTF-8 ({error.reason} at byte "
                                 f"{error.start})") from None


_LOCATION = re.compile(r"at line (\d+), column (\d+)")


_ERROR_NAMES = {400: "bad-request", 404: "not-found", 406: "not-acceptable", 408: "timeout",
                413: "too-large", 415: "unsupported-media-type", 503: "timeout"}


def error_body(status: int, message: str) -> dict:
    """The one JSON error shape of every route: ``{"error": name, "message": text}``
    (a syntax error adds ``line`` and ``column``, see :func:`syntax_error_body`).

    >>> error_body(406, "no format")
    {'error': 'not-acceptable', 'message': 'no format'}
    """
    return {"error": _ERROR_NAMES.get(status, "error"), "message": message}


def syntax_error_body(message: str) -> dict:
    """A JSON error body for a syntax error, with the line and column as numbers."""
    body = {**error_body(400, message), "error": "syntax"}
    found = _LOCATION.search(message)
    if found:
        body["line"], body["column"] = int(found.group(1)), int(found.group(2))
    return body
