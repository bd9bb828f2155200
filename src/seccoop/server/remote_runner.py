"""``serve --remote``: the endpoint's evaluator when a remote engine holds the graphs.

The endpoint calls ``server.runner.run(job)`` whichever store answers, so every guard it
applies before that call (protocol checks, SERVICE/LOAD/update refusal, formats) holds
here unchanged: a refused query is never sent. This runner bounds the remote call by the
server's timeout (the HTTP request to the engine is given up, answered 503) and applies the
row and byte caps of :func:`seccoop.server.worker.execute` to what comes back.

    >>> runner = RemoteRunner(RemoteStore("http://127.0.0.1:7878/query"), timeout=5)  # doctest: +SKIP
    >>> (status, kind, rows, truncated, body), path = await runner.run(job)          # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..errors import QueryTimeout
from ..remote import RemoteStore
from . import worker

_TIMED_OUT = b"RemoteError: "


class RemoteRunner:
    """Answers jobs (see :class:`seccoop.server.pool.QueryRunner`) on a remote engine."""

    def __init__(self, store: RemoteStore, timeout: float):
        self.store: Any = store  # worker.execute reads it as it reads a pyoxigraph.Store
        self.timeout = timeout
        store.timeout = timeout  # every request to the engine, and so every query, is bounded

    async def run(self, job: tuple, shape: int | None = None) -> tuple[tuple, str]:
        """``shape`` (the guard's query shape) schedules local query processes; unused here."""
        try:
            # The thread's own HTTP timeout stops the call; this one is the backstop.
            reply = await asyncio.wait_for(run_in_threadpool(worker.execute, self.store, *job),
                                           self.timeout + 2)
        except asyncio.TimeoutError:
            raise QueryTimeout(f"the remote engine gave no answer within {self.timeout:g} s") \
                from None
        status, _kind, _rows, _truncated, body = reply
        if status == "error" and body.startswith(_TIMED_OUT) and b"no answer within" in body:
            raise QueryTimeout(f"the remote engine gave no answer within {self.timeout:g} s")
        return reply, "remote"


class NoPool:
    """The query-process pool's place when queries go to a remote engine: nothing to run."""

    isolation = "remote"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
