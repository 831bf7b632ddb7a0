"""Optional sign-in through an organisation's OpenID Connect identity provider.

Why this shape: organisations with an identity provider want people to sign in there, not keep one
more password. The flow is the authorization-code flow with PKCE (S256), a `state` that ties the
answer to the browser that asked and a `nonce` that ties the ID token to this sign-in; the ID
token's RS256/ES256 signature is checked against the provider's published keys (JWKS) with Authlib,
along with issuer, audience and expiry.

Policy decisions (documented in the module so reviewers of access rights find them here):
- The provider only names the person: its e-mail (or another claim) must match an existing aisgf
  account, which keeps its role. Nobody is created by signing in, unless AISGF_OIDC_AUTO_CREATE is
  on; then the new account is an `owner` (no reviewer or admin rights by a sign-in).
- The provider replaces the password, not aisgf's second factor: admins, governance leads and reviewers (and anyone
  who turned TOTP on) still pass aisgf's TOTP step after coming back, exactly as after a password.
  A provider's own MFA claim (`amr`) is recorded in the audit event but not trusted for that.
- A disabled account cannot sign in this way either; the sign-in appends an audit event.

Configuration comes from AISGF_OIDC_ISSUER, AISGF_OIDC_CLIENT_ID and AISGF_OIDC_CLIENT_SECRET (plus
the optional settings below); without an issuer the sign-in button is not shown and the routes say so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.models import User
from aisgf.audit.service import append_event
from aisgf.config import Settings
from aisgf.errors import NotFound, Unauthorized, register_messages


class OidcSettings(BaseModel):
    """The OIDC part of the configuration (`AISGF_OIDC_*` in `aisgf.config.Settings`)."""

    issuer: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scopes: str = "openid email profile"
    # which ID-token claim names the aisgf account: `email` (matched to the account's e-mail) or
    # `preferred_username` / `sub` (matched to the username)
    claim: str = "email"
    auto_create: bool = False
    timeout_s: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcSettings:
        return cls(issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
                   client_secret=settings.oidc_client_secret, scopes=settings.oidc_scopes,
                   claim=settings.oidc_claim, auto_create=settings.oidc_auto_create,
                   timeout_s=settings.oidc_timeout_s)


# What a person reads after coming back from the identity provider (the provider's own technical
# failures stay in English: they are for the administrator who configured it).
MESSAGES = register_messages({
    "oidc.not_started_here": "this sign-in was not started here or has expired; start again",
    "oidc.state_mismatch": "the answer does not belong to the sign-in this browser started; start again",
    "oidc.no_claim": "the ID token has no {claim!r} claim",
    "oidc.email_unverified": "the identity provider has not verified this e-mail address",
    "oidc.no_account": "no aisgf account has {claim} {value!r}; ask an administrator to create one",
    "oidc.account_disabled": "this account is disabled; ask an administrator",
    "oidc.not_configured": "sign-in through an identity provider is not configured (AISGF_OIDC_ISSUER)",
    "oidc.refused": "the identity provider refused: {error}",
    "oidc.not_http": "the identity provider named a URL that is not http(s): {url}",
    "oidc.http_error": "the identity provider answered {status} at {url}: {detail}",
    "oidc.unreachable": "the identity provider could not be reached or answered no JSON at {url}: {reason}",
    "oidc.not_object": "the identity provider answered no JSON object at {url}",
    "oidc.wrong_issuer": "the discovery document names issuer {named!r}, not {issuer!r}",
    "oidc.discovery_lacks": "the discovery document has no {key}",
    "oidc.no_code": "the identity provider sent no code",
    "oidc.no_id_token": "the identity provider returned no ID token",
    "oidc.bad_id_token": "the ID token is not valid: {reason}",
})


class OidcError(Unauthorized):
    type_slug = "oidc-failed"
    title = "Sign-in through the identity provider failed"


class OidcNotConfigured(NotFound):
    type_slug = "not-found"


@dataclass(frozen=True)
class PendingLogin:
    """What the browser keeps (in an HttpOnly cookie) between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    next_url: str

    def dump(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(
            [self.state, self.nonce, self.verifier, self.next_url]).encode()).decode()

    @classmethod
    def load(cls, raw: str | None) -> PendingLogin:
        try:
            state, nonce, verifier, next_url = json.loads(base64.urlsafe_b64decode((raw or "").encode()))
            return cls(str(state), str(nonce), str(verifier), str(next_url))
        except (ValueError, TypeError) as exc:
            raise OidcError.coded("oidc.not_started_here", where="state") from exc


def _get_json(url: str, timeout: float, data: dict[str, str] | None = None,
              headers: dict[str, str] | None = None) -> dict[str, Any]:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):  # urllib would also open file: URLs
        raise OidcError.coded("oidc.not_http", where=url, url=url[:200])
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # the configured issuer, http(s) only
            doc = json.loads(resp.read(1_000_000))
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode(errors="replace")
        raise OidcError.coded("oidc.http_error", where=url, status=exc.code, url=url, detail=detail[:300]) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise OidcError.coded("oidc.unreachable", where=url, url=url, reason=str(exc)) from exc
    if not isinstance(doc, dict):
        raise OidcError.coded("oidc.not_object", where=url, url=url)
    return doc


class Provider:
    """One configured provider: its discovery document and keys, fetched once and kept for an hour."""

    CACHE_S = 3600.0

    def __init__(self, settings: OidcSettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._meta: tuple[float, dict[str, Any]] | None = None
        self._jwks: tuple[float, dict[str, Any]] | None = None

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._meta is None or time.monotonic() - self._meta[0] > self.CACHE_S:
                issuer = str(self.settings.issuer).rstrip("/")
                doc = _get_json(issuer + "/.well-known/openid-configuration", self.settings.timeout_s)
                if str(doc.get("issuer", "")).rstrip("/") != issuer:
                    raise OidcError.coded("oidc.wrong_issuer", where="AISGF_OIDC_ISSUER", named=doc.get("issuer"),
                                          issuer=issuer)
                for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not doc.get(key):
                        raise OidcError.coded("oidc.discovery_lacks", where="AISGF_OIDC_ISSUER", key=key)
                self._meta = (time.monotonic(), doc)
            return self._meta[1]

    def jwks(self, refresh: bool = False) -> dict[str, Any]:
        with self._lock:
            stale = self._jwks is None or time.monotonic() - self._jwks[0] > self.CACHE_S
        if stale or refresh:
            doc = _get_json(str(self.metadata()["jwks_uri"]), self.settings.timeout_s)
            with self._lock:
                self._jwks = (time.monotonic(), doc)
        assert self._jwks is not None
        return self._jwks[1]

    def start(self, redirect_uri: str, next_url: str) -> tuple[str, PendingLogin]:
        """The provider's authorization URL for a new sign-in, and what the browser must keep meanwhile."""
        pending = PendingLogin(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24),
                               verifier=secrets.token_urlsafe(48), next_url=next_url)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(pending.verifier.encode()).digest()).rstrip(b"=")
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.settings.client_id, "redirect_uri": redirect_uri,
            "scope": self.settings.scopes, "state": pending.state, "nonce": pending.nonce,
            "code_challenge": challenge.decode(), "code_challenge_method": "S256",
        })
        endpoint = str(self.metadata()["authorization_endpoint"])
        return endpoint + ("&" if "?" in endpoint else "?") + query, pending

    def finish(self, *, code: str, state: str, pending: PendingLogin, redirect_uri: str) -> dict[str, Any]:
        """Exchange the code (with the PKCE verifier) and return the ID token's checked claims."""
        if not state or not secrets.compare_digest(state, pending.state):
            raise OidcError.coded("oidc.state_mismatch", where="state")
        if not code:
            raise OidcError.coded("oidc.no_code", where="code")
        s = self.settings
        auth = base64.b64encode(f"{urllib.parse.quote(str(s.client_id))}:"
                                f"{urllib.parse.quote(s.client_secret or '')}".encode()).decode()
        tokens = _get_json(str(self.metadata()["token_endpoint"]), s.timeout_s, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": pending.verifier, "client_id": str(s.client_id),
        }, headers={"Authorization": f"Basic {auth}"})
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError.coded("oidc.no_id_token", where="id_token")
        return self._claims(id_token, pending.nonce)

    def _claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        from authlib.jose import JsonWebKey, JsonWebToken
        from authlib.jose.errors import JoseError

        jwt = JsonWebToken(["RS256", "ES256", "PS256"])  # never `none`, never a shared-secret HS256
        issuer = str(self.metadata()["issuer"])
        options = {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True,
                                                                        "value": str(self.settings.client_id)},
                   "exp": {"essential": True}, "nonce": {"essential": True, "value": nonce},
                   "sub": {"essential": True}}
        for refresh in (False, True):  # a key the cache does not know yet: fetch the keys once more
            try:
                keys = JsonWebKey.import_key_set(self.jwks(refresh=refresh))
                claims = jwt.decode(id_token, keys, claims_options=options)
                claims.validate(leeway=60)
                return dict(claims)
            except JoseError as exc:
                if refresh or "key" not in str(exc).lower():
                    raise OidcError.coded("oidc.bad_id_token", where="id_token", reason=str(exc)) from exc
            except ValueError as exc:
                if refresh:
                    raise OidcError.coded("oidc.bad_id_token", where="id_token", reason=str(exc)) from exc
        raise OidcError.coded("oidc.bad_id_token", where="id_token", reason="?")  # pragma: no cover


def account_for(session: Session, settings: OidcSettings, claims: dict[str, Any]) -> User:
    """The aisgf account the provider's claims name (see the policy at the top of this module)."""
    from aisgf.accounts import services as acc
    from aisgf.accounts.principal import system_principal

    value = claims.get(settings.claim)
    if not isinstance(value, str) or not value.strip():
        raise OidcError.coded("oidc.no_claim", where=settings.claim, claim=settings.claim)
    if settings.claim == "email" and claims.get("email_verified") is False:
        raise OidcError.coded("oidc.email_unverified", where="email")
    value = value.strip().lower()
    column = User.email if settings.claim == "email" else User.username
    user = session.scalar(select(User).where(column == value))
    if user is None and settings.auto_create:
        username = value.split("@", 1)[0] if settings.claim == "email" else value
        user = acc.create_user(session, username=username, password=secrets.token_urlsafe(32) + "aA1!", role="owner",
                               email=value if settings.claim == "email" else None,
                               display_name=str(claims.get("name", ""))[:200], by=system_principal("oidc"))
    if user is None:
        raise OidcError.coded("oidc.no_account", where=settings.claim, claim=settings.claim, value=value)
    if user.disabled_at is not None:
        raise OidcError.coded("oidc.account_disabled", where="username")
    append_event(session, actor=user.username, action="user.signed_in_oidc", entity_type="user",
                 entity_id=user.username, payload={"issuer": claims.get("iss"), "sub": claims.get("sub"),
                                                   "amr": claims.get("amr")})
    return user


_PROVIDERS: dict[tuple[str, str], Provider] = {}


def provider(settings: OidcSettings) -> Provider:
    if not settings.enabled:
        raise OidcNotConfigured.coded("oidc.not_configured", where="AISGF_OIDC_ISSUER")
    key = (str(settings.issuer), str(settings.client_id))
    if key not in _PROVIDERS:
        _PROVIDERS[key] = Provider(settings)
    return _PROVIDERS[key]

