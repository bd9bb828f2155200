"""Saying so when the project's files changed after the store being served was built.

A server answers from the build it pinned at start; an analyst editing ``data/`` then sees
old answers. :class:`StaleNotice` adds ``X-Seccoop-Stale: true`` to every response and a
notice at the top of every page while the files differ from the build's (checked at most
once a second: a stat of each source file; a changed stat with the same content, such as
a touched file, is judged by the content hash, once per set of stats).

    >>> Staleness.__name__
    'Staleness'
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from .. import lean

HEADER = b"x-seccoop-stale"
_MAIN = re.compile(rb"<main\b[^>]*>")
NOTICE = ('<p class="note stale" role="status"><strong>The project\'s files changed after '
          "this store was built:</strong> the pages and answers here are from the older "
          "files. Restart <code>seccoop serve</code> (or run <code>seccoop build</code>) to "
          "see the changes.</p>")


class Staleness:
    """Whether the files of ``project`` still match the build in ``build_dir``."""

    def __init__(self, project, build_dir: Path, interval: float = 1.0):
        self.project, self.build_dir, self.interval = project, Path(build_dir), interval
        self._checked = 0.0
        self._stale = False
        self._verdicts: dict[str, bool] = {}
        self._lock = threading.Lock()

    def stale(self) -> bool:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._stale
        with self._lock:
            self._checked = now
            self._stale = self._compute()
        return self._stale

    def _compute(self) -> bool:
        root = str(self.project.root)
        try:
            stats = lean.source_stats(root)
        except OSError:  # a file vanished between listing and stat: changed
            return True
        if stats == lean.recorded_stats(str(self.build_dir)):
            return False
        if stats not in self._verdicts:
            from ..store import fingerprint, read_manifest

            built = read_manifest(self.build_dir).get("fingerprint")
            try:
                self._verdicts[stats] = fingerprint(self.project) != built
            except OSError:
                return True
        return self._verdicts[stats]


class StaleNotice:
    """ASGI middleware: the header on every response, the notice on every HTML page."""

    def __init__(self, app, staleness: Staleness):
        self.app, self.staleness = app, staleness

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.staleness.stale():
            return await self.app(scope, receive, send)
        held: dict = {}

        async def marked(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER]
                headers.append((HEADER, b"true"))
                message = {**message, "headers": headers}
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    held["start"], held["body"] = message, b""
                    return
            elif "start" in held and message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                await _send_page(send, held["start"], held["body"])
                return
            await send(message)

        await self.app(scope, receive, marked)


async def _send_page(send, start: dict, body: bytes) -> None:
    """The held page with the notice at the start of ``<main>``, its length corrected."""
    body = _MAIN.sub(lambda m: m.group(0) + b"\n" + NOTICE.encode(), body, count=1)
    headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
