"""`aisgf user …`: create, list, disable and reset accounts from the server's shell.

Why a CLI at all: the first admin must be creatable without a browser (and without any default
password); the password is read from a prompt or `AISGF_NEW_PASSWORD`, never from an argument that
would end up in shell history.
"""

from __future__ import annotations

import os
from typing import Any

import typer
from rich.table import Table

from aisgf.accounts import services as acc
from aisgf.accounts.principal import SYSTEM, Principal
from aisgf.cliutil import AS, acting, console, db, print_json

user_app = typer.Typer(help="People who sign in to the web application, and their roles.", no_args_is_help=True)


def _admin(s: Any, actor: str | None) -> Principal:
    """The account a command acts as, which must be allowed to manage accounts (an admin)."""
    p = acting(s, actor)
    acc.require(p, "accounts.manage")
    return p


def _self_or_admin(s: Any, actor: str | None, user: str) -> Principal:
    """A person manages their own tokens; an admin manages anyone's."""
    p = acting(s, actor)
    if p.username != acc.normal_name(user):
        acc.require(p, "accounts.manage")
    return p


def _password() -> str:
    env = os.environ.get("AISGF_NEW_PASSWORD")
    if env:
        return env
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def user_create(
    username: str,
    admin: bool = typer.Option(False, "--admin", help="Shorthand for --role admin"),
    role: str = typer.Option("owner", help="admin, governance_lead, owner, reviewer, auditor"),
    function: list[str] = typer.Option([], "--function", "-f", help="Reviewer function (repeat): business, data, "
                                       "legal, infosec, senior"),
    email: str | None = typer.Option(None),
    name: str = typer.Option("", "--name", help="Display name"),
    language: str = typer.Option("zh", help="zh or en"),
    timezone: str = typer.Option("Asia/Shanghai", help="IANA time zone for dates on the pages"),
    actor: str | None = AS,
) -> None:
    """Create an account (password from the prompt or AISGF_NEW_PASSWORD); admins, governance leads and
    reviewers enrol MFA at first sign-in."""
    password = _password()
    from aisgf.cliutil import bootstrap_db

    # The first admin is a bootstrap step: on an empty database it creates the schema.
    database = bootstrap_db() if admin or role == "admin" else db()
    with database.session() as s:
        # The first admin is created by the platform itself (no account exists to act as yet).
        p: Principal = SYSTEM if (admin or role == "admin") and not acc.admin_exists(s) else _admin(s, actor)
        user = acc.create_user(s, username=username, password=password, role="admin" if admin else role,
                               functions=list(function), email=email, display_name=name, language=language,
                               timezone=timezone, by=p)
        console.print(f"created {user.role} {user.username!r}"
                      + (f" ({', '.join(user.functions)})" if user.functions else "")
                      + ("; MFA enrolment at first sign-in" if acc.mfa_required(user) else ""))


@user_app.command("list")
def user_list(as_json: bool = typer.Option(False, "--json"), actor: str | None = AS) -> None:
    """Every account with its role, functions, MFA and lock state."""
    with db().session() as s:
        _admin(s, actor)
        rows: list[dict[str, Any]] = [{"id": u.id, "username": u.username, "role": u.role, "functions": u.functions,
                 "mfa": u.totp_enabled, "disabled": u.disabled_at is not None,
                 "locked_until": u.locked_until.isoformat() if u.locked_until else None} for u in acc.list_users(s)]
    if as_json:
        print_json(rows)
        return
    t = Table()
    for c in ("id", "username", "role", "functions", "mfa", "disabled"):
        t.add_column(c)
    for r in rows:
        t.add_row(str(r["id"]), r["username"], r["role"], ",".join(r["functions"]), "yes" if r["mfa"] else "no",
                  "yes" if r["disabled"] else "")
    console.print(t)


@user_app.command("disable")
def user_disable(username: str, enable: bool = typer.Option(False, "--enable", help="Re-enable instead"),
                 actor: str | None = AS) -> None:
    """Disable an account: its sessions end and its API tokens stop working."""
    with db().session() as s:
        acc.set_disabled(s, username, disabled=not enable, by=_admin(s, actor))
    console.print(f"{'enabled' if enable else 'disabled'} {username!r}")


@user_app.command("reset-mfa")
def user_reset_mfa(username: str, actor: str | None = AS) -> None:
    """Remove someone's second factor and lockout (lost phone); they enrol again at next sign-in."""
    with db().session() as s:
        acc.reset_mfa(s, username, by=_admin(s, actor))
    console.print(f"MFA reset for {username!r}; they enrol again at next sign-in")


token_app = typer.Typer(help="Personal API tokens (they act with their owner's role).", no_args_is_help=True)


@token_app.command("create")
def token_create(
    name: str,
    user: str = typer.Option(..., "--user", "-u", help="Whose token: it acts as this person, with their role"),
    actor: str | None = AS,
) -> None:
    """Create a personal API token; it is shown once and only its hash is stored."""
    with db().session() as s:
        tok = acc.create_token(s, acc.get_user(s, user), name=name, by=_self_or_admin(s, actor, user))
    console.print(f"API token {user}/{name} (shown once): {tok}")


@token_app.command("list")
def token_list(user: str = typer.Option(..., "--user", "-u"), actor: str | None = AS) -> None:
    with db().session() as s:
        _self_or_admin(s, actor, user)
        rows = acc.list_tokens(s, acc.get_user(s, user))
        t = Table(title=f"API tokens of {user}")
        for c in ("id", "name", "created", "revoked"):
            t.add_column(c)
        for r in rows:
            t.add_row(str(r.id), r.name, r.created_at.isoformat()[:19],
                      r.revoked_at.isoformat()[:19] if r.revoked_at else "")
    console.print(t)


@token_app.command("revoke")
def token_revoke(token_id: int, user: str = typer.Option(..., "--user", "-u"),
                 actor: str | None = AS) -> None:
    with db().session() as s:
        acc.revoke_token(s, acc.get_user(s, user), token_id, by=_self_or_admin(s, actor, user))
    console.print(f"revoked token {token_id} of {user}")


def register(root: typer.Typer) -> None:
    root.add_typer(user_app, name="user")
    root.add_typer(token_app, name="token")
