"""Who may see and do what, beyond the route table: owners see their own systems, reviewers decide
for their own functions, governance leads name any owner.

Why one module: routes, pages, templates and the CLI ask these questions; answered here once, they
cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aisgf.accounts.people import normal_name
from aisgf.accounts.principal import Principal
from aisgf.errors import Forbidden, InvalidInput, NotFound

if TYPE_CHECKING:
    from aisgf.registry.models import AISystem

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
