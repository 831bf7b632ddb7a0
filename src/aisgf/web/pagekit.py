"""What every page module shares: redirects that keep cookies, notices, and errors shown as pages.

Why notices are keys: a redirect after a form post carries `?notice=<key>`, and only known keys are
shown (translated), so nobody can put their own text on an aisgf page through a link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from aisgf.errors import AisgfError
from aisgf.web.labels import N_
from aisgf.web.templating import render

# notice key → English source text (translated through the gettext catalog)
NOTICES: dict[str, str] = {
    "registered": N_("The system is registered and its review has started."),
    "reassessed": N_("The new assessment is stored."),
    "review_saved": N_("Your review is recorded."),
    "status_saved": N_("The status is changed."),
    "live_refused": N_("Not live yet: the items listed under “Going live” are still open."),
    "waiver_requested": N_("The waiver is requested; a governance lead other than you decides it."),
    "waiver_decided": N_("The waiver decision is recorded."),
    "reinstated": N_("The system is reinstated."),
    "retired": N_("The system is retired; a governance lead can reinstate it."),
    "obligation_saved": N_("The obligation is updated."),
    "evidence_saved": N_("The evidence is stored."),
    "chain_recorded": N_("The responsibility-chain check is stored as evidence for 6.2(e)."),
    "chain_recorded_record_only": N_("The responsibility-chain check is stored for the record; it meets no "
                                     "obligation (the chain is not complete, or the system does not owe 6.2(e))."),
    "prefs_saved": N_("Your preferences are saved."),
    "password_saved": N_("Your password is changed."),
    "token_revoked": N_("The API token is revoked."),
    "token_created": N_("The API token is created."),
    "logged_out_everywhere": N_("Every session of yours has ended."),
    "logged_out": N_("You are signed out."),
    "user_saved": N_("The account is saved."),
    "role_saved": N_("The role is changed; that person's sessions have ended and they sign in again."),
    "mfa_enrolled": N_("Two-step sign-in is on."),
}

# Problem types whose page explains itself with a translated sentence
PROBLEM_TEXT: dict[str, str] = {
    "access-denied": N_("Your role does not allow this page or action."),
    "csrf-failed": N_("This form has expired or did not come from this site. Reload the page and try again."),
    "not-found": N_("Not found."),
    "conflict": N_("Someone changed this record since you loaded the page, or the action does not fit its "
                "current state. Reload the page and try again; nothing was saved."),
    "too-large": N_("The file is too large; nothing was saved."),
    "invalid-input": N_("Some input is not valid; nothing was saved."),
    "unsupported-media-type": N_("This kind of file is not accepted; nothing was saved."),
    "forbidden": N_("This is not allowed."),
}


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def with_notice(url: str, notice: str) -> str:
    """`url` with `?notice=` added to its query, before any `#fragment` (after it, the browser would
    keep the notice in the fragment and the server would never see it)."""
    path, hash_, fragment = url.partition("#")
    path += ("&" if "?" in path else "?") + urlencode({"notice": notice})
    return path + hash_ + fragment


def redirect(request: Request, url: str, notice: str | None = None) -> Response:
    if notice:
        url = with_notice(url, notice)
    if request.headers.get("hx-request"):
        resp: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        resp = RedirectResponse(url, status_code=303)
    for name, value in getattr(request.state, "set_cookies", {}).items():
        resp.set_cookie(name, value, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    for name in getattr(request.state, "delete_cookies", ()):
        resp.delete_cookie(name, path="/")
    return resp


def problem_page(request: Request, doc: dict[str, Any], slug: str, headers: dict[str, str],
                 error: AisgfError | None = None) -> Response:
    """An error as a page: sign-in problems redirect to the right step; the rest explain themselves."""
    if slug == "login-required":
        url = "/login?next=" + quote(request.url.path)
        if doc.get("expired"):
            url += "&expired=1"
        return redirect(request, url)
    if slug == "second-factor-required":
        return redirect(request, "/mfa/enroll" if doc.get("stage") == "enroll" else "/login/mfa")
    if not hasattr(request.state, "lang"):
        request.state.lang = "zh"
    status = int(doc["status"])
    template = "partials/problem.html" if request.headers.get("hx-request") else "problem.html"
    return render(request, template, status_code=status, headers=headers, problem=doc, slug=slug,
                  explain=PROBLEM_TEXT.get(slug), error=error)
