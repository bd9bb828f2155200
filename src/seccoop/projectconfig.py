"""What a project says about itself: title, namespaces, prefixes, home classes, dates.

Read from ``seccoop.toml`` at the project root when there is one; whatever the file leaves
out is inferred from the project's own files (``@prefix`` lines, the most common subject
namespace of ``data/``, the ``owl:Ontology`` of ``ontology/``, the classes with most
instances, the properties whose values are dates). No module hard-codes a namespace: each
asks the project's :class:`ProjectConfig`.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> _ = (root / "data" / "b.ttl").write_text(
    ...     "@prefix b: <http://example.org/books/> .\\n"
    ...     'b:dune a b:Book ; b:published "1965"^^<http://www.w3.org/2001/XMLSchema#gYear> .\\n')
    >>> config = load_config(root)
    >>> config.resource_namespace, config.graph_base, dict(config.prefixes)["b"]
    ('http://example.org/books/', 'http://example.org/books/graph/', 'http://example.org/books/')
    >>> config.date_properties
    ('http://example.org/books/published',)
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import lean
from .errors import ProjectError
from .namespaces import STANDARD_PREFIXES

CONFIG_FILE = "seccoop.toml"
RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
OWL = STANDARD_PREFIXES["owl"]
XSD = STANDARD_PREFIXES["xsd"]
DCTERMS = STANDARD_PREFIXES["dcterms"]
PROV_DERIVED = STANDARD_PREFIXES["prov"] + "wasDerivedFrom"
DATE_TYPES = {XSD + t for t in ("date", "dateTime", "gYear", "gYearMonth", "dateTimeStamp")}
TERM_TYPES = {OWL + "Class", RDFS + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty",
              OWL + "AnnotationProperty", RDF + "Property"}
# Vocabularies whose classes never make a home page section.
META = tuple(STANDARD_PREFIXES[p] for p in ("rdf", "rdfs", "owl", "xsd"))
HOME_CLASSES = 4
# Settings of the file kept as they are (see ProjectConfig.extra_text).
EXTRA_KEYS = ("source_text",)
# Triples read per file, and in all, when inferring: enough to see a project's namespaces,
# cheap on big ones (a seccoop.toml that names everything reads none).
SAMPLE = 50_000
TOTAL_SAMPLE = 250_000
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>\s]*)>", re.M | re.I)


@dataclass(frozen=True)
class ProjectConfig:
    """The settings every command, page and picture takes its namespaces and texts from.

    ``prefixes`` are the project's own; :attr:`query_prefixes` adds the standard ones.
    ``home_classes`` pairs each class IRI with its heading on the home page.
    """

    title: str
    description: str = ""
    licence: str = ""
    base: str = ""
    resource_namespaces: tuple[str, ...] = ()
    ontology_namespaces: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    home_classes: tuple[tuple[str, str], ...] = ()
    date_properties: tuple[str, ...] = ()
    graph_base: str = ""
    ontology_iri: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    # name -> {"url", "update", "gsp"}: the ``[remotes.NAME]`` tables, for ``--remote NAME``
    remotes: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def resource_namespace(self) -> str:
        """Where ``/id/<name>`` points: the first resource namespace."""
        return self.resource_namespaces[0] if self.resource_namespaces else ""

    @property
    def ontology_namespace(self) -> str:
        return self.ontology_namespaces[0] if self.ontology_namespaces else ""

    @property
    def inferred_graph(self) -> str:
        """The named graph of the materialised closure."""
        return self.graph_base + "inferred"

    @property
    def query_prefixes(self) -> dict[str, str]:
        """Predeclared in every query: the standard prefixes, then the project's own."""
        own = dict(self.prefixes)
        return {**own, **{p: ns for p, ns in STANDARD_PREFIXES.items() if p not in own}}

    def graph_iri(self, relative: str) -> str:
        """The named graph of one source file (``data/books.ttl``)."""
        return self.graph_base + relative

    def graph_name(self, iri: str) -> str:
        """A graph's short name: its IRI without the graph base."""
        return iri[len(self.graph_base):] if iri.startswith(self.graph_base) else iri

    def resource_name(self, iri: str) -> str | None:
        """``dune`` for ``<resource namespace>dune``; None for IRIs from elsewhere."""
        ns = self.resource_namespace
        if ns and iri.startswith(ns) and len(iri) > len(ns):
            return iri[len(ns):]
        return None

    def ontology_term(self, iri: str) -> str | None:
        """The local name of a term of the project's ontology namespace(s)."""
        for ns in self.ontology_namespaces:
            if iri.startswith(ns) and len(iri) > len(ns):
                return iri[len(ns):]
        return None

    def extra_text(self, key: str) -> str:
        """An optional setting of the project file, prefixed names expanded (``""``: none)."""
        value = self.extra.get(key, "")
        return _expand(value, dict(self.prefixes)) if isinstance(value, str) else ""

    def is_ontology(self, iri: str) -> bool:
        """True for the ontology's own IRI (its namespace without ``#``)."""
        return bool(iri) and (iri == self.ontology_iri or any(
            iri in (ns, ns.rstrip("#/")) for ns in self.ontology_namespaces))


@lru_cache(maxsize=16)
def _load_cached(root: str, stamp: str) -> ProjectConfig:
    return _load(Path(root))


def load_config(root: str | os.PathLike) -> ProjectConfig:
    """The configuration of the project at ``root`` (cached while its files do not change)."""
    root = os.path.realpath(os.fspath(root))
    toml = os.path.join(root, CONFIG_FILE)
    stamp = lean.source_stats(root) + (str(os.stat(toml).st_mtime_ns) if os.path.isfile(toml) else "")
    return _load_cached(root, stamp)


def packaged_config() -> ProjectConfig:
    """The packaged project's configuration (what library calls without a project use)."""
    return load_config(lean.packaged_root())


def _read_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, no-redef]
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ProjectError(f"{path}: {error}") from None


def _load(root: Path) -> ProjectConfig:
    given = _read_toml(root / CONFIG_FILE) if (root / CONFIG_FILE).is_file() else {}
    project = given.get("project", given)
    # The file's prefixes replace the inferred ones: a project says exactly what it predeclares.
    prefixes = (_strings(project["prefixes"], "prefixes") if "prefixes" in project
                else declared_prefixes(root))
    needs = [key for key in ("title", "description", "licence", "resource_namespaces",
                             "ontology_namespaces", "home_classes", "date_properties",
                             "source_text") if key not in project]
    facts = _infer(root) if needs else {}
    expand = lambda value: _expand(value, prefixes)  # noqa: E731
    resources = tuple(expand(v) for v in _list(project.get("resource_namespaces",
                                                            facts.get("resource_namespaces", []))))
    ontology = tuple(expand(v) for v in _list(project.get("ontology_namespaces",
                                                           facts.get("ontology_namespaces", []))))
    base = project.get("base") or _site_base(resources[0] if resources else "")
    return ProjectConfig(
        title=str(project.get("title") or facts.get("title") or root.name),
        description=str(project.get("description", facts.get("description", ""))),
        licence=str(project.get("licence", project.get("license", facts.get("licence", "")))),
        base=base, resource_namespaces=resources, ontology_namespaces=ontology,
        prefixes=tuple(prefixes.items()),
        home_classes=_home(project.get("home_classes"), facts.get("home_classes", ()), expand),
        date_properties=tuple(expand(v) for v in _list(project.get(
            "date_properties", facts.get("date_properties", [])))),
        graph_base=project.get("graph_base") or (base + "graph/" if base else "urn:seccoop:graph:"),
        ontology_iri=expand(project.get("ontology_iri", facts.get("ontology_iri", ""))),
        extra={k: project.get(k, facts.get(k)) for k in EXTRA_KEYS if project.get(k, facts.get(k))},
        remotes=_remotes(given.get("remotes", project.get("remotes", {}))))


REMOTE_KEYS = {"query": "url", "update": "update", "gsp": "gsp"}


def _remotes(tables) -> dict[str, dict[str, str]]:
    """``[remotes.NAME]`` with ``query`` (the SPARQL endpoint) and optional ``update`` and
    ``gsp``. Credentials are refused here: they belong in the environment or a netrc."""
    if not isinstance(tables, dict):
        raise ProjectError(f"{CONFIG_FILE}: remotes must be tables ([remotes.NAME])")
    remotes = {}
    for name, table in tables.items():
        where = f"{CONFIG_FILE}: [remotes.{name}]"
        if not isinstance(table, dict):
            raise ProjectError(f"{where} must be a table")
        secret = sorted(set(table) & {"user", "username", "password", "token", "auth"})
        if secret:
            raise ProjectError(f"{where}: {', '.join(secret)} not allowed: credentials go in "
                               "SECCOOP_REMOTE_USER/SECCOOP_REMOTE_PASSWORD or a netrc entry")
        unknown = sorted(set(table) - set(REMOTE_KEYS))
        if unknown or not isinstance(table.get("query"), str) or \
                not all(isinstance(v, str) for v in table.values()):
            raise ProjectError(f"{where}: needs query = \"URL\" (and optionally update, gsp); "
                               f"unknown: {', '.join(unknown) or 'none'}")
        remotes[name] = {REMOTE_KEYS[key]: value for key, value in table.items()}
    return remotes


def _strings(value, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ProjectError(f"{CONFIG_FILE}: {key} must be a table of strings")
    return dict(value)


def _list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _expand(value: str, prefixes: dict[str, str]) -> str:
    """``sc:Forum`` -> the IRI, with the project's and the standard prefixes."""
    prefix, colon, local = value.partition(":")
    known = {**STANDARD_PREFIXES, **prefixes}
    if colon and prefix in known and not local.startswith("//"):
        return known[prefix] + local
    return value


def _home(given, inferred, expand) -> tuple[tuple[str, str], ...]:
    """Home classes from the file (``"sc:Forum"`` or ``{class = "sc:Forum", heading = ...}``)."""
    if given is None:
        return tuple(inferred)
    found = []
    for entry in _list(given):
        if isinstance(entry, dict):
            iri = expand(entry["class"])
            found.append((iri, str(entry.get("heading") or local_name(iri))))
        else:
            found.append((expand(entry), local_name(expand(entry))))
    return tuple(found)


def local_name(iri: str) -> str:
    return re.split(r"[#/:]", iri.rstrip("#/"))[-1]


def namespace_of(iri: str) -> str:
    """``http://example.org/books/`` for ``http://example.org/books/dune`` (up to ``#``/``/``)."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1] if cut > len("http://") else ""


def _site_base(resources: str) -> str:
    """The site's base IRI: the resource namespace, less a trailing ``id/`` folder."""
    return resources[:-3] if resources.endswith("/id/") else resources


def declared_prefixes(root: Path) -> dict[str, str]:
    """The ``@prefix``/``PREFIX`` lines of the project's Turtle files (first one wins)."""
    found: dict[str, str] = {}
    for rel in lean.source_files(str(root)):
        if not rel.endswith((".ttl", ".n3", ".trig")):
            continue
        with open(root / rel, encoding="utf-8", errors="replace") as handle:
            head = handle.read(200_000)
        for prefix, namespace in _PREFIX_LINE.findall(head):
            if prefix and namespace:
                found.setdefault(prefix, namespace)
    return found


# --- inference from the files ---------------------------------------------------------------

def _triples(root: Path, rel: str):
    """Up to :data:`SAMPLE` triples of one source file (nothing if it does not parse: the
    build reports that, with its position)."""
    import gzip
    import itertools

    import pyoxigraph as ox

    from .formats import SOURCE_SYNTAXES

    fmt = SOURCE_SYNTAXES[lean.rdf_kind(rel) or "turtle"]
    path = root / rel
    try:
        data = gzip.decompress(path.read_bytes()) if rel.endswith(".gz") else path.read_bytes()
        parsed = ox.parse(data, format=fmt, base_iri="urn:x-seccoop-relative:")
        return list(itertools.islice(parsed, SAMPLE))
    except (SyntaxError, OSError, EOFError, ValueError):
        return []


def _infer(root: Path) -> dict:
    """Everything the project file may leave out, from a sample of the project's triples."""
    ontology: list = []
    data: list = []
    files = lean.source_files(str(root))
    for rel in sorted(files, key=lambda rel: not rel.startswith("ontology/")):  # ontology first
        if len(ontology) + len(data) >= TOTAL_SAMPLE:
            break
        (ontology if rel.startswith("ontology/") else data).extend(_triples(root, rel))
    found: dict = {}
    subjects = Counter(namespace_of(s) for s in {t.subject.value for t in data
                                                 if type(t.subject).__name__ == "NamedNode"})
    subjects.pop("", None)
    found["resource_namespaces"] = [subjects.most_common(1)[0][0]] if subjects else []
    found.update(_ontology_facts(ontology, data))
    found["home_classes"] = _home_classes(data, ontology)
    found["source_text"] = _source_text(data)
    found["date_properties"] = sorted({t.predicate.value for t in ontology + data
                                       if getattr(t.object, "datatype", None) is not None
                                       and t.object.datatype.value in DATE_TYPES})
    return found


def _ontology_facts(ontology: list, data: list) -> dict:
    """The ontology's IRI, namespace, title, description and licence."""
    typed = [t for t in ontology if t.predicate.value == RDF + "type"]
    onto = sorted(t.subject.value for t in typed if t.object.value == OWL + "Ontology"
                  and type(t.subject).__name__ == "NamedNode")
    terms = Counter(namespace_of(t.subject.value) for t in typed if t.object.value in TERM_TYPES
                    and type(t.subject).__name__ == "NamedNode")
    if not terms:  # no ontology files: the namespace of the data's classes
        terms = Counter(namespace_of(t.object.value) for t in data
                        if t.predicate.value == RDF + "type" and not t.object.value.startswith(META))
    terms.pop("", None)
    found: dict = {"ontology_iri": onto[0] if onto else "",
                   "ontology_namespaces": [terms.most_common(1)[0][0]] if terms else []}
    if onto:
        about = [t for t in ontology if t.subject.value == onto[0]]
        found["title"] = _text(about, DCTERMS + "title", RDFS + "label")
        found["description"] = _text(about, DCTERMS + "description", RDFS + "comment")
        found["licence"] = _text(about, DCTERMS + "license", DCTERMS + "rights")
    return found


def _text(triples: list, *predicates: str) -> str:
    """The first value of the first predicate given, English or untagged preferred."""
    for predicate in predicates:
        values = [t.object for t in triples if t.predicate.value == predicate]
        values.sort(key=lambda v: getattr(v, "language", None) not in (None, "en"))
        if values:
            return values[0].value
    return ""


def _home_classes(data: list, ontology: list) -> list[tuple[str, str]]:
    """The classes with most instances in ``data/`` (at most :data:`HOME_CLASSES`), each
    headed by its label (else its local name) in the plural."""
    typed = {(t.subject.value, t.object.value) for t in data
             if t.predicate.value == RDF + "type" and type(t.object).__name__ == "NamedNode"
             and not t.object.value.startswith(META)}
    counts = Counter(cls for _, cls in typed)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:HOME_CLASSES]
    labels = {t.subject.value: t.object for t in ontology + data
              if t.predicate.value == RDFS + "label" and getattr(t.object, "language", None)
              in (None, "en")}
    return [(cls, plural(labels[cls].value if cls in labels else local_name(cls)))
            for cls, _ in ranked]


def _source_text(data: list) -> str:
    """The property holding the text of the sources facts are derived from: the commonest
    literal-valued property (besides labels) of the objects of ``prov:wasDerivedFrom``."""
    sources = {t.object.value for t in data if t.predicate.value == PROV_DERIVED}
    counts = Counter(t.predicate.value for t in data if t.subject.value in sources
                     and type(t.object).__name__ == "Literal"
                     and not t.predicate.value.startswith((RDFS, STANDARD_PREFIXES["skos"])))
    return counts.most_common(1)[0][0] if counts else ""


def plural(name: str) -> str:
    """A heading for a class's members: ``Forums``, ``Classes``, ``Bodies``.

    >>> plural("forum"), plural("Class"), plural("government body"), plural("Day")
    ('Forums', 'Classes', 'Government bodies', 'Days')
    """
    name = name[:1].upper() + name[1:]
    if name.endswith(("s", "x", "ch", "sh", "z")):
        return name + "es"
    if name.endswith("y") and name[-2:-1] not in tuple("aeiou"):
        return name[:-1] + "ies"
    return name + "s"
