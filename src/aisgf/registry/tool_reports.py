"""Tools' reports become evidence: a screening report or a label check stored for a system's obligations.

Why here and not in the tools: screening and labeling are libraries that never need a database (they
run on Dask workers and laptops); the registry, which owns evidence, imports their report formats,
and which obligations a tool's report serves is catalog data (`catalog/data/evidence-tools.yaml`).
Their CLIs' `--attach-to` calls the functions below. One helper for both, because the rules are the
same: default to the system's required obligations among the tool's own, refuse when there are
none, and write the file and its audit event in one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.schemas import EvidenceOut

SCREENING_TOOL = "training-data-screening"
LABEL_CHECK_TOOL = "aigc-label-check"


def tool_obligations(tool: str) -> tuple[str, ...]:
    """The framework items a tool's report is evidence for, from the catalog's evidence-tools data."""
    from aisgf.catalog.loader import load_evidence_tools

    return tuple(load_evidence_tools().tools[tool].obligations)


def attach_json_report(
    database: Database,
    report_json: str,
    system: str | int,
    *,
    actor: str | None,
    tool_obligations: Sequence[str],
    tool: str,
    description: str,
    filename: str,
    obligations: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Store ``report_json`` as evidence of ``system``, as the account ``actor``; returns the evidence record.

    Without ``obligations``, the report is linked to those of the system's required obligations
    that are among ``tool_obligations``; a system with none of them needs them named explicitly.
    The file and its ``evidence.added`` audit event are written in one transaction.
    """
    from aisgf.accounts.scope import principal_named

    store = EvidenceStore(database.settings.resolved_evidence_dir)
    with database.session() as s:
        p = principal_named(s, actor)  # the account that attaches: add_evidence checks it may govern the system
        target = svc.get_system(s, system, viewer=p)
        chosen = list(obligations or [])
        if not chosen:
            chosen = [ob.catalog_id for ob in target.obligations if ob.required and ob.catalog_id in tool_obligations]
        if not chosen:
            raise InvalidInput(
                f"system {target.key} has none of the {tool} obligations "
                f"({', '.join(tool_obligations)}); name one with --obligation",
                where="--attach-to",
            )
        ev = svc.add_evidence(
            s,
            store,
            target.key,
            by=p,
            obligations=chosen,
            stream=io.BytesIO(report_json.encode("utf-8")),
            filename=filename,
            media_type="application/json",
            description=description,
            max_bytes=database.settings.max_upload_bytes,
        )
        return EvidenceOut.of(ev, svc.today()).model_dump(mode="json")


# --------------------------------------------------------------------------- training-data screening


def describe_screening(report: dict[str, Any]) -> str:
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
    library = report.get("keyword_library") or {}
    if library.get("meets_tc260_003") is False:
        # A library short of TC260-003 §8.1 screens too little to count: said first, never a pass.
        short = "; ".join(
            f"{x.get('category') or x.get('what')} short by {x.get('short_by')}" for x in library.get("shortfalls", [])
        )
        text = f"NOT A PASS: keyword library below TC260-003 §8.1 ({short}). " + text
    return text


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f} %"


def attach_screening_report(
    database: Database,
    report: dict[str, Any],
    system: str | int,
    *,
    actor: str | None,
    obligations: list[str] | None = None,
    filename: str = "screening-report.json",
) -> dict[str, Any]:
    """Store a screening report (its JSON form) as evidence of ``system``; returns the evidence record.

    Without ``obligations`` it is linked to the system's required obligations among the screening
    tool's (§4.1.2.b-e by default); a system with none of them needs them named explicitly.
    """
    from aisgf.screening.report import to_json

    return attach_json_report(
        database,
        to_json(report),
        system,
        actor=actor,
        tool_obligations=tool_obligations(SCREENING_TOOL),
        tool="training-data screening",
        description=describe_screening(report),
        filename=filename,
        obligations=obligations,
    )


# --------------------------------------------------------------------------- AIGC label checks


def attach_label_report(
    database: Database,
    report_json: str,
    system: str | int,
    *,
    actor: str | None,
    obligations: list[str] | None = None,
    filename: str = "aigc-label-report.json",
    summary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a label-check report (JSON) as evidence of ``system``; returns the evidence record.

    Without ``obligations``, it is linked to those of the system's required obligations that the
    label check serves (4.1.3.a, 5.2 by default); a system with none of them needs them named.
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
        tool_obligations=tool_obligations(LABEL_CHECK_TOOL),
        tool="labeling",
        description=description,
        filename=filename,
        obligations=obligations,
    )
