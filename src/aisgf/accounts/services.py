"""Account services: people, sign-in with a second factor, sessions, tokens, and who may see what.

Why here and not in routes: the CLI (`aisgf user …`), the pages and the API all create users, check
passwords and lock accounts the same way; every rule about lockout, MFA and sessions lives here,
and every change to an account appends an audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from aisgf.accounts.models import LANGUAGES, ROLES, ApiToken, ApiTokenOwner, User, WebSession
from aisgf.accounts.passwords import check_policy, hash_password, needs_rehash, verify_password
from aisgf.audit.service import append_event
from aisgf.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, register_messages
from aisgf.registry import services as registry
from aisgf.registry.models import AISystem

# Roles that must use a second factor (the framework's §6.3 asks key-sector users for MFA; the
# accounts that can change who reviews what, and the reviewers who approve, come first).
MFA_REQUIRED_ROLES = ("admin", "reviewer")
MAX_FREE_FAILURES = 5          # failures before the account locks
LOCK_BASE = timedelta(seconds=30)
LOCK_MAX = timedelta(hours=1)
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
RECOVERY_CODES = 10
ISSUER = "aisgf"

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")

# Message ID → English text of the errors a person can meet here (pages translate them by ID).
MESSAGES = register_messages({
    "accounts.bad_username": "a username is 2-100 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit",
    "accounts.unknown_role": "unknown role {value!r}; accepted: {accepted}",
    "accounts.unknown_function": "unknown reviewer function {value}; accepted: {accepted}",
    "accounts.reviewer_needs_function": "a reviewer needs at least one function",
    "accounts.functions_for_reviewers_only": "only reviewers have functions",
    "accounts.bad_email": "not an e-mail address",
    "accounts.bad_language": "language is one of {accepted}",
    "accounts.user_exists": "a user named {username!r} already exists",
    "accounts.bad_timezone": "unknown time zone {value!r} (e.g. Asia/Shanghai, Europe/Berlin)",
    "accounts.no_user": "no user {ref!r}",
    "accounts.no_account": "no account {name!r}: an owner is an account (username or e-mail address); "
                           "create it first (aisgf user create NAME --role owner)",
    "accounts.last_admin_disable": "this is the last active admin; create another admin first",
    "accounts.last_admin_role": "this is the last active admin; make another person admin first",
    "accounts.wrong_current_password": "the current password is not right",
    "accounts.locked": "too many failed attempts; this account is locked until {until:%Y-%m-%d %H:%M:%S} UTC",
    "accounts.wrong_login": "wrong username or password",
    "accounts.disabled": "this account is disabled; ask an administrator",
    "accounts.wrong_code": "the code is not right (or was already used)",
    "accounts.enrolment_not_started": "start the enrolment first",
    "accounts.wrong_enrolment_code": "the code is not right; check the time on your phone and try again",
    "accounts.bad_token_name": "a token name is 1-60 of A-Z, a-z, 0-9, '.', '_', '-'",
    "accounts.no_token": "you have no API token {id}",
    "accounts.configured_token_needs_admin": "AISGF_API_TOKEN works once an admin account exists",
    "accounts.unknown_token": "unknown or revoked API token (or one that no person owns yet)",
    "accounts.token_owner_disabled": "the owner of this API token is disabled",
    "accounts.review_other_function": "you may review as {mine}, not as {function}",
    "accounts.owner_registers_own": "an owner registers systems for themself",
})


def now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- principal


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in person (browser session or one of their API tokens)."""

    user_id: int
    username: str
    role: str
    functions: tuple[str, ...] = ()
    via: str = "session"          # session | token
    token_name: str | None = None
    language: str = "zh"
    timezone: str = "Asia/Shanghai"
    display_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def actor(self) -> str:
        """The name the audit trail records."""
        return f"{self.username} (token:{self.token_name})" if self.via == "token" else self.username


def principal_for(user: User, *, via: str = "session", token_name: str | None = None) -> Principal:
    return Principal(user_id=user.id, username=user.username, role=user.role, functions=tuple(user.functions or ()),
                     via=via, token_name=token_name, language=user.language, timezone=user.timezone,
                     display_name=user.display_name or user.username)


# --------------------------------------------------------------------------- users


def reviewer_functions() -> tuple[str, ...]:
    """The reviewer functions a reviewer may hold: those of the ruleset in force (its `reviewers:`).

    Read from the ruleset rather than written here, so a ruleset that adds a function (say `ethics`)
    can be given to people and reviewed under at once.
    """
    from aisgf.intake.ruleset import load_ruleset

    return load_ruleset().functions


def _in_ruleset_order(functions: list[str] | None) -> list[str]:
    known = reviewer_functions()
    return sorted(set(functions or []), key=lambda f: known.index(f) if f in known else len(known))


def _validate_profile(username: str, role: str, functions: list[str], email: str | None) -> None:
    if not _USERNAME_RE.match(username):
        raise InvalidInput.coded("accounts.bad_username", where="username")
    if role not in ROLES:
        raise InvalidInput.coded("accounts.unknown_role", where="role", value=role, accepted=list(ROLES))
    known = reviewer_functions()
    bad = [f for f in functions if f not in known]
    if bad:
        raise InvalidInput.coded("accounts.unknown_function", where="functions", value=", ".join(bad),
                                 accepted=list(known))
    if role == "reviewer" and not functions:
        raise InvalidInput.coded("accounts.reviewer_needs_function", where="functions")
    if role != "reviewer" and functions:
        raise InvalidInput.coded("accounts.functions_for_reviewers_only", where="functions")
    if email and not re.match(r"^[^@\s]+@[^@\s]+$", email):
        raise InvalidInput.coded("accounts.bad_email", where="email")


def create_user(session: Session, *, username: str, password: str, role: str, actor: str,
                functions: list[str] | None = None, email: str | None = None, display_name: str = "",
                language: str = "zh", timezone: str = "Asia/Shanghai") -> User:
    """Create an account; the password must pass the policy; never a default password."""
    username = username.strip().lower()
    functions = _in_ruleset_order(functions)
    _validate_profile(username, role, functions, email)
    if language not in LANGUAGES:
        raise InvalidInput.coded("accounts.bad_language", where="language", accepted=list(LANGUAGES))
    _check_timezone(timezone)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict.coded("accounts.user_exists", where="username", username=username)
    check_policy(password, username=username)
    t = now()
    user = User(username=username, email=email or None, display_name=display_name.strip()[:200],
                password_hash=hash_password(password), role=role, functions=functions, language=language,
                timezone=timezone, totp_enabled=False, recovery_codes=[], failed_logins=0,
                created_at=t, password_changed_at=t)
    session.add(user)
    session.flush()
    append_event(session, actor=actor, action="user.created", entity_type="user", entity_id=username,
                 payload={"role": role, "functions": functions, "email": email})
    if role == "admin":
        adopt_unowned_tokens(session, user, actor=actor)
    return user


def _check_timezone(tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput.coded("accounts.bad_timezone", where="timezone", value=tz) from exc


def get_user(session: Session, ref: str | int) -> User:
    q = select(User).where(User.id == int(ref)) if str(ref).isdigit() else select(User).where(
        User.username == str(ref).strip().lower())
    user = session.scalar(q)
    if user is None:
        raise NotFound.coded("accounts.no_user", where="user", ref=ref)
    return user


def normal_name(name: str) -> str:
    """A person's name as typed, compared case- and space-insensitively ("Olivia " is `olivia`)."""
    return " ".join(name.split()).lower()


def find_account(session: Session, name: str, *, where: str = "owner") -> User:
    """The account a typed name means: its username, else its e-mail address, case- and space-insensitively.

    Owners are accounts so that the person who owns a system can see it and can be notified; a
    name that is no account is refused (create the account first) rather than stored as text.
    """
    wanted = normal_name(name)
    if not wanted:
        raise InvalidInput.coded("accounts.no_account", where=where, name=name)
    user = session.scalar(select(User).where(User.username == wanted))
    if user is None:
        matches = list(session.scalars(select(User).where(func.lower(User.email) == wanted)))
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise InvalidInput.coded("accounts.no_account", where=where, name=name)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def admin_exists(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id)).where(User.role == "admin", User.disabled_at.is_(None)))
            or 0) > 0


def set_disabled(session: Session, ref: str | int, *, disabled: bool, actor: str) -> User:
    """Disable (or re-enable) an account; disabling ends its sessions and stops its tokens."""
    user = get_user(session, ref)
    if disabled and user.role == "admin" and user.disabled_at is None:
        others = session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.disabled_at.is_(None), User.id != user.id)) or 0
        if others == 0:
            raise Conflict.coded("accounts.last_admin_disable", where="user")
    user.disabled_at = now() if disabled else None
    if disabled:
        _revoke_sessions(session, user)
    session.flush()
    append_event(session, actor=actor, action="user.disabled" if disabled else "user.enabled",
                 entity_type="user", entity_id=user.username, payload={})
    return user


def set_role(session: Session, ref: str | int, *, role: str, functions: list[str] | None = None,
             actor: str) -> User:
    """Give a person another role (and reviewer functions).

    The person's browser sessions end: a role change is a change of privilege, and sessions are
    renewed at every privilege change — it also makes sure that someone who now needs a second
    factor (a new admin or reviewer) enrols before going on, instead of keeping a session that was
    opened without one. API tokens stay valid and act with the new role from the next request, since
    a token carries its owner's current role. The last active admin cannot stop being one.
    """
    user = get_user(session, ref)
    functions = _in_ruleset_order(functions)
    _validate_profile(user.username, role, functions, None)
    if role == user.role and functions == list(user.functions or []):
        return user
    if user.role == "admin" and role != "admin" and user.disabled_at is None:
        others = session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.disabled_at.is_(None), User.id != user.id)) or 0
        if others == 0:
            raise Conflict.coded("accounts.last_admin_role", where="role")
    old_role, old_functions = user.role, list(user.functions or [])
    user.role, user.functions = role, functions
    ended = _revoke_sessions(session, user)
    session.flush()
    append_event(session, actor=actor, action="user.role_changed", entity_type="user", entity_id=user.username,
                 payload={"from": {"role": old_role, "functions": old_functions},
                          "to": {"role": role, "functions": functions}, "sessions_ended": ended})
    return user


def update_preferences(session: Session, user: User, *, language: str | None = None,
                       timezone: str | None = None) -> User:
    if language is not None:
        if language not in LANGUAGES:
            raise InvalidInput.coded("accounts.bad_language", where="language", accepted=list(LANGUAGES))
        user.language = language
    if timezone is not None:
        _check_timezone(timezone)
        user.timezone = timezone
    session.flush()
    return user


def change_password(session: Session, user: User, *, current: str, new: str, actor: str) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidInput.coded("accounts.wrong_current_password", where="current_password")
    check_policy(new, username=user.username, where="new_password")
    user.password_hash, user.password_changed_at = hash_password(new), now()
    session.flush()
    append_event(session, actor=actor, action="user.password_changed", entity_type="user",
                 entity_id=user.username, payload={})


def reset_mfa(session: Session, ref: str | int, *, actor: str) -> User:
    """Remove a person's second factor (lost phone); they enrol again at next sign-in."""
    user = get_user(session, ref)
    user.totp_secret, user.totp_enabled, user.totp_last_step, user.recovery_codes = None, False, None, []
    user.failed_logins, user.locked_until = 0, None
    _revoke_sessions(session, user)
    session.flush()
    append_event(session, actor=actor, action="user.mfa_reset", entity_type="user", entity_id=user.username,
                 payload={})
    return user


def unlock(session: Session, ref: str | int, *, actor: str) -> User:
    user = get_user(session, ref)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    append_event(session, actor=actor, action="user.unlocked", entity_type="user", entity_id=user.username,
                 payload={})
    return user


def mfa_required(user: User) -> bool:
    return user.role in MFA_REQUIRED_ROLES


# --------------------------------------------------------------------------- sign-in


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


def _check_lock(user: User) -> None:
    until = _aware(user.locked_until)
    if until and until > now():
        raise LockedOut.coded("accounts.locked", where="username", extra={"locked_until": until.isoformat()},
                              until=until)


def check_password(session: Session, username: str, password: str) -> User:
    """The first factor. Failures count towards the lockout; the message never says which part was wrong."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        verify_password(None, password)
        raise Unauthorized.coded("accounts.wrong_login", where="username")
    _check_lock(user)
    if not verify_password(user.password_hash, password):
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
    hashed = _sha(code)
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
    user.recovery_codes = [_sha(c.replace("-", "")) for c in codes]
    user.totp_enabled = True
    user.totp_last_step = int(now().timestamp()) // 30
    session.flush()
    append_event(session, actor=user.username, action="user.mfa_enrolled", entity_type="user",
                 entity_id=user.username, payload={})
    return codes


# --------------------------------------------------------------------------- sessions


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
    ws = WebSession(token_hash=_sha(token), user_id=user.id, stage=_next_stage(user, not after_second_factor),
                    csrf_token=secrets.token_urlsafe(32), created_at=t, last_seen_at=t, expires_at=t + SESSION_MAX)
    session.add(ws)
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
                        .where(WebSession.token_hash == _sha(token)))
    if ws is None or ws.revoked_at is not None:
        return None
    t = now()
    expires = _aware(ws.expires_at)
    last = _aware(ws.last_seen_at)
    if (expires and expires <= t) or (last and last + SESSION_IDLE <= t) or ws.user.disabled_at is not None:
        return None
    if touch and needs_touch(ws):
        ws.last_seen_at = t
        session.flush()
    return ws


def needs_touch(ws: WebSession) -> bool:
    last = _aware(ws.last_seen_at)
    return last is None or (now() - last) > timedelta(seconds=60)  # write at most once a minute per session


def touch_session(session: Session, session_id: int) -> None:
    ws = session.get(WebSession, session_id)
    if ws is not None:
        ws.last_seen_at = now()
        session.flush()


def end_session(session: Session, ws: WebSession) -> None:
    ws.revoked_at = now()
    session.flush()


def _revoke_sessions(session: Session, user: User) -> int:
    res = session.execute(update(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
                          .values(revoked_at=now()))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


def logout_everywhere(session: Session, user: User, *, actor: str) -> int:
    n = _revoke_sessions(session, user)
    append_event(session, actor=actor, action="user.logged_out_everywhere", entity_type="user",
                 entity_id=user.username, payload={"sessions": n})
    return n


# --------------------------------------------------------------------------- API tokens


def create_token(session: Session, user: User, *, name: str, actor: str) -> str:
    """A personal API token: it acts as `user`, with `user`'s role, until revoked."""
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,60}", name):
        raise InvalidInput.coded("accounts.bad_token_name", where="name")
    token = registry.create_api_token(session, name=f"{user.username}/{name}", actor=actor)
    session.add(ApiTokenOwner(token_id=registry.token_row(session, token).id, user_id=user.id))
    session.flush()
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).join(ApiTokenOwner, ApiTokenOwner.token_id == ApiToken.id)
                                .where(ApiTokenOwner.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, user: User, token_id: int, *, actor: str) -> None:
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
        .where(ApiToken.token_hash == _sha(token), ApiToken.revoked_at.is_(None))).first()
    if row is None:
        raise Unauthorized.coded("accounts.unknown_token", where="Authorization")
    tok, user = row
    if user.disabled_at is not None:
        raise Unauthorized.coded("accounts.token_owner_disabled", where="Authorization")
    return principal_for(user, via="token", token_name=tok.name.split("/", 1)[-1])


# --------------------------------------------------------------------------- what a person may see and do


def sees_all_systems(p: Principal) -> bool:
    return p.role != "owner"


def owner_filter(p: Principal) -> str | None:
    """The `owner` a system list must be limited to for this person (None: all systems)."""
    return None if sees_all_systems(p) else p.username


def check_can_see(p: Principal, system: AISystem) -> None:
    """Owners see their own systems only; to them another owner's system does not exist."""
    if not sees_all_systems(p) and system.owner_id != p.user_id:
        raise NotFound.coded("registry.no_system", where="system", ref=system.key)


def check_can_review(p: Principal, function: str) -> None:
    """Reviewers decide for their own functions only."""
    if p.role != "reviewer" or function not in p.functions:
        mine: list[str] | str = list(p.functions) or "none"
        raise Forbidden.coded("accounts.review_other_function", where="function", mine=mine, function=function)


def owner_for_new_system(p: Principal, requested: str | None) -> str:
    """An owner registers systems for themself; a governance lead may name any owner."""
    if p.role == "owner":
        if requested and normal_name(requested) != p.username:
            raise Forbidden.coded("accounts.owner_registers_own", where="system.owner")
        return p.username
    if not requested or not requested.strip():
        raise InvalidInput.coded("registry.system_needs_owner", where="system.owner")
    return requested.strip()
