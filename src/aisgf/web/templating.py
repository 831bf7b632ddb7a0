"""Jinja2 rendering for the pages: autoescape on, the person's language and time zone, CSRF token.

Why one `render`: every page needs the same context (who is signed in, `_` in their language,
dates in their time zone, the CSRF token for its forms, the language switch), so no page can forget
one of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from aisgf.web.error_text import error_text
from aisgf.web.i18n import translator
from aisgf.web.labels import LABELS

# The kit's own templates (the base layout, problem pages); each concern adds its `templates/`
# folder beside its pages (`add_templates`), so a page's template lives with the page.
_LOADER = FileSystemLoader([Path(__file__).parent / "templates"])

_ENV = Environment(
    loader=_LOADER,
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the package and do not change while the server runs: compile each once
    # instead of checking every template file's modification time on every request.
    auto_reload=False,
)


def localtime(value: Any, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC instant (datetime or ISO text) shown in the person's time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            zone = ZoneInfo(tz)
        except Exception:  # an unknown zone in old data must not break a page
            zone = ZoneInfo("UTC")
        local = value.astimezone(zone)
        return f"{local.strftime(fmt)} {local.tzname() or ''}".strip()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def add_templates(folder: Path) -> None:
    """Let pages render the templates of a concern's `templates/` folder (names are shared: keep them distinct)."""
    path = str(folder)
    if path not in _LOADER.searchpath:
        _LOADER.searchpath.append(path)


def context_for(request: Request) -> dict[str, Any]:
    st = request.state
    lang: str = getattr(st, "lang", "zh")
    tr = translator(lang)
    principal = getattr(st, "principal", None)
    tz = principal.timezone if principal is not None else "Asia/Shanghai"
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {
        "request": request,
        "lang": lang,
        "_": tr,
        "label": lambda code: tr(LABELS.get(str(code), str(code))) if code is not None else "",
        "error_text": lambda exc: error_text(exc, lang),
        "me": principal,
        "csrf_token": getattr(st, "csrf_token", ""),
        "oidc_enabled": bool(getattr(getattr(request.app.state, "oidc", None), "enabled", False)),
        "tz": tz,
        "here": quote(path, safe="/?=&"),
        "localtime": lambda v, fmt="%Y-%m-%d %H:%M": localtime(v, tz, fmt),
    }


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **values: Any) -> HTMLResponse:
    ctx = context_for(request)
    ctx.update(values)
    html = _ENV.get_template(template).render(ctx)
    resp = HTMLResponse(html, status_code=status_code, headers=headers)
    for name, value in getattr(request.state, "set_cookies", {}).items():
        resp.set_cookie(name, value, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/")
    resp.headers.setdefault("Cache-Control", "no-store")
    return resp
