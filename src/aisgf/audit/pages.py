"""The audit page: the hash-chained log with filters, a verify button, and an export for auditors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from aisgf.audit.schemas import AuditEventOut
from aisgf.audit.service import list_events, verify_chain
from aisgf.web.deps import SESSION, QueryOffset
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
PAGE = 50


def _filters(entity_type: str, entity_id: str, action: str, actor: str) -> dict[str, str | None]:
    return {"entity_type": entity_type.strip() or None, "entity_id": entity_id.strip() or None,
            "action": action.strip() or None, "actor": actor.strip() or None}


@router.get("/audit")
def audit_page(request: Request, entity_type: str = "", entity_id: str = "", action: str = "", actor: str = "",
               offset: QueryOffset = 0, s: Session = SESSION) -> Response:
    f = _filters(entity_type, entity_id, action, actor)
    rows, total = list_events(s, **f, limit=PAGE, offset=offset)  # type: ignore[arg-type]
    return render(request, "audit.html", events=[AuditEventOut.of(e) for e in rows], total=total, offset=offset,
                  page=PAGE, filters={k: v or "" for k, v in f.items()})


@router.get("/audit/verify")
def verify(request: Request) -> Response:
    """Recompute the whole chain now and show the result (htmx fragment, or a page without JS)."""
    result = verify_chain(request.app.state.db.engine).out()
    template = "partials/verify.html" if request.headers.get("hx-request") else "verify.html"
    return render(request, template, result=result)


@router.get("/audit/export")
def export(request: Request, entity_type: str = "", entity_id: str = "", action: str = "", actor: str = "",
           s: Session = SESSION) -> Response:
    """Every matching event as JSON Lines, oldest first, with its hashes, for offline verification."""
    f = _filters(entity_type, entity_id, action, actor)
    rows, _total = list_events(s, **f, limit=10_000_000, newest_first=False)  # type: ignore[arg-type]
    lines = [json.dumps(AuditEventOut.of(e).model_dump(mode="json"), ensure_ascii=False) + "\n" for e in rows]

    def body() -> Iterator[str]:
        yield from lines

    return StreamingResponse(body(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="aisgf-audit.jsonl"'})
