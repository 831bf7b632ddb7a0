"""The responsibility-chain check of a system, stored as its evidence for 6.2(e).

Why a stored report and not only the live panel: 6.2(e) asks the provider to *examine* the
developers' responsibility documentation so the chain can be traced back; an auditor asks when it was
examined, by whom, and what the chain was then. The report is a JSON file in the evidence store
(content-addressed, audited by the registry's `evidence.added`), linked to the system's 6.2.e
obligation only when every hop is documented: a broken chain is kept for the record and meets nothing,
as a short keyword library's screening report does. Which obligation the check serves is catalog data
(`catalog/data/evidence-tools.yaml`, tool `responsibility-chain-check`).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisgf.errors import Conflict, register_messages
from aisgf.lineage import graph
from aisgf.lineage.schemas import ChainOut, FilingPathOut

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from aisgf.accounts.principal import Principal
    from aisgf.registry.evidence_store import EvidenceStore
    from aisgf.registry.models import Evidence

CHAIN_TOOL = "responsibility-chain-check"

MESSAGES = register_messages({
    "lineage.chain_nothing_to_check": "system {key} has no model linked: there is no chain to check "
                                      "(aisgf model link {key} MODEL)",
})


@dataclass(frozen=True)
class RecordedCheck:
    evidence: Evidence
    chain: graph.Chain
    counts: bool                 # linked to an obligation (the chain is complete)
    obligations: list[str]


def chain_report(session: Session, system: str | int, *, by: Principal) -> tuple[graph.Chain, dict[str, Any]]:
    """The chain and the report an auditor reads: every hop with its path and what it lacks, the filing paths."""
    from aisgf.registry.services import get_system, now

    target = get_system(session, system, viewer=by)
    chain = graph.chain(session, target.id, viewer=by)
    filing = graph.filing_paths(session, target.id, viewer=by)
    report = {
        "tool": CHAIN_TOOL,
        "framework_item": "6.2.e",
        "system": {"key": target.key, "name": target.name},
        "checked_at": now().isoformat(),
        "checked_by": by.actor,
        "complete": chain.ok,
        "chain": ChainOut.of(chain).model_dump(mode="json"),
        "filing": [FilingPathOut.of(f).model_dump(mode="json") for f in filing],
    }
    return chain, report


def record_chain_check(session: Session, store: EvidenceStore, system: str | int, *, by: Principal,
                       max_bytes: int) -> RecordedCheck:
    """Check the system's chain now and store the report as its evidence (for 6.2.e when the chain is complete)."""
    from aisgf.registry import services as reg
    from aisgf.registry.tool_reports import tool_obligations

    target = reg.get_system(session, system, viewer=by)
    chain, report = chain_report(session, target.id, by=by)
    if not chain.hops:
        raise Conflict.coded("lineage.chain_nothing_to_check", where=f"system {target.key}", key=target.key)
    serves = tool_obligations(CHAIN_TOOL)
    chosen = [ob.catalog_id for ob in target.obligations if ob.required and ob.catalog_id in serves] \
        if chain.ok else []
    broken = len(chain.broken)
    n = len(chain.hops)
    description = (f"责任链条检查（6.2.e）：{n} 个模型，链条完整 · Responsibility-chain check (6.2.e): {n} model(s), "
                   "complete" if chain.ok else
                   f"责任链条检查（6.2.e）：{n} 个环节中 {broken} 个不完整，仅作记录，不满足任何义务 · "
                   f"Responsibility-chain check (6.2.e): {broken} of {n} hop(s) broken; kept for the record, "
                   "meets no obligation")
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    stamp = report["checked_at"][:19].replace(":", "").replace("-", "")
    ev = reg.add_evidence(session, store, target.key, by=by, obligations=chosen, stream=io.BytesIO(text),
                          filename=f"chain-{target.key}-{stamp}.json", media_type="application/json",
                          description=description, max_bytes=max_bytes)
    return RecordedCheck(evidence=ev, chain=chain, counts=bool(chosen), obligations=chosen)
