"""Quality checks of the knowledge graph: zero-row SPARQL checks and SHACL validation.

* :func:`run_checks` runs every ``queries/checks/*.rq`` against a store; a check passes when it
  returns no rows. Checks are meant for the asserted graphs (no inferences).
* :func:`validate_shapes` validates the ontology and data files (or an rdflib graph) against
  ``ontology/shapes.ttl`` with pySHACL.

rdflib and pySHACL are imported inside the functions: they are slow to import and only needed here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

_ROOT = Path(__file__).resolve().parents[2]


def _project_root(root: str | Path | None) -> Path:
    return Path(root) if root is not None else _ROOT


def check_files(checks_dir: str | Path | None = None, root: str | Path | None = None) -> list[Path]:
    """The check queries, sorted by name."""
    folder = Path(checks_dir) if checks_dir else _project_root(root) / "queries" / "checks"
    return sorted(folder.glob("*.rq"))


def _rows(result) -> list[tuple]:
    return [tuple(None if term is None else term.value for term in row) for row in result]


def _query(store, sparql: str):
    """Query a pyoxigraph Store over the union of its graphs; other stores get a plain .query()."""
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        pyoxigraph = None
    if pyoxigraph is not None and isinstance(store, pyoxigraph.Store):
        return store.query(sparql, use_default_graph_as_union=True)
    return store.query(sparql)


def run_checks(store, checks_dir: str | Path | None = None, root: str | Path | None = None) -> dict[str, list[tuple]]:
    """Run every zero-row check; returns {check name: offending rows} (all lists empty = clean)."""
    results: dict[str, list[tuple]] = {}
    for path in check_files(checks_dir, root):
        results[path.stem] = _rows(_query(store, path.read_text(encoding="utf-8")))
    return results


def default_data_files(root: str | Path | None = None) -> list[Path]:
    """The files the store is built from: every .ttl under ontology/ and data/ except shapes.ttl."""
    base = _project_root(root)
    files = sorted((base / "ontology").glob("*.ttl")) + sorted((base / "data").glob("*.ttl"))
    return [f for f in files if f.name != "shapes.ttl"]


def validate_shapes(data=None, shapes: str | Path | None = None, root: str | Path | None = None) -> tuple[bool, str]:
    """Validate with pySHACL; ``data`` is an rdflib Graph, an iterable of Turtle paths, or None
    (the project's files). Warnings (e.g. an unknown venue) do not break conformance.

    Returns (conforms, human-readable report).
    """
    import rdflib
    from pyshacl import validate

    if data is None:
        data = default_data_files(root)
    if isinstance(data, rdflib.Graph):
        graph = data
    else:
        graph = rdflib.Graph()
        for path in data if isinstance(data, Iterable) and not isinstance(data, (str, Path)) else [data]:
            graph.parse(str(path), format="turtle")
    shapes_path = Path(shapes) if shapes else _project_root(root) / "ontology" / "shapes.ttl"
    shapes_graph = rdflib.Graph().parse(str(shapes_path), format="turtle")
    conforms, _report_graph, report_text = validate(
        graph, shacl_graph=shapes_graph, inference="none", allow_warnings=True, advanced=False
    )
    return bool(conforms), str(report_text)
