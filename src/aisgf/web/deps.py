"""Request dependencies shared by every concern's router: the session, the actor, paging."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPBearer
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from aisgf.config import Settings
from aisgf.db import Database
from aisgf.errors import MAX_JSON_INT, MAX_PAGE, Unauthorized, register_messages
from aisgf.registry.evidence_store import EvidenceStore


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> EvidenceStore:
    return request.app.state.store


_READ_METHODS = ("GET", "HEAD")


def _read_factory(db: Database) -> sessionmaker[Session] | None:
    """SQLite only: sessions for reads that never take the write lock.

    The core's engine begins every transaction with `BEGIN IMMEDIATE` so concurrent writers queue
    instead of failing; for page and API reads that would serialise every request behind one lock.
    In WAL mode readers need no lock at all, so GET requests use a second engine that begins
    deferred transactions on `query_only` connections — a GET that tried to write would fail loudly.
    """
    if not db.is_sqlite:
        return None
    factory = getattr(db, "_aisgf_read_factory", None)
    if factory is None:
        timeout = db.settings.db_busy_timeout_s
        engine = create_engine(db.engine.url, connect_args={"timeout": timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA query_only=ON")
            cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        factory = sessionmaker(engine, expire_on_commit=False)
        db._aisgf_read_factory = factory  # type: ignore[attr-defined]
    return factory


def get_session(request: Request, db: Database = Depends(get_database)) -> Iterator[Session]:
    """One unit of work per request: reads on SQLite get a lock-free read session (see above)."""
    factory = _read_factory(db) if request.method in _READ_METHODS else None
    if factory is None:
        with db.session() as s:
            yield s
        return
    s = factory()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


#: The session dependency every route and page uses (one object, so one session per request). Its
#: `function` scope ends the unit of work when the handler returns, before the response is sent: the
#: commit (or the rollback on an error) happens here, so a redirect is only sent once the change is
#: stored, and a failed commit (a stale write) is the request's error. Handlers never commit.
SESSION: Any = Depends(get_session, scope="function")

MESSAGES = register_messages({
    "web.write_needs_token": "this request changes data and needs an API token: send 'Authorization: Bearer <token>'",
    "web.sign_in_or_token": "sign in or send 'Authorization: Bearer <token>'",
})


def require_writer(request: Request) -> str:
    """The actor the audit trail records for a write: the person behind the API token.

    `aisgf.web.authz.authorize` (mounted on every router) has already authenticated the token and
    checked the route against the policy table; this only names who acts.
    """
    p = getattr(request.state, "principal", None)
    if p is None:
        raise Unauthorized.coded("web.write_needs_token", where="Authorization")
    return str(p.actor)


def current_principal(request: Request) -> Any:
    """The `aisgf.accounts.services.Principal` that `authorize` resolved for this request."""
    p = getattr(request.state, "principal", None)
    if p is None:
        raise Unauthorized.coded("web.sign_in_or_token", where="Authorization")
    return p


@dataclass
class Page:
    limit: int
    offset: int


def paging(limit: int = Query(50, ge=1, le=MAX_PAGE, description=f"rows per page, 1-{MAX_PAGE}"),
           offset: int = Query(0, ge=0, le=MAX_JSON_INT, description="rows to skip")) -> Page:
    return Page(limit=limit, offset=offset)


#: A numeric ID in a path: what the database can hold, so a bigger one is a 422 naming it, never a crash.
PathID = Annotated[int, Path(ge=0, le=MAX_JSON_INT)]
#: An offset in a page's query string (pages: `?offset=`), bounded the same way.
QueryOffset = Annotated[int, Query(ge=0, le=MAX_JSON_INT)]

#: The API's one security scheme in the OpenAPI document (the Authorize button of /docs): a personal API
#: token sent as `Authorization: Bearer <token>`. It only documents; `aisgf.web.authz.authorize` checks
#: the token (auto_error off, so a missing or wrong header is authorize's 401, with its problem document).
bearer_token = HTTPBearer(auto_error=False, scheme_name="bearerToken",
                          description="A personal API token (the Account page, or `aisgf token create NAME "
                          "--user USERNAME`); it acts with its owner's role.")
