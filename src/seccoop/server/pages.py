"""The server-rendered pages: home, entity, ontology. One function per page, each made
of section functions, and each page ends with :func:`extra_sections` for add-ons.

    >>> from seccoop.browse import Description
    >>> page = entity_page(None, Description("https://w3id.org/seccoop/id/x", "<X>", [], [], []))
    >>> "&lt;X&gt;" in page and "<X>" not in page
    True
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox

from .. import PREFIXES, SC
from ..browse import LABEL, RDF_TYPE, Description, Fact, label_of
from .datadocs import EXTENSIONS
from .html import esc, extra_sections, layout, local_href, table, term_dict, term_html

# The ways into the graph on the home page: class local name -> heading.
WAYS_IN = (("Forum", "Forums"), ("Agreement", "Agreements"), ("Actor", "Actors"),
           ("Event", "Events"))
WAYS_IN_LIMIT = 60


def _label(store, term, cache: dict) -> str:
    return label_of(store, term, cache) if store is not None else term_dict(term)["value"]


def _link(store, term, cache: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return term_html(term_dict(term), _label(store, term, cache))
    return term_html(term_dict(term))


# --- home --------------------------------------------------------------------------------

def home_page(store: ox.Store, counts: dict) -> str:
    """What the graph is, its size, and lists of forums, agreements, actors and events."""
    sections = [_intro(counts), _ways_in(store), extra_sections("home", store, counts=counts)]
    return layout("Home", "".join(sections))


def _intro(counts: dict) -> str:
    figures = "".join(f"<li><strong>{esc(f'{value:,}')}</strong> {esc(name)}</li>"
                      for name, value in counts.items())
    return f"""<section class="intro">
<h1>Regional security cooperation, as a knowledge graph</h1>
<p>Forums, agreements, actors and events of regional security cooperation described in the
white paper <cite>China's National Defense in 2008</cite>, each fact with the sentence it comes
from, plus what OWL 2 RL reasoning derives from them.</p>
<ul class="figures">{figures}</ul>
<p>Browse below, <a href="/query">query it with SPARQL</a>, read the
<a href="/ontology">ontology</a>, or point a SPARQL client at <a href="/sparql"><code>/sparql</code></a>.</p>
</section>"""


def ways_in(store: ox.Store) -> list[tuple[str, list[tuple[ox.NamedNode, str]]]]:
    """Per heading of :data:`WAYS_IN`, the instances of that class with their labels."""
    found = []
    for local, heading in WAYS_IN:
        query = f"""SELECT DISTINCT ?s WHERE {{ ?s a <{SC}{local}> FILTER(isIRI(?s)) }}
                    ORDER BY ?s LIMIT {WAYS_IN_LIMIT}"""
        rows = store.query(query, use_default_graph_as_union=True)
        members = [row["s"] for row in rows]
        cache: dict = {}
        labelled = sorted(((m, label_of(store, m, cache)) for m in members),
                          key=lambda pair: pair[1].lower())
        if labelled:
            found.append((heading, labelled))
    return found


def _ways_in(store: ox.Store) -> str:
    parts = []
    for heading, members in ways_in(store):
        items = "".join(f"<li>{term_html(term_dict(m), label)}</li>" for m, label in members)
        more = "" if len(members) < WAYS_IN_LIMIT else f'<p class="note">First {WAYS_IN_LIMIT}.</p>'
        parts.append(f'<section class="way-in"><h2>{esc(heading)}</h2><ul>{items}</ul>{more}</section>')
    if not parts:
        return '<section><p class="note">The graph has no forums, agreements, actors or events yet.</p></section>'
    return f'<div class="ways-in">{"".join(parts)}</div>'


# --- entity ------------------------------------------------------------------------------

def entity_page(store, desc: Description, *, path: str = "", limit: int | None = None) -> str:
    """Label, types, facts (labels, not IRIs) with their sources, incoming links; ``limit``
    bounds the links drawn by picture sections."""
    cache: dict = {}
    types = ", ".join(_type_html(store, f, cache) for f in desc.outgoing
                      if f.predicate == RDF_TYPE and isinstance(f.object, ox.NamedNode)) or "—"
    downloads = " ".join(f'<a href="{esc(path)}.{ext}">{ext}</a>' for ext in EXTENSIONS) if path else ""
    sections = [
        f'<h1>{esc(desc.label)}</h1><p class="iri"><code>{esc(desc.iri)}</code></p>',
        f'<p class="types">a {types}</p>',
        f'<p class="downloads">Data: {downloads}</p>' if downloads else "",
        _facts_section(store, desc, cache, path),
        _incoming_section(store, desc, cache, path),
        extra_sections("entity", store, description=desc, limit=limit),
    ]
    return layout(desc.label, "".join(sections), alternates=path or "/void",
                  alternates_title="this resource's data" if path else "")


def _type_html(store, fact: Fact, cache: dict) -> str:
    return _link(store, fact.object, cache) + (_inferred_mark(fact) if fact.inferred else "")


def _inferred_mark(fact: Fact) -> str:
    return (f' <a class="inferred" href="{esc(explain_href(fact))}" '
            'title="derived by OWL 2 RL reasoning: why?">inferred</a>')


def explain_href(fact: Fact) -> str:
    """The explanation page of an inferred fact (the object in N-Triples syntax)."""
    return "/explain?" + urlencode({"s": fact.subject.value, "p": fact.predicate.value,
                                    "o": str(fact.object)})


def _fact_row(store, fact: Fact, first, second, cache: dict) -> list[str]:
    mark = _inferred_mark(fact) if fact.inferred else ""
    sources = "".join(_source_html(store, src, text, cache) for src, text in fact.sources)
    return [_link(store, first, cache), _link(store, second, cache) + mark, sources]


def _source_html(store, source: str, text: str, cache: dict) -> str:
    where = term_html(term_dict(ox.NamedNode(source)), _label(store, ox.NamedNode(source), cache))
    quote = f' <q>{esc(text)}</q>' if text else ""
    return f'<div class="source">{where}{quote}</div>'


def _facts_section(store, desc: Description, cache: dict, path: str = "") -> str:
    rows = [_fact_row(store, f, f.predicate, f.object, cache) for f in desc.outgoing
            if f.predicate not in (RDF_TYPE, LABEL)]
    if not rows and not desc.more_outgoing:
        return '<section class="facts"><h2>Facts</h2><p class="note">No facts.</p></section>'
    more = _more_note(desc, len(desc.outgoing), path,
                      "SELECT ?property ?value WHERE {{ <{iri}> ?property ?value }}") \
        if desc.more_outgoing else ""
    return ('<section class="facts"><h2>Facts</h2>' + more
            + table(["property", "value", "source"], rows, css="facts") + "</section>")


def _incoming_section(store, desc: Description, cache: dict, path: str = "") -> str:
    if not desc.incoming:
        return ""
    rows = [_fact_row(store, f, f.subject, f.predicate, cache) for f in desc.incoming]
    more = _more_note(desc, len(desc.incoming), path,
                      "SELECT ?resource ?property WHERE {{ ?resource ?property <{iri}> }}") \
        if desc.more_incoming else ""
    return ('<section class="incoming"><h2>Referenced by</h2>' + more
            + table(["resource", "property", "source"], rows, css="facts") + "</section>")


def _more_note(desc: Description, shown: int, path: str, query: str) -> str:
    """The truncation note of a cut list of facts: a query for all of them (on the server)
    and the resource's Turtle document (on the server and in the static site)."""
    href = "/query?" + urlencode({"query": query.format(iri=desc.iri)})
    data = f' Its data: <a href="{esc(path)}.ttl">Turtle</a>.' if path else ""
    return (f'<p class="note truncated">Only the first {shown:,} are shown. '
            f'<a href="{esc(href)}">All of them with SPARQL</a>.{data}</p>')


# --- ontology ----------------------------------------------------------------------------

ONTOLOGY_TERMS = """SELECT ?term ?kind ?label ?comment WHERE {
  VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property")
    (owl:DatatypeProperty "property") (owl:AnnotationProperty "property") (rdf:Property "property") }
  GRAPH ?g { ?term a ?type }
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/seccoop/graph/ontology/") && isIRI(?term))
  OPTIONAL { ?term rdfs:label ?label FILTER(LANG(?label) = "en" || LANG(?label) = "") }
  OPTIONAL { ?term rdfs:comment ?comment FILTER(LANG(?comment) = "en" || LANG(?comment) = "") }
}"""


def ontology_terms(store: ox.Store) -> dict[str, list[dict]]:
    """Classes and properties declared in the ontology files, with label, comment, count."""
    terms: dict[str, dict] = {}
    for row in store.query(ONTOLOGY_TERMS, prefixes=PREFIXES, use_default_graph_as_union=True):
        entry = terms.setdefault(row["term"].value, {"iri": row["term"].value,
                                                      "kind": row["kind"].value,
                                                      "label": "", "comment": "", "count": 0})
        entry["label"] = entry["label"] or (row["label"].value if row["label"] else "")
        entry["comment"] = entry["comment"] or (row["comment"].value if row["comment"] else "")
    counts = _instance_counts(store)
    for entry in terms.values():
        entry["count"] = counts.get(entry["iri"], 0)
    ordered = sorted(terms.values(), key=lambda e: (e["label"] or e["iri"]).lower())
    return {"classes": [e for e in ordered if e["kind"] == "class"],
            "properties": [e for e in ordered if e["kind"] == "property"]}


def _instance_counts(store: ox.Store) -> dict[str, int]:
    query = """SELECT ?t (COUNT(*) AS ?n) WHERE {
        { SELECT DISTINCT ?s ?t WHERE { ?s a ?t } } } GROUP BY ?t"""
    counts = {row["t"].value: int(row["n"].value)
              for row in store.query(query, use_default_graph_as_union=True)}
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
                           use_default_graph_as_union=True):
        counts.setdefault(row["p"].value, int(row["n"].value))
    return counts


def ontology_page(store: ox.Store, terms: dict[str, list[dict]]) -> str:
    """Every class and property of the ontology, with its instance (or triple) count."""
    downloads = " ".join(f'<a href="/ontology.{ext}">{ext}</a>' for ext in EXTENSIONS)
    sections = [f"<h1>Ontology</h1><p>Namespace <code>{esc(SC)}</code> · Data: {downloads}</p>"]
    for key, heading, unit in (("classes", "Classes", "instances"), ("properties", "Properties", "triples")):
        rows = [[_anchor(e), esc(e["comment"]), esc(f"{e['count']:,}")] for e in terms[key]]
        body = table(["term", "description", unit], rows, css="terms") if rows else \
            '<p class="note">None declared.</p>'
        sections.append(f'<section id="{key}"><h2>{heading}</h2>{body}</section>')
    sections.append(extra_sections("ontology", store, terms=terms))
    return layout("Ontology", "".join(sections), alternates="/ontology",
                  alternates_title="the ontology")


def _anchor(entry: dict) -> str:
    iri = entry["iri"]
    local = iri[len(SC):] if iri.startswith(SC) else iri
    href = local_href(iri)
    anchor = f' id="{esc(local)}"' if iri.startswith(SC) else ""
    name = esc(entry["label"] or local)
    link = f'<a href="{esc(href)}">{name}</a>' if href else name
    return f'<span{anchor} class="term">{link}</span><br><code>{esc(local)}</code>'


# --- VoID --------------------------------------------------------------------------------

def void_page(store: ox.Store, turtle: str) -> str:
    """The dataset's VoID description for a browser: its named graphs, then the Turtle."""
    from .datadocs import GRAPH_BASE, void_counts

    total, classes, properties, graphs = void_counts(store)
    rows = [[f"<code>{esc(g.value.removeprefix(GRAPH_BASE))}</code>", esc(f"{int(n.value):,}"),
             esc(f"{int(ns.value):,}")] for g, n, ns in graphs]
    downloads = " ".join(f'<a href="/void.{ext}">{ext}</a>' for ext in EXTENSIONS)
    sections = [
        "<h1>Dataset description (VoID)</h1>",
        f"<p>{esc(f'{total:,}')} triples, {len(classes):,} classes, {len(properties):,} "
        f"properties. Data: {downloads}</p>",
        '<section><h2>Named graphs</h2>'
        + table(["graph", "triples", "subjects"], rows, css="terms") + "</section>",
        f'<section><h2>Turtle</h2><pre class="turtle">{esc(turtle)}</pre></section>',
    ]
    return layout("VoID", "".join(sections))
