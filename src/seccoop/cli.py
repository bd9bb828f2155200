"""The ``seccoop`` command line: one click group, thin commands over the library modules."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import cast

import click

from . import formats
from .namespaces import __version__

USER_ERROR = 2  # bad input from the user: malformed files, queries, unknown names


class UserError(click.ClickException):
    """A problem with what the user gave us: message on stderr, exit code 2, no traceback."""

    exit_code = USER_ERROR


class Context:
    """The project and store chosen by ``--project`` / ``--store`` (or their variables)."""

    def __init__(self, project: str | None, store: str | None):
        self._project_arg, self._store_arg = project, store
        self.remote: dict[str, str | None] = {}  # --remote, --remote-update, --remote-gsp

    def remote_endpoints(self) -> dict[str, str | None]:
        """``--remote`` and its endpoints, a name resolved through the project file's
        ``[remotes.NAME]`` table (explicit ``--remote-update``/``--remote-gsp`` win)."""
        given = self.remote.get("url")
        if not given or "://" in given:
            return self.remote
        named = self.config.remotes
        if given not in named:
            known = ", ".join(sorted(named)) or "none"
            raise UserError(f"--remote {given}: not a URL, and the project file names no such "
                            f"remote (its remotes: {known})")
        return {**named[given], **{k: v for k, v in self.remote.items() if k != "url" and v}}

    def remote_url(self) -> str | None:
        return self.remote_endpoints().get("url")

    def remote_store(self):
        """The remote engine named by ``--remote`` (None without it)."""
        endpoints = self.remote_endpoints()
        if not endpoints.get("url"):
            return None
        from .remote import RemoteStore

        with user_errors():
            return RemoteStore(endpoints["url"], update_url=endpoints.get("update"),
                               gsp_url=endpoints.get("gsp"))

    @functools.cached_property
    def project(self):
        from .errors import ProjectError
        from .project import find_project

        try:
            return find_project(self._project_arg)
        except ProjectError as error:
            raise UserError(str(error)) from None

    @property
    def config(self):
        """The project's :class:`~seccoop.projectconfig.ProjectConfig` (namespaces, prefixes)."""
        from .errors import ProjectError

        try:
            return self.project.config
        except ProjectError as error:
            raise UserError(str(error)) from None

    @property
    def prefixes(self) -> dict[str, str]:
        return self.config.query_prefixes

    @functools.cached_property
    def store_dir(self) -> Path:
        from .store import default_store_dir

        return Path(self._store_arg) if self._store_arg else default_store_dir(self.project)

    def open_store(self, *, strict: bool = False, pull: bool = False, local: bool = False):
        """The read-only store, built first when missing or stale. A failed rebuild keeps
        the previous store answering, with a warning, unless ``strict``.

        With ``--remote``, the remote engine; ``pull`` copies its graphs into memory for
        the commands that walk blank nodes (which SPARQL cannot name)."""
        import pyoxigraph as ox

        from .store import build_or_reuse

        remote = None if local else self.remote_store()
        if remote is not None:
            with user_errors():
                if not remote.catalog().graphs:
                    raise UserError(f"{remote.url}: nothing is published there "
                                    "(run seccoop publish --remote URL)")
                return remote.pull() if pull else remote

        def stale(error) -> None:
            if strict:
                raise error
            # The previous store keeps answering; the user still learns why it is stale.
            click.echo(f"warning: rebuild failed, using the previous store: {error}", err=True)

        with user_errors():
            build_dir = build_or_reuse(self.project, self.store_dir, on_stale=stale)
        _warn_if_unreasoned(self.store_dir)
        return ox.Store.read_only(str(build_dir / "oxigraph"))


def _warn_if_unreasoned(store_dir: Path) -> None:
    from .store import current_build, read_manifest

    build_dir = current_build(store_dir)
    if build_dir is not None and not read_manifest(build_dir).get("reasoned", True):
        click.echo("note: this store was built with --no-reasoning: it holds no inferred "
                   "triples (seccoop build adds them)", err=True)


class user_errors:
    """Turn the library's expected errors (:mod:`seccoop.errors`) into a clean message and
    exit code 2; any other exception keeps its traceback."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, (click.ClickException, click.exceptions.Exit)):
            return False
        from .errors import InconsistentGraphError, QueryError, ResolveError, SeccoopError

        if isinstance(error, QueryError):
            hint = f"\nDid you mean: {', '.join(error.suggestions)}?" if error.suggestions else ""
            raise UserError(f"{error}{hint}") from None
        if isinstance(error, ResolveError):
            raise UserError(_resolve_message(error)) from None
        if isinstance(error, InconsistentGraphError):
            raise _inconsistent(error) from None
        if isinstance(error, (SeccoopError, FileNotFoundError)):
            raise UserError(str(error)) from None
        return False  # anything else is a bug: its traceback is kept


def _resolve_message(error) -> str:
    lines = [str(error)]
    if error.candidates:
        lines.append("Candidates:" if "ambiguous" in str(error) else "Similar:")
        lines += [f"  {iri}  {label}" for iri, label in error.candidates]
    return "\n".join(lines)


def _inconsistent(error) -> click.ClickException:
    from .consistency import format_inconsistencies

    return _Failure("the graph is inconsistent; the previous store was kept (use "
                    "--allow-inconsistent to build it anyway)\n"
                    + format_inconsistencies(error.inconsistencies))


class _Failure(click.ClickException):
    """A failure of the data rather than of the command line: exit code 1."""

    exit_code = 1


pass_ctx = click.make_pass_decorator(Context)


def format_option(choices: tuple[str, ...], help_text: str):
    """A shared ``--format`` option."""
    return click.option("--format", "-f", "fmt", type=click.Choice(choices), default=None,
                        help=help_text)


def remote_option(command):
    """``--remote URL`` (and the update and Graph Store endpoints beside it): the command
    runs against a remote SPARQL engine that ``seccoop publish`` filled."""
    def keep(key):
        def callback(ctx, _param, value):
            if value:
                ctx.find_object(Context).remote[key] = value
        return callback

    for flag, key, env, help_text in (
            ("--remote-gsp", "gsp", "SECCOOP_REMOTE_GSP",
             "The remote's Graph Store Protocol endpoint, for uploads."),
            ("--remote-update", "update", "SECCOOP_REMOTE_UPDATE",
             "The remote's SPARQL Update endpoint [default: the --remote URL]."),
            ("--remote", "url", "SECCOOP_REMOTE",
             "Use the SPARQL endpoint at URL, or a remote named in seccoop.toml's "
             "[remotes.NAME], instead of the local store (credentials: "
             "SECCOOP_REMOTE_USER/SECCOOP_REMOTE_PASSWORD or a netrc entry).")):
        command = click.option(flag, envvar=env, metavar="URL", expose_value=False,
                               callback=keep(key), help=help_text)(command)
    return command


def inferred_option(command):
    """The one switch between asserted facts and asserted + inferred facts."""
    return click.option("--no-inferred", is_flag=True,
                        help="Leave out inferred triples (asserted facts only).")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="seccoop")
@click.option("--project", envvar="SECCOOP_PROJECT", metavar="DIR",
              help="Folder holding ontology/, data/ and queries/ (and seccoop.toml) "
                   "[env: SECCOOP_PROJECT; default: the project the working directory is in, "
                   "else the packaged graph].")
@click.option("--store", envvar="SECCOOP_STORE", metavar="DIR",
              help="Store directory [env: SECCOOP_STORE; default: in the user's cache].")
@click.pass_context
def cli(ctx, project, store):
    """Query a knowledge graph with SPARQL, serve it, publish it, reason over it: your
    project's (seccoop init starts one) or the packaged graph of regional security
    cooperation, from China's National Defense in 2008.

    Example: seccoop query "SELECT ?forum WHERE { ?forum a sc:Forum }"
    """
    ctx.obj = Context(project, store)


def _run_build(ctx: Context, *, force: bool, quiet: bool, reason: bool = True,
               allow_inconsistent: bool = False):
    from .store import build

    progress = None if quiet else _progress_bar()
    try:
        with user_errors():
            return build(ctx.project, ctx.store_dir, force=force, reason=reason,
                         allow_inconsistent=allow_inconsistent, progress=progress)
    finally:
        if progress:
            progress.close()


class _progress_bar:
    """One bar per phase of a build (loading, reading for reasoning, reasoning, writing,
    consistency), shown only when the sources are large (over 8 MB)."""

    def __init__(self):
        self._bar = None
        self._phase = ""
        self._large = False

    def __call__(self, done: int, total: int, phase: str = "loading"):
        from .store import PROGRESS_THRESHOLD

        if phase == "loading":
            self._large = self._large or total >= PROGRESS_THRESHOLD
        if not self._large:
            return
        if phase != self._phase:
            self.close()
            self._bar = click.progressbar(length=max(total, 1), label=phase, file=sys.stderr)
            self._bar.__enter__()
            self._phase = phase
        assert self._bar is not None
        self._bar.length = max(total, done, 1)  # the reasoning's total grows as it derives
        self._bar.update(done - self._bar.pos)

    def close(self):
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--title", default=None, help="The project's title [default: A reading list].")
def init(directory, title):
    """Start a project: write a small working example into a new or empty DIRECTORY.

    It holds seccoop.toml, an ontology with its title, data, a named query and SHACL
    shapes; check, serve and site accept it as written. Run the other commands inside it
    (or with --project DIRECTORY).

    Example: seccoop init myproject && cd myproject && seccoop serve
    """
    from .scaffold import write_project

    with user_errors():
        written = write_project(Path(directory), title)
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"wrote a new project in {directory}: try `cd {directory} && seccoop check`")


@cli.command()
@click.option("--force", is_flag=True, help="Rebuild even if no source file changed.")
@click.option("--no-reasoning", is_flag=True, help="Skip OWL 2 RL materialisation.")
@click.option("--allow-inconsistent", is_flag=True,
              help="Swap in the new store even if the closure is inconsistent.")
@pass_ctx
def build(ctx, force, no_reasoning, allow_inconsistent):
    """Build the store from the project's files (only if a file changed).

    Each source file becomes one named graph; inferred triples go into their own graph.
    A failed build leaves the previous store in place.

    Example: seccoop build --force
    """
    report = _run_build(ctx, force=force, quiet=False, reason=not no_reasoning,
                        allow_inconsistent=allow_inconsistent)
    if not report.rebuilt:
        click.echo(f"store is up to date: {report.path.parent.parent}")
        return
    width = max((len(g) for g in report.graphs), default=10)
    for graph, count in report.graphs.items():
        click.echo(f"  {graph.ljust(width)}  {count:>9,}")
    total = sum(report.graphs.values())
    click.echo(f"built {total:,} triples in {len(report.graphs)} graphs "
               f"({report.inferred:,} inferred) in {report.seconds:.2f} s: {ctx.store_dir}")
    for problem in report.inconsistencies:
        click.echo(f"warning: inconsistent: {problem.message}", err=True)


@cli.command()
@click.argument("query")
@format_option(("table", *formats.names("results"), *formats.names("rdf")),
               f"Output format: {'|'.join(('table', *formats.names('results')))} for SELECT/ASK, "
               f"{'|'.join(formats.names('rdf'))} for CONSTRUCT/DESCRIBE.")
@inferred_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output (its extension names the "
                   "format unless --format does).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a variable the query returns before it runs: an <IRI>, a prefixed "
                   "name, a number or a string (repeatable).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS", help="Stop the query after this long (exit code 3).")
@remote_option
@pass_ctx
def query(ctx, query, fmt, no_inferred, output, params, timeout):
    """Run a SPARQL query: inline text, a .rq file, - for stdin, or a named query.

    The prefixes rdf, rdfs, owl, xsd, skos, dcterms, prov, org and schema are
    predeclared, and the project's own (sc and scr in the packaged graph).

    Ctrl+C stops a running query at once.

    Example: seccoop query "SELECT ?a WHERE { ?a a sc:Agreement }" --format csv
    """
    from .errors import QueryError
    from .queries import find_query, parse_param

    _check_output_folder(output)
    with user_errors():
        sparql, source = find_query(query, ctx.project)
        prefixes = ctx.prefixes
        bindings = dict(parse_param(p, prefixes) for p in params)
        store = ctx.open_store()
        try:
            _bounded(lambda: _answer(store, sparql, fmt, not no_inferred, output, bindings,
                                     prefixes), timeout)
        except QueryError as error:
            raise QueryError(f"{source}: {error}" if source else str(error)) from None


def _answer(store, sparql: str, fmt: str | None, inferred: bool, output: str | None,
            params: dict, prefixes: dict[str, str]) -> None:
    from .queries import format_table, run_query

    result = run_query(store, sparql, inferred=inferred, params=params, prefixes=prefixes)
    if fmt is None:
        fmt = _output_format(result.kind, output)
    if fmt == "table":
        _emit(format_table(result, prefixes=prefixes) + "\n", output)
    elif output:
        with open(output, "wb") as handle:
            _write_result(result, fmt, handle, prefixes)
    else:
        _write_result(result, fmt, sys.stdout.buffer, prefixes)
        sys.stdout.buffer.flush()


def _write_result(result, fmt: str, handle, prefixes: dict[str, str]) -> None:
    """The result in ``fmt``, ending with a newline as text files do (pyoxigraph ends
    JSON, XML and booleans without one)."""
    from .queries import serialize_result

    serialize_result(result, fmt, handle, prefixes)
    if fmt in ("json", "xml") or result.kind == "ask":
        handle.write(b"\n")


def _bounded(work, timeout: float | None) -> None:
    """Run ``work`` on a thread while this one stays able to take Ctrl+C: pyoxigraph
    cannot be interrupted inside a query, so the process ends instead (130 on Ctrl+C,
    3 past ``timeout``). Exceptions of ``work`` are raised here."""
    import gc
    import os
    import threading
    import time
    import traceback

    failure: list[BaseException] = []

    def target():
        try:
            work()
        except BaseException as error:  # handed to the calling thread
            # pyoxigraph's results must be dropped on the thread that made them.
            traceback.clear_frames(error.__traceback__)
            failure.append(error)
        finally:
            gc.collect()  # so must any reference cycle that holds one

    thread = threading.Thread(target=target, daemon=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.05)
            if deadline is not None and time.monotonic() > deadline:
                click.echo(f"Error: query stopped after {timeout:g} s (--timeout)", err=True)
                sys.stdout.flush()
                os._exit(3)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: the query was stopped.", err=True)
        os._exit(130)
    if failure:
        raise failure[0]


def _output_format(kind: str, output: str | None) -> str:
    """The format the file name's extension names (as riot and oxigraph read it), else
    a table on a terminal, else CSV for results and Turtle for graphs."""
    from . import formats

    wanted = formats.for_path(output) if output else None
    if kind == "graph":
        if wanted is not None and wanted.kind == "results":
            return formats.GRAPH_TWIN.get(wanted.name, "turtle")
        return wanted.name if wanted is not None else "turtle"
    if wanted is not None and wanted.kind == "results":
        return wanted.name
    return "table" if output is None and sys.stdout.isatty() else "csv"


def _check_output_folder(output: str | None) -> None:
    if output and not Path(output).resolve().parent.is_dir():
        raise click.UsageError(f"{output}: no such folder {str(Path(output).parent)!r}")


def _emit(text: str, output: str | None):
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command("queries")
@click.option("--checks", is_flag=True, help="List the quality checks instead.")
@click.option("--show", metavar="NAME", help="Print one named query: its file and its text.")
@remote_option
@pass_ctx
def list_queries(ctx, checks, show):
    """List the named queries with their titles.

    Example: seccoop queries --show event-timeline
    """
    from .queries import find_query, named_queries

    if show:
        with user_errors():
            text, source = find_query(show, ctx.project)
        if source is None:
            raise UserError(f"unknown query name {show!r}")
        click.echo(f"# {source}\n{text.rstrip()}")
        return
    found = named_queries(ctx.project, checks=checks)
    if not found:
        click.echo("no named queries")
        return
    width = max(len(q.name) for q in found)
    for q in found:
        click.echo(f"{q.name.ljust(width)}  {q.title}")


@cli.command()
@click.argument("thing")
@inferred_option
@remote_option
@pass_ctx
def describe(ctx, thing, no_inferred):
    """Everything about one resource, by IRI, prefixed name or label.

    Shows outgoing and incoming facts with labels, and the source sentence of each fact.

    Example: seccoop describe China
    """
    from .browse import describe as describe_resource
    from .browse import format_description
    from .store import resolve

    with user_errors():
        store = ctx.open_store(pull=True)
        node = resolve(store, thing, ctx.config)
        desc = describe_resource(store, node.value, inferred=not no_inferred)
        if not desc.exists:
            raise UserError(f"nothing is known about <{node.value}>")
        click.echo(format_description(store, desc, ctx.prefixes))


@cli.command()
@inferred_option
@remote_option
@pass_ctx
def stats(ctx, no_inferred):
    """Counts of instances by class, triples by property and by named graph.

    Example: seccoop stats --no-inferred
    """
    from .browse import stats as compute_stats

    with user_errors():
        tables = compute_stats(ctx.open_store(), inferred=not no_inferred, config=ctx.config)
    click.echo(f"project: {ctx.project.root}\nstore:   {ctx.remote_url() or ctx.store_dir}\n")
    for title, rows in tables.items():
        click.echo(f"{title}:")
        width = max((len(name) for name, _ in rows), default=0)
        for name, count in rows:
            click.echo(f"  {name.ljust(width)}  {count:>8,}")
        click.echo("")


@cli.command()
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL validation (it imports pySHACL).")
@remote_option
@pass_ctx
def check(ctx, no_shacl):
    """Run the quality checks: zero-row SPARQL checks and the SHACL shapes.

    Each query in queries/checks/ must return no rows over the asserted facts; the
    ontology and data files must conform to ontology/shapes.ttl. Exits 1 on a failure.

    Example: seccoop check
    """
    from .checks import run_checks, validate_shapes

    failed = 0
    try:  # the files as they are now: a stale store would judge older data
        store = ctx.open_store(strict=True)
    except click.ClickException as error:
        click.echo(f"FAIL  sources: {error.format_message()}")
        raise click.exceptions.Exit(1) from None
    with user_errors():
        results = run_checks(store, ctx.project)
    for name, rows in results.items():
        click.echo(f"{'ok  ' if not rows else 'FAIL'}  checks/{name}"
                   + (f"  ({len(rows)} rows)" if rows else ""))
        for row in rows[:10]:
            click.echo("        " + "  ".join(str(cell) for cell in row))
        failed += bool(rows)
    if not no_shacl and not (ctx.project.ontology_dir / "shapes.ttl").is_file():
        click.echo("skip  SHACL shapes (the project has no ontology/shapes.ttl)")
    elif not no_shacl:
        data = _remote_graph(store) if ctx.remote_url() else None
        conforms, report = validate_shapes(data, project=ctx.project)
        click.echo(f"{'ok  ' if conforms else 'FAIL'}  SHACL shapes")
        if not conforms:
            click.echo(report)
        failed += not conforms
    if failed:
        raise click.exceptions.Exit(1)


def _remote_graph(store):
    """The asserted graphs of a remote, as the rdflib graph pySHACL reads (SHACL runs here:
    the remote's graphs are pulled, which suits graphs that fit in memory)."""
    import rdflib

    from .queries import asserted_graphs

    text = b"".join(store.graph_triples(g.value) for g in asserted_graphs(store))
    return rdflib.Graph().parse(data=text, format="nt")


def _built(ctx: Context, key: str):
    """A field of the build's manifest (``graphs``, ``built``), or of the remote's catalog."""
    remote = ctx.remote_store()
    if remote is not None:
        catalog = remote.catalog()
        return catalog.graphs if key == "graphs" else catalog.built
    from .store import current_build, read_manifest

    return read_manifest(cast(Path, current_build(ctx.store_dir))).get(key)  # opened before


@cli.command()
@remote_option
@pass_ctx
def publish(ctx):
    """Copy every named graph of the build onto the remote engine named by --remote.

    Each graph goes to a staging graph first; the engine's counts are checked; then one
    update moves them all in place. A failed or interrupted publish leaves the previous
    graphs answering and names the staging graphs it left (the next publish drops them).

    Example: seccoop publish --remote http://127.0.0.1:7878/query
    --remote-update http://127.0.0.1:7878/update --remote-gsp http://127.0.0.1:7878/store
    """
    from .publish import publish as publish_build
    from .store import current_build, read_manifest

    remote = ctx.remote_store()
    if remote is None:
        raise click.UsageError("publish needs --remote URL (or SECCOOP_REMOTE)")
    store = ctx.open_store(strict=True, local=True)
    build_dir = cast(Path, current_build(ctx.store_dir))  # open_store built it
    built = read_manifest(build_dir).get("built")
    with user_errors():
        report = publish_build(store, build_dir.name, remote, built=built,
                               say=lambda line: click.echo(line, err=True))
    width = max((len(g) for g in report.graphs), default=10)
    for graph, count in report.graphs.items():
        click.echo(f"  {graph.ljust(width)}  {count:>9,}")
    for graph in report.dropped:
        click.echo(f"  dropped {graph} (no longer in the build)")
    click.echo(f"published build {report.build}: {sum(report.graphs.values()):,} triples in "
               f"{len(report.graphs)} graphs in {report.seconds:.2f} s to {remote.url}")


# --- reasoning commands ---
@cli.command()
@remote_option
@pass_ctx
def reason(ctx):
    """Materialise the OWL 2 RL closure into the inferred graph and check consistency.

    Rebuilds the store with reasoning; exits 1 (keeping the previous store) when the
    graph is inconsistent, with each clash in labels and its source sentences. With
    --remote, the rules run inside the engine as SPARQL Update, in rounds to a fixpoint,
    over the published graphs (no consistency check there).

    Example: seccoop reason
    """
    remote = ctx.remote_store()
    if remote is not None:
        from .pushdown import reason_remotely

        with user_errors():
            pushed = reason_remotely(remote, say=lambda line: click.echo(line, err=True))
        click.echo(f"{pushed.inferred:,} inferred triples in {pushed.rounds} rounds inside "
                   f"the engine in {pushed.seconds:.1f} s")
        return
    report = _run_build(ctx, force=True, quiet=True, reason=True)
    click.echo(f"{report.inferred:,} inferred triples; the graph is consistent")


@cli.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("object", metavar="OBJECT")
@pass_ctx
def explain(ctx, subject, predicate, object):
    """Why a triple holds: the OWL 2 RL rule, its premises, down to source sentences.

    Each term is an IRI, a prefixed name or a label; `a` stands for rdf:type.

    Example: seccoop explain "SCO Bishkek Summit 2007" sc:tookPlaceIn Kyrgyzstan
    """
    from .reasoning import RDF_TYPE, explain as explain_triple, format_explanation
    from .store import resolve

    with user_errors():
        store = ctx.open_store()
        config = ctx.config
        pred = RDF_TYPE if predicate == "a" else resolve(store, predicate, config)
        expl = explain_triple(store, resolve(store, subject, config), pred,
                              resolve(store, object, config))
        click.echo(format_explanation(expl, store, config.query_prefixes))



# --- server commands ---

def _settings_options(command):
    # The options come from the one settings table (seccoop.settings), imported lazily.
    from .settings import click_options

    return click_options(command)


@cli.command()
@_settings_options
@remote_option
@click.option("--reload", is_flag=True,
              help="Rebuild when the project's files change and serve the new build (one "
                   "HTTP worker). Without it, responses say X-Seccoop-Stale once they change.")
@pass_ctx
def serve(ctx, reload, **options):
    """Serve the SPARQL endpoint and the linked-data web pages.

    Read-only; SERVICE and LOAD are refused; every query is bounded by --timeout
    and --max-rows. Prints the URL it serves on start.

    Example: seccoop serve --port 8000 --cors
    """
    from .server.run import run
    from .settings import Settings

    try:
        settings = Settings.from_dict(options)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    ctx.open_store()  # builds first when stale (or reaches the remote), with the CLI's messages
    remote = {"url": ctx.remote_url()} if ctx.remote_url() else None
    with user_errors():
        run(settings, ctx.project, ctx.store_dir,
            announce=lambda line: click.echo(line, err=False), remote=remote, reload=reload)


# --- export commands ---

@cli.command("export")
@format_option(formats.names("rdf"),
               f"Syntax: {', '.join(formats.names('rdf'))} (default turtle). "
               "nquads and trig keep the named graphs; the others write their union.")
@inferred_option
@click.option("--graph", "-g", "graphs", multiple=True, metavar="G",
              help="Export only this graph: a graph IRI, a project file such as "
                   "data/sco.ttl, or 'inferred' (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@remote_option
@pass_ctx
def export_command(ctx, fmt, no_inferred, graphs, output):
    """Dump the graph in one RDF syntax: deterministic (the same input gives the same
    bytes, blank nodes labelled canonically) and streaming.

    Example: seccoop export --format jsonld --no-inferred -o seccoop.jsonld
    """
    from . import formats
    from .export import export

    _check_output_folder(output)
    if fmt is None and output:
        named = formats.for_path(output)
        fmt = named.name if named is not None and named.kind == "rdf" else None
    if no_inferred and any(g in ("inferred", ctx.config.inferred_graph) for g in graphs):
        raise click.UsageError("--graph inferred and --no-inferred ask for opposite things")
    with user_errors():
        store = ctx.open_store(pull=True)
        options = {"graphs": graphs, "inferred": not no_inferred, "config": ctx.config,
                   "sizes": _built(ctx, "graphs")}
        if output:
            tmp = Path(output).with_name(Path(output).name + ".part")
            try:
                with open(tmp, "wb") as handle:
                    export(store, handle, fmt or "turtle", **options)
                tmp.replace(output)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            export(store, sys.stdout.buffer, fmt or "turtle", **options)
            sys.stdout.buffer.flush()


@cli.command("site")
@click.argument("outdir", type=click.Path(file_okay=False))
@inferred_option
@click.option("--base-url", default=None,
              help="Where the site will be published (absolute URLs of the sitemap, VoID "
                   "and DCAT) [default: the project's base IRI].")
@click.option("--base-path", default="/", show_default=True, metavar="PATH",
              help="The URL path the site is served under on its host, e.g. /pub/kg/ "
                   "(the RewriteBase of .htaccess and the nginx location).")
@remote_option
@pass_ctx
def site_command(ctx, outdir, no_inferred, base_url, base_path):
    """Write a static linked-data site: pages, per-resource data, dumps, ontology docs.

    Links are relative, so OUTDIR can be served under any path.

    Example: seccoop site public/ && python -m http.server -d public
    """
    from .site import build_site

    with user_errors():
        store = ctx.open_store(pull=True)
        built = _built(ctx, "built")
        config = ctx.config
        report = build_site(store, Path(outdir), inferred=not no_inferred,
                            base_url=base_url or config.base, base_path=base_path, built=built,
                            config=config)
    click.echo(f"wrote {report.pages} resource pages and {report.files} files to {outdir}")


# --- drawing commands ---

@cli.group()
def draw():
    """Pictures of the graph as SVG, or as a standalone HTML page (by the file's extension).

    Example: seccoop draw graph --around China -o china.html
    """


def _draw_options(command):
    command = click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
                           help="The file to write: .svg, or .html for a standalone page.")(command)
    return click.option("--base", metavar="URL", default=None,
                        help="Link nodes to a seccoop server at URL (e.g. http://localhost:8000) "
                             "instead of to the resources' IRIs.")(remote_option(command))


def _write_picture(ctx, kind: str, output: str, base: str | None, around: str | None = None):
    from . import draw as pictures
    from .store import resolve

    if not output.lower().endswith((".svg", ".html", ".htm")):
        raise UserError(f"{output}: the file name must end in .svg or .html")
    with user_errors():
        store = ctx.open_store(pull=True)
        config = ctx.config
        node = resolve(store, around, config).value if around else None
        if kind == "timeline" and node and not pictures.timeline_events(store, node, config=config):
            raise UserError(f"{around}: no dated meeting or agreement involves it; "
                            "nothing to draw")
        link = pictures.iri_link
        if base:
            local = pictures.server_links(config)
            link = lambda iri: (lambda path: base.rstrip("/") + path if path else None)(  # noqa: E731
                local(iri))
        svg = pictures.picture(store, kind, link, around=node, config=config)
        if output.lower().endswith(".svg"):
            Path(output).write_text(svg, encoding="utf-8")
        else:
            title = svg.split("<title>", 1)[1].split("</title>", 1)[0]
            Path(output).write_text(pictures.html_page(svg, _unescape(title)), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


def _unescape(text: str) -> str:
    from html import unescape

    return unescape(text)


@draw.command("timeline")
@click.option("--actor", metavar="THING", help="Only the events of this actor (IRI, prefixed name or label).")
@_draw_options
@pass_ctx
def draw_timeline(ctx, actor, output, base):
    """Every meeting, signing and adoption on one time axis, one lane per forum.

    Example: seccoop draw timeline -o timeline.svg
    """
    _write_picture(ctx, "timeline", output, base, actor)


@draw.command("graph")
@click.option("--around", metavar="THING", help="Only this resource and its direct neighbours.")
@_draw_options
@pass_ctx
def draw_graph(ctx, around, output, base):
    """Actors, forums, agreements and meetings as a network, coloured by class.

    Example: seccoop draw graph --around "ASEAN Regional Forum" -o arf.svg
    """
    _write_picture(ctx, "graph", output, base, around)


@draw.command("ontology")
@_draw_options
@pass_ctx
def draw_ontology(ctx, output, base):
    """The ontology's classes, subclass links and object properties (domain → range).

    Example: seccoop draw ontology -o ontology.html
    """
    _write_picture(ctx, "ontology", output, base)



def main():
    cli(prog_name="seccoop")
