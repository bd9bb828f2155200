"""The Oxigraph store: built from a project's files, swapped in atomically, opened read-only.

Layout of a store directory::

    current -> builds/<id>        symlink, replaced atomically after a successful build
    builds/<id>/oxigraph/         the RocksDB store
    builds/<id>/manifest.json     source fingerprint, file stats, triples per graph
    builds/<id>/in-use.lock       share-locked by every server using the build (never pruned then)
    tmp-*/                        a build in progress (or a killed one, removed by the next build)
    build.lock                    serialises builders

    >>> from seccoop.project import find_project
    >>> store = open_store(find_project())
    >>> bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))
    True
"""

from __future__ import annotations

import fcntl
import gc
import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, cast

import pyoxigraph as ox

from .namespaces import __version__

from . import formats, lean
from .queries import asserted_graphs  # noqa: F401  (the store's graphs)
from .errors import InconsistentGraphError, ResolveError, SeccoopError, SourceError
from .project import Project, find_project, rdf_kind
from .projectconfig import ProjectConfig, packaged_config

FORMAT_VERSION = "1"
KEEP_BUILDS = 2  # the current build and the previous one, which a running server may hold open
BULK_THRESHOLD = 1_000_000  # bytes on disk above which a file is bulk-loaded
PROGRESS_THRESHOLD = 8_000_000  # bytes on disk above which loading reports its progress

_OX_FORMATS = formats.SOURCE_SYNTAXES

Progress = Callable[[int, int, str], None]  # (done, total, phase): loading, reasoning...


@dataclass
class BuildReport:
    path: Path
    rebuilt: bool
    graphs: dict[str, int] = field(default_factory=dict)
    inferred: int = 0
    reasoned: bool = False
    seconds: float = 0.0
    inconsistencies: list = field(default_factory=list)


def default_store_dir(project: Project) -> Path:
    """Where the store of ``project`` lives: ``$SECCOOP_STORE`` or the user's cache directory."""
    return Path(lean.default_store_dir(str(project.root)))


def _file_stats(project: Project, files: list[Path]) -> str:
    return lean.source_stats(str(project.root), [project.relative(f) for f in files])


def fingerprint(project: Project, files: list[Path] | None = None) -> str:
    """A content hash of every source file (names and bytes) and of the store format."""
    digest = hashlib.sha256(f"seccoop {__version__} format {FORMAT_VERSION}\n".encode())
    settings = project.root / lean.CONFIG_FILE  # graph names and prefixes come from it
    if settings.is_file():
        digest.update(settings.read_bytes())
    for path in project.source_files() if files is None else files:
        digest.update(f"{project.relative(path)}\n".encode())
        with open(path, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest()
                          if hasattr(hashlib, "file_digest")
                          else hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def current_build(store_dir: Path) -> Path | None:
    """The directory of the build that currently answers, if any."""
    found = lean.current_build(str(store_dir))
    return Path(found) if found else None


def read_manifest(build_dir: Path) -> dict:
    return json.loads((build_dir / "manifest.json").read_text())


def is_fresh(project: Project, store_dir: Path) -> bool:
    """True when the current build was made from exactly the project's present files.

    File stats decide in the common case (as on the lean query path); when they differ the
    content hash decides, so a touched but unchanged file does not cost a rebuild.
    """
    build_dir = current_build(store_dir)
    if build_dir is None:
        return False
    files = project.source_files()
    stats = _file_stats(project, files)
    if stats == lean.recorded_stats(str(build_dir)):
        return True
    if fingerprint(project, files) != read_manifest(build_dir).get("fingerprint"):
        return False
    _write_text(build_dir / "sources.tsv", stats)
    return True


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class _CountingReader:
    """Reports bytes read from a source file, for the progress bar."""

    def __init__(self, raw, report: Callable[[int], None]):
        self._raw, self._report = raw, report

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._report(self._raw_position())
        return chunk

    def _raw_position(self) -> int:
        inner = getattr(self._raw, "fileobj", None)  # a gzip file: count compressed bytes
        return inner.tell() * 8 if inner else self._raw.tell()


def _ox_format(path: Path) -> ox.RdfFormat:
    kind = rdf_kind(path)
    if kind is None:  # callers pass only RDF files; same KeyError as a lookup of None
        raise KeyError(kind)
    return _OX_FORMATS[kind]


def load_file(store: ox.Store, project: Project, path: Path,
              report: Callable[[int], None] | None = None) -> None:
    """Bulk-load one source file into its own named graph; raise :class:`SourceError`."""
    graph = ox.NamedNode(project.graph_iri(path))
    fmt = _ox_format(path)
    # Relative IRIs resolve against the file's graph IRI, never a machine-specific file: URI.
    base = graph.value
    # bulk_load writes new SST files per call (~0.1 s each); a transactional load is
    # ~50x cheaper for the many small files of a typical project.
    size = text_size(path)
    loader = store.bulk_load if size > BULK_THRESHOLD else store.load
    large = size > PROGRESS_THRESHOLD
    if path.suffix == ".gz":
        _check_gzip_magic(path)
    try:
        if path.suffix == ".gz" and not large:
            # Inflated in one C call: feeding the parser through Python reads costs ~10%.
            loader(input=gzip.decompress(path.read_bytes()), format=fmt, to_graph=graph,
                   base_iri=base)
        elif large and (report is not None or path.suffix == ".gz"):
            # Streamed through Python, which also counts the bytes for the progress bar.
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:
                source = _CountingReader(raw, report) if report else raw
                loader(input=cast(IO[bytes], source), format=fmt, to_graph=graph, base_iri=base)
        else:
            loader(path=str(path), format=fmt, to_graph=graph, base_iri=base)
    except SyntaxError as error:
        if error.lineno is None:  # RDF/XML and some JSON-LD errors carry no position
            error = locate_error(path, fmt, base, error)
        raise _source_error(_display_path(path), error) from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise _gzip_error(path, error) from None
    except OSError as error:  # a gzip error raised inside a read the parser made
        cause = error.__cause__ or error.__context__
        if isinstance(cause, (EOFError, zlib.error, gzip.BadGzipFile)):
            raise _gzip_error(path, cause) from None
        raise


def _check_gzip_magic(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            raise SourceError(_display_path(path), None, None, "not a gzip file")


def _gzip_error(path: Path, error: Exception) -> SourceError:
    if isinstance(error, EOFError):
        return SourceError(_display_path(path), None, None,
                           "truncated (the compressed data ends before its end marker)")
    return SourceError(_display_path(path), None, None, f"corrupt gzip data ({error})")


class _LineReader:
    """Gives a parser one line per read(), so that where it stops is where it failed."""

    def __init__(self, lines: list[bytes]):
        self.lines, self.given = lines, 0

    def read(self, size: int = -1) -> bytes:
        if self.given >= len(self.lines):
            return b""
        self.given += 1
        return self.lines[self.given - 1]


_QUOTED = re.compile(r"'([^'\n]{1,200})'|`([^`\n]{1,200})`")


def locate_error(path: Path, fmt, base: str, error: SyntaxError) -> SyntaxError:
    r"""The same error with a line and column: the file is parsed again one line per read,
    so the line last read is where the parser stopped (it may read ahead a line or so);
    the column is where the text the message quotes appears, else the line's first
    character. Only run once a load failed, so its cost does not matter.

    >>> data = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    >>> bad = data + b'<rdf:Description rdf:about="http://x/ a"/>\n</rdf:RDF>\n'
    >>> import tempfile; f = tempfile.NamedTemporaryFile(suffix=".rdf"); _ = f.write(bad); f.flush()
    >>> found = locate_error(Path(f.name), ox.RdfFormat.RDF_XML, "http://b/", SyntaxError("x"))
    >>> found.lineno, found.offset
    (2, 29)
    """
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    lines = raw.splitlines(keepends=True)
    reader = _LineReader(lines)
    try:
        for _ in ox.parse(input=cast(IO[bytes], reader), format=fmt, base_iri=base):
            pass
    except SyntaxError as again:
        error = again
    if error.lineno or not lines:
        return error
    message = str(error.args[0]) if error.args else str(error)
    line, column = _find_quoted(lines, max(reader.given, 1), message)
    return SyntaxError(message, (str(path), line, column, None))


def _find_quoted(lines: list[bytes], last: int, message: str) -> tuple[int, int]:
    """(line, column) of the text ``message`` quotes, searched back from line ``last``."""
    match = _QUOTED.search(message)
    if match:
        quoted = (match.group(1) or match.group(2)).encode()
        for number in range(last, max(last - 50, 0), -1):
            found = lines[number - 1].find(quoted)
            if found >= 0:
                return number, len(lines[number - 1][:found].decode(errors="replace")) + 1
    text = lines[last - 1]
    return last, len(text) - len(text.lstrip()) + 1


def text_size(path: Path) -> int:
    """About how many bytes of RDF text a file holds (RDF compresses about 8:1 with gzip)."""
    return path.stat().st_size * (8 if path.suffix == ".gz" else 1)


def _display_path(path: Path) -> str:
    """The path as the user can open it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_LOCATION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")


def _source_error(name: str, error: SyntaxError) -> SourceError:
    message = str(error.args[0]) if error.args else str(error)
    # The location moves to the file:line:column prefix; the message keeps the reason.
    return SourceError(name, error.lineno, error.offset, _LOCATION.sub("", message))


def _load_sources(store: ox.Store, project: Project, files: list[Path],
                  progress: Progress | None) -> None:
    sizes = [text_size(f) for f in files]
    total, done = sum(sizes), 0
    for path, size in zip(files, sizes):
        report = ((lambda position, base=done: progress(base + position, total, "loading"))
                  if progress else None)
        load_file(store, project, path, report)
        done += size
        if progress:
            progress(done, total, "loading")


def _count_graphs(store: ox.Store, largest: ox.NamedNode | None = None) -> dict[str, int]:
    """Triples per named graph. ``largest`` is not scanned by SPARQL: the store's own length
    (a cheaper scan) minus the other graphs gives it, which matters for one big file."""
    counts = {}
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        if graph != largest:
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
            rows = cast(ox.QuerySolutions, store.query(query))
            counts[graph.value] = int(next(iter(rows))["n"].value)
    if largest is not None:
        counts[largest.value] = len(store) - sum(counts.values())
    return dict(sorted(counts.items()))


def _reason(store: ox.Store, report: BuildReport, allow_inconsistent: bool,
            project: Project, files: list[Path], progress: Progress | None) -> None:
    from . import consistency, reasoning

    # One closure serves both steps; consistency re-runs it (with records) only to explain.
    read = _source_reader(project, files, report.path)
    inferred = ox.NamedNode(project.config.inferred_graph)
    closure = reasoning.load_closure(store, inferred_graph=inferred, read_graph=read,
                                     progress=progress)
    report.inferred = reasoning.write_inferred(store, closure, inferred, progress=progress)
    report.reasoned = True
    if progress:
        progress(0, 1, "checking consistency")
    report.inconsistencies = consistency.find_inconsistencies(
        store, inferred_graph=inferred, closure=closure)
    if progress:
        progress(1, 1, "checking consistency")
    if report.inconsistencies and not allow_inconsistent:
        raise InconsistentGraphError(report.inconsistencies)


_REREAD_KINDS = {"turtle", "ntriples", "rdfxml"}  # triple syntaxes: a file is one graph


def _source_reader(project: Project, files: list[Path],
                   build_dir: Path) -> Callable[[ox.NamedNode, Path], bool]:
    """The reasoner's source of a file's triples: the file itself, parsed again into
    ``target`` as N-Triples, while it is unchanged since loading began (see
    :func:`seccoop.reasoning.stored_ntriples`)."""
    by_graph = {project.graph_iri(f): f for f in files if rdf_kind(f) in _REREAD_KINDS}
    # The build folder got its store just before loading, its mtime from the same clock as
    # the files': a file modified since may differ from what the store holds.
    loading_began = build_dir.stat().st_mtime_ns

    def read(graph: ox.NamedNode, target: Path) -> bool:
        path = by_graph.get(graph.value)
        if path is None or path.stat().st_mtime_ns >= loading_began:
            return False
        fmt, base = _ox_format(path), graph.value
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as source:
                quads = ox.parse(cast(IO[bytes], source), fmt, base_iri=base,
                                 without_named_graphs=True)
                ox.serialize(quads, str(target), ox.RdfFormat.N_TRIPLES)
        else:
            quads = ox.parse(path=str(path), format=fmt, base_iri=base, without_named_graphs=True)
            ox.serialize(quads, str(target), ox.RdfFormat.N_TRIPLES)
        return path.stat().st_mtime_ns < loading_began
    return read


def build(project: Project | None = None, store_dir: Path | None = None, *, force: bool = False,
          reason: bool = True, allow_inconsistent: bool = False,
          progress: Progress | None = None) -> BuildReport:
    """Build the store unless it is fresh; the new build replaces the old one atomically.

    Any error (malformed file, inconsistent closure, a kill) leaves the previous build in place.
    """
    project = project or find_project()
    store_dir = Path(store_dir or default_store_dir(project))
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and is_fresh(project, store_dir):
            build_dir = cast(Path, current_build(store_dir))  # is_fresh found it, under the lock
            manifest = read_manifest(build_dir)
            # A build made with --no-reasoning is not what a plain build asks for.
            if manifest.get("reasoned", False) or not reason:
                return BuildReport(build_dir, False, manifest["graphs"],
                                   manifest.get("inferred", 0), manifest.get("reasoned", False),
                                   0.0)
        _remove_stale_temporaries(store_dir)
        return _build_new(project, store_dir, reason, allow_inconsistent, progress)


def _build_new(project, store_dir, reason, allow_inconsistent, progress) -> BuildReport:
    started = time.perf_counter()
    files = project.source_files()
    stats = _file_stats(project, files)  # before loading: a file edited meanwhile looks stale
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=store_dir))
    # Hashing reads every file again; it overlaps with the load (both release the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(fingerprint, project, files)
        try:
            report = _fill(tmp, project, files, reason, allow_inconsistent, progress)
            _finish(tmp, project, stats, report, digest.result())
            report.path = _swap_in(store_dir, tmp)
        except BaseException:
            gc.collect()  # the failed store must be closed before its files go
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    report.seconds = time.perf_counter() - started
    return report


def _finish(tmp: Path, project, stats: str, report: BuildReport, digest: str) -> None:
    """The manifest and the file stats that make a finished build recognisable as fresh."""
    manifest = {"fingerprint": digest, "project": str(project.root),
                "graphs": report.graphs, "inferred": report.inferred,
                "reasoned": report.reasoned, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _write_text(tmp / "sources.tsv", stats)
    # The predeclared query prefixes, for the lean query path and the query processes.
    _write_text(tmp / lean.PREFIXES_FILE, lean.prefix_lines(project.config.query_prefixes))
    _write_text(tmp / "manifest.json", json.dumps(manifest, indent=1))


def _fill(tmp: Path, project, files, reason, allow_inconsistent, progress) -> BuildReport:
    """Load and reason into a new store in ``tmp``; the store is closed on return or error."""
    store = ox.Store(str(tmp / "oxigraph"))
    try:
        # Reserved even while empty, so clients can name it.
        store.add_graph(ox.NamedNode(project.config.inferred_graph))
        _load_sources(store, project, files, progress)
        report = BuildReport(tmp, True)
        if reason:
            _reason(store, report, allow_inconsistent, project, files, progress)
        biggest = max(files, key=lambda f: f.stat().st_size, default=None)
        report.graphs = _count_graphs(store, biggest and ox.NamedNode(project.graph_iri(biggest)))
        store.flush()
        return report
    finally:
        # A traceback would keep this frame, and so the open store, alive.
        del store


def _swap_in(store_dir: Path, tmp: Path) -> Path:
    builds = store_dir / "builds"
    builds.mkdir(exist_ok=True)
    final = builds / f"{time.time_ns()}"
    os.rename(tmp, final)
    link_tmp = store_dir / f"current.{os.getpid()}.tmp"
    if link_tmp.is_symlink():
        link_tmp.unlink()
    os.symlink(Path("builds") / final.name, link_tmp)
    os.replace(link_tmp, store_dir / "current")
    for old in sorted(builds.iterdir(), key=lambda p: p.name)[:-KEEP_BUILDS]:
        _remove_unless_in_use(old)
    return final


IN_USE = "in-use.lock"


def _remove_unless_in_use(build_dir: Path) -> None:
    """Delete an old build unless a live server holds its in-use lock (see :func:`pin_build`)."""
    try:
        handle = open(build_dir / IN_USE, "a")
    except OSError:
        shutil.rmtree(build_dir, ignore_errors=True)
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a server answers from it: the next build tries again
        shutil.rmtree(build_dir, ignore_errors=True)


def pin_build(store_dir: Path) -> tuple[Path, object]:
    """The current build and an open handle holding its shared in-use lock: while the
    handle is open (the lock goes with the process, also when it is killed), builds do
    not delete that build, so a server's query processes can always reopen it.

    >>> from seccoop.project import find_project
    >>> build_dir, handle = pin_build(default_store_dir(find_project()))
    >>> (build_dir / "oxigraph").is_dir(); handle.close()
    True
    """
    for _ in range(10):
        build_dir = current_build(store_dir)
        if build_dir is None:
            break
        try:
            handle = open(build_dir / IN_USE, "a")
        except OSError:
            continue  # pruned between reading the link and opening: read it again
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()  # being deleted right now
            continue
        if (build_dir / "oxigraph").is_dir():
            return build_dir, handle
        handle.close()
    raise FileNotFoundError(f"no store in {store_dir}: run `seccoop build`")


def _remove_stale_temporaries(store_dir: Path) -> None:
    # Only called under the build lock, so no other build owns these.
    for tmp in store_dir.glob("tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)


def build_or_reuse(project: Project, store_dir: Path, *,
                   on_stale: Callable[[SeccoopError], None] | None = None,
                   progress: Progress | None = None) -> Path:
    """The current build, built first when missing or stale: the one way the CLI and the
    server get a store. A store built with ``--no-reasoning`` stays so until ``build``.

    A rebuild that fails on the user's data (a malformed file, an inconsistent closure)
    keeps the previous build answering when there is one and ``on_stale`` accepts it:
    ``on_stale(error)`` reports the error (or raises to refuse the stale build). Without a
    previous build, or without ``on_stale``, the error is raised; any other exception is a
    bug and always propagates.
    """
    store_dir = Path(store_dir)
    previous = current_build(store_dir)
    reason = previous is None or read_manifest(previous).get("reasoned", True)
    try:
        return build(project, store_dir, reason=reason, progress=progress).path
    except SeccoopError as error:
        if previous is None or on_stale is None or current_build(store_dir) is None:
            raise
        on_stale(error)
        return current_build(store_dir) or previous


def open_store(project: Project | None = None, store_dir: Path | None = None, *,
               auto_build: bool = True) -> ox.Store:
    """Open the project's store read-only, building it first when missing or stale.

    >>> store = open_store()
    >>> len(list(store.named_graphs())) > 1
    True
    """
    project = project or find_project()
    store_dir = Path(store_dir or default_store_dir(project))
    build_dir = build_or_reuse(project, store_dir) if auto_build else current_build(store_dir)
    if build_dir is None:
        raise FileNotFoundError(f"no store in {store_dir}: run `seccoop build`")
    return ox.Store.read_only(str(build_dir / "oxigraph"))


def resolve(store: ox.Store, text: str, config: ProjectConfig | None = None) -> ox.NamedNode:
    """A resource named by ``<IRI>``, full IRI, prefixed name (of the project ``config``,
    default the packaged one), label (case-insensitive) or name in the resource namespace.

    >>> resolve(open_store(), "china").value
    'https://w3id.org/seccoop/id/china'
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if "://" in text or text.startswith("urn:"):
        return ox.NamedNode(text)
    config = config or packaged_config()
    prefixes = config.query_prefixes
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and " " not in local:
        return ox.NamedNode(prefixes[prefix] + local)
    from .search import SearchIndex

    hits = SearchIndex.from_store(store).search(text, limit=50)
    # An exact label or alias names the resource; two resources so named are ambiguous.
    found = {hit.iri: hit.label for hit in hits if hit.kind == "exact" and hit.where != "name"}
    if len(found) == 1:
        return ox.NamedNode(next(iter(found)))
    if found:
        raise ResolveError(f"{text!r} is ambiguous", sorted(found.items()))
    try:
        slug = ox.NamedNode(config.resource_namespace + text) if config.resource_namespace else None
    except ValueError:  # a label with spaces or other characters no IRI holds
        slug = None
    if slug is not None and any(True for _ in store.quads_for_pattern(slug, None, None)):
        return slug
    # The same ranked matches the web search shows (prefix, substring, then fuzzy: "Chnia").
    raise ResolveError(f"no resource is named {text!r}", [(h.iri, h.label) for h in hits[:10]])


def __getattr__(name: str):
    # The packaged project's inferred graph, for Python users of its store; a project's own
    # is ``project.config.inferred_graph``.
    if name == "INFERRED_GRAPH":
        return ox.NamedNode(packaged_config().inferred_graph)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
