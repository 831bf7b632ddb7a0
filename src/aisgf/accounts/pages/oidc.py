"""Sign-in through the organisation's OpenID Connect provider: leave for the provider, come back.

The protocol and the account rules live in `aisgf.accounts.oidc`; this only moves the browser and
sets cookies. Coming back opens a session exactly like a password sign-in does, so the second-factor
step (and enrolment) for admins, governance leads and reviewers follows as usual.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aisgf.accounts import oidc
from aisgf.accounts import services as acc
from aisgf.accounts.models import WebSession
from aisgf.web.authz import SESSION_COOKIE
from aisgf.web.error_text import error_text
from aisgf.web.labels import N_
from aisgf.web.pagekit import redirect, safe_next
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)

PENDING_COOKIE = "aisgf_oidc"
FAILED = N_("Sign-in through your organisation's identity provider did not work: %(why)s")


def _settings(request: Request) -> oidc.OidcSettings:
    return request.app.state.oidc  # type: ignore[no-any-return]


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _failed(request: Request, exc: oidc.OidcError) -> Response:
    resp = render(request, "login.html", status_code=401, next="/", error=FAILED,
                  error_values={"why": error_text(exc, request.state.lang)},
                  oidc_enabled=True)
    resp.delete_cookie(PENDING_COOKIE, path="/")
    return resp


@router.get("/login/oidc")
async def oidc_start(request: Request, next: str = "/") -> Response:
    provider = oidc.provider(_settings(request))
    try:
        url, pending = await run_in_threadpool(provider.start, _redirect_uri(request), safe_next(next))
    except oidc.OidcError as exc:
        return _failed(request, exc)
    resp = RedirectResponse(url, status_code=303)
    # Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
    resp.set_cookie(PENDING_COOKIE, pending.dump(), max_age=600, httponly=True, samesite="lax",
                    secure=request.url.scheme == "https", path="/")
    return resp


@router.get("/login/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    settings = _settings(request)
    provider = oidc.provider(settings)
    old = request.state.web_session
    old_id = old.id if old is not None else None

    def work() -> tuple[str, str, str]:
        if error:
            raise oidc.OidcError.coded("oidc.refused", where="error", error=error[:100])
        pending = oidc.PendingLogin.load(request.cookies.get(PENDING_COOKIE))
        claims = provider.finish(code=code, state=state, pending=pending, redirect_uri=_redirect_uri(request))
        # GET requests read through a read-only session; signing in writes, so it gets its own unit of work.
        with request.app.state.db.session() as w:
            user = oidc.account_for(w, settings, claims)
            if old_id is not None:
                prev = w.get(WebSession, old_id)
                if prev is not None:
                    acc.end_session(w, prev)  # never carry a session across a sign-in
            token, ws = acc.open_session(w, user)
            return token, ws.stage, pending.next_url

    try:
        token, stage, next_url = await run_in_threadpool(work)
    except oidc.OidcError as exc:
        return _failed(request, exc)
    request.state.set_cookies[SESSION_COOKIE] = token
    request.state.delete_cookies = (PENDING_COOKIE,)
    return redirect(request, {"mfa": "/login/mfa", "enroll": "/mfa/enroll"}.get(stage, safe_next(next_url)))
