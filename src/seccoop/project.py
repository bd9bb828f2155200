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
from functools import cached_property
from pathlib import Path

from . import lean
from .errors import ProjectError
from .projectconfig import ProjectConfig, load_config


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
        return [self.root / rel for rel in lean.source_files(str(self.root))]

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @cached_property
    def config(self) -> ProjectConfig:
        """What the project says about itself (``seccoop.toml``, else inferred), read once."""
        return load_config(self.root)

    def graph_iri(self, path: Path) -> str:
        """The named graph holding the triples of one source file."""
        return self.config.graph_iri(self.relative(path))


def rdf_kind(path: Path) -> str | None:
    """The RDF syntax of a file by its suffix (``None`` if the store does not load it)."""
    return lean.rdf_kind(path.name)


def find_project(path: str | os.PathLike | None = None) -> Project:
    """The project named by ``path``, else by ``$SECCOOP_PROJECT``, else the packaged one."""
    root = Path(lean.project_root(os.fspath(path) if path else None))
    if not root.is_dir():
        raise ProjectError(f"{root}: no such directory")
    if not (root / "ontology").is_dir() and not (root / "data").is_dir():
        raise ProjectError(f"{root}: not a seccoop project (it needs ontology/ or data/)")
    return Project(root)
