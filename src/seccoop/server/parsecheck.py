"""Checking a query's syntax without running it: the query editor marks the error's line
and column as one types (``/api/parse``).

pyoxigraph has no parse-only call: ``Store.query`` parses, then evaluates (an ASK or an
ORDER BY at once). Even on an empty store, evaluation is not free (a text of ``VALUES``
or ``UNION`` blocks multiplies rows), so the text is parsed in a child process over an
empty store, with bounded memory: a syntax error comes back at once with pyoxigraph's own
line and column; evaluation can only start once the text has parsed, so a child still busy
after :data:`PATIENCE` seconds (killed then), or killed by its memory limit, has proven the
text valid.

    >>> checker = ParseChecker()                                   # doctest: +SKIP
    >>> checker.check("SELECT * WHERE { ?s ?p }")["line"]          # doctest: +SKIP
    1
"""

from __future__ import annotations

import json
import re
import select
import struct
import subprocess
import sys
import threading

PATIENCE = 1.0           # seconds a parse may take before the text counts as parsed
CHILD_MEMORY = 512 << 20  # bytes of address space the child may use
_LOCATION = re.compile(r"error at (\d+):(\d+)")


class ParseChecker:
    """One child process per server worker, started on first use, replaced when killed."""

    def __init__(self, patience: float = PATIENCE, prefixes: dict[str, str] | None = None):
        self.patience, self.prefixes = patience, prefixes
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def check(self, text: str) -> dict:
        """``{ok, line, column, message}``: line and column (1-based) of the first syntax
        error as pyoxigraph reports it; ``ok`` True when the text parses."""
        with self._lock:
            proc = self._child()
            data = text.encode("utf-8", "surrogatepass")
            try:
                assert proc.stdin is not None  # opened with PIPE
                proc.stdin.write(struct.pack(">I", len(data)) + data)
                proc.stdin.flush()
                reply = self._reply(proc)
            except OSError:
                reply = None
            if reply is None:  # busy evaluating (so it parsed), or killed: start afresh
                self.close()
                return {"ok": True, "line": None, "column": None, "message": ""}
        return _verdict(text, reply)

    def _child(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            # The project's predeclared prefixes, so that the check reads a query as /sparql does.
            self._proc = subprocess.Popen([sys.executable, "-m", "seccoop.server.parsecheck",
                                           json.dumps(self.prefixes or {})],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._proc

    def _reply(self, proc: subprocess.Popen) -> str | None:
        out = proc.stdout
        assert out is not None  # opened with PIPE
        ready, _, _ = select.select([out], [], [], self.patience)
        if not ready:
            return None
        head = out.read(4)
        if len(head) < 4:
            return None
        return out.read(struct.unpack(">I", head)[0]).decode()

    def close(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc = None


def _verdict(text: str, reply: str) -> dict:
    from ..queries import syntax_message

    if not reply:
        return {"ok": True, "line": None, "column": None, "message": ""}
    found = _LOCATION.search(reply)
    message = syntax_message(SyntaxError(reply), text)
    if not found:
        return {"ok": False, "line": None, "column": None, "message": message}
    return {"ok": False, "line": int(found.group(1)), "column": int(found.group(2)),
            "message": message}


def _serve() -> None:
    """The child: read length-prefixed texts, answer "" (parsed) or the syntax error."""
    import resource

    import pyoxigraph as ox

    prefixes = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    store = ox.Store()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = stdin.read(4)
        if len(head) < 4:
            return
        text = stdin.read(struct.unpack(">I", head)[0]).decode("utf-8", "surrogatepass")
        try:
            store.query(text, prefixes=prefixes)
            answer = b""
        except SyntaxError as error:
            answer = str(error).encode()
        except Exception:  # parsed, then failed while evaluating: the syntax is fine
            answer = b""
        stdout.write(struct.pack(">I", len(answer)) + answer)
        stdout.flush()


if __name__ == "__main__":
    _serve()
