"""Changing a person's role: validated, audited, never removes the last admin, and ends that person's
sessions (so a new admin or reviewer enrols a second factor first) while tokens follow the new role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aisgf.accounts import services as acc
from aisgf.accounts.models import WebSession
from aisgf.accounts.principal import system_principal
from aisgf.audit.models import AuditEvent
from aisgf.audit.schemas import AuditEventOut
from aisgf.audit.service import verify_chain
from aisgf.db import Database
from aisgf.errors import Conflict, InvalidInput

GOOD = "Tiered-Governance-2026"


def _user(db: Database, name: str, role: str, functions: list[str] | None = None) -> int:
    with db.session() as s:
        return acc.create_user(s, username=name, password=GOOD, role=role, functions=functions or [],
                               by=system_principal("test")).id


def _live_sessions(db: Database, name: str) -> int:
    with db.session() as s:
        uid = acc.get_user(s, name).id
        return s.scalar(select(func.count(WebSession.id)).where(WebSession.user_id == uid,
                                                                WebSession.revoked_at.is_(None))) or 0


def test_set_role_validates_audits_and_ends_sessions(sqlite_db: Database) -> None:
    db = sqlite_db
    _user(db, "ada", "admin")
    _user(db, "rita", "owner")
    with db.session() as s:
        acc.open_session(s, acc.get_user(s, "rita"))
        token = acc.create_token(s, acc.get_user(s, "rita"), name="ci", by=system_principal("rita"))
    assert _live_sessions(db, "rita") == 1
    with db.session() as s:
        with pytest.raises(InvalidInput, match="at least one function"):
            acc.set_role(s, "rita", role="reviewer", functions=[], by=system_principal("ada"))
        with pytest.raises(InvalidInput, match="unknown reviewer function"):
            acc.set_role(s, "rita", role="reviewer", functions=["cooking"], by=system_principal("ada"))
        with pytest.raises(InvalidInput, match="only reviewers"):
            acc.set_role(s, "rita", role="auditor", functions=["legal"], by=system_principal("ada"))
        with pytest.raises(InvalidInput, match="unknown role"):
            acc.set_role(s, "rita", role="king", by=system_principal("ada"))
    with db.session() as s:
        acc.set_role(s, "rita", role="reviewer", functions=["legal", "business", "legal"], by=system_principal("ada"))
    with db.session() as s:
        rita = acc.get_user(s, "rita")
        assert (rita.role, rita.functions) == ("reviewer", ["business", "legal"])
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
        assert ev is not None and ev.actor == "ada" and ev.entity_id == "rita"
        payload = AuditEventOut.of(ev).payload
        assert payload["from"] == {"role": "owner", "functions": []}
        assert payload["to"] == {"role": "reviewer", "functions": ["business", "legal"]}
        assert payload["sessions_ended"] == 1
        # the token acts with the new role at once; the new reviewer must enrol MFA at next sign-in
        assert acc.authenticate_bearer(s, token).role == "reviewer"
        assert acc.mfa_required(rita) and not rita.totp_enabled
    assert _live_sessions(db, "rita") == 0
    assert verify_chain(db.engine).ok
    with db.session() as s:  # the same role again changes nothing and records nothing
        n = s.scalar(select(func.count(AuditEvent.seq)))
        acc.set_role(s, "rita", role="reviewer", functions=["legal", "business"], by=system_principal("ada"))
        assert s.scalar(select(func.count(AuditEvent.seq))) == n


def test_the_last_admin_keeps_the_role(sqlite_db: Database) -> None:
    db = sqlite_db
    _user(db, "ada", "admin")
    _user(db, "bob", "owner")
    with db.session() as s, pytest.raises(Conflict, match="last active admin"):
        acc.set_role(s, "ada", role="owner", by=system_principal("ada"))
    with db.session() as s:
        acc.set_role(s, "bob", role="admin", by=system_principal("ada"))
    with db.session() as s:
        acc.set_disabled(s, "bob", disabled=True, by=system_principal("ada"))
    with db.session() as s, pytest.raises(Conflict, match="last active admin"):
        acc.set_role(s, "ada", role="governance_lead", by=system_principal("ada"))  # a disabled admin does not count
    with db.session() as s:
        acc.set_disabled(s, "bob", disabled=False, by=system_principal("ada"))
    with db.session() as s:
        acc.set_role(s, "ada", role="governance_lead", by=system_principal("ada"))
    with db.session() as s:
        assert acc.get_user(s, "ada").role == "governance_lead" and acc.admin_exists(s)
