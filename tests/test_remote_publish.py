"""A publish killed between its upload and its switch leaves the previous graphs answering,
says nothing false, and the next publish cleans up after it (real engines, real SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from server_support import DATA, make_project

from seccoop.remote import PENDING

LABEL = 'SELECT ?l WHERE { scr:china rdfs:label ?l }'

# The real client, killed by SIGKILL at the one point a test cannot reach by timing: after
# the upload and the count check, before the switch.
KILLED_BEFORE_SWITCH = """
import os, signal, sys
import seccoop.publish as publish
publish.switch = lambda *args, **kw: os.kill(os.getpid(), signal.SIGKILL)
from seccoop.cli import cli
cli(sys.argv[1:], prog_name="seccoop")
"""


def _build(root, data):
    from seccoop.project import find_project
    from seccoop.store import build

    project = find_project(make_project(root, data=data))
    report = build(project, root / "store")
    return project, root / "store", report.path.name


def _label(remote) -> list[str]:
    from seccoop.namespaces import PREFIXES

    rows = remote.query(LABEL, prefixes=PREFIXES, use_default_graph_as_union=True)
    return [row["l"].value for row in rows]


def _staging_graphs(remote) -> list[str]:
    return remote.staging_graphs()


def _publish(engine, project, store, *, script: str | None = None):
    env = {**os.environ, **engine.env}
    head = [sys.executable, "-c", script] if script else [sys.executable, "-m", "seccoop"]
    return subprocess.run([*head, "--project", str(project.root), "--store", str(store),
                           "publish", *engine.cli_args()],
                          capture_output=True, text=True, env=env, timeout=120)


def test_a_publish_killed_before_its_switch_leaves_the_previous_data(engine, tmp_path):
    old_project, old_store, old_build = _build(tmp_path / "a", DATA)
    new_project, new_store, _ = _build(tmp_path / "b", DATA.replace('"China"@en', '"PRC"@en'))
    first = _publish(engine, old_project, old_store)
    assert first.returncode == 0, first.stderr
    remote = engine.remote()
    assert _label(remote) == ["China"]

    killed = _publish(engine, new_project, new_store, script=KILLED_BEFORE_SWITCH)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "checked:" in killed.stderr  # it got as far as the switch

    assert _label(remote) == ["China"]  # readers still see the previous build, whole
    catalog = remote.catalog(fresh=True)
    assert catalog.build == old_build
    left = _staging_graphs(remote)
    assert left, "the killed publish uploaded nothing?"
    pending = remote.select_in(f"SELECT ?s WHERE {{ GRAPH <{PENDING}> {{ ?s ?p ?o }} }}",
                             named=[PENDING])
    assert set(left) <= {row["s"].value for row in pending}  # it knows what it left

    again = _publish(engine, new_project, new_store)
    assert again.returncode == 0, again.stderr
    assert "staging graphs an earlier publish left behind" in again.stderr
    assert _label(remote) == ["PRC"]
    assert _staging_graphs(remote) == []
    assert f"{sum(remote.catalog(fresh=True).graphs.values()):,} triples" in again.stdout


def test_large_graphs_go_in_several_graph_store_requests(engine, store, store_dir, monkeypatch):
    """Virtuoso 7.2 kept 879,996 of LUBM(10)'s 1,272,953 triples sent in one Graph Store
    request; graphs now go in chunks (a PUT, then POSTs), here of 100 triples."""
    import seccoop.publish as publish_module
    from seccoop.store import current_build, read_manifest

    sent: list[tuple[str, str]] = []
    remote = engine.remote()
    real_put = remote.put_graph

    def counting_put(graph, data, timeout=None, *, method="PUT"):
        sent.append((graph, method))
        real_put(graph, data, timeout, method=method)

    monkeypatch.setattr(publish_module, "GSP_CHUNK", 100)
    monkeypatch.setattr(remote, "put_graph", counting_put)
    report = publish_module.publish(store, current_build(store_dir).name, remote)
    manifest = read_manifest(current_build(store_dir))
    assert report.graphs == manifest["graphs"]
    assert remote.counts(manifest["graphs"]) == manifest["graphs"]  # counted by the engine
    largest = max(manifest["graphs"].values())
    assert largest > 1000
    assert sum(1 for _, method in sent if method == "POST") >= largest // 100 - 1
