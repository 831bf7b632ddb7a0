"""The governance gates on a real SQLite and PostgreSQL: go-live, waivers, retirement, re-review."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from aisgf.audit.models import AuditEvent
from aisgf.db import Database
from aisgf.errors import Conflict, Forbidden, InvalidInput
from aisgf.registry import gates
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.workdays import add_working_days, due_after, is_workday
from tests.answers import HIGH, LOW
from tests.launch import settle_for_launch
from tests.people import owner_accounts, who

_owners = owner_accounts("alice")

#: A public chatbot on a fine-tuned model with a recommendation feed of public-opinion attribute: its
#: algorithm filing (algorec Art. 24) falls due 10 working days after launch.
RECOMMENDER: dict[str, Any] = {
    **LOW, "public_facing": True, "recommendation": True, "public_opinion": True, "user_scale": "over_1m",
    "personal_information": "personal", "org_roles": ["provider"],
}


def _approved(db: Database, answers: dict[str, Any], name: str) -> str:
    with db.session() as s:
        key = svc.register_system(s, name=name, owner="alice", answers=answers, by=who(s, "alice")).key
    with db.session() as s:
        system = svc.get_system(s, key)
        for fn in svc.required_reviewers(svc.current_assessment(system)):
            svc.record_review(s, key, function=fn, decision="approve", by=who(s, f"r-{fn}", "reviewer", [fn]))
        assert svc.get_system(s, key).status == "approved"
    return key


def _events(s: Any, action: str) -> list[dict[str, Any]]:
    return [json.loads(e.payload) for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_working_days_follow_the_official_calendar() -> None:
    assert is_workday(date(2026, 10, 1)) is False  # National Day
    assert is_workday(date(2026, 12, 3)) is True
    # Ten working days from 30 September 2026 skip the National Day holiday: not ten weekdays later.
    due, provisional = add_working_days(date(2026, 9, 30), 10)
    weekdays, counted = date(2026, 9, 30), 0
    while counted < 10:
        weekdays += timedelta(days=1)
        counted += weekdays.weekday() < 5
    assert due > weekdays and not provisional
    # A year the calendar does not know yet is counted on weekdays and said to be provisional.
    later, provisional = add_working_days(date(2026, 12, 28), 10)
    assert later.year == 2027 and provisional
    assert due_after(date(2026, 1, 31), 1, "months") == (date(2026, 2, 28), False)


def test_a_system_goes_live_only_when_everything_before_launch_is_settled(db: Database) -> None:
    key = _approved(db, HIGH, "Loan bot")
    with db.session() as s, pytest.raises(Conflict) as err:
        gates.go_live(s, key, by=who(s, "alice"))
    assert "cannot go live yet" in err.value.message and err.value.extra["open"]
    reasons = {g["reason"] for g in err.value.extra["open"]}
    assert reasons == {"open"}
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
        with pytest.raises(InvalidInput, match="evidence"):  # met needs evidence or a named sign-off
            svc.update_obligation(s, ob.id, by=who(s, "alice"), status="met")
        with pytest.raises(InvalidInput, match="reason"):  # not applicable needs a reason
            svc.update_obligation(s, ob.id, by=who(s, "alice"), status="not_applicable")
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        obs = svc.get_system(s, key).obligations
        svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=[obs[0].id], stream=io.BytesIO(b"plan"),
                         filename="plan.txt", max_bytes=100)
        svc.update_obligation(s, obs[0].id, by=who(s, "alice"), status="met")  # with evidence
        svc.update_obligation(s, obs[1].id, by=who(s, "alice"), status="not_applicable", note="no such data")
        assert svc.get_obligation(s, obs[0].id).signed_off_by is None
        open_now = len(gates.launch_gaps(s, svc.get_system(s, key)))
        settle_for_launch(s, key, who(s, "alice"))
        assert gates.launch_gaps(s, svc.get_system(s, key)) == []
        assert open_now > 0
    with db.session() as s:
        system = gates.go_live(s, key, by=who(s, "alice"))
        assert system.status == "live" and system.live_since == svc.today() and system.go_live_override is None


def test_a_governance_lead_overrides_with_a_reason_and_it_is_recorded(db: Database) -> None:
    key = _approved(db, HIGH, "Loan bot")
    with db.session() as s, pytest.raises(Forbidden):
        gates.go_live(s, key, by=who(s, "alice"), override_reason="I own it")  # an owner may not override
    with db.session() as s, pytest.raises(InvalidInput, match="reason"):
        gates.go_live(s, key, by=who(s, "lead"), override_reason="  ")
    with db.session() as s:
        system = gates.go_live(s, key, by=who(s, "lead"), override_reason="two-week pilot")
        assert system.status == "live" and system.go_live_override["by"] == "lead"
        assert system.go_live_override["reason"] == "two-week pilot" and system.go_live_override["open"]
        [event] = _events(s, "system.go_live_overridden")
        assert event["reason"] == "two-week pilot" and len(event["open"]) == len(system.go_live_override["open"])
        assert gates.gate_counts(s)["overrides"] == 1 and gates.gate_counts(s)["open_on_live"] > 0


def test_obligations_due_after_launch_get_their_due_date_at_launch(db: Database) -> None:
    key = _approved(db, RECOMMENDER, "News feed")
    with db.session() as s:
        system = svc.get_system(s, key)
        filing = svc.find_obligation(s, system, "cn-impl-1.0:algorec.24")
        assert (filing.phase, filing.due_amount, filing.due_unit, filing.due_date) == (
            "after_launch", 10, "working_days", None)
        incident = svc.find_obligation(s, system, "cn-impl-1.0:incident.4.4")
        assert incident.phase == "ongoing"
        assert "cn-impl-1.0:algorec.24" not in [g.ref for g in gates.launch_gaps(s, system)]  # not a launch gate
        settle_for_launch(s, key, who(s, "alice"))
        gates.go_live(s, key, by=who(s, "alice"), day=date(2026, 9, 30))
        filing = svc.find_obligation(s, svc.get_system(s, key), "cn-impl-1.0:algorec.24")
        assert (filing.due_date, filing.due_provisional) == add_working_days(date(2026, 9, 30), 10)
        assert filing.overdue_on(date(2026, 11, 1)) and not filing.overdue_on(filing.due_date)
        [dated] = _events(s, "obligations.dated_at_launch")
        assert {"obligation": "cn-impl-1.0:algorec.24", "due": filing.due_date.isoformat(),
                "provisional": False} in dated["due"]


def test_a_waiver_needs_a_second_person_and_a_bounded_expiry(db: Database) -> None:
    key = _approved(db, HIGH, "Loan bot")
    with db.session() as s:
        oid = svc.get_system(s, key).obligations[0].id
        with pytest.raises(InvalidInput, match="at most 12 months"):
            gates.request_waiver(s, oid, by=who(s, "alice"), reason="pilot", expires=svc.today() + timedelta(400))
        ob = gates.request_waiver(s, oid, by=who(s, "alice"), reason="pilot", expires=svc.today() + timedelta(90))
        assert (ob.status, ob.waiver_state) == ("open", "requested")
        assert [g.reason for g in gates.launch_gaps(s, svc.get_system(s, key)) if g.obligation_id == oid] == [
            "waiver_requested"]
    with db.session() as s, pytest.raises(Forbidden):
        gates.decide_waiver(s, oid, by=who(s, "alice"), approve=True)  # an owner does not decide waivers
    with db.session() as s:
        gates.request_waiver(s, oid, by=who(s, "lead"), reason="pilot", expires=svc.today() + timedelta(90))
    with db.session() as s, pytest.raises(Forbidden, match="second person"):
        gates.decide_waiver(s, oid, by=who(s, "lead"), approve=True)  # not the requester
    with db.session() as s:
        ob = gates.decide_waiver(s, oid, by=who(s, "anna"), approve=True)
        assert (ob.status, ob.waiver_state, ob.waived_by) == ("waived", "approved", "anna")
        assert not [g for g in gates.launch_gaps(s, svc.get_system(s, key)) if g.obligation_id == oid]
        assert gates.gate_counts(s)["waivers_expiring"] == 0
    with db.session() as s, pytest.raises(Conflict):
        gates.decide_waiver(s, oid, by=who(s, "anna"), approve=True)  # nothing waits any more
    with db.session() as s:  # time passes: the waiver expires and its obligation is open again
        reopened = gates.reopen_expired_waivers(s, day=svc.today() + timedelta(91))
        assert [o.id for o in reopened] == [oid] and svc.get_obligation(s, oid).status == "open"
        assert _events(s, "waiver.expired")[0]["obligation"] == oid


def test_waivers_from_before_the_rule_stay_valid_until_a_lead_confirms_or_revokes_them(db: Database) -> None:
    key = _approved(db, HIGH, "Loan bot")
    with db.session() as s:  # what migration 0005 leaves of a waiver granted under the old rule
        a, b = svc.get_system(s, key).obligations[:2]
        for ob in (a, b):
            ob.status, ob.waiver_state, ob.waived_by = "waived", "legacy", "former-lead"
            ob.waiver_reason, ob.waiver_expires = "granted last year", svc.today() + timedelta(20)
        ids = (a.id, b.id)
    with db.session() as s:
        assert [o.id for o in gates.legacy_waivers(s)] == list(ids)
        assert not [g for g in gates.launch_gaps(s, svc.get_system(s, key)) if g.obligation_id in ids]
        assert gates.gate_counts(s)["waivers_expiring"] == 2
        gates.decide_waiver(s, ids[0], by=who(s, "lead"), approve=True)
        gates.decide_waiver(s, ids[1], by=who(s, "lead"), approve=False)
        assert svc.get_obligation(s, ids[0]).waiver_state == "approved"
        assert (svc.get_obligation(s, ids[1]).status, svc.get_obligation(s, ids[1]).waiver_state) == ("open", "refused")
        assert gates.legacy_waivers(s) == []


def test_retiring_needs_a_reason_and_a_confirmation_and_can_be_undone(db: Database) -> None:
    key = _approved(db, LOW, "Notes")
    with db.session() as s:
        settle_for_launch(s, key, who(s, "alice"))
        gates.go_live(s, key, by=who(s, "alice"))
    with db.session() as s, pytest.raises(InvalidInput, match="reason"):
        svc.set_status(s, key, "retired", by=who(s, "alice"), confirm=True)
    with db.session() as s, pytest.raises(InvalidInput, match="confirm"):
        svc.set_status(s, key, "retired", by=who(s, "alice"), reason="replaced")
    with db.session() as s:
        system = svc.set_status(s, key, "retired", by=who(s, "alice"), reason="replaced", confirm=True)
        assert (system.status, system.retired_from) == ("retired", "live")
    with db.session() as s, pytest.raises(Forbidden):
        gates.reinstate(s, key, by=who(s, "alice"), reason="misclick")  # only a governance lead
    with db.session() as s:
        system = gates.reinstate(s, key, by=who(s, "lead"), reason="misclick")
        assert (system.status, system.retired_from) == ("live", None)
        assert _events(s, "system.reinstated") == [{"from": "retired", "to": "live", "reason": "misclick"}]
    with db.session() as s, pytest.raises(Conflict):
        gates.reinstate(s, key, by=who(s, "lead"), reason="again")


def test_a_live_system_past_its_review_interval_stays_live_and_is_due(db: Database) -> None:
    key = _approved(db, HIGH, "Loan bot")  # high: re-reviewed every 6 months (ruleset tiers)
    with db.session() as s:
        settle_for_launch(s, key, who(s, "alice"))
        system = gates.go_live(s, key, by=who(s, "alice"))
        due = gates.review_due_on(system)
        assert due is not None and due == gates._add_months(system.approved_at.date(), 6)
        assert gates.due_for_review(s) == []
        assert [x.key for x in gates.due_for_review(s, day=due)] == [key]
        system.approved_at = system.approved_at - timedelta(days=200)  # approved seven months ago
    with db.session() as s:
        rows, total = svc.list_systems(s, due=True, viewer=who(s, "lead"))
        assert [r.key for r in rows] == [key] and total == 1 and rows[0].status == "live"
        assert gates.gate_counts(s)["review_due"] == 1


@pytest.mark.parametrize(("name", "key"), [
    ("智能客服机器人", "zhi-neng-ke-fu-ji-qi-ren"), ("银行AI风控", "yin-hang-ai-feng-kong"),
    ("Loan pre-screening", "loan-pre-screening"), ("Ünïcode 名字", "unicode-ming-zi"), ("😀", "system"),
])
def test_keys_of_systems_with_chinese_names_are_readable(name: str, key: str) -> None:
    assert svc.slugify(name) == key


def test_two_systems_with_one_chinese_name_get_distinct_readable_keys(db: Database) -> None:
    with db.session() as s:
        a = svc.register_system(s, name="智能客服机器人", owner="alice", answers=LOW, by=who(s, "alice")).key
        b = svc.register_system(s, name="智能客服机器人", owner="alice", answers=LOW, by=who(s, "alice")).key
    assert a == "zhi-neng-ke-fu-ji-qi-ren" and b.startswith("zhi-neng-ke-fu-ji-qi-ren-") and a != b

