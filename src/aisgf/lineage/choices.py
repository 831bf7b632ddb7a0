"""The lineage concern's fixed vocabulary: kinds of model and edge, dataset sources, vendor states.

Why enums here: the words are written into rows, audit payloads, the API, the CLI and the AI-BOM, so
they are defined once. What the vendor-admission reviewers, questions and contract clauses say is
regulatory content and lives in `data/vendor-admission.yaml`.
"""

from __future__ import annotations

from enum import StrEnum


class ModelKind(StrEnum):
    foundation = "foundation"
    fine_tune = "fine_tune"
    adapter = "adapter"
    distillation = "distillation"
    quantisation = "quantisation"
    merge = "merge"
    classical = "classical"


class EdgeKind(StrEnum):
    """How a child model came from its parent; `api_use` is the only one that is not secondary development."""

    fine_tune = "fine_tune"
    adapter = "adapter"
    distillation = "distillation"
    quantisation = "quantisation"
    merge = "merge"
    api_use = "api_use"


#: Edges that make the child a secondary development (二次开发) of the parent: the child needs its own 备案.
SECONDARY_DEVELOPMENT = frozenset(EdgeKind) - {EdgeKind.api_use}


class SourceKind(StrEnum):
    hub = "hub"          # a Hugging Face / ModelScope ID
    path = "path"        # a directory or file on our own storage
    vendor_api = "vendor_api"
    none = "none"


class DatasetSource(StrEnum):
    collected = "collected"
    purchased = "purchased"
    open = "open"
    synthetic = "synthetic"
    user_interactions = "user_interactions"


class DatasetUse(StrEnum):
    training = "training"
    fine_tuning = "fine_tuning"
    evaluation = "evaluation"
    retrieval = "retrieval"


class Supply(StrEnum):
    model_api = "model_api"
    weights = "weights"
    data = "data"
    annotation = "annotation"
    compute = "compute"
    chips = "chips"
    software = "software"


class VendorKind(StrEnum):
    vendor = "vendor"          # a supplier under contract: needs admission
    publisher = "publisher"    # publishes open weights or data: licence and documentation, no admission


class Admission(StrEnum):
    candidate = "candidate"
    due_diligence = "due_diligence"
    admitted = "admitted"
    suspended = "suspended"
    exited = "exited"


#: Which admission state may follow which.
ADMISSION_MOVES: dict[Admission, frozenset[Admission]] = {
    Admission.candidate: frozenset({Admission.due_diligence, Admission.exited}),
    Admission.due_diligence: frozenset({Admission.admitted, Admission.candidate, Admission.exited}),
    Admission.admitted: frozenset({Admission.suspended, Admission.exited}),
    Admission.suspended: frozenset({Admission.admitted, Admission.exited}),
    Admission.exited: frozenset({Admission.candidate}),
}


class AdmissionResult(StrEnum):
    blocker = "blocker"
    warning = "warning"
    ok = "ok"


class ComponentKind(StrEnum):
    chip = "chip"
    software = "software"
    tool = "tool"
    compute = "compute"
    data_resource = "data_resource"


class ModelRole(StrEnum):
    primary = "primary"
    guard = "guard"
    embedding = "embedding"
    other = "other"


class EvidencePurpose(StrEnum):
    """What a model's or dataset's evidence documents; `responsibility` is 6.2(e)'s 责任说明文件."""

    responsibility = "responsibility"
    model_card = "model_card"
    datasheet = "datasheet"
    evaluation = "evaluation"  # a safety or capability evaluation of the model (the "evaluations")
    other = "other"


class ImpactKind(StrEnum):
    model = "model"
    dataset = "dataset"
    component = "component"
    vendor = "vendor"


def values(enum: type[StrEnum]) -> list[str]:
    return [m.value for m in enum]
