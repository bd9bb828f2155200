"""The server's settings table: one row per `seccoop serve` option, values checked up front."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from seccoop.cli import cli
from seccoop.settings import SETTINGS, Settings


def test_every_setting_is_an_option_with_its_help():
    result = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for setting in SETTINGS:
        flag = "--" + setting.name.replace("_", "-")
        assert flag in result.output, flag
        assert setting.help.split()[0] in result.output, flag


@pytest.mark.parametrize("values,message", [
    ({"timeout": 0}, "--timeout must be at least 0.001"),
    ({"max_rows": 0}, "--max-rows must be at least 1"),
    ({"workers": 0}, "--workers must be at least 1"),
    ({"result_cache_mb": -1}, "--result-cache-mb must be at least 0"),
    ({"port": 70000}, "--port must be between 0 and 65535"),
    ({"allow_service": ("ftp://example.org/sparql",)}, "is not an http(s) IRI"),
    ({"allow_service": ('http://example.org/" ; a <x>',)}, "is not an http(s) IRI"),
    ({"allow_service": ("sparql",)}, "is not an http(s) IRI"),
])
def test_bad_values_are_refused(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings(**values)


def test_every_number_has_its_range_in_the_table():
    for setting in SETTINGS:
        if setting.type in (int, float):
            assert setting.minimum is not None, setting.name
            with pytest.raises(ValueError, match=setting.name.replace("_", "-")):
                Settings(**{setting.name: setting.type(setting.minimum) - 1})


def test_good_values_pass():
    settings = Settings(timeout=0.5, result_cache_mb=0, trust_below_ms=0,
                        allow_service=("https://query.wikidata.org/sparql",))
    assert settings.allow_service == ("https://query.wikidata.org/sparql",)


def test_serve_refuses_bad_values_before_starting(tmp_path):
    # The installed command, as a user runs it: a usage error, exit 2, nothing served.
    run = subprocess.run([sys.executable, "-m", "seccoop", "--store", str(tmp_path / "store"),
                          "serve", "--timeout", "-1", "--allow-service", "ftp://x"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "--timeout" in run.stderr and "x>=0.001" in run.stderr  # click checks the range
    assert "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "seccoop", "--store", str(tmp_path / "store"),
                          "serve", "--allow-service", "ftp://x"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "'ftp://x' is not an http(s) IRI" in run.stderr
    assert "serving" not in run.stdout and "Traceback" not in run.stderr
