"""JSON-LD for JavaScript developers: compacted with one published ``@context``.

The context is the project's prefixes, then the hand-written core shipped as
``seccoop/context.jsonld`` (standard prefixes and natural names such as ``label``, ``type``,
``sameAs``), plus a short name for every class and property of the project's ontology
namespace, derived deterministically from the store. Exports embed
it inline (offline parsers need it there); the static site publishes the same object as
``context.jsonld``.

    >>> writer = JsonLdWriter(core_context())
    >>> writer.compact("https://w3id.org/seccoop/id/china")
    'scr:china'
"""

from __future__ import annotations

import json
from importlib import resources
from itertools import groupby
from typing import Any, BinaryIO, Iterable

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES as PREFIXES
from .projectconfig import ProjectConfig, packaged_config

RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]


def core_context(config: ProjectConfig | None = None) -> dict:
    """The project's prefixes (default: the packaged project's) and the hand-written part
    of the published context (``seccoop/context.jsonld``)."""
    text = resources.files("seccoop").joinpath("context.jsonld").read_text(encoding="utf-8")
    written = json.loads(text)["@context"]
    own = dict((config or packaged_config()).prefixes)
    context = {key: written[key] for key in ("id", "type")}
    context.update(own)
    context.update((k, v) for k, v in written.items() if k not in context)
    return context


def context_for(store: ox.Store, graphs: list[ox.NamedNode] | None = None,
                config: ProjectConfig | None = None) -> dict:
    """The core context plus a short name for every class and property of the project's
    ontology namespace (object properties coerce their values to IRIs). Deterministic:
    sorted by IRI."""
    config = config or packaged_config()
    context = core_context(config)
    namespace = config.ontology_namespace
    if not namespace:
        return context
    prefix = next((p for p, ns in config.prefixes if ns == namespace), None)
    curie = (lambda name: f"{prefix}:{name}") if prefix else (lambda name: namespace + name)
    taken = set(context) | {v if isinstance(v, str) else v["@id"] for v in context.values()}
    query = f"""SELECT ?t (SAMPLE(?k) AS ?kind) WHERE {{ GRAPH ?g {{ ?t a ?k }}
        FILTER(STRSTARTS(STR(?t), {ox.Literal(namespace)}) && ?k IN (owl:Class, rdfs:Class,
        owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty, rdf:Property)) }}
        GROUP BY ?t ORDER BY ?t"""
    rows: Any = store.query(query, prefixes=PREFIXES, named_graphs=list(graphs) if graphs else None)
    for row in rows:
        name = row["t"].value[len(namespace):]
        if not name.isidentifier() or name in taken or curie(name) in taken:
            continue
        taken.add(name)
        if row["kind"].value == PREFIXES["owl"] + "ObjectProperty":
            context[name] = {"@id": curie(name), "@type": "@id"}
        else:
            context[name] = curie(name)
    return context


def _context_json(context: dict) -> str:
    terms = ",\n  ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                         for k, v in context.items())
    return "{\n  " + terms + "\n}"


def context_document(context: dict) -> str:
    """The context as the file the site publishes (``context.jsonld``)."""
    return '{"@context": ' + _context_json(context) + "}\n"


class JsonLdWriter:
    """Compacted JSON-LD, one node object per subject, the context inline (offline parsers
    need it there); the same context is published as ``context.jsonld``."""

    def __init__(self, context: dict):
        self.context = context
        self.prefixes = sorted(((v, k) for k, v in context.items()
                                if isinstance(v, str) and v[-1:] in ("#", "/")),
                               key=lambda p: -len(p[0]))
        self.terms: dict[str, tuple[str, dict]] = {}
        for name, value in context.items():
            if name.startswith("@") or value in ("@id", "@type"):
                continue
            definition = {"@id": value} if isinstance(value, str) else value
            if definition["@id"][-1:] not in ("#", "/"):
                self.terms.setdefault(self.expand(definition["@id"]), (name, definition))
        self.type_key = next(k for k, v in context.items() if v == "@type")
        self.id_key = next(k for k, v in context.items() if v == "@id")

    def expand(self, value: str) -> str:
        prefix, colon, rest = value.partition(":")
        target = self.context.get(prefix) if colon else None
        return target + rest if isinstance(target, str) and not rest.startswith("//") else value

    def compact(self, iri: str, vocab: bool = False) -> str:
        if vocab and iri in self.terms and isinstance(self.context[self.terms[iri][0]], str):
            return self.terms[iri][0]
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//") \
                    and all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
        return iri

    def write(self, triples: Iterable[ox.Triple | ox.Quad], out: BinaryIO) -> None:
        out.write(b'{\n"@context": ' + _context_json(self.context).encode() + b',\n"@graph": [')
        first = True
        for subject, group in groupby(triples, key=lambda t: t.subject):
            node = self.node(subject, group)
            out.write((b"\n" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode())
            first = False
        out.write(b"\n]\n}\n")

    def node(self, subject, triples: Iterable[ox.Triple | ox.Quad]) -> dict:
        node: dict = {self.id_key: self.reference(subject)}
        for t in triples:
            if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
                node.setdefault(self.type_key, []).append(self.compact(t.object.value, vocab=True))
                continue
            key, value = self.entry(t.predicate.value, t.object)
            node.setdefault(key, []).append(value)
        return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in node.items()}

    def reference(self, term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.compact(term.value)

    def entry(self, predicate: str, value) -> tuple[str, object]:
        name, definition = self.terms.get(predicate, (None, {}))
        if name and definition.get("@type") == "@id" and not isinstance(value, ox.Literal):
            return name, self.reference(value)
        if name and "@language" in definition:
            if isinstance(value, ox.Literal) and value.language == definition["@language"]:
                return name, value.value
            name = None
        if name and "@type" in definition:
            name = None
        return name or self.compact(predicate), self.value(value)

    def value(self, term):
        if not isinstance(term, ox.Literal):
            return {"@id": self.reference(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD + "string":
            return term.value
        if datatype == XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"
        if datatype == XSD + "integer" and term.value.lstrip("-").isdigit() \
                and str(int(term.value)) == term.value:
            return int(term.value)
        return {"@value": term.value, "@type": self.compact(datatype, vocab=True)}
