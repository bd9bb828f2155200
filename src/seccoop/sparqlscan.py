"""Lexical facts about SPARQL text that pyoxigraph does not expose: SERVICE calls, the
query's own dataset (``FROM``/``FROM NAMED``) and whether the text is an update.

pyoxigraph parses a query only to evaluate it, and evaluating ``SERVICE`` makes HTTP
requests, so an endpoint has to know beforehand. SPARQL cannot be split into tokens
without its grammar: ``<`` starts an IRI in ``?s <p#x> ?o`` and is the less-than
operator in ``FILTER(?a<?b)#>``, and a mistaken choice turns code into a comment or a
string. :func:`find_service` therefore follows *every* reading of every ``<`` at once
(a set of positions, each lexed once), so the readings it checks include the one the
engine takes; a reading that cannot be lexed ends there, as the engine's would with a
syntax error. Its work is bounded: past the budget the text is reported as too complex.

    >>> find_service("SELECT * WHERE { ?s ?p ?o }") is None
    True
    >>> find_service("SELECT * WHERE { FILTER(1<2)#>\\n SERVICE <http://x/> {} }").endpoint
    '<http://x/>'
    >>> dataset_clauses("SELECT * FROM <http://g/1> FROM NAMED ex:g2 WHERE {}")
    [('default', '<http://g/1>'), ('named', 'ex:g2')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .errors import TooComplex

# SPARQL's own whitespace (not Unicode's); comments end at CR or LF.
_SPACE = re.compile(r"[ \t\r\n]*")
_LINE_BREAK = re.compile(r"[\r\n]")
# IRIREF as the engine validates it: no space, control or <>"{}|^`\ but \u escapes.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
# Strings, leniently (any backslash pair): only where a string ends matters here.
_STRINGS = {
    "'''": re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''", re.S),
    '"""': re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""', re.S),
    "'": re.compile(r"'(?:[^'\\\r\n]|\\.)*'", re.S),
    '"': re.compile(r'"(?:[^"\\\r\n]|\\.)*"', re.S),
}
# VARNAME exactly (PN_CHARS_U or digit first): a variable is one token to the engine.
_VAR_CHARS = ("A-Za-z0-9_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
              "\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
              "\U00010000-\U000EFFFF")
_VAR = re.compile(f"[?$][{_VAR_CHARS}][{_VAR_CHARS}\u00B7\u0300-\u036F\u203F\u2040]*")
# A run of name characters: keywords, prefixed names (with PN_LOCAL's \-escapes), numbers,
# blank-node labels; with a leading @, language tags.
_NAME = re.compile(r"@?(?:[^\s<>(){}\[\]\"'#,;=!&|^*+/?$@~`\\]"
                   r"|\\[_~.\-!$&'()*+,;=/?#@%])+")
_WS = r"(?:[ \t\r\n]|#[^\r\n]*)*"
# SERVICE as the engine reads it: no word boundary is needed on either side.
_SERVICE_CALL = re.compile(
    r"service" + _WS + r"(?:silent" + _WS + r")??"
    r"(" + _IRI.pattern + r"|[?$][^\s{]+|[^\s<>(){}\[\]\"'#,;=!&|^*+/?$@~`]+)" + _WS + r"\{",
    re.I | re.S)
_UPDATES = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}


@dataclass(frozen=True)
class ServiceCall:
    """A ``SERVICE`` the engine may evaluate: its endpoint as written, and where."""

    endpoint: str
    offset: int


def find_service(text: str, *, allowed: tuple[str, ...] = (),
                 budget: int | None = None) -> ServiceCall | None:
    """The first ``SERVICE`` call in any reading of ``text`` whose endpoint is not one of
    the ``allowed`` IRIs (written in full, without escapes), or None when there is none.

    ``budget`` bounds the characters lexed (default: 40 per character of text, plus a
    margin); :class:`TooComplex` is raised past it.
    """
    if "service" not in text.lower():  # no reading can hold the keyword: no need to lex
        return None
    permitted = {f"<{iri}>" for iri in allowed}
    limit = budget if budget is not None else 40 * len(text) + 10_000
    skip = _Skipper(text)
    seen: set[int] = set()
    todo = [0]
    spent = 0
    while todo:
        position = skip(todo.pop())
        if position in seen or position >= len(text):
            continue
        seen.add(position)
        for end, code in _readings(text, position):
            spent += end - position + 1
            if spent > limit:
                raise TooComplex("the query is too complex to be checked for SERVICE")
            if code:
                call = _service_in(text, position, end, permitted)
                if call is not None:
                    return call
            todo.append(end)
    return None


class _Skipper:
    """Skips whitespace and comments; a comment's end is looked up, not rescanned, since
    many readings may enter the same long line."""

    def __init__(self, text: str):
        self.text = text
        self.breaks = [m.start() for m in _LINE_BREAK.finditer(text)]

    def __call__(self, position: int) -> int:
        text = self.text
        while True:
            spaces = _SPACE.match(text, position)
            position = spaces.end() if spaces else position
            if not text.startswith("#", position):
                return position
            index = bisect.bisect_right(self.breaks, position)
            position = self.breaks[index] if index < len(self.breaks) else len(text)


def _readings(text: str, position: int):
    """(end, is_code) of each token that may start at ``position``."""
    char = text[position]
    if char in "'\"":
        quote = text[position:position + 3] if text.startswith(char * 3, position) else char
        found = _STRINGS[quote].match(text, position)
        if found:  # unterminated: this reading ends, as the engine's parse would
            yield found.end(), False
        return
    if char == "<":
        found = _IRI.match(text, position)
        if found:
            yield found.end(), False
        yield position + 1, True  # the operator, or the first half of << <= <<(
        return
    if char in "?$":
        found = _VAR.match(text, position)
        if found:
            yield found.end(), False
            return
    found = _NAME.match(text, position)
    if found:
        yield found.end(), True
        return
    yield position + 1, True


def _service_in(text: str, start: int, end: int, permitted: set[str]) -> ServiceCall | None:
    lowered = text[start:end].lower()
    offset = lowered.find("service")
    while offset >= 0:
        call = _SERVICE_CALL.match(text, start + offset) if _may_split(lowered, offset) else None
        if call and call.group(1) not in permitted:
            return ServiceCall(call.group(1), start + offset)
        offset = lowered.find("service", offset + 1)
    return None


def _may_split(run: str, offset: int) -> bool:
    """Whether the engine may start a token at ``offset`` of this run of name characters:
    its start, after a '.', a digit (``1SERVICE``) or a boolean (``trueSERVICE``); the
    engine reads names greedily, so never after a letter or ':' within a name."""
    return (offset == 0 or run[offset - 1] in ".0123456789"
            or run.endswith(("true", "false"), 0, offset))


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in the usual reading (``<`` starts an IRI wherever one
    matches); comments dropped. For analysing valid queries, not for proving anything.

    >>> tokens("PREFIX ex: <http://e/> # c\\nASK { ?s ex:p 'x' }")
    ['PREFIX', 'ex:', '<http://e/>', 'ASK', '{', '?s', 'ex:p', "'x'", '}']
    """
    return list(_iter_tokens(text))


def _iter_tokens(text: str):
    position, skip = 0, _Skipper(text)
    while True:
        position = skip(position)
        if position >= len(text):
            return
        end = next(iter(_readings(text, position)), (len(text), False))[0]
        yield text[position:end]
        position = end


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def shape(text: str) -> int:
    """A digest of what ``text`` asks, not of how it is spelt: comments, spacing and keyword
    case dropped, variables and blank-node labels numbered by first use, string and number
    constants blanked (IRIs and prefixed names kept). Texts that differ only in those ways
    usually cost the same to evaluate, so a server can judge them as one class.

    >>> shape("SELECT ?a { ?a ?b 'x' } LIMIT 5 # one") == shape("select ?z {?z ?y 'q'} limit 9")
    True
    >>> shape("SELECT ?a { ?a ?b ?c }") == shape("SELECT ?a { ?a ?b ?a }")
    False
    """
    names: dict[str, str] = {}
    parts = []
    for token in _iter_tokens(text):
        first = token[0]
        if first in "?$" or token.startswith("_:"):
            token = names.setdefault(token[1:] if first in "?$" else token, f"?{len(names)}")
        elif first in "'\"":
            token = "'"
        elif _NUMBER.match(token):
            token = "0"
        elif ":" not in token:
            token = token.upper()
        parts.append(token)
    return hash("\x00".join(parts))


def update_operation(text: str) -> str | None:
    """The update operation ``text`` starts with (``LOAD``, ``INSERT``...), else None.

    >>> update_operation("PREFIX ex: <http://e/> LOAD <http://x/>")
    'LOAD'
    >>> update_operation("SELECT * {}") is None
    True
    """
    words = _iter_tokens(text)
    for word in words:
        keyword = word.lower()
        if keyword in ("prefix", "base", "version"):
            for _ in range(2 if keyword == "prefix" else 1):
                next(words, None)
            continue
        return word.upper() if keyword in _UPDATES else None
    return None


def prologue(text: str, words: list[str] | None = None) -> tuple[str | None, dict[str, str]]:
    """The query's ``BASE`` IRI (or None) and its ``PREFIX`` declarations (``words``: its
    :func:`tokens`, when already at hand)."""
    words, base, prefixes = tokens(text) if words is None else words, None, {}
    index = 0
    while index + 1 < len(words):
        keyword = words[index].lower()
        if keyword == "prefix" and index + 2 < len(words):
            prefixes[words[index + 1].rstrip(":")] = words[index + 2][1:-1]
            index += 3
        elif keyword == "base":
            base = words[index + 1][1:-1]
            index += 2
        elif keyword == "version":
            index += 2
        else:
            break
    return base, prefixes


def dataset_clauses(text: str, words: list[str] | None = None) -> list[tuple[str, str]]:
    """The query's ``FROM`` (``default``) and ``FROM NAMED`` (``named``) terms as written
    (``words``: its :func:`tokens`, when already at hand)."""
    words, depth, found = tokens(text) if words is None else words, 0, []
    for index, word in enumerate(words):
        if word in ("{", "}"):
            depth += 1 if word == "{" else -1
        elif depth == 0 and word.lower() == "from" and index + 1 < len(words):
            named = words[index + 1].lower() == "named"
            term = words[index + 2] if named and index + 2 < len(words) else words[index + 1]
            found.append(("named" if named else "default", term))
    return found


def resolve(term: str, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI a dataset term names (``<iri>`` or ``prefix:local``), or None if unknown.

    >>> resolve("ex:g", {"ex": "http://e/"}, None)
    'http://e/g'
    >>> resolve("<g2>", {}, "http://e/base")
    'http://e/g2'
    """
    if term.startswith("<") and term.endswith(">"):
        iri = _unescape(term[1:-1])
        return urljoin(base, iri) if base else iri
    prefix, colon, local = term.partition(":")
    if not colon or prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def _unescape(iri: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)
