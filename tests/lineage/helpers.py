"""A small supply chain for the lineage tests: a vendor, a publisher, three models in a chain, a system."""

from __future__ import annotations

from typing import Any

from aisgf.db import Database
from aisgf.lineage import services as lin
from aisgf.lineage.reference import load_admission_rules
from aisgf.registry import services as reg
from tests.answers import LOW
from tests.people import who


def system(db: Database, name: str = "Support assistant", owner: str = "alice") -> str:
    with db.session() as s:
        return reg.register_system(s, name=name, owner=owner, answers=LOW, by=who(s, owner, "owner")).key


def admitted_vendor(s: Any, name: str = "Zhipu Cloud") -> int:
    """A vendor that passed due diligence and every admission review."""
    lead = who(s, "gina")
    v = lin.add_vendor(s, by=lead, name=name, kind="vendor", country="CN", supplies=["model_api", "weights"])
    rules = load_admission_rules()
    lin.answer_due_diligence(s, v.id, by=lead, answers={q.id: "yes" for q in rules.questions},
                             clauses={c.id: True for c in rules.clauses})
    lin.move_vendor(s, v.id, "due_diligence", by=lead)
    for fn, held in (("procurement", "business"), ("legal", "legal"), ("infosec", "infosec")):
        lin.review_vendor(s, v.id, by=who(s, f"rv-{held}", "reviewer", [held]), function=fn, decision="approve")
    lin.move_vendor(s, v.id, "admitted", by=lead)
    return v.id


def documented(s: Any, model_id: int, catalog_id: str | None = "6.2.e") -> None:
    lin.add_lineage_evidence(s, None, by=who(s, "gina"), model=model_id, purpose="responsibility",
                             catalog_id=catalog_id, uri=f"https://docs.example.cn/models/{model_id}/responsibility")


def three_hops(db: Database, key: str, *, document_middle: bool = False) -> dict[str, int]:
    """base (vendor's, admitted) ← tuned (ours) ← quant (ours), the system using quant; the middle hop
    has no responsibility document unless asked."""
    with db.session() as s:
        lead = who(s, "gina")
        vendor = admitted_vendor(s)
        full = {"licence": "Apache-2.0", "training_data": "described in the card", "intended_use": "chat"}
        base = lin.add_model(s, by=lead, name="GLM-4", version="9b", kind="foundation", vendor=vendor,
                             filing_number="Beijing-ZhipuHuaZhang-20230830", **full).id
        tuned = lin.add_model(s, by=lead, name="support-glm", version="1", kind="fine_tune",
                              accountable_team="AI platform", **full).id
        quant = lin.add_model(s, by=lead, name="support-glm-int4", version="1", kind="quantisation",
                              accountable_team="AI platform", **full).id
        lin.add_edge(s, tuned, base, "fine_tune", by=lead)
        lin.add_edge(s, quant, tuned, "quantisation", by=lead)
        documented(s, base)
        documented(s, quant)
        if document_middle:
            documented(s, tuned)
        lin.link_system_model(s, key, quant, "primary", by=who(s, "alice", "owner"))
    return {"base": base, "tuned": tuned, "quant": quant}
