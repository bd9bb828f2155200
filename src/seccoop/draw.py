"""Pictures of the graph: the timeline, the network and the ontology diagram, as SVG.

Extraction (SPARQL over the store, through the ontology's classes and super-properties, so
that sub-classes and sub-properties the ontology adds later are drawn too) is kept apart from
rendering (:mod:`seccoop.render_svg`, pure data in, SVG text out) and from geometry
(:mod:`seccoop.layout`). Pages choose where a node links to with ``link(iri) -> str | None``.

    >>> from seccoop.store import open_store
    >>> svg = timeline_svg(open_store(), server_link)
    >>> svg.startswith("<svg")
    True
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Callable
from html import escape
from urllib.parse import quote

import pyoxigraph as ox

from .browse import label_of
from .projectconfig import ProjectConfig, packaged_config
from .queries import run_query
from .render_svg import Diagram, Edge, Event, Link, Network, Node, Ref
from . import render_svg
from .layout import parse_when

# The queries name the project's ontology namespace ``onto:`` and its resources ``res:``.
# Where the ontology has the terms below (meetings, forums, hosts, agreements: the packaged
# graph's vocabulary), the pictures draw them; any other project gets its dated resources on
# the timeline and its resources coloured by its home classes.
# Classes that colour the network, in legend order; a node takes the first it belongs to.
GROUPS = ("Forum", "State", "InternationalOrganization", "GovernmentBody", "Actor", "Agreement",
          "Meeting", "MeetingSeries", "Contribution", "City", "Facility", "Place",
          "CooperationField", "OfficialRole", "Membership", "Source", "SourceDocument", "Paragraph")
# What the whole-graph picture shows: actors, forums and agreements; meetings tie them.
WHOLE_GRAPH = ("Actor", "Forum", "Agreement", "Meeting")
HIDDEN_PREDICATES = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#" + p
                     for p in ("type", "subject", "predicate", "object")}


_CONFIG: ContextVar[ProjectConfig | None] = ContextVar("draw_config", default=None)


def _config() -> ProjectConfig:
    return _CONFIG.get() or packaged_config()


@contextmanager
def _drawing(config: ProjectConfig | None):
    """The project a picture is drawn for, read by every query below (thread-local)."""
    token = _CONFIG.set(config or _CONFIG.get())
    try:
        yield
    finally:
        _CONFIG.reset(token)


def server_links(config: ProjectConfig | None = None) -> Link:
    """Where the web server shows the resources and terms of a project (default: the
    packaged one): ``/id/<slug>`` or ``/ontology#<Term>``."""
    config = config or packaged_config()

    def link(iri: str) -> str | None:
        name = config.resource_name(iri)
        if name is not None:
            return "/id/" + quote(name, safe="")
        term = config.ontology_term(iri)
        return "/ontology#" + quote(term, safe="") if term is not None else None
    return link


def server_link(iri: str) -> str | None:
    """:func:`server_links` of the packaged project."""
    return server_links()(iri)


def iri_link(iri: str) -> str | None:
    """Links to the IRIs themselves (they dereference through w3id.org): for standalone files."""
    return iri if iri.startswith(("http://", "https://")) else None


def _prefixes() -> dict[str, str]:
    config = _config()
    return {**config.query_prefixes, "onto": config.ontology_namespace or "urn:x-none:",
            "res": config.resource_namespace or "urn:x-none:"}


def _rows(store: ox.Store, sparql: str, *, inferred: bool = True) -> list:
    return list(run_query(store, sparql, inferred=inferred, prefixes=_prefixes()).value)


def _has_term(store: ox.Store, name: str) -> bool:
    """True when the project's ontology describes the term ``onto:name``."""
    return bool(run_query(store, f"ASK {{ onto:{name} ?p ?o }}", prefixes=_prefixes()).value)


def _value(term) -> str | None:
    return term.value if term is not None else None


# --- timeline -------------------------------------------------------------------------------

MEETINGS = """SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* onto:Meeting FILTER(isIRI(?e)) }"""
DATES = """SELECT DISTINCT ?e ?d WHERE {
    VALUES ?top { schema:startDate onto:month }
    ?e a/rdfs:subClassOf* onto:Meeting ; ?p ?d . ?p rdfs:subPropertyOf* ?top . FILTER(isLiteral(?d)) }"""
FORUMS = """SELECT DISTINCT ?e ?f WHERE { ?e ?p ?f . ?p rdfs:subPropertyOf* onto:forum .
    ?f a/rdfs:subClassOf* onto:Forum }"""
HOSTS = """SELECT DISTINCT ?e ?a (EXISTS { ?p rdfs:subPropertyOf* onto:coHost } AS ?co) WHERE {
    ?e ?p ?a . ?p rdfs:subPropertyOf* onto:host . FILTER(isIRI(?a)) }"""
MADE_AT = """SELECT DISTINCT ?a ?p ?m WHERE { ?a a/rdfs:subClassOf* onto:Agreement ; ?p ?m .
    ?p rdfs:subPropertyOf* onto:madeAt . ?m a/rdfs:subClassOf* onto:Meeting }"""
SIGNED = """SELECT DISTINCT ?a ?p ?d WHERE { ?a a/rdfs:subClassOf* onto:Agreement ; ?p ?d .
    ?p rdfs:subPropertyOf* onto:signedOn . FILTER(isLiteral(?d)) }"""
SUPERPROPERTIES = """SELECT DISTINCT ?p ?q WHERE { ?p rdfs:subPropertyOf+ ?q FILTER(?p != ?q) }"""
RELATED = """SELECT DISTINCT ?x WHERE {{ {{ ?x ?p {a} }} UNION {{ {a} ?p ?x }}
    UNION {{ ?c onto:advancedAt ?x ; ?q {a} }} FILTER(isIRI(?x)) }}"""


def timeline_events(store: ox.Store, actor: str | None = None, *,
                    config: ProjectConfig | None = None) -> list[Event]:
    """Every meeting, and every signing, conclusion or adoption of an agreement, with its date
    (at the source's precision), forum, hosts and co-hosts. ``actor``: only what it took part
    in, hosted, advanced something at, or is related to (for agreements). A project without
    meetings in its ontology (``config``, default the packaged one) gets every resource
    with a value of one of its date properties, one lane per home class."""
    with _drawing(config):
        if not _has_term(store, "Meeting"):
            return _dated_resources(store, actor)
        return _meetings_and_agreements(store, actor)


DATED = """SELECT DISTINCT ?e ?p ?d WHERE {{ VALUES ?p {{ {props} }} ?e ?p ?d
    FILTER(isIRI(?e) && isLiteral(?d)) }}"""


def _dated_resources(store: ox.Store, actor: str | None) -> list[Event]:
    """The generic timeline: a mark per resource and date property (``published 1965``)."""
    config = _config()
    props = " ".join(str(ox.NamedNode(p)) for p in config.date_properties)
    if not props:
        return []
    cache: dict = {}
    label = lambda iri: label_of(store, ox.NamedNode(iri), cache, config.query_prefixes)  # noqa: E731
    lanes = _home_groups(store)
    events = []
    for row in _rows(store, DATED.format(props=props)):
        iri, prop, date = row["e"].value, row["p"].value, row["d"].value
        if parse_when(date) is None:
            continue
        lane = next((Ref(c, heading) for c, heading in config.home_classes
                     if c in lanes.get(iri, ())), None)
        events.append(Event(iri, label(iri), _verb(label(prop)), date, lane))
    if actor is not None:
        related = {row["x"].value for row in _rows(store, RELATED.format(a=ox.NamedNode(actor)))}
        events = [e for e in events if e.iri in related | {actor}]
    return sorted(set(events), key=lambda e: (e.date or "9999", e.label, e.kind, e.iri))


def _home_groups(store: ox.Store) -> dict[str, set[str]]:
    """Resource -> the project's home classes it belongs to."""
    classes = " ".join(str(ox.NamedNode(c)) for c, _ in _config().home_classes)
    if not classes:
        return {}
    found: dict[str, set[str]] = {}
    for row in _rows(store, f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?c {{ {classes} }} ?x a ?c }}"):
        found.setdefault(row["x"].value, set()).add(row["c"].value)
    return found


def _meetings_and_agreements(store: ox.Store, actor: str | None) -> list[Event]:
    cache: dict = {}
    label = lambda iri: label_of(store, ox.NamedNode(iri), cache)  # noqa: E731
    dates = _best_dates(_rows(store, DATES))
    forums: dict[str, list[str]] = {}
    for row in _rows(store, FORUMS):
        forums.setdefault(row["e"].value, []).append(row["f"].value)
    lane = lambda iri: _first_ref(forums.get(iri, []), label)  # noqa: E731
    hosts, cohosts = _hosts(store, label)
    events = [Event(iri, label(iri), "meeting", dates.get(iri), lane(iri),
                    hosts.get(iri, ()), cohosts.get(iri, ()))
              for iri in sorted(row["e"].value for row in _rows(store, MEETINGS))]
    events += _agreement_moments(store, label, dates, lane)
    if actor is not None:
        related = {row["x"].value for row in _rows(store, RELATED.format(a=ox.NamedNode(actor)))}
        events = [e for e in events if e.iri in related]
    return sorted(events, key=lambda e: (e.date or "9999", e.label, e.kind, e.iri))


def _best_dates(rows) -> dict[str, str]:
    """Per event the most precise date given (a day beats a month), the earliest of those."""
    best: dict[str, str] = {}
    for row in rows:
        iri, text = row["e"].value, row["d"].value
        if parse_when(text) is None:
            continue
        old = best.get(iri)
        if old is None or (len(text), old) > (len(old), text):
            best[iri] = text
    return best


def _first_ref(iris: list[str], label) -> Ref | None:
    refs = sorted((Ref(i, label(i)) for i in set(iris)), key=lambda r: (r.label.lower(), r.iri))
    return refs[0] if refs else None


def _hosts(store, label) -> tuple[dict, dict]:
    hosts: dict[str, set] = {}
    cohosts: dict[str, set] = {}
    for row in _rows(store, HOSTS):
        target = cohosts if row["co"].value == "true" else hosts
        target.setdefault(row["e"].value, set()).add(row["a"].value)
    as_refs = lambda table: {e: tuple(sorted((Ref(a, label(a)) for a in actors),  # noqa: E731
                                             key=lambda r: (r.label.lower(), r.iri)))
                             for e, actors in table.items()}
    return as_refs(hosts), as_refs(cohosts)


def _agreement_moments(store, label, dates, lane) -> list[Event]:
    """The agreements' conclusions/adoptions at meetings and their signing dates."""
    supers = _superproperties(store)
    made: dict[tuple[str, str], set[str]] = {}
    for row in _rows(store, MADE_AT):
        made.setdefault((row["a"].value, row["m"].value), set()).add(row["p"].value)
    events = []
    for (agreement, meeting), props in sorted(made.items()):
        for prop in sorted(_most_specific(props, supers)):
            events.append(Event(agreement, label(agreement), _verb(label(prop)), dates.get(meeting),
                                lane(agreement) or lane(meeting), note="at " + label(meeting)))
    signed: dict[tuple[str, str], set[str]] = {}
    for row in _rows(store, SIGNED):
        signed.setdefault((row["a"].value, row["d"].value), set()).add(row["p"].value)
    for (agreement, when), props in sorted(signed.items()):
        for prop in sorted(_most_specific(props, supers)):
            events.append(Event(agreement, label(agreement), _verb(label(prop)), when, lane(agreement)))
    return events


def _verb(property_label: str) -> str:
    """``concluded at`` → ``concluded``: the moment a property records."""
    words = property_label.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1] in {"at", "on", "in"} else property_label


def _superproperties(store) -> dict[str, set[str]]:
    supers: dict[str, set[str]] = {}
    for row in _rows(store, SUPERPROPERTIES, inferred=False):
        supers.setdefault(row["p"].value, set()).add(row["q"].value)
    return supers


def _most_specific(props: set[str], supers: dict[str, set[str]]) -> set[str]:
    """Leave out a property when a sub-property of it already says the same."""
    return {p for p in props if not any(p in supers.get(q, ()) for q in props if q != p)}


def timeline_svg(store: ox.Store, link: Link, *, actor: str | None = None,
                 title: str | None = None, config: ProjectConfig | None = None) -> str:
    if title is None:
        title = "Timeline" + (f" of {label_of(store, ox.NamedNode(actor))}" if actor else "")
    return render_svg.timeline_svg(timeline_events(store, actor, config=config), link, title=title)


# --- network --------------------------------------------------------------------------------

TYPED = """SELECT DISTINCT ?x ?c WHERE {{ VALUES ?c {{ {classes} }} ?x a/rdfs:subClassOf* ?c
    FILTER(isIRI(?x) && STRSTARTS(STR(?x), STR(res:))) }}"""
TYPES_OF = """SELECT DISTINCT ?x ?t WHERE {{ VALUES ?x {{ {only} }} ?x a ?t }}"""
BELOW_CLASSES = """SELECT DISTINCT ?t ?c WHERE {{ VALUES ?c {{ {classes} }} ?t rdfs:subClassOf* ?c }}"""
LINKS = """SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && isIRI(?s)
    && STRSTARTS(STR(?s), STR(res:)) && STRSTARTS(STR(?o), STR(res:))) }"""
# The resource in the triple patterns themselves (not BIND before them, which the engine
# evaluates as a scan of every triple).
AROUND = """SELECT DISTINCT ?s ?p ?o WHERE {{ {{ {c} ?p ?o BIND({c} AS ?s) }} UNION
    {{ ?s ?p {c} BIND({c} AS ?o) }} FILTER(isIRI(?o) && isIRI(?s) && STRSTARTS(STR(?s), STR(res:))
    && STRSTARTS(STR(?o), STR(res:))) }}"""
# An n-ary membership drawn as the edge it stands for: actor -> forum.
MEMBERSHIPS = """SELECT DISTINCT ?s ?p ?o WHERE { VALUES (?role ?p) { (onto:member onto:memberOf)
    (onto:observer onto:observer) } ?m ?role ?s ; onto:organization ?o }"""
MEMBERSHIPS_AROUND = """SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES (?role ?p) {{ (onto:member onto:memberOf)
    (onto:observer onto:observer) }} {{ ?m ?role {c} ; onto:organization ?o BIND({c} AS ?s) }} UNION
    {{ ?m ?role ?s ; onto:organization {c} BIND({c} AS ?o) }} }}"""
INVERSES = """SELECT DISTINCT ?p ?q WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } }"""


def network(store: ox.Store, around: str | None = None, *, limit: int | None = None,
            config: ProjectConfig | None = None) -> Network:
    """The whole graph (actors, forums, agreements and the meetings between them; for a
    project without them, every linked resource of its namespace), or one resource with
    every resource it is directly linked to (the first ``limit`` links the store gives,
    when given: a hub may have thousands). Redundant edges are left out: a super-property
    beside its sub-property, an inverse beside the asserted direction."""
    with _drawing(config):
        return _network(store, around, limit)


def _legend(store: ox.Store) -> tuple[str, ...]:
    """The classes that colour the nodes: :data:`GROUPS` or the project's home classes."""
    config = _config()
    if _has_term(store, "Actor"):
        return tuple(config.ontology_namespace + g for g in GROUPS)
    return tuple(c for c, _ in config.home_classes)


def _network(store: ox.Store, around: str | None, limit: int | None) -> Network:
    cache: dict = {}
    label = lambda iri: label_of(store, ox.NamedNode(iri), cache)  # noqa: E731
    # No ORDER BY: sorting costs the engine far more than the limit saves (0.56 s for 40,000
    # links); the store's own order is the same for the same data, and the layout sorts.
    cut = "" if limit is None else f" LIMIT {int(limit) + 1}"
    was_cut = False
    legend = _legend(store)
    ontology = _config().ontology_namespace
    if around is None:
        triples = _triples(store, LINKS) | _triples(store, MEMBERSHIPS)
        if _has_term(store, "Actor"):
            members = set(_groups(store, tuple(ontology + g for g in WHOLE_GRAPH)))
            triples = {t for t in triples if t[0] in members and t[2] in members}
        else:
            members = {t[0] for t in triples} | {t[2] for t in triples}
        asserted = _triples(store, LINKS, inferred=False) | _triples(store, MEMBERSHIPS,
                                                                     inferred=False)
    else:
        centre = ox.NamedNode(around)
        triples = _triples(store, AROUND.format(c=centre) + cut)
        if limit is not None and len(triples) > limit:
            triples, was_cut = set(sorted(triples)[:limit]), True
        members = {around} | {t[0] for t in triples} | {t[2] for t in triples}
        asserted = _triples(store, AROUND.format(c=centre) + cut, inferred=False) | \
            _triples(store, MEMBERSHIPS_AROUND.format(c=centre), inferred=False)
    groups_of = _groups(store, legend, members)
    kept = _reduce(triples, asserted, _superproperties(store), _inverses(store))
    nodes = tuple(Node(iri, label(iri), _group(groups_of.get(iri, set()), legend))
                  for iri in sorted(members))
    edges = tuple(Edge(s, o, label(p)) for s, p, o in sorted(kept))
    return Network(nodes, edges, tuple(Ref(g, label(g)) for g in legend), around, was_cut)


def _triples(store, sparql: str, *, inferred: bool = True) -> set[tuple[str, str, str]]:
    return {(r["s"].value, r["p"].value, r["o"].value) for r in _rows(store, sparql, inferred=inferred)
            if r["p"].value not in HIDDEN_PREDICATES}


def _groups(store, classes_of: tuple[str, ...], only: set[str] | None = None) -> dict[str, set[str]]:
    """Resource -> its classes among ``classes_of`` (IRIs); of the ``only`` resources, when
    given (their types, then the subclass closure of the classes: a neighbourhood does not
    read every typed resource, nor walk the class tree once per resource)."""
    if not classes_of:
        return {}
    classes = " ".join(str(ox.NamedNode(c)) for c in classes_of)
    found: dict[str, set[str]] = {}
    if only is None:
        for row in _rows(store, TYPED.format(classes=classes)):
            found.setdefault(row["x"].value, set()).add(row["c"].value)
        return found
    below: dict[str, set[str]] = {}
    for row in _rows(store, BELOW_CLASSES.format(classes=classes)):
        below.setdefault(row["t"].value, set()).add(row["c"].value)
    ours = _config().resource_namespace or "urn:x-none:"
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(only) if iri.startswith(ours))
    for row in _rows(store, TYPES_OF.format(only=values)) if values else ():
        if row["t"].value in below:
            found.setdefault(row["x"].value, set()).update(below[row["t"].value])
    return found


def _group(classes: set[str], legend: tuple[str, ...]) -> str:
    return next((c for c in legend if c in classes), "")


def _inverses(store) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in _rows(store, INVERSES, inferred=False):
        found.setdefault(row["p"].value, set()).add(row["q"].value)
    return found


def _reduce(triples, asserted, supers, inverses) -> set[tuple[str, str, str]]:
    """Drop ``s p o`` when ``s q o`` holds with q a sub-property of p, and one of a pair
    ``s p o`` / ``o q s`` with q the inverse of p (the asserted one stays)."""
    by_pair: dict[tuple[str, str], set[str]] = {}
    for s, p, o in triples:
        by_pair.setdefault((s, o), set()).add(p)
    kept = {(s, p, o) for (s, o), props in by_pair.items() for p in _most_specific(props, supers)}
    preferred = lambda t: (t not in asserted, t)  # noqa: E731
    result = set()
    for s, p, o in kept:
        twins = [(o, q, s) for q in inverses.get(p, ()) if (o, q, s) in kept and (o, q, s) != (s, p, o)]
        if not any(preferred(t) < preferred((s, p, o)) for t in twins):
            result.add((s, p, o))
    return result


def network_svg(store: ox.Store, link: Link, *, around: str | None = None,
                title: str | None = None, config: ProjectConfig | None = None) -> str:
    if title is None:
        title = f"Neighbourhood of {label_of(store, ox.NamedNode(around))}" if around else "Network"
    return render_svg.network_svg(network(store, around, config=config), link, title=title)


# --- ontology diagram -----------------------------------------------------------------------

CLASSES = """SELECT DISTINCT ?c WHERE { ?c a owl:Class
    FILTER(isIRI(?c) && STRSTARTS(STR(?c), STR(onto:))) }"""
SUBCLASSES = """SELECT DISTINCT ?c ?d WHERE { ?c rdfs:subClassOf ?d FILTER(isIRI(?c) && isIRI(?d)) }"""
OBJECT_PROPERTIES = """SELECT DISTINCT ?p ?d ?r WHERE { ?p a owl:ObjectProperty ; rdfs:domain ?d ;
    rdfs:range ?r FILTER(STRSTARTS(STR(?p), STR(onto:))) }"""


def ontology_diagram(store: ox.Store, config: ProjectConfig | None = None) -> Diagram:
    """The ontology's own classes, their asserted subclass links, and every object property
    that declares both a domain and a range among those classes."""
    with _drawing(config):
        return _diagram(store)


def _diagram(store: ox.Store) -> Diagram:
    cache: dict = {}
    label = lambda iri: label_of(store, ox.NamedNode(iri), cache)  # noqa: E731
    classes = {r["c"].value for r in _rows(store, CLASSES, inferred=False)}
    parents = {(r["c"].value, r["d"].value) for r in _rows(store, SUBCLASSES, inferred=False)
               if r["c"].value in classes and r["d"].value in classes and r["c"] != r["d"]}
    props = {(Ref(r["p"].value, label(r["p"].value)), r["d"].value, r["r"].value)
             for r in _rows(store, OBJECT_PROPERTIES, inferred=False)
             if r["d"].value in classes and r["r"].value in classes}
    return Diagram(tuple(sorted((Ref(c, label(c)) for c in classes), key=lambda r: r.iri)),
                   tuple(sorted(parents)), tuple(sorted(props, key=lambda t: (t[0].iri, t[1], t[2]))))


def ontology_svg(store: ox.Store, link: Link, *, title: str = "Ontology",
                 config: ProjectConfig | None = None) -> str:
    return render_svg.ontology_svg(ontology_diagram(store, config), link, title=title)


# --- standalone pages -----------------------------------------------------------------------

def html_page(svg: str, title: str) -> str:
    """A self-contained HTML page around one picture: no script, no external resource."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>body{{font-family:sans-serif;margin:1em}}"
            ".picture{overflow:auto;border:1px solid #ddd}</style>\n</head>\n<body>\n"
            f"<main>\n<h1>{escape(title)}</h1>\n<div class=\"picture\">\n{svg}</div>\n</main>\n</body>\n"
            "</html>\n")


def picture(store: ox.Store, kind: str, link: Link = iri_link, *, around: str | None = None,
            config: ProjectConfig | None = None) -> str:
    """One picture by name: ``timeline``, ``graph`` (``around`` a resource) or ``ontology``."""
    makers: dict[str, Callable[[ox.Store, Link], str]] = {
        "timeline": partial(timeline_svg, actor=around, config=config),
        "graph": partial(network_svg, around=around, config=config),
        "ontology": partial(ontology_svg, config=config)}
    return makers[kind](store, link)


# --- page sections (seccoop.render.sections hands them to the pages) --------------------------

IS_ACTOR = "ASK {{ {x} a/rdfs:subClassOf* onto:Actor }}"


def figure(svg: str, heading: str, kind: str) -> str:
    """An HTML section holding one picture (scrolls sideways when wider than the page)."""
    return (f'<section class="picture picture-{kind}"><h2>{escape(heading)}</h2>'
            f'<div style="overflow:auto;max-width:100%">{svg}</div></section>')


def home_section(store: ox.Store, link: Link = server_link, *,
                 config: ProjectConfig | None = None, **_context) -> str:
    return figure(timeline_svg(store, link, config=config), "Timeline", "timeline")


def entity_section(store: ox.Store, iri: str, link: Link = server_link, *,
                   limit: int | None = None, config: ProjectConfig | None = None) -> str:
    """An entity's neighbourhood network (at most ``limit`` links) and, for an actor, its
    own timeline."""
    with _drawing(config):
        return _entity_section(store, iri, link, limit)


def _entity_section(store: ox.Store, iri: str, link: Link, limit: int | None) -> str:
    if _config().resource_name(iri) is None:
        return ""
    parts = []
    node = ox.NamedNode(iri)
    if _rows_ask(store, IS_ACTOR.format(x=node)):
        events = timeline_events(store, iri)
        if events:
            title = f"Timeline of {label_of(store, node)}"
            parts.append(figure(render_svg.timeline_svg(events, link, title=title), title, "timeline"))
    net = network(store, iri, limit=limit)
    if len(net.nodes) > 1:
        heading = f"Neighbourhood (the first {limit:,} links)" if net.cut else "Neighbourhood"
        parts.append(figure(render_svg.network_svg(net, link, title=f"Neighbourhood of "
                                                   f"{label_of(store, node)}"), heading, "network"))
    return "".join(parts)


def ontology_section(store: ox.Store, link: Link = server_link, *,
                     config: ProjectConfig | None = None, **_context) -> str:
    return figure(ontology_svg(store, link, config=config), "Diagram", "ontology")


def _rows_ask(store: ox.Store, sparql: str) -> bool:
    return bool(run_query(store, sparql, prefixes=_prefixes()).value)
