"""Who is acting: a person signed in (browser session or API token), or the system itself.

Why one type: services, routes, templates and CLI commands all ask the same questions of it (who,
which role, which functions, what to write in the audit trail); `aisgf.accounts.scope` answers
what it may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisgf.accounts.models import User


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in person (browser session or one of their API tokens)."""

    user_id: int
    username: str
    role: str
    functions: tuple[str, ...] = ()
    via: str = "session"          # session | token | cli
    token_name: str | None = None
    language: str = "zh"
    timezone: str = "Asia/Shanghai"
    display_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def may(self, action: str, obj: Any = None) -> bool:
        """`aisgf.accounts.scope.allowed(self, action, obj)`, for templates (`me.may('audit.read')`)."""
        from aisgf.accounts.scope import allowed

        return allowed(self, action, obj)

    @property
    def actor(self) -> str:
        """The name the audit trail records."""
        return f"{self.username} (token:{self.token_name})" if self.via == "token" else self.username


def principal_for(user: User, *, via: str = "session", token_name: str | None = None) -> Principal:
    return Principal(user_id=user.id, username=user.username, role=user.role, functions=tuple(user.functions or ()),
                     via=via, token_name=token_name, language=user.language, timezone=user.timezone,
                     display_name=user.display_name or user.username)


def system_principal(name: str = "system") -> Principal:
    """The platform acting by itself, named as the audit trail should record it (`system`, `oidc`, `setup:ada`).

    For bootstrap steps only (the first admin, db-upgrade, restore, accounts an identity provider
    creates); its role `system` is none an account can have, and `allowed` lets it do anything.
    """
    return Principal(user_id=0, username=name, role="system", display_name="aisgf (system)")


#: The platform itself (see `system_principal`).
SYSTEM = system_principal()
