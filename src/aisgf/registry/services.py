"""Registry services: the only way governed data changes, each change with its audit event.

Routes and CLI commands parse input and call these functions; every rule about lifecycle,
reviews, waivers and obligations lives here. Each function works inside the caller's session
(one transaction), so a failure leaves nothing half-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal

from aisgf.audit.service import append_event
from aisgf.errors import MAX_ID, Conflict, Forbidden, InvalidInput, NotFound, check_range, register_messages
from aisgf.intake.engine import KnownFact, decide
from aisgf.registry.choices import Lifecycle, ObligationStatus, ReviewDecision, values
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.models import (
    AISystem,
    Assessment,
    Evidence,
    EvidenceLink,
    Obligation,
    Review,
)
from aisgf.registry.schemas import ObligationOut, SystemDetail, decision_of

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")

# Message ID → English text of the errors a person can meet here (pages translate them by ID).
MESSAGES = register_messages({
    "registry.no_system": "no AI system with ID or key {ref!r}",
    "registry.system_needs_name": "the system needs a name",
    "registry.system_needs_owner": "the system needs an owner",
    "registry.bad_key": "a key is 1-100 of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
    "registry.key_exists": "a system with key {key!r} already exists",
    "registry.retired_no_reassess": "a retired system cannot be reassessed",
    "registry.stale": "the record changed since you loaded it (version {expected}, now {now}); reload and try again",
    "registry.bad_move": "cannot move a system from {old} to {new}",
    "registry.live_needs_approved": "only an approved system can go live (this one is {status})",
    "registry.status_by_hand": "status can be set to 'live' or 'retired' by hand; the others follow from "
                               "assessments and reviews",
    "registry.unknown_function": "unknown reviewer function {value!r}; accepted: {accepted}",
    "registry.unknown_decision": "unknown decision {value!r}; accepted: {accepted}",
    "registry.send_back_needs_reason": "a send-back needs a reason",
    "registry.no_assessment": "the system has no assessment to review",
    "registry.assessment_not_current": "assessment {number} is no longer current (current: {current}); "
                                       "reload and review the current one",
    "registry.not_in_review": "the system is {status}, not in review",
    "registry.review_not_required": "the {lane} lane of this system does not ask for a {function} review "
                                    "(required: {required})",
    "registry.no_obligation": "no obligation with ID {id}",
    "registry.system_has_no_obligation": "system {key} has no obligation {ref!r}",
    "registry.unknown_obligation_status": "unknown obligation status {value!r}; accepted: {accepted}",
    "registry.file_type_refused": "files of type {ctype} ({suffix}) are not accepted as evidence; accepted: {accepted}",
    "registry.unknown_status": "unknown lifecycle status {value!r}; accepted: {accepted}",
    "registry.unknown_tier": "unknown tier {value!r}; accepted: {accepted}",
    "registry.unknown_lane": "unknown lane {value!r}; accepted: {accepted}",
    "registry.waiver_needs_reason": "a waiver needs a reason",
    "registry.waiver_needs_expiry": "a waiver needs an expiry date (YYYY-MM-DD)",
    "registry.waiver_expiry_past": "a waiver's expiry date must be in the future",
    "registry.evidence_file_or_uri": "give either a file or a URI as evidence, not both or neither",
    "registry.uri_needs_scheme": "a URI needs a scheme, e.g. https://… or s3://…",
    "registry.no_evidence": "no evidence with ID {id}",
    "registry.uri_not_web": "an evidence link must be an http:// or https:// URI with a host, got {uri!r}",
})


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


# --------------------------------------------------------------------------- decisions


def _tier_rank(tier: str) -> int:
    from aisgf.intake.ruleset import TIER_RANK

    return TIER_RANK[tier]  # type: ignore[index]


def reviewer_functions() -> tuple[str, ...]:
    """The reviewer functions of the ruleset in force, in its order (business, data, legal, ...)."""
    from aisgf.intake.ruleset import load_ruleset

    return load_ruleset().functions


def check_function(function: str) -> None:
    """Refuse a reviewer function the ruleset in force does not know."""
    _one_of(function, reviewer_functions(), "registry.unknown_function", "function")


def _one_of(value: str | None, accepted: Iterable[str], message_id: str, where: str) -> None:
    """Refuse a filter or field value outside its vocabulary (a 422), instead of matching nothing."""
    accepted = list(accepted)
    if value is not None and value not in accepted:
        raise InvalidInput.coded(message_id, where=where, value=value, accepted=accepted)


# --------------------------------------------------------------------------- systems


def _account(session: Session, name: str, where: str) -> Any:
    """The account a typed owner name means (see `aisgf.accounts.services.find_account`)."""
    from aisgf.accounts.services import find_account

    return find_account(session, name, where=where)


def _scope(viewer: Principal | None) -> int | None:
    """The owner a viewer is limited to (`aisgf.accounts.scope.owned_only`); None: sees every system."""
    from aisgf.accounts.scope import owned_only

    return owned_only(viewer)


def _governed(session: Session, ref: str | int, by: Principal) -> AISystem:
    """The system `by` may change (governors; owners their own only), or a 404/403 that says why not."""
    from aisgf.accounts.scope import require

    system = get_system(session, ref, viewer=by)
    require(by, "system.govern", system)
    return system


def _check_visible(viewer: Principal | None, system: AISystem) -> AISystem:
    if viewer is not None:
        from aisgf.accounts.scope import check_can_see

        check_can_see(viewer, system)
    return system


def _may_see(viewer: Principal | None, system: AISystem) -> bool:
    from aisgf.accounts.scope import allowed

    return viewer is None or allowed(viewer, "system.view", system)


def slugify(name: str) -> str:
    """A readable registry key from a system's name: Chinese characters by their pinyin.

    Why pinyin: a key names the system in URLs, CLI commands and audit events, so 智能客服机器人 should
    become `zhi-neng-ke-fu-ji-qi-ren`, not `system-2`. Keys already given stay as they are.
    """
    import unicodedata

    from pypinyin import lazy_pinyin

    spelled = " ".join(lazy_pinyin(name))  # Chinese by syllable; other text passes through as it is
    ascii_ = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()  # Ü → U
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return s[:60].rstrip("-") or "system"


def get_system(session: Session, ref: str | int, *, viewer: Principal | None = None) -> AISystem:
    """Find a system by numeric ID or by key; to a `viewer` who may not see it, it does not exist."""
    q = select(AISystem)
    # An ID is a number the database holds; longer digit strings can only be keys.
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit() and len(ref) <= 19 and int(ref) <= MAX_ID):
        q = q.where(AISystem.id == check_range(int(ref), "system"))
    else:
        q = q.where(AISystem.key == ref)
    sys_ = session.scalar(q)
    if sys_ is None:
        raise NotFound.coded("registry.no_system", where="system", ref=ref)
    return _check_visible(viewer, sys_)


def _unique_key(session: Session, base: str) -> str:
    key, n = base, 1
    while session.scalar(select(AISystem.id).where(AISystem.key == key)) is not None:
        n += 1
        key = f"{base}-{n}"
    return key


def register_system(
    session: Session,
    *,
    name: str,
    owner: str | None,
    answers: dict[str, Any],
    by: Principal,
    description: str = "",
    key: str | None = None,
    decision: dict[str, Any] | None = None,
) -> AISystem:
    """Register a system at intake, assess it, and open its review (status `in_review`).

    `by` must be allowed to register; an owner registers for themself, a governance lead names any owner.
    """
    from aisgf.accounts.scope import allowed, require

    require(by, "system.register")
    actor = by.actor
    may_choose = allowed(by, "system.choose_owner")
    if not may_choose and not (owner or "").strip():
        owner = by.username  # an owner registers for themself
    if not name or not name.strip():
        raise InvalidInput.coded("registry.system_needs_name", where="system.name")
    if not owner or not owner.strip():
        raise InvalidInput.coded("registry.system_needs_owner", where="system.owner")
    owner_account = _account(session, owner, "system.owner")
    if not may_choose and owner_account.id != by.user_id:
        raise Forbidden.coded("accounts.owner_registers_own", where="system.owner")
    if key is not None:
        if not _KEY_RE.match(key):
            raise InvalidInput.coded("registry.bad_key", where="system.key")
        if session.scalar(select(AISystem.id).where(AISystem.key == key)) is not None:
            raise Conflict.coded("registry.key_exists", where="system.key", key=key)
    else:
        key = _unique_key(session, slugify(name))
    decision = decision or decide(answers)
    answers = decision["answers"]
    t = now()
    system = AISystem(
        key=key, name=name.strip(), owner_account=owner_account, description=description or "",
        org_roles=list(answers.get("org_roles", [])), sector=answers.get("sector", "general"),
        status=Lifecycle.intake, created_at=t, updated_at=t,
    )
    session.add(system)
    session.flush()
    append_event(session, actor=actor, action="system.registered", entity_type="system",
                 entity_id=system.key, payload={"id": system.id, "name": system.name, "owner": system.owner,
                                                "description": system.description})
    _add_assessment(session, system, decision, actor)
    return system


def _add_assessment(session: Session, system: AISystem, decision: dict[str, Any], actor: str,
                    reply: str = "") -> Assessment:
    prev = current_assessment(system)
    number = (prev.number + 1) if prev else 1
    tier, lane = decision["tier"], decision["lane"]
    new_round = (
        prev is None
        or _tier_rank(tier) > _tier_rank(prev.tier)
        or system.status in (Lifecycle.changes_requested, Lifecycle.intake, Lifecycle.retired)
    )
    a = Assessment(
        system_id=system.id, number=number, answers=decision["answers"], decision=_stored_decision(decision),
        tier=tier, lane=lane, catalog_version=_catalog_version(decision),
        ruleset_hash=decision.get("ruleset_hash", ""),
        review_round_start=number if new_round else prev.review_round_start,  # type: ignore[union-attr]
        created_by=actor, created_at=now(), reply=reply or None,
    )
    session.add(a)
    system.assessments.append(a)
    system.tier, system.lane, system.updated_at = tier, lane, now()
    system.org_roles = list(decision["answers"].get("org_roles", []))
    system.sector = decision["answers"].get("sector", system.sector)
    session.flush()
    append_event(session, actor=actor, action="assessment.created", entity_type="system", entity_id=system.key,
                 payload={"assessment": number, "tier": tier, "lane": lane, "answers": decision["answers"],
                          "reviewers": decision.get("reviewers", []),
                          "obligations": [o["id"] for o in decision.get("obligations", [])],
                          "catalog_version": a.catalog_version, "ruleset_hash": a.ruleset_hash,
                          "reviews_reopened": new_round, **({"reply": reply} if reply else {})})
    _sync_obligations(session, system, a, actor)
    if new_round:
        _move(session, system, Lifecycle.in_review, actor, reason=f"assessment {number}")
    else:
        _recompute_approval(session, system, actor)
    return a


def _catalog_version(decision: dict[str, Any]) -> str:
    parts = [decision.get("catalog_framework"), decision.get("catalog_version")]
    return ":".join(p for p in parts if p) or "unknown"


def _stored_decision(decision: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in decision.items() if k != "answers"}


def check_reassessable(system: AISystem) -> None:
    """A retired system is not reassessed (the page refuses the form, the service the write)."""
    if system.status == Lifecycle.retired:
        raise Conflict.coded("registry.retired_no_reassess", where=f"system {system.key}")


def known_facts(session: Session, system: AISystem) -> list[KnownFact]:
    """What the organisation's records establish about a registered system, winning over its answers.

    Today one record: the system's lineage answers "where does the model come from?" and "does the
    project train a model?" (`lineage.graph.lineage_facts`). A new system has no lineage yet, so
    registration has none.
    """
    from aisgf.lineage.graph import lineage_facts

    return lineage_facts(session, system.id)


def decide_for(session: Session, system: AISystem, answers: dict[str, Any], *, ruleset: Any = None,
               where: str = "answers") -> dict[str, Any]:
    """The decision for a registered system's answers, with what its records establish (`known_facts`)."""
    return decide(answers, where=where, ruleset=ruleset, known=known_facts(session, system))


def reassess(session: Session, ref: str | int, answers: dict[str, Any], *, by: Principal,
             expected_version: int | None = None, reply: str = "") -> Assessment:
    """Record a new assessment; reviews reopen when the tier rises or after a send-back.

    The system's lineage wins over an answer it contradicts (the decision warns, `decide_for`).
    """
    system = _governed(session, ref, by)
    actor = by.actor
    _check_version(system, expected_version)
    check_reassessable(system)
    return _add_assessment(session, system, decide_for(session, system, answers), actor, reply=reply.strip())


def current_assessment(system: AISystem) -> Assessment | None:
    return system.assessments[-1] if system.assessments else None


def _check_version(obj: AISystem | Obligation, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict.coded("registry.stale", where=f"{type(obj).__name__} {obj.id}", expected=expected,
                             now=obj.version)


def list_systems(
    session: Session, *, status: str | None = None, tier: str | None = None, lane: str | None = None,
    owner: str | None = None, limit: int = 50, offset: int = 0, viewer: Principal | None = None,
    due: bool = False, overridden: bool = False,
) -> tuple[list[AISystem], int]:
    """Systems by status, tier, lane and owner (and `due` for re-review), limited to those `viewer` may see."""
    from aisgf.intake.ruleset import load_ruleset

    check_range(limit, "limit", low=1)
    check_range(offset, "offset")
    ruleset = load_ruleset()  # tiers and lanes are the vocabulary of the ruleset in force
    _one_of(status, values(Lifecycle), "registry.unknown_status", "status")
    _one_of(tier, ruleset.tiers, "registry.unknown_tier", "tier")
    _one_of(lane, ruleset.lanes, "registry.unknown_lane", "lane")
    q = select(AISystem)
    if status:
        q = q.where(AISystem.status == status)
    if tier:
        q = q.where(AISystem.tier == tier)
    if lane:
        q = q.where(AISystem.lane == lane)
    if owner:
        q = q.where(AISystem.owner_id == _account(session, owner, "owner").id)
    if (only := _scope(viewer)) is not None:
        q = q.where(AISystem.owner_id == only)
    if due:
        from aisgf.registry.gates import due_for_review

        q = q.where(AISystem.id.in_([x.id for x in due_for_review(session, owner_id=only)]))
    if overridden:
        q = q.where(AISystem.go_live_override.is_not(None))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(session.scalars(q.order_by(AISystem.id).limit(limit).offset(offset)))
    return rows, total


# --------------------------------------------------------------------------- lifecycle

_ALLOWED_MOVES = {
    Lifecycle.intake: {Lifecycle.in_review, Lifecycle.retired},
    Lifecycle.in_review: {Lifecycle.approved, Lifecycle.changes_requested, Lifecycle.retired},
    Lifecycle.changes_requested: {Lifecycle.in_review, Lifecycle.retired},
    Lifecycle.approved: {Lifecycle.live, Lifecycle.in_review, Lifecycle.changes_requested, Lifecycle.retired},
    Lifecycle.live: {Lifecycle.in_review, Lifecycle.changes_requested, Lifecycle.retired},
    "retired": set(),
}


def _move(session: Session, system: AISystem, status: str, actor: str, *, reason: str = "") -> None:
    if system.status == status:
        return
    if status not in _ALLOWED_MOVES[system.status]:
        raise Conflict.coded("registry.bad_move", where=f"system {system.key}", old=system.status, new=status)
    old = system.status
    system.status, system.updated_at = status, now()
    session.flush()
    append_event(session, actor=actor, action="system.status_changed", entity_type="system",
                 entity_id=system.key, payload={"from": old, "to": status, "reason": reason})


def set_status(session: Session, ref: str | int, status: str, *, by: Principal, reason: str = "",
               expected_version: int | None = None, confirm: bool = False, override: bool = False) -> AISystem:
    """Moves a person may make by hand: approved → live (through the go-live gate), and retiring a system.

    `approved`, `in_review` and `changes_requested` follow from assessments and reviews only. Going
    live with items open needs `override` by a governance lead, with `reason`; retiring needs a
    reason and `confirm` (see `aisgf.registry.gates`).
    """
    from aisgf.registry import gates

    if status == Lifecycle.live:
        return gates.go_live(session, ref, by=by, override_reason=reason if override else None,
                             expected_version=expected_version)
    if status == Lifecycle.retired:
        return gates.retire(session, ref, by=by, reason=reason, confirm=confirm, expected_version=expected_version)
    _governed(session, ref, by)
    raise InvalidInput.coded("registry.status_by_hand", where="status")


# --------------------------------------------------------------------------- reviews


def required_reviewers(assessment: Assessment) -> list[str]:
    return list(decision_of(assessment).reviewers)


def review_state(session: Session, system: AISystem) -> dict[str, Review | None]:
    """The latest review per required function in the current review round."""
    a = current_assessment(system)
    if a is None:
        return {}
    round_ids = [x.id for x in system.assessments if x.number >= a.review_round_start]
    rows = session.scalars(
        select(Review).where(Review.system_id == system.id, Review.assessment_id.in_(round_ids))
        .order_by(Review.id)).all()
    latest: dict[str, Review | None] = {f: None for f in required_reviewers(a)}
    for r in rows:
        if r.function in latest:
            latest[r.function] = r
    return latest


def waiting_functions(state: dict[str, Review | None], functions: Iterable[str] | None = None) -> list[str]:
    """The required functions (of `functions`, or all) that have not approved the current round yet."""
    wanted = None if functions is None else set(functions)
    return [f for f, r in state.items()
            if (r is None or r.decision != ReviewDecision.approve) and (wanted is None or f in wanted)]


def sent_back(session: Session, system: AISystem) -> list[Review]:
    """The send-backs of the current review round: what the owner is asked to change."""
    return [r for r in review_state(session, system).values()
            if r is not None and r.decision == ReviewDecision.send_back]


def _recompute_approval(session: Session, system: AISystem, actor: str) -> None:
    state = review_state(session, system)
    all_approved = bool(state) and all(r is not None and r.decision == "approve" for r in state.values())
    if all_approved and system.status == Lifecycle.in_review:
        _move(session, system, Lifecycle.approved, actor, reason="every required function approved")
        system.approved_at = now()  # periodic re-review counts from here
    elif not all_approved and system.status in (Lifecycle.approved, Lifecycle.live):
        _move(session, system, Lifecycle.in_review, actor, reason="the current assessment needs further reviews")


def record_review(session: Session, ref: str | int, *, function: str, decision: str, by: Principal,
                  reason: str = "", assessment_number: int | None = None) -> Review:
    """A reviewer's decision on the current assessment, for one of their own functions; a send-back needs a reason."""
    from aisgf.accounts.scope import check_can_review

    check_function(function)  # an unknown word is a 422 before asking who may use it
    get_system(session, ref, viewer=by)
    check_can_review(by, function)
    reviewer = by.actor
    _one_of(decision, values(ReviewDecision), "registry.unknown_decision", "decision")
    if decision == "send_back" and not reason.strip():
        raise InvalidInput.coded("registry.send_back_needs_reason", where="reason")
    system = get_system(session, ref)
    a = current_assessment(system)
    if a is None:
        raise Conflict.coded("registry.no_assessment", where=f"system {system.key}")
    if assessment_number is not None and assessment_number != a.number:
        raise Conflict.coded("registry.assessment_not_current", where="assessment", number=assessment_number,
                             current=a.number)
    if system.status != Lifecycle.in_review:
        raise Conflict.coded("registry.not_in_review", where=f"system {system.key}", status=system.status)
    required = required_reviewers(a)
    if function not in required:
        raise Forbidden.coded("registry.review_not_required", where="function", lane=a.lane, function=function,
                              required=list(required))
    r = Review(system_id=system.id, assessment_id=a.id, function=function, decision=decision,
               reason=reason, reviewer=reviewer, at=now())
    session.add(r)
    session.flush()
    append_event(session, actor=reviewer, action="review.recorded", entity_type="system", entity_id=system.key,
                 payload={"assessment": a.number, "function": function, "decision": decision,
                          "reason": reason, "sign_off": function == "senior"})
    if decision == "send_back":
        _move(session, system, Lifecycle.changes_requested, reviewer, reason=f"{function}: {reason}")
    else:
        _recompute_approval(session, system, reviewer)
    return r


def list_reviews(session: Session, system: AISystem) -> list[Review]:
    return list(session.scalars(select(Review).where(Review.system_id == system.id).order_by(Review.id)))


# --------------------------------------------------------------------------- obligations


def duty_phase(due: dict[str, Any]) -> tuple[str, int | None, str | None]:
    """When a China implementation duty is owed, as an obligation phase (and its period after launch).

    Due within N after the service starts → after_launch (a due date is set at launch); tied to an
    event (an incident, a change, the end of the service, a contract, a filing) → ongoing, never a
    launch gate; everything else (before launch, when content is generated, before processing or a
    transfer) must be in place when the service starts → before_launch.
    """
    anchor, when = due.get("relative_to"), due.get("when")
    if anchor == "launch" and when in ("within", "after") and due.get("amount") and due.get("unit"):
        return "after_launch", int(due["amount"]), str(due["unit"])
    if anchor in ("incident", "change", "termination", "contract", "filing"):
        return "ongoing", None, None
    return "before_launch", None, None


def _sync_obligations(session: Session, system: AISystem, a: Assessment, actor: str) -> None:
    decision = decision_of(a)
    wanted: dict[str, Any] = {o.id: o for o in decision.obligations}
    # China implementation duties are obligations too, keyed by their catalog ("cn-impl-1.0:algorec.24").
    duties = {f"{d.catalog}:{d.id}": d for d in decision.duties}
    wanted.update(duties)
    context = {c.id for c in decision.context}
    existing = {o.catalog_id: o for o in system.obligations}
    changes: dict[str, list[str]] = {"added": [], "reopened": [], "no_longer_required": [], "became_context": []}
    for cid, o in wanted.items():
        ob = existing.get(cid)
        if cid in duties:
            phase, amount, unit = duty_phase(duties[cid].due)
            title = f"{duties[cid].instrument_en}: {duties[cid].title_en}"
        else:
            phase, amount, unit, title = "before_launch", None, None, o.title
        if ob is None:
            ob = Obligation(system_id=system.id, catalog_id=cid, title=title, status=ObligationStatus.open,
                            required=True, updated_at=now(), phase=phase, due_amount=amount, due_unit=unit)
            session.add(ob)
            system.obligations.append(ob)
            changes["added"].append(cid)
            if phase == "after_launch" and system.live_since is not None:  # already live: its clock runs now
                from aisgf.registry.workdays import due_after

                ob.due_date, ob.due_provisional = due_after(today(), amount or 0, unit or "days")
            continue
        if (ob.phase, ob.due_amount, ob.due_unit) != (phase, amount, unit):
            ob.phase, ob.due_amount, ob.due_unit = phase, amount, unit
        if not ob.required:
            ob.required = True
            if ob.status == ObligationStatus.not_applicable:
                ob.status = ObligationStatus.open
            ob.updated_at = now()
            changes["reopened"].append(cid)
    for cid, ob in existing.items():
        if cid not in wanted and ob.required:
            ob.required = False
            if ob.status in (ObligationStatus.open, ObligationStatus.in_progress):
                ob.status = ObligationStatus.not_applicable
                ob.note = f"not required by assessment {a.number}"
            if cid in context:  # addressed to the state or the public: shown as context, its evidence kept
                ob.note = (f"context since assessment {a.number}: addressed to the state or the public, "
                           "not the organisation; its evidence is kept")
                changes["became_context"].append(cid)
            ob.updated_at = now()
            changes["no_longer_required"].append(cid)
    session.flush()
    if any(changes.values()):
        append_event(session, actor=actor, action="obligations.synced", entity_type="system",
                     entity_id=system.key, payload={"assessment": a.number, **changes})


def get_obligation(session: Session, obligation_id: int, *, viewer: Principal | None = None) -> Obligation:
    ob = session.get(Obligation, check_range(obligation_id, "obligation"))
    if ob is None or not _may_see(viewer, ob.system):  # another owner's: the ID asked for, not their key
        raise NotFound.coded("registry.no_obligation", where="obligation", id=obligation_id)
    return ob


def find_obligation(session: Session, system: AISystem, ref: str | int) -> Obligation:
    """An obligation of a system by its numeric ID or its catalog ID (e.g. `6.2.e`)."""
    for ob in system.obligations:
        if str(ob.id) == str(ref) or ob.catalog_id == str(ref) or f"aisgf-1.0:{ob.catalog_id}" == str(ref):
            return ob
    raise NotFound.coded("registry.system_has_no_obligation", where="obligation", key=system.key, ref=ref)


def list_obligations(
    session: Session, *, system_ref: str | int | None = None, status: str | None = None,
    overdue: bool = False, limit: int = 200, offset: int = 0, viewer: Principal | None = None,
) -> tuple[list[Obligation], int]:
    """Obligations (of one system, by status, overdue), limited to the systems `viewer` may see."""
    check_range(limit, "limit", low=1)
    check_range(offset, "offset")
    _one_of(status, values(ObligationStatus), "registry.unknown_obligation_status", "status")
    q = select(Obligation).options(selectinload(Obligation.system))
    if (only := _scope(viewer)) is not None:  # an owner's view: the obligations of their own systems only
        q = q.where(Obligation.system_id.in_(select(AISystem.id).where(AISystem.owner_id == only)))
    if system_ref is not None:
        q = q.where(Obligation.system_id == get_system(session, system_ref, viewer=viewer).id)
    if status:
        q = q.where(Obligation.status == status)
    if overdue:
        q = q.where(Obligation.overdue_on(today()))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(session.scalars(q.order_by(Obligation.system_id, Obligation.id).limit(limit).offset(offset)))
    return rows, total


def update_obligation(
    session: Session, obligation_id: int, *, by: Principal, status: str | None = None,
    owner: str | None = None, due_date: date | None = None, note: str | None = None,
    waiver_reason: str | None = None, waiver_expires: date | None = None,
    expected_version: int | None = None, sign_off: bool = False,
) -> Obligation:
    """Change status, owner, due date or note.

    `waived` is a waiver *request* (reason, expiry) that a governance lead other than the requester
    decides (`gates.decide_waiver`); `met` needs evidence linked to the obligation or `sign_off`
    (the acting person is named as signing it off); `not_applicable` needs a reason in the note.
    """
    ob = get_obligation(session, obligation_id, viewer=by)
    _governed(session, ob.system_id, by)
    actor = by.actor
    _check_version(ob, expected_version)
    _one_of(status, values(ObligationStatus), "registry.unknown_obligation_status", "status")
    if status == ObligationStatus.waived:
        from aisgf.registry.gates import request_waiver

        return request_waiver(session, obligation_id, by=by, reason=waiver_reason or "", expires=waiver_expires)
    before = ObligationOut.of(ob, today()).model_dump(mode="json")
    if status == ObligationStatus.met and not ob.evidence_links and not sign_off and ob.status != status:
        from aisgf.lineage.services import inherited_evidence  # a model's or dataset's document counts too

        if ob.catalog_id not in inherited_evidence(session, ob.system_id):
            raise InvalidInput.coded("registry.met_needs_evidence", where="status")
    if status == ObligationStatus.not_applicable and not ((note if note is not None else ob.note) or "").strip():
        raise InvalidInput.coded("registry.not_applicable_needs_reason", where="note")
    if status is not None and status != ob.status:
        ob.waived_by = ob.waiver_reason = None
        ob.waiver_expires = None
        ob.waiver_state = None
    if status == ObligationStatus.met and sign_off:
        ob.signed_off_by, ob.signed_off_at = by.username, now()
    elif status is not None and status != ObligationStatus.met:
        ob.signed_off_by = ob.signed_off_at = None
    if status is not None:
        ob.status = status
    if owner is not None:
        ob.owner_account = _account(session, owner, "owner") if owner.strip() else None
    if due_date is not None:
        ob.due_date = due_date
    if note is not None:
        ob.note = note
    ob.updated_at = now()
    session.flush()
    after = ObligationOut.of(ob, today()).model_dump(mode="json")
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before.get(k) != after[k]
               and k not in ("updated_at", "version")}
    append_event(session, actor=actor, action="obligation.updated", entity_type="system",
                 entity_id=ob.system.key, payload={"obligation": ob.id, "catalog_id": ob.catalog_id,
                                                   "changes": changed})
    return ob


# --------------------------------------------------------------------------- evidence


def _resolve_obligations(session: Session, system: AISystem, refs: Iterable[str | int]) -> list[Obligation]:
    return [find_obligation(session, system, r) for r in refs]


class UnsupportedType(InvalidInput):
    status = 415
    type_slug = "unsupported-media-type"
    title = "Unsupported file type"


# Evidence files: documents, data extracts, images, archives, tool reports. Anything else
# (executables, HTML that a browser would run) is refused, through the pages and the API alike.
EVIDENCE_TYPES = frozenset({
    "application/pdf", "text/plain", "text/markdown", "text/csv", "application/json", "application/x-yaml",
    "application/yaml", "text/yaml", "image/png", "image/jpeg", "image/webp", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream",
})
EVIDENCE_SUFFIXES = (".pdf", ".txt", ".md", ".csv", ".json", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".webp",
                     ".zip", ".docx", ".xlsx", ".cdx.json", ".log")


def check_evidence_file(filename: str, media_type: str | None) -> None:
    """Refuse a file whose name or declared type is not an accepted kind of evidence (415)."""
    name = filename.lower()
    ctype = (media_type or "application/octet-stream").split(";")[0].strip().lower()
    if ctype not in EVIDENCE_TYPES or not name.endswith(EVIDENCE_SUFFIXES):
        raise UnsupportedType.coded("registry.file_type_refused", where="file", ctype=ctype,
                                    suffix=name.rsplit(".", 1)[-1] if "." in name else "-",
                                    accepted=list(EVIDENCE_SUFFIXES))


#: An evidence link: http or https, a host, no spaces or control characters (the API documents the same).
WEB_URI_PATTERN = r"^[hH][tT][tT][pP][sS]?://[^/?#\x00-\x20\x7f]+[^\x00-\x20\x7f]*$"


def add_evidence(
    session: Session, store: EvidenceStore, ref: str | int, *, by: Principal, obligations: Iterable[str | int] = (),
    stream: BinaryIO | None = None, filename: str | None = None, media_type: str | None = None,
    uri: str | None = None, description: str = "", expires_at: date | None = None, max_bytes: int,
) -> Evidence:
    """Attach a file (stored by SHA-256) or a URI to a system and some of its obligations."""
    system = _governed(session, ref, by)
    actor = by.actor
    obs = _resolve_obligations(session, system, obligations)
    if (stream is None) == (uri is None):
        raise InvalidInput.coded("registry.evidence_file_or_uri", where="evidence")
    ev = Evidence(system_id=system.id, description=description or "", added_by=actor, added_at=now(),
                  expires_at=expires_at)
    if stream is not None:
        check_evidence_file(filename or "", media_type)
        sha, size = store.put(stream, max_bytes=max_bytes, name=filename or "upload")
        ev.kind, ev.sha256, ev.size = "file", sha, size
        ev.filename = (filename or sha)[:300]
        ev.media_type = media_type or "application/octet-stream"
    else:
        assert uri is not None
        # Links are followed by people from the pages: http(s) only, never javascript:, data: or file:.
        if not re.fullmatch(WEB_URI_PATTERN, uri):
            raise InvalidInput.coded("registry.uri_not_web", where="uri", uri=uri[:80])
        ev.kind, ev.uri = "uri", uri
    session.add(ev)
    session.flush()
    for ob in obs:
        session.add(EvidenceLink(evidence_id=ev.id, obligation_id=ob.id))
    session.flush()
    append_event(session, actor=actor, action="evidence.added", entity_type="system", entity_id=system.key,
                 payload={"evidence": ev.id, "kind": ev.kind, "sha256": ev.sha256, "size": ev.size,
                          "filename": ev.filename, "uri": ev.uri, "description": ev.description,
                          "obligations": [o.catalog_id for o in obs],
                          "expires_at": expires_at.isoformat() if expires_at else None})
    return ev


def get_evidence(session: Session, evidence_id: int, *, viewer: Principal | None = None) -> Evidence:
    ev = session.get(Evidence, check_range(evidence_id, "evidence"))
    if ev is None or not _may_see(viewer, get_system(session, ev.system_id)):  # as for obligations
        raise NotFound.coded("registry.no_evidence", where="evidence", id=evidence_id)
    return ev


def list_evidence(session: Session, system: AISystem) -> list[Evidence]:
    return list(session.scalars(select(Evidence).where(Evidence.system_id == system.id).order_by(Evidence.id)))


# --------------------------------------------------------------------------- views


def system_detail(session: Session, system: AISystem) -> SystemDetail:
    """A system with its current assessment, the reviews it waits for, obligations, evidence and reviews."""
    return SystemDetail.build(system, today=today(), review_state=review_state(session, system),
                              evidence=list_evidence(session, system), reviews=list_reviews(session, system))
