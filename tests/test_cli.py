"""Every command of the CLI, on a small temporary project (CliRunner), plus the real script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest

from cli_helpers import make_project, run
from click.testing import CliRunner
from seccoop.cli import cli

SCO = "https://w3id.org/seccoop/id/sco"
CHINA = "https://w3id.org/seccoop/id/china"


@pytest.fixture
def env(tmp_path):
    project = make_project(tmp_path / "project")
    store = tmp_path / "store"
    return project, store


def test_every_command_is_documented_with_an_example():
    from click import Group

    def walk(group, prefix=""):
        for name, command in group.commands.items():
            yield prefix + name, command
            if isinstance(command, Group):
                yield from walk(command, prefix + name + " ")

    commands = dict(walk(cli))
    assert {"build", "query", "queries", "describe", "stats"} <= set(commands)
    for name, command in commands.items():
        assert command.help and "Example:" in command.help, f"{name} has no example in its help"


def test_build_reports_triples_per_graph_then_is_up_to_date(env):
    result = run(*env, "build")
    assert result.exit_code == 0, result.output
    assert "data/facts.ttl" in result.output and "ontology/core.ttl" in result.output
    assert "built" in result.output and " s:" in result.output
    assert "up to date" in run(*env, "build").output
    assert "built" in run(*env, "build", "--force").output


def test_query_by_name_file_stdin_and_inline(env, tmp_path):
    project, _ = env
    expected = f"member\r\n{CHINA}\r\nhttps://w3id.org/seccoop/id/russia\r\n".encode()
    assert run(*env, "query", "sco-members", "-f", "csv").stdout_bytes == expected
    path = project / "queries" / "sco-members.rq"
    assert run(*env, "query", str(path), "-f", "csv").stdout_bytes == expected
    assert run(*env, "query", "-", "-f", "csv", input=path.read_text()).stdout_bytes == expected
    inline = "SELECT ?member WHERE { scr:sco sc:hasMember ?member } ORDER BY ?member"
    assert run(*env, "query", inline, "-f", "csv").stdout_bytes == expected


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_machine_formats_parse(env, fmt):
    result = run(*env, "query", "sco-members", "-f", fmt)
    assert result.exit_code == 0
    if fmt == "csv":  # pyoxigraph does not parse CSV results (lossy); read it as text
        assert result.stdout.splitlines()[1:] == [CHINA, "https://w3id.org/seccoop/id/russia"]
        return
    parsed = ox.parse_query_results(result.stdout_bytes, format=getattr(
        ox.QueryResultsFormat, fmt.upper()))
    assert sorted(s["member"].value for s in parsed) == [CHINA, "https://w3id.org/seccoop/id/russia"]


def test_table_shortens_iris_and_shows_readable_literals(env):
    out = run(*env, "query", "SELECT ?s ?l WHERE { ?s skos:altLabel ?l }", "-f", "table").output
    lines = out.splitlines()
    assert lines[0].split() == ["s", "l"]
    assert lines[2].split() == ["scr:sco", "SCO"]
    assert lines[-1] == "(1 row)"


@pytest.mark.parametrize("fmt,rdf", [("turtle", "TURTLE"), ("ntriples", "N_TRIPLES"),
                                     ("nquads", "N_QUADS"), ("trig", "TRIG"),
                                     ("jsonld", "JSON_LD"), ("rdfxml", "RDF_XML")])
def test_construct_formats_parse(env, fmt, rdf):
    query = "CONSTRUCT { ?s sc:hasMember ?o } WHERE { ?s sc:hasMember ?o }"
    result = run(*env, "query", query, "-f", fmt)
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(result.stdout_bytes, format=getattr(ox.RdfFormat, rdf)))
    assert {(q.subject.value, q.object.value) for q in quads} == {
        (SCO, CHINA), (SCO, "https://w3id.org/seccoop/id/russia")}


def test_ask_and_no_results(env):
    assert run(*env, "query", "ASK { scr:sco sc:hasMember scr:china }", "-f", "table").output == "yes\n"
    empty = "SELECT ?x WHERE { ?x sc:hasMember scr:atlantis }"
    assert run(*env, "query", empty, "-f", "table").output.strip() == "no results"
    document = json.loads(run(*env, "query", empty, "-f", "json").output)
    assert document == {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    ttl = run(*env, "query", "CONSTRUCT WHERE { ?x sc:hasMember scr:atlantis }", "-f", "turtle")
    assert ttl.exit_code == 0 and list(ox.parse(ttl.stdout_bytes, format=ox.RdfFormat.TURTLE)) == []


def test_a_format_of_the_wrong_kind_is_a_user_error(env):
    result = run(*env, "query", "sco-members", "-f", "turtle")
    assert result.exit_code == 2 and "CONSTRUCT" in result.stderr


def test_malformed_sparql_gives_line_and_column_and_exit_2(env):
    result = run(*env, "query", "SELECT ?x WHERE {\n  ?x ?y \n}")
    assert result.exit_code == 2
    assert "line 3, column " in result.stderr
    assert "Traceback" not in result.output


def test_unknown_query_name_suggests_the_closest(env):
    result = run(*env, "query", "sco-membrs")
    assert result.exit_code == 2
    assert "unknown query name 'sco-membrs'" in result.stderr
    assert "sco-members" in result.stderr


def test_no_inferred_leaves_out_the_inferred_graph(env):
    from seccoop.store import INFERRED_GRAPH, current_build

    project, store_dir = env
    run(*env, "build", "--no-reasoning")
    # Write one inferred triple straight into the built store, as the reasoner would.
    writable = ox.Store(str(current_build(store_dir) / "oxigraph"))
    writable.add(ox.Quad(ox.NamedNode(CHINA), ox.NamedNode(
        "https://w3id.org/seccoop/ontology#memberOf"), ox.NamedNode(SCO), INFERRED_GRAPH))
    writable.flush()
    del writable
    query = "SELECT ?f WHERE { scr:china sc:memberOf ?f }"
    assert SCO in run(*env, "query", query, "-f", "csv").output
    assert SCO not in run(*env, "query", query, "-f", "csv", "--no-inferred").output
    stats = run(*env, "stats", "--no-inferred").output
    assert "sc:memberOf" not in stats and "sc:memberOf" in run(*env, "stats").output


def test_queries_lists_names_and_titles(env):
    result = run(*env, "queries")
    assert result.output.split(None, 1) == ["sco-members", "Members of the SCO\n"]


def test_describe_by_label_shows_labels_incoming_facts_and_sources(env):
    result = run(*env, "describe", "shanghai cooperation organization")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"Shanghai Cooperation Organization  <{SCO}>")
    assert "has member: China" in out and "has member: Russia" in out
    assert 'source: Paragraph 1, sentence 1: "The SCO member states include China."' in out
    china = run(*env, "describe", "scr:china").output
    assert "Referenced by:" in china and "Shanghai Cooperation Organization: has member" in china


def test_describe_ambiguous_label_lists_candidates(env):
    result = run(*env, "describe", "Georgia")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    assert "georgia-place" in result.stderr and "georgia-state" in result.stderr


def test_describe_unknown_is_exit_2_without_traceback(env):
    result = run(*env, "describe", "Atlantis")
    assert result.exit_code == 2 and "no resource is named" in result.stderr
    assert "Traceback" not in result.output


def test_stats_counts_classes_properties_and_graphs(env):
    out = run(*env, "stats").output
    assert out.split("sc:State")[1].splitlines()[0].split() == ["3"]
    assert "data/facts.ttl" in out


def test_malformed_turtle_exit_2_and_the_previous_store_still_answers(env):
    project, store = env
    before = run(*env, "query", "sco-members", "-f", "csv").stdout
    facts = project / "data" / "facts.ttl"
    facts.write_text(facts.read_text() + "scr:a scr:b .\n")
    line = len(facts.read_text().splitlines())
    result = run(*env, "build")
    assert result.exit_code == 2
    assert f"facts.ttl:{line}:13:" in result.stderr
    after = run(*env, "query", "sco-members", "-f", "csv")
    assert after.exit_code == 0 and after.stdout == before
    assert "rebuild failed, using the previous store" in after.stderr


def test_project_environment_variable(env, monkeypatch):
    project, store = env
    from click.testing import CliRunner

    monkeypatch.setenv("SECCOOP_PROJECT", str(project))
    monkeypatch.setenv("SECCOOP_STORE", str(store))
    result = CliRunner().invoke(cli, ["queries"])
    assert "sco-members" in result.output


def test_the_installed_console_script_runs_from_another_directory(env, tmp_path):
    project, store = env
    script = shutil.which("seccoop")
    assert script, "the seccoop console script is not installed"
    done = subprocess.run([script, "--project", str(project), "--store", str(store),
                           "query", "sco-members", "--format", "tsv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"<{CHINA}>", "<https://w3id.org/seccoop/id/russia>"]
    module = subprocess.run([sys.executable, "-m", "seccoop", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert module.returncode == 0 and "seccoop" in module.stdout


def test_the_lean_query_path_answers_like_click_without_importing_it(env, tmp_path):
    """`seccoop query` in machine formats skips click; its bytes equal the click path's."""
    project, store = env
    run(*env, "build")
    args = ["--project", str(project), "--store", str(store), "query", "sco-members"]
    probe = ("import sys, runpy; sys.argv = ['seccoop', *sys.argv[1:]];"
             "from seccoop.lean import try_query; answered = try_query(sys.argv[1:]);"
             "print('\\nANSWERED' if answered else 'FALLBACK', 'click' in sys.modules)")
    for fmt in ("csv", "tsv", "json", "xml"):
        done = subprocess.run([sys.executable, "-c", probe, *args, "--format", fmt],
                              capture_output=True, timeout=60)
        lean_out, _, marker = done.stdout.rpartition(b"\nANSWERED")
        assert marker.strip() == b"False", done.stdout  # answered, and click never imported
        assert lean_out == run(*env, "query", "sco-members", "--format", fmt).stdout_bytes
    # Anything else falls through to click, which reports errors properly.
    from seccoop.lean import try_query

    assert not try_query(["--project", str(project), "--store", str(store), "query", "nope"])
    assert not try_query(["--project", str(project), "query", "sco-members", "--no-inferred"])
    assert not try_query(["--project", str(project), "--store", str(store), "query",
                          "SELECT * WHERE {", "--format", "csv"])


def test_query_from_names_its_dataset_on_every_path(env):
    """FROM gives a query its own dataset on the lean path and the click path alike."""
    project, store = env
    run(*env, "build")
    facts = "https://w3id.org/seccoop/graph/data/facts.ttl"
    count = f"SELECT (COUNT(*) AS ?n) FROM <{facts}> WHERE {{ ?s ?p ?o }}"
    expected = len(list(ox.parse(path=str(project / "data" / "facts.ttl"),
                                 format=ox.RdfFormat.TURTLE)))
    for args in (["--format", "csv"], ["--format", "json"], []):
        done = subprocess.run([sys.executable, "-m", "seccoop", "--project", str(project),
                               "--store", str(store), "query", count, *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert str(expected) in done.stdout and "n" in done.stdout
    nothing = count.replace(facts, "urn:x-nothing")
    assert run(*env, "query", nothing, "--format", "csv").output.split() == ["n", "0"]


def test_check_passes_on_the_project_and_fails_on_a_typo(tmp_path):
    from conftest import REPO_ROOT

    root = tmp_path / "copy"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    store = tmp_path / "store"
    good = run(root, store, "check")
    assert good.exit_code == 0, good.output
    assert "ok    checks/undeclared-terms" in good.output and "ok    SHACL shapes" in good.output
    with open(root / "data" / "actors.ttl", "a") as data:
        data.write("\n<https://w3id.org/seccoop/id/china> "
                   "<https://w3id.org/seccoop/ontology#memberOff> "
                   "<https://w3id.org/seccoop/id/sco> .\n")
    bad = run(root, store, "check", "--no-shacl")
    assert bad.exit_code == 1
    assert "FAIL  checks/undeclared-terms" in bad.output and "memberOff" in bad.output


@pytest.mark.parametrize("name,check", [
    ("out.nt", lambda data: ox.parse(data, format=ox.RdfFormat.N_TRIPLES)),
    ("out.nq", lambda data: ox.parse(data, format=ox.RdfFormat.N_QUADS)),
    ("out.jsonld", lambda data: ox.parse(data, format=ox.RdfFormat.JSON_LD)),
    ("out.rdf", lambda data: ox.parse(data, format=ox.RdfFormat.RDF_XML)),
])
def test_output_file_extension_chooses_the_format(env, tmp_path, name, check):
    """-o infers the syntax from the extension (as riot and oxigraph do) unless -f says."""
    run(*env, "build")
    target = tmp_path / name
    assert run(*env, "export", "--no-inferred", "-o", str(target)).exit_code == 0
    assert len(list(check(target.read_bytes()))) > 5
    construct = "CONSTRUCT WHERE { scr:sco sc:hasMember ?m }"
    assert run(*env, "query", construct, "-o", str(target)).exit_code == 0
    assert len(list(check(target.read_bytes()))) == 2


def test_query_output_extension_for_results(env, tmp_path):
    run(*env, "build")
    target = tmp_path / "q.json"
    assert run(*env, "query", "sco-members", "-o", str(target)).exit_code == 0
    assert len(json.loads(target.read_text())["results"]["bindings"]) == 2
    explicit = tmp_path / "q.txt"
    assert run(*env, "query", "sco-members", "-f", "tsv", "-o", str(explicit)).exit_code == 0
    assert explicit.read_text().startswith("?member")


def test_output_into_a_missing_folder_is_a_clear_error(env, tmp_path):
    missing = tmp_path / "nowhere" / "out.ttl"
    result = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]),
                                      "export", "-o", str(missing)])
    assert result.exit_code == 2 and "no such folder" in result.output
    assert ".part" not in result.output


def test_describe_suggests_by_edit_distance_and_takes_spaces(env):
    run(*env, "build")
    typo = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]),
                                    "describe", "Chnia"])
    assert typo.exit_code == 2 and "https://w3id.org/seccoop/id/china" in typo.output
    spaced = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]),
                                      "describe", "Shanghai Cooperation"])
    assert spaced.exit_code == 2 and "Invalid IRI" not in spaced.output
    assert "Shanghai Cooperation Organization" in spaced.output
    exact = run(*env, "describe", "shanghai cooperation organization")
    assert exact.exit_code == 0 and "scr:sco" in exact.output or "/id/sco" in exact.output


RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
           "?m ?n1 ?o . ?p ?q ?r }")


@pytest.mark.parametrize("args", [["--format", "csv"], ["--format", "table"]])
def test_ctrl_c_stops_a_runaway_query_at_once(env, args):
    """Both the lean path (machine formats) and the click path stop on SIGINT."""
    import signal
    import time

    project, store = env
    run(*env, "build")
    proc = subprocess.Popen([shutil.which("seccoop"), "--project", str(project), "--store",
                             str(store), "query", RUNAWAY, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert proc.poll() is None, "the query was not a runaway"
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    proc.wait(timeout=10)
    assert time.monotonic() - started < 2
    assert proc.returncode in (130, -signal.SIGINT)


def test_timeout_bounds_a_query(env):
    import time

    project, store = env
    run(*env, "build")
    started = time.monotonic()
    done = subprocess.run([shutil.which("seccoop"), "--project", str(project), "--store",
                           str(store), "query", RUNAWAY, "--timeout", "1", "-f", "csv"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 3 and "--timeout" in done.stderr
    assert time.monotonic() - started < 5


def test_params_bind_returned_variables(env):
    run(*env, "build")
    query = "SELECT ?s ?l WHERE { ?s rdfs:label ?l }"
    done = run(*env, "query", query, "-p", "s=scr:china", "-f", "csv")
    assert done.output.split() == ["s,l", "https://w3id.org/seccoop/id/china,China"]
    hidden = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]), "query",
                                      "SELECT ?l WHERE { ?s rdfs:label ?l }", "-p", "s=scr:china"])
    assert hidden.exit_code == 2 and "cannot bind ?s" in hidden.output


def test_query_files_names_and_errors(env, tmp_path):
    project, store = env
    run(*env, "build")
    sparql = tmp_path / "members.sparql"
    sparql.write_text("SELECT ?m WHERE { scr:sco sc:hasMember ?m }")
    assert len(run(*env, "query", str(sparql), "-f", "csv").output.split()) == 3
    for missing in (str(tmp_path / "nope.sparql"), str(tmp_path / "nope.rq"), "sub/nope"):
        result = CliRunner().invoke(cli, ["--project", str(project), "--store", str(store),
                                          "query", missing])
        assert result.exit_code == 2 and "no such file" in result.output
    prefix = CliRunner().invoke(cli, ["--project", str(project), "--store", str(store), "query",
                                      "SELECT * WHERE {\n ?s foaf:name ?o }"])
    assert prefix.exit_code == 2
    assert "line 2" in prefix.output and "prefix 'foaf:' is not declared" in prefix.output
    (project / "queries" / "broken.rq").write_text("SELECT * WHERE { ?s ?p }")
    broken = CliRunner().invoke(cli, ["--project", str(project), "--store", str(store),
                                      "query", "broken"])
    assert broken.exit_code == 2 and "broken.rq" in broken.output and "line 1" in broken.output
    shown = run(*env, "queries", "--show", "sco-members")
    assert "sco-members.rq" in shown.output and "hasMember" in shown.output
    (project / "queries" / "broken.rq").unlink()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_machine_output_ends_with_a_newline(env, fmt):
    project, store = env
    run(*env, "build")
    for query in ("sco-members", "ASK { scr:sco sc:hasMember scr:china }"):
        done = subprocess.run([shutil.which("seccoop"), "--project", str(project), "--store",
                               str(store), "query", query, "-f", fmt],
                              capture_output=True, timeout=60)
        assert done.returncode == 0 and done.stdout.endswith(b"\n")
        assert run(*env, "query", query, "-f", fmt).stdout_bytes.endswith(b"\n")


@pytest.mark.parametrize("extra", [[], ["--no-shacl"]])
def test_check_fails_cleanly_on_a_file_that_does_not_parse(env, extra):
    """With a store already built, a broken file is a one-line failure naming file:line:col,
    never a traceback nor an ok from the stale store."""
    project, store = env
    run(*env, "build")
    facts = project / "data" / "facts.ttl"
    good = facts.read_text()
    try:
        facts.write_text(good + "\nscr:x sc:hasMember .\n")
        result = CliRunner().invoke(cli, ["--project", str(project), "--store", str(store),
                                          "check", *extra])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "ok    checks/" not in result.output
        assert "FAIL  sources" in result.output and "facts.ttl:" in result.output
    finally:
        facts.write_text(good)


def test_check_says_when_there_are_no_shapes(env):
    result = run(*env, "check")
    assert "skip  SHACL shapes" in result.output and "ok    SHACL" not in result.output


def test_the_project_being_edited_is_the_one_used(env, tmp_path):
    """Inside a project folder (or below it) that folder is the project, as git finds its
    repository; elsewhere the packaged graph is used."""
    project, store = env
    inner = project / "data" / "deeper"
    inner.mkdir(exist_ok=True)
    env_vars = {k: v for k, v in os.environ.items() if k != "SECCOOP_PROJECT"}
    env_vars["SECCOOP_STORE"] = str(store)
    for cwd in (project, inner):
        done = subprocess.run([shutil.which("seccoop"), "stats"], cwd=cwd, env=env_vars,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"project: {project.resolve()}" in done.stdout
    elsewhere = subprocess.run([shutil.which("seccoop"), "stats"], cwd=tmp_path,
                               env={**env_vars, "SECCOOP_STORE": str(tmp_path / "s")},
                               capture_output=True, text=True, timeout=300)
    assert elsewhere.returncode == 0 and f"project: {project.resolve()}" not in elsewhere.stdout


def test_describe_and_stats_show_blank_nodes_by_content(env):
    run(*env, "build")
    for args in (["describe", "China"], ["stats"]):
        output = run(*env, *args).output
        assert "_:" not in output, output


def test_table_cells_are_not_cut(env):
    project, store = env
    run(*env, "build")
    text = "The SCO member states include China."
    done = run(*env, "query", "SELECT ?t WHERE { ?s sc:text ?t }", "-f", "table")
    assert text in done.output
    long = "x" * 200
    done = run(*env, "query", f'SELECT ?t WHERE {{ BIND("{long}" AS ?t) }}', "-f", "table")
    assert long in done.output


def test_opposite_export_options_are_refused(env):
    result = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]),
                                      "export", "-g", "inferred", "--no-inferred"])
    assert result.exit_code == 2 and "opposite" in result.output


def test_a_timeline_with_nothing_to_draw_says_so(env, tmp_path):
    result = CliRunner().invoke(cli, ["--project", str(env[0]), "--store", str(env[1]),
                                      "draw", "timeline", "--actor", "Russia",
                                      "-o", str(tmp_path / "t.svg")])
    assert result.exit_code == 2 and "nothing to draw" in result.output
    assert not (tmp_path / "t.svg").exists()


def test_no_reasoning_does_not_stick(env):
    """A plain build after build --no-reasoning reasons again; meanwhile commands say the
    store holds no inferences."""
    project, store = env
    unreasoned = run(*env, "build", "--force", "--no-reasoning")
    assert unreasoned.exit_code == 0
    noted = run(*env, "query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-f", "csv")
    assert "--no-reasoning" in noted.stderr
    again = run(*env, "build")
    assert "up to date" not in again.output + again.stderr
    from seccoop.store import current_build, read_manifest

    assert read_manifest(current_build(store))["reasoned"] is True
    assert "--no-reasoning" not in run(*env, "query", "sco-members", "-f", "csv").stderr


def test_serve_on_a_port_in_use_is_one_clear_line(env):
    import socket

    project, store = env
    run(*env, "build")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        done = subprocess.run([shutil.which("seccoop"), "--project", str(project), "--store",
                               str(store), "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "in use" in done.stderr


# --- explain: the direct derivation, property chains as chains ---------------------------

def test_explain_prefers_the_direct_subclass_derivation(project, store_dir):
    # China is asserted a sc:State (data/actors.ttl) and sc:State ⊑ sc:Actor is asserted
    # (ontology/agents.ttl): that is the derivation, not a domain or range of some property.
    result = run(project.root, store_dir, "explain", "China", "a", "sc:Actor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "China rdf:type actor  [inferred by cax-sco]"
    assert "    China rdf:type state  [asserted in data/actors.ttl]" in lines
    assert "    state rdfs:subClassOf actor  [asserted in ontology/agents.ttl]" in lines


def test_explain_shows_a_property_chain_as_its_properties(project, store_dir):
    # ontology/agents.ttl: sc:memberOf owl:propertyChainAxiom ( sc:holdsMembership sc:organization )
    result = run(project.root, store_dir, "explain", "China", "sc:memberOf", "scr:sco")
    assert result.exit_code == 0, result.output
    assert "holds membership ∘ organisation ⊑ member of  [asserted in ontology/agents.ttl]" \
        in result.output
    assert "_:" not in result.output and "propertyChainAxiom" not in result.output


def test_explain_page_and_json_show_the_chain(store):
    import pyoxigraph as ox

    from seccoop import reasoning
    from seccoop.render.pages import explain_page
    from seccoop.render.urls import Urls

    scr, sc = "https://w3id.org/seccoop/id/", "https://w3id.org/seccoop/ontology#"
    expl = reasoning.explain(store, ox.NamedNode(scr + "china"), ox.NamedNode(sc + "memberOf"),
                             ox.NamedNode(scr + "sco"))
    labels = reasoning.labels_for(store, expl.terms())
    page = explain_page(expl, labels, Urls())
    assert "∘" in page and 'class="bnode"' not in page
    as_json = json.dumps(reasoning.explanation_to_json(expl, labels))
    assert f'"chain": ["<{sc}holdsMembership>", "<{sc}organization>"]' in as_json
