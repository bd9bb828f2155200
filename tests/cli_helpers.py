"""Small temporary projects and a CliRunner wrapper for the store and CLI tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

PREAMBLE = """@prefix sc: <https://w3id.org/seccoop/ontology#> .
@prefix scr: <https://w3id.org/seccoop/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""

ONTOLOGY = PREAMBLE + """
sc:Forum a owl:Class ; rdfs:label "forum"@en .
sc:State a owl:Class ; rdfs:label "state"@en .
sc:hasMember a owl:ObjectProperty ; rdfs:label "has member"@en .
"""

FACTS = PREAMBLE + """
scr:china a sc:State ; rdfs:label "China"@en .
scr:russia a sc:State ; rdfs:label "Russia"@en .
scr:sco a sc:Forum ; rdfs:label "Shanghai Cooperation Organization"@en ; skos:altLabel "SCO"@en ;
    sc:hasMember scr:china, scr:russia .
scr:georgia-state a sc:State ; rdfs:label "Georgia"@en .
scr:georgia-place rdfs:label "Georgia"@en .
scr:p1-s1 a sc:Sentence ; rdfs:label "Paragraph 1, sentence 1"@en ;
    sc:text "The SCO member states include China."@en .
[] a rdf:Statement ; rdf:subject scr:sco ; rdf:predicate sc:hasMember ; rdf:object scr:china ;
    prov:wasDerivedFrom scr:p1-s1 .
"""

QUERY = """# title: Members of the SCO
# description: Every state that is a member of the SCO.
SELECT ?member WHERE { scr:sco sc:hasMember ?member } ORDER BY ?member
"""


def make_project(root: Path) -> Path:
    """A two-file project with one named query, enough for every command."""
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "queries").mkdir()
    (root / "ontology" / "core.ttl").write_text(ONTOLOGY)
    (root / "data" / "facts.ttl").write_text(FACTS)
    (root / "queries" / "sco-members.rq").write_text(QUERY)
    return root


def run(project: Path, store: Path, *args: str, input: str | None = None):
    """Invoke the CLI in-process; returns the click Result (stdout and stderr apart)."""
    from seccoop.cli import cli

    runner = CliRunner()
    return runner.invoke(cli, ["--project", str(project), "--store", str(store), *args],
                         input=input, catch_exceptions=False)
