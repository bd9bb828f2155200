"""Real SPARQL clients against a real `seccoop serve`: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest

from server_support import ServerProcess, make_project

SCR = "https://w3id.org/seccoop/id/"
MEMBERS = """PREFIX sc: <https://w3id.org/seccoop/ontology#>
SELECT ?m WHERE { ?m sc:memberOf <https://w3id.org/seccoop/id/sco> } ORDER BY ?m"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("clients-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("clients-store")) as running:
        yield running


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_ask_construct(server, method):
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(method)
    client.setQuery(MEMBERS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["m"]["value"] for r in rows] == [SCR + "china", SCR + "russia"]
    client.setReturnFormat(XML)
    client.setQuery("ASK { <https://w3id.org/seccoop/id/china> ?p ?o }")
    assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    client.setReturnFormat(TURTLE)
    client.setQuery("CONSTRUCT WHERE { <https://w3id.org/seccoop/id/china> ?p ?o }")
    data = client.query().convert()
    assert b"https://w3id.org/seccoop/id/sco" in data or b"scr:sco" in data


def test_rdflib_sparqlstore(server):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(SPARQLStore(query_endpoint=server.url + "/sparql"))
    rows = list(graph.query(MEMBERS))
    assert [str(r.m) for r in rows] == [SCR + "china", SCR + "russia"]
    assert bool(graph.query("ASK { ?s ?p ?o }").askAnswer)
    label = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert str(graph.value(rdflib.URIRef(SCR + "china"), label)) == "China"
