"""Security headers on every response: no framing, no sniffing, a Content-Security-Policy, no referrer leaks.

Why one ASGI middleware: pages, problem pages, redirects, static files and the API all pass through it,
so no route (and no error handler) can forget a header. A route that sets a header itself keeps its own
value (an evidence download sends `Content-Security-Policy: sandbox`).

The pages' own scripts and styles are files under `/static/` (no inline `<script>`, `<style>`,
`style="…"` or `on…=` handlers in the templates; `tests/web/test_headers.py` keeps it so), so the page
policy needs neither `'unsafe-inline'` nor nonces. htmx is told not to inject its indicator `<style>`
and not to evaluate code (`base.html`'s `htmx-config`).
"""

from __future__ import annotations

from typing import Any

#: The policy of every page: only this origin's files; nothing may frame a page (clickjacking).
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: JSON is never a document to render: it may load nothing and be framed by nobody.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
#: The OpenAPI viewers (/docs, /redoc) load FastAPI's CDN bundles with inline set-up code; they keep
#: only the framing rule.
DOCS_CSP = "frame-ancestors 'none'"

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def headers_for(path: str, authenticated: bool) -> dict[str, str]:
    """The headers a response to `path` gets (unless the route set them itself)."""
    out = dict(COMMON)
    if path in DOCS_PATHS:
        out["content-security-policy"] = DOCS_CSP
    elif is_api_path(path):
        out["content-security-policy"] = API_CSP
        if authenticated:  # a person's data: no shared or browser cache keeps it
            out["cache-control"] = "no-store"
    else:
        out["content-security-policy"] = PAGE_CSP
    return out


class SecurityHeaders:
    """ASGI middleware adding `headers_for(path)` to each HTTP response's start message."""

    def __init__(self, app: Any, session_cookie: str = "aisgf_session"):
        self.app = app
        self.session_cookie = session_cookie.encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        cookies = request_headers.get(b"cookie", b"")
        authenticated = b"authorization" in request_headers or self.session_cookie in cookies
        extra = headers_for(scope.get("path", ""), authenticated)

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
