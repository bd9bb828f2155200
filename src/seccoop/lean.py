"""The lean path: what ``seccoop query`` needs before it can answer, with stdlib ``os`` only.

A cold ``seccoop query`` must cost little more than starting Python (the benchmark compares it
with the Rust ``oxigraph query``), so this module imports neither click nor pathlib, and
``store.py`` / ``project.py`` build on it rather than repeating it.
"""

from __future__ import annotations

import os
import zlib

PROJECT_ENV = "SECCOOP_PROJECT"
STORE_ENV = "SECCOOP_STORE"
# Files the store loads, by suffix (a trailing .gz is allowed on each).
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml", ".owl": "rdfxml",
                ".jsonld": "jsonld", ".n3": "n3"}
# SHACL shapes describe the data; they are not facts of the graph.
NOT_LOADED = {"shapes.ttl"}
SOURCE_FOLDERS = ("ontology", "data")
CONFIG_FILE = "seccoop.toml"
# Beside each build: the query prefixes of its project, one ``prefix<TAB>namespace`` a line.
PREFIXES_FILE = "prefixes.tsv"


def rdf_kind(name: str) -> str | None:
    """The RDF syntax of a file by its name (``None`` if the store does not load it)."""
    if name.endswith(".gz"):
        name = name[:-3]
    return RDF_SUFFIXES.get(os.path.splitext(name)[1])


def packaged_root() -> str:
    """The graph shipped with seccoop: inside the wheel, or the checkout in development."""
    here = os.path.dirname(os.path.realpath(__file__))
    bundled = os.path.join(here, "_project")
    if os.path.isdir(os.path.join(bundled, "ontology")):
        return bundled
    return os.path.dirname(os.path.dirname(here))


def project_root(arg: str | None = None) -> str:
    """``--project``, else ``$SECCOOP_PROJECT``, else the project the working directory is
    in (as git finds its repository), else the packaged graph."""
    chosen = arg or os.environ.get(PROJECT_ENV)
    if chosen:
        return os.path.realpath(os.path.expanduser(chosen))
    return enclosing_project(os.getcwd()) or packaged_root()


def enclosing_project(start: str) -> str | None:
    """The nearest folder at or above ``start`` holding ``seccoop.toml``, or both
    ``ontology/`` and ``data/``: the files being edited, not an installed copy."""
    here = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(here, CONFIG_FILE)) or all(
                os.path.isdir(os.path.join(here, name)) for name in SOURCE_FOLDERS):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def default_store_dir(root: str) -> str:
    """``$SECCOOP_STORE``, else a folder per project in the user's cache directory."""
    if os.environ.get(STORE_ENV):
        return os.path.expanduser(os.environ[STORE_ENV])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = f"{zlib.crc32(root.encode()):08x}"
    return os.path.join(cache, "seccoop", f"{os.path.basename(root)}-{key}")


def source_files(root: str) -> list[str]:
    """Project-relative POSIX paths of every loaded file, sorted."""
    found: list[str] = []
    for folder in SOURCE_FOLDERS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            found.extend(f"{rel}/{name}" for name in filenames
                         if rdf_kind(name) and name not in NOT_LOADED)
    return sorted(found)


def source_stats(root: str, files: list[str] | None = None) -> str:
    """One ``path<TAB>size<TAB>mtime_ns`` line per source file: the cheap freshness test.

    Stored beside each build as ``sources.tsv``; plain text, because even importing json
    costs the lean query path a noticeable share of its budget.
    """
    lines = []
    config = os.path.join(root, CONFIG_FILE)
    for rel in (source_files(root) if files is None else files) + (
            [CONFIG_FILE] if os.path.isfile(config) else []):
        info = os.stat(os.path.join(root, rel))
        lines.append(f"{rel}\t{info.st_size}\t{info.st_mtime_ns}\n")
    return "".join(lines)


def prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"{p}\t{ns}\n" for p, ns in prefixes.items())


def build_prefixes(build: str) -> dict[str, str] | None:
    """The query prefixes recorded beside a build (None for a build from before them)."""
    try:
        with open(os.path.join(build, PREFIXES_FILE), encoding="utf-8") as handle:
            return dict(line.rstrip("\n").split("\t", 1) for line in handle if "\t" in line)
    except FileNotFoundError:
        return None


def recorded_stats(build: str) -> str | None:
    try:
        with open(os.path.join(build, "sources.tsv"), encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def current_build(store_dir: str) -> str | None:
    """The directory of the build that currently answers, if any."""
    link = os.path.join(store_dir, "current")
    if not os.path.islink(link):
        return None
    target = os.path.realpath(link)
    return target if os.path.isfile(os.path.join(target, "manifest.json")) else None


def fresh_build(root: str, store_dir: str) -> str | None:
    """The current build when its recorded file stats match the project's files exactly."""
    build = current_build(store_dir)
    if build is None:
        return None
    return build if recorded_stats(build) == source_stats(root) else None


# --- the lean `seccoop query` ------------------------------------------------------------

MACHINE_FORMATS = ("csv", "tsv", "json", "xml")
_SPARQL_WORDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE")


def _parse_query_args(argv: list[str]) -> dict | None:
    """The options of a plain ``[--project P] [--store S] query Q [-f FMT]`` call, else None."""
    opts: dict = {"project": None, "store": None, "format": None, "query": None}
    args = iter(argv)
    command = None
    for token in args:
        name, eq, value = token.partition("=")
        if name in ("--project", "--store"):
            opts[name[2:]] = value if eq else next(args, None)
        elif name in ("--format", "-f") and command == "query":
            opts["format"] = value if eq else next(args, None)
        elif command is None and token == "query":
            command = "query"
        elif command == "query" and opts["query"] is None and not token.startswith("-"):
            opts["query"] = token
        else:
            return None  # anything else (stdin, --no-inferred, -o, --help...) goes through click
    return opts if command and opts["query"] else None


def _query_text(spec: str, root: str) -> str | None:
    named = os.path.join(root, "queries", spec + ".rq")
    for path in (spec if spec.endswith(".rq") else None, named):
        if path and os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                return handle.read()
    upper = spec.upper()
    return spec if "{" in spec or any(w in upper for w in _SPARQL_WORDS) else None


def try_query(argv: list[str]) -> bool:
    """Answer a plain ``seccoop query`` in machine format; False when click must handle it."""
    import sys

    opts = _parse_query_args(argv)
    if opts is None:
        return False
    fmt = opts["format"] or (None if sys.stdout.isatty() else "csv")
    if fmt not in MACHINE_FORMATS:
        return False
    root = project_root(opts["project"])
    build = fresh_build(root, opts["store"] or default_store_dir(root))
    text = _query_text(opts["query"], root) if build else None
    if text is None or "from" in text.lower():
        return False  # FROM may give the query a dataset of its own: the full path reads it
    prefixes = build_prefixes(build or "")
    if prefixes is None:
        return False
    import signal

    import pyoxigraph as ox

    # pyoxigraph cannot be interrupted inside a query: Ctrl+C ends the process at once.
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    try:
        result = ox.Store.read_only(os.path.join(build or "", "oxigraph")).query(
            text, prefixes=prefixes, use_default_graph_as_union=True)
    except (SyntaxError, OSError, ValueError):
        return False  # click reports it properly
    if isinstance(result, ox.QueryTriples):
        return False
    result.serialize(sys.stdout.buffer, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    if fmt in ("json", "xml") or isinstance(result, ox.QueryBoolean):
        sys.stdout.buffer.write(b"\n")  # as the click path ends it (see cli._answer)
    sys.stdout.buffer.flush()
    return True
