"""The W3C SPARQL 1.0 and 1.1 query suites through a real `seccoop serve`, beside pyoxigraph.

Every data file the evaluation tests use becomes a source file of one project, so the
store names each file's graph after its path; a test's query runs with ``BASE`` set to
the same naming, so its relative graph IRIs (``FROM <data-g1.ttl>``) name the store's
graphs: the suite's graph names, mapped. The test's own dataset is sent with the
protocol's ``default-graph-uri``/``named-graph-uri``. The same queries run on pyoxigraph
with the same files loaded directly: whatever passes there must pass through the endpoint.
Update, federation and entailment suites are left out (none is offered).
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest

from conftest import shared_path
from server_support import ServerProcess

MANIFESTS = [("sparql10", "manifest-evaluation.ttl"), ("sparql10", "manifest-syntax.ttl"),
             ("sparql11", "manifest-sparql11-query.ttl")]
GRAPHS = "https://w3id.org/seccoop/graph/data/"  # where the project puts data/<path>
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
KINDS = {"QueryEvaluationTest": "eval", "PositiveSyntaxTest": "good", "PositiveSyntaxTest11": "good",
         "NegativeSyntaxTest": "bad", "NegativeSyntaxTest11": "bad"}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
EMPTY = "urn:x-seccoop-test:empty"  # a graph no store holds: an empty default graph


@dataclass
class Case:
    name: str
    kind: str
    query: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None


def _collect(root: Path) -> list[Case]:
    import rdflib
    from rdflib.collection import Collection

    cases, todo, seen = [], [root / suite / name for suite, name in MANIFESTS], set()
    while todo:
        manifest = todo.pop(0)
        if manifest in seen or not manifest.exists():
            continue
        seen.add(manifest)
        graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for node in graph.objects(None, rdflib.URIRef(MF + "include")):
            todo += [Path(str(item)[7:]) for item in Collection(graph, node)]
        for node in graph.objects(None, rdflib.URIRef(MF + "entries")):
            cases += [c for c in (_case(graph, entry) for entry in Collection(graph, node)) if c]
    return cases


def _case(graph, entry) -> Case | None:
    import rdflib

    kind = next((KINDS[str(t).split("#")[-1]] for t in graph.objects(entry, rdflib.RDF.type)
                 if str(t).split("#")[-1] in KINDS), None)
    action = graph.value(entry, rdflib.URIRef(MF + "action"))
    if kind is None or action is None:
        return None
    path = lambda node: Path(str(node)[7:])  # noqa: E731 (file: URIs of the manifest's folder)
    if kind != "eval":
        return Case(str(entry), kind, path(action))
    query = graph.value(action, rdflib.URIRef(QT + "query"))
    result = graph.value(entry, rdflib.URIRef(MF + "result"))
    graph_data = []
    for item in graph.objects(action, rdflib.URIRef(QT + "graphData")):
        named = graph.value(item, rdflib.URIRef(QT + "graph"))
        graph_data.append(path(named if named is not None else item))
    return Case(str(entry), kind, path(query),
                [path(d) for d in graph.objects(action, rdflib.URIRef(QT + "data"))],
                graph_data, path(result) if result is not None else None)


def _iri(path: Path, root: Path) -> str:
    return GRAPHS + path.relative_to(root).as_posix()


def _text(case: Case, root: Path) -> str:
    body = case.query.read_text(encoding="utf-8")
    return f"BASE <{_iri(case.query, root)}>\n{body}"


def _dataset(case: Case, root: Path) -> tuple[list[str], list[str]] | None:
    """The test's dataset for the protocol; None where the query's FROM gives it."""
    from seccoop.sparqlscan import dataset_clauses

    if not case.data and not case.graph_data and dataset_clauses(_text(case, root)):
        return None
    return ([_iri(p, root) for p in case.data] or [EMPTY], [_iri(p, root) for p in case.graph_data])


def _named_files(case: Case) -> list[Path]:
    """The files a query names in FROM / FROM NAMED by a relative IRI."""
    from seccoop.sparqlscan import dataset_clauses

    text = case.query.read_text(encoding="utf-8")
    found = [case.query.parent / term[1:-1] for _, term in dataset_clauses(text)
             if term.startswith("<") and ":" not in term]
    return [path for path in found if path.is_file()]


# --- comparing answers -------------------------------------------------------------------

def _answer_of_results(data: bytes, fmt: str, kind: str | None = None):
    """("ask", bool), ("select", multiset of rows) or ("graph", rdflib Graph)."""
    import rdflib
    from rdflib.query import Result

    if kind == "graph":
        return "graph", rdflib.Graph().parse(data=data, format=fmt)
    result = Result.parse(io.BytesIO(data), format=fmt)
    return _answer(result)


def _answer(result):
    if result.type == "ASK":
        return "ask", bool(result.askAnswer)
    rows = Counter(tuple(sorted((str(v), _term(t)) for v, t in row.items()))
                   for row in result.bindings)
    return "select", rows


def _term(term) -> tuple:
    import rdflib

    if isinstance(term, rdflib.BNode):
        return ("bnode",)
    if isinstance(term, rdflib.Literal):
        return ("literal", str(term), str(term.datatype or ""), (term.language or "").lower())
    return ("iri", str(term))


def _expected(case: Case, root: Path):
    import rdflib
    from rdflib.plugins.sparql.results.rdfresults import RDFResultParser

    path, base = case.result, _iri(case.result, root)
    suffix = path.suffix
    if suffix in (".srx", ".srj", ".tsv", ".csv"):
        fmt = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}[suffix]
        return _answer_of_results(path.read_bytes(), fmt)
    graph = rdflib.Graph().parse(path, format="turtle" if suffix == ".ttl" else "xml",
                                 publicID=base)
    if (None, rdflib.RDF.type, rdflib.URIRef(
            "http://www.w3.org/2001/sw/DataAccess/tests/result-set#ResultSet")) in graph:
        return _answer(RDFResultParser().parse(graph))
    return "graph", graph


def _same(actual, expected) -> bool:
    from rdflib.compare import isomorphic

    if actual is None or actual[0] != expected[0]:
        return False
    if actual[0] == "graph":
        return isomorphic(actual[1], expected[1])
    return actual[1] == expected[1]


# --- the two ways of running a case ------------------------------------------------------

def _direct(store: ox.Store, case: Case, root: Path):
    """The answer of pyoxigraph itself, or "error"."""
    dataset = _dataset(case, root)
    options = {} if dataset is None else {
        "default_graph": [ox.NamedNode(g) for g in dataset[0]],
        "named_graphs": [ox.NamedNode(g) for g in dataset[1]]}
    try:
        value = store.query(_text(case, root), **options)
        if isinstance(value, ox.QueryBoolean):
            return "ask", bool(value)
        if isinstance(value, ox.QuerySolutions):
            return _answer_of_results(value.serialize(format=ox.QueryResultsFormat.JSON), "json")
        data = ox.serialize(value, format=ox.RdfFormat.N_TRIPLES)
        return _answer_of_results(data, "nt", "graph")
    except (SyntaxError, OSError, ValueError, RuntimeError):
        return "error"


def _through(client: httpx.Client, url: str, case: Case, root: Path):
    """The endpoint's answer, or ("status", code)."""
    defaults, named = _dataset(case, root) or ([], [])
    form = [("query", _text(case, root)), *[("default-graph-uri", g) for g in defaults],
            *[("named-graph-uri", g) for g in named]]
    r = client.post(url + "/sparql", content=urlencode(form),
                    headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"})
    if r.status_code != 200:
        return ("status", r.status_code)
    media = r.headers["content-type"].split(";")[0]
    if media == "application/n-triples":
        return _answer_of_results(r.content, "nt", "graph")
    return _answer_of_results(r.content, "json")


def _passes(case: Case, answer, expected) -> bool:
    if case.kind == "good":
        return answer not in ("error", ("status", 400))
    if case.kind == "bad":
        return answer in ("error", ("status", 400))
    return _same(answer if answer != "error" else None, expected)


# --- the test ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    from seccoop.project import find_project
    from seccoop.store import build

    root = shared_path("w3c", "sparql")
    cases = [c for c in _collect(root) if c.query.exists()]
    project_dir = tmp_path_factory.mktemp("w3c-project")
    # Relative IRIs resolve against each file's graph, named as the project file says.
    (project_dir / "seccoop.toml").write_text(f'graph_base = "{GRAPHS.removesuffix("data/")}"\n')
    files = sorted({p for c in cases for p in (*c.data, *c.graph_data, *_named_files(c))})
    for path in files:
        target = project_dir / "data" / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    store_dir = tmp_path_factory.mktemp("w3c-store")
    build(find_project(project_dir), store_dir, reason=False)
    direct = ox.Store()
    for path in files:
        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.RDF_XML
        iri = ox.NamedNode(_iri(path, root))
        direct.load(path=str(path), format=fmt, to_graph=iri, base_iri=iri.value)
    return root, cases, project_dir, store_dir, direct


def test_query_suites_pass_through_the_endpoint_wherever_pyoxigraph_passes(suite):
    root, cases, project_dir, store_dir, direct = suite
    assert len(cases) > 700
    tallies = {"direct": 0, "endpoint": 0}
    lost, dataset_passes, dataset_total = [], 0, 0
    with ServerProcess(project_dir, store_dir, "--timeout", "20") as server, \
            httpx.Client(timeout=60) as client:
        for case in cases:
            expected = _expected(case, root) if case.kind == "eval" and case.result else None
            if case.kind == "eval" and expected is None:
                continue
            here = _passes(case, _direct(direct, case, root), expected)
            there = _passes(case, _through(client, server.url, case, root), expected)
            tallies["direct"] += here
            tallies["endpoint"] += there
            if here and not there:
                lost.append(case.name)
            if "/dataset/" in case.query.as_posix():
                dataset_total += 1
                dataset_passes += there
    print(f"\nW3C SPARQL 1.0 + 1.1 query and syntax suites, {len(cases)} tests: "
          f"pyoxigraph directly {tallies['direct']} pass, through the endpoint "
          f"{tallies['endpoint']} pass; dataset tests through the endpoint "
          f"{dataset_passes}/{dataset_total}")
    assert lost == []
    assert (dataset_passes, dataset_total) == (12, 12)
