"""The HTTP side of the data documents: content negotiation offers and ``Link`` headers.

The documents themselves are built by :mod:`seccoop.render.documents` (shared with the
static site); its service description and Turtle serialiser are re-exported for the
SPARQL endpoint.

    >>> link_header("/void").count('rel="alternate"')
    6
"""

from __future__ import annotations

from ..render.documents import EXTENSIONS, serialize_turtle, service_description
from .protocol import MEDIA_TYPES

RDF_DOC_OFFERS = (("html", "text/html"), ("turtle", "text/turtle"),
                  ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"),
                  ("rdfxml", "application/rdf+xml"), ("nquads", "application/n-quads"),
                  ("trig", "application/trig"), ("turtle", "application/x-turtle"),
                  ("ntriples", "text/plain"), ("jsonld", "application/json"),
                  ("rdfxml", "application/xml"))
# HTML last: what /sparql and /void answer to machines first.
MACHINE_DOC_OFFERS = RDF_DOC_OFFERS[1:] + (("html", "text/html"),)


def link_header(path: str) -> str:
    """``Link`` to every alternate serialization of the document at ``path``."""
    return ", ".join(f'<{path}.{ext}>; rel="alternate"; type="{MEDIA_TYPES[fmt]}"'
                     for ext, fmt in EXTENSIONS.items())


__all__ = ["RDF_DOC_OFFERS", "MACHINE_DOC_OFFERS", "link_header", "serialize_turtle",
           "service_description"]
