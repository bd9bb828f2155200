"""``seccoop init DIR``: a small working project to start a knowledge graph from.

The example (a reading list: books, their authors, when they appeared) has every part a
project has: a project file, an ontology with its title, data, a named query and SHACL
shapes; ``check``, ``serve`` and ``site`` accept it as written.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "reading"
    >>> sorted(p.relative_to(root).as_posix() for p in write_project(root))[:2]
    ['data/books.ttl', 'ontology/reading.ttl']
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ProjectError

PROJECT_FILE = '''# The project file of a seccoop knowledge graph; every key is optional (what is left
# out is inferred from the files). See the README, "Your own knowledge graph".
title = "{title}"
description = "Books worth reading, who wrote them and when they appeared."
licence = "https://creativecommons.org/licenses/by/4.0/"
# Documents, dumps and VoID live under the base IRI; resource pages are /id/<name>.
base = "{base}"
resource_namespaces = ["r:"]
ontology_namespaces = ["v:"]
# The classes the home page lists, and the properties that place things on the timeline.
home_classes = [{{ class = "v:Book", heading = "Books" }}, {{ class = "v:Author", heading = "Authors" }}]
date_properties = ["v:published"]

# Predeclared in every query, with the standard ones (rdf, rdfs, owl, xsd, skos, dcterms...).
[prefixes]
v = "{base}vocab#"
r = "{base}id/"
'''

ONTOLOGY = '''@prefix v: <{base}vocab#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{base}vocab> a owl:Ontology ;
    dcterms:title "{title}"@en ;
    dcterms:description "Classes and properties of a reading list."@en .

v:Book a owl:Class ; rdfs:label "book"@en ; rdfs:comment "A book on the list."@en .
v:Author a owl:Class ; rdfs:label "author"@en ; rdfs:comment "Someone who wrote a book."@en .
v:wrote a owl:ObjectProperty ; rdfs:label "wrote"@en ; rdfs:domain v:Author ;
    rdfs:range v:Book ; owl:inverseOf v:writtenBy .
v:writtenBy a owl:ObjectProperty ; rdfs:label "written by"@en .
v:published a owl:DatatypeProperty ; rdfs:label "published in"@en ;
    rdfs:comment "The year the book first appeared."@en .
'''

SHAPES = '''@prefix v: <{base}vocab#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# Every book has a label and at most one year of publication.
v:BookShape a sh:NodeShape ;
    sh:targetClass v:Book ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ;
    sh:property [ sh:path v:published ; sh:maxCount 1 ; sh:datatype xsd:gYear ] .
'''

DATA = '''@prefix v: <{base}vocab#> .
@prefix r: <{base}id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

r:middlemarch a v:Book ; rdfs:label "Middlemarch"@en ; v:published "1871"^^xsd:gYear .
r:silas-marner a v:Book ; rdfs:label "Silas Marner"@en ; v:published "1861"^^xsd:gYear .
r:persuasion a v:Book ; rdfs:label "Persuasion"@en ; v:published "1817"^^xsd:gYear .
r:george-eliot a v:Author ; rdfs:label "George Eliot"@en ; v:wrote r:middlemarch, r:silas-marner .
r:jane-austen a v:Author ; rdfs:label "Jane Austen"@en ; v:wrote r:persuasion .
'''

QUERY = '''# title: Books by author
# description: Every book with its author and year; --param author=r:jane-austen picks one.
SELECT ?author ?book ?year WHERE {
  ?author v:wrote ?book .
  OPTIONAL { ?book v:published ?year }
} ORDER BY ?author ?year
'''


def write_project(root: Path, title: str | None = None) -> list[Path]:
    """Write the example project into ``root`` (new or empty); the files written.

    Raises :class:`~seccoop.errors.ProjectError` when ``root`` holds anything already:
    nothing of a user's is ever overwritten.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ProjectError(f"{root}: not empty; seccoop init writes into a new or empty folder")
    slug = re.sub(r"[^a-z0-9-]+", "-", root.resolve().name.lower()).strip("-") or "project"
    values = {"title": title or "A reading list", "base": f"https://example.org/{slug}/"}
    files = {"seccoop.toml": PROJECT_FILE, "ontology/reading.ttl": ONTOLOGY,
             "ontology/shapes.ttl": SHAPES, "data/books.ttl": DATA,
             "queries/books-by-author.rq": QUERY}
    written = []
    for rel, template in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template if rel.startswith("queries/") else template.format(**values)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
