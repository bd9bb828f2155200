"""Where a knowledge graph lives: a folder holding ``ontology/``, ``data/`` and ``queries/``.

The packaged graph ships inside the wheel (``seccoop/_project``); a development checkout
uses the repository itself; ``--project DIR`` or ``SECCOOP_PROJECT`` point at a user's own.

    >>> p = find_project()
    >>> any(f.suffix == ".ttl" for f in p.source_files())
    True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import GRAPH_BASE

PROJECT_ENV = "SECCOOP_PROJECT"

# Files the store loads, by suffix (a trailing .gz is allowed on each).
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml", ".owl": "rdfxml",
                ".jsonld": "jsonld", ".n3": "n3"}
# SHACL shapes describe the data; they are not facts of the graph.
NOT_LOADED = {"shapes.ttl"}


class ProjectError(ValueError):
    """The folder is not a seccoop project."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def source_files(self) -> list[Path]:
        """Every RDF file of ontology/ and data/ (recursively), in a stable order."""
        files = []
        for folder in (self.ontology_dir, self.data_dir):
            if folder.is_dir():
                files.extend(p for p in folder.rglob("*") if p.is_file() and rdf_kind(p)
                             and p.name not in NOT_LOADED)
        return sorted(files, key=lambda p: self.relative(p))

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def graph_iri(self, path: Path) -> str:
        """The named graph holding the triples of one source file."""
        return GRAPH_BASE + self.relative(path)


def rdf_kind(path: Path) -> str | None:
    """The RDF syntax of a file by its suffix (``None`` if the store does not load it)."""
    suffixes = path.suffixes
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return RDF_SUFFIXES.get(suffixes[-1]) if suffixes else None


def packaged_root() -> Path:
    """The graph shipped with seccoop: inside the wheel, or the checkout in development."""
    here = Path(__file__).resolve().parent
    bundled = here / "_project"
    if (bundled / "ontology").is_dir():
        return bundled
    return here.parents[1]


def find_project(path: str | os.PathLike | None = None) -> Project:
    """The project named by ``path``, else by ``$SECCOOP_PROJECT``, else the packaged one."""
    chosen = path or os.environ.get(PROJECT_ENV)
    root = Path(chosen).expanduser().resolve() if chosen else packaged_root()
    if not root.is_dir():
        raise ProjectError(f"{root}: no such directory")
    if not (root / "ontology").is_dir() and not (root / "data").is_dir():
        raise ProjectError(f"{root}: not a seccoop project (it needs ontology/ or data/)")
    return Project(root)
