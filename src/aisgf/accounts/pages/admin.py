"""Account administration for admins: create people with a role (and reviewer functions), change a
person's role, disable, re-enable, unlock and reset MFA. The rules are in `accounts.services`; this
only shows forms."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from aisgf.accounts import services as acc
from aisgf.accounts.models import ROLES
from aisgf.errors import AisgfError
from aisgf.web.authz import principal
from aisgf.web.deps import SESSION
from aisgf.web.pagekit import NOTICES, redirect
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)


def _page(request: Request, s: Session, status_code: int = 200, **values: Any) -> Response:
    return render(request, "admin_users.html", status_code=status_code, users=acc.list_users(s), roles=ROLES,
                  functions=acc.reviewer_functions(), notice=NOTICES.get(request.query_params.get("notice", "")),
                  **values)


@router.get("/admin/users")
def users(request: Request, s: Session = SESSION) -> Response:
    return _page(request, s)


class NewUserForm(BaseModel):
    """The admin page's "new account" form (the CSRF token and unknown fields pass by)."""

    model_config = ConfigDict(extra="ignore")

    username: str = Field(default="", max_length=1000)
    password: str = Field(default="", max_length=1000)
    role: str = Field(default="", max_length=1000)
    email: str = Field(default="", max_length=1000)
    display_name: str = Field(default="", max_length=1000)
    language: str = Field(default="", max_length=1000)
    timezone: str = Field(default="", max_length=1000)
    functions: list[str] = Field(default_factory=list, max_length=10)


@router.post("/admin/users")
async def create(request: Request, f: Annotated[NewUserForm, Form()], s: Session = SESSION) -> Response:
    values = f.model_dump(exclude={"functions"})
    functions = f.functions
    by = principal(request)

    def work() -> None:
        acc.create_user(s, username=values["username"], password=values["password"], role=values["role"],
                        functions=functions, email=values["email"] or None, display_name=values["display_name"],
                        language=values["language"] or "zh", timezone=values["timezone"] or "Asia/Shanghai",
                        by=by)

    from starlette.concurrency import run_in_threadpool

    try:
        await run_in_threadpool(work)
    except AisgfError as exc:
        s.rollback()
        values.pop("password")
        err = exc
        return await run_in_threadpool(lambda: _page(request, s, status_code=err.status, error=err, values=values,
                                                     chosen=functions))
    return redirect(request, "/admin/users", notice="user_saved")


def _action(request: Request, s: Session, user_id: int, what: str) -> Response:
    by = principal(request)
    if what == "disable":
        acc.set_disabled(s, user_id, disabled=True, by=by)
    elif what == "enable":
        acc.set_disabled(s, user_id, disabled=False, by=by)
    elif what == "reset-mfa":
        acc.reset_mfa(s, user_id, by=by)
    else:
        acc.unlock(s, user_id, by=by)
    return redirect(request, "/admin/users", notice="user_saved")


@router.post("/admin/users/{user_id}/disable")
def disable(request: Request, user_id: int, s: Session = SESSION) -> Response:
    return _action(request, s, user_id, "disable")


@router.post("/admin/users/{user_id}/enable")
def enable(request: Request, user_id: int, s: Session = SESSION) -> Response:
    return _action(request, s, user_id, "enable")


@router.post("/admin/users/{user_id}/reset-mfa")
def reset_mfa(request: Request, user_id: int, s: Session = SESSION) -> Response:
    return _action(request, s, user_id, "reset-mfa")


@router.post("/admin/users/{user_id}/unlock")
def unlock(request: Request, user_id: int, s: Session = SESSION) -> Response:
    return _action(request, s, user_id, "unlock")


@router.post("/admin/users/{user_id}/role")
async def change_role(request: Request, user_id: int, s: Session = SESSION) -> Response:
    """A new role (and reviewer functions); refused for the last admin, shown on the page with the reason."""
    form = await request.form()
    role = str(form.get("role", ""))[:30]
    functions = [str(f)[:20] for f in form.getlist("functions")][:10]
    by = principal(request)
    me = principal(request).user_id

    def work() -> None:
        acc.set_role(s, user_id, role=role, functions=functions, by=by)

    from starlette.concurrency import run_in_threadpool

    try:
        await run_in_threadpool(work)
    except AisgfError as exc:
        s.rollback()
        err = exc
        return await run_in_threadpool(lambda: _page(request, s, status_code=err.status, error=err))
    # An admin who gave themself another role has just ended their own sessions: sign in again.
    return redirect(request, "/login" if user_id == me else "/admin/users", notice="role_saved")
