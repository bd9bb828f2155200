"""ASGI middleware for the limits every route shares: methods, request body size, CORS
preflight, and the security headers of pages.

A plain ASGI class (not BaseHTTPMiddleware) so that it costs a few attribute reads per request.
"""

from __future__ import annotations

ALLOWED_METHODS = ("GET", "POST", "HEAD", "OPTIONS")
ALLOW = ", ".join(ALLOWED_METHODS)
# Pages load only their own script, styles and pictures (SVG drawn inline may carry style
# attributes, which cannot run code); no one may frame them, forms post only here.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
NOSNIFF = [(b"x-content-type-options", b"nosniff")]
PAGE_HEADERS = NOSNIFF + [(b"content-security-policy", CSP.encode()),
                          (b"x-frame-options", b"DENY")]


class Guardrails:
    """405 for other methods, 413 for a declared body over ``max_body``, OPTIONS answered here.

    Bodies sent without Content-Length (chunked) are counted while read, in
    :func:`seccoop.server.endpoint.read_body`.

    ``sparql``: the ``/sparql`` ASGI app (:class:`seccoop.server.endpoint.SparqlApp`),
    called directly for that exact path once the checks above pass, skipping Starlette's
    exception middleware and router (the same app is also routed, for a non-empty
    ``root_path``). Only GET, POST and HEAD get there, the methods its route allows.
    """

    def __init__(self, app, *, max_body: int, cors: bool = False, sparql=None):
        self.app, self.max_body, self.cors, self.sparql = app, max_body, cors, sparql

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method not in ALLOWED_METHODS:
            return await _plain(send, 405, f"method {method} not allowed; this endpoint is "
                                           "read-only (GET, POST, HEAD, OPTIONS)",
                                [(b"allow", ALLOW.encode())])
        if method == "OPTIONS":
            return await _plain(send, 204, "", self._preflight())
        if method == "POST":
            for name, value in scope["headers"]:
                if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                    return await _plain(send, 413, f"request body over {self.max_body} bytes")
        if scope["path"] == "/sparql":  # results, errors and redirects: never a page
            if self.sparql is not None and not scope.get("root_path"):
                return await self.sparql(scope, receive, send)
            return await self.app(scope, receive, send)
        return await self.app(scope, receive, _secured(send))

    def _preflight(self) -> list[tuple[bytes, bytes]]:
        headers = [(b"allow", ALLOW.encode())]
        if self.cors:
            headers += [(b"access-control-allow-origin", b"*"),
                        (b"access-control-allow-methods", ALLOW.encode()),
                        (b"access-control-allow-headers", b"Accept, Content-Type"),
                        (b"access-control-max-age", b"86400")]
        return headers


def _secured(send):
    """``send`` adding nosniff to every response, and CSP and X-Frame-Options to pages."""
    async def secured(message):
        if message["type"] == "http.response.start":
            headers = message.get("headers") or []
            page = any(name == b"content-type" and value.startswith(b"text/html")
                       for name, value in headers)
            message = {**message, "headers": [*headers, *(PAGE_HEADERS if page else NOSNIFF)]}
        await send(message)
    return secured


async def _plain(send, status: int, text: str, headers: list | None = None) -> None:
    body = (text + "\n").encode() if text else b""
    head = [(b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()), *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})
