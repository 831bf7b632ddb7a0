"""Typed shapes of models, datasets, vendors, components, the chain, the impact and the filing path.

Why here: the API, the CLI's `--json` and the pages give out the same models, built from rows with
`of(...)`; open questions and admission gaps are computed by the services and carried along, so a
client never re-derives them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from aisgf.lineage import graph
from aisgf.lineage import services as svc
from aisgf.lineage.models import Component, Dataset, LineageEvidence, Model, Vendor
from aisgf.registry.schemas import EvidenceOut, Timestamp


class FileOut(BaseModel):
    path: str
    size: int
    sha256: str


class ModelOut(BaseModel):
    id: int
    name: str
    version: str
    label: str
    kind: str
    accountable_team: str | None
    vendor: str | None
    licence: str | None
    intended_use: str | None
    limitations: str | None
    training_data: str | None
    security_contact: str | None
    remediation: str | None
    output_labeling: str | None
    filing_number: str | None = Field(description="生成式人工智能服务备案号")
    launch_number: str | None = Field(description="上线编号 (登记)")
    source_kind: str
    source: str | None
    stub: bool
    manifest: list[FileOut]

    @classmethod
    def of(cls, m: Model) -> ModelOut:
        return cls(id=m.id, label=m.label, vendor=m.vendor.name if m.vendor else None,
                   manifest=[FileOut(**f) for f in m.manifest or []],
                   **{f: getattr(m, f) for f in ("name", "version", "kind", "accountable_team", "licence",
                                                 "intended_use", "limitations", "training_data", "security_contact",
                                                 "remediation", "output_labeling", "filing_number", "launch_number",
                                                 "source_kind", "source", "stub")})


class LineageEvidenceOut(BaseModel):
    """A document about a model or a dataset; `catalog_id` is the obligation it serves in every system using it."""

    id: int
    model_id: int | None
    dataset_id: int | None
    purpose: str
    catalog_id: str | None = Field(description="the framework item it is evidence for (6.2.e …), or none")
    kind: str = Field(description="file | uri")
    filename: str | None
    sha256: str | None
    size: int | None
    uri: str | None
    description: str
    added_by: str
    added_at: Timestamp

    @classmethod
    def of(cls, ev: LineageEvidence) -> LineageEvidenceOut:
        return cls(**{f: getattr(ev, f) for f in cls.model_fields})


class ModelList(BaseModel):
    items: list[ModelOut]
    total: int


class EdgeOut(BaseModel):
    child: str
    parent: str
    kind: str


class QuestionOut(BaseModel):
    clause: str
    field: str
    question: str


class DatasetOut(BaseModel):
    id: int
    name: str
    source: str
    supplier: str | None
    collection_method: str | None
    lawful_basis: str | None
    personal: bool
    sensitive: bool
    important: bool
    ip_status: str | None
    annotation_rules: str | None
    quality_checks: str | None
    bias_notes: str | None
    poisoning_checks: str | None
    retention: str | None
    cross_border: bool
    cross_border_mechanism: str | None
    open_questions: list[QuestionOut] = Field(description="what 4.1.2 (b)-(e) still asks, from what is missing")

    @classmethod
    def of(cls, d: Dataset) -> DatasetOut:
        return cls(**svc.dataset_snapshot(d), id=d.id,
                   open_questions=[QuestionOut(**q) for q in svc.open_questions(d)])


class ReviewOut(BaseModel):
    function: str
    decision: str
    reason: str
    reviewer: str


class VendorOut(BaseModel):
    id: int
    name: str
    kind: str
    uscc: str | None
    country: str | None
    supplies: list[str]
    algorithm_filing: str | None = Field(description="its own 算法备案 number as 服务技术支持者")
    admission: str
    result: str | None
    result_reasons: list[str]
    due_diligence: dict[str, Any]
    clauses: dict[str, bool]
    reviews: list[ReviewOut]
    admission_gaps: list[str]

    @classmethod
    def of(cls, v: Vendor) -> VendorOut:
        return cls(id=v.id, name=v.name, kind=v.kind, uscc=v.uscc, country=v.country, supplies=v.supplies or [],
                   algorithm_filing=v.algorithm_filing, admission=v.admission, result=v.result,
                   result_reasons=v.result_reasons or [], due_diligence=v.due_diligence or {},
                   clauses=v.clauses or {},
                   reviews=[ReviewOut(function=r.function, decision=r.decision, reason=r.reason, reviewer=r.reviewer)
                            for r in v.reviews],
                   admission_gaps=svc.admission_gaps(v) if v.kind == "vendor" else [])


class ComponentOut(BaseModel):
    id: int
    kind: str
    name: str
    version: str
    label: str
    supplier: str | None
    purl: str | None

    @classmethod
    def of(cls, c: Component) -> ComponentOut:
        return cls(id=c.id, kind=c.kind, name=c.name, version=c.version, label=svc.component_label(c),
                   supplier=c.supplier.name if c.supplier else None, purl=c.purl)


class HopOut(BaseModel):
    model: str
    model_id: int
    path: list[str]
    edge: str | None
    third_party: bool
    vendor: str | None
    vendor_kind: str | None
    admission: str | None
    missing: list[str]

    @classmethod
    def of(cls, h: graph.Hop) -> HopOut:
        return cls(model=h.model.label, model_id=h.model.id, path=h.path, edge=h.edge, third_party=h.third_party,
                   vendor=h.vendor, vendor_kind=h.vendor_kind, admission=h.admission, missing=h.missing)


class ChainOut(BaseModel):
    system: str
    ok: bool
    hops: list[HopOut]
    broken: list[HopOut]

    @classmethod
    def of(cls, c: graph.Chain) -> ChainOut:
        return cls(system=c.system, ok=c.ok, hops=[HopOut.of(h) for h in c.hops],
                   broken=[HopOut.of(h) for h in c.broken])


class ChainCheckOut(BaseModel):
    """A chain check stored as the system's evidence; `counts` says whether it meets 6.2.e (a complete chain)."""

    evidence: EvidenceOut
    counts: bool
    obligations: list[str]
    chain: ChainOut


class SystemRef(BaseModel):
    key: str
    name: str


class ImpactOut(BaseModel):
    kind: str
    subject: str
    models: list[str]
    systems: list[SystemRef]
    hidden_systems: int = Field(description="systems reached that the viewer may not see (counted only)")

    @classmethod
    def of(cls, i: graph.Impact) -> ImpactOut:
        return cls(kind=i.kind, subject=i.subject, models=[m.label for m in i.models],
                   systems=[SystemRef(key=s.key, name=s.name) for s in i.systems], hidden_systems=i.hidden_systems)


class UpstreamOut(BaseModel):
    name: str | None
    number: str | None


class FilingPathOut(BaseModel):
    model: str
    path: str = Field(description="registration (登记) or filing (备案)")
    reason: str
    reason_zh: str
    upstream: list[UpstreamOut]
    missing: list[str]

    @classmethod
    def of(cls, f: graph.FilingPath) -> FilingPathOut:
        return cls(model=f.model, path=f.path, reason=f.reason, reason_zh=f.reason_zh,
                   upstream=[UpstreamOut(**u) for u in f.upstream],
                   missing=f.missing)
