"""Owner accounts for tests that register systems: a system's owner is an account, not a name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from aisgf.accounts import services as acc
from aisgf.accounts.models import User
from aisgf.accounts.principal import system_principal
from aisgf.db import Database

PASSWORD = "Tiered-Governance-2026"
DATABASE_FIXTURES = ("db", "sqlite_db", "pg_db", "cli_registry", "web")


def add_owners(db: Database, *names: str, email: dict[str, str] | None = None) -> None:
    """Create an `owner` account per name (skipping names that already have one)."""
    with db.session() as s:
        for name in names:
            if s.scalar(select(User.id).where(User.username == name)) is None:
                acc.create_user(s, username=name, password=PASSWORD, role="owner", by=system_principal("test"),
                                email=(email or {}).get(name), language="en")


def add_person(db: Database, name: str, role: str, functions: list[str] | None = None) -> None:
    """Create one account with a role (and reviewer functions), for tests that act as it."""
    with db.session() as s:
        acc.create_user(s, username=name, password=PASSWORD, role=role, functions=functions or [],
                        by=system_principal("test"), language="en")


def owner_accounts(*names: str, email: dict[str, str] | None = None, leads: tuple[str, ...] = ()) -> Callable[..., Any]:
    """An autouse fixture for a test module: the owners its tests name (and governance leads, who act on
    anyone's system) exist in whichever database they use."""

    @pytest.fixture(autouse=True)
    def _owner_accounts(request: pytest.FixtureRequest) -> None:
        for fixture in DATABASE_FIXTURES:
            if fixture in request.fixturenames:
                value = request.getfixturevalue(fixture)
                db = value[1] if isinstance(value, tuple) else value
                add_owners(db, *names, email=email)
                for lead in leads:
                    add_person(db, lead, "governance_lead")
                return

    return _owner_accounts


def who(session: Any, name: str, role: str = "governance_lead", functions: list[str] | None = None) -> Any:
    """The principal of the account `name` (created in `session` with `role` when it does not exist yet).

    Services take the acting principal: tests name who acts, and the account exists as it would for a
    person (a reviewer gains the functions a test has them review for).
    """
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        user = acc.create_user(session, username=name, password=PASSWORD, role=role, functions=functions or [],
                               by=system_principal("test"), language="en")
    elif role == "reviewer" and user.role == "reviewer" and not set(functions or []) <= set(user.functions or []):
        acc.set_role(session, user.id, role="reviewer", functions=[*user.functions, *(functions or [])],
                     by=system_principal("test"))
    return acc.principal_for(user)
