"""A remote SPARQL engine as the store: the SPARQL 1.1 Protocol for queries and updates, the
Graph Store Protocol for uploads, answers parsed into the same pyoxigraph objects that
``pyoxigraph.Store.query`` returns, so code that only queries works on either store.

A remote holds what ``seccoop publish`` put there: one named graph per source file, the
inferred graph, and a catalog graph (:data:`CATALOG`) naming them and the build. Every query
gets its dataset from the catalog, so the engine's other graphs (Virtuoso's system graphs,
another application's data) never leak into an answer.

Credentials come from ``SECCOOP_REMOTE_USER``/``SECCOOP_REMOTE_PASSWORD``, else from a
netrc file (``SECCOOP_NETRC`` or ``~/.netrc``), never from the command line; HTTP Basic or
Digest, whichever the server asks for.

    >>> remote = RemoteStore("http://127.0.0.1:7878/query")   # doctest: +SKIP
    >>> bool(remote.query("ASK { ?s a sc:Forum }", prefixes=PREFIXES,
    ...                   use_default_graph_as_union=True))     # doctest: +SKIP
    True
"""

from __future__ import annotations

import netrc
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, cast
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from .errors import QueryError, SeccoopError

CATALOG = "urn:seccoop:catalog"  # the graph naming the published graphs and the build
PENDING = "urn:seccoop:pending"  # staging graphs of a publish that has not switched yet
STAGING_PREFIX = "urn:seccoop:staging:"
EMPTY = "urn:seccoop:empty"  # a graph never written: how the protocol says "no graph"
VOCAB = "urn:seccoop:"  # the catalog's terms
_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
# Virtuoso labels blank nodes nodeID://b123 in JSON results, which is no blank node label.
_NODE_ID = re.compile(rb'(?<!\\)"nodeID://')


class RemoteError(SeccoopError):
    """The remote engine could not be reached or refused a request."""


@dataclass
class Catalog:
    """What a publish left on the remote: the build's id and triples per graph."""

    build: str | None = None
    built: str | None = None  # when the build was made, as its manifest says
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def credentials_for(url: str) -> tuple[str, str] | None:
    """(user, password) from the environment, else from the netrc entry of ``url``'s host.

    >>> os.environ["SECCOOP_REMOTE_USER"], os.environ["SECCOOP_REMOTE_PASSWORD"] = "u", "p"
    >>> credentials_for("http://example.org/sparql")
    ('u', 'p')
    >>> del os.environ["SECCOOP_REMOTE_USER"], os.environ["SECCOOP_REMOTE_PASSWORD"]
    """
    user = os.environ.get("SECCOOP_REMOTE_USER")
    if user is not None:
        return user, os.environ.get("SECCOOP_REMOTE_PASSWORD", "")
    path = os.environ.get("SECCOOP_NETRC") or os.path.expanduser("~/.netrc")
    if not os.path.isfile(path):
        return None
    try:
        found = netrc.netrc(path).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as error:
        raise RemoteError(f"{path}: {error}") from None
    return (found[0], found[2] or "") if found else None


class ChallengeAuth(httpx.Auth):
    """Sends no credentials until the server asks, then Basic or Digest as it asks (so a
    password never travels in clear to a server that wants Digest or nothing)."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self._inner: httpx.Auth | None = None

    def auth_flow(self, request):
        if self._inner is not None:  # the server's scheme is known: answer it at once
            yield from self._inner.auth_flow(request)
            return
        response = yield request
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if response.status_code != 401 or scheme not in ("basic", "digest"):
            return
        self._inner = httpx.DigestAuth(self.user, self.password) if scheme == "digest" \
            else httpx.BasicAuth(self.user, self.password)
        flow = self._inner.auth_flow(request)
        sent = next(flow)
        if scheme == "digest":  # the digest flow wants the challenge it would have got
            try:
                sent = flow.send(response)
            except StopIteration:
                return
        yield sent


class GraphResult:
    """The triples a CONSTRUCT or DESCRIBE returned, iterable like ``pyoxigraph.QueryTriples``."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output=None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
        return ox.serialize(self._triples, output, format=format)


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint that answers like a read-only ``pyoxigraph.Store``.

    ``url`` answers queries; ``update_url`` (default ``url``) takes SPARQL Update;
    ``gsp_url`` is the Graph Store Protocol endpoint, used for uploads when given.
    ``auth`` is (user, password) or an ``httpx.Auth``; None reads :func:`credentials_for`.
    ``timeout`` bounds every request, in seconds.
    """

    is_remote = True

    def __init__(self, url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 auth: Any = None, timeout: float = 60.0):
        if urlsplit(url).scheme not in ("http", "https"):
            raise RemoteError(f"{url}: a remote store is an http:// or https:// URL")
        self.url, self.update_url, self.gsp_url = url, update_url or url, gsp_url
        if auth is None:
            auth = credentials_for(url)
        if isinstance(auth, tuple):
            auth = ChallengeAuth(*auth)
        self.timeout = timeout
        self._client = httpx.Client(auth=auth, timeout=timeout, follow_redirects=True)
        self._catalog: Catalog | None = None
        self._copy: ox.Store | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def close(self) -> None:
        self._client.close()

    # --- what a publish left there ---

    def catalog(self, *, fresh: bool = False) -> Catalog:
        """The published build (read once, unless ``fresh``)."""
        if self._catalog is None or fresh:
            rows = self.select_in(
                f"SELECT ?p ?o ?n WHERE {{ GRAPH <{CATALOG}> {{ <{CATALOG}> ?p ?o "
                f"OPTIONAL {{ ?o <{VOCAB}triples> ?n }} }} }}", named=[CATALOG])
            catalog = Catalog()
            for row in rows:
                if row["p"].value == VOCAB + "build":
                    catalog.build = row["o"].value
                elif row["p"].value == VOCAB + "built":
                    catalog.built = row["o"].value
                elif row["p"].value == VOCAB + "graph":
                    catalog.graphs[row["o"].value] = int(row["n"].value) if row["n"] else 0
            catalog.graphs = dict(sorted(catalog.graphs.items()))
            self._catalog = catalog
        return self._catalog

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.catalog().graphs)

    def __len__(self) -> int:
        return self.catalog().triples

    # --- reading ---

    def query(self, query: str, *, prefixes: dict[str, str] | None = None,
              base_iri: str | None = None, use_default_graph_as_union: bool = False,
              default_graph=None, named_graphs=None, substitutions=None,
              timeout: float | None = None):
        """Evaluate ``query`` remotely; the arguments mean what ``pyoxigraph.Store.query``'s do.

        Returns ``QuerySolutions``, ``QueryBoolean`` or a :class:`GraphResult`.
        """
        text = _with_prologue(query, prefixes, base_iri)
        if substitutions:
            text += "\n" + _values_clause(substitutions)
        params = self._dataset(query, use_default_graph_as_union, default_graph, named_graphs)
        graph_form = _form(query) in ("construct", "describe")
        body = self._post_query(text, params, _NTRIPLES if graph_form else _JSON, timeout)
        if graph_form:
            return GraphResult(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
        return ox.parse_query_results(_NODE_ID.sub(b'"', body), format=ox.QueryResultsFormat.JSON)

    def _dataset(self, query: str, union: bool, default_graph, named_graphs) -> list:
        def iris(graphs) -> list[str]:
            if graphs is None:
                return []
            graphs = graphs if isinstance(graphs, (list, tuple, set)) else [graphs]
            return [g.value for g in graphs if isinstance(g, ox.NamedNode)]

        if default_graph is not None or named_graphs is not None:
            default, named = iris(default_graph), iris(named_graphs)
        else:
            from .sparqlscan import dataset_clauses

            if not union and dataset_clauses(query):
                return []  # the query names its own dataset
            graphs = list(self.catalog().graphs)
            default, named = (graphs if union else []), graphs
        return [("default-graph-uri", g) for g in default or [EMPTY]] + \
            [("named-graph-uri", g) for g in named or [EMPTY]]

    def _post_query(self, text: str, dataset: list, accept: str,
                    timeout: float | None) -> bytes:
        response = self._send(self.url, [("query", text), *dataset], accept, timeout)
        return response.content

    def _send(self, url: str, form: list, accept: str, timeout: float | None) -> httpx.Response:
        try:
            response = self._client.post(url, data=dict(_grouped(form)),
                                         headers={"Accept": accept},
                                         timeout=timeout or self.timeout)
        except httpx.TimeoutException:
            raise RemoteError(f"{url}: no answer within {timeout or self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise RemoteError(f"{url}: {error}") from None
        _raise_for(response)
        return response

    def select_in(self, query: str, *, named: list[str] | None) -> ox.QuerySolutions:
        """A SELECT over the graphs ``named`` (None: every graph of the engine)."""
        params = [] if named is None else \
            [("default-graph-uri", EMPTY)] + [("named-graph-uri", g) for g in named or [EMPTY]]
        body = self._post_query(query, params, _JSON, None)
        found = ox.parse_query_results(_NODE_ID.sub(b'"', body), format=ox.QueryResultsFormat.JSON)
        return cast(ox.QuerySolutions, found)

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None) -> Iterator[ox.Quad]:
        """The quads of the published graphs that match; a term of None matches anything.

        A SPARQL query cannot name a blank node, so a pattern with one is answered from a
        copy of the graphs pulled on first need (the engines label a blank node alike in
        every answer, so the copy's nodes are the ones earlier answers gave)."""
        terms = [subject, predicate, obj, graph_name]
        if any(isinstance(t, ox.BlankNode) for t in terms):
            if self._copy is None:
                self._copy = self.pull()
            return self._copy.quads_for_pattern(subject, predicate, obj, graph_name)
        names = ["?s", "?p", "?o", "?g"]
        pattern = [str(t) if t is not None else n for t, n in zip(terms, names)]
        graph = pattern[3] if not isinstance(graph_name, ox.DefaultGraph) else None
        if graph is None:
            return iter(())  # a published store keeps nothing in its default graph
        query = f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern[0]} {pattern[1]} {pattern[2]} }} }}"
        rows = self.query(query)
        return (ox.Quad(*(row[n[1:]] if row[n[1:]] is not None else t
                          for t, n in zip(terms, names)))
                for row in rows)

    def staging_graphs(self) -> list[str]:
        """Every staging graph the engine holds, whoever left it."""
        rows = self.select_in(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                            f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}', named=None)
        return sorted(row["g"].value for row in rows)

    def graph_triples(self, graph: str) -> bytes:
        """One published graph as N-Triples."""
        response = self._send(self.url, [
            ("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
            ("default-graph-uri", graph)], _NTRIPLES, None)
        return response.content

    def pull(self) -> ox.Store:
        """Every published graph copied into an in-memory store, blank nodes kept apart or
        together as the engine labels them (for the commands that walk blank nodes)."""
        store = ox.Store()
        for graph in self.catalog().graphs:
            name = ox.NamedNode(graph)
            # parse keeps the engine's labels (Store.load would make fresh blank nodes)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in
                         ox.parse(self.graph_triples(graph), format=ox.RdfFormat.N_TRIPLES))
        return store

    # --- writing ---

    def update(self, update: str, timeout: float | None = None) -> None:
        """Run SPARQL Update at ``update_url``."""
        self._send(self.update_url, [("update", update)], "*/*", timeout)
        self._catalog = None

    def put_graph(self, graph: str, ntriples: bytes, timeout: float | None = None, *,
                  method: str = "PUT") -> None:
        """Replace ``graph`` with ``ntriples`` by a Graph Store Protocol PUT (``method``
        POST: add them to it)."""
        if not self.gsp_url:
            raise RemoteError("no Graph Store Protocol URL given")
        try:
            # text/turtle: N-Triples is Turtle, and every engine reads Turtle.
            response = self._client.request(method, self.gsp_url, params={"graph": graph},
                                            content=ntriples,
                                            headers={"Content-Type": "text/turtle"},
                                            timeout=timeout or self.timeout)
        except httpx.HTTPError as error:
            raise RemoteError(f"{self.gsp_url}: {error}") from None
        _raise_for(response)

    def counts(self, graphs: Iterable[str]) -> dict[str, int]:
        """Triples per graph, counted by the engine (a graph it does not hold counts 0)."""
        graphs = list(graphs)
        values = " ".join(f"<{g}>" for g in graphs)
        rows = self.select_in(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                            f"GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", named=graphs)
        found = {row["g"].value: int(row["n"].value) for row in rows}
        return {g: found.get(g, 0) for g in graphs}


def _grouped(form: list) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in form:
        grouped.setdefault(key, []).append(value)
    return grouped


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    text = response.text.strip()[:2000]
    if response.status_code == 400:
        raise QueryError(f"the remote engine refused the query: {text}")
    if response.status_code in (401, 403):
        raise RemoteError(f"{response.url}: {response.status_code} {response.reason_phrase} "
                          "(set SECCOOP_REMOTE_USER and SECCOOP_REMOTE_PASSWORD, or a netrc entry)")
    raise RemoteError(f"{response.url}: {response.status_code} {response.reason_phrase}: {text}")


def _with_prologue(query: str, prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """``query`` with the predeclared prefixes it does not declare itself, and its base."""
    from .sparqlscan import prologue

    head = [f"BASE <{base_iri}>"] if base_iri else []
    if prefixes:
        declared = prologue(query)[1]
        head += [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in declared]
    return "\n".join([*head, query]) if head else query


def _values_clause(substitutions: dict) -> str:
    names = " ".join(f"?{v.value}" for v in substitutions)
    return f"VALUES ({names}) {{ ({' '.join(str(t) for t in substitutions.values())}) }}"


_FORMS = ("select", "ask", "construct", "describe")


def _form(query: str) -> str:
    """select, ask, construct or describe: the first query-form keyword."""
    from .sparqlscan import tokens

    for word in tokens(query):
        if word.lower() in _FORMS:
            return word.lower()
    return "select"
