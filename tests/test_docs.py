"""The runnable examples in the docstrings of the public API run, and say what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import seccoop

MODULES = ["seccoop"] + sorted(info.name for info in pkgutil.walk_packages(seccoop.__path__, "seccoop.")
                 if not info.name.endswith("__main__"))


def examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module)
            if any(not example.options.get(doctest.SKIP) for example in test.examples)]


@pytest.mark.parametrize("name", [m for m in MODULES if examples(m)])
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    # The package example builds the shipped project: into a store of the test's own.
    monkeypatch.setenv("SECCOOP_STORE", str(tmp_path / "store"))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in examples(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
    assert result.attempted > 0


def test_the_public_modules_have_examples():
    documented = {m for m in MODULES if examples(m)}
    for name in ("seccoop", "seccoop.store", "seccoop.queries", "seccoop.reasoning",
                 "seccoop.export", "seccoop.settings", "seccoop.server.pool"):
        assert name in documented, name
