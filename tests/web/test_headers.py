"""Security headers on every kind of response, and templates that need no inline script or style.

The browser side (no page reports a CSP violation in Chromium) is `tests/e2e/test_csp.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

import aisgf
from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.web.headers import API_CSP, PAGE_CSP
from tests.web.helpers import EN, Person


def _common(r: object) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_the_page_policy_forbids_framing_and_everything_from_elsewhere() -> None:
    directives = dict(d.strip().split(" ", 1) for d in PAGE_CSP.split(";"))
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in PAGE_CSP and "nonce" not in PAGE_CSP


def test_pages_redirects_problems_and_static_files_carry_the_headers(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    c = TestClient(app, follow_redirects=False, headers=EN)
    for url, status in (("/login", 200), ("/", 303), ("/static/app.css", 200), ("/static/htmx.min.js", 200),
                        ("/setup/wrong", 404)):
        r = c.get(url)
        assert r.status_code == status, url
        _common(r)
        assert r.headers["content-security-policy"] == PAGE_CSP, url
    assert c.get("/static/htmx.min.js").headers["content-type"].startswith("text/javascript")
    olivia = Person(app, db, "olivia").login()
    r = olivia.get("/account")
    _common(r)
    assert r.headers["content-security-policy"] == PAGE_CSP and r.headers["cache-control"] == "no-store"


def test_api_answers_are_nosniff_and_authenticated_ones_are_not_stored(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "olivia"), name="ci", by=system_principal("test"))
    c = TestClient(app)
    anonymous = c.get("/api/health")
    _common(anonymous)
    assert anonymous.headers["content-security-policy"] == API_CSP and "cache-control" not in anonymous.headers
    for url in ("/api/systems", "/api/systems/no-such-system"):
        r = c.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code in (200, 404), url
        _common(r)
        assert r.headers["cache-control"] == "no-store", url
    refused = c.get("/api/systems")  # no token: a 401 problem, nosniff too
    assert refused.status_code == 401 and refused.headers["x-content-type-options"] == "nosniff"
    docs = c.get("/docs")  # FastAPI's viewer keeps its CDN bundles; only framing is refused
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert docs.headers["x-frame-options"] == "DENY"


def test_a_route_keeps_a_header_it_sets_itself(web: tuple[FastAPI, Database]) -> None:
    """The evidence download sends `sandbox`: the middleware adds nothing on top of the route's own CSP."""
    from aisgf.web.headers import SecurityHeaders

    sent: list[dict[str, object]] = []

    async def inner(scope: object, receive: object, send: object) -> None:
        await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                    "headers": [(b"content-security-policy", b"sandbox")]})

    async def collect(message: dict[str, object]) -> None:
        sent.append(message)

    import asyncio

    asyncio.run(SecurityHeaders(inner)({"type": "http", "path": "/systems/x/evidence/1", "headers": []},
                                       None, collect))
    headers = dict(sent[0]["headers"])  # type: ignore[call-overload]
    assert headers[b"content-security-policy"] == b"sandbox"
    assert [k for k, _ in sent[0]["headers"]].count(b"content-security-policy") == 1  # type: ignore[attr-defined]
    assert headers[b"x-frame-options"] == b"DENY"


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:|hx-on|hx-vars", re.I)


def test_no_template_served_as_a_page_has_inline_script_style_or_handlers() -> None:
    root = Path(aisgf.__file__).parent
    templates = [p for p in root.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 15
    offending = [f"{p.relative_to(root)}:{n}" for p in templates
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if INLINE.search(line)]
    assert not offending, offending
