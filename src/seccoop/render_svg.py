"""SVG for the pictures, from plain data (no store here): the timeline, the network and the
ontology diagram. Every mark of a resource is an ``<a>`` to what ``link(iri)`` returns.

The output is standalone SVG 1.1 + SVG 2 ``href`` (with ``xlink:href`` for older viewers):
no script, no external resource, so it works offline and inside any HTML page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from . import layout

Link = Callable[[str], "str | None"]

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#f7b6d2", "#9edae5", "#c49c94", "#dbdb8d", "#aec7e8")
NARROWEST = 720.0
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


@dataclass(frozen=True)
class Ref:
    iri: str
    label: str


@dataclass(frozen=True)
class Event:
    """One mark on the timeline: a meeting, or a moment in the life of an agreement."""

    iri: str
    label: str
    kind: str  # "meeting", or the verb of an agreement's life: "signed", "adopted", ...
    date: str | None  # ISO lexical form at the source's precision, or None when not given
    lane: Ref | None  # the forum
    hosts: tuple[Ref, ...] = ()
    cohosts: tuple[Ref, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    group: str  # key into Network.groups


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    groups: tuple[Ref, ...]  # (class IRI, label), in legend order
    centre: str | None = None
    cut: bool = False  # links around the centre were cut at a limit


@dataclass(frozen=True)
class Diagram:
    classes: tuple[Ref, ...]
    parents: tuple[tuple[str, str], ...]  # (subclass, superclass)
    properties: tuple[tuple[Ref, str, str], ...]  # (property, domain, range)


# --- SVG writing ----------------------------------------------------------------------------

def n(value: float) -> str:
    """A coordinate, rounded so that the output is byte-stable."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def tag(name: str, body: str = "", **attrs) -> str:
    items = " ".join(f"{k.rstrip('_').replace('__', ':').replace('_', '-')}={quoteattr(str(v))}"
                     for k, v in attrs.items() if v is not None)
    opening = f"<{name} {items}" if items else f"<{name}"
    return f"{opening}>{body}</{name}>" if body else f"{opening}/>"


def anchor(href: str | None, body: str, title: str = "") -> str:
    """``body`` wrapped in a link when there is a target, with a tooltip title."""
    tip = tag("title", escape(title)) if title else ""
    if href is None:
        return tag("g", tip + body)
    return f"<a href={quoteattr(href)} xlink:href={quoteattr(href)}>{tip}{body}</a>"


def document(width: float, height: float, body: list[str], *, kind: str, title: str,
             left: float = 0.0, top: float = 0.0) -> str:
    """The ``<svg>`` around ``body``: ``width`` x ``height`` user units from (left, top), at
    that size in pixels but never wider than its container (then scaled down, not cut), nor
    narrower than ``NARROWEST`` pixels (on a phone its container scrolls: smaller is unreadable).
    A figure with its title as accessible name (not ``role="img"``: that would hide its links)."""
    head = (f"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
            f"class=\"seccoop-{kind}\" width=\"{n(width)}\" height=\"{n(height)}\" "
            f"viewBox=\"{n(left)} {n(top)} {n(width)} {n(height)}\" {FONT} font-size=\"12\" "
            f"role=\"figure\" aria-label={quoteattr(title)} "
            f"style=\"max-width:100%;min-width:{n(min(width, NARROWEST))}px;height:auto\">")
    defs = ("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
            "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
            "fill=\"#888\"/></marker><marker id=\"triangle\" viewBox=\"0 0 10 10\" refX=\"10\" "
            "refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 "
            "L0,10 z\" fill=\"#fff\" stroke=\"#555\"/></marker></defs>")
    background = tag("rect", x=n(left), y=n(top), width=n(width), height=n(height), fill="#ffffff")
    return "\n".join([head, tag("title", escape(title)), defs, background, *body, "</svg>"]) + "\n"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


# --- timeline -------------------------------------------------------------------------------

LANE_X, AXIS_TOP, ROW_H, UNDATED_W = 190.0, 46.0, 38.0, 260.0
# The whole timeline fits this width (a page's content box at 1280 px is wider); narrower
# screens scale it down, see document().
TIMELINE_W = 1080.0


def timeline_svg(events: list[Event], link: Link, *, title: str = "Timeline") -> str:
    """Events on one time axis, one swimlane per forum; hosts and co-hosts under each mark.
    The axis takes the width left beside the lane names (and the "date not given" column)."""
    dated = sorted(e.date for e in events if e.date)
    first, end = layout.axis_years(dated)
    months = (end - first) * 12
    undated = _undated_width([e for e in events if e.date is None])
    width = TIMELINE_W
    axis_w = width - LANE_X - undated - 20
    per_month = axis_w / months
    origin = layout.month_starts(first, end)[0][2]
    scale = axis_w / (layout.month_starts(end, end + 1)[0][2] - origin)

    def x_of(event: Event) -> float:
        return LANE_X + (layout.position(event.date) - origin) * scale if event.date else \
            LANE_X + axis_w + 24

    backgrounds, body, y = [], [], AXIS_TOP + 8
    for index, (lane, members) in enumerate(_lanes(events)):
        marks, rows = _lane_marks(members, x_of, lane_y=y, right=width, scale=scale,
                                  origin=origin, link=link, colour_=colour(index))
        height = max(rows, 1) * ROW_H + 14
        fill = "#f4f6f8" if index % 2 == 0 else "#ffffff"
        backgrounds.append(tag("rect", x=0, y=n(y), width=n(width), height=n(height), fill=fill))
        body.append(_lane_label(lane, y, height, link))
        body.extend(marks)
        y += height
    grid = _time_grid(first, end, origin, scale, AXIS_TOP, y, per_month)
    if undated:
        grid.append(tag("text", "date not given", x=n(LANE_X + axis_w + 24), y=n(AXIS_TOP - 24),
                        fill="#555", font_style="italic"))
    return document(width, y + 16, backgrounds + grid + [_timeline_key()] + body, kind="timeline",
                    title=title)


def _undated_width(events: list[Event]) -> float:
    """The width of the "date not given" column: as wide as its labels and captions need,
    within ``UNDATED_W`` (they are clipped to it)."""
    if not events:
        return 0.0
    widest = max(max(layout.text_width(e.label, 12), layout.text_width(_caption(e), 10))
                 for e in events)
    return max(160.0, min(UNDATED_W, widest + 44))


def _timeline_key() -> str:
    """What the marks mean, in the empty corner above the lane names."""
    return tag("g", "".join([
        tag("circle", cx="14", cy="12", r="5", fill="#555"),
        tag("text", "meeting", x="24", y="16", font_size="10"),
        tag("path", d="M84,6 l6,6 l-6,6 l-6,-6 z", fill="#fff", stroke="#555", stroke_width="2"),
        tag("text", "agreement", x="95", y="16", font_size="10"),
        tag("rect", x="8", y="26", width="22", height="10", rx="3", fill="#555", fill_opacity="0.2"),
        tag("text", "month (or year) only", x="35", y="35", font_size="10")]), class_="key")


def _lanes(events: list[Event]) -> list[tuple[Ref | None, list[Event]]]:
    by_lane: dict[str, tuple[Ref | None, list[Event]]] = {}
    for event in events:
        key = event.lane.iri if event.lane else ""
        by_lane.setdefault(key, (event.lane, []))[1].append(event)
    order = sorted(by_lane, key=lambda k: (k == "", _lane_name(by_lane[k][0]) if k else ""))
    return [by_lane[k] for k in order]


def _lane_name(lane: Ref | None) -> str:
    """The sort name of a lane; a lane with a key always has its forum."""
    return lane.label.lower() if lane else ""


def _lane_label(lane: Ref | None, y: float, height: float, link: Link) -> str:
    text = lane.label if lane else "no forum given"
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and layout.text_width(line + " " + word, 12, bold=True) > LANE_X - 24:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    spans = "".join(tag("tspan", escape(t), x=10, dy="0" if i == 0 else "15") for i, t in enumerate(lines))
    label = tag("text", spans, x=10, y=n(y + 20), font_weight="bold", fill="#222")
    return tag("g", anchor(link(lane.iri) if lane else None, label, text), class_="lane",
               data_iri=lane.iri if lane else "")


def _time_grid(first, end, origin, scale, top, bottom, per_month) -> list[str]:
    """Year lines and labels (every ``step`` years when years are narrow), month lines when
    months are wide enough to see, month initials when they are wide enough to read."""
    lines, labels = [], []
    step = next(k for k in (1, 2, 5, 10, 20, 50, 100, 10 ** 6) if 12 * per_month * k >= 44)
    closing = (end, 1, layout.month_starts(end, end + 1)[0][2])  # the line after the last year
    for year, month, pos in layout.month_starts(first, end) + [closing]:
        x = LANE_X + (pos - origin) * scale
        strong = month == 1
        if strong or per_month >= 4:
            lines.append(tag("line", x1=n(x), y1=n(top - (18 if strong else 4)), x2=n(x), y2=n(bottom),
                             stroke="#999" if strong else "#e1e4e8", stroke_width="1"))
        if strong and year < end and (year - first) % step == 0:
            labels.append(tag("text", str(year), x=n(x + 4), y=n(top - 24), font_weight="bold"))
        if per_month >= 14 and year < end:
            labels.append(tag("text", "JFMAMJJASOND"[month - 1], x=n(x + per_month / 2), y=n(top - 6),
                              font_size="10", fill="#666", text_anchor="middle"))
    return [tag("g", "".join(lines), class_="grid"), tag("g", "".join(labels), class_="axis")]


def _lane_marks(members, x_of, *, lane_y, right, scale, origin, link, colour_):
    """Each event's mark with its label on the side that has room (clipped when neither
    has), in the first row where its label and caption clear the others'."""
    members = sorted(members, key=lambda e: (x_of(e), e.label, e.kind, e.iri))
    spans, lines = [], []
    for event in members:
        x = x_of(event)
        room_right, room_left = right - 8 - (x + 12), x - 12 - (LANE_X + 4)
        wanted = max(layout.text_width(event.label, 12), layout.text_width(_caption(event), 10))
        flip = event.date is not None and room_left > room_right and wanted > room_right
        room = room_left if flip else room_right
        shown = layout.clip(event.label, 12, room)
        w = max(layout.text_width(shown, 12), layout.text_width(_caption(event, room), 10))
        spans.append((x - w - 12, x + 8) if flip else (x - 8, x + 12 + w))
        lines.append((x, flip, shown, room))
    order = sorted(range(len(members)), key=lambda i: spans[i])
    rows = dict(zip(order, layout.assign_rows([spans[i] for i in order])))
    marks = [_event_mark(members[i], *lines[i], lane_y + 10 + rows[i] * ROW_H, scale, origin,
                         link, colour_) for i in range(len(members))]
    return marks, (max(rows.values()) + 1 if rows else 0)


def _caption_parts(event: Event, room: float = math.inf) -> list[tuple[str, tuple[Ref, ...]]]:
    """The line under a mark: date, note, hosts and co-hosts (the latter two as links); in
    less than ``room`` pixels, without the hosts (the mark's tooltip keeps them) or clipped."""
    moment = "" if event.kind == "meeting" else f"{event.kind} {event.note}".strip()
    parts: list[tuple[str, tuple[Ref, ...]]] = [(event.date or "date not given", ()), (moment, ())]
    hosts = tuple(h for h in event.hosts if h not in event.cohosts)
    parts += [("host: ", hosts), ("co-hosts: ", event.cohosts)]
    parts = [(text, refs) for text, refs in parts if text and (refs or not text.endswith(": "))]
    if layout.text_width(_joined(parts), 10) <= room:
        return parts
    short = _joined(parts[:2] if moment else parts[:1])
    return [(layout.clip(short, 10, room), ())]


def _joined(parts) -> str:
    return " · ".join(t + ", ".join(r.label for r in refs) for t, refs in parts)


def _caption(event: Event, room: float = math.inf) -> str:
    return _joined(_caption_parts(event, room))


def _event_mark(event: Event, x, flip, shown, room, top, scale, origin, link, colour_) -> str:
    cy = top + 9
    shapes = []
    if event.date and layout.precision(event.date) != "day":
        start, stop = layout.period(event.date)
        shapes.append(tag("rect", class_="period", x=n(LANE_X + (start - origin) * scale), y=n(cy - 7),
                          width=n((stop - start) * scale), height="14", rx="3", fill=colour_,
                          fill_opacity="0.18"))
    if event.kind == "meeting":
        shapes.append(tag("circle", cx=n(x), cy=n(cy), r="6", fill=colour_, stroke="#fff"))
    else:
        shapes.append(tag("path", d=f"M{n(x)},{n(cy - 7)} l7,7 l-7,7 l-7,-7 z", fill="#fff",
                          stroke=colour_, stroke_width="2.5"))
    tx, end = (x - 12, "end") if flip else (x + 12, None)
    label = tag("text", escape(shown), x=n(tx), y=n(cy + 4), text_anchor=end, fill="#111")
    link_ = anchor(link(event.iri), "".join(shapes) + label,
                   f"{event.label} ({event.kind}): {_caption(event)}")
    return tag("g", link_ + _caption_text(event, tx, cy + 17, end, link, room), class_="event",
               data_iri=event.iri, data_kind=event.kind, data_date=event.date or "",
               data_x=n(x))


def _caption_text(event: Event, x, y, end, link: Link, room: float) -> str:
    parts = [escape(text) + ", ".join(_text_link(link(r.iri), r.label, text.split(":")[0].rstrip("s"))
                                      for r in refs) for text, refs in _caption_parts(event, room)]
    return tag("text", " · ".join(parts), x=n(x), y=n(y), font_size="10", fill="#555",
               text_anchor=end, class_="caption")


def _text_link(href: str | None, label: str, role: str) -> str:
    span = tag("tspan", escape(label), class_=role, fill="#1a4f8b")
    return f"<a href={quoteattr(href)} xlink:href={quoteattr(href)}>{span}</a>" if href else span


# --- network --------------------------------------------------------------------------------

LEGEND_W = 210.0
NODE_FONT, EDGE_FONT, ROW_GAP = 11.0, 9.0, 24.0
HALO = {"stroke": "#fff", "stroke_width": "3", "stroke_linejoin": "round", "paint_order": "stroke"}


@dataclass(frozen=True)
class Label:
    """A horizontal text at baseline (x, y) with its anchor, as written and as measured."""

    text: str
    x: float
    y: float
    size: float
    anchor: str = "middle"
    bold: bool = False

    def box(self) -> layout.Box:
        return layout.text_box(self.text, self.x, self.y, self.size, self.anchor, self.bold)


def _centred(text: str, size: float, centre: tuple[float, float], bold: bool = False) -> Label:
    """A middle-anchored label whose box is centred on ``centre``."""
    return Label(text, centre[0], centre[1] + (layout.ASCENT - layout.DESCENT) / 2 * size, size,
                 "middle", bold)


def network_svg(net: Network, link: Link, *, title: str = "Network") -> str:
    """Nodes coloured by class with a legend; edges labelled with their property's label.

    With a centre: the centre in the middle, its neighbours in two columns (sorted by class
    and label) with their labels outside. Without: a deterministic layout of the whole
    graph (stress majorization). Either way labels are horizontal and placed where no other label is; an edge
    label with no free place is left to the edge's tooltip.
    """
    groups = {g.iri: i for i, g in enumerate(net.groups)}
    nodes = sorted(net.nodes, key=lambda d: (groups.get(d.group, len(groups)), d.label.lower(), d.iri))
    pairs = _merge_edges(net.edges)
    if any(d.iri == net.centre for d in nodes):
        pos, labels, space = _columns(nodes, net.centre, pairs)
    else:
        pos, labels, space = _spread(nodes, pairs)
    radius = {d.iri: 14.0 if d.iri == net.centre else 9.0 for d in nodes}
    edge_labels = _edge_labels(pairs, pos, space, net.centre)
    boxes = [lab.box() for lab in list(labels.values()) + [e for e in edge_labels.values() if e]]
    boxes += [(x - radius[k], y - radius[k], x + radius[k], y + radius[k]) for k, (x, y) in pos.items()]
    boxes = boxes or [(0.0, 0.0, 200.0, 100.0)]  # nothing to draw: an empty canvas beside the legend
    x0, y0 = min(b[0] for b in boxes) - 12, min(b[1] for b in boxes) - 12
    x1, y1 = max(b[2] for b in boxes) + 12, max(b[3] for b in boxes) + 12
    legend = _legend(net.groups, {d.group for d in nodes}, (x0 - LEGEND_W, y0))
    body = [_edge_svg(a, b, names, pos, edge_labels[(a, b)]) for (a, b), names in pairs.items()]
    body += [_node_svg(d, pos[d.iri], radius[d.iri], labels[d.iri], groups, link) for d in nodes]
    return document(x1 - x0 + LEGEND_W, max(y1 - y0, 60 + 18 * len(net.groups)), body + [legend],
                    kind="network", title=title, left=x0 - LEGEND_W, top=y0)


def _columns(nodes, centre, pairs):
    """The centre at (0, 0), its neighbours in a left and a right column, labels outside;
    the columns far enough apart for the edge labels beside them."""
    others = [d for d in nodes if d.iri != centre]
    half = (len(others) + 1) // 2
    columns = (others[:half], others[half:])
    widest = max((layout.text_width(_edge_text(names), EDGE_FONT) for names in pairs.values()), default=0)
    reach = max(200.0, widest + 120)
    pos, labels = {}, {}
    for side, column in zip((-1, 1), columns):
        for i, node in enumerate(column):
            y = (i - (len(column) - 1) / 2) * ROW_GAP
            pos[node.iri] = (side * reach, y)
            text = layout.clip(node.label, 12, 280)
            labels[node.iri] = Label(text, side * (reach + 14), y + 4, 12, "end" if side < 0 else "start")
    pos[centre] = (0.0, 0.0)
    name = next(d.label for d in nodes if d.iri == centre)
    labels[centre] = Label(layout.clip(name, 12, 2 * reach - 60, True), 0.0, 30.0, 12, "middle", True)
    space = layout.Space([lab.box() for lab in labels.values()] +
                         [(x - 10, y - 10, x + 10, y + 10) for x, y in pos.values()])
    return pos, labels, space


def _spread(nodes, pairs):
    """A stress layout, then each node's label at the nearest free place around it (the
    best-linked nodes first); a label pushed away from its node gets a leader line."""
    index = {d.iri: i for i, d in enumerate(nodes)}
    points = layout.stress_layout(len(nodes), [(index[a], index[b]) for a, b in pairs])
    pos = {d.iri: p for d, p in zip(nodes, points)}
    space = layout.Space([(x - 10, y - 10, x + 10, y + 10) for x, y in pos.values()])
    degree: dict[str, int] = {}
    for a, b in pairs:
        degree[a], degree[b] = degree.get(a, 0) + 1, degree.get(b, 0) + 1
    labels = {}
    for node in sorted(nodes, key=lambda d: (-degree.get(d.iri, 0), d.label.lower(), d.iri)):
        text = layout.clip(node.label, NODE_FONT, 200)
        width, height = layout.text_width(text, NODE_FONT), (layout.ASCENT + layout.DESCENT) * NODE_FONT
        x, y = pos[node.iri]
        centre = space.place(width, height, layout.around(x, y, width, height, 9.0, reach=3000.0))
        assert centre is not None  # the rings reach far beyond every other label
        labels[node.iri] = _centred(text, NODE_FONT, centre)
    return pos, labels, space


# Where along an edge its label may go in the whole network: the middle first, then outwards.
ALONG = tuple(sorted((0.5 + k * 0.05 for k in range(-7, 8)), key=lambda t: (abs(t - 0.5), t)))


def _edge_labels(pairs, pos, space, centre) -> dict[tuple[str, str], "Label | None"]:
    """Each edge's label at the first free place along it (near the outer node in a
    neighbourhood, where the lines are apart), or None."""
    found: dict[tuple[str, str], Label | None] = {}
    height = (layout.ASCENT + layout.DESCENT) * EDGE_FONT
    for (a, b), names in sorted(pairs.items()):
        text = _edge_text(names)
        width = layout.text_width(text, EDGE_FONT)
        (x1, y1), (x2, y2) = pos[a], pos[b]
        if centre is not None and b == centre:
            (x1, y1), (x2, y2) = (x2, y2), (x1, y1)  # from the centre out
        spots = [(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t) for t in
                 ((0.8, 0.72, 0.64, 0.56) if centre is not None else ALONG)]
        if centre is not None:  # first choice: on the line, just inside the neighbour's mark
            side = 1.0 if x2 >= x1 else -1.0
            spots.insert(0, (x2 - side * (24 + width / 2), y2))  # clear of the arrowhead
        spot = space.place(width + 2, height, spots)
        found[(a, b)] = _centred(text, EDGE_FONT, spot) if spot else None
    return found


def _edge_text(names) -> str:
    return layout.clip("; ".join(name for name, _ in names), EDGE_FONT, 160)


def _merge_edges(edges) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """One line per pair of nodes; its labels, each with its direction (True: a → b)."""
    pairs: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.label)):
        a, b = sorted((edge.source, edge.target))
        entry = (edge.label, edge.source == a)
        if entry not in pairs.setdefault((a, b), []):
            pairs[(a, b)].append(entry)
    return pairs


def _text(label: Label, **attrs) -> str:
    return tag("text", escape(label.text), x=n(label.x), y=n(label.y), font_size=n(label.size),
               text_anchor=None if label.anchor == "start" else label.anchor,
               font_weight="bold" if label.bold else None, **attrs)


def _edge_svg(a, b, names, pos, label: Label | None) -> str:
    (x1, y1), (x2, y2) = pos[a], pos[b]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    forward = any(d for _, d in names)
    backward = any(not d for _, d in names)
    line = tag("line", x1=n(x1 + ux * 10), y1=n(y1 + uy * 10), x2=n(x2 - ux * 10), y2=n(y2 - uy * 10),
               stroke="#9aa3ad", stroke_width="1.2", marker_end="url(#arrow)" if forward else None,
               marker_start="url(#arrow)" if backward else None)
    text = "; ".join(name for name, _ in names)
    caption = _text(label, fill="#555", **HALO) if label else ""
    return tag("g", tag("title", escape(text)) + line + caption, class_="edge", data_source=a,
               data_target=b, data_label=text)


def _node_svg(node, point, radius, label: Label, groups, link) -> str:
    x, y = point
    fill = colour(groups.get(node.group, len(PALETTE) - 1))
    circle = tag("circle", cx=n(x), cy=n(y), r=n(radius), fill=fill, stroke="#fff", stroke_width="2")
    leader = ""
    box = label.box()
    gap_x = max(box[0] - x, x - box[2], 0.0)
    gap_y = max(box[1] - y, y - box[3], 0.0)
    if math.hypot(gap_x, gap_y) > radius + 12:  # pushed away: a thin line shows whose it is
        tx, ty = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
        leader = tag("line", x1=n(x), y1=n(y), x2=n(tx), y2=n(ty), stroke="#c8cdd3", stroke_width="0.8")
    return tag("g", leader + anchor(link(node.iri), circle + _text(label, fill="#111", **HALO),
                                    node.label), class_="node", data_iri=node.iri, data_group=node.group)


def _legend(groups: tuple[Ref, ...], used: set[str], corner: tuple[float, float]) -> str:
    """The classes' colours in a box whose top left corner is ``corner``."""
    left, top = corner
    rows, y = [], top + 22.0
    for index, group in enumerate(groups):
        if group.iri not in used:
            continue
        rows.append(tag("circle", cx=n(left + 18), cy=n(y - 4), r="6", fill=colour(index)))
        rows.append(tag("text", escape(layout.clip(group.label, 12, 160)), x=n(left + 30), y=n(y)))
        y += 18
    box = tag("rect", x=n(left + 6), y=n(top + 6), width="190", height=n(y - top - 8), fill="#fff",
              fill_opacity="0.85", stroke="#ccc")
    return tag("g", box + "".join(rows), class_="legend")


# --- ontology diagram -----------------------------------------------------------------------

BOX_H, DIAGRAM_W, MARGIN = 22.0, 1040.0, 12.0


def ontology_svg(diagram: Diagram, link: Link, *, title: str = "Ontology") -> str:
    """The subclass hierarchy drawn top down (each class under its first superclass, by
    label; further superclasses named in its box), then the object properties as a list of
    domain → range arrows, in as many columns as the width holds."""
    labels = {c.iri: c.label for c in diagram.classes}
    parents: dict[str, list[str]] = {}
    for child, parent in diagram.parents:
        parents.setdefault(child, []).append(parent)

    def key(iri: str) -> tuple[str, str]:
        return (labels.get(iri, iri).lower(), iri)
    order = layout.indented_tree(sorted(labels, key=key), parents, key)
    children = layout.tree_children(order)
    tree_parent = {kid: parent for parent, kids in children.items() if parent for kid in kids}
    extra = {c: sorted((p for p in parents.get(c, []) if p in labels and p != tree_parent.get(c)),
                       key=key) for c in labels}
    widths = {c: _box_width(labels[c], [labels[p] for p in extra[c]]) for c in labels}
    corners, links, width, height = layout.org_chart(order, widths, max_width=DIAGRAM_W, box_h=BOX_H)
    shift = lambda p: (p[0] + MARGIN, p[1] + MARGIN)  # noqa: E731
    body = [_subclass_path([shift(p) for p in path], sub, sup) for sub, sup, path in links]
    body += [_class_box(Ref(c, labels[c]), shift(corners[c]), widths[c], extra[c], labels, link)
             for c, _ in order]
    table, table_w, table_h = _property_table(diagram, labels, link, MARGIN + height + 36)
    return document(max(width, table_w) + 2 * MARGIN, MARGIN + height + 36 + table_h + MARGIN, body + table,
                    kind="ontology", title=title)


def _box_width(label: str, others: list[str]) -> float:
    width = layout.text_width(label, 12) + 16
    return width + (layout.text_width(_also(others), 10) + 8 if others else 0)


def _also(others: list[str]) -> str:
    return "also: " + ", ".join(others)


def _subclass_path(points, sub, sup) -> str:
    path = "M" + " L".join(f"{n(x)},{n(y)}" for x, y in points)
    return tag("path", d=path, fill="none", stroke="#555", marker_end="url(#triangle)",
               class_="subclass", data_sub=sub, data_super=sup)


def _class_box(cls: Ref, corner, width, others, labels, link) -> str:
    x, y = corner
    rect = tag("rect", x=n(x), y=n(y), width=n(width), height=n(BOX_H), rx="4", fill="#eef3fb",
               stroke="#5b7db1")
    label = tag("text", escape(cls.label), x=n(x + 8), y=n(y + 15))
    box = tag("g", anchor(link(cls.iri), rect + label, cls.iri), class_="class", data_iri=cls.iri)
    if not others:
        return box
    tx = x + layout.text_width(cls.label, 12) + 16
    note = tag("text", escape(_also([labels[p] for p in others])), x=n(tx), y=n(y + 15),
               font_size="10", font_style="italic", fill="#555")
    # Further superclasses: named in the box rather than drawn as lines across the tree.
    return box + "".join(tag("g", note if i == 0 else "", class_="subclass", data_sub=cls.iri,
                             data_super=p) for i, p in enumerate(others))


def _property_table(diagram, labels, link, top) -> tuple[list[str], float, float]:
    """Each object property as ``domain —property→ range``, in columns, under a heading."""
    rows = sorted(((labels[d], prop, labels[r], d, r) for prop, d, r in diagram.properties
                   if d in labels and r in labels),
                  key=lambda row: (row[0].lower(), row[1].label.lower(), row[2].lower(), row[1].iri))
    if not rows:
        return [], 0.0, 0.0
    dw = max(layout.text_width(row[0], 12) for row in rows)
    pw = max(layout.text_width(row[1].label, 10) for row in rows) + 40
    rw = max(layout.text_width(row[2], 12) for row in rows)
    row_w = dw + pw + rw + 12
    columns = max(1, int((DIAGRAM_W + 40) // (row_w + 40)))
    per = -(-len(rows) // columns)
    out = [tag("text", "Object properties: domain → range", x=n(MARGIN), y=n(top - 10),
               font_weight="bold")]
    for i, (dl, prop, rl, d, r) in enumerate(rows):
        x, y = MARGIN + (i // per) * (row_w + 40), top + 12 + (i % per) * 22
        out.append(_property_row(prop, d, r, dl, rl, x, y, dw, pw, link))
    return out, columns * (row_w + 40) - 40, per * 22 + 12


def _property_row(prop: Ref, d, r, dl, rl, x, y, dw, pw, link) -> str:
    start, stop = x + dw + 6, x + dw + pw
    line = tag("line", x1=n(start), y1=n(y - 4), x2=n(stop), y2=n(y - 4), stroke="#2c7fb8",
               marker_end="url(#arrow)")
    name = tag("text", escape(prop.label), x=n((start + stop) / 2), y=n(y - 7), font_size="10",
               fill="#1d5f8a", text_anchor="middle", **HALO)
    ends = (tag("text", escape(dl), x=n(x + dw), y=n(y), text_anchor="end") +
            tag("text", escape(rl), x=n(stop + 6), y=n(y)))
    body = line + anchor(link(prop.iri), name, f"{prop.label}: {dl} → {rl}") + ends
    return tag("g", body, class_="property", data_iri=prop.iri, data_domain=d, data_range=r)
