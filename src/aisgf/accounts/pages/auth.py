"""Sign-in pages: password, second factor, MFA enrolment, first-admin setup, language, account.

Why each step issues a new session: the cookie a browser arrives with is never promoted (no
session fixation); a session that passed the password only reaches the MFA pages, and only a new
session issued after the second factor reaches the rest (see `authorize`).
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from aisgf.accounts import services as acc
from aisgf.accounts.models import LANGUAGES, User, WebSession
from aisgf.accounts.principal import system_principal
from aisgf.errors import AisgfError, NotFound, Unauthorized, register_messages
from aisgf.web.authz import LANG_COOKIE, SESSION_COOKIE, principal
from aisgf.web.deps import SESSION
from aisgf.web.error_text import error_text
from aisgf.web.labels import N_
from aisgf.web.pagekit import NOTICES, redirect, safe_next
from aisgf.web.templating import add_templates, localtime, render

MESSAGES = register_messages({
    "web.sign_in_first": "sign in first",
    "web.setup_link_invalid": "this setup link is not valid (used already, or the server restarted)",
    "web.setup_admin_exists": "an admin exists already; this setup link is no longer valid",
    "web.no_language": "no language {value!r}; accepted: {accepted}",
})

add_templates(Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)

TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo", "Europe/London",
             "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC")


def _set_session_cookie(request: Request, token: str) -> None:
    request.state.set_cookies[SESSION_COOKIE] = token


def _web_session(request: Request) -> WebSession:
    ws = getattr(request.state, "web_session", None)
    if ws is None:
        raise Unauthorized.coded("web.sign_in_first", where="session")
    return ws


def _after_stage(ws: WebSession, next_url: str) -> str:
    return {"mfa": "/login/mfa", "enroll": "/mfa/enroll"}.get(ws.stage, next_url)


def _login_error(exc: AisgfError, timezone: str = "Asia/Shanghai") -> tuple[str, dict[str, str]]:
    """What the sign-in pages say; a lock (told only at the second step) is timed in the person's zone."""
    if isinstance(exc, acc.LockedOut):
        return N_("Too many failed attempts; this account is locked until %(until)s."), {
            "until": localtime(exc.extra.get("locked_until"), timezone, "%Y-%m-%d %H:%M:%S")}
    if exc.code == "accounts.disabled":
        return N_("This account is disabled; ask an administrator."), {}
    return N_("Wrong username or password. After several failed attempts sign-in pauses for a while "
              "(from 30 seconds, up to an hour); wait, then try again."), {}


@router.get("/login")
def login_form(request: Request, next: str = "/", expired: bool = False) -> Response:
    ws = request.state.web_session
    if ws is not None:
        return redirect(request, _after_stage(ws, safe_next(next)))
    return render(request, "login.html", next=safe_next(next), expired=expired,
                  notice=NOTICES.get(request.query_params.get("notice", "")))


@router.post("/login")
def login(request: Request, username: str = Form(max_length=200), password: str = Form(max_length=1000),
          next: str = Form(default="/", max_length=2000), s: Session = SESSION) -> Response:
    old = request.state.web_session
    try:
        user = acc.check_password(s, username, password)
    except Unauthorized as exc:
        msg, values = _login_error(exc)
        return render(request, "login.html", status_code=401, next=safe_next(next), error=msg, error_values=values,
                      username=username)
    if old is not None:
        acc.end_session(s, old)  # never carry a session across a sign-in
    token, ws = acc.open_session(s, user)
    _set_session_cookie(request, token)
    return redirect(request, _after_stage(ws, safe_next(next)))


@router.get("/login/mfa")
def mfa_form(request: Request, next: str = "/") -> Response:
    ws = _web_session(request)
    if ws.stage != "mfa":
        return redirect(request, _after_stage(ws, safe_next(next)))
    return render(request, "mfa.html", next=safe_next(next))


@router.post("/login/mfa")
def mfa(request: Request, code: str = Form(max_length=40), next: str = Form(default="/", max_length=2000),
        s: Session = SESSION) -> Response:
    ws = _web_session(request)
    if ws.stage != "mfa":
        return redirect(request, _after_stage(ws, safe_next(next)))
    try:
        acc.check_second_factor(s, ws.user, code)
    except Unauthorized as exc:
        msg = (_login_error(exc, ws.user.timezone) if isinstance(exc, acc.LockedOut)
               else (N_("The code is not right."), {}))
        return render(request, "mfa.html", status_code=401, next=safe_next(next), error=msg[0], error_values=msg[1])
    token, new = acc.rotate_session(s, ws)
    _set_session_cookie(request, token)
    return redirect(request, _after_stage(new, safe_next(next)))


def _qr_svg(uri: str) -> Markup:
    # segno writes only its own SVG elements; the URI is encoded as modules, not as text.
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return Markup(svg)


@router.get("/mfa/enroll")
def enroll_form(request: Request) -> Response:
    ws = _web_session(request)
    user: User = ws.user
    if ws.stage == "mfa":
        return redirect(request, "/login/mfa")
    if user.totp_enabled:
        return render(request, "enroll.html", enabled=True)
    with request.app.state.db.session() as w:  # a GET's own session is read-only
        fresh = acc.get_user(w, user.id)
        uri = acc.start_totp_enrolment(w, fresh)
        secret = fresh.totp_secret
    return render(request, "enroll.html", enabled=False, qr=_qr_svg(uri), secret=secret,
                  required=ws.stage == "enroll")


@router.post("/mfa/enroll")
def enroll(request: Request, code: str = Form(max_length=40), s: Session = SESSION) -> Response:
    ws = _web_session(request)
    user: User = ws.user
    if ws.stage == "mfa" or user.totp_enabled:
        return redirect(request, "/login/mfa" if ws.stage == "mfa" else "/account")
    try:
        codes = acc.confirm_totp_enrolment(s, user, code)
    except AisgfError:
        uri = acc.start_totp_enrolment(s, user)
        return render(request, "enroll.html", status_code=422, enabled=False, qr=_qr_svg(uri),
                      secret=user.totp_secret, required=ws.stage == "enroll",
                      error=N_("The code is not right; check the time on your phone and try again."))
    token, _new = acc.rotate_session(s, ws)
    _set_session_cookie(request, token)
    return render(request, "recovery_codes.html", codes=codes)


@router.post("/logout")
def logout(request: Request, s: Session = SESSION) -> Response:
    ws = request.state.web_session
    if ws is not None:
        acc.end_session(s, ws)
    request.state.delete_cookies = [SESSION_COOKIE]
    return redirect(request, "/login", notice="logged_out")


# --------------------------------------------------------------------------- first admin


def _check_setup_token(request: Request, token: str) -> None:
    expected = getattr(request.app.state, "setup_token", None)
    if not expected or not hmac.compare_digest(token, expected):
        raise NotFound.coded("web.setup_link_invalid", where="setup")


@router.get("/setup/{token}")
def setup_form(request: Request, token: str) -> Response:
    _check_setup_token(request, token)
    return render(request, "setup.html", token=token)


@router.post("/setup/{token}")
def setup(request: Request, token: str, username: str = Form(max_length=100),
          password: str = Form(max_length=1000), password2: str = Form(max_length=1000),
          s: Session = SESSION) -> Response:
    _check_setup_token(request, token)
    if acc.admin_exists(s):
        request.app.state.setup_token = None
        raise NotFound.coded("web.setup_admin_exists", where="setup")
    if password != password2:
        return render(request, "setup.html", status_code=422, token=token, username=username,
                      error=N_("The two passwords differ."))
    try:
        user = acc.create_user(s, username=username, password=password, role="admin",
                               by=system_principal(f"setup:{username}"), language=request.state.lang)
    except AisgfError as exc:
        s.rollback()
        return render(request, "setup.html", status_code=exc.status, token=token, username=username,
                      error_raw=error_text(exc, request.state.lang))
    session_token, _ws = acc.open_session(s, user)
    request.app.state.setup_token = None
    _set_session_cookie(request, session_token)
    return redirect(request, "/mfa/enroll")


# --------------------------------------------------------------------------- language and account


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    if code not in LANGUAGES:
        raise NotFound.coded("web.no_language", where="lang", value=code, accepted=list(LANGUAGES))
    request.state.set_cookies[LANG_COOKIE] = code
    ws = request.state.web_session
    if ws is not None:
        with request.app.state.db.session() as w:  # a GET's own session is read-only
            acc.update_preferences(w, acc.get_user(w, ws.user_id), language=code)
    return redirect(request, safe_next(next))


def _account_page(request: Request, s: Session, status_code: int = 200, **values: Any) -> Response:
    ws = _web_session(request)
    return render(request, "account.html", status_code=status_code, user=ws.user,
                  tokens=acc.list_tokens(s, ws.user), timezones=TIMEZONES,
                  notice=NOTICES.get(request.query_params.get("notice", "")), **values)


# A new API token is shown once, on the page the creating POST redirects to (POST-redirect-GET: a reload
# makes no second token). Only its hash is stored, so the plain token travels to that one GET in a
# short-lived cookie scoped to /account, which that GET deletes; it is shown only to the token's owner.
NEW_TOKEN_COOKIE = "aisgf_new_token"
NEW_TOKEN_SECONDS = 120


def _flashed_token(request: Request, s: Session, user: User) -> str | None:
    token = request.cookies.get(NEW_TOKEN_COOKIE)
    if not token:
        return None
    try:
        row = acc.token_row(s, token)
    except NotFound:
        return None
    mine = {t.id for t in acc.list_tokens(s, user) if t.revoked_at is None}
    return token if row.id in mine else None


@router.get("/account")
def account(request: Request, s: Session = SESSION) -> Response:
    ws = _web_session(request)
    resp = _account_page(request, s, new_token=_flashed_token(request, s, ws.user))
    if NEW_TOKEN_COOKIE in request.cookies:
        resp.delete_cookie(NEW_TOKEN_COOKIE, path="/account")
    return resp


@router.post("/account/preferences")
def preferences(request: Request, language: str = Form(max_length=5), timezone: str = Form(max_length=64),
                s: Session = SESSION) -> Response:
    ws = _web_session(request)
    acc.update_preferences(s, ws.user, language=language, timezone=timezone)
    request.state.set_cookies[LANG_COOKIE] = language
    return redirect(request, "/account", notice="prefs_saved")


@router.post("/account/password")
def password(request: Request, current_password: str = Form(max_length=1000), new_password: str = Form(max_length=1000),
             s: Session = SESSION) -> Response:
    ws = _web_session(request)
    try:
        acc.change_password(s, ws.user, current=current_password, new=new_password, by=principal(request))
    except AisgfError as exc:
        s.rollback()
        return _account_page(request, s, status_code=exc.status, error_raw=error_text(exc, request.state.lang))
    return redirect(request, "/account", notice="password_saved")


@router.post("/account/tokens")
def new_token(request: Request, name: str = Form(max_length=60), s: Session = SESSION) -> Response:
    ws = _web_session(request)
    token = acc.create_token(s, ws.user, name=name, by=principal(request))
    resp = redirect(request, "/account", notice="token_created")
    resp.set_cookie(NEW_TOKEN_COOKIE, token, max_age=NEW_TOKEN_SECONDS, path="/account", httponly=True,
                    samesite="strict", secure=request.url.scheme == "https")
    return resp


@router.post("/account/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, s: Session = SESSION) -> Response:
    ws = _web_session(request)
    acc.revoke_token(s, ws.user, token_id, by=principal(request))
    return redirect(request, "/account", notice="token_revoked")


@router.post("/account/logout-everywhere")
def logout_everywhere(request: Request, s: Session = SESSION) -> Response:
    ws = _web_session(request)
    acc.logout_everywhere(s, ws.user, by=principal(request))
    request.state.delete_cookies = [SESSION_COOKIE]
    return redirect(request, "/login", notice="logged_out_everywhere")
