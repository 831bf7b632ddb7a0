"""Read models for the pages: the dashboard's counts and the review queue.

Why separate from the registry services: these are views for people (counts, queues, lists) that
decide nothing; every rule they rely on (which reviews a system still needs) comes from
`registry.services.review_state`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from aisgf.audit.models import AuditEvent
from aisgf.registry import services as svc
from aisgf.registry.models import AISystem, Obligation


def _counts(session: Session, column: Any, owner: str | None) -> dict[str, int]:
    q = select(column, func.count()).group_by(column)
    if owner is not None:
        q = q.where(AISystem.owner == owner)
    return {str(k): int(n) for k, n in session.execute(q) if k is not None}


def dashboard(session: Session, *, owner: str | None, with_audit: bool) -> dict[str, Any]:
    """Systems by tier, lane and status; overdue obligations; systems in review; recent audit events."""
    overdue, overdue_total = _overdue(session, owner)
    in_review_q = select(AISystem).where(AISystem.status == "in_review")
    if owner is not None:
        in_review_q = in_review_q.where(AISystem.owner == owner)
    in_review = list(session.scalars(in_review_q.order_by(AISystem.updated_at.desc()).limit(10)))
    in_review_total = _counts(session, AISystem.status, owner).get("in_review", 0)
    events: list[AuditEvent] = []
    if with_audit:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(10)))
    total_q = select(func.count(AISystem.id))
    if owner is not None:
        total_q = total_q.where(AISystem.owner == owner)
    return {
        "total": session.scalar(total_q) or 0,
        "by_tier": _counts(session, AISystem.tier, owner),
        "by_lane": _counts(session, AISystem.lane, owner),
        "by_status": _counts(session, AISystem.status, owner),
        "overdue": overdue, "overdue_total": overdue_total,
        "in_review": in_review, "in_review_total": in_review_total,
        "events": events,
    }


def _overdue(session: Session, owner: str | None, limit: int = 10) -> tuple[list[Obligation], int]:
    """Open obligations past their due date (the same rule as `list_obligations(overdue=True)`).

    Written here so the query leads with the due-date index: SQLite without statistics prefers the
    status index, which holds nearly every obligation; `lower(status)` keeps it from doing so.
    """
    q = select(Obligation).options(selectinload(Obligation.system)).where(
        Obligation.due_date < svc.today(), func.lower(Obligation.status).in_(("open", "in_progress")))
    if owner is not None:
        q = q.where(Obligation.system_id.in_(select(AISystem.id).where(AISystem.owner == owner)))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(session.scalars(q.order_by(Obligation.due_date, Obligation.id).limit(limit)))
    return rows, total


@dataclass
class QueueItem:
    system: AISystem
    assessment: int
    functions: list[str]          # the functions this person may still decide on
    done: dict[str, str]          # function → latest decision in this round


def review_queue(session: Session, functions: tuple[str, ...] | None, limit: int = 200) -> list[QueueItem]:
    """Systems in review that still wait for one of `functions` (None: any function)."""
    rows = session.scalars(select(AISystem).where(AISystem.status == "in_review").order_by(AISystem.updated_at)
                           .limit(limit))
    out: list[QueueItem] = []
    for system in rows:
        state = svc.review_state(session, system)
        waiting = [f for f, r in state.items() if (r is None or r.decision != "approve")
                   and (functions is None or f in functions)]
        if waiting:
            a = svc.current_assessment(system)
            out.append(QueueItem(system=system, assessment=a.number if a else 0, functions=waiting,
                                 done={f: r.decision for f, r in state.items() if r is not None}))
    return out


def overdue_count(session: Session) -> int:
    return session.scalar(select(func.count(Obligation.id)).where(
        Obligation.due_date < svc.today(), Obligation.status.in_(("open", "in_progress")))) or 0
