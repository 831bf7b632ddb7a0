"""The accounts concern's services in one namespace (`from aisgf.accounts import services as acc`).

The code lives by purpose: `people` (accounts, roles, preferences), `signin` (password, lockout, the
second factor), `sessions` (browser sessions), `tokens` (API tokens), `scope` (who may see and do
what) and `principal` (who is acting). Callers that want one of them import it directly; this module
keeps the one namespace routes and the CLI have always used.
"""

from __future__ import annotations

from aisgf.accounts.common import (
    ISSUER,
    LOCK_BASE,
    LOCK_MAX,
    MAX_FREE_FAILURES,
    MESSAGES,
    MFA_REQUIRED_ROLES,
    RECOVERY_CODES,
    SESSION_IDLE,
    SESSION_MAX,
    aware,
    now,
)
from aisgf.accounts.people import *  # noqa: F403
from aisgf.accounts.principal import SYSTEM, Principal, principal_for
from aisgf.accounts.scope import *  # noqa: F403
from aisgf.accounts.sessions import *  # noqa: F403
from aisgf.accounts.signin import *  # noqa: F403
from aisgf.accounts.tokens import *  # noqa: F403

__all__ = [
    "ISSUER", "LOCK_BASE", "LOCK_MAX", "MAX_FREE_FAILURES", "MESSAGES", "MFA_REQUIRED_ROLES", "RECOVERY_CODES",
    "SESSION_IDLE", "SESSION_MAX", "SYSTEM", "Principal", "aware", "now", "principal_for",
]
