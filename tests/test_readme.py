"""The README's CLI reference and tour are real output; this test fails when they drift.

Regenerate both after changing a command or the data: ``python tests/test_readme.py``.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
REFERENCE = ("<!-- cli-reference:start -->", "<!-- cli-reference:end -->")
TOUR = ("<!-- tour:start -->", "<!-- tour:end -->")
# Commands of the tour, run against the packaged graph; their output is pasted below each.
TOUR_COMMANDS = [
    "seccoop queries",
    "seccoop query meetings-hosted-by-china --format table",
    'seccoop query "SELECT ?agreement WHERE { ?agreement a sc:Treaty }" --format csv',
    'seccoop describe "ARF Seminar on Narcotics Control"',
    "seccoop explain scr:arf-seminar-narcotics-control sc:host scr:thailand",
]


def _walk(command, path):
    import click

    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], [*path, name])


def cli_reference() -> str:
    from click.testing import CliRunner

    from seccoop.cli import cli

    parts = []
    for path, _ in _walk(cli, []):
        result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=100,
                                    prog_name="seccoop")
        title = " ".join(["seccoop", *path])
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def tour(store_dir: str) -> str:
    from click.testing import CliRunner

    from seccoop.cli import cli

    blocks = []
    for line in TOUR_COMMANDS:
        args = shlex.split(line)[1:]
        result = CliRunner().invoke(cli, ["--project", str(README.parent), "--store", store_dir,
                                          *args], prog_name="seccoop")
        output = result.stdout.replace("\r\n", "\n").rstrip()
        blocks.append(f"```console\n$ {line}\n{output}\n```\n")
    return "\n".join(blocks)


def _section(text: str, markers: tuple[str, str]) -> str:
    start, end = markers
    match = re.search(re.escape(start) + r"\n(.*?)" + re.escape(end), text, re.S)
    assert match, f"README.md lacks the markers {start} ... {end}"
    return match.group(1)


def _replace(text: str, markers: tuple[str, str], body: str) -> str:
    start, end = markers
    return re.sub(re.escape(start) + r"\n.*?" + re.escape(end),
                  lambda _: f"{start}\n{body}{end}", text, flags=re.S)


def test_cli_reference_matches_the_real_help():
    assert _section(README.read_text(), REFERENCE) == cli_reference(), \
        "README's CLI reference drifted: run `python tests/test_readme.py`"


def test_tour_shows_real_output(store_dir):
    assert _section(README.read_text(), TOUR) == tour(str(store_dir)), \
        "README's tour drifted: run `python tests/test_readme.py`"


def test_readme_has_exactly_the_two_setup_commands():
    text = README.read_text()
    assert "pip install . && seccoop serve" in text
    assert "pip install '.[test]' && pytest" in text


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    with tempfile.TemporaryDirectory() as tmp:
        from seccoop.project import find_project
        from seccoop.store import build

        build(find_project(README.parent), Path(tmp))
        text = README.read_text()
        text = _replace(text, REFERENCE, cli_reference())
        text = _replace(text, TOUR, tour(tmp))
    README.write_text(text)
    print("README.md updated")
