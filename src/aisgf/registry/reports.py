"""Attach a tool's JSON report to a registered system as evidence for some of its obligations.

Why one helper: the label checker and the training-data screener both end with "store this
report as evidence of system X for obligations Y" — the same rules (default to the system's
required obligations among the tool's own, refuse when there are none, one transaction for the
file and its audit event) should not be written twice.
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


def attach_json_report(
    database: Database,
    report_json: str,
    system: str | int,
    *,
    actor: str,
    tool_obligations: Sequence[str],
    tool: str,
    description: str,
    filename: str,
    obligations: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Store ``report_json`` as evidence of ``system``; returns the evidence record as a dict.

    Without ``obligations``, the report is linked to those of the system's required obligations
    that are among ``tool_obligations``; a system with none of them needs them named explicitly.
    The file and its ``evidence.added`` audit event are written in one transaction.
    """
    store = EvidenceStore(database.settings.resolved_evidence_dir)
    with database.session() as s:
        target = svc.get_system(s, system)
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
            actor=actor,
            obligations=chosen,
            stream=io.BytesIO(report_json.encode("utf-8")),
            filename=filename,
            media_type="application/json",
            description=description,
            max_bytes=database.settings.max_upload_bytes,
        )
        return EvidenceOut.of(ev, svc.today()).model_dump(mode="json")
