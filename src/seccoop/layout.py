"""Pure geometry for the pictures: where things go, with no store and no SVG.

Every function here is deterministic: inputs are sorted before use, there is no randomness,
and coordinates are rounded when written out, so the same graph gives the same picture.

    >>> position("2007-08") - position("2007-08-01")   # a month's middle, a day's middle
    15.0
    >>> clip("ASEAN Regional Forum", 12, 90)
    'ASEAN…'
"""

from __future__ import annotations

import calendar
import math
from datetime import date

# --- time ---------------------------------------------------------------------------------


def precision(text: str) -> str:
    """``day``, ``month`` or ``year``: how much of a date the source gives."""
    return {10: "day", 7: "month", 4: "year"}.get(len(text.lstrip("-")), "day")


def parse_when(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of an ISO date, year-month or year (missing parts are 1)."""
    parts = text[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p]
        year, month, day = (numbers + [1, 1])[:3]
        date(year, month, day)
    except ValueError:
        return None
    return year, month, day


def _parsed(text: str) -> tuple[int, int, int]:
    """:func:`parse_when` for a date already known to parse (callers filter the others)."""
    parsed = parse_when(text)
    if parsed is None:
        raise ValueError(f"not a date: {text!r}")
    return parsed


def position(text: str) -> float:
    """A point on the time axis (days since 0001-01-01): a day's middle, a month's middle,
    a year's middle. Month precision is never mistaken for the first of the month."""
    year, month, day = _parsed(text)
    start = date(year, month, day).toordinal()
    kind = precision(text)
    if kind == "month":
        return start + calendar.monthrange(year, month)[1] / 2
    if kind == "year":
        return start + (366 if calendar.isleap(year) else 365) / 2
    return start + 0.5


def period(text: str) -> tuple[float, float]:
    """The first and last day (exclusive) the date stands for, as axis positions."""
    year, month, day = _parsed(text)
    start = date(year, month, day).toordinal()
    kind = precision(text)
    if kind == "month":
        return start, start + calendar.monthrange(year, month)[1]
    if kind == "year":
        return start, date(year + 1, 1, 1).toordinal()
    return start, start + 1


def axis_years(dates: list[str]) -> tuple[int, int]:
    """The first year and the year after the last one: the axis covers whole years."""
    years = [_parsed(d)[0] for d in dates] or [date.today().year]
    return min(years), max(years) + 1


def month_starts(first_year: int, end_year: int) -> list[tuple[int, int, float]]:
    """(year, month, axis position) of every month start from January of ``first_year``."""
    return [(y, m, float(date(y, m, 1).toordinal()))
            for y in range(first_year, end_year) for m in range(1, 13)]


def assign_rows(spans: list[tuple[float, float]], gap: float = 10.0) -> list[int]:
    """Greedy interval packing: the first row whose last span ends before this one starts.
    ``spans`` must be sorted by start; returns one row index per span."""
    ends: list[float] = []
    rows = []
    for start, end in spans:
        for row, last in enumerate(ends):
            if last + gap <= start:
                ends[row] = end
                rows.append(row)
                break
        else:
            ends.append(end)
            rows.append(len(ends) - 1)
    return rows


# --- text ---------------------------------------------------------------------------------

# Advance widths of DejaVu Sans (the pictures' first font) per 1000 units of font size,
# for printable ASCII and the few other characters the pictures write; others count as "n".
_CHARS = "".join(chr(c) for c in range(32, 127)) + "\u2026\u00b7\u2192\u2013\u2019\u00e9"
_REGULAR = (318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
            636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
            770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
            684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
            634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
            525, 636, 337, 636, 838, 1000, 318, 838, 500, 318, 615)
_BOLD = (348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
         696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
         830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774,
         1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712,
         343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582,
         712, 365, 712, 838, 1000, 380, 838, 500, 380, 678)
_WIDTHS = (dict(zip(_CHARS, _REGULAR)), dict(zip(_CHARS, _BOLD)))
# The font's ascent and descent (em fractions): a browser's text box spans both.
ASCENT, DESCENT = 0.93, 0.24

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The rendered width of ``text`` in DejaVu Sans (other fonts come close).

    >>> round(text_width("China", 12), 1)
    34.3
    """
    table = _WIDTHS[bool(bold)]
    return size * sum(table.get(c, table["n"]) for c in text) / 1000


def clip(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text`` cut at a word (or, failing that, a letter) to fit ``width``, with an ellipsis.

    >>> clip("Shanghai Cooperation Organization", 12, 120)
    'Shanghai…'
    """
    if text_width(text, size, bold) <= width:
        return text
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count]).rstrip(",;:") + "…"
        if text_width(head, size, bold) <= width:
            return head
    for count in range(len(text) - 1, 0, -1):
        if text_width(text[:count] + "…", size, bold) <= width:
            return text[:count] + "…"
    return "…"


def text_box(text: str, x: float, y: float, size: float, anchor: str = "start",
             bold: bool = False) -> Box:
    """The box a ``<text>`` element covers, from its ``x``, baseline ``y`` and ``text-anchor``.

    >>> text_box("ab", 10, 20, 10, "middle")
    (3.76, 10.7, 16.24, 22.4)
    """
    width = text_width(text, size, bold)
    left = x - {"middle": width / 2, "end": width}.get(anchor, 0.0)
    return (round(left, 3), round(y - ASCENT * size, 3), round(left + width, 3),
            round(y + DESCENT * size, 3))


def overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    """Whether two boxes overlap (touching edges do not), with ``pad`` of room around ``a``."""
    return a[0] - pad < b[2] and b[0] < a[2] + pad and a[1] - pad < b[3] and b[1] < a[3] + pad


class Space:
    """Boxes already taken on a canvas; finds free places for new ones (labels).

    >>> space = Space([(0, 0, 10, 10)])
    >>> space.free((5, 5, 15, 15)), space.free((12, 0, 20, 10))
    (False, True)
    """

    CELL = 64.0

    def __init__(self, boxes=(), pad: float = 1.0):
        self.pad = pad
        self.cells: dict[tuple[int, int], list[Box]] = {}  # grid cell -> boxes touching it
        for box in boxes:
            self.take(box)

    def _keys(self, box: Box):
        c = self.CELL
        for i in range(int(math.floor(box[0] / c)), int(math.floor(box[2] / c)) + 1):
            for j in range(int(math.floor(box[1] / c)), int(math.floor(box[3] / c)) + 1):
                yield i, j

    def free(self, box: Box) -> bool:
        return not any(overlap(box, other, self.pad)
                       for key in self._keys(box) for other in self.cells.get(key, ()))

    def take(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def place(self, width: float, height: float, centres) -> tuple[float, float] | None:
        """The first of ``centres`` where a ``width`` x ``height`` box is free; taken."""
        for cx, cy in centres:
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            if self.free(box):
                self.take(box)
                return cx, cy
        return None


def around(x: float, y: float, width: float, height: float, gap: float,
           reach: float = 400.0):
    """Centres for a ``width`` x ``height`` label near a mark of radius ``gap`` at (x, y):
    below, above, right, left, the corners, then rings further out, nearest first."""
    dy, dx = gap + height / 2 + 2, gap + width / 2 + 4
    yield from ((x, y + dy), (x, y - dy), (x + dx, y), (x - dx, y),
                (x + dx, y + dy), (x - dx, y + dy), (x + dx, y - dy), (x - dx, y - dy))
    step = max(6.0, height / 2)
    for ring_ in range(1, int(reach / step) + 1):
        for k in range(16):
            angle = 2 * math.pi * k / 16 + math.pi / 2
            yield (x + (dx + ring_ * step) * math.cos(angle), y + (dy + ring_ * step) * math.sin(angle))


# --- graphs -------------------------------------------------------------------------------

def stress_layout(count: int, edges: list[tuple[int, int]], *, length: float = 210.0,
                  budget: int = 2_000_000) -> list[tuple[float, float]]:
    """Stress majorization: each pair of nodes as far apart as the shortest path between
    them (``length`` per link), so that clusters stand apart and hubs get room around them.

    Seeded on a sunflower spiral in input order, a fixed number of sweeps (fewer for large
    graphs, within ``budget`` pair updates): the same input gives the same output. Parts
    that are not connected keep one path length more than the graph's longest apart.

    >>> a, b = stress_layout(2, [(0, 1)], length=100.0)
    >>> round(math.dist(a, b))
    100
    """
    if count == 0:
        return []
    hops = _hops(count, edges)
    far = max(max(row) for row in hops) + 1
    target = [[(h if h >= 0 else far) * length for h in row] for row in hops]
    golden = math.pi * (3 - math.sqrt(5))
    seed = length * math.sqrt(count)
    pos = [[seed * math.sqrt((i + 0.5) / count) * math.cos(i * golden),
            seed * math.sqrt((i + 0.5) / count) * math.sin(i * golden)] for i in range(count)]
    for _ in range(max(30, min(250, budget // max(count * count, 1)))):
        for i in range(count):
            pos[i] = _stress_step(i, pos, target[i])
    cx = sum(p[0] for p in pos) / count
    cy = sum(p[1] for p in pos) / count
    return [(round(x - cx, 3) + 0.0, round(y - cy, 3) + 0.0) for x, y in pos]


def _hops(count: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Shortest path lengths in links (breadth first from every node); -1: unreachable."""
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for a, b in sorted({(min(a, b), max(a, b)) for a, b in edges if a != b}):
        neighbours[a].append(b)
        neighbours[b].append(a)
    table = []
    for source in range(count):
        hops = [-1] * count
        hops[source], queue = 0, [source]
        for node in queue:
            for other in neighbours[node]:
                if hops[other] < 0:
                    hops[other] = hops[node] + 1
                    queue.append(other)
        table.append(hops)
    return table


def _stress_step(i: int, pos: list[list[float]], target: list[float]) -> list[float]:
    """Node ``i`` moved to where its weighted distances (weight: 1 / target²) fit best."""
    xi, yi = pos[i]
    sx = sy = sw = 0.0
    for j, (xj, yj) in enumerate(pos):
        if j == i:
            continue
        want = target[j]
        weight = 1.0 / (want * want)
        dx, dy = xi - xj, yi - yj
        dist = math.hypot(dx, dy) or 0.01
        sx += weight * (xj + want * dx / dist)
        sy += weight * (yj + want * dy / dist)
        sw += weight
    return [sx / sw, sy / sw]


# --- trees --------------------------------------------------------------------------------

def indented_tree(items: list[str], parents: dict[str, list[str]],
                  sort_key=lambda item: item) -> list[tuple[str, int]]:
    """Items in preorder with their depth: each under its first parent (by ``sort_key``);
    items whose parents are all outside ``items`` are roots. Cycles are cut."""
    known = set(items)
    primary = {}
    for item in items:
        inside = sorted((p for p in parents.get(item, []) if p in known and p != item), key=sort_key)
        if inside:
            primary[item] = inside[0]
    children: dict[str | None, list[str]] = {}
    for item in items:
        children.setdefault(primary.get(item), []).append(item)
    order: list[tuple[str, int]] = []
    seen: set[str] = set()

    def walk(node: str | None, depth: int) -> None:
        for child in sorted(children.get(node, []), key=sort_key):
            if child not in seen:
                seen.add(child)
                order.append((child, depth))
                walk(child, depth + 1)

    walk(None, 0)
    for item in sorted(known - seen, key=sort_key):  # parts of a subclass cycle
        if item not in seen:
            seen.add(item)
            order.append((item, 0))
            walk(item, 1)
    return order


def tree_children(order: list[tuple[str, int]]) -> dict[str | None, list[str]]:
    """Children of each item of an :func:`indented_tree` order (roots under ``None``)."""
    children: dict[str | None, list[str]] = {None: []}
    stack: list[str] = []
    for item, depth in order:
        del stack[depth:]
        children.setdefault(stack[-1] if stack else None, []).append(item)
        children.setdefault(item, [])
        stack.append(item)
    return children


Point = tuple[float, float]
Tree = tuple[dict[str, Point], list[tuple[str, str, list[Point]]], float, float]


def org_chart(order: list[tuple[str, int]], widths: dict[str, float], *, max_width: float,
              box_h: float = 22.0, gap: float = 18.0, indent: float = 16.0) -> Tree:
    """A top-down tree drawing of an :func:`indented_tree` order: each item's box (top left
    corner, ``widths[item]`` x ``box_h``) and each parent → child link as an orthogonal
    polyline (from the child to its parent), which never cross. Children that have no
    children of their own stand in a column under their parent; others side by side in a
    row. The trees are packed left to right in shelves no wider than ``max_width``.
    Returns (corners, links, width, height).

    >>> corners, links, w, h = org_chart([("a", 0), ("b", 1), ("c", 1)], {"a": 20, "b": 30, "c": 30},
    ...                                  max_width=500)
    >>> corners["a"], corners["c"], len(links)
    ((0.0, 0.0), (16.0, 61.0), 2)
    """
    children = tree_children(order)
    blocks: dict[str, tuple] = {}  # item -> (width, height, corners in the block, links)

    def block(item: str):
        kids = children[item]
        own = widths[item]
        if not kids:
            return own, box_h, {item: (0.0, 0.0)}, []
        if all(not children[k] for k in kids):
            return _column(item, kids, widths, box_h, gap, indent)
        return _row(item, [blocks[k] for k in kids], widths, box_h, gap)

    for item, _ in reversed(order):  # children before parents
        blocks[item] = block(item)
    return _shelves([blocks[root] for root in children[None]], max_width, gap)


def _column(item, kids, widths, box_h, gap, indent):
    corners, links = {item: (0.0, 0.0)}, []
    spine = indent / 2
    for k, kid in enumerate(kids):
        y = box_h + gap / 2 + k * (box_h + 8)
        corners[kid] = (indent, y)
        links.append((kid, item, [(indent, y + box_h / 2), (spine, y + box_h / 2), (spine, box_h)]))
    width = max([widths[item]] + [indent + widths[k] for k in kids])
    return width, corners[kids[-1]][1] + box_h, corners, links


def _row(item, kid_blocks, widths, box_h, gap):
    own, top = widths[item], box_h + 2 * gap
    spans, x = [], 0.0
    for width, _, _, _ in kid_blocks:
        spans.append(x)
        x += width + gap
    total = x - gap
    width = max(own, total)
    shift = (width - total) / 2
    corners, links = {item: ((width - own) / 2, 0.0)}, []
    bus = box_h + gap
    for left, (kw, kh, kcorners, klinks) in zip(spans, kid_blocks):
        dx = left + shift
        corners.update({k: (cx + dx, cy + top) for k, (cx, cy) in kcorners.items()})
        links += [(a, b, [(px + dx, py + top) for px, py in path]) for a, b, path in klinks]
        kid = next(iter(kcorners))  # a block's first corner is its root's
        kx = corners[kid][0] + widths[kid] / 2
        links.append((kid, item, [(kx, top), (kx, bus), (width / 2, bus), (width / 2, box_h)]))
    return width, top + max(kh for _, kh, _, _ in kid_blocks), corners, links



def _shelves(blocks, max_width: float, gap: float) -> Tree:
    """Blocks left to right, a new shelf under the tallest of the last when one is full."""
    corners: dict[str, Point] = {}
    links: list[tuple[str, str, list[Point]]] = []
    x = y = shelf_h = width = 0.0
    for bw, bh, bcorners, blinks in blocks:
        if x > 0 and x + bw > max_width:
            x, y, shelf_h = 0.0, y + shelf_h + 2 * gap, 0.0
        corners.update({k: (cx + x, cy + y) for k, (cx, cy) in bcorners.items()})
        links += [(a, b, [(px + x, py + y) for px, py in path]) for a, b, path in blinks]
        width, shelf_h = max(width, x + bw), max(shelf_h, bh)
        x += bw + 2 * gap
    return corners, links, width, y + shelf_h
