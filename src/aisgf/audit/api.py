"""REST routes for reading and verifying the audit trail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from aisgf.audit.service import event_dict, list_events, verify_chain
from aisgf.web.deps import Page, get_session, paging

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("/events")
def events(
    entity_type: str | None = None, entity_id: str | None = None, action: str | None = None,
    actor: str | None = None, page: Page = Depends(paging), s: Session = Depends(get_session),
) -> dict[str, Any]:
    rows, total = list_events(s, entity_type=entity_type, entity_id=entity_id, action=action, actor=actor,
                              limit=page.limit, offset=page.offset)
    return {"items": [event_dict(e) for e in rows], "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/verify")
def verify(request: Request) -> dict[str, Any]:
    """Recompute the whole chain; `ok: false` names the first bad event."""
    return verify_chain(request.app.state.db.engine).as_dict()
