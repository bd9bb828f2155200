"""The SPARQL 1.1 Protocol at /sparql, in-process (Starlette's TestClient), on a small project."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from server_support import built_project, client_for
from seccoop.server.protocol import negotiate, RESULT_OFFERS, GRAPH_OFFERS, parse_accept
from seccoop.server.worker import execute

SCR = "https://w3id.org/seccoop/id/"
SC = "https://w3id.org/seccoop/ontology#"
MEMBERS = "SELECT ?m WHERE { ?m sc:memberOf scr:sco } ORDER BY ?m"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return built_project(tmp_path_factory, "mini")


@pytest.fixture(scope="module")
def client(mini):
    with client_for(mini, query_workers=1) as c:
        yield c


def test_get_select_json_by_default(client):
    r = client.get("/sparql", params={"query": MEMBERS})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert "accept" in r.headers["vary"].lower()
    values = [b["m"]["value"] for b in r.json()["results"]["bindings"]]
    assert values == [SCR + "china", SCR + "russia"]
    assert "x-sparql-truncated" not in r.headers


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_content_negotiation(client, accept, media):
    r = client.get("/sparql", params={"query": MEMBERS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "china" in r.text


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_in_every_rdf_format(client, accept, fmt):
    query = "CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }"
    r = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query",
                                                       "Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    quads = list(ox.parse(r.content, format=fmt))
    assert {(q.subject.value, q.object.value) for q in quads} == {
        (SCR + "china", SCR + "sco"), (SCR + "russia", SCR + "sco")}


def test_unacceptable_accept_is_406(client):
    r = client.get("/sparql", params={"query": MEMBERS}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_a_kind_asked_in_the_other_family_gets_its_default(client):
    """SELECT asked for Turtle gets SPARQL JSON; CONSTRUCT asked for SPARQL results
    (rdflib's SPARQLStore with returnFormat=json) gets Turtle: established servers answer
    such mismatches with a default of the right family rather than 406."""
    r = client.get("/sparql", params={"query": MEMBERS}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(r.json()["results"]["bindings"]) == 2
    query = "CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }"
    r = client.get("/sparql", params={"query": query},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 2


def test_post_form_and_direct(client):
    r = client.post("/sparql", data={"query": "ASK { scr:china sc:memberOf scr:sco }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = client.post("/sparql", content="ASK { scr:sco sc:memberOf scr:china }",
                    headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert r.status_code == 200 and r.json()["boolean"] is False


@pytest.mark.parametrize("headers,status", [
    ({"Content-Type": "text/plain"}, 415),
    ({}, 415),
    ({"Content-Type": "application/sparql-query; charset=UTF-16"}, 415),
])
def test_wrong_request_content_type(client, headers, status):
    r = client.post("/sparql", content=b"ASK {}", headers=headers)
    assert r.status_code == status


def test_two_queries_and_updates_are_refused(client):
    r = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert r.status_code == 400
    r = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 400 and "SPARQL Update is not offered" in r.text
    r = client.post("/sparql", content="CLEAR ALL",
                    headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 400 and "read-only" in r.text
    r = client.get("/sparql", params={"query": "INSERT DATA { scr:a scr:b scr:c }"})
    assert r.status_code == 400 and "not offered" in r.text


def test_syntax_error_has_line_and_column(client):
    r = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 400
    body = r.json()
    assert body["line"] == 2 and body["column"] >= 1
    assert "line 2" in body["message"]
    r = client.get("/sparql", params={"query": "ASK {"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    assert "line 1, column" in r.text


def test_methods(client):
    for method in ("PUT", "DELETE", "PATCH"):
        r = client.request(method, "/sparql")
        assert r.status_code == 405
        assert "GET" in r.headers["allow"]
    r = client.options("/sparql")
    assert r.status_code == 204 and "OPTIONS" in r.headers["allow"]
    r = client.head("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.content == b""


def test_body_cap(mini):
    with client_for(mini, max_body=100, query_workers=1) as small:
        r = small.post("/sparql", content="ASK {}" + " " * 200,
                       headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413

        def chunks():  # no Content-Length: counted while read
            yield b"ASK {}"
            yield b" " * 200

        r = small.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        assert r.status_code == 413


def test_inferred_switch(client):
    query = "ASK { scr:sco a sc:Organisation }"  # inferred: sc:Forum rdfs:subClassOf sc:Organisation
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    r = client.get("/sparql", params={"query": query, "inferred": "false"})
    assert r.json()["boolean"] is False
    r = client.get("/sparql", params={"query": query, "inferred": "maybe"})
    assert r.status_code == 400


def test_protocol_dataset(client):
    facts = "https://w3id.org/seccoop/graph/data/facts.ttl"
    onto = "https://w3id.org/seccoop/graph/ontology/mini.ttl"
    query = "ASK { scr:china sc:memberOf scr:sco }"
    assert client.get("/sparql", params={"query": query, "default-graph-uri": facts}).json()["boolean"]
    assert not client.get("/sparql", params={"query": query, "default-graph-uri": onto}).json()["boolean"]
    r = client.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { scr:china ?p ?o } }",
                                      "named-graph-uri": facts})
    assert {b["g"]["value"] for b in r.json()["results"]["bindings"]} == {facts}


def test_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    objects = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    assert "http://www.w3.org/ns/owl-profile/RL" in objects
    assert "http://www.w3.org/ns/entailment/OWL-RDF-Based" not in objects
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in objects
    assert any(t.predicate.value == SC + "maxRows" and t.object.value == "10000" for t in triples)
    # issue 12: the closure is described by a seccoop term, not a comment
    assert any(t.predicate.value == SC + "materialisation" for t in triples)
    comment = next(t.object.value for t in triples if t.predicate.value.endswith("#comment")
                   and "Limits" in t.object.value)
    assert "SERVICE and LOAD are refused" in comment and "from memory (up to 64 MB" in comment
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and json.loads(r.text)


def test_service_description_states_the_settings_in_use():
    from seccoop.render.documents import service_description
    from seccoop.settings import Settings

    text = service_description("http://h", Settings(result_cache_mb=0, max_rows=7,
                                                    allow_service=("http://example.org/q",)))
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    comment = next(t.object.value for t in triples if t.predicate.value.endswith("#comment")
                   and "Limits" in t.object.value)
    assert "SERVICE may call only http://example.org/q" in comment
    assert "memory" not in comment and "at most 7 rows" in comment
    with pytest.raises(ValueError):
        service_description("http://h", Settings(allow_service=('x" ; a <y',)))


def test_void(client):
    r = client.get("/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    void = "http://rdfs.org/ns/void#"
    # issue 12: void:graph is not a VoID term; subsets name their graph through sd:name
    sd_name = "http://www.w3.org/ns/sparql-service-description#name"
    graphs = {t.object.value for t in triples if t.predicate.value == sd_name}
    assert "https://w3id.org/seccoop/graph/data/facts.ttl" in graphs
    classes = {t.object.value for t in triples if t.predicate.value == void + "class"}
    assert SC + "Forum" in classes
    assert any(t.predicate.value == void + "triples" for t in triples)


def test_format_parameter(client):
    r = client.get("/sparql", params={"query": MEMBERS, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    # Unknown values are ignored (Fuseki, Virtuoso): the Accept header decides.
    r = client.get("/sparql", params={"query": MEMBERS, "format": "nonsense"},
                   headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/tab-separated")


@pytest.mark.parametrize("params,accept,kind,expected", [
    # SPARQLWrapper sends format, output and results, each with its own value.
    ([("format", "rdf+xml"), ("format", "application/rdf+xml"), ("output", "rdf+xml"),
      ("results", "rdf+xml")], "application/rdf+xml", "graph", "application/rdf+xml"),
    ([("format", "json-ld"), ("output", "json-ld")], "application/ld+json", "graph",
     "application/ld+json"),
    ([("format", "n3"), ("output", "n3")], None, "graph", "text/turtle"),
    ([("format", "rdf")], None, "graph", "application/rdf+xml"),
    ([("format", "json")], None, "graph", "application/ld+json"),
    ([("format", "xml")], None, "select", "application/sparql-results+xml"),
    ([("format", "application/sparql-results+json")], None, "select",
     "application/sparql-results+json"),
    ([("output", "tsv"), ("output", "text/tab-separated-values")], None, "select",
     "text/tab-separated-values"),
    ([("format", "turtle")], None, "select", "application/sparql-results+json"),  # inapplicable
    ([("results", "csv")], None, "select", "text/csv"),
    # A parameter never overrides a stricter Accept.
    ([("format", "json")], "application/sparql-results+xml", "select",
     "application/sparql-results+xml"),
])
def test_format_parameters_are_lenient(client, params, accept, kind, expected):
    query = (MEMBERS if kind == "select"
             else "CONSTRUCT { ?m sc:memberOf ?f } WHERE { ?m sc:memberOf ?f }")
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params=[("query", query), *params], headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_in_csv_or_tsv_is_answered_as_a_boolean(client, accept):
    for query, answer in (("ASK { scr:china sc:memberOf scr:sco }", True),
                          ("ASK { scr:sco sc:memberOf scr:china }", False)):
        r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/sparql-results+json")
        assert r.json()["boolean"] is answer


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_flags_truncation(mini, fmt):
    with client_for(mini, max_rows=2, query_workers=1) as capped:
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        r = capped.get("/sparql", params={"query": query, "format": fmt})
        assert r.status_code == 200
        assert r.headers["x-sparql-truncated"] == "true"
        assert count_rows(r.content, fmt) == 2
        r = capped.get("/sparql", params={"query": query + " LIMIT 2", "format": fmt})
        assert "x-sparql-truncated" not in r.headers
        r = capped.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert r.headers["x-sparql-truncated"] == "true"
        assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 2


def count_rows(data: bytes, fmt: str) -> int:
    if fmt == "csv":  # pyoxigraph does not parse CSV results (lossy): the csv module does
        return len(list(csv.reader(io.StringIO(data.decode(), newline="")))) - 1
    return len(list(ox.parse_query_results(data, getattr(ox.QueryResultsFormat, fmt.upper()))))


def test_row_cap_counts_exactly_despite_tricky_literals():
    # "},{" inside literals inflates the JSON separator count: the exact recount decides.
    store = ox.Store()
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"),
                          ox.Literal("a},{b}},{\"c\n" * 5)))
    status, kind, _rows, truncated, body = execute(store, "SELECT ?o { ?s ?p ?o }", "json", None,
                                                   max_rows=3)
    assert (status, truncated) == ("ok", False)
    assert len(json.loads(body)["results"]["bindings"]) == 3
    *_, truncated, body = execute(store, "SELECT ?o { ?s ?p ?o }", "csv", None, max_rows=2)
    assert truncated and count_rows(body, "csv") == 2


def test_negotiation_follows_q_values():
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS) == "xml"
    assert negotiate("text/*;q=0.9, text/csv;q=0", RESULT_OFFERS) == "tsv"
    assert negotiate("application/*", GRAPH_OFFERS) == "ntriples"
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8", RESULT_OFFERS) == "html"
    assert parse_accept("a/b;q=bad") == (("a", "b", 0.0),)


def test_cors_is_opt_in(client, mini):
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert "access-control-allow-origin" not in r.headers
    with client_for(mini, cors=True, query_workers=1) as open_client:
        r = open_client.get("/sparql", params={"query": "ASK {}"})
        assert r.headers["access-control-allow-origin"] == "*"
        r = open_client.get("/id/china.ttl")
        assert r.headers["access-control-allow-origin"] == "*"


FACTS = "https://w3id.org/seccoop/graph/data/facts.ttl"
ONTO = "https://w3id.org/seccoop/graph/ontology/mini.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"


def _count(client, query, params=()) -> int:
    r = client.get("/sparql", params=[("query", query), *params])
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_from_names_the_default_graph(client, store_of_mini):
    facts = len(list(store_of_mini.quads_for_pattern(None, None, None, ox.NamedNode(FACTS))))
    everything = _count(client, COUNT.format(**{"from": ""}))
    assert 0 < facts < everything
    assert _count(client, COUNT.format(**{"from": f"FROM <{FACTS}>"})) == facts
    # A graph the store does not hold is an empty graph, not the union.
    assert _count(client, COUNT.format(**{"from": "FROM <urn:x-nothing>"})) == 0
    # FROM NAMED alone: an empty default graph.
    assert _count(client, COUNT.format(**{"from": f"FROM NAMED <{FACTS}>"})) == 0
    # The protocol's dataset takes precedence over the query's.
    assert _count(client, COUNT.format(**{"from": "FROM <urn:x-nothing>"}),
                  [("default-graph-uri", FACTS)]) == facts


def test_default_graph_uri_alone_names_no_graph(client):
    query = "SELECT ?g WHERE { GRAPH ?g { } }"
    r = client.get("/sparql", params=[("query", query), ("default-graph-uri", FACTS)])
    assert r.json()["results"]["bindings"] == []
    r = client.get("/sparql", params=[("query", query), ("named-graph-uri", ONTO)])
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [ONTO]


def test_inferred_false_composes_with_every_dataset(client, store_of_mini):
    from seccoop import INFERRED_GRAPH_IRI

    inferred = len(list(store_of_mini.quads_for_pattern(None, None, None,
                                                         ox.NamedNode(INFERRED_GRAPH_IRI))))
    assert inferred > 0
    from_inferred = COUNT.format(**{"from": f"FROM <{INFERRED_GRAPH_IRI}>"})
    assert _count(client, from_inferred) == inferred
    assert _count(client, from_inferred, [("inferred", "false")]) == 0
    assert _count(client, COUNT.format(**{"from": ""}),
                  [("default-graph-uri", INFERRED_GRAPH_IRI), ("inferred", "false")]) == 0


@pytest.fixture(scope="module")
def store_of_mini(mini):
    from seccoop.store import open_store

    project, store_dir = mini
    return open_store(project, store_dir, auto_build=False)


def test_a_long_query_asked_by_a_browser_is_answered_in_place(client):
    """A 303 to /query?query=... would carry the whole text in its Location: past a few
    kilobytes the query page is answered in place instead of a link nobody can follow."""
    padding = "# " + "x" * 60 + "\n"
    long_query = padding * 300 + MEMBERS
    r = client.post("/sparql", data={"query": long_query}, headers={"Accept": "text/html"},
                    follow_redirects=False)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "location" not in r.headers
    assert SCR + "china" in r.text or "China" in r.text
    short = client.post("/sparql", data={"query": MEMBERS}, headers={"Accept": "text/html"},
                        follow_redirects=False)
    assert short.status_code == 303 and short.headers["location"].startswith("/query?")
