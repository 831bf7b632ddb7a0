"""REST routes of the lineage concern: models, datasets, vendors and their admission, components, chain, impact.

Each route parses input (bounded IDs, closed vocabularies, one-line text), calls one service and gives
out a schema; every error a route can give is declared, for the API fuzzer and for clients.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from aisgf.errors import InvalidInput, NotFound, TooLarge
from aisgf.lineage import graph
from aisgf.lineage import services as svc
from aisgf.lineage.choices import (
    Admission,
    ComponentKind,
    DatasetSource,
    DatasetUse,
    EdgeKind,
    EvidencePurpose,
    ImpactKind,
    ModelKind,
    ModelRole,
    SourceKind,
    Supply,
    VendorKind,
)
from aisgf.lineage.schemas import (
    ChainCheckOut,
    ChainOut,
    ComponentOut,
    DatasetOut,
    EdgeOut,
    FilingPathOut,
    ImpactOut,
    LineageEvidenceOut,
    ModelList,
    ModelOut,
    VendorOut,
)
from aisgf.registry.evidence_store import EvidenceStore, megabytes
from aisgf.registry.schemas import EvidenceOut
from aisgf.registry.services import WEB_URI_PATTERN
from aisgf.web.deps import SESSION, Page, PathID, current_principal, get_store, paging
from aisgf.web.schemas import ONE_LINE, BodyID, problems

router = APIRouter(prefix="/api", tags=["lineage"], responses=problems(401, 403, 422, 503))
SystemRef = Annotated[str, Path(min_length=1, max_length=100, description="the system's numeric ID or its key")]
Line = Annotated[str, Field(max_length=300, pattern=ONE_LINE)]
Line200 = Annotated[str, Field(max_length=200, pattern=ONE_LINE)]  # the service's limits (services.MODEL_TEXT)
Line100 = Annotated[str, Field(max_length=100, pattern=ONE_LINE)]
#: Free text: lines and tabs, no other control character (what `services._prose` accepts), so the document
#: says what the service refuses.
PROSE_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"
Prose = Annotated[str, Field(max_length=20_000, pattern=PROSE_PATTERN)]
Reason = Annotated[str, Field(max_length=4000, pattern=PROSE_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelIn(_Strict):
    name: Line
    version: Annotated[str, Field(max_length=100)] = ""
    kind: ModelKind
    accountable_team: Line200 | None = Field(default=None, description="an internal team, or give vendor_id")
    vendor_id: BodyID | None = None
    licence: Line200 | None = None
    intended_use: Prose | None = None
    limitations: Prose | None = None
    training_data: Prose | None = Field(default=None, description="the training-data summary")
    security_contact: Line200 | None = None
    remediation: Prose | None = None
    output_labeling: Prose | None = None
    filing_number: Line100 | None = Field(default=None, description="生成式人工智能服务备案号")
    launch_number: Line100 | None = Field(default=None, description="上线编号")
    source_kind: SourceKind = SourceKind.none
    source: Annotated[str, Field(max_length=1000)] | None = None


class ModelPatch(ModelIn):
    """Fields to change; a field not sent is kept, a text sent as null is cleared (a name and a kind
    cannot be cleared: they are not nullable)."""

    name: Line = Field(default=None)  # type: ignore[assignment]  # not sent: None; sent: a name, never null
    version: Annotated[str, Field(max_length=100)] | None = None  # type: ignore[assignment]
    kind: ModelKind = Field(default=None)  # type: ignore[assignment]
    source_kind: SourceKind | None = None  # type: ignore[assignment]
    stub: StrictBool | None = Field(default=None, description="a placeholder parent (import creates them); "
                                    "filling in an accountable party clears it")


class EdgeIn(_Strict):
    parent_id: BodyID
    kind: EdgeKind


class DatasetIn(_Strict):
    name: Line
    source: DatasetSource
    supplier_id: BodyID | None = None
    collection_method: Prose | None = None
    lawful_basis: Prose | None = None
    personal: StrictBool = False
    sensitive: StrictBool = False
    important: StrictBool = False
    ip_status: Prose | None = None
    annotation_rules: Prose | None = None
    quality_checks: Prose | None = None
    bias_notes: Prose | None = None
    poisoning_checks: Prose | None = None
    retention: Prose | None = None
    cross_border: StrictBool = False
    cross_border_mechanism: Line200 | None = None


class DatasetPatch(DatasetIn):
    """Fields to change; a text sent as null is cleared, a field not sent is kept (flags take true or false;
    a name and a source cannot be cleared)."""

    name: Line = Field(default=None)  # type: ignore[assignment]  # not sent: None; sent: never null
    source: DatasetSource = Field(default=None)  # type: ignore[assignment]


class VendorIn(_Strict):
    name: Line
    kind: VendorKind = VendorKind.vendor
    uscc: Annotated[str, Field(max_length=40)] | None = None
    country: Annotated[str, Field(max_length=10)] | None = None
    supplies: list[Supply] = Field(default_factory=list, max_length=20)
    algorithm_filing: Line | None = None


class VendorPatch(_Strict):
    """Fields to change; a field not sent is kept, one sent as null is cleared (a name and a kind cannot be)."""

    name: Line = Field(default=None)  # type: ignore[assignment]
    kind: VendorKind = Field(default=None)  # type: ignore[assignment]
    uscc: Annotated[str, Field(max_length=40)] | None = None
    country: Annotated[str, Field(max_length=10)] | None = None
    supplies: list[Supply] | None = Field(default=None, max_length=20)
    algorithm_filing: Line100 | None = None


class DueDiligenceIn(_Strict):
    answers: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=10)]] = Field(
        default_factory=dict, max_length=100, description="question ID → yes | no | n/a")
    notes: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=dict, max_length=100)
    clauses: dict[Annotated[str, Field(max_length=60)], bool] = Field(default_factory=dict, max_length=100)


class VendorReviewIn(_Strict):
    function: Annotated[str, Field(max_length=30)]
    decision: Annotated[str, Field(pattern="^(approve|reject)$")]
    reason: Reason = ""


class AdmissionIn(_Strict):
    to: Admission
    reason: Reason = ""


class ComponentIn(_Strict):
    kind: ComponentKind
    name: Line
    version: Annotated[str, Field(max_length=100)] = ""
    supplier_id: BodyID | None = None
    purl: Annotated[str, Field(max_length=1000)] | None = None


class ComponentPatch(_Strict):
    """Fields to change; a field not sent is kept, one sent as null is cleared (a name cannot be)."""

    name: Line = Field(default=None)  # type: ignore[assignment]
    version: Annotated[str, Field(max_length=100)] | None = None
    supplier_id: BodyID | None = None
    purl: Annotated[str, Field(max_length=1000)] | None = None


class SystemModelIn(_Strict):
    model_id: BodyID
    role: ModelRole = ModelRole.primary


class SystemDatasetIn(_Strict):
    dataset_id: BodyID
    use: DatasetUse


class SystemComponentIn(_Strict):
    component_id: BodyID


# ----------------------------------------------------------------------------------------------- models


@router.get("/models", response_model=ModelList)
def list_models(kind: ModelKind | None = None, page: Page = Depends(paging), s: Session = SESSION,
                p: Any = Depends(current_principal)) -> ModelList:
    rows, total = svc.list_models(s, viewer=p, kind=kind.value if kind else None, limit=page.limit,
                                  offset=page.offset)
    return ModelList(items=[ModelOut.of(m) for m in rows], total=total)


@router.post("/models", status_code=201, response_model=ModelOut, responses=problems(404, 409))
def add_model(body: ModelIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> ModelOut:
    fields = body.model_dump(exclude={"name", "version", "kind", "vendor_id"}, mode="json")
    m = svc.add_model(s, by=p, name=body.name, version=body.version, kind=body.kind.value, vendor=body.vendor_id,
                      **fields)
    return ModelOut.of(m)


@router.get("/models/{model_id}", response_model=ModelOut, responses=problems(404))
def get_model(model_id: PathID, s: Session = SESSION, p: Any = Depends(current_principal)) -> ModelOut:
    return ModelOut.of(svc.get_model(s, model_id, viewer=p))


def _patch(given: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
    """A PATCH body as service fields: a null clears (""), ID fields become the service's references."""
    out: dict[str, Any] = {}
    for k, v in given.items():
        name = refs.get(k, k)
        out[name] = "" if v is None else v
    return out


@router.patch("/models/{model_id}", response_model=ModelOut, responses=problems(404, 409))
def update_model(model_id: PathID, body: ModelPatch, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> ModelOut:
    svc.get_model(s, model_id, viewer=p)
    fields = _patch(body.model_dump(exclude_unset=True, mode="json"), {"vendor_id": "vendor"})
    return ModelOut.of(svc.update_model(s, model_id, by=p, **fields))


@router.get("/models/{model_id}/parents", response_model=list[EdgeOut], responses=problems(404))
def model_parents(model_id: PathID, s: Session = SESSION, p: Any = Depends(current_principal)) -> list[EdgeOut]:
    m = svc.get_model(s, model_id, viewer=p)
    return [EdgeOut(child=m.label, parent=parent.label, kind=e.kind) for e, parent in svc.parents_of(s, m.id)]


@router.post("/models/{model_id}/parents", status_code=201, response_model=EdgeOut, responses=problems(404, 409))
def add_parent(model_id: PathID, body: EdgeIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> EdgeOut:
    e = svc.add_edge(s, model_id, body.parent_id, body.kind.value, by=p)
    return EdgeOut(child=svc.get_model(s, e.child_id).label, parent=svc.get_model(s, e.parent_id).label, kind=e.kind)


@router.delete("/models/{model_id}/parents/{parent_id}", response_model=EdgeOut, responses=problems(404))
def remove_parent(model_id: PathID, parent_id: PathID, s: Session = SESSION,
                  p: Any = Depends(current_principal)) -> EdgeOut:
    """Remove a parent edge (a lineage recorded wrongly); the answer is the edge as it was."""
    child, parent = svc.get_model(s, model_id, viewer=p), svc.get_model(s, parent_id)
    kind = next((e.kind for e, m in svc.parents_of(s, child.id) if m.id == parent.id), None)
    svc.remove_edge(s, child.id, parent.id, by=p)
    return EdgeOut(child=child.label, parent=parent.label, kind=kind or "")


# --------------------------------------------------------------------------------------------- datasets


@router.get("/datasets", response_model=list[DatasetOut])
def list_datasets(s: Session = SESSION, p: Any = Depends(current_principal)) -> list[DatasetOut]:
    return [DatasetOut.of(d) for d in svc.list_datasets(s, viewer=p)]


@router.post("/datasets", status_code=201, response_model=DatasetOut, responses=problems(404, 409))
def add_dataset(body: DatasetIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> DatasetOut:
    fields = body.model_dump(exclude={"name", "source", "supplier_id"}, mode="json")
    return DatasetOut.of(svc.add_dataset(s, by=p, name=body.name, source=body.source.value,
                                         supplier=body.supplier_id, **fields))


@router.get("/datasets/{dataset_id}", response_model=DatasetOut, responses=problems(404))
def get_dataset(dataset_id: PathID, s: Session = SESSION, p: Any = Depends(current_principal)) -> DatasetOut:
    return DatasetOut.of(svc.get_dataset(s, dataset_id, viewer=p))


@router.patch("/datasets/{dataset_id}", response_model=DatasetOut, responses=problems(404, 409))
def update_dataset(dataset_id: PathID, body: DatasetPatch, s: Session = SESSION,
                   p: Any = Depends(current_principal)) -> DatasetOut:
    svc.get_dataset(s, dataset_id, viewer=p)
    fields = _patch(body.model_dump(exclude_unset=True, mode="json"), {"supplier_id": "supplier"})
    return DatasetOut.of(svc.update_dataset(s, dataset_id, by=p, **fields))


# ---------------------------------------------------------------------------------------------- evidence

_UPLOAD = problems(404, 413, 415)


async def _add_evidence(request: Request, s: Session, store: EvidenceStore, p: Any, *, model: int | None = None,
                        dataset: int | None = None, file: UploadFile | None, uri: str | None, purpose: EvidencePurpose,
                        catalog_id: str | None, description: str) -> LineageEvidenceOut:
    limit = request.app.state.settings.max_upload_bytes
    if (await request.form()).get("uri") == "":  # an empty link part is not "no link": it is not a link
        raise InvalidInput.coded("lineage.uri_not_web", where="uri", uri="")
    if file is not None and file.size is not None and file.size > limit:
        raise TooLarge.coded("evidence.too_large", where="file", limit=megabytes(limit), extra={"limit_bytes": limit})
    if file is not None and not file.filename:
        raise InvalidInput.coded("evidence.no_filename", where="file")
    ev = svc.add_lineage_evidence(
        s, store, by=p, model=model, dataset=dataset, purpose=purpose.value, catalog_id=catalog_id or None,
        stream=file.file if file else None, filename=file.filename if file else None,
        media_type=file.content_type if file else None, uri=uri, description=description, max_bytes=limit)
    return LineageEvidenceOut.of(ev)


_FILE = File(default=None, description="A file (an accepted kind of evidence, as for a system), or give `uri`")
_URI = Form(default=None, max_length=4000, pattern=WEB_URI_PATTERN, description="A link (http or https) instead")
_PURPOSE = Form(default=EvidencePurpose.responsibility, description="responsibility is 6.2(e)'s 责任说明文件")
_CATALOG_ID = Form(default=None, max_length=100, pattern=f"^$|{ONE_LINE}",  # an empty field is no item
                   description="The framework item it is evidence for in every system using it (e.g. 6.2.e)")
_DESCRIPTION = Form(default="", max_length=20000)


@router.post("/models/{model_id}/evidence", status_code=201, response_model=LineageEvidenceOut, responses=_UPLOAD)
async def add_model_evidence(request: Request, model_id: PathID, file: UploadFile | None = _FILE,
                             uri: str | None = _URI, purpose: EvidencePurpose = _PURPOSE,
                             catalog_id: str | None = _CATALOG_ID, description: str = _DESCRIPTION,
                             s: Session = SESSION, store: EvidenceStore = Depends(get_store),
                             p: Any = Depends(current_principal)) -> LineageEvidenceOut:
    svc.get_model(s, model_id, viewer=p)
    return await _add_evidence(request, s, store, p, model=model_id, file=file, uri=uri, purpose=purpose,
                               catalog_id=catalog_id, description=description)


@router.get("/models/{model_id}/evidence", response_model=list[LineageEvidenceOut], responses=problems(404))
def model_evidence(model_id: PathID, s: Session = SESSION,
                   p: Any = Depends(current_principal)) -> list[LineageEvidenceOut]:
    m = svc.get_model(s, model_id, viewer=p)
    return [LineageEvidenceOut.of(ev) for ev in svc.evidence_of(s, model_id=m.id)]


@router.post("/datasets/{dataset_id}/evidence", status_code=201, response_model=LineageEvidenceOut,
             responses=_UPLOAD)
async def add_dataset_evidence(request: Request, dataset_id: PathID, file: UploadFile | None = _FILE,
                               uri: str | None = _URI, purpose: EvidencePurpose = _PURPOSE,
                               catalog_id: str | None = _CATALOG_ID, description: str = _DESCRIPTION,
                               s: Session = SESSION, store: EvidenceStore = Depends(get_store),
                               p: Any = Depends(current_principal)) -> LineageEvidenceOut:
    svc.get_dataset(s, dataset_id, viewer=p)
    return await _add_evidence(request, s, store, p, dataset=dataset_id, file=file, uri=uri, purpose=purpose,
                               catalog_id=catalog_id, description=description)


@router.get("/datasets/{dataset_id}/evidence", response_model=list[LineageEvidenceOut], responses=problems(404))
def dataset_evidence(dataset_id: PathID, s: Session = SESSION,
                     p: Any = Depends(current_principal)) -> list[LineageEvidenceOut]:
    d = svc.get_dataset(s, dataset_id, viewer=p)
    return [LineageEvidenceOut.of(ev) for ev in svc.evidence_of(s, dataset_id=d.id)]


@router.get("/lineage/evidence/{evidence_id}/content", response_class=FileResponse, responses={
    200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The stored file, byte for byte (checked against its SHA-256 first)"},
    **problems(404, 409)})
def lineage_evidence_content(evidence_id: PathID, s: Session = SESSION, store: EvidenceStore = Depends(get_store),
                             p: Any = Depends(current_principal)) -> FileResponse:
    ev = svc.get_lineage_evidence(s, evidence_id, viewer=p)
    if ev.kind != "file" or not ev.sha256:  # a link has no content here
        raise NotFound.coded("evidence.is_uri", where=f"evidence {evidence_id}")
    store.check(ev.sha256)
    return FileResponse(store.path(ev.sha256), media_type="application/octet-stream",
                        filename=ev.filename or ev.sha256)


# ---------------------------------------------------------------------------------------------- vendors


@router.get("/vendors", response_model=list[VendorOut])
def list_vendors(admission: Admission | None = None, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> list[VendorOut]:
    return [VendorOut.of(v) for v in svc.list_vendors(s, viewer=p, admission=admission.value if admission else None)]


@router.post("/vendors", status_code=201, response_model=VendorOut, responses=problems(409))
def add_vendor(body: VendorIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> VendorOut:
    return VendorOut.of(svc.add_vendor(s, by=p, name=body.name, kind=body.kind.value, uscc=body.uscc,
                                       country=body.country, supplies=[x.value for x in body.supplies],
                                       algorithm_filing=body.algorithm_filing))


@router.get("/vendors/{vendor_id}", response_model=VendorOut, responses=problems(404))
def get_vendor(vendor_id: PathID, s: Session = SESSION, p: Any = Depends(current_principal)) -> VendorOut:
    return VendorOut.of(svc.get_vendor(s, vendor_id, viewer=p))


@router.patch("/vendors/{vendor_id}", response_model=VendorOut, responses=problems(404, 409))
def update_vendor(vendor_id: PathID, body: VendorPatch, s: Session = SESSION,
                  p: Any = Depends(current_principal)) -> VendorOut:
    """Change a vendor; its admission result is assessed again (what it supplies decides what is asked)."""
    svc.get_vendor(s, vendor_id, viewer=p)
    given = body.model_dump(exclude_unset=True, mode="json")
    fields = {k: ([] if k == "supplies" else "") if v is None else v for k, v in given.items()}
    return VendorOut.of(svc.update_vendor(s, vendor_id, by=p, **fields))


@router.post("/vendors/{vendor_id}/due-diligence", response_model=VendorOut, responses=problems(404))
def due_diligence(vendor_id: PathID, body: DueDiligenceIn, s: Session = SESSION,
                  p: Any = Depends(current_principal)) -> VendorOut:
    return VendorOut.of(svc.answer_due_diligence(s, vendor_id, by=p, answers=body.answers, notes=body.notes,
                                                 clauses=body.clauses))


@router.post("/vendors/{vendor_id}/reviews", status_code=201, response_model=VendorOut, responses=problems(404, 409))
def review_vendor(vendor_id: PathID, body: VendorReviewIn, s: Session = SESSION,
                  p: Any = Depends(current_principal)) -> VendorOut:
    svc.review_vendor(s, vendor_id, by=p, function=body.function, decision=body.decision, reason=body.reason)
    return VendorOut.of(svc.get_vendor(s, vendor_id))


@router.post("/vendors/{vendor_id}/admission", response_model=VendorOut, responses=problems(404, 409))
def move_vendor(vendor_id: PathID, body: AdmissionIn, s: Session = SESSION,
                p: Any = Depends(current_principal)) -> VendorOut:
    return VendorOut.of(svc.move_vendor(s, vendor_id, body.to.value, by=p, reason=body.reason))


# ------------------------------------------------------------------------------------------- components


@router.get("/components", response_model=list[ComponentOut])
def list_components(s: Session = SESSION, p: Any = Depends(current_principal)) -> list[ComponentOut]:
    return [ComponentOut.of(c) for c in svc.list_components(s, viewer=p)]


@router.post("/components", status_code=201, response_model=ComponentOut, responses=problems(404, 409))
def add_component(body: ComponentIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> ComponentOut:
    return ComponentOut.of(svc.add_component(s, by=p, kind=body.kind.value, name=body.name, version=body.version,
                                             supplier=body.supplier_id, purl=body.purl))


@router.patch("/components/{component_id}", response_model=ComponentOut, responses=problems(404, 409))
def update_component(component_id: PathID, body: ComponentPatch, s: Session = SESSION,
                     p: Any = Depends(current_principal)) -> ComponentOut:
    svc.get_component(s, component_id, viewer=p)
    fields = _patch(body.model_dump(exclude_unset=True, mode="json"), {"supplier_id": "supplier"})
    return ComponentOut.of(svc.update_component(s, component_id, by=p, **fields))


# ----------------------------------------------------------------------------------- systems and graphs


@router.post("/systems/{ref}/lineage/models", status_code=201, response_model=ChainOut, responses=problems(404))
def link_model(ref: SystemRef, body: SystemModelIn, s: Session = SESSION,
               p: Any = Depends(current_principal)) -> ChainOut:
    svc.link_system_model(s, ref, body.model_id, body.role.value, by=p)
    return ChainOut.of(graph.chain(s, ref, viewer=p))


@router.post("/systems/{ref}/lineage/datasets", status_code=201, response_model=DatasetOut, responses=problems(404))
def link_dataset(ref: SystemRef, body: SystemDatasetIn, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> DatasetOut:
    svc.link_system_dataset(s, ref, body.dataset_id, body.use.value, by=p)
    return DatasetOut.of(svc.get_dataset(s, body.dataset_id))


@router.post("/systems/{ref}/lineage/components", status_code=201, response_model=ComponentOut,
             responses=problems(404))
def link_component(ref: SystemRef, body: SystemComponentIn, s: Session = SESSION,
                   p: Any = Depends(current_principal)) -> ComponentOut:
    svc.link_system_component(s, ref, body.component_id, by=p)
    return ComponentOut.of(svc.get_component(s, body.component_id))


@router.delete("/systems/{ref}/lineage/models/{model_id}", response_model=ChainOut, responses=problems(404))
def unlink_model(ref: SystemRef, model_id: PathID, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> ChainOut:
    """The system no longer uses the model; the answer is the chain without it."""
    svc.unlink_system_model(s, ref, model_id, by=p)
    return ChainOut.of(graph.chain(s, ref, viewer=p))


@router.delete("/systems/{ref}/lineage/datasets/{dataset_id}", response_model=DatasetOut, responses=problems(404))
def unlink_dataset(ref: SystemRef, dataset_id: PathID, use: DatasetUse | None = None, s: Session = SESSION,
                   p: Any = Depends(current_principal)) -> DatasetOut:
    """The system no longer uses the dataset (for `use`, or at all); the answer is the dataset."""
    svc.unlink_system_dataset(s, ref, dataset_id, by=p, use=use.value if use else None)
    return DatasetOut.of(svc.get_dataset(s, dataset_id))


@router.delete("/systems/{ref}/lineage/components/{component_id}", response_model=ComponentOut,
               responses=problems(404))
def unlink_component(ref: SystemRef, component_id: PathID, s: Session = SESSION,
                     p: Any = Depends(current_principal)) -> ComponentOut:
    svc.unlink_system_component(s, ref, component_id, by=p)
    return ComponentOut.of(svc.get_component(s, component_id))


@router.get("/systems/{ref}/lineage/chain", response_model=ChainOut, responses=problems(404))
def system_chain(ref: SystemRef, s: Session = SESSION, p: Any = Depends(current_principal)) -> ChainOut:
    return ChainOut.of(graph.chain(s, ref, viewer=p))


@router.post("/systems/{ref}/lineage/chain/evidence", status_code=201, response_model=ChainCheckOut,
             responses=problems(404, 409))
def record_chain(request: Request, ref: SystemRef, s: Session = SESSION, store: EvidenceStore = Depends(get_store),
                 p: Any = Depends(current_principal)) -> ChainCheckOut:
    """Check the chain now and store the report as the system's evidence (for 6.2.e when it is complete)."""
    from aisgf.lineage.chain_report import record_chain_check
    from aisgf.registry.services import today

    rec = record_chain_check(s, store, ref, by=p, max_bytes=request.app.state.settings.max_upload_bytes)
    return ChainCheckOut(evidence=EvidenceOut.of(rec.evidence, today()), counts=rec.counts,
                         obligations=rec.obligations, chain=ChainOut.of(rec.chain))


@router.get("/systems/{ref}/lineage/filing", response_model=list[FilingPathOut], responses=problems(404))
def system_filing(ref: SystemRef, s: Session = SESSION, p: Any = Depends(current_principal)) -> list[FilingPathOut]:
    return [FilingPathOut.of(f) for f in graph.filing_paths(s, ref, viewer=p)]


@router.get("/lineage/impact/{kind}/{subject_id}", response_model=ImpactOut, responses=problems(404))
def impact(kind: ImpactKind, subject_id: PathID, s: Session = SESSION,
           p: Any = Depends(current_principal)) -> ImpactOut:
    return ImpactOut.of(graph.impact(s, kind.value, subject_id, viewer=p))
