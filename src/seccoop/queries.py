"""Named queries (``queries/*.rq``) and running SPARQL with result formats.

    >>> from seccoop.store import open_store
    >>> result = run_query(open_store(), "SELECT ?s WHERE { ?s a sc:Forum } LIMIT 1")
    >>> result.kind
    'select'
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES

from . import formats
from .errors import QueryError
from .project import Project
from .projectconfig import packaged_config

RESULT_FORMATS = {f.name: f.ox for f in formats.RESULTS
                  if isinstance(f.ox, ox.QueryResultsFormat)}
GRAPH_FORMATS = {f.name: f.ox for f in formats.RDF if isinstance(f.ox, ox.RdfFormat)}
SELECT_FORMATS = ("table", *RESULT_FORMATS)
QUERY_SUFFIXES = (".rq", ".sparql")
XSD = STANDARD_PREFIXES["xsd"]


def is_inferred_graph(graph) -> bool:
    """True for the graph of the materialised closure (``<graph base>inferred``): source
    files always have a suffix, so no file's graph ends so."""
    return isinstance(graph, ox.NamedNode) and graph.value.endswith("/inferred")


def default_prefixes() -> dict[str, str]:
    """The predeclared prefixes when no project is given: the packaged project's."""
    return packaged_config().query_prefixes


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def read_header(path: Path) -> tuple[str, str]:
    """The ``# title:`` and ``# description:`` lines at the top of a ``.rq`` file."""
    title = description = ""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].strip().partition(":")
            if key.strip().lower() == "title":
                title = value.strip()
            elif key.strip().lower() == "description":
                description = value.strip()
    return title or path.stem, description


def named_queries(project: Project, *, checks: bool = False) -> list[NamedQuery]:
    """The project's named queries (``checks/`` ones only when ``checks`` is true), by name."""
    folder = project.queries_dir
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(p for suffix in QUERY_SUFFIXES for p in folder.rglob("*" + suffix)):
        name = path.relative_to(folder).with_suffix("").as_posix()
        if name.startswith("checks/") != checks:
            continue
        found.append(NamedQuery(name, *read_header(path), path))
    return found


def load_query(spec: str, project: Project, stdin: io.TextIOBase | None = None) -> str:
    """SPARQL text from inline SPARQL, a ``.rq``/``.sparql`` path, ``-`` (standard input) or
    a query name."""
    return find_query(spec, project, stdin)[0]


def find_query(spec: str, project: Project,
               stdin: io.TextIOBase | None = None) -> tuple[str, str | None]:
    """(SPARQL text, the file it came from or None) for :func:`load_query`'s ``spec``."""
    if spec == "-":
        return (stdin or __import__("sys").stdin).read(), None
    if spec.endswith(QUERY_SUFFIXES):
        if not Path(spec).is_file():
            raise QueryError(f"{spec}: no such file")
        return Path(spec).read_text(encoding="utf-8"), spec
    by_name = {q.name: q for q in named_queries(project) + named_queries(project, checks=True)}
    if spec in by_name:
        return by_name[spec].text, str(by_name[spec].path)
    if _looks_like_sparql(spec):
        return spec, None
    if "/" in spec or "\\" in spec:
        raise QueryError(f"{spec}: no such file")
    close = difflib.get_close_matches(spec, list(by_name), n=5, cutoff=0.4)
    raise QueryError(f"unknown query name {spec!r}", close)


def parse_param(text: str, prefixes: dict[str, str] | None = None) -> tuple[str, object]:
    """``NAME=VALUE`` to (name, term): ``<iri>``, a prefixed name of a predeclared prefix,
    a number, ``true``/``false``, else a string.

    >>> parse_param("forum=scr:sco")
    ('forum', <NamedNode value=https://w3id.org/seccoop/id/sco>)
    >>> parse_param("year=2007")[1].datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    name, equals, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not equals or not name:
        raise QueryError(f"--param {text!r}: write NAME=VALUE")
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return name, ox.NamedNode(value[1:-1])
    prefixes = prefixes or default_prefixes()
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return name, ox.NamedNode(prefixes[prefix] + local)
    for datatype, pattern in (("integer", r"[+-]?\d+"), ("decimal", r"[+-]?\d*\.\d+")):
        if re.fullmatch(pattern, value):
            return name, ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
    if value in ("true", "false"):
        return name, ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return name, ox.Literal(value)


def _looks_like_sparql(text: str) -> bool:
    words = {w.upper() for w in text.replace("{", " { ").split()}
    return "{" in text or bool(words & {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"})


class QueryResult:
    """A query's result: ``kind`` (select | ask | graph), ``value`` (pyoxigraph's
    QuerySolutions, QueryBoolean or QueryTriples) and ``variables`` (the SELECT variable
    names, read from ``value`` on first use: the endpoint serializes without them)."""

    __slots__ = ("kind", "value", "_variables")

    def __init__(self, kind: str, value: Any, variables: list[str] | None = None):
        self.kind, self.value, self._variables = kind, value, variables

    @property
    def variables(self) -> list[str]:
        if self._variables is None:
            self._variables = ([v.value for v in self.value.variables]
                               if self.kind == "select" else [])
        return self._variables

    def __repr__(self) -> str:
        return f"QueryResult(kind={self.kind!r}, value={self.value!r}, variables={self.variables!r})"


_MAY_NAME_DATASET = re.compile(r"from", re.I)


def run_query(store: ox.Store, sparql: str, *, inferred: bool = True,
              default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None,
              base_iri: str | None = None, params: dict | None = None,
              prefixes: dict[str, str] | None = None) -> QueryResult:
    """Evaluate ``sparql`` over the dataset SPARQL 1.1 gives it.

    The dataset comes from the protocol's ``default_graph_uris``/``named_graph_uris`` when
    either is given, else from the query's ``FROM``/``FROM NAMED``, else it is the union of
    the store's graphs as the default graph, with every graph named. A graph the store does
    not hold is an empty graph. ``inferred=False`` (``--no-inferred``, the endpoint's
    ``inferred=false``) leaves the inferred graph out of each of these datasets.
    ``base_iri`` resolves relative IRIs of a query without BASE (the endpoint passes its URL).
    ``params`` binds variables before evaluation (name -> term, see :func:`parse_param`);
    pyoxigraph binds the variables a query returns (``SELECT *`` returns them all).
    ``prefixes`` are predeclared (default: the packaged project's); the query's own
    PREFIX declarations override them.
    """
    prefixes = prefixes or default_prefixes()
    if inferred and default_graph_uris is None and named_graph_uris is None \
            and not _MAY_NAME_DATASET.search(sparql):
        options: dict[str, Any] = {"prefixes": prefixes, "use_default_graph_as_union": True}
        if base_iri:
            options["base_iri"] = base_iri
    else:
        options = _dataset_options(store, sparql, inferred, default_graph_uris,
                                   named_graph_uris, base_iri, prefixes)
        if base_iri:
            options["base_iri"] = base_iri
    if params:
        options = {**options, "substitutions": {ox.Variable(k): v for k, v in params.items()}}
    try:
        value = store.query(sparql, **options)
    except SyntaxError as error:
        raise QueryError(syntax_message(error, sparql)) from None
    except RuntimeError as error:
        if not params:
            raise
        # pyoxigraph binds only variables the query returns (its SELECT projection).
        raise QueryError(f"cannot bind {', '.join('?' + p for p in params)}: {error}") from None
    if isinstance(value, ox.QuerySolutions):
        return QueryResult("select", value)
    if isinstance(value, ox.QueryBoolean):
        return QueryResult("ask", value, [])
    return QueryResult("graph", value, [])


def asserted_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """Every named graph except the inferred one, i.e. the source files."""
    # A build loads every source into a graph named by IRI, so no graph here is a blank node.
    graphs = cast("list[ox.NamedNode]", list(store.named_graphs()))
    return sorted((g for g in graphs if not is_inferred_graph(g)), key=lambda g: g.value)


def _dataset_options(store: ox.Store, sparql: str, inferred: bool, default_graph_uris,
                     named_graph_uris, base_iri: str | None, prefixes: dict[str, str]) -> dict:
    def kept(iris) -> list[ox.NamedNode]:
        graphs = [ox.NamedNode(iri) for iri in iris]
        return graphs if inferred else [g for g in graphs if not is_inferred_graph(g)]

    options: dict[str, Any] = {"prefixes": prefixes}
    if default_graph_uris is not None or named_graph_uris is not None:
        options["default_graph"] = kept(default_graph_uris or [])
        options["named_graphs"] = kept(named_graph_uris or [])
        return options
    from .sparqlscan import dataset_clauses, tokens

    words = tokens(sparql)
    clauses = dataset_clauses(sparql, words)
    if clauses:  # the engine reads the query's own dataset, unless inferred=false must edit it
        resolved = None if inferred else _resolved(clauses, words, base_iri, prefixes)
        if resolved is not None:
            options["default_graph"] = kept(resolved[0])
            options["named_graphs"] = kept(resolved[1])
        return options
    if inferred:
        options["use_default_graph_as_union"] = True
    else:
        graphs = asserted_graphs(store)
        options["default_graph"] = graphs
        options["named_graphs"] = graphs
    return options


def _resolved(clauses: list[tuple[str, str]], words: list[str], base_iri: str | None,
              given: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """The IRIs of the query's FROM and FROM NAMED terms, or None when one cannot be
    resolved here (the engine then reads the query's dataset as written)."""
    from .sparqlscan import prologue, resolve

    base, declared = prologue("", words)
    base = resolve(f"<{base}>", {}, base_iri) if base else base_iri
    prefixes = {**given, **declared}
    found: tuple[list[str], list[str]] = ([], [])
    for kind, term in clauses:
        iri = resolve(term, prefixes, base)
        if iri is None:
            return None
        found[0 if kind == "default" else 1].append(iri)
    return found


_SPARQL_LOCATION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


_PREFIXED_NAME_END = re.compile(r"([^\s:<>(){}\[\]\"'#,;=!&|^*+/?$@~`]*)"
                                r":[^\s<>(){}\[\]\"'#,;=!&|^*+/?$@~`]*$")


def syntax_message(error: SyntaxError, sparql: str | None = None) -> str:
    """``SPARQL syntax error at line L, column C: reason`` with the expected-token list
    clipped; an undeclared prefix is named.

    >>> try:  # doctest: +NORMALIZE_WHITESPACE
    ...     ox.Store().query("SELECT * WHERE { ?s foo:bar ?o }")
    ... except SyntaxError as error:
    ...     print(syntax_message(error, "SELECT * WHERE { ?s foo:bar ?o }"))
    SPARQL syntax error at line 1, column 28: the prefix 'foo:' is not declared
    (declare it with PREFIX foo: <...>)
    """
    text = str(error)
    match = _SPARQL_LOCATION.search(text)
    if not match:
        return f"SPARQL syntax error: {text}"
    line, column, reason = match.groups()
    if "Prefix not found" in reason and sparql is not None:
        lines = sparql.splitlines() or [""]
        before = lines[min(int(line), len(lines)) - 1][: int(column) - 1].rstrip()
        name = _PREFIXED_NAME_END.search(before)
        if name:
            prefix = name.group(1)
            return (f"SPARQL syntax error at line {line}, column {column}: the prefix "
                    f"'{prefix}:' is not declared (declare it with PREFIX {prefix}: <...>)")
    reason = " ".join(reason.split())
    if len(reason) > 160:
        reason = reason[:159] + "…"
    return f"SPARQL syntax error at line {line}, column {column}: {reason}"


def serialize_result(result: QueryResult, fmt: str, output=None,
                     prefixes: dict[str, str] | None = None) -> bytes | None:
    """A result in a machine format (csv/tsv/json/xml or an RDF syntax), streamed to
    ``output`` (a binary file) when given, else returned as bytes."""
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"format {fmt!r} is for SELECT/ASK; CONSTRUCT and DESCRIBE take "
                             + ", ".join(GRAPH_FORMATS))
        return _serialize_triples(result.value, GRAPH_FORMATS[fmt], output, prefixes)
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"format {fmt!r} is for CONSTRUCT/DESCRIBE; SELECT and ASK take "
                         + ", ".join(SELECT_FORMATS))
    return result.value.serialize(output, format=RESULT_FORMATS[fmt])


def _serialize_triples(triples, fmt: ox.RdfFormat, output=None,
                       prefixes: dict[str, str] | None = None) -> bytes | None:
    # Quad formats need quads: CONSTRUCT output goes to the default graph.
    quads = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(quads, output, format=fmt, prefixes=prefixes or default_prefixes())
    return ox.serialize(quads, output, format=fmt)


# --- human-readable output -------------------------------------------------------------

def shorten(term, prefixes: dict[str, str] | None = None) -> str:
    """A term as a person reads it: prefixed names (of ``prefixes``, default the packaged
    project's), plain literals, ``_:b`` blank nodes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in (prefixes or default_prefixes()).items():
            if term.value.startswith(namespace):
                local = term.value[len(namespace):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value} @{term.language}" if term.language != "en" else term.value
        return term.value
    return str(term)


def format_table(result: QueryResult, *, max_width: int | None = None,
                 prefixes: dict[str, str] | None = None) -> str:
    """Aligned text columns, or a clear ``no results`` line."""
    short = lambda term: shorten(term, prefixes)  # noqa: E731
    if result.kind == "ask":
        return "yes" if bool(result.value) else "no"
    if result.kind == "graph":
        rows = [[short(t.subject), short(t.predicate), short(t.object)] for t in result.value]
        header = ["subject", "predicate", "object"]
    else:
        header = result.variables
        rows = [[short(solution[v]) for v in header] for solution in result.value]
    if not rows:
        return "no results"
    rows = [[_clip(cell, max_width) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _clip(text: str, width: int | None) -> str:
    """One line; cut at ``width`` only when asked (a sentence is the answer, not noise)."""
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
