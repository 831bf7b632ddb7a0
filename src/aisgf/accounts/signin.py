"""Sign-in: the password, lockout after failures, the TOTP second factor and its enrolment.

Why apart from sessions: these rules decide whether a person is who they say; sessions only
remember that they were.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.common import (
    ISSUER,
    LOCK_BASE,
    LOCK_MAX,
    MAX_FREE_FAILURES,
    RECOVERY_CODES,
    aware,
    now,
    sha256_hex,
)
from aisgf.accounts.models import User
from aisgf.accounts.passwords import hash_password, needs_rehash, verify_password
from aisgf.audit.service import append_event
from aisgf.errors import Conflict, InvalidInput, Unauthorized


class LockedOut(Unauthorized):
    type_slug = "locked-out"
    title = "Account locked"


def _fail(session: Session, user: User) -> None:
    """Count a failure; from the MAX_FREE_FAILURES-th on, lock for a doubling period (back-off)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    over = user.failed_logins - MAX_FREE_FAILURES
    if over >= 0:
        wait = min(LOCK_BASE * (2 ** over), LOCK_MAX)
        user.locked_until = now() + wait
        if over == 0:
            append_event(session, actor="aisgf", action="user.locked", entity_type="user",
                         entity_id=user.username, payload={"failures": user.failed_logins,
                                                           "seconds": int(wait.total_seconds())})
    session.flush()


def _locked(user: User) -> bool:
    until = aware(user.locked_until)
    return bool(until and until > now())


def _check_lock(user: User) -> None:
    if _locked(user):
        until = aware(user.locked_until)
        raise LockedOut.coded("accounts.locked", where="username", extra={"locked_until": until.isoformat()
                                                                           if until else None}, until=until)


def check_password(session: Session, username: str, password: str) -> User:
    """The first factor. Failures count towards the lockout.

    An unknown username, a wrong password and a locked account give the same error and cost the same
    argon2 verification (a dummy hash for an unknown name), so neither the text nor the time tells
    which accounts exist or are locked. A locked account is not told even after the right password:
    that answer would tell someone guessing which password is right while the lock holds them back.
    (The second step, where the person has shown the password, says until when: `check_second_factor`.)
    """
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    right = verify_password(user.password_hash if user is not None else None, password)
    if user is None or _locked(user):
        raise Unauthorized.coded("accounts.wrong_login", where="username")
    if not right:
        _fail(session, user)
        raise Unauthorized.coded("accounts.wrong_login", where="username")
    if user.disabled_at is not None:
        raise Unauthorized.coded("accounts.disabled", where="username")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_second_factor(session: Session, user: User, code: str) -> str:
    """A 6-digit TOTP code (each used once) or one of the recovery codes (consumed). Returns which."""
    _check_lock(user)
    code = code.strip().replace(" ", "").replace("-", "").lower()
    if user.totp_enabled and user.totp_secret and re.fullmatch(r"\d{6}", code):
        totp = pyotp.TOTP(user.totp_secret)
        for offset in (0, -1, 1):
            at = now() + timedelta(seconds=30 * offset)
            step = int(at.timestamp()) // 30
            if hmac.compare_digest(totp.at(at), code):
                if user.totp_last_step is not None and step <= user.totp_last_step:
                    break  # replayed code
                user.totp_last_step = step
                user.failed_logins, user.locked_until = 0, None
                session.flush()
                return "totp"
    hashed = sha256_hex(code)
    if hashed in (user.recovery_codes or []):
        user.recovery_codes = [c for c in user.recovery_codes if c != hashed]
        user.failed_logins, user.locked_until = 0, None
        session.flush()
        append_event(session, actor=user.username, action="user.recovery_code_used", entity_type="user",
                     entity_id=user.username, payload={"left": len(user.recovery_codes)})
        return "recovery"
    _fail(session, user)
    raise Unauthorized.coded("accounts.wrong_code", where="code")


def start_totp_enrolment(session: Session, user: User) -> str:
    """A new secret, kept until confirmed with a code; returns the otpauth:// URI for the QR code."""
    if not user.totp_secret or user.totp_enabled:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def confirm_totp_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Turn MFA on once the person shows a valid code; returns the recovery codes (shown once)."""
    if not user.totp_secret:
        raise Conflict.coded("accounts.enrolment_not_started", where="code")
    if not pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1):
        raise InvalidInput.coded("accounts.wrong_enrolment_code", where="code")
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [sha256_hex(c.replace("-", "")) for c in codes]
    user.totp_enabled = True
    user.totp_last_step = int(now().timestamp()) // 30
    session.flush()
    append_event(session, actor=user.username, action="user.mfa_enrolled", entity_type="user",
                 entity_id=user.username, payload={})
    return codes
