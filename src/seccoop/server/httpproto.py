"""uvicorn's httptools protocol with the limits a public endpoint needs while a request arrives.

httptools (llhttp) puts no bound on the request line or headers, and uvicorn times out only
idle keep-alive connections, so a client could hold memory with a 2 MB header or a
connection open for ever by sending a byte now and then. This protocol adds:

- a cap on the bytes of a request's line and headers (431, then the connection closes);
- a read timeout: the whole request (line, headers, body) must arrive within
  ``read_timeout`` seconds of its first byte, or of the connection opening (408, closed);
- HTTP/0.9 (a request line without a version) refused with 400.

(uvicorn's ``h11_max_incomplete_event_size`` bounds the same for its h11 protocol only;
``limit_concurrency`` and ``timeout_keep_alive``, set in :mod:`seccoop.server.run`, bound
how many connections there are and how long an idle one stays.)

    >>> import functools
    >>> factory = functools.partial(LimitedHttpToolsProtocol, max_head=65536, read_timeout=10)
    >>> # uvicorn.Config(app, http=factory) then serves with these limits.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """See the module docstring. ``max_head`` in bytes, ``read_timeout`` in seconds."""

    def __init__(self, *args, max_head: int = 65536, read_timeout: float = 10.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_head, self.read_timeout = max_head, read_timeout
        self._in_head = True       # before the end of a request's headers
        self._head_bytes = 0
        self._reading: asyncio.TimerHandle | None = None  # the timer of the request being received
        self._refused = False

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._reading is None and not self.transport.is_closing():
            self._arm()  # the first bytes of a new request on a kept-alive connection
        super().data_received(data)
        if self._in_head and not self._refused:
            # Still no end of headers after this chunk: all of it belongs to the head.
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head:
                self._refuse(431, f"request line and headers over {self.max_head} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes = True, 0
        if self._reading is None:  # a pipelined request begun in the same chunk
            self._arm()

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self.parser.get_http_version() == "0.9":
            self._refuse(400, "HTTP/0.9 is not supported")
            return
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._in_head, self._head_bytes = True, 0

    def _arm(self) -> None:
        self._disarm()
        self._reading = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _disarm(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    def _read_timed_out(self) -> None:
        # Armed from a request's first byte (or the connection's start) to its last.
        self._reading = None
        if self._in_head:
            self._refuse(408, f"request not received within {self.read_timeout:g} s")
        elif self.cycle is not None:  # the app waits for the rest of the body: it is gone
            self.cycle.disconnected = True
            self.cycle.message_event.set()
            self.transport.close()

    def _refuse(self, status: int, message: str) -> None:
        self._refused = True
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete and not self._in_head:
            self.transport.close()  # a response may be under way: just close
            return
        reason = {400: b"Bad Request", 408: b"Request Timeout",
                  431: b"Request Header Fields Too Large"}[status]
        body = (message + "\n").encode()
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.transport.close()
