"""Every link of every page, built in one place: absolute paths for the server, relative
file paths for the static site.

Pages never write a path themselves; they ask a :class:`Urls` object, so the server and the
site render the same page code with their own link forms, and what only a running server
offers (the query page, ``/sparql``, explanations) is None on the site (shown as text).

    >>> server, site = Urls(), Urls.site("id/china.html")
    >>> server.resource("china"), site.resource("china")
    ('/id/china', '../id/china.html')
    >>> server.iri("https://w3id.org/seccoop/ontology#Forum"), site.iri("https://w3id.org/seccoop/ontology#Forum")
    ('/ontology#Forum', '../ontology.html#Forum')
    >>> server.data("id/china", "ttl"), site.data("id/china", "ttl")
    ('/id/china.ttl', '../id/china.ttl')
    >>> server.query(), site.query() is None
    ('/query', True)
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..projectconfig import ProjectConfig, packaged_config

DUMP_NAME = "seccoop"


class Urls:
    """The server's links: absolute paths (``/id/china``, ``/ontology#Forum``).

    ``prefix`` is prepended to every path (``""`` for the server, ``../`` for a page one
    folder deep in the site); ``static`` selects the site's file layout (``.html`` pages,
    no server-only routes); ``config`` is the project shown (its namespaces decide which
    IRIs have a page here; default: the packaged project).
    """

    def __init__(self, prefix: str = "/", *, static: bool = False,
                 config: ProjectConfig | None = None):
        self.prefix, self.static = prefix, static
        self.config = config or packaged_config()

    @classmethod
    def site(cls, page: str, config: ProjectConfig | None = None) -> "Urls":
        """The links of the site's file ``page`` (``id/china.html``): relative to it."""
        return cls("../" * page.count("/"), static=True, config=config)

    def _page(self, path: str) -> str:
        """A page route without its leading slash (``ontology``, ``id/china``)."""
        return self.prefix + (path + ".html" if self.static else path)

    def home(self) -> str:
        return self.prefix + ("index.html" if self.static else "")

    def ontology(self, term: str | None = None) -> str:
        """The ontology's documentation, at ``term``'s entry when given."""
        return self._page("ontology") + ("#" + quote(term, safe="") if term else "")

    def void(self) -> str:
        return self._page("void")

    def resource(self, name: str) -> str:
        """The page of the resource ``name`` (of the project's resource namespace)."""
        return self._page("id/" + quote(name, safe=""))

    def data(self, stem: str, ext: str) -> str:
        """The RDF document ``stem.ext`` (``stem``: ``void``, ``ontology``, ``id/china``)."""
        return f"{self.prefix}{stem}.{ext}"

    def resource_stem(self, name: str) -> str:
        """The ``stem`` of :meth:`data` for the documents of the resource ``name``."""
        return "id/" + quote(name, safe="")

    def dump(self, ext: str) -> str:
        return f"{self.prefix}dumps/{DUMP_NAME}.{ext}"

    def file(self, name: str) -> str:
        """A file at the top (``dcat.ttl``, ``context.jsonld``, ``favicon.ico``)."""
        return self.prefix + name

    def static_file(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def query(self, **params: str) -> str | None:
        """The query page (with ``query=`` and other parameters); None on the site."""
        return self._server_only("query", params)

    def sparql(self, **params: str) -> str | None:
        return self._server_only("sparql", params)

    def explain(self, **params: str) -> str | None:
        return self._server_only("explain", params)

    def _server_only(self, route: str, params: dict) -> str | None:
        if self.static:
            return None
        return self.prefix + route + ("?" + urlencode(params) if params else "")

    def iri(self, iri: str) -> str | None:
        """Where an IRI of the graph is shown here; None for IRIs from elsewhere."""
        config = self.config
        name = config.resource_name(iri)
        if name is not None:
            return self.resource(name)
        term = config.ontology_term(iri)
        if term is not None:
            return self.ontology(term)
        return self.ontology() if config.is_ontology(iri) else None
