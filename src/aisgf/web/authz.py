"""Authentication and authorization for every route, driven by `policy.yaml`.

Why one dependency: each router is included with `dependencies=[Depends(authorize), Depends(csrf_check)]`,
so no route can be added without passing through the same check — and a route the policy table
does not name is refused (fail closed). API routes authenticate with a person's bearer token;
pages with the server-side session cookie; pages' state-changing requests also need the CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import Request
from sqlalchemy.orm import Session

from aisgf.accounts import services as acc
from aisgf.accounts.models import ROLES
from aisgf.accounts.scope import load_permissions
from aisgf.errors import Forbidden, Unauthorized, register_messages
from aisgf.web.deps import SESSION
from aisgf.web.i18n import pick_language

SESSION_COOKIE = "aisgf_session"
CSRF_COOKIE = "aisgf_csrf"
LANG_COOKIE = "aisgf_lang"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Rule:
    kind: str                     # public | partial | roles
    roles: frozenset[str] = frozenset()

    def allows(self, role: str | None) -> bool:
        if self.kind == "public":
            return True
        return role is not None and (self.kind == "partial" or role in self.roles)


@dataclass(frozen=True)
class Policy:
    routes: dict[tuple[str, str], Rule]

    def rule(self, method: str, path: str) -> Rule | None:
        return self.routes.get((method.upper(), path))


@lru_cache(maxsize=1)
def load_policy(path: str | None = None) -> Policy:
    """Parse the policy table; unknown roles or values are an error at start-up, not a silent deny."""
    p = Path(path) if path else Path(__file__).parent / "policy.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    # The role groups (`everyone`, `governors`, `overseers`) are the accounts concern's, defined once.
    groups: dict[str, frozenset[str]] = load_permissions().groups
    routes: dict[tuple[str, str], Rule] = {}
    for key, value in doc["routes"].items():
        method, route_path = key.split(" ", 1)
        if value in ("public", "partial"):
            rule = Rule(value)
        else:
            names = [value] if isinstance(value, str) else list(value)
            roles: set[str] = set()
            for n in names:
                roles.update(groups.get(n, [n]))
            unknown = roles - set(ROLES)
            if unknown:
                raise ValueError(f"{p}: {key}: unknown role(s) {', '.join(sorted(unknown))}")
            rule = Rule("roles", frozenset(roles))
        routes[(method.upper(), route_path)] = rule
    return Policy(routes)


class LoginRequired(Unauthorized):
    """No (or no longer a) signed-in person; pages redirect to the sign-in form."""

    type_slug = "login-required"


class StageRequired(Unauthorized):
    """Signed in with the password only: the second factor (or its enrolment) comes first."""

    type_slug = "second-factor-required"


class AccessDenied(Forbidden):
    type_slug = "access-denied"
    title = "Access denied"


MESSAGES = register_messages({
    "web.csrf_failed": "this form has expired or did not come from aisgf; reload the page and try again",
    "web.sign_in_first": "sign in first",
    "web.session_ended": "your session has ended; sign in again",
    "web.not_in_policy": "{method} {path} is not in the access policy; refused",
    "web.second_factor_first": "finish signing in with your second factor first",
    "web.role_may_not": "your role ({role}) may not do this",
    "web.bearer_format": "send 'Authorization: Bearer <token>'",
})


class CsrfFailed(Forbidden):
    type_slug = "csrf-failed"
    title = "Form expired"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", request.url.path)


def authorize(request: Request, s: Session = SESSION) -> None:
    """Resolve who is asking and check the policy table for this route; sets `request.state.principal`."""
    st = request.state
    st.principal = None
    st.web_session = None
    st.stage = None
    st.set_cookies = {}
    rule = load_policy().rule(request.method, _route_path(request))
    principal: acc.Principal | None = None
    if is_api(request):
        principal = _bearer(request, s)
    else:
        principal = _page_session(request, s, rule)
    st.principal = principal
    user_lang = principal.language if principal else None
    st.lang = pick_language(request.cookies.get(LANG_COOKIE), user_lang, request.headers.get("accept-language"))
    if rule is None:
        raise AccessDenied.coded("web.not_in_policy", where="policy", method=request.method,
                                 path=_route_path(request))
    if rule.kind == "public":
        return
    if principal is None:
        expired = SESSION_COOKIE in request.cookies and not is_api(request)
        raise LoginRequired.coded("web.session_ended" if expired else "web.sign_in_first",
                                  where="Authorization" if is_api(request) else "session",
                                  extra={"expired": expired})
    ws = st.web_session
    if ws is not None and ws.stage != "full" and rule.kind != "partial":
        raise StageRequired.coded("web.second_factor_first", where="session", extra={"stage": ws.stage})
    if not rule.allows(principal.role):
        raise AccessDenied.coded("web.role_may_not", where="role", role=principal.role)


def _bearer(request: Request, s: Session) -> acc.Principal | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    if not header.lower().startswith("bearer "):
        raise Unauthorized.coded("web.bearer_format", where="Authorization")
    return acc.authenticate_bearer(s, header.split(" ", 1)[1].strip(),
                                   configured=request.app.state.settings.api_token)


def _page_session(request: Request, s: Session, rule: Rule | None) -> acc.Principal | None:
    st = request.state
    ws = acc.find_session(s, request.cookies.get(SESSION_COOKIE), touch=False)
    if ws is not None and acc.needs_touch(ws):
        with request.app.state.db.session() as w:  # reads run in a read-only session; this is a small write
            acc.touch_session(w, ws.id)
    if ws is None:
        # Anonymous forms (sign-in, setup) use a double-submit cookie as their CSRF token.
        token = request.cookies.get(CSRF_COOKIE)
        if not token:
            token = secrets.token_urlsafe(32)
            st.set_cookies[CSRF_COOKIE] = token
        st.csrf_token = token
        return None
    st.web_session = ws
    st.stage = ws.stage  # plain copy: error pages render after the database session has closed
    st.csrf_token = ws.csrf_token
    return acc.principal_for(ws.user)


async def csrf_check(request: Request) -> None:
    """Every state-changing page request carries the CSRF token of its session (form field or header)."""
    if is_api(request) or request.method in SAFE_METHODS:
        return
    expected: str = getattr(request.state, "csrf_token", "")
    given = request.headers.get("x-csrf-token")
    if not given:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception:
                form = None
            value: Any = form.get("csrf_token") if form is not None else None
            given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(given, expected):
        raise CsrfFailed.coded("web.csrf_failed", where="csrf_token")


def principal(request: Request) -> acc.Principal:
    """The signed-in person of a route that `authorize` already let through."""
    p = getattr(request.state, "principal", None)
    if p is None:
        raise LoginRequired.coded("web.sign_in_first", where="session")
    return p
