"""The server's settings as one declarative table.

The table produces the ``seccoop serve`` options and their help text, the defaults the
server uses when created from Python, and the limits announced in the service description.

    >>> s = Settings()
    >>> (s.host, s.port, s.timeout, s.max_rows, s.cors)
    ('127.0.0.1', 8000, 10.0, 10000, False)
    >>> Settings(port=0).port
    0
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str        # attribute name; the option is --name with _ replaced by -
    default: Any
    type: type       # bool settings are flags; tuple settings are repeatable options
    help: str
    metavar: str | None = None
    minimum: float | None = None  # numbers: the smallest value accepted (inclusive)
    maximum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", str, "Interface to listen on (loopback only by default).", "HOST"),
    Setting("port", 8000, int, "Port to listen on (0 picks a free port).", "PORT", 0, 65535),
    Setting("base_url", "", str,
            "The public URL of the server (e.g. https://kg.example.org): the IRIs of the "
            "endpoint and of the documents in the service description, VoID and entity "
            "documents. Default: http://HOST:PORT as bound; never a request's Host header.",
            "URL"),
    Setting("cors", False, bool,
            "Send Access-Control-Allow-Origin: * on data documents and SPARQL results."),
    Setting("workers", 1, int, "HTTP worker processes (each has its own query processes).", "N", 1),
    Setting("query_workers", 2, int,
            "Query processes per HTTP worker; a query that overruns the timeout is killed "
            "with its process, which is then replaced.", "N", 1),
    Setting("timeout", 10.0, float, "Wall-clock limit of one SPARQL query, in seconds.", "SECONDS",
            0.001),
    Setting("trust_below_ms", 0.0, float,
            "Fast path, off by default (0: every evaluation runs in a killable query process). "
            "When set, a query job (query, formats, dataset, row cap) that already ran once "
            "in a query process, succeeded uncut in less than this many milliseconds and "
            "calls no RAND/NOW/UUID/STRUUID/BNODE/SERVICE is run again in the HTTP worker "
            "itself, on its event loop (the store is read-only, so it costs the same), "
            "skipping the process round trip; it is then bounded by that measured cost "
            "instead of by the kill timer, and forgotten if a run costs over 4x the "
            "threshold. Results the cache below remembers need neither.", "MS", 0),
    Setting("result_cache_mb", 64.0, float,
            "Memory per HTTP worker for remembered results: the store is read-only while "
            "served, so a job (query, formats, dataset, row cap) that succeeded and calls no "
            "RAND/NOW/UUID/STRUUID/BNODE/SERVICE is answered again from memory with the same bytes "
            "(X-Seccoop-Path: cached); one result may take a quarter of it. Requests are "
            "still checked first. 0 turns it off.", "MB", 0),
    Setting("max_rows", 10000, int,
            "Most solutions (or triples) returned; more are cut and flagged with the "
            "X-SPARQL-Truncated: true header.", "N", 1),
    Setting("max_body", 1_000_000, int, "Largest request body accepted, in bytes (else 413).",
            "BYTES", 1),
    Setting("max_page_facts", 500, int,
            "Most facts listed each way (facts, references) on an entity page, and links "
            "drawn in its neighbourhood; more are cut, with a note and a SPARQL query for "
            "all. A resource's RDF documents are cut at --max-rows triples "
            "(X-SPARQL-Truncated: true).", "N", 1),
    Setting("max_query_memory", 1024.0, float,
            "Memory one query may use, in MB, over what its query process holds when idle "
            "(address-space limit); a query needing more is stopped with 503. 0: no limit.",
            "MB", 0),
    Setting("max_result_mb", 64.0, float,
            "Largest reply of one query, in MB, beside --max-rows; a bigger one is stopped "
            "with 503. 0: no limit.", "MB", 0),
    Setting("max_header_kb", 64, int,
            "Largest request line and headers, in KB (else 431); HTTP/0.9 is refused.", "KB", 1),
    Setting("read_timeout", 10.0, float,
            "Seconds a client may take to send a whole request (headers and body); idle "
            "connections are closed after 5 s.", "SECONDS", 0.1),
    Setting("max_connections", 512, int,
            "Open connections per HTTP worker; past it requests get 503.", "N", 1),
    Setting("allow_service", (), tuple,
            "A SERVICE endpoint IRI that queries may call (repeatable; none by default).", "IRI"),
)


@dataclass(frozen=True)
class Settings:
    """Resolved server settings; fields and defaults come from :data:`SETTINGS`."""

    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = ""
    cors: bool = False
    workers: int = 1
    query_workers: int = 2
    timeout: float = 10.0
    trust_below_ms: float = 0.0
    result_cache_mb: float = 64.0
    max_rows: int = 10000
    max_body: int = 1_000_000
    max_page_facts: int = 500
    max_query_memory: float = 1024.0
    max_result_mb: float = 64.0
    max_header_kb: int = 64
    read_timeout: float = 10.0
    max_connections: int = 512
    allow_service: tuple = ()

    def __post_init__(self):
        problems = [problem for setting in SETTINGS
                    if (problem := _out_of_range(setting, getattr(self, setting.name)))]
        problems += [f"--allow-service {iri!r} is not an http(s) IRI"
                     for iri in self.allow_service if not _is_http_iri(iri)]
        if self.base_url and not _is_http_iri(self.base_url):
            problems.append(f"--base-url {self.base_url!r} is not an http(s) URL")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Settings":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "allow_service" in values:
            values["allow_service"] = tuple(values["allow_service"] or ())
        return cls(**values)


def public_base(settings: "Settings") -> str:
    """The server's public base URL, without a trailing slash: ``--base-url``, else the
    configured bind address (never a request's ``Host`` header).

    >>> public_base(Settings()), public_base(Settings(base_url="https://kg.example.org/"))
    ('http://127.0.0.1:8000', 'https://kg.example.org')
    >>> public_base(Settings(host="::1", port=8080))
    'http://[::1]:8080'
    """
    if settings.base_url:
        return settings.base_url.rstrip("/")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}"


def _out_of_range(setting: Setting, value) -> str | None:
    low, high = setting.minimum, setting.maximum
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    flag = "--" + setting.name.replace("_", "-")
    if high is None:
        return f"{flag} must be at least {low:g}"
    return f"{flag} must be between {low:g} and {high:g}"


def _is_http_iri(text: str) -> bool:
    """An absolute http(s) IRI with a host and none of the characters IRIs exclude.

    >>> _is_http_iri("https://query.wikidata.org/sparql"), _is_http_iri('http://x/" ; <y')
    (True, False)
    """
    from urllib.parse import urlsplit

    if any(c in text for c in '<>"{}|\\^` ') or any(ord(c) < 33 for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_table_matches_dataclass() -> None:
    # The dataclass spells the defaults out for readers and type checkers; the table is
    # the source of the CLI. They must agree.
    declared = {f.name: f.default for f in fields(Settings)}
    table = {s.name: s.default for s in SETTINGS}
    if declared != table:
        raise AssertionError(f"settings table and Settings disagree: {declared} != {table}")


_check_table_matches_dataclass()


def click_options(command: Callable) -> Callable:
    """Decorate a click command with one option per setting (help shows the default).

    >>> import click
    >>> @click.command()
    ... @click_options
    ... def serve(**kw): pass
    >>> sorted(p.name for p in serve.params)[:3]
    ['allow_service', 'base_url', 'cors']
    """
    import click

    for s in reversed(SETTINGS):
        flag = "--" + s.name.replace("_", "-")
        if s.type is bool:
            option = click.option(flag, s.name, is_flag=True, default=s.default, help=s.help)
        elif s.type is tuple:
            option = click.option(flag, s.name, multiple=True, metavar=s.metavar, help=s.help)
        else:
            kind: Any = s.type
            if s.minimum is not None or s.maximum is not None:
                ranged: Any = click.IntRange if s.type is int else click.FloatRange
                kind = ranged(s.minimum, s.maximum)
            option = click.option(flag, s.name, type=kind, default=s.default,
                                  metavar=s.metavar, show_default=s.default != "", help=s.help)
        command = option(command)
    return command
