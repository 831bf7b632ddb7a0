"""Read models for the pages: the dashboard's counts and the review queue.

Why separate from the registry services: these are views for people (counts, queues, lists) that
decide nothing; every rule they rely on (which reviews a system still needs) comes from
`registry.services.review_state`.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisgf.audit.models import AuditEvent
from aisgf.registry import services as svc
from aisgf.registry.models import AISystem, Obligation


@dataclass(frozen=True)
class SystemRow:
    key: str
    name: str
    tier: str | None
    lane: str | None


@dataclass(frozen=True)
class OverdueRow:
    system: SystemRow
    catalog_id: str
    due_date: date | None


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: Any
    actor: str
    action: str
    entity_type: str
    entity_id: str


# The dashboard's figures, keyed by who asks, the day and the audit trail's head. Why that key is
# enough: every change to governed data appends an audit event in the same transaction (the house
# rule of `aisgf.audit`), so an unchanged head means unchanged systems, obligations and events; the
# day is in the key because "overdue" moves at midnight. Values are plain rows, never ORM objects,
# so they outlive the session that read them. Small and per process: each worker keeps its own.
_DASHBOARD_CACHE: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def audit_head(session: Session) -> int:
    return int(session.scalar(select(func.max(AuditEvent.seq))) or 0)


def dashboard(session: Session, *, owner_id: int | None, with_audit: bool) -> dict[str, Any]:
    """Systems by tier, lane and status; overdue obligations; systems in review; recent audit events."""
    bind = session.get_bind()
    key = (str(bind.url), owner_id, with_audit, svc.today(), audit_head(session))  # type: ignore[union-attr]
    with _CACHE_LOCK:
        hit = _DASHBOARD_CACHE.get(key)
        if hit is not None:
            _DASHBOARD_CACHE.move_to_end(key)
            return hit
    data = _dashboard(session, owner_id=owner_id, with_audit=with_audit)
    with _CACHE_LOCK:
        _DASHBOARD_CACHE[key] = data
        while len(_DASHBOARD_CACHE) > _CACHE_SIZE:
            _DASHBOARD_CACHE.popitem(last=False)
    return data


def _dashboard(session: Session, *, owner_id: int | None, with_audit: bool) -> dict[str, Any]:
    # One pass over the systems for all three breakdowns and the total (one GROUP BY, not four scans).
    q = select(AISystem.tier, AISystem.lane, AISystem.status, func.count()).group_by(
        AISystem.tier, AISystem.lane, AISystem.status)
    if owner_id is not None:
        q = q.where(AISystem.owner_id == owner_id)
    by_tier: Counter[str] = Counter()
    by_lane: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    total = 0
    for tier, lane, status, n in session.execute(q):
        total += n
        for counter, value in ((by_tier, tier), (by_lane, lane), (by_status, status)):
            if value is not None:
                counter[str(value)] += n
    overdue, overdue_total = _overdue(session, owner_id)
    in_review_q = select(AISystem.key, AISystem.name, AISystem.tier, AISystem.lane).where(
        AISystem.status == "in_review")
    if owner_id is not None:
        in_review_q = in_review_q.where(AISystem.owner_id == owner_id)
    in_review = [SystemRow(*row) for row in session.execute(in_review_q.order_by(AISystem.updated_at.desc())
                                                            .limit(10))]
    events: list[EventRow] = []
    if with_audit:
        events = [EventRow(e.seq, e.at, e.actor, e.action, e.entity_type, e.entity_id) for e in session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(10))]
    return {
        "total": total,
        "by_tier": dict(by_tier), "by_lane": dict(by_lane), "by_status": dict(by_status),
        "overdue": overdue, "overdue_total": overdue_total,
        "in_review": in_review, "in_review_total": by_status.get("in_review", 0),
        "events": events,
        "gates": _gate_counts(session, owner_id),
    }


def _gate_counts(session: Session, owner_id: int | None) -> dict[str, int]:
    from aisgf.registry.gates import gate_counts

    return gate_counts(session, owner_id=owner_id)


def _overdue(session: Session, owner_id: int | None, limit: int = 10) -> tuple[list[OverdueRow], int]:
    """Obligations past their due date (`Obligation.overdue_on`, the rule `list_obligations` uses too)."""
    where = [Obligation.overdue_on(svc.today())]
    if owner_id is not None:
        where.append(Obligation.system_id.in_(select(AISystem.id).where(AISystem.owner_id == owner_id)))
    total = session.scalar(select(func.count(Obligation.id)).where(*where)) or 0
    q = (select(AISystem.key, AISystem.name, AISystem.tier, AISystem.lane, Obligation.catalog_id, Obligation.due_date)
         .join(AISystem, AISystem.id == Obligation.system_id).where(*where)
         .order_by(Obligation.due_date, Obligation.id).limit(limit))
    rows = [OverdueRow(SystemRow(k, n, t, ln), cid, due) for k, n, t, ln, cid, due in session.execute(q)]
    return rows, total


@dataclass
class QueueItem:
    system: AISystem
    assessment: int
    functions: list[str]          # the functions this person may still decide on
    done: dict[str, str]          # function → latest decision in this round


def review_queue(session: Session, functions: tuple[str, ...] | None, limit: int = 200) -> list[QueueItem]:
    """Systems in review that still wait for one of `functions` (None: any function), oldest first.

    The limit counts items that wait for this person, not systems in review: systems are read in
    batches and filtered by function until `limit` items are found, so a reviewer whose systems sit
    behind many others that wait only for other functions still sees them.
    """
    out: list[QueueItem] = []
    batch, offset = max(limit, 100), 0
    base = select(AISystem).where(AISystem.status == "in_review").order_by(AISystem.updated_at, AISystem.id)
    while len(out) < limit:
        rows = list(session.scalars(base.limit(batch).offset(offset)))
        for system in rows:
            state = svc.review_state(session, system)
            waiting = svc.waiting_functions(state, functions)
            if waiting:
                a = svc.current_assessment(system)
                out.append(QueueItem(system=system, assessment=a.number if a else 0, functions=waiting,
                                     done={f: r.decision for f, r in state.items() if r is not None}))
                if len(out) == limit:
                    break
        if len(rows) < batch:
            break
        offset += batch
    return out


def overdue_count(session: Session) -> int:
    return session.scalar(select(func.count(Obligation.id)).where(Obligation.overdue_on(svc.today()))) or 0
