"""Two small projects of other people's graphs, built by the tests: books (with a
seccoop.toml) and films (without one: everything is inferred from the files)."""

from __future__ import annotations

from pathlib import Path

BOOKS_TITLE = "A small library of science fiction"
BOOKS_NS = "http://example.org/books/"
BOOKS_TOML = f'''title = "{BOOKS_TITLE}"
description = "Novels and the people who wrote them."
licence = "https://creativecommons.org/publicdomain/zero/1.0/"
base = "http://example.org/library/"
resource_namespaces = ["bk:"]
ontology_namespaces = ["lib:"]
home_classes = [{{ class = "lib:Novel", heading = "Novels" }},
                {{ class = "lib:Author", heading = "Authors" }}]
date_properties = ["lib:published"]

[prefixes]
bk = "{BOOKS_NS}"
lib = "http://example.org/library/terms#"
'''
BOOKS_ONTOLOGY = """@prefix lib: <http://example.org/library/terms#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<http://example.org/library/terms> a owl:Ontology ; rdfs:label "library terms"@en .
lib:Work a owl:Class ; rdfs:label "work"@en .
lib:Novel a owl:Class ; rdfs:subClassOf lib:Work ; rdfs:label "novel"@en .
lib:Author a owl:Class ; rdfs:label "author"@en .
lib:wrote a owl:ObjectProperty ; rdfs:label "wrote"@en ; rdfs:domain lib:Author ;
    rdfs:range lib:Work ; owl:inverseOf lib:writtenBy .
lib:writtenBy a owl:ObjectProperty ; rdfs:label "written by"@en .
lib:published a owl:DatatypeProperty ; rdfs:label "published in"@en .
"""
BOOKS_DATA = """@prefix bk: <http://example.org/books/> .
@prefix lib: <http://example.org/library/terms#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

bk:dune a lib:Novel ; rdfs:label "Dune"@en ; lib:published "1965"^^xsd:gYear .
bk:children-of-dune a lib:Novel ; rdfs:label "Children of Dune"@en ;
    lib:published "1976"^^xsd:gYear .
bk:left-hand a lib:Novel ; rdfs:label "The Left Hand of Darkness"@en ;
    lib:published "1969"^^xsd:gYear .
bk:frank-herbert a lib:Author ; rdfs:label "Frank Herbert"@en ;
    lib:wrote bk:dune, bk:children-of-dune .
bk:ursula-le-guin a lib:Author ; rdfs:label "Ursula K. Le Guin"@en ; lib:wrote bk:left-hand .
"""
BOOKS_RESOURCES = {"dune": "Dune", "children-of-dune": "Children of Dune",
                   "left-hand": "The Left Hand of Darkness", "frank-herbert": "Frank Herbert",
                   "ursula-le-guin": "Ursula K. Le Guin"}

FILMS_TITLE = "Films of the French New Wave"
FILMS_NS = "https://data.example.net/films/id/"
FILMS_ONTOLOGY = """@prefix fv: <https://data.example.net/films/vocab#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://data.example.net/films/vocab> a owl:Ontology ;
    dcterms:title "Films of the French New Wave"@en ;
    dcterms:description "Directors, their films and the festivals that showed them."@en .
fv:Film a owl:Class ; rdfs:label "film"@en .
fv:Director a owl:Class ; rdfs:label "director"@en .
fv:Festival a owl:Class ; rdfs:label "festival"@en .
fv:directedBy a owl:ObjectProperty ; rdfs:label "directed by"@en ; rdfs:domain fv:Film ;
    rdfs:range fv:Director .
fv:shownAt a owl:ObjectProperty ; rdfs:label "shown at"@en .
fv:premiered a owl:DatatypeProperty ; rdfs:label "premiered on"@en .
"""
FILMS_DATA = """@prefix fv: <https://data.example.net/films/vocab#> .
@prefix film: <https://data.example.net/films/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

film:breathless a fv:Film ; rdfs:label "Breathless"@en ; fv:directedBy film:godard ;
    fv:premiered "1960-03-16"^^xsd:date ; fv:shownAt film:berlin-1960 .
film:the-400-blows a fv:Film ; rdfs:label "The 400 Blows"@en ; fv:directedBy film:truffaut ;
    fv:premiered "1959-05-04"^^xsd:date ; fv:shownAt film:cannes-1959 .
film:jules-and-jim a fv:Film ; rdfs:label "Jules and Jim"@en ; fv:directedBy film:truffaut ;
    fv:premiered "1962-01-23"^^xsd:date .
film:godard a fv:Director ; rdfs:label "Jean-Luc Godard"@en .
film:truffaut a fv:Director ; rdfs:label "François Truffaut"@en .
film:cannes-1959 a fv:Festival ; rdfs:label "Cannes 1959"@en .
film:berlin-1960 a fv:Festival ; rdfs:label "Berlinale 1960"@en .
"""
FILMS_RESOURCES = {"breathless": "Breathless", "the-400-blows": "The 400 Blows",
                   "jules-and-jim": "Jules and Jim", "godard": "Jean-Luc Godard",
                   "truffaut": "François Truffaut", "cannes-1959": "Cannes 1959",
                   "berlin-1960": "Berlinale 1960"}
FILMS_QUERY = """# title: Films by director
SELECT ?film ?director WHERE { ?film fv:directedBy ?director } ORDER BY ?film
"""


def make_books(root: Path) -> Path:
    """The books project: a seccoop.toml names everything."""
    for folder in ("ontology", "data", "queries"):
        (root / folder).mkdir(parents=True)
    (root / "seccoop.toml").write_text(BOOKS_TOML)
    (root / "ontology" / "library.ttl").write_text(BOOKS_ONTOLOGY)
    (root / "data" / "books.ttl").write_text(BOOKS_DATA)
    (root / "queries" / "novels.rq").write_text(
        "# title: Novels\nSELECT ?n WHERE { ?n a lib:Novel } ORDER BY ?n\n")
    return root


def make_films(root: Path) -> Path:
    """The films project: no project file."""
    for folder in ("ontology", "data", "queries"):
        (root / folder).mkdir(parents=True)
    (root / "ontology" / "films.ttl").write_text(FILMS_ONTOLOGY)
    (root / "data" / "films.ttl").write_text(FILMS_DATA)
    (root / "queries" / "films-by-director.rq").write_text(FILMS_QUERY)
    return root
