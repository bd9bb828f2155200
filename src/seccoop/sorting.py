r"""An external sort of byte lines, duplicates dropped, in byte order (the C locale).

``sort -u`` does it when the system has one: fast, multi-core, spilling to disk within a
fixed buffer; otherwise sorted runs in temporary files are merged in Python. Both give the
same bytes. Write lines with ``write``, then read the sorted stream from ``finish()``.

    >>> sorter = make_sorter(python_sort=True)
    >>> sorter.write(b"b\n" b"a\n" b"b\n")
    >>> sorted_stream = sorter.finish()
    >>> list(sorted_stream)
    [b'a\n', b'b\n']
    >>> sorter.close()
"""

from __future__ import annotations

import heapq
import io
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from itertools import groupby
from typing import IO, Iterator

# The buffer of ``sort``: it bounds the memory of an export.
SORT_MEMORY = os.environ.get("SECCOOP_SORT_MEMORY", "32M")
_PY_SORT_CHUNK = 32 << 20
_QUEUED = 64  # blocks of about 1 MB waiting for ``sort`` while it sorts a run


def make_sorter(python_sort: bool | None = None):
    """The system ``sort`` when there is one (or ``python_sort=False``), else the Python one."""
    return PythonSorter() if _use_python_sort(python_sort) else SystemSorter()


def _use_python_sort(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    return os.environ.get("SECCOOP_PYTHON_SORT") == "1" or shutil.which("sort") is None


class SystemSorter:
    """``sort -u`` in the C locale (byte order): fast, multi-core, spills to disk.

    A feeder thread writes to the pipe, so the dump goes on while ``sort`` sorts a run
    (at most ``_QUEUED`` blocks of about 1 MB wait in between)."""

    def __init__(self) -> None:
        env = dict(os.environ, LC_ALL="C")
        self.proc = subprocess.Popen(["sort", "-u", "-S", SORT_MEMORY, "-T", tempfile.gettempdir()],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.queue: queue.Queue = queue.Queue(maxsize=_QUEUED)
        self.block: list[bytes] = []
        self.size = 0
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.feeder.start()

    def _feed(self):
        broken = False
        while (block := self.queue.get()) is not None:
            if not broken:
                try:
                    self.proc.stdin.write(block)
                except (BrokenPipeError, ValueError):
                    broken = True  # keep draining so that the dump never blocks

    def write(self, data: bytes):
        self.block.append(data)
        self.size += len(data)
        if self.size >= 1 << 20:
            self.queue.put(b"".join(self.block))
            self.block, self.size = [], 0

    def finish(self) -> IO[bytes]:
        self.queue.put(b"".join(self.block))
        self.queue.put(None)
        self.feeder.join()
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None  # started with stdin=stdout=PIPE
        stdin.close()
        return stdout

    def close(self):
        if self.feeder.is_alive():
            self.queue.put(None)
            self.feeder.join()
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        self.proc.stdout.close()
        if self.proc.wait() not in (0, -13):  # -13: we stopped reading early (SIGPIPE)
            raise OSError(f"sort failed with status {self.proc.returncode}")


class PythonSorter:
    """The same order without a ``sort`` program: sorted runs on disk, merged lazily."""

    def __init__(self) -> None:
        self.runs: list = []
        self.lines: list[bytes] = []
        self.size = 0
        self.pending = b""

    def write(self, data: bytes):
        data = self.pending + data
        cut = data.rfind(b"\n") + 1
        self.pending = data[cut:]
        chunk = data[:cut].splitlines(keepends=True)
        self.lines.extend(chunk)
        self.size += cut
        if self.size > _PY_SORT_CHUNK:
            self._spill()

    def _spill(self):
        run = tempfile.TemporaryFile()
        run.writelines(sorted(set(self.lines)))
        run.seek(0)
        self.runs.append(run)
        self.lines, self.size = [], 0

    def finish(self) -> "LineReader":
        self._spill()
        merged = (line for line, _ in groupby(heapq.merge(*self.runs)))
        return LineReader(merged)

    def close(self):
        for run in self.runs:
            run.close()


class LineReader(io.RawIOBase):
    """A readable binary stream over an iterator of lines."""

    def __init__(self, lines: Iterator[bytes]):
        self._lines, self._buffer = lines, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while len(self._buffer) < len(target):
            more = b"".join(line for _, line in zip(range(4096), self._lines))
            if not more:
                break
            self._buffer += more
        size = min(len(target), len(self._buffer))
        target[:size], self._buffer = self._buffer[:size], self._buffer[size:]
        return size

    def __iter__(self):
        if self._buffer:
            raise ValueError("iterate a fresh reader")
        return iter(self._lines)
