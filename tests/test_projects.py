"""Other people's knowledge graphs: two foreign projects (books with a seccoop.toml, films
without one) served, published, drawn and exported with their own namespaces, titles,
classes and dates, and never a trace of seccoop's own graph; ``seccoop init``."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from foreign_projects import (BOOKS_NS, BOOKS_RESOURCES, BOOKS_TITLE, FILMS_NS, FILMS_RESOURCES,
                              FILMS_TITLE, make_books, make_films)
from server_support import ServerProcess

# What must never show in a foreign project's output: seccoop's namespaces and its title.
OURS = re.compile(r"w3id\.org/seccoop|Regional security|National Defense|regional security",
                  re.I)
PROJECTS = {
    "books": (make_books, BOOKS_NS, BOOKS_TITLE, BOOKS_RESOURCES, ("Novels", "Authors"),
              {"bk": BOOKS_NS}, "http://example.org/library/graph/"),
    "films": (make_films, FILMS_NS, FILMS_TITLE, FILMS_RESOURCES, ("Films", "Directors", "Festivals"),
              {"film": FILMS_NS, "fv": "https://data.example.net/films/vocab#"},
              "https://data.example.net/films/graph/"),
}


def cli(root: Path, store: Path, *args: str):
    from seccoop.cli import cli as command

    result = CliRunner().invoke(command, ["--project", str(root), "--store", str(store), *args],
                                catch_exceptions=False)
    return result


def assert_not_ours(text: str, where: str) -> None:
    found = OURS.search(text)
    if found is not None:
        context = text[max(found.start() - 80, 0):found.end() + 40]
        pytest.fail(f"{where} names seccoop's own graph: ...{context}...")


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def project(request, tmp_path_factory):
    """One foreign project, built, with its details."""
    make, ns, title, resources, headings, prefixes, graphs = PROJECTS[request.param]
    base = tmp_path_factory.mktemp(request.param)
    root, store = make(base / request.param), base / "store"
    assert cli(root, store, "build").exit_code == 0
    return {"name": request.param, "root": root, "store": store, "ns": ns, "title": title,
            "resources": resources, "headings": headings, "prefixes": prefixes, "graphs": graphs}


@pytest.fixture(scope="module")
def served(project):
    with ServerProcess(project["root"], project["store"]) as running:
        yield running


def test_home_page_names_the_project_and_its_classes(project, served):
    page = httpx.get(served.url + "/").text
    assert f"<h1>{project['title']}</h1>" in page.replace("&#x27;", "'")
    for heading in project["headings"]:
        assert f"<h2>{heading}</h2>" in page
    for label in project["resources"].values():  # the home classes list their members
        assert esc(label) in page
    assert "<svg" in page  # the timeline, from the project's own date property
    assert_not_ours(page, "the home page")


def esc(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def test_every_resource_has_an_entity_page_with_its_facts(project, served):
    for name, label in project["resources"].items():
        response = httpx.get(f"{served.url}/id/{name}")
        assert response.status_code == 200, name
        page = response.text
        assert f"<h1>{esc(label)}</h1>" in page
        assert f"<code>{project['ns']}{name}</code>" in page
        assert 'class="facts"' in page or "Referenced by" in page
        assert_not_ours(page, f"/id/{name}")
    # The facts themselves, with labels: Dune was written by Frank Herbert; Breathless by Godard.
    if project["name"] == "books":
        assert "Frank Herbert" in httpx.get(served.url + "/id/dune").text
        assert "1965" in httpx.get(served.url + "/id/dune").text
    else:
        assert "Jean-Luc Godard" in httpx.get(served.url + "/id/breathless").text
        assert "1960-03-16" in httpx.get(served.url + "/id/breathless").text
    # Links between resources stay on the server.
    first = next(iter(project["resources"]))
    assert re.search(r'href="/id/[\w-]+"', httpx.get(f"{served.url}/id/{first}").text)
    assert httpx.get(served.url + "/id/no-such-thing").status_code == 404


def test_ontology_page_and_documents_use_the_projects_namespaces(project, served):
    page = httpx.get(served.url + "/ontology").text
    namespace = {"books": "http://example.org/library/terms#",
                 "films": "https://data.example.net/films/vocab#"}[project["name"]]
    assert f"Namespace <code>{namespace}</code>" in page
    assert_not_ours(page, "/ontology")
    first = next(iter(project["resources"]))
    turtle = httpx.get(f"{served.url}/id/{first}.ttl").text
    for prefix, ns in project["prefixes"].items():
        assert f"@prefix {prefix}: <{ns}>" in turtle
    for path in ("/void", "/void.ttl", f"/id/{first}.jsonld", "/ontology.ttl", "/dumps/seccoop.nq"):
        assert_not_ours(httpx.get(served.url + path).text, path)
    # Named graphs are named under the project's base, and queries know its prefixes.
    prefix = next(iter(project["prefixes"]))
    query = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o "
             f"FILTER(STRSTARTS(STR(?s), STR({prefix}:))) }} }}")
    rows = httpx.get(served.url + "/sparql", params={"query": query},
                     headers={"Accept": "application/sparql-results+json"}).json()
    graphs = {b["g"]["value"] for b in rows["results"]["bindings"]}
    assert graphs and all(g.startswith(project["graphs"]) for g in graphs)


def test_site_writes_a_page_per_resource(project, tmp_path):
    result = cli(project["root"], project["store"], "site", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert f"wrote {len(project['resources'])} resource pages" in result.output
    for name, label in project["resources"].items():
        page = (tmp_path / "site" / "id" / f"{name}.html").read_text()
        assert f"<h1>{esc(label)}</h1>" in page
    for path in sorted((tmp_path / "site").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".ttl", ".jsonld", ".nq", ".xml", ".conf"):
            assert_not_ours(path.read_text(), str(path.relative_to(tmp_path)))
    home = (tmp_path / "site" / "index.html").read_text()
    assert project["title"] in home.replace("&#x27;", "'")


def test_pictures_name_the_projects_resources(project, tmp_path):
    graph, timeline = tmp_path / "graph.svg", tmp_path / "timeline.svg"
    assert cli(project["root"], project["store"], "draw", "graph", "-o", str(graph)).exit_code == 0
    assert cli(project["root"], project["store"], "draw", "timeline", "-o",
               str(timeline)).exit_code == 0
    labels = [esc(label) for label in project["resources"].values()]
    graph_svg, timeline_svg = graph.read_text(), timeline.read_text()
    assert sum(label in graph_svg for label in labels) >= 4
    dated = {"books": ["Dune", "Children of Dune", "The Left Hand of Darkness"],
             "films": ["Breathless", "The 400 Blows", "Jules and Jim"]}[project["name"]]
    assert all(esc(label) in timeline_svg for label in dated)
    assert graph_svg.count("<circle") >= 4 or graph_svg.count("<g") >= 4
    around = tmp_path / "around.svg"
    person = {"books": "Frank Herbert", "films": "François Truffaut"}[project["name"]]
    assert cli(project["root"], project["store"], "draw", "graph", "--around", person,
               "-o", str(around)).exit_code == 0
    assert sum(esc(label) in around.read_text() for label in labels) >= 3
    for svg in (graph_svg, timeline_svg, around.read_text()):
        assert_not_ours(svg, "a picture")


def test_exports_stats_and_describe_use_the_projects_prefixes(project, tmp_path):
    root, store = project["root"], project["store"]
    turtle = cli(root, store, "export").output
    for prefix, ns in project["prefixes"].items():
        assert f"@prefix {prefix}: <{ns}>" in turtle
        assert f"\n{prefix}:" in turtle or f" {prefix}:" in turtle
    jsonld = json.loads(cli(root, store, "export", "-f", "jsonld").output)
    for prefix, ns in project["prefixes"].items():
        assert jsonld["@context"][prefix] == ns
    nquads = cli(root, store, "export", "-f", "nquads").output
    assert f"<{project['graphs']}data/" in nquads and f"<{project['graphs']}inferred>" in nquads
    stats = cli(root, store, "stats").output
    first_prefix = next(iter(project["prefixes"]))
    assert f"project: {root}" in stats and "data/" in stats
    described = cli(root, store, "describe", next(iter(project["resources"].values()))).output
    query = cli(root, store, "query", f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
                                      f"STR({first_prefix}:))) }} LIMIT 1", "-f", "csv")
    assert query.exit_code == 0 and project["ns"] in query.output
    for text, where in ((turtle, "export"), (json.dumps(jsonld), "jsonld"), (nquads, "nquads"),
                        (stats, "stats"), (described, "describe")):
        assert_not_ours(text, where)


def test_projects_prefixes_are_inferred_without_a_project_file(tmp_path):
    from seccoop.projectconfig import load_config

    config = load_config(make_films(tmp_path / "films"))
    assert config.title == FILMS_TITLE
    assert config.description.startswith("Directors, their films")
    assert config.resource_namespace == FILMS_NS
    assert config.ontology_namespace == "https://data.example.net/films/vocab#"
    assert [c.rsplit("#", 1)[1] for c, _ in config.home_classes] == ["Film", "Director", "Festival"]
    # Headed by their labels ("film"@en) in the plural.
    assert [heading for _, heading in config.home_classes] == ["Films", "Directors", "Festivals"]
    assert config.date_properties == ("https://data.example.net/films/vocab#premiered",)
    assert dict(config.prefixes)["film"] == FILMS_NS
    assert config.graph_base == "https://data.example.net/films/graph/"


def test_packaged_project_keeps_its_graph_names():
    from seccoop.projectconfig import packaged_config

    config = packaged_config()
    assert config.graph_base == "https://w3id.org/seccoop/graph/"
    assert config.inferred_graph == "https://w3id.org/seccoop/graph/inferred"
    assert list(config.query_prefixes)[:2] == ["sc", "scr"]


def test_init_writes_a_project_that_checks_and_serves(tmp_path):
    root, store = tmp_path / "reading", tmp_path / "store"
    from seccoop.cli import cli as command

    made = CliRunner().invoke(command, ["init", str(root)], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert (root / "seccoop.toml").is_file() and list((root / "queries").glob("*.rq"))
    checked = cli(root, store, "check")
    assert checked.exit_code == 0, checked.output
    assert "ok    SHACL shapes" in checked.output
    again = CliRunner().invoke(command, ["init", str(root)])
    assert again.exit_code == 2 and "not empty" in again.stderr
    with ServerProcess(root, store) as running:
        home = httpx.get(running.url + "/").text
        assert "<h1>A reading list</h1>" in home and "<h2>Books</h2>" in home
        assert "Middlemarch" in httpx.get(running.url + "/id/middlemarch").text
        rows = httpx.get(running.url + "/sparql", params={"query": "SELECT ?b WHERE { ?b a v:Book }"},
                         headers={"Accept": "application/sparql-results+json"}).json()
        assert len(rows["results"]["bindings"]) == 3
    site = cli(root, store, "site", str(tmp_path / "site"))
    assert site.exit_code == 0 and "wrote 5 resource pages" in site.output


def test_serve_says_when_the_files_changed(tmp_path):
    root, store = make_films(tmp_path / "films"), tmp_path / "store"
    with ServerProcess(root, store) as running:
        fresh = httpx.get(running.url + "/")
        assert "x-seccoop-stale" not in fresh.headers and "stale" not in fresh.text
        data = root / "data" / "films.ttl"
        data.write_text(data.read_text() + "film:band-of-outsiders a fv:Film .\n")
        time.sleep(1.2)  # the files are looked at once a second
        page = httpx.get(running.url + "/id/godard")
        assert page.headers["x-seccoop-stale"] == "true"
        assert 'class="note stale"' in page.text and page.text.index("stale") > page.text.index("<main")
        assert int(page.headers["content-length"]) == len(page.content)
        answer = httpx.get(running.url + "/sparql", params={"query": "ASK {}"})
        assert answer.headers["x-seccoop-stale"] == "true" and answer.json()["boolean"] is True


def test_screenshots_of_both_projects(project, served, browser, artifacts):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.url + "/")
        assert page.locator("h1").first.inner_text() == project["title"]
        page.screenshot(path=str(artifacts / f"project-{project['name']}-home.png"), full_page=True)
        first_name, first_label = next(iter(project["resources"].items()))
        page.goto(f"{served.url}/id/{first_name}")
        assert page.locator("h1").first.inner_text() == first_label
        page.screenshot(path=str(artifacts / f"project-{project['name']}-entity.png"), full_page=True)
    finally:
        context.close()
    assert (artifacts / f"project-{project['name']}-home.png").stat().st_size > 5000


def test_a_foreign_store_opens_its_own_named_graph(project):
    from seccoop.project import find_project
    from seccoop.store import open_store

    proj = find_project(project["root"])
    store = open_store(proj, project["store"], auto_build=False)
    assert ox.NamedNode(proj.config.inferred_graph) in set(store.named_graphs())


def test_serve_reload_switches_to_the_new_build(tmp_path):
    root, store = make_films(tmp_path / "films"), tmp_path / "store"
    with ServerProcess(root, store, "--reload") as running:
        assert httpx.get(running.url + "/id/band-of-outsiders").status_code == 404
        data = root / "data" / "films.ttl"
        data.write_text(data.read_text() + 'film:band-of-outsiders a fv:Film ; '
                                           'rdfs:label "Band of Outsiders"@en .\n')
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                page = httpx.get(running.url + "/id/band-of-outsiders")
            except httpx.HTTPError:  # a connection cut at the switch
                continue
            if page.status_code == 200:
                break
            time.sleep(0.2)
        assert page.status_code == 200 and "<h1>Band of Outsiders</h1>" in page.text
        assert "x-seccoop-stale" not in page.headers
        # A broken file: the last good build keeps serving, marked stale.
        data.write_text(data.read_text() + "film:broken a\n")
        time.sleep(2.5)
        kept = httpx.get(running.url + "/id/band-of-outsiders")
        assert kept.status_code == 200 and kept.headers["x-seccoop-stale"] == "true"


def test_the_lean_query_path_knows_the_projects_prefixes(project):
    import subprocess
    import sys

    prefix = next(iter(project["prefixes"]))
    query = f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR({prefix}:))) }} LIMIT 1"
    done = subprocess.run([sys.executable, "-m", "seccoop", "--project", str(project["root"]),
                           "--store", str(project["store"]), "query", query, "-f", "csv"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("s\r\n" + project["ns"]) or done.stdout.startswith("s\n" + project["ns"])
    # The prefixes recorded beside the build are what that path reads.
    from seccoop import lean
    from seccoop.store import current_build

    recorded = lean.build_prefixes(str(current_build(project["store"])))
    assert recorded is not None and recorded[prefix] == project["prefixes"][prefix]


def test_query_page_search_and_editor_apis_follow_the_project(project, served):
    """The query page, search, the editor's completions and its syntax check speak the
    project's prefixes and find its resources, never seccoop's."""
    prefix, namespace = next(iter(project["prefixes"].items()))
    page = httpx.get(served.url + "/query").text
    assert f"{prefix}:" in page and "sc:" not in page.split('id="query-hint"')[1][:400]
    assert_not_ours(page, "/query")
    terms = httpx.get(served.url + "/api/terms").json()
    assert terms["prefixes"][prefix] == namespace and "sc" not in terms["prefixes"]
    assert_not_ours(json.dumps(terms), "/api/terms")
    name, label = next(iter(project["resources"].items()))
    hits = httpx.get(served.url + "/api/search", params={"q": label}).json()["results"]
    assert hits and hits[0]["href"] == f"/id/{name}", hits
    assert_not_ours(httpx.get(served.url + "/search", params={"q": label}).text, "/search")
    checked = httpx.get(served.url + "/api/parse",
                        params={"query": f"SELECT * WHERE {{ {prefix}:{name} ?p ?o }}"}).json()
    assert checked["ok"], checked
    wrong = httpx.get(served.url + "/api/parse",
                      params={"query": "SELECT * WHERE { sc:china ?p ?o }"}).json()
    assert not wrong["ok"]  # seccoop's prefixes are not predeclared here
