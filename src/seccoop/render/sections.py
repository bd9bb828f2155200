"""Page sections: what a front-end adds to the pages besides their own content.

A :class:`Sections` value lists, per page, callables ``section(store, urls, **context) ->
str``; the server and the static site each build theirs (:func:`pictures` for the
diagrams of :mod:`seccoop.draw`) and pass it to the page functions, so no page depends on
what was registered where.

    >>> extra = Sections(home=(lambda store, urls, **context: "<section>hi</section>",))
    >>> render(extra.home, None, None, counts={})
    '<section>hi</section>'
    >>> len(pictures().entity)
    1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import draw
from .urls import Urls

Section = Callable[..., str]


@dataclass(frozen=True)
class Sections:
    """Sections added at the end of each page, in order."""

    home: tuple[Section, ...] = ()
    entity: tuple[Section, ...] = ()
    ontology: tuple[Section, ...] = ()
    query: tuple[Section, ...] = ()

    def __add__(self, other: "Sections") -> "Sections":
        return Sections(self.home + other.home, self.entity + other.entity,
                        self.ontology + other.ontology, self.query + other.query)


NONE = Sections()


def render(sections: tuple[Section, ...], store, urls: Urls | None, **context) -> str:
    return "".join(section(store, urls, **context) for section in sections)


def pictures() -> Sections:
    """The diagrams: the timeline on the home page, an entity's neighbourhood (and an
    actor's timeline), the ontology diagram; each links through the page's ``urls``."""
    return Sections(home=(_timeline,), entity=(_neighbourhood,), ontology=(_diagram,))


def _timeline(store, urls: Urls, **_context) -> str:
    return draw.home_section(store, urls.iri, config=urls.config)


def _neighbourhood(store, urls: Urls, description=None, limit=None, **_context) -> str:
    if description is None or not description.exists:
        return ""
    return draw.entity_section(store, description.iri, urls.iri, limit=limit, config=urls.config)


def _diagram(store, urls: Urls, **_context) -> str:
    return draw.ontology_section(store, urls.iri, config=urls.config)
