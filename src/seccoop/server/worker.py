"""The query process: opens the store read-only once, then answers queries read from a pipe.

pyoxigraph cannot interrupt a query, so every user query runs in one of these processes,
which the server SIGKILLs when the query overruns (:mod:`seccoop.server.pool`) and
replaces. Before opening the store the process cuts itself off the network and caps its
memory (:mod:`seccoop.server.sandbox`). Frames are a 4-byte big-endian length and a
``marshal`` payload (both ends are this module, so marshal's speed is safe to use): the
first one out is ``("ready", isolation, memory_limit_bytes_or_None)``, each request is the
positional arguments of :func:`execute`, each reply ``(what execute returned, seconds,
cpu_seconds)``.

    >>> execute_local("ASK {}", "json")[:2]
    ('ok', 'ask')
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
import time

import pyoxigraph as ox

from ..errors import QueryError
from ..lean import build_prefixes
from ..queries import RESULT_FORMATS, QueryResult, run_query
from ..queries import serialize_result
from .protocol import reply_format

HEADER = struct.Struct("!I")


class _Enough(Exception):
    """Raised inside a serializer's write() once the row cap is passed: stops evaluation."""


class _TooBig(Exception):
    """Raised once a reply passes the byte cap: stops evaluation, the query is refused."""


MAX_BYTES = 0  # the byte cap of a reply in this process (0: none); set by serve()
# The project's predeclared query prefixes (None: the packaged project's); set by serve()
# from the build, by the server for its in-process runs.
PREFIXES: dict[str, str] | None = None


def _check_size(data: bytes | None) -> bytes:
    assert data is not None  # a serialiser called without an output returns bytes
    if MAX_BYTES and len(data) > MAX_BYTES:
        raise _TooBig()
    return data


class _CappedWriter:
    """Collects serializer output while counting row separators natively (bytes.count).

    ``marker`` occurs at least once per row, so the count is an upper bound of the rows
    (``exact`` says whether it is also a lower bound). Evaluation stops once the count
    passes ``limit``.
    """

    def __init__(self, marker: bytes, limit: int):
        self.parts: list[bytes] = []
        self.marker, self.limit, self.count = marker, limit, 0
        self.size = 0
        self._tail = b""

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        # A marker may straddle two chunks: count it in the joined tail.
        joined = self._tail + chunk
        self.count += joined.count(self.marker) - self._tail.count(self.marker)
        self._tail = joined[-(len(self.marker) - 1):] if len(self.marker) > 1 else b""
        self.parts.append(chunk)
        self.size += len(chunk)
        if MAX_BYTES and self.size > MAX_BYTES:
            raise _TooBig()
        if self.count > self.limit:
            raise _Enough()
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


# Per format: a byte string occurring once per row at least, and whether exactly once.
# XML escapes "<" in text and TSV escapes newlines, so those counts are exact; JSON's
# "},{" separates rows but may also occur inside a string; CSV quotes may hold newlines.
_ROW_MARKERS = {"xml": (b"<result>", True, 0), "tsv": (b"\n", True, 1),
                "json": (b"},{", False, -1), "csv": (b"\n", False, 1)}


def _select(result: QueryResult, fmt: str, max_rows: int, rerun,
            uncut: bool = False, trusted: bool = False) -> tuple[int, bool, bytes]:
    if trusted:
        # A proven job: it stayed under the cap before, over the same immutable store, and
        # calls nothing non-deterministic, so it has the same rows now: no recount (which
        # costs about 3% of a 5,916-row JSON answer).
        return -1, False, _check_size(result.value.serialize(format=RESULT_FORMATS[fmt]))
    marker, exact, offset = _ROW_MARKERS[fmt]
    if uncut:
        # Expected under the cap: serialize in one native call, then count the same markers
        # the writer would have. Over the cap after all: start again the streaming way.
        data = _check_size(result.value.serialize(format=RESULT_FORMATS[fmt]))
        rows = data.count(marker) - offset
        if rows <= max_rows:
            return (rows if exact else -1), False, data
        result = rerun()
    writer = _CappedWriter(marker, max_rows + offset)
    try:
        result.value.serialize(writer, format=RESULT_FORMATS[fmt])
    except _Enough:
        pass
    else:
        rows = writer.count - offset
        if exact or rows <= max_rows:
            # Rows are at most the count: under the cap nothing was cut.
            return (rows if exact else -1), False, writer.getvalue()
    if exact:
        return max_rows, True, _cut_xml_or_tsv(writer.getvalue(), fmt, max_rows)
    # Too many rows, or a count inflated by string contents: recount exactly via TSV.
    return _select_via_tsv(rerun(), fmt, max_rows)


def _cut_xml_or_tsv(data: bytes, fmt: str, max_rows: int) -> bytes:
    if fmt == "tsv":
        return b"".join(data.splitlines(keepends=True)[: max_rows + 1])
    cut = data.find(b"<result>", _nth(data, b"<result>", max_rows) + 1)
    return data[:cut] + b"</results></sparql>" if cut > 0 else data


def _nth(data: bytes, marker: bytes, n: int) -> int:
    position = -1
    for _ in range(n):
        position = data.find(marker, position + 1)
    return position


def _select_via_tsv(result: QueryResult, fmt: str, max_rows: int) -> tuple[int, bool, bytes]:
    writer = _CappedWriter(b"\n", max_rows + 1)
    truncated = False
    try:
        result.value.serialize(writer, format=ox.QueryResultsFormat.TSV)
    except _Enough:
        truncated = True
    lines = writer.getvalue().splitlines(keepends=True)[: max_rows + 1]
    tsv = b"".join(lines)
    if fmt == "tsv":
        return len(lines) - 1, truncated, tsv
    solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return len(lines) - 1, truncated, _check_size(
        solutions.serialize(format=RESULT_FORMATS[fmt]))


def _graph(result: QueryResult, fmt: str, max_rows: int) -> tuple[int, bool, bytes]:
    # N-Triples holds one triple per line (newlines in literals are escaped): an exact count.
    writer = _CappedWriter(b"\n", max_rows)
    truncated = False
    try:
        result.value.serialize(writer, format=ox.RdfFormat.N_TRIPLES)
    except _Enough:
        truncated = True
    lines = writer.getvalue().splitlines(keepends=True)[:max_rows]
    data = b"".join(lines)
    if fmt != "ntriples":
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        data = _check_size(serialize_result(QueryResult("graph", triples, []), fmt,
                                            prefixes=PREFIXES))
    return len(lines), truncated, data


def execute(store: ox.Store, query: str, result_fmt: str | None, graph_fmt: str | None,
            inferred: bool = True, default_graphs=None, named_graphs=None,
            max_rows: int = 10000, base_iri: str | None = None, *, uncut: bool = False,
            trusted: bool = False) -> tuple:
    """Run one query with the row cap and serialize it; never raises for a bad query.

    ``uncut=True`` is for a job that stayed under the cap on an earlier run over this same
    read-only store: a SELECT result is then serialized in one call rather than streamed
    through the counting writer (cheaper for small results); the cap is still checked on
    the output, and the reply is the same either way. ``trusted=True`` (proven jobs only, see
    :class:`seccoop.server.pool.QueryRunner`) also skips that check.

    Returns ``(status, kind, rows, truncated, body)``: status is ``ok``, ``syntax`` (body is
    the message with line and column), ``not-acceptable`` (the client accepts no format for
    this kind of query, only known once it is parsed), ``too-large`` (the reply passed the
    byte cap), ``memory`` (Python ran out of its share) or ``error``; rows is -1 when only
    an upper bound was counted, which is all the cap needs. The server judges a job proven
    cheap by the wall-clock seconds of this call and its express lane by the CPU seconds
    (which do not grow with load)."""
    def run():
        return run_query(store, query, inferred=inferred, default_graph_uris=default_graphs,
                         named_graph_uris=named_graphs, base_iri=base_iri, prefixes=PREFIXES)

    try:
        result = run()
        fmt = graph_fmt if result.kind == "graph" else result_fmt
        if fmt is None:
            return ("not-acceptable", result.kind, 0, False, b"")
        if result.kind == "ask":
            return ("ok", "ask", 1, False,
                    _check_size(serialize_result(result, reply_format("ask", fmt, ""))))
        if result.kind == "graph":
            return ("ok", "graph", *_graph(result, fmt, max_rows))
        return ("ok", "select", *_select(result, fmt, max_rows, run, uncut, trusted))
    except QueryError as error:
        return ("syntax", "", 0, False, str(error).encode())
    except _TooBig:
        return ("too-large", "", 0, False,
                f"the result is over the reply cap of {MAX_BYTES} bytes "
                "(--max-result-mb)".encode())
    except MemoryError:
        return ("memory", "", 0, False, b"the query ran out of memory")
    except Exception as error:  # an evaluation error belongs to this query, not the process
        return ("error", "", 0, False, f"{type(error).__name__}: {error}".encode())


def execute_local(query: str, result_fmt: str = "json", graph_fmt: str = "turtle") -> tuple:
    """:func:`execute` over an empty in-memory store (for examples and tests)."""
    return execute(ox.Store(), query, result_fmt, graph_fmt)


def _read_exact(fd: int, n: int) -> bytes:
    chunks, missing = [], n
    while missing:
        chunk = os.read(fd, missing)
        if not chunk:
            return b""
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def serve(store_path: str, fd_in: int, fd_out: int, max_memory_mb: float = 0,
          max_bytes: int = 0, network: bool = False) -> None:
    """The request loop: one frame in, one frame out, until the pipe closes.

    The first frame out says the process is ready and how it is confined."""
    global MAX_BYTES, PREFIXES
    from .sandbox import isolate_network, limit_memory

    # First, before any thread exists. --allow-service needs the network (for its IRIs only,
    # which the guard checks; no OS mechanism here can filter by host).
    isolation = "none: kept for --allow-service" if network else isolate_network()
    store = ox.Store.read_only(store_path)
    MAX_BYTES = max_bytes
    PREFIXES = build_prefixes(os.path.dirname(store_path))
    hello = marshal.dumps(("ready", isolation, limit_memory(max_memory_mb)))
    _write_all(fd_out, HEADER.pack(len(hello)) + hello)
    while True:
        header = _read_exact(fd_in, HEADER.size)
        if not header:
            return
        request = marshal.loads(_read_exact(fd_in, HEADER.unpack(header)[0]))
        started, cpu = time.perf_counter(), time.process_time()
        reply = execute(store, *request)
        payload = marshal.dumps((reply, time.perf_counter() - started,
                                 time.process_time() - cpu))
        _write_all(fd_out, HEADER.pack(len(payload)) + payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main() -> None:
    """Arguments: the store path, the memory share in MB (0: none), the reply byte cap
    (0: none) and ``network`` to keep the network (only with ``--allow-service``)."""
    # The protocol owns the original stdout; anything printed goes to stderr instead.
    fd_out = os.dup(1)
    os.dup2(2, 1)
    try:
        memory = float(sys.argv[2]) if len(sys.argv) > 2 else 0
        max_bytes = int(sys.argv[3]) if len(sys.argv) > 3 else 0
        network = len(sys.argv) > 4 and sys.argv[4] == "network"
        serve(sys.argv[1], 0, fd_out, memory, max_bytes, network)
    except (KeyboardInterrupt, BrokenPipeError):
        pass


if __name__ == "__main__":
    main()
