"""`aisgf check` (governance as code) and `aisgf rules diff` over a real registry."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import yaml

from aisgf.db import Database
from aisgf.intake import load_ruleset
from aisgf.intake.questionnaire import shipped_path
from aisgf.intake.ruleset import SHIPPED_RULESET
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.gates import decide_waiver
from aisgf.registry.governance import check_project, offline_report, rules_diff
from tests.answers import HIGH, LOW
from tests.people import owner_accounts, who

_owners = owner_accounts("alice", "bob")


def _kinds(rep) -> set[str]:
    return {g.kind for g in rep.gaps}


def test_check_lists_every_gap_then_passes(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        key = svc.register_system(s, name="Advisor", owner="alice", answers=LOW, by=who(s, "alice")).key
    with db.session() as s:
        rep = check_project(s, key, {**LOW, "public_facing": True}, [], base_dir=tmp_path)
    assert {"answers_differ", "not_approved", "review_missing", "obligation_open"} <= _kinds(rep)
    assert any(g.ref == "public_facing" for g in rep.gaps)
    # Close every gap: approvals from the registry, obligations met with evidence.
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    report = tmp_path / "evidence.txt"
    report.write_text("test report")
    with db.session() as s:
        system = svc.get_system(s, key)
        for fn in svc.required_reviewers(svc.current_assessment(system)):
            svc.record_review(s, key, function=fn, decision="approve", by=who(s, fn, "reviewer", [fn]))
        for ob in list(system.obligations):
            with open(report, "rb") as f:
                svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=[ob.id], stream=f,
                                 filename="evidence.txt", max_bytes=10_000)
            svc.update_obligation(s, ob.id, by=who(s, "alice"), status="met")
        first = system.obligations[0].catalog_id
    pointers = [{"obligation": first, "path": "evidence.txt"}]
    with db.session() as s:
        rep = check_project(s, key, LOW, pointers, base_dir=tmp_path)
    assert rep.ok, [g.message for g in rep.gaps]
    # A pointer to a file whose content is not what the registry holds is a gap.
    report.write_text("edited after review")
    with db.session() as s:
        rep = check_project(s, key, LOW, pointers, base_dir=tmp_path)
    assert _kinds(rep) == {"evidence_not_registered"}


def test_check_flags_expired_waivers_and_evidence(db: Database, tmp_path: Path) -> None:
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        key = svc.register_system(s, name="Triage", owner="alice", answers=LOW, by=who(s, "alice")).key
        obs = svc.get_system(s, key).obligations
        ev = svc.add_evidence(s, store, key, by=who(s, "anna"), obligations=[obs[0].id], stream=io.BytesIO(b"x"),
                              filename="x.txt", max_bytes=10, expires_at=svc.today() - timedelta(days=1))
        assert ev.id
        svc.update_obligation(s, obs[0].id, by=who(s, "anna"), status="met")
        if len(obs) > 1:
            svc.update_obligation(s, obs[1].id, by=who(s, "lead"), status="waived", waiver_reason="r",
                                  waiver_expires=svc.today() + timedelta(days=1))
            decide_waiver(s, obs[1].id, by=who(s, "anna"), approve=True)  # a second person approves
            obs[1].waiver_expires = svc.today() - timedelta(days=1)  # time passes
    with db.session() as s:
        rep = check_project(s, key, LOW, [], base_dir=tmp_path)
    assert "evidence_missing" in _kinds(rep)
    if len(obs) > 1:
        assert "waiver_expired" in _kinds(rep)


def test_offline_report_says_what_the_tier_requires() -> None:
    rep = offline_report("x", HIGH, "connection refused")
    assert not rep.ok and rep.tier == "high" and "senior" in rep.requirements["reviewers"]


def test_rules_diff_lists_systems_that_would_change(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        low_key = svc.register_system(s, name="Notes", owner="alice", answers=LOW, by=who(s, "alice")).key
        high_key = svc.register_system(s, name="Loans", owner="bob", answers=HIGH, by=who(s, "bob")).key
    old_path = shipped_path(SHIPPED_RULESET)
    data = yaml.safe_load(old_path.read_text(encoding="utf-8"))
    # A governance lead adds a rule: every system in the general sector now needs a legal review.
    data["rules"].append({"id": "general_needs_legal", "description": {"zh": "一般行业需法务评审",
                          "en": "General sector needs a legal review"},
                          "when": {"question": "sector", "equals": "general"}, "reviewers": ["legal"],
                          "tier": "medium"})
    new_path = tmp_path / "new.yaml"
    new_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with db.session() as s:
        changes = rules_diff(s, load_ruleset(old_path), load_ruleset(new_path))
    systems = {c["system"]: c["changes"] for c in changes}
    assert low_key in systems and high_key not in systems
    assert systems[low_key]["tier"] == {"from": "low", "to": "medium"}


def test_stored_decisions_move_to_the_rules_in_force_and_context_keeps_its_evidence(
        db: Database, tmp_path: Path) -> None:
    """A registry from the previous release: 5.1 (addressed to the state) was an obligation with evidence.

    `rules_diff` with no rulesets compares each stored decision with the rules and catalog in force;
    `reassess_all` applies it, audited; the obligation that became context keeps its evidence.
    """
    from sqlalchemy import select

    from aisgf.audit.models import AuditEvent
    from aisgf.registry.governance import reassess_all
    from aisgf.registry.models import Assessment, Obligation

    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        key = svc.register_system(s, name="Notes", owner="alice", answers=LOW, by=who(s, "alice")).key
    with db.session() as s:  # what the previous release stored: 5.1 an obligation, no duties, no context
        system = svc.get_system(s, key)
        a = svc.current_assessment(system)
        assert "5.1" in [c["id"] for c in a.decision["context"]]
        item = next(c for c in a.decision["context"] if c["id"] == "5.1")
        a.decision = {**a.decision, "obligations": [item, *a.decision["obligations"]], "context": [], "duties": []}
        s.add(Obligation(system_id=system.id, catalog_id="5.1", title=item["title"], status="open", required=True,
                         updated_at=svc.now()))
    with db.session() as s:
        ob = svc.find_obligation(s, svc.get_system(s, key), "5.1")
        ev = svc.add_evidence(s, store, key, by=who(s, "alice"), obligations=[ob.id], stream=io.BytesIO(b"plan"),
                              filename="plan.txt", max_bytes=100)
        svc.update_obligation(s, ob.id, by=who(s, "alice"), status="met")
        evidence_id = ev.id
    with db.session() as s:
        changes = {c["system"]: c["changes"] for c in rules_diff(s)}
        assert changes[key]["obligations"]["removed"] == ["5.1"] and changes[key]["context"]["added"] == ["5.1"]
        dry = reassess_all(s, by=who(s, "lead"), dry_run=True)
        assert [c["system"] for c in dry] == [key]
        assert len(s.scalars(select(Assessment).where(Assessment.system_id == svc.get_system(s, key).id)).all()) == 1
    with db.session() as s:
        done = reassess_all(s, by=who(s, "lead"))
        assert [(c["system"], c["new_assessment"]) for c in done] == [(key, 2)]
    with db.session() as s:
        ob = svc.find_obligation(s, svc.get_system(s, key), "5.1")
        assert ob.required is False and ob.status == "met" and "context" in ob.note
        assert evidence_id in [link.evidence_id for link in ob.evidence_links]
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "systems.reassessed")).one()
        assert event.actor == "lead" and json.loads(event.payload)["systems"][0]["system"] == key
        synced = s.scalars(select(AuditEvent).where(AuditEvent.action == "obligations.synced")
                           .order_by(AuditEvent.seq.desc())).first()
        assert json.loads(synced.payload)["became_context"] == ["5.1"]
        assert rules_diff(s) == []  # nothing left to move
        assert reassess_all(s, by=who(s, "lead")) == []


def test_only_governors_reassess_in_bulk(db: Database) -> None:
    from aisgf.errors import Forbidden
    from aisgf.registry.governance import reassess_all

    with db.session() as s:
        try:
            reassess_all(s, by=who(s, "rita", "reviewer", ["legal"]))
        except Forbidden:
            pass
        else:
            raise AssertionError("a reviewer reassessed every system")
