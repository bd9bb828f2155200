"""Linked-data conventions (issue 12): bounded entity documents, one serialiser for the
server and the static site, validators, alternates, VoID and a truthful service description."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pyoxigraph as ox
import pytest

from server_support import ServerProcess, client_for, make_project

SCR = "https://w3id.org/seccoop/id/"
SC = "https://w3id.org/seccoop/ontology#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FOAF_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
DCTERMS = "http://purl.org/dc/terms/"
PROV_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
           "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
           "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
BASE = "https://example.org/kg"


# Blank nodes as objects, two levels deep, besides the fixture's reified statement.
NESTED = """
scr:china sc:note [ sc:text "first" ; sc:more [ sc:text "second" ] ] .
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    from seccoop.project import find_project
    from seccoop.store import build
    from server_support import DATA

    root = make_project(tmp_path_factory.mktemp("linked-project"), data=DATA + NESTED)
    store_dir = tmp_path_factory.mktemp("linked-store")
    build(find_project(root), store_dir)
    return find_project(root), store_dir


@pytest.fixture(scope="module")
def client(mini):
    with client_for(mini) as c:
        yield c


@pytest.fixture(scope="module")
def project_client(project, store_dir):
    """The server over the repository's own graph, publishing under ``BASE``."""
    with client_for((project, store_dir), base_url=BASE) as c:
        yield c


def _parse(data: bytes, ext: str) -> list:
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(data, format=FORMATS[ext])]


def _site_resources(store) -> list[str]:
    from seccoop.export import select_graphs
    from seccoop.site import site_resources

    return site_resources(store, select_graphs(store))


# --- bounded descriptions ------------------------------------------------------------------

def _undescribed(triples: list) -> set:
    """Blank nodes that appear as objects but never as subjects."""
    subjects = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
    return {t.object for t in triples if isinstance(t.object, ox.BlankNode)} - subjects


def test_no_blank_node_in_any_entity_document_is_left_undescribed(store):
    from seccoop.render.documents import Publication, entity_document, resource_triples

    pub, undescribed, incomplete, blanks = Publication(BASE), {}, {}, 0
    for iri in _site_resources(store):
        data, cut = entity_document(store, iri, "ntriples", pub)
        assert not cut
        if _undescribed(_parse(data, "nt")):
            undescribed[iri] = len(_undescribed(_parse(data, "nt")))
        # Before serialisation the blank nodes are the store's: each has all its triples.
        triples = set(resource_triples(store, iri))
        for node in {term for t in triples for term in (t.subject, t.object)
                     if isinstance(term, ox.BlankNode)}:
            blanks += 1
            if any(q.triple not in triples for q in store.quads_for_pattern(node, None, None)):
                incomplete.setdefault(iri, []).append(node)
    assert not undescribed, f"blank nodes mentioned but not described: {undescribed}"
    assert not incomplete, f"blank nodes described in part: {list(incomplete)[:5]}"
    assert blanks > 100  # the reified statements of the graph's facts


def test_nested_blank_objects_are_described_through_the_server(client):
    triples = _parse(client.get("/id/china.nt").content, "nt")
    assert not _undescribed(triples)
    texts = {t.object.value for t in triples if t.predicate.value == SC + "text"}
    assert {"first", "second"} <= texts


def test_a_fact_of_a_document_leads_to_its_source(store):
    """The reified statement of `china memberOf sco` and its source sentence, in china's
    document: the statement's blank node has all its triples (not one)."""
    from seccoop.render.documents import Publication, entity_document

    data, _ = entity_document(store, SCR + "china", "turtle", Publication(BASE))
    triples = _parse(data, "ttl")
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    statements = [s for s, ts in by_subject.items() if isinstance(s, ox.BlankNode)
                  and any(t.predicate.value == PROV_FROM for t in ts)]
    assert statements, "no reified statement with its source in china's document"
    for node in statements:
        predicates = {t.predicate.value.rsplit("#", 1)[-1] for t in by_subject[node]}
        assert {"subject", "predicate", "object", "wasDerivedFrom"} <= predicates
    doc = ox.NamedNode(BASE + "/id/china.ttl")
    about = {t.predicate.value: t.object for t in triples if t.subject == doc}
    assert about[FOAF_TOPIC] == ox.NamedNode(SCR + "china")
    assert about[DCTERMS + "license"].value.startswith("https://creativecommons.org/")


def test_blank_nodes_are_described_through_the_server_too(client):
    triples = _parse(client.get("/id/china.nt").content, "nt")
    statement = [t.subject for t in triples if t.predicate.value == PROV_FROM]
    assert len(statement) == 1  # the fixture's one reified membership, with its source
    described = {t.predicate.value for t in triples if t.subject == statement[0]}
    assert len(described) == 4 and PROV_FROM in described


# --- one serialiser ------------------------------------------------------------------------

def test_server_and_site_documents_are_the_same_bytes(store, store_dir, project_client,
                                                      tmp_path):
    from seccoop.site import build_site
    from seccoop.store import current_build, read_manifest

    built = read_manifest(current_build(store_dir))["built"]
    out = tmp_path / "site"
    build_site(store, out, base_url=BASE + "/", built=built)
    resources = _site_resources(store)
    assert len(resources) > 100
    compared, differ = 0, []
    for iri in resources:
        name = iri[len(SCR):]
        for ext in FORMATS:
            served = project_client.get(f"/id/{name}.{ext}")
            assert served.status_code == 200 and "x-sparql-truncated" not in served.headers
            compared += 1
            if served.content != (out / "id" / f"{name}.{ext}").read_bytes():
                differ.append(f"{name}.{ext}")
    assert not differ, f"{len(differ)} of {compared} documents differ: {differ[:5]}"
    assert compared == 6 * len(resources)
    for name in ("ontology.ttl", "ontology.jsonld"):
        assert project_client.get("/" + name).content == (out / name).read_bytes()
    print(f"{compared} documents identical on the server and in the site")


def test_jsonld_documents_use_the_shipped_context(project_client):
    from seccoop.jsonld import core_context

    document = project_client.get("/id/china.jsonld").json()
    context = document["@context"]
    assert all(context[key] == value for key, value in core_context().items())
    ids = {node["id"] for node in document["@graph"]}
    assert "scr:china" in ids  # compacted with the context's prefixes


# --- headers, formats, pages ------------------------------------------------------------

@pytest.mark.parametrize("ext,media", [
    ("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
    ("rdf", "application/rdf+xml"), ("nq", "application/n-quads"), ("trig", "application/trig")])
def test_every_rdf_format_by_extension_and_by_accept(client, ext, media):
    by_ext = client.get(f"/id/china.{ext}")
    assert by_ext.status_code == 200 and by_ext.headers["content-type"].split(";")[0] == media
    assert any(t.subject.value == SCR + "china" and t.object.value == SCR + "sco"
               for t in _parse(by_ext.content, ext))
    by_accept = client.get("/id/china", headers={"Accept": media})
    assert by_accept.status_code == 200 and by_accept.content == by_ext.content
    assert by_accept.headers["content-location"] == f"/id/china.{ext}"


def test_document_headers_and_revalidation(client, mini):
    from seccoop.store import current_build, read_manifest

    r = client.get("/id/china", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert "max-age=" in r.headers["cache-control"]
    assert r.headers["content-location"] == "/id/china.ttl"
    assert "accept" in r.headers["vary"].lower()
    built = read_manifest(current_build(mini[1]))["built"]  # e.g. 2026-11-30T11:15:32+0000
    assert parsedate_to_datetime(modified) == datetime.strptime(built, "%Y-%m-%dT%H:%M:%S%z")
    again = client.get("/id/china", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    since = client.get("/id/china.ttl", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/id/china.ttl", headers={"If-Modified-Since": older}).status_code == 200
    other = client.get("/id/china.jsonld", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    asserted = client.get("/id/china.ttl", params={"inferred": "false"})
    assert asserted.headers["etag"] != etag
    assert asserted.headers["content-location"] == "/id/china.ttl?inferred=false"
    triples = _parse(r.content, "ttl")
    doc_modified = next(t.object for t in triples if t.predicate.value == DCTERMS + "modified")
    assert doc_modified.datatype.value.endswith("#dateTime") and doc_modified.value[:19] == built[:19]


def test_html_documents_and_alternates(client):
    page = client.get("/id/china.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-location"] == "/id/china.html"
    head = page.text.split("</head>")[0]
    for ext, media in (("ttl", "text/turtle"), ("nq", "application/n-quads")):
        assert f'<link rel="alternate" type="{media}" href="/id/china.{ext}"' in head
    assert page.text == client.get("/id/china", headers=HTML).text
    for path, target in (("/", "/void.ttl"), ("/ontology", "/ontology.ttl"),
                         ("/void", "/void.ttl"), ("/query", "/void.ttl")):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        head = r.text.split("</head>")[0]
        assert f'rel="alternate" type="text/turtle" href="{target}"' in head, path


def test_void_asked_for_html_is_a_page(client):
    r = client.get("/void", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>Dataset description (VoID)</h1>" in r.text and "data/facts.ttl" in r.text
    machine = client.get("/void")  # no Accept: Turtle, labelled as Turtle
    assert machine.headers["content-type"].startswith("text/turtle")


def test_html_404s_vary_on_accept(client):
    for path in ("/id/nothing-here", "/no/such/page"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert r.headers["vary"] == "Accept"
        plain = client.get(path, headers={"Accept": "text/turtle"})
        assert plain.status_code == 404 and plain.headers["vary"] == "Accept"


# --- VoID ---------------------------------------------------------------------------------

def test_void_uses_standard_terms(client):
    r = client.get("/void.nt")
    triples = _parse(r.content, "nt")
    predicates = {t.predicate.value for t in triples}
    assert VOID + "graph" not in predicates and VOID + "subset" in predicates
    partitions = [t.object for t in triples if t.predicate.value == VOID + "classPartition"]
    assert partitions and all(isinstance(p, ox.NamedNode) for p in partitions)
    classes = [t.object for t in triples if t.predicate.value == VOID + "class"]
    assert ox.NamedNode(SC + "Forum") in classes
    assert all(isinstance(c, ox.NamedNode) for c in classes)
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
                   for t in triples)
    names = {t.object.value for t in triples if t.predicate.value == SD + "name"}
    assert "https://w3id.org/seccoop/graph/data/facts.ttl" in names
    dumps = [t.object.value for t in triples if t.predicate.value == VOID + "dataDump"]
    assert len(dumps) == 6 and all(d.startswith("http://127.0.0.1:8000/dumps/") for d in dumps)
    nt = next(d for d in dumps if d.endswith(".nt"))
    dump = client.get(nt.removeprefix("http://127.0.0.1:8000"))
    assert dump.status_code == 200 and dump.headers["content-type"].startswith("application/n-triples")
    total = next(int(t.object.value) for t in triples if t.predicate.value == VOID + "triples"
                 and t.subject.value.endswith("/void"))
    assert len(set(_parse(dump.content, "nt"))) == total


# --- the service description ---------------------------------------------------------------

def _sd(text: str) -> list:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def test_service_description_is_truthful(mini):
    from seccoop.render.documents import service_description
    from seccoop.settings import Settings
    from seccoop.store import open_store

    project, store_dir = mini
    store = open_store(project, store_dir, auto_build=False)
    triples = _sd(service_description(None, Settings(), store))
    terms = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    assert not any("entailment/RIF" in term for term in terms)
    service = ox.NamedNode("http://127.0.0.1:8000/sparql")
    regime = [t for t in triples if t.predicate.value == SD + "defaultEntailmentRegime"]
    assert [(t.subject, t.object.value) for t in regime] == \
        [(service, "http://www.w3.org/ns/entailment/Simple")]
    types = {(t.subject, t.object.value) for t in triples if t.predicate.value == RDF_TYPE}
    on_graphs = [t.subject for t in triples if t.predicate.value == SD + "entailmentRegime"]
    assert on_graphs and all((s, SD + "NamedGraph") in types for s in on_graphs)
    names = {t.object.value for t in triples if t.predicate.value == SD + "name"}
    assert names == {g.value for g in store.named_graphs()}
    omitted = " ".join(t.object.value for t in triples if t.predicate.value == SC + "omits")
    for entailment in ("owl:sameAs reflexivity", "owl:Thing typing", "owl:Nothing subclassing"):
        assert entailment in omitted
    labels = {t.object.value for t in triples if t.predicate.value.endswith("#label")}
    assert {"inferred", "format", "output", "results"} <= labels
    prefixes = {t.object.value for t in triples if t.predicate.value.endswith("shacl#prefix")}
    assert {"sc", "scr", "rdfs", "owl", "prov"} <= prefixes


def test_service_description_never_echoes_the_host_header(mini):
    project, store_dir = mini
    with ServerProcess(project.root, store_dir, "--query-workers", "1") as server:
        r = httpx.get(server.url + "/sparql", headers={"Host": "evil.example:666",
                                                       "Accept": "text/turtle"})
        assert r.status_code == 200 and "evil.example" not in r.text
        port = server.url.rsplit(":", 1)[1]
        assert f"<http://127.0.0.1:{port}/sparql> a sd:Service" in r.text
        void = httpx.get(server.url + "/void", headers={"Host": "evil.example:666"})
        assert "evil.example" not in void.text and f"127.0.0.1:{port}/dumps/" in void.text
        doc = httpx.get(server.url + "/id/china.ttl", headers={"Host": "evil.example:666"})
        assert "evil.example" not in doc.text and f"127.0.0.1:{port}/id/china.ttl" in doc.text
    with ServerProcess(project.root, store_dir, "--query-workers", "1",
                       "--base-url", "https://kg.example.org/") as server:
        r = httpx.get(server.url + "/sparql", headers={"Host": "evil.example:666",
                                                       "Accept": "text/turtle"})
        assert "<https://kg.example.org/sparql> a sd:Service" in r.text
        assert "evil.example" not in r.text


def test_a_bad_base_url_is_a_usage_error(tmp_path):
    import subprocess
    import sys

    root = make_project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-m", "seccoop", "--project", str(root), "serve",
                             "--base-url", "not a url"], capture_output=True, text=True)
    assert result.returncode == 2 and "--base-url" in result.stderr
