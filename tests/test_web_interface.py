"""The web interface as people meet it: Playwright driving Debian's Chromium over a real
`seccoop serve` of this repository's graph.

At 1280 and 360 px every page must fit the viewport, keep words whole in its tables of
facts, pass axe-core (no serious or critical violation), log no console error and request
nothing from anywhere but the server. The query editor must mark a syntax error before a
run, complete ``sc:Fo`` to ``sc:Forum``, sort and page results and keep the query in the
URL; search must find "Bishkek" and "Chnia". Screenshots of every page at both widths go
to ``test-artifacts/``.

Skipped only when /usr/bin/chromium is absent or (outside CI) when axe-core is not
installed (the ``test`` extra brings it: axe-playwright-python bundles ``axe.min.js``);
under CI both are required.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conftest import REPO_ROOT
from server_support import ServerProcess, built_project, client_for

WIDTHS = (1280, 360)
PAGES = {  # name -> path: every kind of page, two entities and a sentence among them
    "home": "/",
    "entity-china": "/id/china",
    "entity-summit": "/id/bishkek-summit-2007",
    "sentence": "/id/p1-s4",
    "query": "/query",
    "ontology": "/ontology",
    "search": "/search?q=Bishkek",
}

# Elements sticking out of the viewport on the right (those inside a box that scrolls
# sideways on its own are clipped by it and do not count), and the page's own width.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p); if (s.overflowX === 'auto' || s.overflowX === 'scroll'
          || s.overflowX === 'hidden') return true; } return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 && !scrolls(el))
      out.push(el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
               ? '.' + el.className : '') + ' right=' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, out: out.slice(0, 8)};
}"""

# Words of the tables of facts (their folded sources opened) drawn over two lines: each
# run of letters or digits of a text node is one Range; a word whose rectangles sit on two
# lines was broken inside.
# Tokens that are IRIs or web addresses without their scheme (only they may break
# anywhere: "eng.mod.gov.cn/Database/RegionalCooperation/Brief.htm" is wider than a phone)
# are left out.
BROKEN_WORDS_JS = """() => {
  const broken = []; let words = 0;
  // sources too: every folded <details> of the tables is opened first
  for (const d of document.querySelectorAll('table.facts details')) d.open = true;
  for (const cell of document.querySelectorAll('table.facts td, table.facts th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (const token of text.matchAll(/\\S+/g)) {
        if (/:\\/\\/|^<|>$|^\\(?[\\w-]+(\\.[\\w-]+)+\\//.test(token[0])) continue;  // IRIs, host/paths
        for (const word of token[0].matchAll(/[\\p{L}\\p{N}]+/gu)) {
          const range = document.createRange();
          const start = token.index + word.index;
          range.setStart(node, start); range.setEnd(node, start + word[0].length);
          const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                .map(r => Math.round(r.top)));
          words += 1;
          if (tops.size > 1) broken.push(word[0]);
        }
      }
    }
  }
  return {words, broken};
}"""


def _axe_source() -> str | None:
    try:
        import axe_playwright_python
    except ImportError:
        return None
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return path.read_text(encoding="utf-8") if path.exists() else None


@pytest.fixture(scope="module")
def axe() -> str:
    source = _axe_source()
    if source is None:
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing (pip install '.[test]' brings axe-playwright-python)")
        pytest.skip("axe-core is absent: pip install '.[test]' (axe-playwright-python)")
    return source


@pytest.fixture(scope="module")
def server(store_dir):
    with ServerProcess(REPO_ROOT, store_dir) as running:
        yield running


class Watched:
    """A page with what it logged and requested: console errors, failed or 4xx/5xx
    responses, and every URL asked for."""

    def __init__(self, browser, width: int, scheme: str = "light"):
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           color_scheme=scheme)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}")
                     if "net::ERR_ABORTED" not in (r.failure or "") else None)
        self.page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}")
                     if r.status >= 400 else None)
        self.page.on("request", lambda r: self.requests.append(r.url))

    def foreign(self, server_url: str) -> list[str]:
        here = urlsplit(server_url).netloc
        return [u for u in self.requests if not u.startswith("data:") and urlsplit(u).netloc != here]


@pytest.fixture
def watched(browser):
    opened: list[Watched] = []

    def make(width: int = 1280, scheme: str = "light") -> Watched:
        opened.append(Watched(browser, width, scheme))
        return opened[-1]

    yield make
    for w in opened:
        w.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_keeps_words_whole_and_passes_axe(server, watched, artifacts, axe, width):
    w = watched(width)
    for name, path in PAGES.items():
        w.page.goto(server.url + path, wait_until="networkidle")
        w.page.screenshot(path=str(artifacts / f"web-{name}-{width}.png"), full_page=True)
        fit = w.page.evaluate(OVERFLOW_JS)
        assert fit["scrollWidth"] <= fit["innerWidth"] and not fit["out"], (name, width, fit)
        words = w.page.evaluate(BROKEN_WORDS_JS)
        assert not words["broken"], (name, width, words["broken"][:10])
        opened = w.page.evaluate(OVERFLOW_JS)  # the sources opened fit as well
        assert opened["scrollWidth"] <= opened["innerWidth"] and not opened["out"], (name, opened)
        if name.startswith(("entity", "sentence")):
            assert words["words"] > 20, (name, words)  # the check saw the facts
        w.page.evaluate(axe)
        violations = w.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, (name, width, serious)
    assert w.problems == [], w.problems
    assert w.foreign(server.url) == [], w.foreign(server.url)


def test_dark_mode_keeps_its_contrast(server, watched, artifacts, axe):
    w = watched(1280, "dark")
    for name in ("entity-summit", "query", "search"):
        w.page.goto(server.url + PAGES[name], wait_until="networkidle")
        background = w.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 21, 25)", background  # the dark palette is on
        w.page.screenshot(path=str(artifacts / f"web-{name}-1280-dark.png"))
        w.page.evaluate(axe)
        failing = w.page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['color-contrast']})).violations"
            ".map(v => v.nodes.map(n => n.target + ' ' + n.failureSummary))")
        assert failing == [], (name, failing)
    assert w.problems == []


def test_entity_pages_group_facts_fold_sources_and_show_no_blank_ids(server, watched):
    w = watched()
    w.page.goto(server.url + "/id/china")
    groups = w.page.locator("section.facts table.facts tbody tr")
    properties = [groups.nth(i).locator("td").first.inner_text() for i in range(groups.count())]
    assert len(properties) == len(set(properties)) > 3  # one row per property
    assert w.page.locator("section.facts details.sources").count() > 0
    assert not w.page.locator("section.facts details.sources[open]").count()  # folded
    badge = w.page.locator("section.facts a.inferred").first
    assert "/explain?" in badge.get_attribute("href")
    counts = w.page.locator("section.incoming ul.counts li")
    assert counts.count() >= 1 and re.search(r": [\d,]+", counts.first.inner_text())
    w.page.goto(server.url + "/id/p1-s4")  # a sentence: the facts it supports, not _:b ids
    incoming = w.page.locator("section.incoming").inner_text()
    assert "_:" not in incoming and w.page.locator("section.incoming .statement").count() > 5
    w.page.goto(server.url + "/id/sco")
    w.page.locator("a.inferred").first.click()
    w.page.wait_for_url("**/explain?**")
    assert w.page.locator("h1").inner_text() == "Why does this hold?"
    assert w.problems == []


def _editor_set(page, text: str) -> None:
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", text)


def test_the_editor_marks_a_syntax_error_before_running(server, watched):
    w = watched()
    w.page.goto(server.url + "/query", wait_until="networkidle")
    before = len(w.requests)
    _editor_set(w.page, "SELECT ?s\nWHERE {\n  ?s foo:bar ?o .\n}\n")
    mark = w.page.wait_for_selector(".CodeMirror-lint-mark-error", timeout=10_000)
    line = mark.evaluate("m => [...document.querySelectorAll('.CodeMirror-code > div')]"
                         ".findIndex(l => l.contains(m))")
    assert line == 2  # the third line, 0-based
    assert mark.inner_text() in ("foo:bar", "foo:bar ")
    status = w.page.locator("#parse-status")
    assert status.get_attribute("data-line") == "3"
    assert "line 3" in status.inner_text() and "foo:" in status.inner_text()
    assert w.page.locator(".CodeMirror-code > div").nth(2).locator(
        ".CodeMirror-lint-marker-error").count() == 1
    # checked, not run: no request went to the endpoint or the results page
    asked = w.requests[before:]
    assert asked and all("/api/parse" in u for u in asked), asked
    _editor_set(w.page, "SELECT ?s WHERE { ?s a sc:Forum }")
    expect(w.page.locator("#parse-status")).to_have_text("", timeout=10_000)
    assert w.page.locator(".CodeMirror-lint-mark-error").count() == 0
    assert w.problems == []


def test_completion_offers_classes_after_a_prefix(server, watched):
    w = watched()
    w.page.goto(server.url + "/query", wait_until="networkidle")
    _editor_set(w.page, "SELECT ?s WHERE { ?s a ")
    w.page.evaluate("() => { const cm = document.querySelector('.CodeMirror').CodeMirror;"
                    " cm.focus(); cm.setCursor(cm.lineCount(), 0); }")
    w.page.keyboard.type("sc:Fo", delay=30)
    hints = w.page.wait_for_selector(".CodeMirror-hints", timeout=5_000)
    offered = [h.strip().split()[0] for h in hints.inner_text().splitlines() if h.strip()]
    assert "sc:Forum" in offered and all(h.lower().startswith("sc:fo") for h in offered)
    w.page.keyboard.press("Enter")
    value = w.page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert value.endswith("sc:Forum") or value.endswith(offered[0])
    assert w.problems == []


def _cells(page, column: int = 0) -> list[str]:
    texts = page.locator(f"table.results tbody tr td:nth-child({column + 1})").all_inner_texts()
    return [t.split()[0] if t.strip() else "" for t in texts]  # "3 xsd:integer": "3"


def test_results_sort_page_and_stay_in_the_url(server, watched):
    w = watched()
    w.page.goto(server.url + "/query", wait_until="networkidle")
    _editor_set(w.page, "SELECT ?n WHERE { VALUES ?n { 3 10 2 25 1 } }")
    w.page.click("#run")
    w.page.wait_for_selector("table.results")
    assert "query=" in w.page.url and "VALUES" in w.page.url.replace("+", " ").replace("%20", " ")
    w.page.click("table.results th button")
    assert _cells(w.page) == ["1", "2", "3", "10", "25"]  # numbers sort as numbers
    w.page.click("table.results th button")
    assert _cells(w.page) == ["25", "10", "3", "2", "1"]
    assert w.page.get_attribute("table.results th", "aria-sort") == "descending"
    # 120 rows: 50 a page, and a pager
    _editor_set(w.page, "SELECT ?i WHERE { VALUES ?x { 0 1 2 3 4 5 6 7 8 9 10 11 } "
                        "VALUES ?y { 0 1 2 3 4 5 6 7 8 9 } BIND(?x * 10 + ?y AS ?i) }")
    w.page.click("#run")
    w.page.wait_for_selector("text=Page 1 of 3")
    assert len(_cells(w.page)) == 50
    w.page.click(".pager >> text=Next")
    assert len(_cells(w.page)) == 50 and w.page.locator("text=Page 2 of 3").count() == 1
    # a shared link shows the same result without JavaScript's help
    shared = w.page.url
    w.page.goto(shared)
    assert "120 rows" in w.page.locator("#results .count").inner_text()
    assert w.problems == []


def test_examples_stay_chosen_and_downloads_are_named(server, watched):
    w = watched()
    w.page.goto(server.url + "/query", wait_until="networkidle")
    w.page.select_option("#examples", "fields-by-forum")
    text = w.page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert "PREFIX sc:" not in text and "SELECT" in text  # predeclared prefixes left out
    w.page.click("#run")
    w.page.wait_for_selector("table.results")
    assert w.page.input_value("#examples") == "fields-by-forum"
    w.page.reload()
    assert w.page.input_value("#examples") == "fields-by-forum"  # chosen by the server too
    names = w.page.locator(".downloads a").evaluate_all("as => as.map(a => a.getAttribute('download'))")
    assert "fields-by-forum.csv" in names and "fields-by-forum.json" in names
    assert w.problems == []


def test_search_finds_by_label_alias_and_typo(server, watched):
    import httpx

    w = watched()
    w.page.goto(server.url + "/search?q=Bishkek")
    found = w.page.locator("ol.hits a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "/id/bishkek" in found[:3] and "/id/bishkek-summit-2007" in found[:3]
    assert found[0] == "/id/bishkek"  # the exact label first
    w.page.goto(server.url + "/search?q=Chnia")
    assert w.page.locator("ol.hits a").first.get_attribute("href") == "/id/china"
    hits = httpx.get(server.url + "/api/search", params={"q": "Chnia"}).json()["results"]
    assert hits[0]["iri"].endswith("/id/china") and hits[0]["match"] == "fuzzy"
    hits = httpx.get(server.url + "/api/search", params={"q": "bishkek"}).json()["results"]
    assert {h["href"] for h in hits[:3]} >= {"/id/bishkek", "/id/bishkek-summit-2007"}
    # suggestions as one types, in the header's box of any page
    w.page.goto(server.url + "/ontology", wait_until="networkidle")
    w.page.fill("#site-search", "Bish")
    w.page.locator("#site-search-suggestions option").nth(1).wait_for(state="attached")
    options = w.page.locator("#site-search-suggestions option").evaluate_all(
        "os => os.map(o => o.value)")
    assert "Bishkek" in options and "SCO Bishkek Summit 2007" in options
    w.page.press("#site-search", "Enter")
    w.page.wait_for_url("**/search?q=Bish")
    # picking a suggestion (Chromium reports it as a replacement, not typing) opens its page
    w.page.fill("#site-search", "Bish")
    w.page.locator("#site-search-suggestions option").nth(1).wait_for(state="attached")
    w.page.evaluate("() => { const box = document.getElementById('site-search'); box.value = 'Bishkek';"
                    " box.dispatchEvent(new InputEvent('input', {inputType: 'insertReplacementText'})); }")
    w.page.wait_for_url("**/id/bishkek")
    assert w.problems == [] and w.foreign(server.url) == []


def test_the_query_page_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/query")
        page.fill("#query", "SELECT ?f WHERE { ?f a sc:Forum }")
        page.click("#run")
        page.wait_for_selector("table.results")
        assert "query=" in page.url and page.locator("table.results tbody tr").count() >= 2
        page.goto(server.url + "/")
        page.fill("#site-search", "Chnia")
        page.press("#site-search", "Enter")
        assert page.locator("ol.hits a").first.get_attribute("href") == "/id/china"
    finally:
        context.close()


def test_a_running_query_shows_progress_and_can_be_cancelled(server, watched):
    w = watched()
    w.page.goto(server.url + "/query", wait_until="networkidle")
    _editor_set(w.page, "SELECT ?n WHERE { VALUES ?n { 1 } }")
    w.page.click("#run")
    w.page.wait_for_selector("table.results")
    # a cross product of the whole graph with itself, three times: seconds at least
    _editor_set(w.page, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    w.page.click("#run")
    expect(w.page.locator("#running")).to_contain_text("Running", timeout=5_000)
    assert w.page.locator("#cancel").is_visible()
    w.page.click("#cancel")
    expect(w.page.locator("#running")).to_have_text("Cancelled.", timeout=5_000)
    assert w.page.locator("#cancel").is_hidden()
    assert _cells(w.page) == ["1"]  # the previous result stays
    assert w.problems == []


# --- the JSON routes behind the pages (no browser needed) ---------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with client_for(built_project(tmp_path_factory, "web-api")) as c:
        yield c


def test_parse_reports_the_position_without_running(client):
    import time

    bad = client.post("/api/parse", data={"query": "SELECT *\nWHERE {\n  ?s foo:bar ?o\n}"}).json()
    assert bad == {"ok": False, "line": 3, "column": 13, "message": bad["message"]}
    assert "line 3, column 13" in bad["message"] and "'foo:'" in bad["message"]
    assert client.get("/api/parse", params={"query": "SELECT * { ?s sc:memberOf ?o }"}).json()["ok"]
    refused = client.get("/api/parse", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> "
                                                         "{ ?s ?p ?o } }"}).json()
    assert not refused["ok"] and "SERVICE" in refused["message"] and refused["line"] is None
    # valid, and minutes of work if evaluated (ASK evaluates at once): parsed, not run
    values = " ".join(str(i) for i in range(300))
    costly = f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} " \
             "FILTER(?a + ?b + ?c < 0) }"
    started = time.monotonic()
    assert client.post("/api/parse", data={"query": costly}).json()["ok"]
    assert time.monotonic() - started < 5
    assert not client.get("/api/parse", params={"query": "SELEC * {}"}).json()["ok"]  # still alive


def test_terms_list_prefixes_classes_and_properties(client):
    terms = client.get("/api/terms").json()
    assert terms["prefixes"]["sc"] == "https://w3id.org/seccoop/ontology#"
    classes = {t["name"]: t["label"] for t in terms["classes"]}
    properties = {t["name"] for t in terms["properties"]}
    assert classes["sc:Forum"] == "Forum" and "sc:Actor" in classes
    assert {"sc:memberOf", "sc:hasMember", "rdfs:label"} <= properties
    assert "sc:memberOf" not in classes


def test_search_json_ranks_exact_prefix_and_fuzzy(client):
    def found(text: str) -> list[tuple[str, str]]:
        reply = client.get("/api/search", params={"q": text})
        assert reply.status_code == 200
        return [(h["href"], h["match"]) for h in reply.json()["results"]]

    assert found("China")[0] == ("/id/china", "exact")
    assert found("chi")[0] == ("/id/china", "prefix")
    assert found("Chnia")[0] == ("/id/china", "fuzzy")
    assert found("cooperation")[0] == ("/id/sco", "prefix")  # a word of the label
    assert found("zzzz") == [] and found("") == []
    assert client.get("/api/search", params={"q": "x", "limit": "many"}).status_code == 400
    page = client.get("/search", params={"q": "Chnia"}).text
    assert 'href="/id/china"' in page and "close to" in page


def test_describe_resolves_names_with_the_same_matcher(tmp_path_factory):
    from seccoop.errors import ResolveError
    from seccoop.store import open_store, resolve

    project, store_dir = built_project(tmp_path_factory, "resolve")
    store = open_store(project, store_dir, auto_build=False)
    assert resolve(store, "  CHINA ").value.endswith("/id/china")  # an exact label
    with pytest.raises(ResolveError) as typo:
        resolve(store, "Chnia")
    assert typo.value.candidates[0] == ("https://w3id.org/seccoop/id/china", "China")
