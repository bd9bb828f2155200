"""Refusing what a read-only public endpoint must not run: SERVICE, LOAD and other updates.

pyoxigraph evaluates ``SERVICE`` (and ``LOAD``) by making HTTP requests on the server's
behalf, with no switch to turn that off, so queries are checked *before* evaluation with a
real SPARQL parser (rdflib's), not a regular expression. Parsing costs milliseconds, so the
verdict is cached per query string; rdflib is imported on first use only.

    >>> check("SELECT * WHERE { ?s ?p ?o }").allowed
    True
    >>> v = check("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    >>> (v.allowed, v.status)
    (False, 400)
    >>> check("LOAD <http://example.org/data.ttl>").message
    'SPARQL Update (LOAD) is not offered: read-only endpoint'
"""

from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

UPDATE_REFUSED = "SPARQL Update is not offered: read-only endpoint"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    status: int = 200
    message: str = ""


ALLOWED = Verdict(True)
# pyparsing's packrat cache is shared state: one parsing thread keeps it safe.
_parser_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-guard")
_lock = threading.Lock()


_verdicts: dict[tuple[str, tuple], Verdict] = {}
CACHE_SIZE = 4096


def check(query: str, allow_service: tuple[str, ...] = ()) -> Verdict:
    """The verdict on ``query`` (cached): allowed, or refused with a status and a message."""
    key = (query, tuple(allow_service))
    verdict = _verdicts.get(key)
    if verdict is None:
        verdict = _judge(query, key[1])
        if len(_verdicts) >= CACHE_SIZE:
            _verdicts.clear()  # crude but bounded; the hot queries come back at once
        _verdicts[key] = verdict
    return verdict


def _judge(query: str, allow_service: tuple[str, ...]) -> Verdict:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    with _lock:
        try:
            tree = parser.parseQuery(query)
        except ParseException:
            return _not_a_query(query)
        return _check_services(tree, allow_service)


def _walk(node):
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def _check_services(tree, allow_service: tuple[str, ...]) -> Verdict:
    from rdflib.term import URIRef

    for node in _walk(tree):
        if node.name != "ServiceGraphPattern":
            continue
        term = node.get("term")
        if not isinstance(term, URIRef):
            return Verdict(False, 400, "SERVICE with a variable endpoint is refused: this "
                                       "endpoint makes no outbound requests")
        if str(term) not in allow_service:
            return Verdict(False, 400, f"SERVICE <{term}> is refused: this endpoint makes no "
                                       "outbound requests (see --allow-service)")
    return ALLOWED


def _not_a_query(query: str) -> Verdict:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    try:
        update = parser.parseUpdate(query)
    except ParseException:
        update = None
    if update is not None and any(True for _ in _walk(update)) and update.get("request"):
        operations = {node.name for node in update["request"]}
        if "Load" in operations:
            return Verdict(False, 400, "SPARQL Update (LOAD) is not offered: read-only endpoint")
        return Verdict(False, 400, UPDATE_REFUSED)
    return _unparsed(query)


# Strings, IRIs and comments cannot hold a keyword; removed before the fallback scan.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                       r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")
_DANGEROUS = re.compile(r"\b(SERVICE|LOAD)\b", re.I)


def _unparsed(query: str) -> Verdict:
    """A text rdflib cannot parse: pyoxigraph will report the syntax error with its line
    and column, unless the text might hold SERVICE or LOAD, which is refused unchecked."""
    found = _DANGEROUS.search(_NOT_CODE.sub(" ", query))
    if found:
        return Verdict(False, 400, f"the query could not be parsed and mentions "
                                   f"{found.group(1).upper()}, which this endpoint refuses")
    return ALLOWED


def cached_verdict(query: str, allow_service: tuple[str, ...] = ()) -> Verdict | None:
    """The verdict on ``query`` if already judged (no parsing), else None."""
    return _verdicts.get((query, allow_service))


async def check_async(query: str, allow_service: tuple[str, ...] = ()) -> Verdict:
    """:func:`check` without blocking the event loop: a cached verdict at once, else the
    parse runs on the guard's thread."""
    hit = _verdicts.get((query, allow_service))
    if hit is not None:
        return hit
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_parser_thread, check, query, allow_service)
