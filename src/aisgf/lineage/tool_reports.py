"""A screening report attached to a dataset (`aisgf screen … --attach-to dataset:NAME`).

Why on the dataset: one training corpus feeds many systems, and 4.1.2.b–e are questions about the
data, so the report belongs where the data is described; systems that use the dataset inherit it for
those obligations (`lineage.services.inherited_evidence`, counted by the go-live gate). A report whose
keyword library falls short of TC260-003 §8.1 is attached for the record but counts for no obligation:
its description starts "NOT A PASS" (`registry.tool_reports.describe_screening`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.tool_reports import SCREENING_TOOL, describe_screening, tool_obligations


def attach_screening_to_dataset(database: Database, report: dict[str, Any], dataset: str, *, actor: str | None,
                                obligations: Sequence[str] | None = None,
                                filename: str = "screening-report.json") -> dict[str, Any]:
    """Store the report once as evidence of `dataset`, one link per obligation it serves; returns what was stored."""
    from aisgf.accounts.scope import principal_named
    from aisgf.lineage import services as lin
    from aisgf.screening.report import to_json

    allowed = tool_obligations(SCREENING_TOOL)
    chosen = list(obligations or allowed)
    unknown = [o for o in chosen if o not in allowed]
    if unknown:
        raise InvalidInput(f"a screening report serves {', '.join(allowed)}; not {', '.join(unknown)}",
                           where="--obligation")
    library = report.get("keyword_library") or {}
    counts = library.get("meets_tc260_003") is not False  # a short library is never a pass
    text = to_json(report).encode("utf-8")
    description = describe_screening(report)
    store = EvidenceStore(database.settings.resolved_evidence_dir)
    with database.session() as s:
        by = principal_named(s, actor)
        d = lin.get_dataset(s, dataset, viewer=by)
        ids = []
        for catalog_id in (chosen if counts else [None]):
            ev = lin.add_lineage_evidence(s, store, by=by, dataset=d.id, purpose="datasheet", catalog_id=catalog_id,
                                          stream=io.BytesIO(text), filename=filename, media_type="application/json",
                                          description=description,
                                          max_bytes=database.settings.max_upload_bytes)
            ids.append(ev.id)
        return {"dataset": d.name, "evidence": ids, "obligations": chosen if counts else [],
                "sha256": ev.sha256, "counts": counts, "description": description}
