"""OpenID Connect sign-in against a tiny provider run inside the test on a loopback port.

The provider serves discovery, JWKS, authorize and token and signs RS256 ID tokens; it checks the
PKCE verifier and the client secret like a real one. aisgf must map the e-mail to an existing
account (and create none), keep the second factor for reviewers, and refuse tampered answers.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.jose import JsonWebKey, JsonWebToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from aisgf.accounts.models import User, WebSession
from aisgf.accounts.oidc import OidcSettings
from aisgf.db import Database
from tests.web.helpers import EN

CLIENT_ID, CLIENT_SECRET = "aisgf-test", "s3cret-for-the-test"


def _pem_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Idp:
    """A minimal OpenID provider: enough of the protocol to be strict about what aisgf sends."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = JsonWebKey.import_key(_pem_key(), {"kty": "RSA", "kid": "k1", "use": "sig"})
        self.other_key = JsonWebKey.import_key(_pem_key(), {"kty": "RSA", "kid": "k1", "use": "sig"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.user: dict[str, Any] = {}
        self.tamper: str | None = None
        self.app = self._app()

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"]}

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(is_private=False)]}

        @app.get("/authorize")
        def authorize(request: Request) -> Any:
            q = request.query_params
            assert q["client_id"] == CLIENT_ID and q["response_type"] == "code"
            assert q["code_challenge_method"] == "S256" and "openid" in q["scope"].split()
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"],
                                "redirect_uri": q["redirect_uri"], "user": dict(self.user)}
            return RedirectResponse(q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]}), 302)

        @app.post("/token")
        def token(request: Request, grant_type: str = Form(), code: str = Form(), redirect_uri: str = Form(),
                  code_verifier: str = Form()) -> Any:
            basic = base64.b64decode(request.headers.get("authorization", "Basic ")[6:]).decode()
            if basic != f"{CLIENT_ID}:{CLIENT_SECRET}":
                return JSONResponse({"error": "invalid_client"}, 401)
            grant = self.codes.pop(code, None)  # a code works once
            challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=")
            if (grant is None or grant_type != "authorization_code" or redirect_uri != grant["redirect_uri"]
                    or challenge.decode() != grant["challenge"]):
                return JSONResponse({"error": "invalid_grant"}, 400)
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": grant["user"].get("sub", "u-1"), "iat": now,
                      "exp": now + 300, "nonce": grant["nonce"], **grant["user"]}
            key = self.key
            if self.tamper == "nonce":
                claims["nonce"] = "another-sign-in"
            elif self.tamper == "audience":
                claims["aud"] = "someone-else"
            elif self.tamper == "signature":
                key = self.other_key
            id_token = JsonWebToken(["RS256"]).encode({"alg": "RS256", "kid": "k1"}, claims, key).decode()
            return {"access_token": "at", "token_type": "Bearer", "id_token": id_token}

        return app


@pytest.fixture(scope="module")
def idp() -> Iterator[Idp]:
    import uvicorn

    provider = Idp()
    server = uvicorn.Server(uvicorn.Config(provider.app, host="127.0.0.1", port=provider.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test identity provider did not start"
        time.sleep(0.05)
    yield provider
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def site(web: tuple[FastAPI, Database], idp: Idp) -> tuple[FastAPI, Database, Idp]:
    app, db = web
    app.state.oidc = OidcSettings(issuer=idp.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with db.session() as s:
        for name in ("olivia", "rita"):
            s.execute(update(User).where(User.username == name).values(email=f"{name}@example.cn"))
    idp.tamper = None
    return app, db, idp


def _sign_in(app: FastAPI, idp: Idp, email: str, *, next_url: str = "/systems",
             edit_query: dict[str, str] | None = None) -> tuple[TestClient, Any]:
    """Browser → aisgf → provider → back to aisgf; returns the client and aisgf's final answer."""
    c = TestClient(app, follow_redirects=False, headers=EN)
    idp.user = {"email": email, "email_verified": True, "name": "Test Person"}
    r = c.get(f"/login/oidc?next={next_url}")
    assert r.status_code == 303 and r.headers["location"].startswith(idp.issuer + "/authorize?")
    back = httpx.get(r.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    url = urlsplit(back.headers["location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    query.update(edit_query or {})
    return c, c.get(url.path + "?" + urlencode(query))


def _sessions(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(WebSession.id))) or 0


def test_an_existing_owner_signs_in_through_the_provider(site: tuple[FastAPI, Database, Idp]) -> None:
    app, _db, idp = site
    assert 'id="oidc-login"' in TestClient(app, headers=EN).get("/login").text
    c, r = _sign_in(app, idp, "Olivia@example.cn")
    assert r.status_code == 303 and r.headers["location"] == "/systems", r.text[:300]
    assert c.get("/").status_code == 200 and c.get("/intake").status_code == 200  # olivia, an owner
    assert "aisgf_oidc=" in r.headers.get("set-cookie", "")  # the pending-sign-in cookie is cleared


def test_a_reviewer_still_passes_the_second_factor(site: tuple[FastAPI, Database, Idp]) -> None:
    app, _db, idp = site
    c, r = _sign_in(app, idp, "rita@example.cn")
    assert r.status_code == 303 and r.headers["location"] == "/login/mfa"
    r = c.get("/reviews")
    assert r.status_code == 303 and r.headers["location"] == "/login/mfa"


@pytest.mark.parametrize(("email", "tamper", "edit", "why"), [
    ("nobody@example.cn", None, None, "no aisgf account"),
    ("olivia@example.cn", "nonce", None, "not valid"),
    ("olivia@example.cn", "audience", None, "not valid"),
    ("olivia@example.cn", "signature", None, "not valid"),
    ("olivia@example.cn", None, {"state": "forged"}, "does not belong"),
    ("olivia@example.cn", None, {"code": "guessed"}, "invalid_grant"),
    ("olivia@example.cn", None, {"error": "access_denied"}, "refused"),
])
def test_refusals_leave_no_session_and_no_account(site: tuple[FastAPI, Database, Idp], email: str,
                                                 tamper: str | None, edit: dict[str, str] | None, why: str) -> None:
    app, db, idp = site
    before = _sessions(db)
    with db.session() as s:
        users = s.scalar(select(func.count(User.id)))
    idp.tamper = tamper
    _c, r = _sign_in(app, idp, email, edit_query=edit)
    assert r.status_code == 401 and why in r.text, r.text[-800:]
    assert "identity provider did not work" in r.text
    assert _sessions(db) == before
    with db.session() as s:
        assert s.scalar(select(func.count(User.id))) == users


def test_pkce_verifier_must_match(site: tuple[FastAPI, Database, Idp]) -> None:
    """A stolen code is useless without the verifier that only the starting browser holds."""
    app, db, idp = site
    c = TestClient(app, follow_redirects=False, headers=EN)
    idp.user = {"email": "olivia@example.cn"}
    r = c.get("/login/oidc")
    back = httpx.get(r.headers["location"], follow_redirects=False)
    attacker = TestClient(app, follow_redirects=False, headers=EN)
    attacker.get("/login/oidc")  # the attacker's own pending sign-in (own state, verifier)
    url = urlsplit(back.headers["location"])
    r = attacker.get(url.path + "?" + url.query)
    assert r.status_code == 401 and _sessions(db) == 0


def test_auto_create_makes_an_owner_only_when_configured(site: tuple[FastAPI, Database, Idp]) -> None:
    app, db, idp = site
    app.state.oidc = OidcSettings(issuer=idp.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                  auto_create=True)
    _c, r = _sign_in(app, idp, "newcomer@example.cn")
    assert r.status_code == 303
    with db.session() as s:
        u = s.scalar(select(User).where(User.email == "newcomer@example.cn"))
        assert u is not None and u.role == "owner" and u.username == "newcomer"


def test_not_configured(web: tuple[FastAPI, Database]) -> None:
    app, _db = web
    c = TestClient(app, follow_redirects=False, headers=EN)
    assert 'id="oidc-login"' not in c.get("/login").text
    assert c.get("/login/oidc").status_code == 404
