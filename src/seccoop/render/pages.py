"""The pages of the graph: home, entity, ontology, VoID and explanation. One function per
page, each made of section functions; every page takes the :class:`~.urls.Urls` its links
are built with and ends with the front-end's own :class:`~.sections.Sections`.

    >>> from seccoop.browse import Description
    >>> page = entity_page(None, Description("https://w3id.org/seccoop/id/x", "<X>", [], [], []),
    ...                    Urls())
    >>> "&lt;X&gt;" in page and "<X>" not in page
    True
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox

from ..namespaces import STANDARD_PREFIXES as PREFIXES
from ..browse import LABEL, RDF_TYPE, Description, Fact, blank_text, label_of
from .documents import select, void_counts
from .html import downloads, esc, layout, link, search_form, table, term_dict, term_html
from .sections import NONE, Sections, render
from .urls import Urls

# The ways into the graph on the home page are the project's home classes.
WAYS_IN_LIMIT = 60
# Incoming links shown per property (the counts say how many there are).
INCOMING_PER_PROPERTY = 10
_REIFIED = tuple(ox.NamedNode(PREFIXES["rdf"] + name) for name in ("subject", "predicate", "object"))


def _label(store, term, cache: dict) -> str:
    return label_of(store, term, cache) if store is not None else term_dict(term)["value"]


def _link(urls: Urls, store, term, cache: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return term_html(urls, term_dict(term), _label(store, term, cache))
    if isinstance(term, ox.BlankNode) and store is not None:
        return _blank_html(urls, store, term, cache)
    return term_html(urls, term_dict(term))


def _blank_html(urls: Urls, store, node: ox.BlankNode, cache: dict) -> str:
    """A blank node as what it says, never its id: a reified statement as its triple
    (the fact a sentence supports), anything else as its content in brackets."""
    parts = [next(store.quads_for_pattern(node, p, None), None) for p in _REIFIED]
    if all(parts):
        s, p, o = (_link(urls, store, q.object, cache) for q in parts if q is not None)
        return f'<span class="statement">{s} <span class="p">{p}</span> {o}</span>'
    return f'<span class="bnode">{esc(blank_text(store, node))}</span>'


# --- home --------------------------------------------------------------------------------

def home_page(store: ox.Store, counts: dict, urls: Urls, sections: Sections = NONE) -> str:
    """What the graph is (the project's title and description), its size, and lists of the
    instances of its home classes."""
    parts = [_intro(counts, urls), _ways_in(store, urls),
             render(sections.home, store, urls, counts=counts)]
    return layout(urls, "Home", "".join(parts))


def _intro(counts: dict, urls: Urls) -> str:
    figures = "".join(f"<li><strong>{esc(f'{value:,}')}</strong> {esc(name)}</li>"
                      for name, value in counts.items())
    endpoint = link(urls.sparql(), "<code>/sparql</code>")
    config = urls.config
    about = f"<p>{esc(config.description)}</p>" if config.description else ""
    return f"""<section class="intro">
<h1>{esc(config.title)}</h1>
{about}
<ul class="figures">{figures}</ul>
<p>Browse below, {link(urls.query(), "query it with SPARQL")}, read the
<a href="{esc(urls.ontology())}">ontology</a>, or point a SPARQL client at {endpoint}.</p>
</section>"""


def ways_in(store: ox.Store, config=None) -> list[tuple[str, list[tuple[ox.NamedNode, str]]]]:
    """Per home class of the project (``config``, default the packaged one), its instances
    with their labels."""
    found = []
    for cls, heading in (config or Urls().config).home_classes:
        query = f"""SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> FILTER(isIRI(?s)) }}
                    ORDER BY ?s LIMIT {WAYS_IN_LIMIT}"""
        rows = select(store, query, use_default_graph_as_union=True)
        members = [row["s"] for row in rows]
        cache: dict = {}
        labelled = sorted(((m, label_of(store, m, cache)) for m in members),
                          key=lambda pair: pair[1].lower())
        if labelled:
            found.append((heading, labelled))
    return found


def _ways_in(store: ox.Store, urls: Urls) -> str:
    parts = []
    for heading, members in ways_in(store, urls.config):
        items = "".join(f"<li>{term_html(urls, term_dict(m), label)}</li>" for m, label in members)
        more = "" if len(members) < WAYS_IN_LIMIT else f'<p class="note">First {WAYS_IN_LIMIT}.</p>'
        parts.append(f'<section class="way-in"><h2>{esc(heading)}</h2><ul>{items}</ul>{more}</section>')
    if not parts:
        names = ", ".join(heading.lower() for _, heading in urls.config.home_classes) or "resources"
        return f'<section><p class="note">The graph has no {esc(names)} yet.</p></section>'
    return f'<div class="ways-in">{"".join(parts)}</div>'


# --- entity ------------------------------------------------------------------------------

def entity_page(store, desc: Description, urls: Urls, sections: Sections = NONE, *,
                limit: int | None = None) -> str:
    """Label, types, facts (labels, not IRIs) with their sources, incoming links; ``limit``
    bounds the links drawn by picture sections."""
    cache: dict = {}
    types = ", ".join(_type_html(urls, store, f, cache) for f in desc.outgoing
                      if f.predicate == RDF_TYPE and isinstance(f.object, ox.NamedNode)) or "—"
    stem = document_stem(urls, desc.iri)
    parts = [
        f'<h1>{esc(desc.label)}</h1><p class="iri"><code>{esc(desc.iri)}</code></p>',
        f'<p class="types">a {types}</p>',
        f'<p class="downloads">Data: {downloads(urls, stem)}</p>' if stem else "",
        _facts_section(urls, store, desc, cache, stem),
        _incoming_section(urls, store, desc, cache, stem),
        render(sections.entity, store, urls, description=desc, limit=limit),
    ]
    return layout(urls, desc.label, "".join(parts), alternates=stem or "void",
                  alternates_title="this resource's data" if stem else "")


def document_stem(urls: Urls, iri: str) -> str:
    """The stem of a resource's documents (``id/china``), "" when it has none."""
    name = urls.config.resource_name(iri) or ""
    return urls.resource_stem(name) if name and "/" not in name else ""


def _type_html(urls: Urls, store, fact: Fact, cache: dict) -> str:
    return _link(urls, store, fact.object, cache) + (_inferred_mark(urls, fact) if fact.inferred else "")


def _inferred_mark(urls: Urls, fact: Fact) -> str:
    """The badge of an inferred fact: a link to why it holds where a server explains it,
    and no promise of one on the static site."""
    href = explain_href(urls, fact)
    tip = "derived by OWL 2 RL reasoning: why?" if href else "derived by OWL 2 RL reasoning"
    return " " + link(href, "inferred", css="inferred", title=tip)


def explain_href(urls: Urls, fact: Fact) -> str | None:
    """The explanation page of an inferred fact (the object in N-Triples syntax)."""
    subject = cast("ox.NamedNode | ox.BlankNode", fact.subject)  # reasoning derives no quoted triples
    return urls.explain(s=subject.value, p=fact.predicate.value, o=str(fact.object))


def _sources_html(urls: Urls, store, fact: Fact, cache: dict) -> str:
    """A fact's sources, folded: one line says how many, the sentences open on demand."""
    if not fact.sources:
        return ""
    count = len(fact.sources)
    inner = "".join(_source_html(urls, store, src, text, cache) for src, text in fact.sources)
    return (f'<details class="sources"><summary>{count} source{"s" if count > 1 else ""}'
            f"</summary>{inner}</details>")


def _source_html(urls: Urls, store, source: str, text: str, cache: dict) -> str:
    node = ox.NamedNode(source)
    where = term_html(urls, term_dict(node), _label(store, node, cache))
    quote = f' <q>{esc(text)}</q>' if text else ""
    return f'<div class="source">{where}{quote}</div>'


def _grouped(facts: list[Fact], key, label) -> list[tuple[str, object, list[Fact]]]:
    """Facts by ``key(fact)``, the groups ordered by ``label(key)`` (case-insensitive)."""
    groups: dict = {}
    for fact in facts:
        groups.setdefault(key(fact), []).append(fact)
    named = [(label(k), k, members) for k, members in groups.items()]
    return sorted(named, key=lambda g: (g[0].lower(), str(g[1])))


def _value_item(urls: Urls, store, fact: Fact, term, cache: dict) -> str:
    mark = _inferred_mark(urls, fact) if fact.inferred else ""
    return f"<li>{_link(urls, store, term, cache)}{mark}{_sources_html(urls, store, fact, cache)}</li>"


def _facts_section(urls: Urls, store, desc: Description, cache: dict, stem: str) -> str:
    facts = [f for f in desc.outgoing if f.predicate not in (RDF_TYPE, LABEL)]
    if not facts and not desc.more_outgoing:
        return '<section class="facts"><h2>Facts</h2><p class="note">No facts.</p></section>'
    rows = [[_link(urls, store, predicate, cache),
             '<ul class="values">' + "".join(_value_item(urls, store, f, f.object, cache)
                                             for f in members) + "</ul>"]
            for _, predicate, members in _grouped(facts, lambda f: f.predicate,
                                                  lambda p: _label(store, p, cache))]
    more = _more_note(urls, desc, len(desc.outgoing), stem,
                      "SELECT ?property ?value WHERE {{ <{iri}> ?property ?value }}") \
        if desc.more_outgoing else ""
    return ('<section class="facts"><h2>Facts</h2>' + more
            + table(["property", "values"], rows, css="facts") + "</section>")


def _incoming_section(urls: Urls, store, desc: Description, cache: dict, stem: str) -> str:
    """Who points here: a count per property, then the first links of each."""
    if not desc.incoming:
        return ""
    groups = _grouped(desc.incoming, lambda f: f.predicate, lambda p: _label(store, p, cache))
    plus = "+" if desc.more_incoming else ""
    counts = "".join(f"<li>{_link(urls, store, p, cache)}: {len(members):,}{plus}</li>"
                     for _, p, members in groups)
    rows, hidden = [], 0
    for _, predicate, members in groups:
        for fact in members[:INCOMING_PER_PROPERTY]:
            rows.append([_link(urls, store, fact.subject, cache)
                         + (_inferred_mark(urls, fact) if fact.inferred else "")
                         + _sources_html(urls, store, fact, cache),
                         _link(urls, store, predicate, cache)])
        hidden += max(len(members) - INCOMING_PER_PROPERTY, 0)
    more = _more_note(urls, desc, len(desc.incoming), stem,
                      "SELECT ?resource ?property WHERE {{ ?resource ?property <{iri}> }}") \
        if desc.more_incoming else ""
    every = urls.query(query=f"SELECT ?resource ?property WHERE {{ ?resource ?property <{desc.iri}> }}")
    rest = (f'<p class="note">And {hidden:,} more ({INCOMING_PER_PROPERTY} are shown per '
            f'property): {link(every, "all of them with SPARQL")}.</p>' if hidden else "")
    return ('<section class="incoming"><h2>Referenced by</h2>' + more
            + f'<ul class="counts">{counts}</ul>'
            + table(["resource", "property"], rows, css="facts links") + rest + "</section>")


def _more_note(urls: Urls, desc: Description, shown: int, stem: str, query: str) -> str:
    """The truncation note of a cut list of facts: a query for all of them (where a query
    page exists) and the resource's Turtle document."""
    href = urls.query(query=query.format(iri=desc.iri))
    data = f' Its data: <a href="{esc(urls.data(stem, "ttl"))}">Turtle</a>.' if stem else ""
    return (f'<p class="note truncated">Only the first {shown:,} are shown. '
            f'{link(href, "All of them with SPARQL")}.{data}</p>')


# --- ontology ----------------------------------------------------------------------------

ONTOLOGY_TERMS = """SELECT ?term ?kind ?label ?comment WHERE {
  VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property")
    (owl:DatatypeProperty "property") (owl:AnnotationProperty "property") (rdf:Property "property") }
  GRAPH ?g { ?term a ?type }
  FILTER(STRSTARTS(STR(?g), ?ontology_graphs) && isIRI(?term))
  OPTIONAL { ?term rdfs:label ?label FILTER(LANG(?label) = "en" || LANG(?label) = "") }
  OPTIONAL { ?term rdfs:comment ?comment FILTER(LANG(?comment) = "en" || LANG(?comment) = "") }
}"""


def ontology_terms(store: ox.Store, config=None) -> dict[str, list[dict]]:
    """Classes and properties declared in the ontology files, with label, comment, count."""
    config = config or Urls().config
    terms: dict[str, dict] = {}
    where = ox.Literal(config.graph_iri("ontology/"))
    for row in select(store, ONTOLOGY_TERMS.replace("?ontology_graphs", str(where)),
                      prefixes=config.query_prefixes, use_default_graph_as_union=True):
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
              for row in select(store, query, use_default_graph_as_union=True)}
    for row in select(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
                      use_default_graph_as_union=True):
        counts.setdefault(row["p"].value, int(row["n"].value))
    return counts


def ontology_page(store: ox.Store, terms: dict[str, list[dict]], urls: Urls,
                  sections: Sections = NONE) -> str:
    """Every class and property of the ontology, with its instance (or triple) count."""
    namespace = ", ".join(urls.config.ontology_namespaces) or "—"
    parts = [f"<h1>Ontology</h1><p>Namespace <code>{esc(namespace)}</code> · "
             f"Data: {downloads(urls, 'ontology')}</p>"]
    for key, heading, unit in (("classes", "Classes", "instances"), ("properties", "Properties", "triples")):
        rows = [[_anchor(urls, e), esc(e["comment"]), esc(f"{e['count']:,}")] for e in terms[key]]
        body = table(["term", "description", unit], rows, css="terms") if rows else \
            '<p class="note">None declared.</p>'
        parts.append(f'<section id="{key}"><h2>{heading}</h2>{body}</section>')
    parts.append(render(sections.ontology, store, urls, terms=terms))
    return layout(urls, "Ontology", "".join(parts), alternates="ontology",
                  alternates_title="the ontology")


def _anchor(urls: Urls, entry: dict) -> str:
    iri = entry["iri"]
    term = urls.config.ontology_term(iri)
    local = term if term is not None else iri
    href = urls.iri(iri)
    anchor = f' id="{esc(local)}"' if term is not None else ""
    name = esc(entry["label"] or local)
    linked = f'<a href="{esc(href)}">{name}</a>' if href else name
    return f'<span{anchor} class="term">{linked}</span><br><code>{esc(local)}</code>'


def individuals_section(store, urls: Urls, **_context) -> str:
    """Every individual of the graph (resources of the project's namespace) with its class
    and number of facts."""
    config = urls.config
    resources = ox.Literal(config.resource_namespace)
    classes = " || ".join(f"STRSTARTS(STR(?t), {ox.Literal(ns)})"
                          for ns in config.ontology_namespaces) or "true"
    query = f"""SELECT ?i (SAMPLE(?t) AS ?type) (COUNT(DISTINCT ?fact) AS ?n) WHERE {{
      ?i a ?t FILTER(isIRI(?i) && STRSTARTS(STR(?i), {resources}) && ({classes}))
      ?i ?p ?o BIND(CONCAT(STR(?p), " ", STR(?o)) AS ?fact) }} GROUP BY ?i ORDER BY ?i"""
    cache: dict = {}
    rows = [[term_html(urls, term_dict(r["i"]), label_of(store, r["i"], cache)),
             term_html(urls, term_dict(r["type"]), label_of(store, r["type"], cache)),
             esc(f"{int(r['n'].value):,}")]
            for r in select(store, query, use_default_graph_as_union=True)]
    body = table(["individual", "a", "facts"], rows, css="terms") if rows else \
        '<p class="note">None.</p>'
    return f'<section id="individuals"><h2>Individuals ({len(rows):,})</h2>{body}</section>'


# --- VoID --------------------------------------------------------------------------------

def void_page(store: ox.Store, turtle: str, urls: Urls) -> str:
    """The dataset's VoID description for a browser: its named graphs, then the Turtle."""
    total, classes, properties, graphs = void_counts(store)
    rows = [[f"<code>{esc(urls.config.graph_name(g.value))}</code>", esc(f"{int(n.value):,}"),
             esc(f"{int(ns.value):,}")] for g, n, ns in graphs]
    parts = [
        "<h1>Dataset description (VoID)</h1>",
        f"<p>{esc(f'{total:,}')} triples, {len(classes):,} classes, {len(properties):,} "
        f"properties. Data: {downloads(urls, 'void')}</p>",
        '<section><h2>Named graphs</h2>'
        + table(["graph", "triples", "subjects"], rows, css="terms") + "</section>",
        f'<section><h2>Turtle</h2><pre class="turtle">{esc(turtle)}</pre></section>',
    ]
    return layout(urls, "VoID", "".join(parts))


# --- explanation -------------------------------------------------------------------------

def explain_page(expl, labels: dict, urls: Urls) -> str:
    """Why a fact holds (:func:`seccoop.reasoning.explain`): the tree of rules and premises
    down to asserted facts with their sources; ``labels`` names the terms."""
    body = (f"<h1>Why does this hold?</h1><p>{_triple_html(urls, expl.triple, labels)}</p>"
            f'<ul class="explanation">{_tree(urls, expl, labels)}</ul>')
    return layout(urls, "Explanation", body)


def explain_error_page(message: str, urls: Urls) -> str:
    return layout(urls, "Explanation", f'<h1>Explanation</h1><p class="error">{esc(message)}</p>')


def _triple_html(urls: Urls, triple, labels: dict) -> str:
    return " ".join(term_html(urls, term_dict(t), labels.get(t)) for t in triple)


def _chain_html(urls: Urls, expl, labels: dict) -> str:
    """A property chain axiom as ``p1 ∘ p2 ⊑ p``, never the list's blank node."""
    chain = " ∘ ".join(term_html(urls, term_dict(t), labels.get(t)) for t in expl.chain)
    head = expl.triple[0]
    return f"{chain} ⊑ {term_html(urls, term_dict(head), labels.get(head))}"


def _tree(urls: Urls, expl, labels: dict) -> str:
    text = _chain_html(urls, expl, labels) if expl.chain else _triple_html(urls, expl.triple, labels)
    if expl.status == "inferred":
        premises = "".join(_tree(urls, p, labels) for p in expl.premises)
        return (f'<li><span class="fact">{text}</span> <span class="rule">inferred by rule '
                f'<code>{esc(expl.rule)}</code> from</span><ul>{premises}</ul></li>')
    if expl.status == "asserted":
        sources = "".join(f'<div class="source">{term_html(urls, term_dict(ox.NamedNode(src)))}'
                          f'{f" <q>{esc(t)}</q>" if t else ""}</div>' for src, t in expl.sources)
        return f'<li><span class="fact">{text}</span> <span class="asserted">asserted</span>{sources}</li>'
    return f'<li><span class="fact">{text}</span> <span class="note">{esc(expl.status)}</span></li>'


# --- search ------------------------------------------------------------------------------

_MATCHES = {"exact": "exact", "prefix": "a word begins", "substring": "inside",
            "fuzzy": "close to"}
_FIELD_NAMES = {"label": "label", "alias": "alias", "name": "IRI"}


def search_page(store, text: str, hits: list, urls: Urls) -> str:
    """The results of :meth:`seccoop.search.SearchIndex.search`: each resource with its
    type, and the name that matched when it is not the label."""
    cache: dict = {}
    items = []
    for hit in hits:
        node = ox.NamedNode(hit.iri)
        types = sorted({_label(store, q.object, cache) for q in store.quads_for_pattern(node, RDF_TYPE, None)
                        if isinstance(q.object, ox.NamedNode)
                        and urls.config.ontology_term(q.object.value) is not None})
        kind = f' <span class="tag">{esc(", ".join(types[:3]))}</span>' if types else ""
        why = (f'{_MATCHES[hit.kind]} {_FIELD_NAMES[hit.where]} “{esc(hit.matched)}”'
               if hit.matched != hit.label or hit.kind != "exact" else "exact label")
        items.append(f'<li>{term_html(urls, term_dict(node), hit.label)}{kind}'
                     f'<span class="why">{why}</span></li>')
    if not text.strip():
        found = '<p class="note">Type a name: a label, an alias or part of an IRI.</p>'
    elif not items:
        found = f'<p class="note">Nothing is named like “{esc(text)}”.</p>'
    else:
        found = (f'<p class="count">{len(items):,} match{"es" if len(items) != 1 else ""} '
                 f'for “{esc(text)}”</p><ol class="hits">{"".join(items)}</ol>')
    body = (f'<h1>Search</h1>{search_form(urls, text, field_id="search-page")}'
            f'<section class="search-results">{found}</section>')
    return layout(urls, f"Search: {text}" if text else "Search", body)
