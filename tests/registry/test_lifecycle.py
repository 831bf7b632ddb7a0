"""Registry lifecycle on SQLite and PostgreSQL: intake → in_review → approved → live, and send-backs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aisgf.audit.models import AuditEvent
from aisgf.audit.service import verify_chain
from aisgf.db import Database
from aisgf.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.models import Evidence
from tests.answers import HIGH, LOW, MEDIUM
from tests.launch import settle_for_launch
from tests.people import owner_accounts, who

_owners = owner_accounts("alice")


def _register(db: Database, answers: dict, name: str = "Credit scoring assistant") -> str:
    with db.session() as s:
        system = svc.register_system(s, name=name, owner="alice", answers=answers, by=who(s, "alice"),
                                     description="scores loan applications")
        return system.key


def _approve_all(db: Database, key: str, *, skip: str | None = None) -> list[str]:
    with db.session() as s:
        required = svc.required_reviewers(svc.current_assessment(svc.get_system(s, key)))
    for fn in required:
        if fn != skip:
            with db.session() as s:
                svc.record_review(s, key, function=fn, decision="approve",
                                  by=who(s, f"{fn}-reviewer", "reviewer", [fn]))
    return required


def _status(db: Database, key: str) -> str:
    with db.session() as s:
        return svc.get_system(s, key).status


def test_high_tier_goes_through_every_review_and_senior_sign_off(db: Database) -> None:
    key = _register(db, HIGH)
    with db.session() as s:
        system = svc.get_system(s, key)
        assert (system.status, system.tier, system.lane) == ("in_review", "high", "slow")
        a = svc.current_assessment(system)
        assert "senior" in svc.required_reviewers(a)
        assert a.ruleset_hash and a.catalog_version.startswith("aisgf-1.0")
        assert {o.catalog_id for o in system.obligations} >= {"6.3.i"}
    required = _approve_all(db, key, skip="senior")
    assert len(required) >= 2
    assert _status(db, key) == "in_review"  # not approved without the senior sign-off
    with db.session() as s:
        svc.record_review(s, key, function="senior", decision="approve", by=who(s, "cfo", "reviewer", ["senior"]))
    assert _status(db, key) == "approved"
    with db.session() as s, pytest.raises(Conflict, match="cannot go live yet"):
        svc.set_status(s, key, "live", by=who(s, "alice"))  # every obligation still open: the gate holds
    with db.session() as s:
        assert settle_for_launch(s, key, who(s, "alice")) > 0
        svc.set_status(s, key, "live", by=who(s, "alice"))
    assert _status(db, key) == "live"
    assert verify_chain(db.engine).ok


def test_send_back_then_reassess_opens_a_new_round(db: Database) -> None:
    key = _register(db, MEDIUM, "Support chatbot")
    with db.session() as s:
        required = svc.required_reviewers(svc.current_assessment(svc.get_system(s, key)))
        svc.record_review(s, key, function=required[0], decision="approve", by=who(s, "r1", "reviewer", [required[0]]))
    with db.session() as s, pytest.raises(InvalidInput):
        svc.record_review(s, key, function=required[-1], decision="send_back",
                          by=who(s, "r2", "reviewer", [required[-1]]), reason=" ")
    with db.session() as s:
        svc.record_review(s, key, function=required[-1], decision="send_back",
                          by=who(s, "r2", "reviewer", [required[-1]]), reason="no data-flow diagram")
    assert _status(db, key) == "changes_requested"
    with db.session() as s, pytest.raises(Conflict):
        svc.record_review(s, key, function=required[0], decision="approve", by=who(s, "r1", "reviewer", [required[0]]))
    with db.session() as s:
        svc.reassess(s, key, MEDIUM, by=who(s, "alice"))
        system = svc.get_system(s, key)
        assert system.status == "in_review"
        # The first approval belonged to the old round and no longer counts.
        assert all(r is None for r in svc.review_state(s, system).values())
    _approve_all(db, key)
    assert _status(db, key) == "approved"


def test_rising_tier_reopens_reviews_and_same_tier_keeps_them(db: Database) -> None:
    key = _register(db, LOW, "Meeting notes summariser")
    _approve_all(db, key)
    assert _status(db, key) == "approved"
    with db.session() as s:
        settle_for_launch(s, key, who(s, "alice"))
        svc.set_status(s, key, "live", by=who(s, "alice"))
        svc.reassess(s, key, LOW, by=who(s, "alice"))
    assert _status(db, key) == "live"  # same answers, same tier: approval stands
    with db.session() as s:
        a = svc.reassess(s, key, HIGH, by=who(s, "alice"))
        assert a.number == 3 and a.review_round_start == 3
    assert _status(db, key) == "in_review"
    with db.session() as s:
        system = svc.get_system(s, key)
        assert len(system.assessments) == 3  # history kept
        assert [x.tier for x in system.assessments] == ["low", "low", "high"]


def test_lower_tier_marks_dropped_obligations_not_applicable(db: Database) -> None:
    key = _register(db, HIGH, "Robo-advisor")
    with db.session() as s:
        before = {o.catalog_id for o in svc.get_system(s, key).obligations}
        svc.reassess(s, key, LOW, by=who(s, "alice"))
        system = svc.get_system(s, key)
        dropped = [o for o in system.obligations if not o.required]
        assert dropped and all(o.status == "not_applicable" for o in dropped)
        assert {o.catalog_id for o in system.obligations} == before | {o.catalog_id for o in system.obligations}


def test_review_for_a_function_the_lane_does_not_require_is_refused(db: Database) -> None:
    key = _register(db, LOW, "Internal translator")
    with db.session() as s:
        required = svc.required_reviewers(svc.current_assessment(svc.get_system(s, key)))
    assert "senior" not in required
    with db.session() as s, pytest.raises(Forbidden):
        svc.record_review(s, key, function="senior", decision="approve", by=who(s, "xavier", "reviewer", ["senior"]))
    with db.session() as s, pytest.raises(InvalidInput):
        svc.record_review(s, key, function="marketing", decision="approve", by=who(s, "xavier", "reviewer", ["senior"]))


def test_live_only_from_approved(db: Database) -> None:
    key = _register(db, LOW, "Draft writer")
    with db.session() as s, pytest.raises(Conflict):
        svc.set_status(s, key, "live", by=who(s, "alice"))
    with db.session() as s, pytest.raises(InvalidInput):
        svc.set_status(s, key, "approved", by=who(s, "alice"))


def test_waiver_needs_reason_and_future_expiry(db: Database) -> None:
    key = _register(db, MEDIUM, "Search ranker")
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
        oid = ob.id
    with db.session() as s, pytest.raises(InvalidInput, match="reason"):
        svc.update_obligation(s, oid, by=who(s, "lead"), status="waived", waiver_expires=svc.today() + timedelta(30))
    with db.session() as s, pytest.raises(InvalidInput, match="expiry"):
        svc.update_obligation(s, oid, by=who(s, "lead"), status="waived", waiver_reason="pilot only")
    with db.session() as s, pytest.raises(InvalidInput, match="future"):
        svc.update_obligation(s, oid, by=who(s, "lead"), status="waived", waiver_reason="pilot",
                              waiver_expires=svc.today())
    with db.session() as s:  # a request: the obligation stays owed until a second person approves it
        ob = svc.update_obligation(s, oid, by=who(s, "lead"), status="waived", waiver_reason="pilot only",
                                   waiver_expires=svc.today() + timedelta(30))
        assert (ob.waived_by, ob.status, ob.waiver_state, ob.waiver_requested_by) == (None, "open", "requested",
                                                                                      "lead")


def test_stale_version_is_a_conflict_and_changes_nothing(db: Database) -> None:
    key = _register(db, LOW, "Code helper")
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
        oid, version = ob.id, ob.version
        svc.update_obligation(s, oid, by=who(s, "anna"), status="in_progress", expected_version=version)
    with db.session() as s, pytest.raises(Conflict):
        svc.update_obligation(s, oid, by=who(s, "ben"), status="met", expected_version=version)
    with db.session() as s:
        assert svc.get_obligation(s, oid).status == "in_progress"


def test_evidence_files_are_content_addressed_and_limits_keep_nothing(db: Database) -> None:
    key = _register(db, HIGH, "Claims triage")
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        e1 = svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=["6.3.i"], stream=io.BytesIO(b"drill log"),
                              filename="drill.txt", max_bytes=1000)
        e2 = svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=[], stream=io.BytesIO(b"drill log"),
                              filename="copy.txt", max_bytes=1000)
        assert e1.sha256 == e2.sha256 and store.exists(e1.sha256)
        store.check(e1.sha256)
    with db.session() as s:
        events_before = s.scalar(select(func.count(AuditEvent.seq)))
        rows_before = s.scalar(select(func.count(Evidence.id)))
    with db.session() as s, pytest.raises(TooLarge):
        svc.add_evidence(s, store, key, by=who(s, "alice"), stream=io.BytesIO(b"x" * 2000), filename="big.log",
                         max_bytes=1000)
    with db.session() as s:
        assert s.scalar(select(func.count(AuditEvent.seq))) == events_before
        assert s.scalar(select(func.count(Evidence.id))) == rows_before
    assert not [p for p in store.root.rglob("*") if p.name.startswith(".incoming-")]
    with db.session() as s, pytest.raises(NotFound):
        svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=["9.9.z"], uri="https://x", max_bytes=10)
    with db.session() as s, pytest.raises(InvalidInput):
        svc.add_evidence(s, store, key, by=who(s, "alice"), uri="not a uri", max_bytes=10)


def test_unknown_system_and_invalid_answers(db: Database) -> None:
    with db.session() as s, pytest.raises(NotFound):
        svc.get_system(s, "nope")
    with db.session() as s, pytest.raises(InvalidInput) as ei:
        svc.register_system(s, name="x", owner="alice", answers={**LOW, "sector": "casino"}, by=who(s, "anna"))
    assert "sector" in str(ei.value)
    with db.session() as s:
        assert svc.list_systems(s)[1] == 0  # nothing half-written
