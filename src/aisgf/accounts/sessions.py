"""Browser sessions on the server: opened, rotated at each sign-in step, touched, ended (one or all).

Only a hash of the cookie is stored, so ending a session is a row update.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from aisgf.accounts.common import (
    SESSION_IDLE,
    SESSION_MAX,
    aware,
    mfa_required,
    now,
    sha256_hex,
)
from aisgf.accounts.models import User, WebSession
from aisgf.accounts.principal import Principal
from aisgf.audit.service import append_event


def _next_stage(user: User, password_only: bool) -> str:
    if password_only and user.totp_enabled:
        return "mfa"
    if mfa_required(user) and not user.totp_enabled:
        return "enroll"
    return "full"


def open_session(session: Session, user: User, *, after_second_factor: bool = False) -> tuple[str, WebSession]:
    """A brand-new session (new ID and CSRF token) — never a continuation of one the browser brought."""
    token = secrets.token_urlsafe(32)
    t = now()
    ws = WebSession(token_hash=sha256_hex(token), user_id=user.id, stage=_next_stage(user, not after_second_factor),
                    csrf_token=secrets.token_urlsafe(32), created_at=t, last_seen_at=t, expires_at=t + SESSION_MAX)
    session.add(ws)
    if ws.stage == "full":  # the failure count holds across the password step, so failed codes add up too
        user.failed_logins, user.locked_until = 0, None
    session.flush()
    return token, ws


def rotate_session(session: Session, ws: WebSession, *, after_second_factor: bool = True) -> tuple[str, WebSession]:
    """End `ws` and open a fresh one for the next sign-in stage (rotation at every privilege change)."""
    ws.revoked_at = now()
    return open_session(session, ws.user, after_second_factor=after_second_factor)


def find_session(session: Session, token: str | None, *, touch: bool = True) -> WebSession | None:
    """The live session for a cookie value, or None (unknown, revoked, idle too long, too old, disabled).

    With `touch`, the idle clock restarts (written at most once a minute); read-only callers pass
    False and call `touch_session` in a write transaction when `needs_touch` says so.
    """
    if not token:
        return None
    ws = session.scalar(select(WebSession).options(joinedload(WebSession.user))
                        .where(WebSession.token_hash == sha256_hex(token)))
    if ws is None or ws.revoked_at is not None:
        return None
    t = now()
    expires = aware(ws.expires_at)
    last = aware(ws.last_seen_at)
    if (expires and expires <= t) or (last and last + SESSION_IDLE <= t) or ws.user.disabled_at is not None:
        return None
    if touch and needs_touch(ws):
        ws.last_seen_at = t
        session.flush()
    return ws


def needs_touch(ws: WebSession) -> bool:
    last = aware(ws.last_seen_at)
    return last is None or (now() - last) > timedelta(seconds=60)  # write at most once a minute per session


def touch_session(session: Session, session_id: int) -> None:
    ws = session.get(WebSession, session_id)
    if ws is not None:
        ws.last_seen_at = now()
        session.flush()


def end_session(session: Session, ws: WebSession) -> None:
    ws.revoked_at = now()
    session.flush()


def revoke_sessions(session: Session, user: User) -> int:
    res = session.execute(update(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
                          .values(revoked_at=now()))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


def logout_everywhere(session: Session, user: User, *, by: Principal) -> int:
    """End every session of `user` (themself, or an admin for them)."""
    from aisgf.accounts.people import self_or_managing

    actor = self_or_managing(by, user).actor
    n = revoke_sessions(session, user)
    append_event(session, actor=actor, action="user.logged_out_everywhere", entity_type="user",
                 entity_id=user.username, payload={"sessions": n})
    return n
