"""Query processes owned by one HTTP worker, each killable: the wall-clock bound of queries.

    >>> import asyncio
    >>> async def demo(path):
    ...     pool = QueryPool(path, size=1, timeout=5)
    ...     await pool.start()
    ...     try:
    ...         return (await pool.run(("ASK {}", "json", "turtle", True, None, None, 10)))[0]
    ...     finally:
    ...         await pool.close()
    >>> asyncio.run(demo(store_path))            # doctest: +SKIP
    'ok'

The deadline is a timer on the event loop that SIGKILLs the process: a query blocked inside
one engine call (ORDER BY, aggregates, path closures) cannot outlive it, and the event loop
never waits on a query, so other requests keep being answered while a replacement starts.
"""

from __future__ import annotations

import asyncio
import marshal
import os
import signal
import struct
import subprocess
import sys

HEADER = struct.Struct("!I")


class QueryTimeout(Exception):
    """The query overran the timeout (its process was killed) or waited too long for one."""


class QueryCrashed(Exception):
    """The query process died for another reason (e.g. out of memory)."""


class QueryProcess:
    """One ``python -m seccoop.server.worker`` child and its two pipes.

    The reply pipe is read by an event-loop reader callback (no streams, no extra task):
    the round trip costs a few microseconds over the query itself.
    """

    def __init__(self, proc: subprocess.Popen, loop: asyncio.AbstractEventLoop):
        self.proc, self.loop = proc, loop
        self.killed = False
        self._fd_out = proc.stdin.fileno()
        self._fd_in = proc.stdout.fileno()
        os.set_blocking(self._fd_in, False)
        self._buffer = bytearray()
        self._waiter: asyncio.Future | None = None
        loop.add_reader(self._fd_in, self._readable)

    @classmethod
    async def start(cls, store_path: str) -> "QueryProcess":
        proc = subprocess.Popen([sys.executable, "-m", "seccoop.server.worker", store_path],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        return cls(proc, asyncio.get_running_loop())

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _readable(self) -> None:
        try:
            data = os.read(self._fd_in, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._closed()
            return
        self._buffer += data
        if len(self._buffer) < HEADER.size:
            return
        size = HEADER.unpack_from(self._buffer)[0]
        if len(self._buffer) >= HEADER.size + size and self._waiter and not self._waiter.done():
            payload = bytes(self._buffer[HEADER.size:HEADER.size + size])
            del self._buffer[:HEADER.size + size]
            self._waiter.set_result(payload)

    def _closed(self) -> None:
        self.loop.remove_reader(self._fd_in)
        if self._waiter and not self._waiter.done():
            self._waiter.set_exception(asyncio.IncompleteReadError(bytes(self._buffer), None))

    async def call(self, request: tuple) -> tuple:
        payload = marshal.dumps(request)
        self._waiter = self.loop.create_future()
        # The process is idle and reads whole frames at once, so this blocking write of a
        # body-capped request returns promptly.
        _write_all(self._fd_out, HEADER.pack(len(payload)) + payload)
        return marshal.loads(await self._waiter)

    def kill(self) -> None:
        """SIGKILL: the engine cannot be interrupted any other way."""
        if not self.killed and self.proc.returncode is None:
            self.killed = True
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def reap(self) -> None:
        """Wait for the process to be gone (no zombie) and close its pipes."""
        self.loop.remove_reader(self._fd_in)
        await self.loop.run_in_executor(None, self.proc.wait)
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class QueryPool:
    """``size`` query processes over the store at ``store_path``; queries wait for an idle one."""

    def __init__(self, store_path: str, size: int = 2, timeout: float = 10.0):
        self.store_path, self.size, self.timeout = store_path, max(1, size), timeout
        self._idle: asyncio.Queue[QueryProcess] = asyncio.Queue()
        self._all: set[QueryProcess] = set()
        self._tasks: set[asyncio.Task] = set()
        self.killed = 0  # processes killed for overrunning; read by tests and /void stats

    async def start(self) -> None:
        for proc in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self._idle.put_nowait(proc)

    async def _spawn(self) -> QueryProcess:
        proc = await QueryProcess.start(self.store_path)
        self._all.add(proc)
        return proc

    def _replace(self, dead: QueryProcess) -> None:
        self._all.discard(dead)
        task = asyncio.get_running_loop().create_task(self._respawn(dead))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, dead: QueryProcess) -> None:
        await dead.reap()  # no zombie, and its CPU is surely released
        self._idle.put_nowait(await self._spawn())

    async def _acquire(self, deadline: float) -> QueryProcess:
        try:
            return self._idle.get_nowait()
        except asyncio.QueueEmpty:
            pass
        remaining = deadline - asyncio.get_running_loop().time()
        try:
            return await asyncio.wait_for(self._idle.get(), max(remaining, 0.001))
        except asyncio.TimeoutError:
            raise QueryTimeout("every query process stayed busy until the timeout") from None

    async def run(self, request: tuple) -> tuple:
        """Send ``request`` to an idle process; its reply, or QueryTimeout / QueryCrashed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        proc = await self._acquire(deadline)
        timer = loop.call_at(deadline, self._overrun, proc)
        try:
            reply = await proc.call(request)
        except (asyncio.IncompleteReadError, OSError):
            self._replace(proc)
            if proc.killed:
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s") from None
            raise QueryCrashed("the query process died") from None
        except BaseException:  # cancelled mid-query: the pipe state is unknown, start afresh
            proc.kill()
            self._replace(proc)
            raise
        finally:
            timer.cancel()
        self._idle.put_nowait(proc)
        return reply

    def _overrun(self, proc: QueryProcess) -> None:
        self.killed += 1
        proc.kill()

    def pids(self) -> list[int]:
        return sorted(p.pid for p in self._all)

    async def close(self) -> None:
        for proc in list(self._all):
            proc.kill()
        for proc in list(self._all):
            await proc.reap()
        self._all.clear()
