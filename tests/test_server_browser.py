"""The web interface in a real browser: Playwright driving Debian's Chromium.

Skipped only when /usr/bin/chromium is absent, and then failed instead when $CI is set
(CI installs Chromium).
"""

from __future__ import annotations


import pytest

from server_support import ServerProcess, make_project

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("browser-project"))
    with ServerProcess(root, tmp_path_factory.mktemp("browser-store")) as running:
        yield running


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
              if m.type in ("error", "warning") else None)
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # a request the page itself drops when it navigates away (a pending syntax check) is
    # not a failure; anything else is
    opened.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}")
              if "net::ERR_ABORTED" not in (r.failure or "") else None)
    opened.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
              if r.status >= 400 else None)
    opened.problems = problems
    yield opened
    context.close()


def test_home_query_and_entity(server, page, artifacts):
    page.goto(server.url + "/")
    assert page.title().startswith("Home")
    assert page.locator("text=Forums").count() >= 1
    page.screenshot(path=str(artifacts / "server-home.png"), full_page=True)

    page.goto(server.url + "/query")
    page.select_option("#examples", label="Members of forums")
    assert "sc:memberOf" in page.input_value("#query")
    page.click("#run")  # the header's search box has a submit button too
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 2
    assert page.locator("table.results >> text=China").count() == 1
    page.screenshot(path=str(artifacts / "server-query.png"), full_page=True)

    page.click("table.results >> text=China")
    page.wait_for_url("**/id/china")
    assert page.locator("h1").inner_text() == "China"
    assert page.locator("text=China is a founding member").count() == 1
    page.screenshot(path=str(artifacts / "server-entity.png"), full_page=True)

    page.goto(server.url + "/id/sco")
    assert page.locator("a.inferred").count() >= 1
    page.goto(server.url + "/ontology")
    assert page.locator("#Forum").count() == 1
    page.screenshot(path=str(artifacts / "server-ontology.png"), full_page=True)
    assert page.problems == []


def test_ctrl_enter_runs_the_query(server, page):
    page.goto(server.url + "/query", wait_until="networkidle")
    # the editor (CodeMirror) keeps the textarea #query as the form's field
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)",
                  "SELECT ?x WHERE { BIND(\"<b>bold</b>\" AS ?x) }")
    page.click(".CodeMirror-line")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results")
    assert page.locator("table.results td").inner_text() == "<b>bold</b>"
    assert page.locator("table.results b").count() == 0
    assert page.problems == []
