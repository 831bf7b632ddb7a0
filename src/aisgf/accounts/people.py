"""People: accounts, their role and reviewer functions, preferences, password changes, unlocks.

Why here and not in routes: the CLI (`aisgf user …`), the admin pages and the API change accounts
the same way, each change with its audit event.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisgf.accounts.common import _USERNAME_RE, now
from aisgf.accounts.models import LANGUAGES, ROLES, User
from aisgf.accounts.passwords import check_policy, hash_password, verify_password
from aisgf.accounts.principal import Principal
from aisgf.accounts.sessions import revoke_sessions
from aisgf.accounts.tokens import adopt_unowned_tokens
from aisgf.audit.service import append_event
from aisgf.errors import Conflict, InvalidInput, NotFound


def managing(by: Principal) -> Principal:
    """`by`, if it may manage accounts (an admin, or the SYSTEM principal); else a 403."""
    from aisgf.accounts.scope import require

    require(by, "accounts.manage")
    return by


def self_or_managing(by: Principal, user: User) -> Principal:
    """`by`, if it is `user` themself or may manage accounts; else a 403."""
    return by if by.user_id == user.id else managing(by)


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


def create_user(session: Session, *, username: str, password: str, role: str, by: Principal,
                functions: list[str] | None = None, email: str | None = None, display_name: str = "",
                language: str = "zh", timezone: str = "Asia/Shanghai") -> User:
    """Create an account; the password must pass the policy; never a default password.

    `by` manages accounts (an admin), or is the SYSTEM principal (the first admin, sign-in through an
    identity provider that creates accounts).
    """
    actor = managing(by).actor
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


def set_disabled(session: Session, ref: str | int, *, disabled: bool, by: Principal) -> User:
    """Disable (or re-enable) an account; disabling ends its sessions and stops its tokens."""
    actor = managing(by).actor
    user = get_user(session, ref)
    if disabled and user.role == "admin" and user.disabled_at is None:
        others = session.scalar(select(func.count(User.id)).where(
            User.role == "admin", User.disabled_at.is_(None), User.id != user.id)) or 0
        if others == 0:
            raise Conflict.coded("accounts.last_admin_disable", where="user")
    user.disabled_at = now() if disabled else None
    if disabled:
        revoke_sessions(session, user)
    session.flush()
    append_event(session, actor=actor, action="user.disabled" if disabled else "user.enabled",
                 entity_type="user", entity_id=user.username, payload={})
    return user


def set_role(session: Session, ref: str | int, *, role: str, functions: list[str] | None = None,
             by: Principal) -> User:
    """Give a person another role (and reviewer functions).

    The person's browser sessions end: a role change is a change of privilege, and sessions are
    renewed at every privilege change — it also makes sure that someone who now needs a second
    factor (a new admin or reviewer) enrols before going on, instead of keeping a session that was
    opened without one. API tokens stay valid and act with the new role from the next request, since
    a token carries its owner's current role. The last active admin cannot stop being one.
    """
    actor = managing(by).actor
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
    ended = revoke_sessions(session, user)
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


def change_password(session: Session, user: User, *, current: str, new: str, by: Principal) -> None:
    """A person changes their own password (knowing the current one)."""
    actor = self_or_managing(by, user).actor
    if not verify_password(user.password_hash, current):
        raise InvalidInput.coded("accounts.wrong_current_password", where="current_password")
    check_policy(new, username=user.username, where="new_password")
    user.password_hash, user.password_changed_at = hash_password(new), now()
    session.flush()
    append_event(session, actor=actor, action="user.password_changed", entity_type="user",
                 entity_id=user.username, payload={})


def reset_mfa(session: Session, ref: str | int, *, by: Principal) -> User:
    """Remove a person's second factor (lost phone); they enrol again at next sign-in."""
    actor = managing(by).actor
    user = get_user(session, ref)
    user.totp_secret, user.totp_enabled, user.totp_last_step, user.recovery_codes = None, False, None, []
    user.failed_logins, user.locked_until = 0, None
    revoke_sessions(session, user)
    session.flush()
    append_event(session, actor=actor, action="user.mfa_reset", entity_type="user", entity_id=user.username,
                 payload={})
    return user


def unlock(session: Session, ref: str | int, *, by: Principal) -> User:
    """Lift a lockout after failed sign-ins."""
    actor = managing(by).actor
    user = get_user(session, ref)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    append_event(session, actor=actor, action="user.unlocked", entity_type="user", entity_id=user.username,
                 payload={})
    return user
