"""Test helpers for the web application: people with roles (and MFA), signed-in test clients."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.models import User
from aisgf.accounts.principal import system_principal
from aisgf.db import Database

PASSWORD = "Tiered-Governance-2026"
EN = {"Accept-Language": "en"}  # anonymous pages default to 中文
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

# username → (role, functions)
PEOPLE: dict[str, tuple[str, list[str]]] = {
    "ada": ("admin", []),
    "gina": ("governance_lead", []),
    "olivia": ("owner", []),
    "oscar": ("owner", []),
    "rita": ("reviewer", ["business", "data", "legal", "infosec"]),
    "sam": ("reviewer", ["senior"]),
    "bo": ("reviewer", ["business"]),
    "audrey": ("auditor", []),
}


def make_user(db: Database, username: str, role: str, functions: list[str] | None = None,
              *, mfa: bool | None = None) -> None:
    """Create a person; admins, governance leads and reviewers (and anyone with mfa=True) get a TOTP second factor."""
    with db.session() as s:
        user = acc.create_user(s, username=username, password=PASSWORD, role=role, functions=functions or [],
                               by=system_principal("test"), language="en", timezone="Asia/Shanghai")
        if mfa or (mfa is None and acc.mfa_required(user)):
            acc.start_totp_enrolment(s, user)
            acc.confirm_totp_enrolment(s, user, pyotp.TOTP(user.totp_secret).now())


def make_people(db: Database) -> None:
    for name, (role, fns) in PEOPLE.items():
        make_user(db, name, role, fns)


def fresh_code(db: Database, username: str) -> str:
    """A TOTP code the server accepts now (the test forgets the last used step, like 30 s passing)."""
    from sqlalchemy import select

    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None and user.totp_secret
        user.totp_last_step = None
        return pyotp.TOTP(user.totp_secret).now()


def csrf_of(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


class Person:
    """A TestClient signed in as one person through the real forms (password, then the code)."""

    def __init__(self, app: Any, db: Database, username: str):
        self.db, self.username = db, username
        self.c = TestClient(app, follow_redirects=False, headers=EN)
        self.csrf = ""

    def login(self) -> Person:
        self.c.cookies.clear()
        r = self.c.get("/login")
        r = self.c.post("/login", data={"username": self.username, "password": PASSWORD, "csrf_token": csrf_of(r.text)})
        assert r.status_code == 303, r.text
        if r.headers["location"].startswith("/login/mfa"):
            page = self.c.get("/login/mfa")
            r = self.c.post("/login/mfa", data={"code": fresh_code(self.db, self.username),
                                                "csrf_token": csrf_of(page.text)})
            assert r.status_code == 303, r.text
        self.refresh_csrf()
        return self

    def refresh_csrf(self) -> str:
        self.csrf = csrf_of(self.c.get("/account").text)
        return self.csrf

    def get(self, url: str, **kw: Any) -> Any:
        return self.c.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.c.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)


def intake_form(answers: dict[str, Any], name: str, **extra: str) -> dict[str, Any]:
    """Answers as the intake wizard posts them."""
    form: dict[str, Any] = {"name": name, **extra}
    for k, v in answers.items():
        if isinstance(v, bool):
            form[f"q_{k}"] = "true" if v else "false"
        elif isinstance(v, list):
            form[f"q_{k}"] = v
            form[f"q_{k}__present"] = "1"
        else:
            form[f"q_{k}"] = v
    return form
