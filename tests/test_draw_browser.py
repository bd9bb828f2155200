"""The pictures in Chromium: they render (a screenshot with real content, the expected marks
present), and clicking a node opens its entity page.

The pages are a small static page set written with the library (one page per picture, one
page per linked resource) and served by ``python -m http.server``, so the test exercises real
HTTP navigation. Screenshots go to the ``artifacts`` folder. Skipped only when Chromium is
absent, and then only outside CI.
"""

from __future__ import annotations

import base64
import html
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from seccoop import SC, SCR, draw

def static_link(iri: str) -> str | None:
    """Relative links, as the static site uses them."""
    return f"id/{iri[len(SCR):]}.html" if iri.startswith(SCR) else None


@pytest.fixture(scope="module")
def site(store, tmp_path_factory):
    """Pages for the pictures, and a page for every resource they link to, over HTTP."""
    root = tmp_path_factory.mktemp("pictures-site")
    (root / "id").mkdir()
    pictures = {"timeline": draw.timeline_svg(store, static_link),
                "network": draw.network_svg(store, static_link),
                "china": draw.network_svg(store, static_link, around=SCR + "china")}
    for name, svg in pictures.items():
        (root / f"{name}.html").write_text(draw.html_page(svg, name), encoding="utf-8")
    for node in draw.network(store).nodes + draw.network(store, SCR + "china").nodes:
        slug = node.iri[len(SCR):]
        (root / "id" / f"{slug}.html").write_text(
            f"<!DOCTYPE html><title>{html.escape(node.label)}</title>"
            f"<h1 data-iri=\"{html.escape(node.iri)}\">{html.escape(node.label)}</h1>", encoding="utf-8")
    for event in draw.timeline_events(store):
        page = root / "id" / f"{event.iri[len(SCR):]}.html"
        if not page.exists():
            page.write_text(f"<!DOCTYPE html><h1 data-iri=\"{event.iri}\">{html.escape(event.label)}</h1>")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def page(browser):
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield tab
    tab.close()


def colours(page, png: bytes) -> int:
    """How many distinct colours the screenshot holds (counted in the browser's canvas)."""
    data = "data:image/png;base64," + base64.b64encode(png).decode()
    return page.evaluate("""async (url) => {
        const img = new Image(); img.src = url; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
        for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i+1] << 8) | d[i+2]);
        return seen.size; }""", data)


def shoot(page, artifacts: Path, name: str) -> bytes:
    png = page.screenshot(full_page=True)
    (artifacts / f"{name}.png").write_bytes(png)
    return png


def test_timeline_renders(page, site, artifacts):
    page.goto(site + "timeline.html")
    events = page.locator("svg.seccoop-timeline g.event")
    assert events.count() >= 12
    assert page.locator(f"g.event[data-iri='{SCR}arf-round-table-maritime-security'] tspan.co-host") \
        .all_text_contents() == ["China", "Indonesia"]
    box = page.locator(f"g.event[data-iri='{SCR}cadsds-2008'] circle").bounding_box()
    early = page.locator(f"g.event[data-iri='{SCR}bishkek-summit-2007'] circle").bounding_box()
    assert box["width"] > 0 and early["x"] < box["x"]
    assert colours(page, shoot(page, artifacts, "draw-timeline")) > 20


def test_network_renders(page, site, artifacts):
    page.goto(site + "network.html")
    nodes = page.locator("svg.seccoop-network g.node")
    assert nodes.count() >= 40
    assert page.locator(f"g.node[data-iri='{SCR}sco'] circle").is_visible()
    assert colours(page, shoot(page, artifacts, "draw-network")) > 20
    page.goto(site + "china.html")
    assert page.locator(f"g.node[data-iri='{SCR}china']").count() == 1
    assert colours(page, shoot(page, artifacts, "draw-network-china")) > 20


def test_clicking_a_node_opens_its_entity_page(page, site):
    page.goto(site + "network.html")
    page.locator(f"g.node[data-iri='{SCR}indonesia'] circle").click()
    page.wait_for_url("**/id/indonesia.html")
    assert page.locator("h1").inner_text() == "Indonesia"


def test_clicking_a_timeline_mark_opens_its_entity_page(page, site):
    page.goto(site + "timeline.html")
    page.locator(f"g.event[data-iri='{SCR}cadsds-2008'] circle").click()
    page.wait_for_url("**/id/cadsds-2008.html")
    assert "Senior Defense Scholars" in page.locator("h1").inner_text()


# --- the real web server, with the pictures in its pages ----------------------------------------

@pytest.fixture(scope="module")
def server(project, store_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "seccoop", "--project", str(project.root),
                                "--store", str(store_dir), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("seccoop serve exited")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=20)


def test_server_pages_show_the_pictures(page, server, artifacts):
    page.goto(server + "/")
    assert page.locator("svg.seccoop-timeline g.event").count() >= 12
    assert colours(page, shoot(page, artifacts, "draw-server-home")) > 20
    page.goto(server + "/ontology")
    assert page.locator(f"svg.seccoop-ontology g.class[data-iri='{SC}Forum']").count() == 1
    page.goto(server + "/id/china")
    assert page.locator("svg.seccoop-timeline g.event").count() >= 4  # China's own timeline
    assert colours(page, shoot(page, artifacts, "draw-server-china")) > 20


def test_server_click_on_a_network_node_opens_its_page(page, server):
    page.goto(server + "/id/arf-round-table-maritime-security")
    page.locator(f"svg.seccoop-network g.node[data-iri='{SCR}indonesia'] circle").click()
    page.wait_for_url("**/id/indonesia")
    assert "Indonesia" in page.locator("h1").first.inner_text()


# --- readable pictures: the boxes Chromium lays out ------------------------------------------

TEXT_BOXES = """(svg) => {
    // Each <text>'s getBBox(), mapped into the picture's own coordinates (rotations included).
    const root = svg.getScreenCTM().inverse();
    return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
        const b = t.getBBox(), m = root.multiply(t.getScreenCTM());
        const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                     [b.x + b.width, b.y + b.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
        const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
        return [t.textContent, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    }); }"""


def browser_collisions(page, selector: str) -> tuple[int, list]:
    boxes = page.locator(selector).first.evaluate(TEXT_BOXES)
    slack = 0.5  # sub-pixel rounding of glyph boxes
    hits = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] + slack < b[3] and b[1] + slack < a[3] and a[2] + slack < b[4] and b[2] + slack < a[4]]
    return len(boxes), hits


@pytest.mark.parametrize("name", ["network", "china", "timeline"])
def test_no_labels_overlap_in_chromium(page, site, name):
    page.goto(site + f"{name}.html")
    count, hits = browser_collisions(page, "svg")
    assert count > 40
    assert hits == []


@pytest.fixture(scope="module")
def desktop(browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


MARKS = """(svg) => [...svg.querySelectorAll('g.event')].map(g => {
    const mark = g.querySelector('a > circle, a > path, g > circle, g > path').getBoundingClientRect();
    return [g.dataset.iri, g.dataset.date, mark.left, mark.right, mark.width]; })"""


def test_home_timeline_fits_1280_px(desktop, server, artifacts):
    desktop.goto(server + "/")
    svg = desktop.locator("svg.seccoop-timeline").first
    width = desktop.evaluate("window.innerWidth")
    marks = svg.evaluate(MARKS)
    assert len(marks) >= 12 and any(date for _, date, *_ in marks)
    for iri, date, left, right, size in marks:
        assert size > 0 and 0 <= left and right <= width, (iri, date, left, right, width)
    box = svg.evaluate("s => { const c = s.parentElement; return [c.scrollWidth, c.clientWidth]; }")
    assert box[0] <= box[1], f"the timeline's box scrolls sideways: {box}"
    undated = desktop.locator("svg.seccoop-timeline text", has_text="date not given").first
    edge = undated.bounding_box()
    assert edge["x"] + edge["width"] <= width
    count, hits = browser_collisions(desktop, "svg.seccoop-timeline")
    assert count > 40 and hits == []


def test_screenshots_of_the_pictures(browser, site, server, artifacts):
    """The home timeline, the whole network, China's neighbourhood and the ontology diagram
    at 1280 and 360 px, for a person to look at."""
    pages = {"home-timeline": (server + "/", "timeline"), "network": (site + "network.html", "network"),
             "neighbourhood-china": (server + "/id/china", "network"),
             "ontology": (server + "/ontology", "ontology")}
    for width in (1280, 360):
        tab = browser.new_page(viewport={"width": width, "height": 900})
        for name, (url, kind) in pages.items():
            tab.goto(url)
            svg = tab.locator(f"svg.seccoop-{kind}").first
            box = tab.locator(f"svg.seccoop-{kind} >> xpath=..").first  # what scrolls, if anything
            box.scroll_into_view_if_needed()
            edge = box.bounding_box()
            assert edge["x"] >= 0 and edge["x"] + edge["width"] <= width, (name, width, edge)
            # Scaled to fit where there is room; on a phone at least 720 px wide, to scroll.
            assert svg.bounding_box()["width"] >= min(width - 40, 720), (name, width)
            png = box.screenshot()
            (artifacts / f"pictures-{name}-{width}.png").write_bytes(png)
            assert colours(tab, png) > 8
        tab.close()
