"""Quality checks of a knowledge graph: zero-row SPARQL checks and SHACL validation.

* :func:`run_checks` runs every ``queries/checks/*.rq`` of a project over the asserted graphs
  of a store; a check passes when it returns no rows.
* :func:`validate_shapes` validates the project's ontology and data files (or an rdflib graph)
  against its ``ontology/shapes.ttl`` with pySHACL.

rdflib and pySHACL are imported inside the functions: they are slow to import and only
needed here.

    >>> from seccoop.project import find_project
    >>> from seccoop.store import open_store
    >>> project = find_project()
    >>> all(not rows for rows in run_checks(open_store(project), project).values())
    True
"""

from __future__ import annotations

import gzip
from pathlib import Path

from .project import Project, find_project, rdf_kind

# rdflib's names of the syntaxes the store loads.
_RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld",
                   "n3": "n3"}


def check_files(project: Project | None = None) -> list[Path]:
    """The check queries of ``project``, sorted by name."""
    project = project or find_project()
    return sorted((project.queries_dir / "checks").glob("*.rq"))


def run_checks(store, project: Project | None = None) -> dict[str, list[tuple]]:
    """Run every zero-row check; returns {check name: offending rows} (all empty = clean).

    Checks judge what was asserted, so the inferred graph is left out.
    """
    import pyoxigraph as ox

    from .queries import run_query

    results: dict[str, list[tuple]] = {}
    for path in check_files(project):
        text = path.read_text(encoding="utf-8")
        if isinstance(store, ox.Store) or getattr(store, "is_remote", False):
            prefixes = project.config.query_prefixes if project is not None else None
            rows = run_query(store, text, inferred=False, prefixes=prefixes).value
        else:  # an rdflib graph or any store with a plain .query()
            rows = store.query(text)
        results[path.stem] = [tuple(None if t is None else _value(t) for t in row) for row in rows]
    return results


def _value(term) -> str:
    return term.value if hasattr(term, "value") else str(term)


def project_graph(project: Project | None = None):
    """All of a project's source files merged into one rdflib Graph (what pySHACL reads)."""
    import rdflib

    project = project or find_project()
    graph = rdflib.Graph()
    for path in project.source_files():
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        graph.parse(data=data, format=_RDFLIB_FORMATS[rdf_kind(path) or "turtle"],
                    publicID=project.graph_iri(path))
    return graph


def validate_shapes(data=None, project: Project | None = None) -> tuple[bool, str]:
    """Validate with pySHACL; ``data`` is an rdflib Graph or None (the project's files).

    Warnings (e.g. an unknown venue) do not break conformance. Returns (conforms, report).
    """
    import rdflib
    from pyshacl import validate

    project = project or find_project()
    graph = data if data is not None else project_graph(project)
    shapes_path = project.ontology_dir / "shapes.ttl"
    if not shapes_path.is_file():
        return True, f"no shapes: {shapes_path} does not exist"
    shapes_graph = rdflib.Graph().parse(str(shapes_path), format="turtle")
    conforms, _report_graph, report_text = validate(
        graph, shacl_graph=shapes_graph, inference="none", allow_warnings=True, advanced=False)
    return bool(conforms), str(report_text)
