"""Lineage tables: models and their edges, datasets, vendors, components, and what each system uses.

Why rows and link tables rather than JSON on the system: the questions asked of them are graph
questions (which systems does a withdrawn base model reach; is every hop of this chain documented),
answered by recursive SQL over `lineage_model_edges`. A model's own evidence (its responsibility
document, 6.2(e)) is stored in the registry's content-addressed evidence store but recorded here, on
the model or dataset, because one document serves every system that uses the model; the go-live gate
counts it for the systems linked to the model (`services.inherited_evidence`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aisgf.base import Base


class Vendor(Base):
    """A supplier (under contract, needs admission) or a publisher of open weights or data (needs none)."""

    __tablename__ = "lineage_vendors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))                 # choices.VendorKind
    uscc: Mapped[str | None] = mapped_column(String(18))          # checked under GB 32100 (organisation.uscc)
    country: Mapped[str | None] = mapped_column(String(2))        # ISO 3166-1 alpha-2
    supplies: Mapped[list[str]] = mapped_column(JSON, default=list)   # choices.Supply
    admission: Mapped[str] = mapped_column(String(20))            # choices.Admission
    due_diligence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question id → {answer, note}
    clauses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)        # clause id → true/false
    result: Mapped[str | None] = mapped_column(String(10))        # choices.AdmissionResult
    result_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    algorithm_filing: Mapped[str | None] = mapped_column(String(100))  # its 算法备案 as 服务技术支持者
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    reviews: Mapped[list[VendorReview]] = relationship(back_populates="vendor", cascade="all, delete-orphan",
                                                       order_by="VendorReview.id")


class VendorReview(Base):
    """One admission reviewer's decision on a vendor (procurement, legal, infosec; data/vendor-admission.yaml)."""

    __tablename__ = "lineage_vendor_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("lineage_vendors.id"), index=True)
    function: Mapped[str] = mapped_column(String(30))
    decision: Mapped[str] = mapped_column(String(20))  # approve | reject
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    vendor: Mapped[Vendor] = relationship(back_populates="reviews")


class Model(Base):
    __tablename__ = "lineage_models"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))                 # choices.ModelKind
    accountable_team: Mapped[str | None] = mapped_column(String(200))  # an internal team, or …
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("lineage_vendors.id"), index=True)  # … a vendor
    licence: Mapped[str | None] = mapped_column(String(200))
    intended_use: Mapped[str | None] = mapped_column(Text)
    limitations: Mapped[str | None] = mapped_column(Text)
    training_data: Mapped[str | None] = mapped_column(Text)       # the training-data summary
    security_contact: Mapped[str | None] = mapped_column(String(200))
    remediation: Mapped[str | None] = mapped_column(Text)         # remediation commitment
    output_labeling: Mapped[str | None] = mapped_column(Text)
    filing_number: Mapped[str | None] = mapped_column(String(100))  # 生成式人工智能服务备案号
    launch_number: Mapped[str | None] = mapped_column(String(100))  # 上线编号 (登记)
    source_kind: Mapped[str] = mapped_column(String(20), default="none")  # choices.SourceKind
    source: Mapped[str | None] = mapped_column(String(1000))
    stub: Mapped[bool] = mapped_column(Boolean, default=False)
    manifest: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{path, size, sha256}]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    vendor: Mapped[Vendor | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()


class ModelEdge(Base):
    """The child came from the parent by `kind` (fine-tune, adapter, …, or use through its API)."""

    __tablename__ = "lineage_model_edges"
    __table_args__ = (UniqueConstraint("child_id", "parent_id"),
                      CheckConstraint("child_id <> parent_id", name="not_self"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("lineage_models.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("lineage_models.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # choices.EdgeKind
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))


class Dataset(Base):
    __tablename__ = "lineage_datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    source: Mapped[str] = mapped_column(String(30))                # choices.DatasetSource
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("lineage_vendors.id"), index=True)
    collection_method: Mapped[str | None] = mapped_column(Text)
    lawful_basis: Mapped[str | None] = mapped_column(Text)         # for personal information
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)   # GB/T 45574 sensitive PI
    important: Mapped[bool] = mapped_column(Boolean, default=False)   # important data
    ip_status: Mapped[str | None] = mapped_column(Text)            # IP and licence status
    annotation_rules: Mapped[str | None] = mapped_column(Text)
    quality_checks: Mapped[str | None] = mapped_column(Text)
    bias_notes: Mapped[str | None] = mapped_column(Text)
    poisoning_checks: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str | None] = mapped_column(Text)            # retention and deletion
    cross_border: Mapped[bool] = mapped_column(Boolean, default=False)
    cross_border_mechanism: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    supplier: Mapped[Vendor | None] = relationship()


class ModelDataset(Base):
    """A model was trained, fine-tuned or evaluated on a dataset (so a dataset's impact reaches the model)."""

    __tablename__ = "lineage_model_datasets"

    model_id: Mapped[int] = mapped_column(ForeignKey("lineage_models.id"), primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lineage_datasets.id"), primary_key=True, index=True)
    use: Mapped[str] = mapped_column(String(20), primary_key=True)  # choices.DatasetUse


class Component(Base):
    __tablename__ = "lineage_components"
    __table_args__ = (UniqueConstraint("kind", "name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # choices.ComponentKind
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100), default="")
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("lineage_vendors.id"), index=True)
    purl: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))

    supplier: Mapped[Vendor | None] = relationship()


class SystemModel(Base):
    __tablename__ = "lineage_system_models"

    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("lineage_models.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))  # choices.ModelRole


class SystemDataset(Base):
    __tablename__ = "lineage_system_datasets"

    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lineage_datasets.id"), primary_key=True, index=True)
    use: Mapped[str] = mapped_column(String(20), primary_key=True)  # choices.DatasetUse


class SystemComponent(Base):
    __tablename__ = "lineage_system_components"

    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("lineage_components.id"), primary_key=True, index=True)


class LineageEvidence(Base):
    """A document about a model or a dataset (exactly one), its file in the registry's evidence store.

    `catalog_id`, when set, names the obligation it serves: the go-live gate counts it for that
    obligation of every system the model or dataset is linked to.
    """

    __tablename__ = "lineage_evidence"
    __table_args__ = (CheckConstraint("(model_id IS NULL) <> (dataset_id IS NULL)", name="one_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("lineage_models.id"), index=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("lineage_datasets.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # choices.EvidencePurpose
    catalog_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # file | uri
    sha256: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(300))
    size: Mapped[int | None] = mapped_column(Integer)
    uri: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
