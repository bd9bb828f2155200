"""Start uvicorn on a socket we bind ourselves, so the URL printed is the one served
(also with ``--port 0``), with one or more HTTP worker processes."""

from __future__ import annotations

import errno
import json
import os
import socket
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..errors import SeccoopError
from ..project import Project
from ..settings import Settings


class CannotServe(SeccoopError):
    """The address cannot be listened on (in use, or not this machine's)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when the
    # protocol says TCP; without it keep-alive responses stall 40 ms (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "the port is in use" if error.errno == errno.EADDRINUSE else error.strerror
        raise CannotServe(f"cannot serve on {host}:{port}: {reason} "
                          "(choose another with --port or --host)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def connection_limits(settings: Settings) -> dict:
    """uvicorn options bounding what a client can hold: the HTTP protocol with header and
    read-time caps (see :mod:`seccoop.server.httpproto`), open connections, idle time.

    >>> sorted(connection_limits(Settings()))
    ['http', 'limit_concurrency', 'timeout_keep_alive']
    """
    import functools

    from .httpproto import LimitedHttpToolsProtocol

    return {"http": functools.partial(LimitedHttpToolsProtocol,
                                      max_head=settings.max_header_kb * 1024,
                                      read_timeout=settings.read_timeout),
            "limit_concurrency": settings.max_connections, "timeout_keep_alive": 5}


def run(settings: Settings, project: Project, store_dir: Path,
        announce: Callable[[str], None] = print, remote: dict | None = None, *,
        reload: bool = False) -> None:
    """Serve until interrupted; ``announce`` receives the URL line once the socket listens.
    ``remote`` (``{"url": ...}``) serves a remote engine's graphs instead of the store's;
    ``reload``: rebuild when the project's files change and serve the new build (see
    :func:`serve_reloading`)."""
    import uvicorn

    from .app import CONFIG_ENV, create_app, ensure_built

    if not remote:
        ensure_built(project, Path(store_dir))  # once, before workers race to build
    sock = bind(settings.host, settings.port)
    url = url_of(sock, settings.host)
    if settings.port == 0:  # the default public base URL (--base-url) names the real port
        settings = replace(settings, port=sock.getsockname()[1])
    options = dict(log_level="warning", access_log=False, server_header=False,
                   timeout_graceful_shutdown=3, **connection_limits(settings))
    if settings.workers > 1:
        os.environ[CONFIG_ENV] = json.dumps({"settings": settings.to_dict(),
                                             "project": str(project.root),
                                             "store_dir": str(store_dir),
                                             "remote": remote})
        config = uvicorn.Config("seccoop.server.app:app_from_env", factory=True,
                                workers=settings.workers, **options)
    else:
        config = uvicorn.Config(create_app(settings, project, Path(store_dir), remote), **options)
    announce(f"seccoop: serving {url} (SPARQL endpoint: {url}sparql) — press Ctrl+C to stop")
    if reload:
        serve_reloading(settings, project, Path(store_dir), sock, options, announce)
        return
    server = uvicorn.Server(config)
    if settings.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run(sockets=[sock])


def serve_reloading(settings: Settings, project: Project, store_dir: Path, sock: socket.socket,
                    options: dict, announce: Callable[[str], None]) -> None:
    """Serve one HTTP worker that follows the project's files: when they change, the store
    is rebuilt beside the one serving (which answers meanwhile, marked stale), then the
    server is restarted on the same listening socket over the new build (connections that
    arrive in between wait in the socket's backlog). A failed rebuild is reported once per
    state of the files and the previous build keeps serving."""
    import uvicorn

    from .app import create_app

    while True:
        project = Project(project.root)  # its seccoop.toml may have changed too
        app = create_app(settings, project, store_dir)
        server = uvicorn.Server(uvicorn.Config(app, **options))
        watcher = _Watcher(server, project, store_dir, app.state.server.build_dir, announce)
        watcher.start()
        # uvicorn closes the socket it is given when it stops: give it a duplicate.
        server.run(sockets=[sock.dup()])
        watcher.stop()
        if not watcher.switched:
            return  # Ctrl+C, not a reload
        announce(f"seccoop: files changed; now serving the new build {watcher.switched.name}")


class _Watcher:
    """Polls the project's files once a second; rebuilds and stops the server on a change."""

    def __init__(self, server, project: Project, store_dir: Path, build_dir: Path,
                 announce: Callable[[str], None], interval: float = 1.0):
        import threading

        from .staleness import Staleness

        self.server, self.project, self.store_dir = server, project, store_dir
        self.staleness = Staleness(project, build_dir, interval=0)
        self.announce, self.interval = announce, interval
        self.switched: Path | None = None
        self._failed: str | None = None  # the file stats a rebuild failed on
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="seccoop-reload")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        from .. import lean

        while not self._stop.wait(self.interval):
            if not self.staleness.stale():
                continue
            stats = lean.source_stats(str(self.project.root))
            if stats == self._failed:
                continue
            built = self._rebuild()
            if built is None:
                self._failed = stats
            elif built != self.staleness.build_dir:
                self.switched = built
                self.server.should_exit = True
                return

    def _rebuild(self) -> Path | None:
        from ..errors import SeccoopError
        from ..store import build

        try:
            return build(self.project, self.store_dir).path
        except (SeccoopError, OSError) as error:
            self.announce(f"seccoop: rebuild failed, still serving the previous build: {error}")
            return None
