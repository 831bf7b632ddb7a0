"""Request dependencies shared by every concern's router: the session, the actor, paging."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Header, Query, Request
from sqlalchemy.orm import Session

from aisgf.config import Settings
from aisgf.db import Database
from aisgf.errors import NotFound, Unauthorized
from aisgf.registry.evidence_store import EvidenceStore


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> EvidenceStore:
    return request.app.state.store


def get_session(db: Database = Depends(get_database)) -> Iterator[Session]:
    with db.session() as s:
        yield s


def require_writer(
    request: Request,
    authorization: str | None = Header(default=None, description="Bearer <API token>"),
    x_aisgf_actor: str | None = Header(default=None, description="Person acting through the token"),
) -> str:
    """Writes need an API token; the actor recorded in the audit trail names the token (and person)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("this request changes data and needs an API token: "
                           "send 'Authorization: Bearer <token>'", where="Authorization")
    token = authorization.split(" ", 1)[1].strip()
    from aisgf.registry.services import authenticate_token

    db: Database = request.app.state.db
    with db.session() as s:
        try:
            name = authenticate_token(s, token, configured=request.app.state.settings.api_token)
        except NotFound as exc:
            raise Unauthorized("unknown or revoked API token", where="Authorization") from exc
    actor = f"token:{name}"
    if x_aisgf_actor:
        actor += f" ({x_aisgf_actor.strip()[:100]})"
    return actor


@dataclass
class Page:
    limit: int
    offset: int


def paging(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> Page:
    return Page(limit=limit, offset=offset)
