"""Real SPARQL engines for the remote-store tests: Oxigraph server (the ``oxigraph`` package)
and Virtuoso Open Source (Debian's ``virtuoso-opensource``), each started on 127.0.0.1 with
its own database folder and ports, and stopped at the end of the session.

Where an engine is absent a test skips with the reason, except under ``CI=true``, where
.ci/run installs both and a missing one is a failure.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


from server_support import free_port, require

VIRTUOSO = Path("/usr/bin/virtuoso-t")  # Debian's virtuoso-opensource; .ci/run installs it
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"  # the account a new Virtuoso database starts with


@dataclass
class Engine:
    """A running engine: its SPARQL, update and Graph Store endpoints, and the credentials
    (as the environment variables seccoop reads them) that let a client write to it."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    folder: Path | None = None

    def remote(self, **options):
        """A :class:`seccoop.remote.RemoteStore` on this engine, with its credentials."""
        from seccoop.remote import RemoteStore

        credentials = (self.env["SECCOOP_REMOTE_USER"], self.env["SECCOOP_REMOTE_PASSWORD"]) \
            if self.env else None
        return RemoteStore(self.query_url, update_url=self.update_url, gsp_url=self.gsp_url,
                           auth=credentials, **options)

    def cli_args(self) -> list[str]:
        """The options that point a seccoop command at this engine."""
        return ["--remote", self.query_url, "--remote-update", self.update_url,
                "--remote-gsp", self.gsp_url]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _wait_http(proc: subprocess.Popen, url: str, log: Path, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"engine exited {proc.returncode}:\n{text[-3000:]}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"engine did not answer at {url} within {seconds:g} s")


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of the test extra, beside this Python first."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(folder: Path) -> Engine:
    binary = oxigraph_binary()
    require(binary is not None, "the oxigraph server", "pip install 'oxigraph>=0.5,<0.6'")
    port = free_port()
    log = folder / "oxigraph.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(binary), "serve", "--location", str(folder / "db"),
                                 "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    engine = Engine("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store",
                    proc=proc, folder=folder)
    try:
        _wait_http(proc, engine.query_url, log)
    except BaseException:
        engine.stop()
        raise
    return engine


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
MaxQueryMem = {query_mem}
TransactionAfterImageLimit = {after_image}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_seconds}
DefaultGraph =
"""


def start_virtuoso(folder: Path, *, buffers: int = 20000, query_mem: str = "500M",
                   max_seconds: int = 120, after_image: int = 50_000_000) -> Engine:
    """Virtuoso on 127.0.0.1 with ``buffers`` 8 KiB pages of cache (the benchmarks give it
    more than the tests). ``after_image``: the bytes one transaction may change; publish's
    switch moves every graph in one, so LUBM(10) needs more than the default 50 MB."""
    require(VIRTUOSO.exists(), str(VIRTUOSO), "apt-get install virtuoso-opensource")
    db = folder / "db"
    db.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty=buffers * 3 // 4,
                                       query_mem=query_mem, max_seconds=max_seconds,
                                       after_image=after_image))
    log = folder / "virtuoso.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(VIRTUOSO), "+foreground", "+configfile", str(ini)],
                                cwd=db, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{http_port}"
    engine = Engine("virtuoso", f"{base}/sparql-auth", f"{base}/sparql-auth",
                    f"{base}/sparql-graph-crud-auth",
                    env={"SECCOOP_REMOTE_USER": VIRTUOSO_USER,
                         "SECCOOP_REMOTE_PASSWORD": VIRTUOSO_PASSWORD},
                    proc=proc, folder=folder)
    try:
        _wait_http(proc, f"{base}/sparql", log, seconds=120)
    except BaseException:
        engine.stop()
        raise
    return engine


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
