"""Attach a screening report to a registered system as evidence for its training-data obligations.

Why a separate bridge: screening is a library that never needs a database (it runs on Dask
workers and on laptops without a registry); only this module, imported on demand by
``aisgf screen ... --attach-to`` and ``aisgf screen verdicts ... --attach-to``, knows the registry.
"""

from __future__ import annotations

from typing import Any

from aisgf.db import Database
from aisgf.registry.reports import attach_json_report
from aisgf.screening.report import to_json

# Framework items a screening report is evidence for (§4.1.2): (b) intellectual property — the
# copyright/licence markers; (c) strict screening for high-risk (CBRN) data — the keyword
# libraries; (d) sensitive personal information — the PI detectors; (e) invalid, wrong or
# biased data filtered out — the quality checks and the TC260-003 sampling assessments.
SCREENING_OBLIGATIONS = ("4.1.2.b", "4.1.2.c", "4.1.2.d", "4.1.2.e")


def describe(report: dict[str, Any]) -> str:
    """One line for the evidence list: what was screened and the sampling verdicts."""
    if "totals" not in report:  # a manual-sample assessment (`aisgf screen verdicts`)
        return (
            f"Training-data screening (§4.1.2), manual sample (TC260-003): {report.get('size', 0)} judged, "
            f"pass rate {_pct(report.get('pass_rate'))}, verdict {report.get('verdict')}"
        )
    t = report["totals"]
    text = (
        f"Training-data screening (§4.1.2): {t.get('documents', 0)} documents in {t.get('files', 0)} files, "
        f"{_pct(t.get('rate_with_findings'))} with findings"
    )
    tech = report.get("sampling", {}).get("technical")
    if tech:
        rate = _pct(tech.get("pass_rate"))
        text += f"; technical sample {tech.get('size', 0)}, pass rate {rate}, verdict {tech.get('verdict')}"
    return text


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f} %"


def attach_report(
    database: Database,
    report: dict[str, Any],
    system: str | int,
    *,
    actor: str,
    obligations: list[str] | None = None,
    filename: str = "screening-report.json",
) -> dict[str, Any]:
    """Store the report (JSON) as evidence of ``system``; returns the evidence record as a dict.

    Without ``obligations`` it is linked to the system's required obligations among
    :data:`SCREENING_OBLIGATIONS`; a system with none of them needs them named explicitly.
    """
    return attach_json_report(
        database,
        to_json(report),
        system,
        actor=actor,
        tool_obligations=SCREENING_OBLIGATIONS,
        tool="training-data screening",
        description=describe(report),
        filename=filename,
        obligations=obligations,
    )
