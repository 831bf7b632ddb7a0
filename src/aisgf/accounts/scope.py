"""Who may see and do what: one `allowed(principal, action, obj)` for services, routes, templates, the CLI.

Why one module: the role groups and actions are data (`data/permissions.yaml`), and the rules about
one object (an owner sees and governs only their own systems; a reviewer decides only for their own
functions) are written here once, so a page, an API route and a command cannot disagree. The route
table (`web/policy.yaml`) uses the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from aisgf.accounts.models import ROLES
from aisgf.accounts.principal import SYSTEM, Principal, principal_for
from aisgf.errors import Forbidden, InvalidInput, NotFound, Unauthorized

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from aisgf.registry.models import AISystem

PERMISSIONS_FILE = Path(__file__).parent / "data" / "permissions.yaml"
#: Actions whose object is a system that an owner may only touch when it is theirs.
OWNED_ACTIONS = frozenset({"system.view", "system.govern"})


@dataclass(frozen=True)
class Permissions:
    groups: dict[str, frozenset[str]]
    actions: dict[str, frozenset[str]]

    def roles(self, names: str | list[str]) -> frozenset[str]:
        """Roles named directly or through a group (`everyone`, `governors`, …)."""
        out: set[str] = set()
        for n in [names] if isinstance(names, str) else names:
            out.update(self.groups.get(n, {n}))
        return frozenset(out)


@lru_cache(maxsize=1)
def load_permissions() -> Permissions:
    """Read and check the table; an unknown role or a malformed entry stops start-up, never a silent deny."""
    where = str(PERMISSIONS_FILE)
    doc = yaml.safe_load(PERMISSIONS_FILE.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), dict) or not isinstance(doc.get("actions"), dict):
        raise InvalidInput("the permissions table needs `groups:` and `actions:` mappings", where=where)
    groups: dict[str, frozenset[str]] = {}
    for name, members in doc["groups"].items():
        if not isinstance(members, list) or not set(members) <= set(ROLES):
            raise InvalidInput(f"group {name!r} must list roles of {list(ROLES)}", where=f"{where}: groups.{name}")
        groups[name] = frozenset(members)
    perms = Permissions(groups, {})
    for action, who in doc["actions"].items():
        roles = perms.roles(who if isinstance(who, str | list) else [])
        if not roles or not roles <= set(ROLES):
            raise InvalidInput(f"action {action!r} must name roles or groups; unknown: "
                               f"{sorted(roles - set(ROLES)) or who!r}", where=f"{where}: actions.{action}")
        perms.actions[action] = roles
    return perms


def allowed(p: Principal, action: str, obj: Any = None) -> bool:
    """May `p` do `action` (to `obj`, when given)?

    `obj` is a system for the system actions (an owner: only their own) and a reviewer function for
    `review.decide` (a reviewer: only their own). The SYSTEM principal (bootstrap steps) may do anything.
    """
    if p.role == SYSTEM.role:  # the platform itself (bootstrap steps); no account has this role
        return True
    roles = load_permissions().actions.get(action)
    if roles is None:
        raise KeyError(f"no action {action!r} in {PERMISSIONS_FILE.name}")
    if p.role not in roles:
        return False
    if obj is None:
        return True
    if action in OWNED_ACTIONS and p.role == "owner":
        return getattr(obj, "owner_id", None) == p.user_id
    if action == "review.decide":
        return obj in p.functions
    return True


def owned_only(p: Principal | None) -> int | None:
    """The account ID a list of systems must be limited to for `p` (None: every system)."""
    if p is None or p.role != "owner":
        return None
    return p.user_id


def principal_named(session: Session, name: str | None, *, where: str = "--as") -> Principal:
    """The account a command acts as (`--as` or AISGF_ACTOR): an existing, enabled account.

    The CLI goes through the same checks as the web: it acts as a person, with that person's role
    and functions, and the audit trail names them. Only bootstrap steps (the first admin,
    db-upgrade, restore) act as the SYSTEM principal.
    """
    from aisgf.accounts.people import find_account

    if not name or not name.strip():
        raise InvalidInput.coded("accounts.say_who_acts", where=where)
    user = find_account(session, name, where=where)
    if user.disabled_at is not None:
        raise Unauthorized.coded("accounts.disabled_actor", where=where, username=user.username)
    return principal_for(user, via="cli")


def require(p: Principal, action: str, obj: Any = None) -> None:
    """Refuse (403) an action `p` may not take; for a system `p` may not see, it does not exist (404)."""
    if obj is not None and action in OWNED_ACTIONS:
        check_can_see(p, obj)
    if not allowed(p, action, obj):
        raise Forbidden.coded("accounts.not_allowed", where=action, role=p.role, action=action)


def check_can_see(p: Principal, system: AISystem) -> None:
    """Owners see their own systems only; to them another owner's system does not exist."""
    if not allowed(p, "system.view", system):
        raise NotFound.coded("registry.no_system", where="system", ref=system.key)


def check_can_review(p: Principal, function: str) -> None:
    """Reviewers decide for their own functions only."""
    if not allowed(p, "review.decide", function):
        mine: list[str] | str = list(p.functions) or "none"
        raise Forbidden.coded("accounts.review_other_function", where="function", mine=mine, function=function)
