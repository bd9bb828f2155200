"""The W3C SPARQL 1.1 Protocol tests (../shared/w3c/sparql/sparql11/protocol/manifest.ttl)
against a real `seccoop serve` over the tests' own data.

Every query test must pass. The update tests that expect success are not applicable: the
endpoint is read-only; each is skipped with that reason. The bad_update_* tests expect a
4xx and run like the others.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest

from conftest import shared_path
from server_support import ServerProcess

NOT_OFFERED = "SPARQL Update is not offered: read-only endpoint"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
GRAPH_BASE = "https://w3id.org/seccoop/graph/data/"


def _manifest():
    from conftest import SHARED

    path = SHARED / "w3c/sparql/sparql11/protocol/manifest.ttl"
    if not path.exists():
        return path, None
    import rdflib

    graph = rdflib.Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return path, graph


def _tests():
    path, graph = _manifest()
    if graph is None:
        return [pytest.param(None, id="manifest-absent")]
    import rdflib
    from rdflib.collection import Collection

    manifest = next(graph.subjects(rdflib.RDF.type, rdflib.URIRef(MF + "Manifest")))
    entries = Collection(graph, graph.value(manifest, rdflib.URIRef(MF + "entries")))
    return [pytest.param(entry, id=str(entry).rsplit("#", 1)[1]) for entry in entries]


def _requests(graph, test):
    import rdflib
    from rdflib.collection import Collection

    def v(node, prop, ns=HT):
        return graph.value(node, rdflib.URIRef(ns + prop))

    action = v(test, "action", MF)
    for request in Collection(graph, v(action, "requests")):
        headers = {}
        if v(request, "headers") is not None:
            for header in Collection(graph, v(request, "headers")):
                headers[str(v(header, "fieldName"))] = str(v(header, "fieldValue"))
        body = v(request, "body")
        content = None
        if body is not None:
            encoding = str(v(body, "characterEncoding", CNT) or "UTF-8")
            content = str(v(body, "chars", CNT)).encode(encoding.lower())
        response = v(request, "resp")
        statuses = {str(s).rsplit("StatusCode", 1)[1][0] for s in
                    graph.objects(response, rdflib.URIRef(MF + "expectedStatus"))}
        expected_bool = v(response, "expectedBoolean", MF)
        yield {"method": str(v(request, "methodName")),
               "path": str(v(request, "absolutePath")).replace("/sparql/", "/sparql", 1),
               "headers": headers, "content": content, "statuses": statuses,
               "boolean": None if expected_bool is None else expected_bool.toPython(),
               "format": str(v(response, "expectedFormat", MF) or "")}


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory):
    folder = shared_path("w3c", "sparql", "sparql11", "protocol")
    root = tmp_path_factory.mktemp("w3c-project")
    (root / "data").mkdir()
    # The manifest's graphs are renamed from the names the project file gives them.
    (root / "seccoop.toml").write_text(f'graph_base = "{GRAPH_BASE.removesuffix("data/")}"\n')
    for name in ("data1.nt", "data2.nt", "data3.nt"):
        shutil.copy(folder / name, root / "data" / name)
    store_dir = tmp_path_factory.mktemp("w3c-store")
    _build_with_test_graph_names(root, store_dir)
    with ServerProcess(root, store_dir) as server:
        yield server


def _build_with_test_graph_names(root, store_dir):
    """Build the store, then give each file's graph the name the manifest uses
    (``ut:graphData [ ut:graph <data1.nt> ; rdfs:label "http://kasei.us/.../data1.rdf" ]``)."""
    from seccoop.project import find_project
    from seccoop.store import build, current_build

    build(find_project(root), store_dir, reason=False)
    store = ox.Store(str(current_build(store_dir) / "oxigraph"))
    for n in (1, 2, 3):
        old = ox.NamedNode(f"{GRAPH_BASE}data{n}.nt")
        new = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/data{n}.rdf")
        for quad in list(store.quads_for_pattern(None, None, None, old)):
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, new))
        store.remove_graph(old)
    store.flush()
    del store


def _boolean(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0]
    if "json" in media:
        return json.loads(response.text)["boolean"]
    root = ET.fromstring(response.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text.strip() == "true"


FORMATS = {"boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
           "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                       "text/csv", "text/tab-separated-values"},
           "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"}}


@pytest.mark.parametrize("test", _tests())
def test_protocol(w3c_server, test):
    _, graph = _manifest()
    name = str(test).rsplit("#", 1)[1]
    if name.startswith("update_"):
        pytest.skip(NOT_OFFERED)
    for request in _requests(graph, test):
        r = httpx.request(request["method"], w3c_server.url + request["path"],
                          headers=request["headers"], content=request["content"], timeout=30)
        assert str(r.status_code)[0] in request["statuses"], (name, r.status_code, r.text)
        if request["format"]:
            assert r.headers["content-type"].split(";")[0] in FORMATS[request["format"]]
        if request["boolean"] is not None:
            assert _boolean(r) is request["boolean"], (name, r.text)
