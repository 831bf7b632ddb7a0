"""The registry's fixed vocabulary: lifecycle states, obligation statuses, review decisions.

Why enums in one module: these words are written into rows, audit payloads, URLs and forms; defined
once (like NetBox's `choices.py`), a filter, a form and a service cannot disagree on them. Tiers,
lanes and reviewer functions are not here: they are ruleset data (`aisgf.intake.ruleset`), read from
the ruleset in force wherever they are needed.
"""

from __future__ import annotations

from enum import StrEnum


class Lifecycle(StrEnum):
    """Where a system is in its life; moves follow from assessments and reviews (see services)."""

    intake = "intake"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    live = "live"
    retired = "retired"


class ObligationStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    met = "met"
    not_applicable = "not_applicable"
    waived = "waived"


class ReviewDecision(StrEnum):
    approve = "approve"
    send_back = "send_back"


# An obligation is still owed (and can be overdue) in these statuses.
OUTSTANDING: tuple[ObligationStatus, ...] = (ObligationStatus.open, ObligationStatus.in_progress)


def values(enum: type[StrEnum]) -> list[str]:
    """The accepted words of an enum, in order (for error messages and forms)."""
    return [m.value for m in enum]
