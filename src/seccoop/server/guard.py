"""Refusing what a read-only public endpoint must not run: SERVICE, LOAD and other updates.

pyoxigraph evaluates ``SERVICE`` by making HTTP requests on the server's behalf, with no
switch to turn that off, so a query runs only once it is *proven* free of SERVICE calls
(but those to ``--allow-service`` endpoints). The proof is :func:`seccoop.sparqlscan.find_service`,
which reads the text the way pyoxigraph's grammar may read it, every ambiguous reading
included; a text too complex to prove within its budget is refused, never let through.
Syntax errors are left to the engine, which reports them with a line and column.

The verdict is cached per query digest (bounded in entries and so in bytes); texts longer
than a few kilobytes are judged on a thread, under a time limit, so that the event loop
keeps answering.

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
import hashlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..sparqlscan import TooComplex, find_service, shape, update_operation
from .protocol import UPDATE_REFUSED
CACHE_SIZE = 4096    # verdicts kept: a 20-byte digest and a shared Verdict each
INLINE_BELOW = 4096  # characters: shorter texts are judged on the event loop (microseconds)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    status: int = 200
    message: str = ""
    # sparqlscan.shape of an allowed query: the query pool judges cost by it (texts that
    # differ only in comments, constants or variable names count as one).
    shape: int | None = None


_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sparql-guard")
_verdicts: OrderedDict[tuple[bytes, tuple], Verdict] = OrderedDict()


def _key(query: str, allow_service: tuple[str, ...]) -> tuple[bytes, tuple]:
    digest = hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=20).digest()
    return digest, tuple(allow_service)


def check(query: str, allow_service: tuple[str, ...] = ()) -> Verdict:
    """The verdict on ``query`` (cached): allowed, or refused with a status and a message."""
    key = _key(query, allow_service)
    verdict = _verdicts.get(key)
    if verdict is None:
        verdict = judge(query, key[1])
        _remember(key, verdict)
    return verdict


def _remember(key, verdict: Verdict) -> None:
    _verdicts[key] = verdict
    while len(_verdicts) > CACHE_SIZE:
        _verdicts.popitem(last=False)


def judge(query: str, allow_service: tuple[str, ...] = ()) -> Verdict:
    """The verdict on ``query``, uncached."""
    operation = update_operation(query)
    if operation == "LOAD":
        return Verdict(False, 400, "SPARQL Update (LOAD) is not offered: read-only endpoint")
    if operation is not None:
        return Verdict(False, 400, UPDATE_REFUSED)
    try:
        call = find_service(query, allowed=allow_service)
    except TooComplex as error:
        return Verdict(False, 400, f"{error}; this endpoint runs only queries it has proven "
                                   "free of SERVICE")
    if call is None:
        return Verdict(True, shape=shape(query))
    if not call.endpoint.startswith("<"):
        return Verdict(False, 400, f"SERVICE {call.endpoint} (a variable or prefixed-name "
                                   "endpoint) is refused: this endpoint makes no outbound requests")
    return Verdict(False, 400, f"SERVICE {call.endpoint} is refused: this endpoint makes no "
                               "outbound requests (see --allow-service)")


def cached_verdict(query: str, allow_service: tuple[str, ...] = ()) -> Verdict | None:
    """The verdict on ``query`` if already judged (no work), else None."""
    key = _key(query, allow_service)
    verdict = _verdicts.get(key)
    if verdict is not None:
        _verdicts.move_to_end(key)
    return verdict


async def check_async(query: str, allow_service: tuple[str, ...] = (), *,
                      timeout: float = 10.0) -> Verdict:
    """:func:`check` without holding the event loop: short texts at once, long ones on a
    thread; past ``timeout`` seconds the query is refused (503), never let through."""
    key = _key(query, allow_service)
    verdict = _verdicts.get(key)
    if verdict is not None:
        return verdict
    if len(query) < INLINE_BELOW:
        verdict = judge(query, key[1])
    else:
        loop = asyncio.get_running_loop()
        try:
            verdict = await asyncio.wait_for(
                loop.run_in_executor(_threads, judge, query, key[1]), timeout)
        except asyncio.TimeoutError:
            return Verdict(False, 503, f"the SERVICE check of this query took over {timeout:g} s; "
                                       "the query was not run")
    _remember(key, verdict)
    return verdict
