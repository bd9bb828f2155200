"""Shared fixtures: the repository's own project, built once per session into a temp store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
ARTIFACTS = REPO_ROOT / "test-artifacts"


def shared_path(*parts: str) -> Path:
    """A file of ../shared, or a skip with the reason when a fresh clone lacks it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test material lives beside the checkout")
    return path


@pytest.fixture(scope="session", autouse=True)
def _isolated_store(tmp_path_factory):
    """Never touch the user's cache: every store of the test session lives in a temp dir."""
    old = os.environ.get("SECCOOP_STORE")
    os.environ["SECCOOP_STORE"] = str(tmp_path_factory.mktemp("default-store"))
    os.environ.pop("SECCOOP_PROJECT", None)
    yield
    if old is None:
        os.environ.pop("SECCOOP_STORE", None)
    else:
        os.environ["SECCOOP_STORE"] = old


@pytest.fixture(scope="session")
def project():
    from seccoop.project import find_project

    return find_project(REPO_ROOT)


@pytest.fixture(scope="session")
def store_dir(project, tmp_path_factory) -> Path:
    """The project's store, built once (with reasoning) for the whole session."""
    from seccoop.store import build

    path = tmp_path_factory.mktemp("project-store")
    build(project, path)
    return path


@pytest.fixture(scope="session")
def store(project, store_dir):
    from seccoop.store import open_store

    return open_store(project, store_dir, auto_build=False)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; .ci/run installs it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; skipped only where it is absent, never in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing, and CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def engine(request, tmp_path_factory):
    """A real SPARQL engine on 127.0.0.1 (tests/engines.py), one per kind for the session."""
    from engines import STARTERS

    running = STARTERS[request.param](tmp_path_factory.mktemp(f"engine-{request.param}"))
    yield running
    running.stop()
