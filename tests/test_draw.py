"""The pictures: timeline, network and ontology diagram, checked against the source text.

Expected entities come from ../shared/sources/regional-security-cooperation-2008.txt and
background-facts.md, not from the pictures' own output.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from seccoop import SC, SCR, draw, layout
from seccoop.cli import cli

SVG = "{http://www.w3.org/2000/svg}"

# Meetings named by the source, with their year-month (source text + background facts).
MEETINGS_2007 = {"bishkek-summit-2007": "2007-08", "arf-ministerial-meeting-14": "2007-08",
                 "china-asean-summit-2007": "2007-01", "apt-summit-2007": "2007-11",
                 "arf-round-table-maritime-security": "2007-08"}
MEETINGS_2008 = {"cadsds-2008": "2008-03", "apt-workshop-disaster-relief-2008": "2008-06"}
CO_HOSTS = {"arf-round-table-maritime-security": {"China", "Indonesia"},
            "arf-seminar-narcotics-control": {"China", "Thailand"}}
FORUMS = {"sco", "arf", "china-asean", "asean-plus-three"}
SCO_MEMBERS = {"china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan"}
AGREEMENTS = {"treaty-long-term-good-neighborly-relations", "agreement-joint-military-exercises",
              "agreement-defence-ministries-cooperation", "agreement-illegal-circulation-weapons",
              "agreement-counter-terrorism-training", "action-plan-information-security",
              "arf-guidelines-disaster-relief"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on malformed XML


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def href(element: ET.Element) -> str | None:
    anchor = element.find(f"{SVG}a")
    return anchor.get("href") if anchor is not None else None


@pytest.fixture(scope="module")
def timeline(store):
    return draw.timeline_svg(store, draw.server_link)


@pytest.fixture(scope="module")
def whole(store):
    return draw.network_svg(store, draw.server_link)


# --- timeline -------------------------------------------------------------------------------

def test_timeline_is_well_formed_with_one_mark_per_meeting(timeline):
    root = parse(timeline)
    meetings = [g.get("data-iri") for g in groups(root, "event") if g.get("data-kind") == "meeting"]
    for slug in {**MEETINGS_2007, **MEETINGS_2008, **CO_HOSTS}:
        assert meetings.count(SCR + slug) == 1, slug


def test_timeline_dates_follow_the_sources(timeline):
    marks = {g.get("data-iri"): g for g in groups(parse(timeline), "event")
             if g.get("data-kind") == "meeting"}
    for slug, month in {**MEETINGS_2007, **MEETINGS_2008}.items():
        assert marks[SCR + slug].get("data-date").startswith(month), slug


def test_2008_events_come_after_2007_ones(timeline):
    marks = {g.get("data-iri"): float(g.get("data-x")) for g in groups(parse(timeline), "event")
             if g.get("data-kind") == "meeting"}
    latest_2007 = max(marks[SCR + s] for s in MEETINGS_2007)
    earliest_2008 = min(marks[SCR + s] for s in MEETINGS_2008)
    assert latest_2007 < earliest_2008
    assert marks[SCR + "china-asean-summit-2007"] < marks[SCR + "bishkek-summit-2007"] \
        < marks[SCR + "apt-summit-2007"]


def test_cohosts_appear_on_their_events(timeline):
    marks = {g.get("data-iri"): g for g in groups(parse(timeline), "event")}
    for slug, expected in CO_HOSTS.items():
        spans = [t for t in marks[SCR + slug].iter(f"{SVG}tspan") if t.get("class") == "co-host"]
        assert {text_of(t) for t in spans} == expected, slug
    china_hosted = marks[SCR + "apt-workshop-disaster-relief-2008"]
    assert "host: China" in text_of(china_hosted)


def test_signings_and_adoptions_are_events(timeline):
    marks = [(g.get("data-iri"), g.get("data-kind")) for g in groups(parse(timeline), "event")]
    assert (SCR + "arf-guidelines-disaster-relief", "adopted") in marks
    assert (SCR + "treaty-long-term-good-neighborly-relations", "concluded") in marks
    assert (SCR + "agreement-joint-military-exercises", "signed") in marks


def test_timeline_lanes_are_the_forums_and_marks_link_to_entity_pages(timeline):
    root = parse(timeline)
    assert {g.get("data-iri") for g in groups(root, "lane")} >= {SCR + f for f in FORUMS}
    for mark in groups(root, "event"):
        assert href(mark) == "/id/" + mark.get("data-iri")[len(SCR):]


def test_month_precision_is_placed_within_the_month():
    start, stop = layout.period("2007-06")
    assert start < layout.position("2007-06") < stop
    assert layout.position("2007-06") > layout.position("2007-06-01")
    assert layout.position("2007-12-31") < layout.position("2008-01") < layout.position("2008-01-31")


def test_actor_timeline_keeps_only_its_events(store):
    events = {e.iri for e in draw.timeline_events(store, SCR + "indonesia")}
    assert SCR + "arf-round-table-maritime-security" in events
    assert SCR + "bishkek-summit-2007" not in events


# --- network --------------------------------------------------------------------------------

def test_whole_network_has_one_node_per_entity_with_links(whole):
    root = parse(whole)
    nodes = [g.get("data-iri") for g in groups(root, "node")]
    assert len(nodes) == len(set(nodes))
    for slug in FORUMS | SCO_MEMBERS | AGREEMENTS:
        assert SCR + slug in nodes, slug
    for node in groups(root, "node"):
        assert href(node) == "/id/" + node.get("data-iri")[len(SCR):]


def test_nodes_are_coloured_by_class_with_a_legend(whole):
    root = parse(whole)
    by_iri = {g.get("data-iri"): g.get("data-group") for g in groups(root, "node")}
    assert by_iri[SCR + "sco"] == SC + "Forum"
    assert by_iri[SCR + "china"] == SC + "State"
    assert by_iri[SCR + "treaty-long-term-good-neighborly-relations"] == SC + "Agreement"
    legend = text_of(groups(root, "legend")[0])
    assert "forum" in legend and "state" in legend


def test_edges_carry_property_labels(whole):
    edges = {(g.get("data-source"), g.get("data-target")): g.get("data-label")
             for g in groups(parse(whole), "edge")}
    pair = tuple(sorted((SCR + "arf-round-table-maritime-security", SCR + "indonesia")))
    assert "co-host" in edges[pair]
    assert "host" not in edges[pair].replace("co-host", "")  # implied super-property left out


def test_neighbourhood_of_one_resource(store):
    root = parse(draw.network_svg(store, draw.server_link, around=SCR + "arf-round-table-maritime-security"))
    nodes = {g.get("data-iri") for g in groups(root, "node")}
    assert {SCR + "china", SCR + "indonesia", SCR + "arf"} <= nodes
    assert SCR + "sco" not in nodes


def test_layout_is_deterministic(store):
    for kind in ("timeline", "graph", "ontology"):
        assert draw.picture(store, kind) == draw.picture(store, kind)
    assert draw.picture(store, "graph", around=SCR + "china") == \
        draw.picture(store, "graph", around=SCR + "china")


# --- ontology diagram -----------------------------------------------------------------------

def test_ontology_diagram(store):
    root = parse(draw.ontology_svg(store, draw.server_link))
    classes = {g.get("data-iri") for g in groups(root, "class")}
    assert {SC + c for c in ("Actor", "Forum", "Agreement", "Meeting", "Summit", "State")} <= classes
    links = {(g.get("data-sub"), g.get("data-super")) for g in root.iter() if g.get("class") == "subclass"}
    assert (SC + "Summit", SC + "Meeting") in links
    assert (SC + "State", SC + "Actor") in links and (SC + "State", SC + "Place") in links
    props = {(g.get("data-iri"), g.get("data-domain"), g.get("data-range")) for g in groups(root, "property")}
    assert (SC + "venue", SC + "Meeting", SC + "Place") in props
    assert href(groups(root, "class")[0]).startswith("/ontology#")


def test_offline(store, timeline, whole):
    for svg in (timeline, whole, draw.ontology_svg(store, draw.server_link)):
        assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/", "")


# --- command line ---------------------------------------------------------------------------

def test_cli_draws_svg_and_html(project, store_dir, tmp_path):
    runner = CliRunner()
    base = ["--project", str(project.root), "--store", str(store_dir), "draw"]
    for args, name in ((["timeline"], "t.svg"), (["graph", "--around", "China"], "g.html"),
                       (["ontology"], "o.svg"), (["timeline", "--actor", "Indonesia"], "i.html")):
        result = runner.invoke(cli, base + args + ["-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    parse((tmp_path / "t.svg").read_text())
    page = (tmp_path / "g.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Neighbourhood of China" in page
    assert 'href="https://w3id.org/seccoop/id/china"' in page


def test_cli_rejects_unknown_extension_and_thing(project, store_dir, tmp_path):
    runner = CliRunner()
    base = ["--project", str(project.root), "--store", str(store_dir), "draw"]
    assert runner.invoke(cli, base + ["timeline", "-o", str(tmp_path / "t.png")]).exit_code == 2
    result = runner.invoke(cli, base + ["graph", "--around", "Atlantis", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "Atlantis" in result.output


def test_cli_base_links_to_a_server(project, store_dir, tmp_path):
    out = tmp_path / "t.svg"
    CliRunner().invoke(cli, ["--project", str(project.root), "--store", str(store_dir), "draw",
                             "timeline", "--base", "http://localhost:8000", "-o", str(out)])
    assert 'href="http://localhost:8000/id/cadsds-2008"' in out.read_text()
