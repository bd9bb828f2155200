"""The project published to real engines (Oxigraph server, Virtuoso): every named query,
every zero-row check and the commands give the answers of the embedded store."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

from seccoop.queries import named_queries, run_query

# Where Virtuoso 7.2 answers otherwise than SPARQL 1.1 and the embedded store, checked by
# hand against the data: each fails on it for the engine's reason, not seccoop's.
VIRTUOSO_DEVIATIONS = {
    # FILTER EXISTS { ?m a/rdfs:subClassOf* sc:Meeting }: Virtuoso finds no zero-length
    # path inside EXISTS, so every meeting is filtered out.
    "event-timeline": "zero-length property path inside FILTER EXISTS",
    "information-gaps": "zero-length property path inside FILTER EXISTS",
    "agreements-by-forum": "zero-length property path inside FILTER EXISTS",
    # (a|!b)* paths: "Internal error: Weird '|' ppath"
    "checks/owl2-rl-profile": "its compiler fails on a negated property set in an alternative",
}


@pytest.fixture(scope="module")
def remote(engine, store, store_dir):
    """The project's build published to the engine; the RemoteStore reading it."""
    from seccoop.publish import publish
    from seccoop.store import current_build

    remote = engine.remote()
    report = publish(store, current_build(store_dir).name, remote)
    assert report.graphs, "nothing was published"
    return remote


BLANK = re.compile(r"_:[A-Za-z0-9_]+")


def rows_of(result) -> list[tuple[str, ...]]:
    """A result's rows as text, blank node labels blanked (each store names its own)."""
    if result.kind == "ask":
        return [(str(bool(result.value)),)]
    return [tuple(BLANK.sub("_:b", str(term)) for term in row) for row in result.value]


def test_publish_puts_every_graph_with_the_build_counts(remote, store_dir):
    from seccoop.store import current_build, read_manifest

    manifest = read_manifest(current_build(store_dir))
    catalog = remote.catalog(fresh=True)
    assert catalog.build == current_build(store_dir).name
    assert catalog.graphs == manifest["graphs"]
    assert remote.counts(catalog.graphs) == manifest["graphs"]  # counted by the engine
    assert remote.staging_graphs() == []


def _queries():
    from seccoop.project import find_project

    project = find_project(REPO_ROOT)
    return [q for q in named_queries(project)] + named_queries(project, checks=True)


@pytest.mark.parametrize("named", _queries(), ids=lambda q: q.name)
def test_every_named_query_and_check_answers_as_the_embedded_store(remote, engine, store, named):
    """Queries over asserted + inferred facts; checks, as ``seccoop check`` runs them, over
    the asserted facts alone, where they must find nothing."""
    if engine.name == "virtuoso" and named.name in VIRTUOSO_DEVIATIONS:
        pytest.xfail(f"Virtuoso 7.2: {VIRTUOSO_DEVIATIONS[named.name]}")
    check = named.name.startswith("checks/")
    here = run_query(store, named.text, inferred=not check)
    there = run_query(remote, named.text, inferred=not check)
    assert there.kind == here.kind
    expected, found = rows_of(here), rows_of(there)
    assert (expected == []) if check else (len(expected) > 0)
    # the same rows; their order only as far as ORDER BY fixes it, so compared as multisets
    assert sorted(found) == sorted(expected)


def _seccoop(engine, store_dir, *args: str) -> str:
    env = {**os.environ, **engine.env, "SECCOOP_STORE": str(store_dir)}
    done = subprocess.run([sys.executable, "-m", "seccoop", "--project", str(REPO_ROOT), *args],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


COMMANDS = [
    ["stats"],
    ["describe", "China"],
    ["export", "--format", "nquads"],
    ["query", "meetings-by-forum", "--format", "csv"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_commands_print_what_they_print_on_the_embedded_store(remote, engine, store_dir, command):
    here = _seccoop(engine, store_dir, *command)
    there = _seccoop(engine, store_dir, *command, *engine.cli_args())
    if command == ["stats"]:  # the header names the store; blank-node ties order freely
        here = here.split("\n", 2)[2]
        there = there.split("\n", 2)[2]
    norm = sorted if command[0] in ("stats",) else list
    assert norm(BLANK.sub("_:b", there).splitlines()) == norm(BLANK.sub("_:b", here).splitlines())
    assert len(here.splitlines()) > 3


def _copy_with_remotes(tmp_path, tables: str):
    """The repository's project, copied, with ``tables`` appended to its seccoop.toml."""
    import shutil

    root = tmp_path / "named-remote"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / part, root / part)
    (root / "seccoop.toml").write_text((REPO_ROOT / "seccoop.toml").read_text() + tables)
    return root


def _run(root, store_dir, engine, *args):
    env = {**os.environ, **engine.env, "SECCOOP_STORE": str(store_dir)}
    return subprocess.run([sys.executable, "-m", "seccoop", "--project", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_a_remote_named_in_the_project_file(remote, engine, store_dir, tmp_path):
    root = _copy_with_remotes(tmp_path, f'\n[remotes.mine]\nquery = "{engine.query_url}"\n'
                                        f'update = "{engine.update_url}"\n'
                                        f'gsp = "{engine.gsp_url}"\n')
    by_name = _run(root, store_dir, engine, "query", "meetings-by-forum", "-f", "csv",
                   "--remote", "mine")
    by_url = _run(root, store_dir, engine, "query", "meetings-by-forum", "-f", "csv",
                  *engine.cli_args())
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_url.stdout and by_name.stdout.count("\n") > 3
    stats = _run(root, store_dir, engine, "stats", "--remote", "mine")
    assert f"store:   {engine.query_url}" in stats.stdout
    unknown = _run(root, store_dir, engine, "stats", "--remote", "theirs")
    assert unknown.returncode != 0
    assert "no such remote" in unknown.stderr and "mine" in unknown.stderr


def test_credentials_in_the_project_file_are_refused(engine, store_dir, tmp_path):
    root = _copy_with_remotes(tmp_path, '\n[remotes.mine]\nquery = "http://127.0.0.1:9/q"\n'
                                        'password = "hunter2"\n')
    done = _run(root, store_dir, engine, "stats", "--remote", "mine")
    assert done.returncode != 0
    assert "password not allowed" in done.stderr and "SECCOOP_REMOTE_PASSWORD" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
