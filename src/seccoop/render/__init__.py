"""Rendering: the pages and data documents the server and the static site both publish.

It depends on the library only (store, browse, queries, reasoning, draw, formats), never
on a front-end: each front-end passes the :class:`~seccoop.render.urls.Urls` its links are
built with and the :class:`~seccoop.render.sections.Sections` it adds to the pages.

    >>> from seccoop.render.urls import Urls
    >>> Urls().resource("china"), Urls.site("index.html").resource("china")
    ('/id/china', 'id/china.html')
"""
