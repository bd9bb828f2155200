"""Running query jobs: in killable query processes, or in-process once proven cheap.

pyoxigraph cannot interrupt a query, so each HTTP worker owns ``query_workers`` child
processes (:mod:`seccoop.server.worker`) with the store open read-only, and a timer on the
event loop SIGKILLs the one whose query overruns: the loop never waits on a query, and
other requests are answered while a replacement starts. The store does not change while
served, so :class:`QueryRunner` may answer a repeated job from remembered replies, or run
it in the HTTP worker once it has proven cheap. Measurements: docs/design.md.

    >>> import asyncio
    >>> async def demo(path):
    ...     pool = QueryPool(path, size=1, timeout=5)
    ...     await pool.start()
    ...     try:
    ...         reply, seconds = await pool.run(("ASK {}", "json", "turtle", True, None, None, 10))
    ...         return reply[0]
    ...     finally:
    ...         await pool.close()
    >>> asyncio.run(demo(store_path))            # doctest: +SKIP
    'ok'
"""

from __future__ import annotations

import asyncio
import itertools
import marshal
import os
import re
import signal
import struct
import subprocess
import sys
import time
from collections import OrderedDict, deque
from typing import IO, cast

from ..errors import QueryCrashed, QueryRefused, QueryTimeout

HEADER = struct.Struct("!I")
START_TIMEOUT = 30.0       # seconds a new query process may take to open the store
RESPAWN_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)  # back-off between failed starts (last repeats)
SLOW_MEMORY = 4096         # texts and shapes remembered as slow
EXPRESS_SPARES = 2         # started processes waiting to take over the express lane
# How a job stands: a text never seen to be slow whose shape was not either is fresh and
# may use the express lane; a new text of a shape seen slow (a runaway spelt anew) and a
# text seen slow may not. In the general lane fresh jobs go first, then suspects: a cheap
# query that happens to share a runaway's shape is not queued behind the runaways.
FRESH, SUSPECT, SLOW = 0, 1, 2
CLOCK_TICK = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01
# Deaths that mean "out of memory" under RLIMIT_AS: the engine aborts when an allocation
# fails; a failed stack or mmap growth can also end in SIGSEGV or SIGBUS.
MEMORY_DEATHS = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS)


def _pipes(proc: subprocess.Popen) -> tuple[IO[bytes], IO[bytes]]:
    """The child's stdin and stdout, which are pipes: it is started with stdin=stdout=PIPE."""
    assert proc.stdin is not None and proc.stdout is not None
    return proc.stdin, proc.stdout


class QueryProcess:
    """One ``python -m seccoop.server.worker`` child and its two pipes.

    The reply pipe is read by an event-loop reader callback (no streams, no extra task):
    the round trip costs a few microseconds over the query itself. ``on_exit`` is called
    when the process goes away while idle, so that the pool replaces it before it is used.
    """

    def __init__(self, proc: subprocess.Popen, loop: asyncio.AbstractEventLoop,
                 express: bool = False, on_exit=None):
        self.proc, self.loop, self.express, self.on_exit = proc, loop, express, on_exit
        self.killed = self.dead = False
        self.isolation, self.memory_limit = "", None
        self.watch: asyncio.TimerHandle | None = None  # the express lane's CPU check
        stdin, stdout = _pipes(proc)
        self._fd_out = stdin.fileno()
        self._fd_in = stdout.fileno()
        os.set_blocking(self._fd_in, False)
        self._buffer = bytearray()
        # The first frame is the process saying it is ready: wait for it from the start.
        self._waiter: asyncio.Future | None = loop.create_future()
        loop.add_reader(self._fd_in, self._readable)

    @classmethod
    async def start(cls, store_path: str, max_memory_mb: float = 0, max_bytes: int = 0,
                    express: bool = False, on_exit=None, network: bool = False) -> "QueryProcess":
        """A started process that has opened the store, or an exception (it is then gone)."""
        proc = subprocess.Popen([sys.executable, "-m", "seccoop.server.worker", store_path,
                                 f"{max_memory_mb:g}", str(max_bytes),
                                 "network" if network else "isolated"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        try:
            self = cls(proc, asyncio.get_running_loop(), express)
        except BaseException:
            proc.kill()
            proc.wait()
            for pipe in _pipes(proc):
                pipe.close()
            raise
        try:
            ready = cast(asyncio.Future, self._waiter)  # __init__ set it: nothing has run since
            hello = marshal.loads(await asyncio.wait_for(ready, START_TIMEOUT))
        except BaseException:
            self.kill()
            await self.reap()
            raise
        _, self.isolation, self.memory_limit = hello
        self.on_exit = on_exit
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return not self.dead and not self.killed and self.proc.poll() is None

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
        self.dead = True
        self.loop.remove_reader(self._fd_in)
        if self._waiter and not self._waiter.done():
            self._waiter.set_exception(asyncio.IncompleteReadError(bytes(self._buffer), None))
        elif self.on_exit is not None:  # died while idle (killed from outside, OOM killer)
            self.on_exit(self)

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

    async def exit_code(self, wait: float = 2.0) -> int | None:
        """The return code once the process is gone (its pipe closing comes a moment before)."""
        deadline = self.loop.time() + wait
        while self.proc.poll() is None and self.loop.time() < deadline:
            await asyncio.sleep(0.005)
        return self.proc.returncode

    async def reap(self) -> None:
        """Wait for the process to be gone (no zombie) and close its pipes."""
        self.on_exit = None
        self.loop.remove_reader(self._fd_in)
        await self.loop.run_in_executor(None, self.proc.wait)
        for pipe in _pipes(self.proc):
            try:
                pipe.close()
            except OSError:
                pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class QueryPool:
    """``size`` query processes over the store at ``store_path``; queries wait for an idle one.

    *Lanes.* With two processes or more, one is the express lane: it takes only jobs not
    yet seen to be slow, and gives each at most ``express_seconds`` of CPU time; a job that
    uses more is killed there, remembered as slow and started again in the general lane
    with what is left of its timeout. CPU, not wall-clock: on a busy machine a cheap job
    may wait for a core, and must not be taken for a runaway. Jobs are judged by text and
    by *shape* (:func:`seccoop.sparqlscan.shape`: the text without comments, spacing,
    constants or variable names), so a runaway spelt anew is a suspect: general lane only,
    after fresh jobs and before known-slow ones. So
    clients sending runaway queries hold the general processes, and fresh cheap queries
    get the express one within about ``express_seconds``, however the runaways are
    varied: a variant that escapes the shape costs the lane one short budget, and
    ``EXPRESS_SPARES`` started processes take over the lane at once when a cut kills its
    process.

    *Staying whole.* A process that dies (killed for overrunning, out of memory, killed
    from outside while idle) is replaced at once; a start that fails (no file handles,
    store unreadable) is retried with back-off for as long as the pool is open, so the
    pool never shrinks for good. A process found dead when taken is skipped.
    """

    def __init__(self, store_path: str, size: int = 2, timeout: float = 10.0,
                 max_memory_mb: float = 0, max_bytes: int = 0,
                 express_seconds: float | None = None, network: bool = False):
        self.store_path, self.size, self.timeout = store_path, max(1, size), timeout
        self.network = network  # keep the network (--allow-service): not cut off
        self.max_memory_mb, self.max_bytes = max_memory_mb, max_bytes
        self.express_seconds = express_seconds if express_seconds is not None \
            else min(0.1, timeout / 8)
        self._spares: list[QueryProcess] = []
        self._idle: list[QueryProcess] = []
        self._waiters: deque = deque()  # (future, text key, shape key)
        self._all: set[QueryProcess] = set()
        self._tasks: set[asyncio.Task] = set()
        self._slow: OrderedDict = OrderedDict()  # text or shape key seen slow -> None
        self._closing = False
        self.killed = 0  # processes killed for overrunning; read by tests and /void stats
        self.express_cuts = 0  # jobs moved from the express lane to the general one
        self.respawn_failures = 0  # failed starts, retried (tests, diagnostics)
        self.isolation = ""  # how the query processes are cut off the network

    async def start(self) -> None:
        lanes = [self.size > 1] + [False] * (self.size - 1)
        for proc in await asyncio.gather(*(self._spawn(express) for express in lanes)):
            self._release(proc)
        if self.size > 1:
            self._spares = list(await asyncio.gather(
                *(self._spawn(True) for _ in range(EXPRESS_SPARES))))

    async def _spawn(self, express: bool) -> QueryProcess:
        proc = await QueryProcess.start(self.store_path, self.max_memory_mb, self.max_bytes,
                                        express, self._died_idle, self.network)
        self.isolation = proc.isolation
        self._all.add(proc)
        return proc

    def _died_idle(self, proc: QueryProcess) -> None:
        if proc in self._idle:
            self._idle.remove(proc)
        self._replace(proc)

    def _replace(self, dead: QueryProcess) -> None:
        if dead not in self._all or self._closing:
            return  # replaced already (it may be reported dead twice), or closing
        self._all.discard(dead)
        if dead in self._spares:
            self._spares.remove(dead)
        elif dead.express:
            self._promote_spare()
        task = asyncio.get_running_loop().create_task(self._respawn(dead))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, dead: QueryProcess) -> None:
        await dead.reap()  # no zombie, and its CPU is surely released
        for attempt in itertools.count():
            if self._closing:
                return
            try:
                proc = await self._spawn(dead.express)
            except Exception as error:  # EMFILE, ENOMEM, a store that cannot be opened
                self.respawn_failures += 1
                if attempt == 0:
                    print(f"seccoop: starting a query process failed ({error!r}); retrying",
                          file=sys.stderr)
                await asyncio.sleep(RESPAWN_DELAYS[min(attempt, len(RESPAWN_DELAYS) - 1)])
                continue
            if self._closing:
                proc.kill()
                await proc.reap()
                return
            if proc.express and self._lane_served(proc) and len(self._spares) < EXPRESS_SPARES:
                self._spares.append(proc)  # the lane has a process: wait as a spare
                return
            self._release(proc)
            return

    def _promote_spare(self) -> None:
        while self._spares:
            spare = self._spares.pop(0)
            if spare.alive():
                self._release(spare)
                return
            self._replace(spare)

    def _lane_served(self, proc: QueryProcess) -> bool:
        """Whether an express process other than ``proc`` and the spares is running."""
        return any(p.express and p is not proc and p not in self._spares and p.alive()
                   for p in self._all)

    def _standing(self, key: int, shape: int) -> int:
        if key in self._slow:
            return SLOW
        return SUSPECT if shape in self._slow else FRESH

    def _release(self, proc: QueryProcess) -> None:
        """Hand an idle process to the first waiter it may serve, else keep it idle."""
        if not proc.alive():
            self._died_idle(proc)
            return
        chosen, best = None, SUSPECT if proc.express else SLOW + 1
        for waiter in self._waiters:
            future, key, shape = waiter
            # Judged now, not when it began to wait: the first copy of a runaway to be cut
            # in the express lane sends the copies waiting behind it to the general lane.
            standing = self._standing(key, shape)
            if future.done() or standing >= best:
                continue
            chosen, best = waiter, standing
            if standing == FRESH:
                break
        if chosen is None:
            self._idle.append(proc)
            return
        self._waiters.remove(chosen)
        chosen[0].set_result(proc)

    def _take_idle(self, standing: int) -> QueryProcess | None:
        # A job prefers a general process, keeping the express one for the next fresh job.
        for proc in sorted(self._idle, key=lambda p: p.express):
            if proc.express and standing != FRESH:
                continue
            self._idle.remove(proc)
            if proc.alive():
                return proc
            self._died_idle(proc)
        return None

    async def _acquire(self, deadline: float, key: int, shape: int) -> QueryProcess:
        proc = self._take_idle(self._standing(key, shape))
        if proc is not None:
            return proc
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        waiter = (future, key, shape)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, max(deadline - loop.time(), 0.001))
        except BaseException as error:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if future.done() and not future.cancelled():
                self._release(future.result())  # handed over just as we gave up: pass it on
            if isinstance(error, asyncio.TimeoutError):
                raise QueryTimeout("every query process stayed busy until the timeout") from None
            raise

    async def run(self, request: tuple, shape: int | None = None) -> tuple[tuple, float]:
        """Send ``request`` to an idle process: ``(reply, seconds the query took there)``,
        or QueryTimeout (QueryRefused for memory and size) / QueryCrashed. ``shape`` is the
        query's :func:`seccoop.sparqlscan.shape` (the guard has it); without it, the text
        alone is judged."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        key = hash(request[0])  # by query text: cheap (str caches its hash), and enough
        shape = key if shape is None else hash(("shape", shape))
        for attempt in itertools.count():
            proc = await self._acquire(deadline, key, shape)
            express_cut = proc.express and loop.time() + self.express_seconds < deadline
            try:
                reply = await self._call(proc, request, deadline, express_cut)
            except QueryTimeout:
                self._mark_slow(key, shape)  # never again in the express lane
                raise
            except _Retry as retry:
                if retry.slow:
                    self._mark_slow(key, shape)
                elif attempt >= 2:  # its processes keep dying under it
                    raise QueryCrashed("the query process died") from None
                if loop.time() >= deadline:
                    raise QueryTimeout(f"the query ran longer than {self.timeout:g} s") from None
                continue
            reply, seconds, cpu = reply
            # By CPU time, not wall-clock: a busy machine does not make a cheap job slow.
            if cpu > self.express_seconds:
                self._mark_slow(key, shape)
            return _checked((reply, seconds))
        raise AssertionError("unreachable: itertools.count() never ends")

    async def _call(self, proc: QueryProcess, request: tuple, deadline: float,
                    express_cut: bool) -> tuple:
        loop = asyncio.get_running_loop()
        timer = loop.call_at(deadline, self._overrun, proc, False)
        if express_cut:
            proc.watch = loop.call_later(self.express_seconds, self._watch, proc,
                                         _cpu_seconds(proc.pid), deadline)
        try:
            reply = await proc.call(request)
        except (asyncio.IncompleteReadError, OSError) as error:
            self._replace(proc)
            if proc.killed:
                if express_cut:
                    raise _Retry(slow=True) from None
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s") from None
            if isinstance(error, BrokenPipeError):  # died before it got the request
                raise _Retry(slow=False) from None
            code = await proc.exit_code()
            if code == -signal.SIGKILL:  # killed from outside (we did not): not the query's fault
                raise _Retry(slow=False) from None
            if self.max_memory_mb and code in MEMORY_DEATHS:
                raise QueryRefused(f"the query needed more than {self.max_memory_mb:g} MB "
                                   "of memory (--max-query-memory)") from None
            raise QueryCrashed(f"the query process died (exit status {code})") from None
        except BaseException:  # cancelled mid-query: the pipe state is unknown, start afresh
            proc.kill()
            self._replace(proc)
            raise
        finally:
            timer.cancel()
            if proc.watch is not None:
                proc.watch.cancel()
                proc.watch = None
        self._release(proc)
        return reply

    def _watch(self, proc: QueryProcess, cpu_start: float | None, deadline: float) -> None:
        """Cut the express job once it has used its CPU budget; look again when it may have."""
        if not proc.alive():
            return
        now = _cpu_seconds(proc.pid)
        used = self.express_seconds if now is None or cpu_start is None else now - cpu_start
        left = self.express_seconds - used
        loop = asyncio.get_running_loop()
        if left <= CLOCK_TICK / 2:
            self._overrun(proc, True)
        elif loop.time() + left < deadline:
            proc.watch = loop.call_later(max(left, CLOCK_TICK), self._watch, proc, cpu_start,
                                         deadline)

    def _overrun(self, proc: QueryProcess, express_cut: bool) -> None:
        if express_cut:
            self.express_cuts += 1
        else:
            self.killed += 1
        proc.kill()

    def _mark_slow(self, key: int, shape: int) -> None:
        for known in (key, shape):
            self._slow[known] = None
            self._slow.move_to_end(known)
        while len(self._slow) > 2 * SLOW_MEMORY:
            self._slow.popitem(last=False)

    def pids(self, *, lane: str | None = None) -> list[int]:
        """Process ids of the query processes (``lane="express"``: the one serving that lane
        now, ``"general"``, or ``"spare"``)."""
        def lane_of(proc: QueryProcess) -> str:
            if proc in self._spares:
                return "spare"
            return "express" if proc.express else "general"
        return sorted(p.pid for p in self._all if lane is None or lane_of(p) == lane)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for proc in list(self._all):
            proc.kill()
        for proc in list(self._all):
            await proc.reap()
        self._all.clear()


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux ``/proc``), else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) * CLOCK_TICK


class _Retry(Exception):
    """The job did not finish in its process for a reason that allows another try."""

    def __init__(self, slow: bool):
        self.slow = slow


def _checked(reply: tuple) -> tuple:
    """A reply whose status is a refusal for size or memory becomes :class:`QueryRefused`."""
    status, body = reply[0][0], reply[0][4]
    if status in ("too-large", "memory"):
        raise QueryRefused(body.decode())
    return reply


# Built-in functions whose value changes between runs (and so may change a query's work),
# and SERVICE (allowed only with --allow-service): its answer and its cost are another
# server's, so such a query is neither remembered nor run outside a killable process.
# Whole words, case-insensitive; a codepoint escape (\u, \U) could spell one, so any
# backslash-u counts too. Strings, comments and variables named so are refused as well:
# conservative on purpose.
NONDETERMINISTIC = re.compile(r"\b(?:rand|now|uuid|struuid|bnode|service)\b|\\u", re.I)
CACHE_SIZE = 4096                 # proven jobs per HTTP worker
CACHE_CHARS = 16_000_000          # and at most this much query text in them
DEMOTE_FACTOR = 4                 # an in-process run over factor x threshold forgets the job
RESULT_SHARE = 4                  # one kept reply takes at most 1/RESULT_SHARE of the cache
ENTRY_OVERHEAD = 1024             # bytes counted per kept reply beyond its body and query:
                                  # the key, the tuples and the LRU links (measured ~0.5 KiB)


class QueryRunner:
    """Answers a job from remembered results, else in-process when proven cheap, else in
    ``pool``.

    A *job* is everything :func:`execute` reads: query text, the two negotiated formats,
    the inferred flag, the dataset IRIs, the row cap and the base IRI. It is *proven* once
    it ran in a query process with status ``ok``, not cut by the row cap, within
    ``trust_below_ms`` (wall-clock, around :func:`execute` there), and mentions neither a
    non-deterministic function (RAND, NOW, UUID, STRUUID, BNODE) nor SERVICE (a
    conservative word test, which also refuses any ``\\u`` escape). Proven jobs (a bounded
    LRU) run on the event-loop thread, not under the kill timer; every such run is timed
    again (CPU time of the thread) and a job over ``DEMOTE_FACTOR`` x the threshold is
    forgotten. The first run of anything new always goes through a killable process; the
    fast path is off by default (``--trust-below-ms 0``). Replies of successful
    deterministic jobs are kept in a :class:`ResultCache` (``--result-cache-mb``); failures
    never are. Callers check the request (protocol, body cap, SERVICE/LOAD) before this.

    ``run`` returns ``(reply, path)``; ``path`` says how: ``"cached"``, ``"proven"`` (ran
    in-process) or ``"process"`` (ran in a query process).
    """

    def __init__(self, store, pool: QueryPool, trust_below_ms: float,
                 size: int = CACHE_SIZE, max_chars: int = CACHE_CHARS, result_bytes: int = 0):
        from .worker import execute

        self.store, self.pool, self._execute = store, pool, execute
        self.trust_below = max(0.0, trust_below_ms) / 1000.0
        self.size, self.max_chars = size, max_chars
        self._proven: OrderedDict = OrderedDict()  # job -> length of its query text
        self._chars = 0
        self.results = ResultCache(result_bytes)
        self.proven_runs = 0   # jobs answered in-process (tests, diagnostics)
        self.demoted = 0       # proven jobs forgotten after a costly in-process run

    async def run(self, job: tuple, shape: int | None = None) -> tuple[tuple, str]:
        key = job if job[4] is None and job[5] is None else _hashable(job)
        reply = self.results.get(key)
        if reply is not None:
            return reply, "cached"
        if key in self._proven:  # proven jobs are repeatable
            reply = _checked((self._run_proven(key, job), 0.0))[0]
            if reply[0] == "ok":
                self.results.put(key, reply, len(job[0]))
            return reply, "proven"
        reply, seconds = await self.pool.run(job, shape)
        if reply[0] == "ok" and not NONDETERMINISTIC.search(job[0]):
            self.results.put(key, reply, len(job[0]))
            if seconds < self.trust_below and not reply[3]:
                self._remember(key, len(job[0]))
        return reply, "process"

    def _run_proven(self, key: tuple, job: tuple) -> tuple:
        self._proven.move_to_end(key)
        # On the event-loop thread, on purpose: see "Where proven jobs run" above.
        # CPU time of this thread: what the job cost, not how loaded the machine is.
        started = time.thread_time()
        reply = self._execute(self.store, *job, uncut=True, trusted=True)
        if time.thread_time() - started > DEMOTE_FACTOR * self.trust_below:
            self._forget(key)
            self.demoted += 1
        self.proven_runs += 1
        return reply

    def _remember(self, key: tuple, chars: int) -> None:
        if chars > self.max_chars or key in self._proven:
            return
        self._proven[key] = chars
        self._chars += chars
        while len(self._proven) > self.size or self._chars > self.max_chars:
            _, dropped = self._proven.popitem(last=False)
            self._chars -= dropped

    def _forget(self, key: tuple) -> None:
        chars = self._proven.pop(key, None)
        if chars is not None:
            self._chars -= chars

    def __len__(self) -> int:
        return len(self._proven)


def _hashable(job: tuple) -> tuple:
    return (*job[:4], tuple(job[4] or ()), tuple(job[5] or ()), *job[6:])


class ResultCache:
    """Replies of successful jobs by job, least recently used first out, in ``limit`` bytes
    (each reply counts its body, its query text and ``ENTRY_OVERHEAD``, so that many tiny
    replies cannot outgrow the limit either); a reply over ``limit / RESULT_SHARE`` is not kept.

    >>> cache = ResultCache(8 * ENTRY_OVERHEAD)
    >>> cache.put(("ASK {}",), ("ok", "boolean", 1, False, b"x" * 90), 6)
    >>> cache.get(("ASK {}",))[4] == b"x" * 90, cache.hits
    (True, 1)
    >>> cache.put(("big",), ("ok", "bindings", 9, False, b"x" * 2000), 3)  # over a quarter
    >>> cache.get(("big",)) is None
    True
    """

    def __init__(self, limit: int):
        self.limit = max(0, int(limit))
        self._entries: OrderedDict = OrderedDict()  # key -> (reply, size)
        self.size = 0
        self.hits = 0

    def get(self, key: tuple) -> tuple | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, key: tuple, reply: tuple, query_chars: int) -> None:
        size = len(reply[4]) + query_chars + ENTRY_OVERHEAD
        if size * RESULT_SHARE > self.limit or key in self._entries:
            return
        self._entries[key] = (reply, size)
        self.size += size
        while self.size > self.limit:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped

    def __len__(self) -> int:
        return len(self._entries)
