"""REST routes for reading and verifying the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from aisgf.audit.schemas import AuditEventOut, EventsPage, VerifyOut
from aisgf.audit.service import list_events, verify_chain
from aisgf.web.deps import SESSION, Page, paging
from aisgf.web.schemas import problems

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=problems(401, 403, 422, 503))


@router.get("/events", response_model=EventsPage)
def events(
    entity_type: str | None = None, entity_id: str | None = None, action: str | None = None,
    actor: str | None = None, page: Page = Depends(paging), s: Session = SESSION,
) -> EventsPage:
    rows, total = list_events(s, entity_type=entity_type, entity_id=entity_id, action=action, actor=actor,
                              limit=page.limit, offset=page.offset)
    return EventsPage(items=[AuditEventOut.of(e) for e in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/verify", response_model=VerifyOut)
def verify(request: Request) -> VerifyOut:
    """Recompute the whole chain; `ok: false` names the first bad event."""
    return verify_chain(request.app.state.db.engine).out()
