"""Attach a label-check report to a registered system as evidence for its labeling obligations.

Why here and not in the registry: labeling is a library first and never needs a database; only
this bridge (imported on demand by ``aisgf label detect --attach-to``) knows the registry. The
registry stores the file and appends the audit event in one transaction
(:func:`aisgf.registry.reports.attach_json_report`), so evidence never exists without its audit
record, nor the other way round.
"""

from __future__ import annotations

from typing import Any

from aisgf.db import Database
from aisgf.registry.reports import attach_json_report

# Framework items a label check is evidence for: 4.1.3.a (label AI-generated output) and 5.2
# (traceability of AI services). The risk they address, 3.2.1.b, is a risk, not an obligation.
LABELING_OBLIGATIONS = ("4.1.3.a", "5.2")


def attach_report(
    database: Database,
    report_json: str,
    system: str | int,
    *,
    actor: str,
    obligations: list[str] | None = None,
    filename: str = "aigc-label-report.json",
    summary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store the JSON report as evidence of `system`; returns the evidence record as a dict.

    Without `obligations`, the report is linked to those of the system's required obligations
    that are labeling obligations; a system with none of them needs them named explicitly.
    """
    description = "AIGC label check (GB 45438-2025)"
    if summary:
        description += (
            f": {summary.get('files', 0)} files, {summary.get('valid_implicit', 0)} with a valid implicit label"
        )
    return attach_json_report(
        database,
        report_json,
        system,
        actor=actor,
        tool_obligations=LABELING_OBLIGATIONS,
        tool="labeling",
        description=description,
        filename=filename,
        obligations=obligations,
    )
