"""API tokens: made for a person (only a hash is kept), listed, revoked, and traced back to the person.

A token acts as its owner, with the owner's current role; tokens made before accounts existed are
adopted by the first admin.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.common import (
    now,
    sha256_hex,
)
from aisgf.accounts.models import ApiToken, ApiTokenOwner, User
from aisgf.accounts.principal import Principal, principal_for
from aisgf.audit.service import append_event
from aisgf.errors import InvalidInput, NotFound, Unauthorized


def create_token(session: Session, user: User, *, name: str, by: Principal) -> str:
    """A personal API token: it acts as `user`, with `user`'s role, until revoked (made by them or an admin)."""
    from aisgf.accounts.people import self_or_managing

    actor = self_or_managing(by, user).actor
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,60}", name):
        raise InvalidInput.coded("accounts.bad_token_name", where="name")
    token = create_api_token(session, name=f"{user.username}/{name}", actor=actor)
    session.add(ApiTokenOwner(token_id=token_row(session, token).id, user_id=user.id))
    session.flush()
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).join(ApiTokenOwner, ApiTokenOwner.token_id == ApiToken.id)
                                .where(ApiTokenOwner.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, user: User, token_id: int, *, by: Principal) -> None:
    """Revoke one of `user`'s tokens (by them or an admin)."""
    from aisgf.accounts.people import self_or_managing

    actor = self_or_managing(by, user).actor
    row = session.scalar(select(ApiToken).join(ApiTokenOwner, ApiTokenOwner.token_id == ApiToken.id)
                         .where(ApiTokenOwner.user_id == user.id, ApiToken.id == token_id))
    if row is None:
        raise NotFound.coded("accounts.no_token", where="token", id=token_id)
    if row.revoked_at is None:
        row.revoked_at = now()
        session.flush()
        append_event(session, actor=actor, action="api_token.revoked", entity_type="api_token",
                     entity_id=row.name, payload={"count": 1})


def adopt_unowned_tokens(session: Session, admin: User, *, actor: str) -> int:
    """Tokens made before accounts existed (`aisgf token create`, the first-start token) become the admin's."""
    owned = select(ApiTokenOwner.token_id)
    rows = list(session.scalars(select(ApiToken).where(ApiToken.id.not_in(owned))))
    for r in rows:
        session.add(ApiTokenOwner(token_id=r.id, user_id=admin.id))
    if rows:
        session.flush()
        append_event(session, actor=actor, action="api_token.adopted", entity_type="user", entity_id=admin.username,
                     payload={"tokens": [r.name for r in rows]})
    return len(rows)


def authenticate_bearer(session: Session, token: str, *, configured: str | None = None) -> Principal:
    """The person behind an API token. A configured AISGF_API_TOKEN acts as the first active admin."""
    if configured and hmac.compare_digest(token, configured):
        admin = session.scalar(select(User).where(User.role == "admin", User.disabled_at.is_(None))
                               .order_by(User.id).limit(1))
        if admin is None:
            raise Unauthorized.coded("accounts.configured_token_needs_admin", where="Authorization")
        return principal_for(admin, via="token", token_name="configured")
    row = session.execute(
        select(ApiToken, User).join(ApiTokenOwner, ApiTokenOwner.token_id == ApiToken.id)
        .join(User, User.id == ApiTokenOwner.user_id)
        .where(ApiToken.token_hash == sha256_hex(token), ApiToken.revoked_at.is_(None))).first()
    if row is None:
        raise Unauthorized.coded("accounts.unknown_token", where="Authorization")
    tok, user = row
    if user.disabled_at is not None:
        raise Unauthorized.coded("accounts.token_owner_disabled", where="Authorization")
    return principal_for(user, via="token", token_name=tok.name.split("/", 1)[-1])


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, *, name: str, actor: str) -> str:
    """Create a token; only its hash is kept, so the plain token is returned exactly once."""
    token = "aisgf_" + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_hash_token(token), created_at=now()))
    session.flush()
    append_event(session, actor=actor, action="api_token.created", entity_type="api_token", entity_id=name,
                 payload={"name": name})
    return token


def token_row(session: Session, token: str) -> ApiToken:
    """The stored row of a plain token (looked up by its hash)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None:
        raise NotFound.coded("accounts.unknown_api_token")
    return row
