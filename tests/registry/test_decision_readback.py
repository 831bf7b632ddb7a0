"""The intake decision stays typed from engine to storage to page: an assessment's stored JSON reads back
as the engine's `Decision`, and the API gives the stored bytes back unchanged (no migration)."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from aisgf.db import Database
from aisgf.intake.engine import Decision, decide
from aisgf.registry import services as svc
from aisgf.registry.models import Assessment
from aisgf.registry.schemas import AssessmentOut, decision_of
from tests.answers import HIGH, MEDIUM
from tests.people import owner_accounts, who

_owners = owner_accounts("alice")


def test_a_stored_decision_reads_back_as_the_engines_decision(db: Database) -> None:
    fresh = Decision.model_validate(decide(HIGH))
    with db.session() as s:
        system = svc.register_system(s, name="Loan bot", owner="alice", answers=HIGH, by=who(s, "alice"))
        a = svc.current_assessment(system)
        assert a is not None
        stored = dict(a.decision)
        key = system.key
    with db.session() as s:  # a new session: read from the database, not the identity map
        a = svc.current_assessment(svc.get_system(s, key))
        assert a is not None
        back = decision_of(a)
        assert isinstance(back, Decision) and back == fresh
        assert back.obligation_ids == fresh.obligation_ids and back.answers == a.answers
        # The API's stored shape is the stored JSON, key for key and in the same order.
        out = AssessmentOut.of(a).model_dump(mode="json")["decision"]
        assert json.dumps(out, ensure_ascii=False) == json.dumps(stored, ensure_ascii=False)
        assert "answers" not in out


def test_a_decision_stored_before_risks_were_reported_apart_still_reads(db: Database) -> None:
    with db.session() as s:
        key = svc.register_system(s, name="Old", owner="alice", answers=MEDIUM, by=who(s, "alice")).key
    with db.session() as s:
        row = s.scalar(select(Assessment))
        assert row is not None
        old = {k: v for k, v in row.decision.items() if k != "risks"}
        s.execute(update(Assessment).where(Assessment.id == row.id).values(decision=old))
    with db.session() as s:
        a = svc.current_assessment(svc.get_system(s, key))
        assert a is not None and "risks" not in a.decision
        assert decision_of(a).risks == []
        assert svc.required_reviewers(a) == old["reviewers"]
