"""The pictures are readable: no two labels overlap, computed from the SVG's own layout.

Every ``<text>`` element's box comes from its ``x``, ``y``, font size, weight and
``text-anchor`` (inherited as SVG inherits them) and the font's advance widths
(:func:`seccoop.layout.text_width`); a rotated text counts with the box around it. The same
check runs in Chromium, on the boxes the browser lays out, in test_draw_browser.py.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from seccoop import SCR, draw, layout, render_svg

SVG = "{http://www.w3.org/2000/svg}"
INHERITED = ("font-size", "font-weight", "text-anchor")


def inherited(element: ET.Element, parents: dict, name: str, default: str) -> str:
    while element is not None:
        if element.get(name) is not None:
            return element.get(name)
        element = parents.get(element)
    return default


def rotated(box: layout.Box, transform: str | None) -> layout.Box:
    """The box around ``box`` turned by a ``rotate(a cx cy)`` transform."""
    match = re.fullmatch(r"rotate\(([-\d.]+) ([-\d.]+) ([-\d.]+)\)", transform or "")
    if not match:
        assert not transform, f"unexpected transform {transform!r}"
        return box
    angle, cx, cy = (float(g) for g in match.groups())
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    corners = [(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    turned = [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
              for x, y in corners]
    xs, ys = [p[0] for p in turned], [p[1] for p in turned]
    return min(xs), min(ys), max(xs), max(ys)


def text_boxes(svg: str) -> list[tuple[str, layout.Box]]:
    """(text, box) of every line of text the SVG writes."""
    root = ET.fromstring(svg)
    parents = {child: parent for parent in root.iter() for child in parent}
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size = float(inherited(text, parents, "font-size", "16"))
        bold = inherited(text, parents, "font-weight", "normal") == "bold"
        anchor = inherited(text, parents, "text-anchor", "start")
        lines = [t for t in text if t.tag == f"{SVG}tspan" and t.get("dy") is not None]
        x, y = float(text.get("x")), float(text.get("y"))
        pieces = [(x, y, "".join(text.itertext()))] if not lines else []
        for line in lines:  # lines of a wrapped label: each tspan restarts at its x, dy lower
            y += float(line.get("dy"))
            pieces.append((float(line.get("x", x)), y, "".join(line.itertext())))
        for px, py, content in pieces:
            box = layout.text_box(content, px, py, size, anchor, bold)
            boxes.append((content, rotated(box, text.get("transform"))))
    return boxes


def collisions(svg: str) -> list[tuple[str, str]]:
    boxes = [(t, b) for t, b in text_boxes(svg) if t.strip()]
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if layout.overlap(a[1], b[1])]


def test_the_box_model_matches_a_known_label():
    # "China" at 12 px in DejaVu Sans: 5 advance widths (C 698, h 634, i 278, n 634, a 613).
    box = layout.text_box("China", 100, 50, 12, "middle")
    assert box[2] - box[0] == pytest.approx(12 * (698 + 634 + 278 + 634 + 613) / 1000)
    assert box[0] + box[2] == pytest.approx(200)
    assert box[1] < 50 < box[3]


def test_the_collision_check_sees_an_overlap():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" font-size="12"><text x="10" y="20">China'
           '</text><g font-size="10"><text x="30" y="24" text-anchor="middle">Russia</text></g></svg>')
    assert collisions(svg) == [("China", "Russia")]
    assert collisions(svg.replace('y="24"', 'y="40"')) == []


@pytest.fixture(scope="module")
def pictures(store) -> dict[str, str]:
    return {"network": draw.network_svg(store, draw.server_link),
            "neighbourhood": draw.network_svg(store, draw.server_link, around=SCR + "china"),
            "timeline": draw.timeline_svg(store, draw.server_link),
            "actor-timeline": draw.timeline_svg(store, draw.server_link, actor=SCR + "china"),
            "ontology": draw.ontology_svg(store, draw.server_link)}


@pytest.mark.parametrize("kind", ["network", "neighbourhood", "timeline", "actor-timeline", "ontology"])
def test_no_two_labels_overlap(pictures, kind):
    svg = pictures[kind]
    assert len(text_boxes(svg)) > 20  # the picture has its labels
    assert collisions(svg) == []


def test_every_label_lies_inside_the_picture(pictures):
    for kind, svg in pictures.items():
        root = ET.fromstring(svg)
        x0, y0, width, height = (float(v) for v in root.get("viewBox").split())
        for content, box in text_boxes(svg):
            assert x0 <= box[0] and box[2] <= x0 + width and y0 <= box[1] and box[3] <= y0 + height, \
                (kind, content, box, root.get("viewBox"))


def test_every_timeline_item_has_its_mark_and_date(pictures):
    root = ET.fromstring(pictures["timeline"])
    events = [g for g in root.iter(f"{SVG}g") if g.get("class") == "event"]
    assert len(events) >= 12
    for event in events:
        marks = [e for e in event.iter() if e.tag in (f"{SVG}circle", f"{SVG}path")]
        captions = [t for t in event.iter(f"{SVG}text") if t.get("class") == "caption"]
        assert marks and captions, event.get("data-iri")
        date = event.get("data-date") or "date not given"
        assert "".join(captions[0].itertext()).startswith(date), event.get("data-iri")


def test_no_nested_links_and_links_are_not_hidden(pictures):
    """axe-core's nested-interactive: no link inside a link, no link inside role="img"."""
    for svg in pictures.values():
        root = ET.fromstring(svg)
        assert root.get("role") != "img" and root.get("aria-label")
        links = list(root.iter(f"{SVG}a"))
        assert links
        for link in links:
            assert not list(link.iter(f"{SVG}a"))[1:], link.get("href")


# --- any project: made-up data in other shapes ---------------------------------------------

def made_up_link(iri: str) -> str:
    return "/r/" + iri.rsplit("/", 1)[-1]


def test_a_long_timeline_with_long_captions_stays_readable():
    people = tuple(render_svg.Ref(f"http://example.org/p{i}", f"Person number {i} of the board")
                   for i in range(6))
    lanes = [render_svg.Ref(f"http://example.org/l{i}", f"Lane {i} with a long name to wrap")
             for i in range(3)]
    events = [render_svg.Event(f"http://example.org/e{i}", f"Event {i} " + "word " * (i % 9),
                               "meeting" if i % 3 else "signed",
                               None if i % 11 == 0 else f"{1950 + (i * 7) % 70}-{1 + i % 12:02d}",
                               lanes[i % 3], hosts=people[: i % 4], cohosts=people[4:] if i % 5 == 0 else ())
              for i in range(60)]
    svg = render_svg.timeline_svg(events, made_up_link, title="A long timeline")
    root = ET.fromstring(svg)
    assert float(root.get("width")) <= render_svg.TIMELINE_W + 10
    assert collisions(svg) == []
    x0, y0, width, height = (float(v) for v in root.get("viewBox").split())
    for content, box in text_boxes(svg):
        assert x0 <= box[0] and box[2] <= x0 + width, content


def test_a_network_in_pieces_and_an_empty_one():
    nodes = tuple(render_svg.Node(f"http://example.org/n{i}", f"Node {i} " + "x" * (i % 7), f"g{i % 3}")
                  for i in range(40))
    edges = tuple(render_svg.Edge(f"http://example.org/n{i}", f"http://example.org/n{(i * 3 + 1) % 20}",
                                  "links to") for i in range(20))  # nodes 20..39 stand alone
    groups = tuple(render_svg.Ref(f"g{i}", f"Group {i}") for i in range(3))
    svg = render_svg.network_svg(render_svg.Network(nodes, edges, groups), made_up_link)
    assert collisions(svg) == [] and len(text_boxes(svg)) >= 40
    around = render_svg.Network(nodes[:25], edges, groups, centre=nodes[1].iri)
    assert collisions(render_svg.network_svg(around, made_up_link)) == []
    empty = render_svg.network_svg(render_svg.Network((), (), groups), made_up_link)
    assert ET.fromstring(empty).get("viewBox")
