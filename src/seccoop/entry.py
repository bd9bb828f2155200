"""The ``seccoop`` command: the lean path when it applies, else the click CLI.

Its own module so that :mod:`seccoop.lean` never imports the CLI (which imports it).
"""

import sys


def main() -> None:
    from .lean import try_query

    if not try_query(sys.argv[1:]):
        from .cli import main as cli_main

        cli_main()
