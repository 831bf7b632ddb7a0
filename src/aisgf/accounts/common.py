"""What the account modules share: limits, the message IDs of their errors, clocks and digests.

Why a module of its own: people, sign-in, sessions, tokens and the scope each raise errors a page
translates by ID; the IDs are registered once, here, whichever module a caller imports first.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from aisgf.accounts.models import User
from aisgf.errors import register_messages

# Roles that must use a second factor (the framework's §6.3 asks key-sector users for MFA; the
# accounts that can change who reviews what — admins, and governance leads, who keep the rules and the
# catalog and name systems' owners — and the reviewers who approve, come first).
MFA_REQUIRED_ROLES = ("admin", "governance_lead", "reviewer")
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
    "accounts.unknown_api_token": "unknown API token",
    "accounts.say_who_acts": "say which account acts: --as USERNAME or AISGF_ACTOR=USERNAME (an existing account)",
    "accounts.disabled_actor": "the account {username!r} is disabled; it cannot act",
    "accounts.not_allowed": "a person with the role {role!r} may not do {action!r}",
})


def now() -> datetime:
    return datetime.now(UTC)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def mfa_required(user: User) -> bool:
    """Admins, governance leads and reviewers must sign in with a second factor."""
    return user.role in MFA_REQUIRED_ROLES
