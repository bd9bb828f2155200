"""Content negotiation for the static site on Apache 2.4 and nginx: a 303 from each
extensionless IRI path (``id/china``, ``ontology``, ``void``) to the file of the best media
type, with ``Vary: Accept`` and CORS on the redirect itself.

Neither server can compare numbers in a rewrite rule, so the rules rank the media ranges
of the ``Accept`` header by their q-value's first decimal: q=1 (or no q) first, then
q=0.9, 0.8, ... 0.1, then any other non-zero q; within one rank the RDF formats in the
order of :data:`TARGETS` win over HTML. A range with q=0 is never chosen; wildcards
(``*/*``, ``text/*``) and anything unmatched get the HTML page. So
``text/turtle;q=0.9, application/ld+json;q=0.5`` gets Turtle and
``text/html, text/turtle;q=0.5`` (a browser-like client) gets HTML, but
``application/ld+json;q=0.95, text/turtle;q=0.9`` gets Turtle (the same rank).

    >>> "RewriteBase /pub/kg/" in htaccess("pub/kg")
    True
"""

from __future__ import annotations

import re

from . import formats

# Extension -> media type, in the order a rank prefers them (HTML last).
TARGETS = (*((formats.by_name(name).extension, formats.by_name(name).media_type)
             for name in ("turtle", "jsonld", "ntriples", "rdfxml", "nquads", "trig")),
           ("html", "text/html"))
# The extensionless paths that negotiate (relative to the site's base path).
PATHS = r"id/[^/]+|ontology|ontology/[^/]+|void"
# Ranks, best first: q=1 (or no q), q=0.9.., ..., q=0.1.., any other q > 0.
RANKS = ("full", *range(9, 0, -1), "rest")


def accept_rank(rank, ext: str) -> str:
    """A regular expression (PCRE, for Apache and nginx) matching an ``Accept`` header that
    lists the media type of ``ext`` at ``rank``: ``"full"`` (q=1 or no q), a digit d
    (q=0.d...) or ``"rest"`` (any other q > 0). Other parameters may come before q.

    >>> bool(re.search(accept_rank(9, "ttl"), "text/html;q=0.5, text/turtle;q=0.95"))
    True
    >>> bool(re.search(accept_rank("full", "ttl"), "text/turtle; q=0"))
    False
    >>> bool(re.search(accept_rank(5, "jsonld"), 'application/ld+json;profile="x"; q=0.5'))
    True
    """
    media = re.escape(dict(TARGETS)[ext])
    start = rf"(^|,)\s*{media}(\s*;(?!\s*q=)[^;,]*)*\s*"
    if rank == "full":
        return start + r"(;\s*q=1(\.0*)?\s*)?(,|$)"
    if rank == "rest":
        return start + r";\s*q=0?\.0*[1-9]"
    return start + rf";\s*q=0?\.{int(rank)}"


def _ranked() -> list[tuple[str, str]]:
    """(regex, extension) in the order the rules try them."""
    return [(accept_rank(rank, ext), ext) for rank in RANKS for ext, _ in TARGETS]


def normal_base_path(base_path: str) -> str:
    """``/pub/kg/`` from ``pub/kg``, ``/pub/kg`` or ``/pub/kg/``; ``/`` for the root."""
    stripped = base_path.strip("/")
    if any(c in stripped for c in ' "\'\\{}$;<>') or ".." in stripped.split("/"):
        raise ValueError(f"base path {base_path!r}: use a plain URL path such as /pub/kg/")
    return "/" + stripped + "/" if stripped else "/"


def htaccess(base_path: str = "/") -> str:
    """Rewrite rules for a stock Apache 2.4 (mod_rewrite, mod_headers, mod_mime; the
    directory needs ``AllowOverride FileInfo`` and ``Options FollowSymLinks``, Debian's
    default for /var/www)."""
    base = normal_base_path(base_path)
    lines = [
        "# Content negotiation for the seccoop site on Apache 2.4 (written by seccoop site).",
        "# Needs mod_rewrite, mod_headers and mod_mime, and for this directory",
        "# AllowOverride FileInfo (Options FollowSymLinks is Debian's default).",
        f"# The site is served under {base} (seccoop site --base-path); extensionless IRIs",
        "# (id/NAME, ontology, ontology/VERSION, void) 303 to the file of the best media type.",
        "# q-values are ranked by their first decimal (mod_rewrite cannot compare numbers):",
        "# q=1, then 0.9 ... 0.1, then any other q > 0; in one rank RDF wins over HTML, in",
        "# the order below; q=0 is never chosen; anything else gets the HTML page.",
        "AddType text/turtle .ttl", "AddType application/ld+json .jsonld",
        "AddType application/n-triples .nt", "AddType application/n-quads .nq",
        "AddType application/trig .trig", "AddType application/rdf+xml .rdf",
        "AddCharset utf-8 .ttl .jsonld .nt .nq .trig .html",
        "<IfModule mod_headers.c>",
        "  # 'always': also on the 303s (plain 'Header set' only reaches 2xx responses).",
        "  Header always set Vary Accept",
        '  Header always set Access-Control-Allow-Origin "*"',
        "</IfModule>",
        "RewriteEngine on",
        f"RewriteBase {base}",
        "# Files are served as they are.",
        "RewriteCond %{REQUEST_FILENAME} -f",
        "RewriteRule ^ - [L]",
    ]
    for regex, ext in _ranked():
        lines += [f'RewriteCond %{{HTTP_ACCEPT}} "{regex}" [NC]',
                  f"RewriteRule ^({PATHS})$ $1.{ext} [R=303,L]"]
    lines += ["# Anything else (wildcards, unknown types): the page.",
              f"RewriteRule ^({PATHS})$ $1.html [R=303,L]", ""]
    return "\n".join(lines)


def nginx_map() -> str:
    """The ``map`` of ``Accept`` to a file extension: include it at ``http`` level."""
    rows = "\n".join(f'    "~*{regex}" {ext};' for regex, ext in _ranked())
    return ("# nginx, http level: the file extension for the Accept header (seccoop site).\n"
            "# q-values are ranked as in .htaccess (by their first decimal).\n"
            f"map $http_accept $seccoop_ext {{\n    default html;\n{rows}\n}}\n")


def nginx_server(base_path: str = "/") -> str:
    """The locations of the site: include them in a ``server`` block whose root holds
    the site at ``base_path`` (with ``nginx-map.conf`` included at ``http`` level)."""
    base = normal_base_path(base_path)
    types = " ".join(f"{media} {ext};" for ext, media in TARGETS)
    return f"""# nginx, server level: the seccoop site under {base} (include nginx-map.conf at
# http level first). Extensionless IRIs 303 to the file of the best media type.
location ^~ {base} {{
    types {{ {types} text/css css; image/x-icon ico; image/svg+xml svg;
             application/xml xml; application/json json; text/plain txt; }}
    charset utf-8;
    charset_types text/turtle application/ld+json application/n-triples application/n-quads
                  application/trig text/css application/json;
    add_header Vary Accept always;
    add_header Access-Control-Allow-Origin "*" always;
    location ~ ^{re.escape(base)}({PATHS})$ {{
        try_files $uri @seccoop_conneg;
    }}
}}
location @seccoop_conneg {{
    add_header Vary Accept always;
    add_header Access-Control-Allow-Origin "*" always;
    return 303 $uri.$seccoop_ext;
}}
"""
