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


SC = "https://w3id.org/seccoop/ontology#"
MEMBERSHIP = {(SCR + "china", SC + "memberOf", SCR + "sco"),
              (SCR + "russia", SC + "memberOf", SCR + "sco")}
CONSTRUCT = f"CONSTRUCT {{ ?m <{SC}memberOf> ?f }} WHERE {{ ?m <{SC}memberOf> ?f }}"
DESCRIBE = f"DESCRIBE <{SCR}russia>"


def _rows_of(converted, fmt: str) -> list[str]:
    """The ?m values of a converted SELECT result, whatever the format."""
    if fmt == "json":
        return [b["m"]["value"] for b in converted["results"]["bindings"]]
    if fmt == "xml":
        return [n.getElementsByTagName("uri")[0].firstChild.data
                for n in converted.getElementsByTagName("binding")]
    lines = converted.decode().strip().splitlines()[1:]
    return [line.strip().strip("<>") for line in lines]


def _boolean_of(converted, fmt: str) -> bool:
    if fmt == "xml":
        return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    if isinstance(converted, (bytes, str)):  # CSV/TSV asked: answered in SPARQL JSON
        import json
        return json.loads(converted)["boolean"]
    return converted["boolean"]


def _triples_of(converted) -> set[tuple[str, str, str]]:
    import rdflib

    graph = converted
    if isinstance(converted, (bytes, str)):
        graph = rdflib.Graph().parse(data=converted, format="turtle")
    return {(str(s), str(p), str(o)) for s, p, o in graph}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_and_ask_in_every_results_format(server, method, fmt):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(MEMBERS)
    assert _rows_of(client.query().convert(), fmt) == [SCR + "china", SCR + "russia"]
    for query, answer in ((f"ASK {{ <{SCR}china> <{SC}memberOf> <{SCR}sco> }}", True),
                          (f"ASK {{ <{SCR}sco> <{SC}memberOf> <{SCR}china> }}", False)):
        client.setQuery(query)
        assert _boolean_of(client.query().convert(), fmt) is answer


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", ["turtle", "n3", "rdf", "rdf+xml", "xml", "json-ld", "json"])
def test_sparqlwrapper_construct_and_describe_in_every_rdf_format(server, method, fmt):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(CONSTRUCT)
    assert _triples_of(client.query().convert()) == MEMBERSHIP
    client.setQuery(DESCRIBE)
    described = _triples_of(client.query().convert())
    assert (SCR + "russia", SC + "memberOf", SCR + "sco") in described
    assert all(s == SCR + "russia" for s, _, _ in described)


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_in_every_return_format(server, fmt):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=server.url + "/sparql", returnFormat=fmt)
    graph = rdflib.Graph(store)
    assert [str(r.m) for r in graph.query(MEMBERS)] == [SCR + "china", SCR + "russia"]
    member_of = rdflib.URIRef(SC + "memberOf")
    china, sco = rdflib.URIRef(SCR + "china"), rdflib.URIRef(SCR + "sco")
    assert (china, member_of, sco) in graph
    assert (sco, member_of, china) not in graph
    assert graph.query(f"ASK {{ <{SCR}china> <{SC}memberOf> <{SCR}sco> }}").askAnswer is True
    assert graph.query(f"ASK {{ <{SCR}sco> <{SC}memberOf> <{SCR}china> }}").askAnswer is False
    constructed = graph.query(CONSTRUCT).graph
    assert {(str(s), str(p), str(o)) for s, p, o in constructed} == MEMBERSHIP
    described = graph.query(DESCRIBE).graph
    assert (rdflib.URIRef(SCR + "russia"), member_of, sco) in described
