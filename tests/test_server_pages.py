"""Linked-data documents and HTML pages, in-process, on a small project of our own."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from server_support import built_project
from seccoop.server.app import create_app
from seccoop.settings import Settings

SCR = "https://w3id.org/seccoop/id/"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    project, store_dir = built_project(tmp_path_factory, "pages")
    with TestClient(create_app(Settings(query_workers=1), project, store_dir)) as c:
        yield c


HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_home(client):
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Forums" in r.text and 'href="/id/sco"' in r.text
    assert "Shanghai Cooperation Organisation" in r.text


def test_entity_page(client):
    r = client.get("/id/china", headers=HTML)
    assert r.status_code == 200
    page = r.text
    assert "<h1>China</h1>" in page
    assert "member of" in page                       # the property's label, not its IRI
    assert 'href="/id/sco"' in page and ">Shanghai Cooperation Organisation<" in page
    assert "China is a founding member of the Shanghai Cooperation Organisation." in page
    assert 'href="/ontology#Actor"' in page
    assert r.headers["vary"] == "Accept"
    assert "/id/china.ttl" in r.headers["link"] and 'rel="alternate"' in r.headers["link"]


def test_inferred_facts_are_marked_with_explanation_links(client):
    page = client.get("/id/sco", headers=HTML).text
    assert 'class="inferred"' in page and "/explain?" in page
    assert "Referenced by" in page and 'href="/id/russia"' in page
    # hasMember is inferred from owl:inverseOf: marked, and asserted facts are not.
    row = next(line for line in page.split("<tr>") if "has member" in line)
    assert "inferred" in row


def test_explain(client):
    params = {"s": SCR + "sco", "p": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
              "o": "<https://w3id.org/seccoop/ontology#Organisation>"}
    r = client.get("/explain", params=params, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["status"] == "inferred"
    r = client.get("/explain", params=params, headers=HTML)
    assert r.status_code == 200 and "inferred by rule" in r.text
    assert client.get("/explain", params={"s": "x"}).status_code == 400


def test_explain_takes_prefixed_names_and_labels(client):
    """As the CLI's explain does: scr:sco, rdf:type, sc:Organisation, or a label."""
    for s, p, o in (("scr:sco", "rdf:type", "sc:Organisation"),
                    ("Shanghai Cooperation Organisation", "rdf:type", "sc:Organisation")):
        r = client.get("/explain", params={"s": s, "p": p, "o": o},
                       headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()["status"] == "inferred", r.text
    r = client.get("/explain", params={"s": "Shanghai Cooperation Organisaton", "p": "rdf:type",
                                        "o": "sc:Organisation"}, headers={"Accept": "application/json"})
    assert r.status_code == 400 and "Shanghai Cooperation Organisation" in r.text


def test_explanations_share_one_closure(tmp_path_factory, monkeypatch):
    from seccoop import reasoning

    made = []
    real = reasoning.explainer
    monkeypatch.setattr(reasoning, "explainer", lambda store: made.append(1) or real(store))
    project, store_dir = built_project(tmp_path_factory, "explain-once")
    params = {"s": SCR + "sco", "p": SCR.replace("id/", "ontology#") + "hasMember",
              "o": SCR + "china"}
    with TestClient(create_app(Settings(query_workers=1), project, store_dir)) as c:
        for _ in range(3):
            r = c.get("/explain", params=params, headers={"Accept": "application/json"})
            assert r.status_code == 200 and r.json()["status"] == "inferred", r.text
    assert made == [1]


def test_a_slow_explainer_is_bounded_by_the_timeout(tmp_path_factory, monkeypatch):
    # A closure that takes longer than --timeout needs a large project; a slowed-down
    # explainer stands in for one.
    import time

    from seccoop import reasoning

    real = reasoning.explainer
    monkeypatch.setattr(reasoning, "explainer", lambda store: time.sleep(2) or real(store))
    project, store_dir = built_project(tmp_path_factory, "explain-slow")
    params = {"s": SCR + "sco", "p": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
              "o": "<https://w3id.org/seccoop/ontology#Organisation>"}
    with TestClient(create_app(Settings(query_workers=1, timeout=0.5), project, store_dir)) as c:
        started = time.monotonic()
        r = c.get("/explain", params=params, headers={"Accept": "application/json"})
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        assert time.monotonic() - started < 1.5
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        time.sleep(2)
        r = c.get("/explain", params=params, headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.json()["status"] == "inferred"


@pytest.mark.parametrize("ext,media,fmt", [
    ("ttl", "text/turtle", ox.RdfFormat.TURTLE), ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_entity_alternates(client, ext, media, fmt):
    r = client.get(f"/id/china.{ext}")
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    triples = list(ox.parse(r.content, format=fmt))
    assert any(t.subject.value == SCR + "china" and t.object.value == SCR + "sco" for t in triples)
    r = client.get("/id/china", headers={"Accept": media})
    assert r.headers["content-type"].split(";")[0] == media


def test_unknown_resources_are_404(client):
    assert client.get("/id/nothing-here", headers=HTML).status_code == 404
    assert client.get("/id/nothing-here.ttl").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/ontology.xyz").status_code == 404


def test_ontology_page(client):
    r = client.get("/ontology", headers=HTML)
    assert r.status_code == 200
    assert 'id="Forum"' in r.text and "A standing forum of states." in r.text
    assert 'id="memberOf"' in r.text
    r = client.get("/ontology.ttl")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value.endswith("#Forum") for t in triples)
    assert not any(t.subject.value == SCR + "china" for t in triples)


def test_query_page_runs_a_named_query(client):
    r = client.get("/query", headers=HTML)
    assert r.status_code == 200 and "Members of forums" in r.text and "<textarea" in r.text
    r = client.get("/query", params={"query": "SELECT ?member ?forum WHERE { ?member sc:memberOf ?forum }"})
    assert r.status_code == 200
    assert 'href="/id/china"' in r.text and ">China<" in r.text
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in r.text
    r = client.get("/query", params={"query": "ASK {"})
    assert r.status_code == 400 and "line 1" in r.text


def test_browsers_asking_sparql_are_sent_to_the_query_page(client):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/query?")


def test_xss_in_data_is_escaped(client):
    page = client.get("/id/evil", headers=HTML).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onmouseover="alert' not in page
    home = client.get("/", headers=HTML).text
    assert "<script>alert(1)</script>" not in home


def test_xss_in_query_results_is_escaped(client):
    query = 'SELECT ?x ?y WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) ' \
            'BIND(IRI("javascript:alert(1)") AS ?y) }'
    page = client.get("/query", params={"query": query}).text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page


@pytest.mark.parametrize("path", ["/static/..%2f..%2fsettings.py", "/static/%2e%2e/app.py",
                                  "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fsettings.py",
                                  "/static/nothing.css"])
def test_static_path_traversal_is_404(client, path):
    assert client.get(path).status_code == 404


def test_static_and_favicon(client):
    assert client.get("/static/style.css").status_code == 200
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"


# --- a hub: bounded pages ----------------------------------------------------------------

HUB_LINKS = 40


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    from seccoop.project import find_project
    from seccoop.store import build
    from server_support import DATA, make_project

    actors = "\n".join(f'scr:actor-{i:02d} a sc:Actor ; rdfs:label "Actor {i}"@en ; '
                       f"sc:memberOf scr:sco ." for i in range(HUB_LINKS))
    root = make_project(tmp_path_factory.mktemp("hub-project"), data=DATA + actors)
    store_dir = tmp_path_factory.mktemp("hub-store")
    build(find_project(root), store_dir)
    settings = Settings(query_workers=1, max_page_facts=10, max_rows=15)
    with TestClient(create_app(settings, find_project(root), store_dir)) as c:
        yield c


def test_a_hub_page_lists_the_first_facts_and_says_so(hub):
    page = hub.get("/id/sco", headers=HTML).text
    incoming = page.split('<section class="incoming">')[1].split("</section>")[0]
    assert incoming.count("<tr>") == 1 + 10  # the header row and ten references
    assert "Only the first 10 are shown" in incoming
    link = incoming.split('href="')[1].split('"')[0].replace("&amp;", "&")
    everything = hub.get(link)  # the query page: more than the ten, up to its own row cap
    assert everything.status_code == 200
    assert len(set(re.findall(r"/id/actor-\d+", everything.text))) == 15
    assert "Neighbourhood (the first 10 links)" in page
    small = hub.get("/id/actor-07", headers=HTML).text
    assert "Only the first" not in small and "the first 10 links" not in small


def test_a_hub_document_is_cut_at_the_row_cap_with_the_signal(hub):
    r = hub.get("/id/sco.nt")
    assert r.status_code == 200 and r.headers["x-sparql-truncated"] == "true"
    assert len(r.text.strip().splitlines()) == 15
    r = hub.get("/id/actor-07.nt")
    assert "x-sparql-truncated" not in r.headers and len(r.text.strip().splitlines()) < 15


def test_concurrent_first_requests_compute_a_page_once(tmp_path_factory):
    import threading
    import time

    from seccoop.server.app import Server

    project, store_dir = built_project(tmp_path_factory, "once")
    server = Server(Settings(query_workers=1), project, store_dir)
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return "page"

    threads = [threading.Thread(target=server.cached, args=("home", compute)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and server.cached("home", compute) == "page"
