"""Governance as code: compare a project's `aisgf.yaml` with the registry, and rulesets with each other.

Why here: both questions are about registered systems. Reviews and sign-offs are trusted only
from the registry; the project file contributes answers and evidence pointers, never approvals.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.principal import Principal
from aisgf.audit.service import append_event
from aisgf.intake.engine import decide
from aisgf.registry.choices import OUTSTANDING
from aisgf.registry.models import AISystem
from aisgf.registry.services import (
    current_assessment,
    decide_for,
    get_system,
    known_facts,
    review_state,
    today,
)


@dataclass
class Gap:
    """One way the registry falls short of what the project file and its tier demand."""

    kind: str
    message: str
    ref: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "ref": self.ref}


@dataclass
class CheckReport:
    system: str
    registry: bool
    tier: str | None = None
    lane: str | None = None
    status: str | None = None
    gaps: list[Gap] = field(default_factory=list)
    requirements: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.registry and not self.gaps

    def as_dict(self) -> dict[str, Any]:
        return {"system": self.system, "ok": self.ok, "registry": self.registry, "tier": self.tier,
                "lane": self.lane, "status": self.status, "gaps": [g.as_dict() for g in self.gaps],
                "requirements": self.requirements}


def _sha256_file(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def requirements_of(decision: dict[str, Any]) -> dict[str, Any]:
    return {"tier": decision["tier"], "lane": decision["lane"], "reviewers": decision.get("reviewers", []),
            "controls": [c["id"] if isinstance(c, dict) else c for c in decision.get("controls", [])],
            "obligations": [o["id"] for o in decision.get("obligations", [])],
            "context": [o["id"] for o in decision.get("context", [])],
            "duties": [d["id"] for d in decision.get("duties", [])]}


def offline_report(system_ref: str, answers: dict[str, Any], reason: str) -> CheckReport:
    """No registry reachable: say what the tier would require; the check still fails."""
    d = decide(answers)
    rep = CheckReport(system=system_ref, registry=False, tier=d["tier"], lane=d["lane"],
                      requirements=requirements_of(d))
    rep.gaps.append(Gap("registry_unreachable", f"no registry to confirm reviews and evidence: {reason}"))
    return rep


def check_project(session: Session, system_ref: str, answers: dict[str, Any],
                  evidence: list[dict[str, Any]], *, base_dir: Path) -> CheckReport:
    """Every gap between the project file, the registry, and what the tier demands."""
    system = get_system(session, system_ref)
    a = current_assessment(system)
    rep = CheckReport(system=system.key, registry=True, status=system.status)
    fresh = decide_for(session, system, answers)  # what the registry knows (the lineage) counts here too
    rep.requirements = requirements_of(fresh)
    if a is None:
        rep.gaps.append(Gap("no_assessment", "the system has no assessment in the registry"))
        return rep
    rep.tier, rep.lane = a.tier, a.lane
    diffs = sorted(k for k in set(fresh["answers"]) | set(a.answers) if fresh["answers"].get(k) != a.answers.get(k))
    for k in diffs:
        rep.gaps.append(Gap("answers_differ",
                            f"answer {k!r} is {fresh['answers'].get(k)!r} in the file but "
                            f"{a.answers.get(k)!r} in assessment {a.number}; run `aisgf system reassess`", k))
    if system.status not in ("approved", "live"):
        rep.gaps.append(Gap("not_approved", f"the system is {system.status}, not approved or live"))
    for fn, r in review_state(session, system).items():
        if r is None:
            rep.gaps.append(Gap("review_missing", f"no {fn} review of the current assessment", fn))
        elif r.decision != "approve":
            rep.gaps.append(Gap("review_sent_back", f"the {fn} review sent the system back: {r.reason}", fn))
    t = today()
    for ob in system.obligations:
        if not ob.required:
            continue
        if ob.status in OUTSTANDING:
            late = " (overdue)" if ob.overdue_on(t) else ""
            rep.gaps.append(Gap("obligation_open", f"obligation {ob.catalog_id} is {ob.status}{late}", ob.catalog_id))
        elif ob.status == "waived" and ob.waiver_expires and ob.waiver_expires < t:
            rep.gaps.append(Gap("waiver_expired", f"the waiver of {ob.catalog_id} expired on {ob.waiver_expires}",
                                ob.catalog_id))
        elif ob.status == "met":
            valid = [lk for lk in ob.evidence_links
                     if not (lk.evidence.expires_at and lk.evidence.expires_at < t)]
            if not valid:
                rep.gaps.append(Gap("evidence_missing",
                                    f"obligation {ob.catalog_id} is met but has no current evidence", ob.catalog_id))
    registered = {(lk.obligation.catalog_id, lk.evidence.sha256 or lk.evidence.uri)
                  for ob in system.obligations for lk in ob.evidence_links}
    for i, ptr in enumerate(evidence):
        ob_id = str(ptr.get("obligation", ""))
        if "path" in ptr:
            p = (base_dir / str(ptr["path"])).resolve()
            digest = _sha256_file(p)
            if digest is None:
                rep.gaps.append(Gap("evidence_file_missing", f"evidence[{i}] file not found: {p}", ob_id))
            elif (ob_id, digest) not in registered:
                rep.gaps.append(Gap("evidence_not_registered",
                                    f"evidence[{i}] ({ptr['path']}) is not registered for {ob_id} with this "
                                    "content; run `aisgf evidence add`", ob_id))
        elif "uri" in ptr and (ob_id, str(ptr["uri"])) not in registered:
            rep.gaps.append(Gap("evidence_not_registered",
                                f"evidence[{i}] ({ptr['uri']}) is not registered for {ob_id}", ob_id))
    return rep


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    o, n = requirements_of(old), requirements_of(new)
    changes: dict[str, Any] = {}
    for k in ("tier", "lane"):
        if o[k] != n[k]:
            changes[k] = {"from": o[k], "to": n[k]}
    for k in ("reviewers", "controls", "obligations", "context", "duties"):
        added = [x for x in n[k] if x not in o[k]]
        removed = [x for x in o[k] if x not in n[k]]
        if added or removed:
            changes[k] = {"added": added, "removed": removed}
    facts = [{"question": f["question"], "value": f["value"]} for f in old.get("facts", [])]
    now_facts = [{"question": f["question"], "value": f["value"]} for f in new.get("facts", [])]
    if facts != now_facts:  # a record (the lineage) now contradicts an answer, or no longer does
        changes["facts"] = {"from": facts, "to": now_facts}
    return changes


def rules_diff(session: Session, old_ruleset: Any = None, new_ruleset: Any = None) -> list[dict[str, Any]]:
    """Registered systems whose tier, lane, reviewers, obligations, context items or duties would change.

    With two rulesets: what moving from OLD to NEW would do. With none: what each system's stored
    decision lacks against the ruleset, questionnaire and catalog in force (a catalog release that
    makes an item context, a ruleset edit already deployed, a lineage recorded since that contradicts
    an answer), i.e. what `reassess_all` would apply.
    """
    out: list[dict[str, Any]] = []
    for system in session.scalars(select(AISystem).where(AISystem.status != "retired").order_by(AISystem.id)):
        a = current_assessment(system)
        if a is None:
            continue
        where, known = f"system {system.key}", known_facts(session, system)  # the lineage, read once
        old = decide(a.answers, ruleset=old_ruleset, where=where, known=known) if old_ruleset else a.decision
        new = decide(a.answers, ruleset=new_ruleset, where=where, known=known)
        changes = _changes(old, new)
        if changes:
            out.append({"system": system.key, "name": system.name, "status": system.status,
                        "assessment": a.number, "changes": changes})
    return out


def reassess_all(session: Session, *, by: Principal, dry_run: bool = False) -> list[dict[str, Any]]:
    """Reassess, with their stored answers, every system the rules and catalog in force would change.

    Why one audited step: after a ruleset or catalog release the registry must not keep decisions
    made under the old one, and an auditor must see who moved which systems and what changed. Each
    system gets a new assessment (its obligations sync: an item that became context is no longer
    required and keeps its evidence); one `systems.reassessed` event lists them all.
    """
    from aisgf.accounts import scope as acc
    from aisgf.registry.services import reassess

    acc.require(by, "system.govern")
    planned = [c for c in rules_diff(session) if acc.allowed(by, "system.govern", get_system(session, c["system"]))]
    if dry_run or not planned:
        return planned
    for c in planned:
        system = get_system(session, c["system"])
        a = current_assessment(system)
        assert a is not None  # rules_diff lists assessed systems only
        new = reassess(session, system.key, dict(a.answers), by=by)
        c["new_assessment"] = new.number
    append_event(session, actor=by.actor, action="systems.reassessed", entity_type="registry", entity_id="*",
                 payload={"systems": planned})
    return planned
