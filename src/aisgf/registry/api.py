"""REST routes for intake decisions and the registry; each parses input and calls a service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from aisgf.audit.schemas import AuditEventOut, EventsPage
from aisgf.audit.service import list_events
from aisgf.errors import InvalidInput, NotFound, TooLarge
from aisgf.registry import services as svc
from aisgf.registry.choices import Lifecycle, ObligationStatus, ReviewDecision
from aisgf.registry.evidence_store import EvidenceStore, megabytes
from aisgf.registry.schemas import (
    AssessmentOut,
    EvidenceOut,
    LaunchGapOut,
    ObligationOut,
    ObligationsPage,
    Reassessed,
    ReviewOut,
    ReviewRecorded,
    SystemDetail,
    SystemOut,
    SystemsPage,
)
from aisgf.web.deps import SESSION, Page, PathID, current_principal, get_store, paging, require_writer
from aisgf.web.schemas import NOT_BLANK, BodyDate, BodyID, problems

router = APIRouter(prefix="/api", tags=["registry"], responses=problems(401, 403, 422, 503))
#: what a route that names a system or another object, or changes one, can answer besides
_FOUND = problems(404)
_CHANGE = problems(404, 409)
#: A system named in a path: its numeric ID or its key (a digit string too long for an ID is a key).
SystemRef = Annotated[str, Path(min_length=1, max_length=100, description="the system's numeric ID or its key")]
#: The keys `register_system` accepts (services._KEY_RE), so the document says it too.
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SystemInfo(_Strict):
    name: str = Field(min_length=1, max_length=300, pattern=NOT_BLANK)
    owner: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK,
                       description="the owner's account (username or e-mail address)")
    description: str = Field(default="", max_length=20000)
    key: str | None = Field(default=None, max_length=100, pattern=KEY_PATTERN,
                            description="default: made from the name")


class SystemIn(_Strict):
    system: SystemInfo
    answers: dict[str, Any]


class ReassessIn(_Strict):
    answers: dict[str, Any]
    expected_version: BodyID | None = None


class ObligationPatch(_Strict):
    status: ObligationStatus | None = None
    owner: str | None = Field(default=None, max_length=200)
    due_date: BodyDate | None = None
    note: str | None = Field(default=None, max_length=20000)
    waiver_reason: str | None = Field(default=None, max_length=20000)
    waiver_expires: BodyDate | None = None
    expected_version: BodyID | None = None
    sign_off: StrictBool = Field(default=False, description="with status met and no evidence: the caller signs it off")


class WaiverDecisionIn(_Strict):
    approve: StrictBool = Field(description="true approves the waiver request (or confirms a legacy waiver), "
                                "false refuses")
    note: str = Field(default="", max_length=20000)
    expected_version: BodyID | None = None


class ReinstateIn(_Strict):
    reason: str = Field(min_length=1, max_length=20000)
    expected_version: BodyID | None = None


class ReviewIn(_Strict):
    function: str = Field(max_length=50, description="A reviewer function of the ruleset in force "
                                                     "(GET /api/intake/ruleset lists them under `spec.reviewers`)")
    decision: ReviewDecision
    reason: str = Field(default="", max_length=20000)
    assessment: BodyID | None = Field(default=None, description="The assessment number you reviewed")


def document_vocabulary(schema: dict[str, Any], ruleset: Any) -> None:
    """Write the words of the ruleset in force into the OpenAPI document: the reviewer functions of
    `ReviewIn`, the tiers and lanes that `GET /api/systems` filters by."""
    props = schema.get("components", {}).get("schemas", {}).get("ReviewIn", {}).get("properties", {})
    if "function" in props:
        props["function"]["enum"] = list(ruleset.functions)
    words = {"tier": list(ruleset.tiers), "lane": list(ruleset.lanes)}
    for param in schema.get("paths", {}).get("/api/systems", {}).get("get", {}).get("parameters", []):
        if param["name"] in words:
            param["schema"] = {"type": "string", "enum": words[param["name"]], "title": param["name"].title()}


def document_evidence_upload(schema: dict[str, Any], path: str = "/api/systems/{ref}/evidence") -> None:
    """Say in the OpenAPI document what an evidence upload (`POST /api/systems/{ref}/evidence`, or another
    `path` that takes the same form, such as a model's) takes: a file part (with a filename and a media
    type that `services.check_evidence_file` accepts) or a link, exactly one."""
    form = (schema.get("paths", {}).get(path, {}).get("post", {})
            .get("requestBody", {}).get("content", {}).get("multipart/form-data"))
    if form is None:
        return
    name = form["schema"]["$ref"].rsplit("/", 1)[-1]
    body = schema["components"]["schemas"][name]
    described = body["properties"]["file"].get("description", "")
    # A form has no null: a part is there or not. The file is one part sent as a file, binary content.
    for prop in body["properties"].values():
        plain = [s for s in prop.pop("anyOf", []) if s.get("type") != "null"]
        if plain:
            prop.update(plain[0])
    body["properties"]["file"] = {"type": "string", "format": "binary", "description": described}
    body["oneOf"] = [{"required": ["file"]}, {"required": ["uri"]}]
    schema["paths"][path]["post"]["requestBody"]["required"] = True  # a file or a link: never nothing
    suffixes = ", ".join(svc.EVIDENCE_SUFFIXES)
    form["encoding"] = {"file": {
        "contentType": ", ".join(sorted(svc.EVIDENCE_TYPES)),
        "headers": {"Content-Disposition": {
            "description": f"the part's filename must end in one of: {suffixes} (else 415)",
            "schema": {"type": "string"}, "example": 'form-data; name="file"; filename="evidence.pdf"'}},
    }}


class StatusIn(_Strict):
    status: Literal["live", "retired"]
    reason: str = Field(default="", max_length=20000)
    expected_version: BodyID | None = None
    override: StrictBool = Field(default=False, description="live: a governance lead goes live with items open "
                                 "(needs a reason; recorded)")
    confirm: StrictBool = Field(default=False, description="retired: confirms taking the system out of service")


def _visible(s: Session, ref: str, p: Any) -> Any:
    """The system, if this person may see it (owners: their own only)."""
    return svc.get_system(s, ref, viewer=p)


@router.get("/systems", response_model=SystemsPage)
def list_systems(
    status: Lifecycle | None = None, tier: str | None = Query(None, max_length=50),
    lane: str | None = Query(None, max_length=50), owner: str | None = Query(None, max_length=200),
    due: bool = False, page: Page = Depends(paging), s: Session = SESSION, p: Any = Depends(current_principal),
) -> SystemsPage:
    rows, total = svc.list_systems(s, status=status, tier=tier, lane=lane, owner=owner,
                                   limit=page.limit, offset=page.offset, viewer=p, due=due)
    return SystemsPage(items=[SystemOut.of(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.post("/systems", status_code=201, response_model=SystemDetail, responses=problems(409))
def register_system(body: SystemIn, actor: str = Depends(require_writer),
                    s: Session = SESSION, p: Any = Depends(current_principal)) -> SystemDetail:
    system = svc.register_system(s, name=body.system.name, owner=body.system.owner,
                                 description=body.system.description, key=body.system.key,
                                 answers=body.answers, by=p)
    return svc.system_detail(s, system)


@router.get("/systems/{ref}", response_model=SystemDetail, responses=_FOUND)
def get_system(ref: SystemRef, s: Session = SESSION, p: Any = Depends(current_principal)) -> SystemDetail:
    return svc.system_detail(s, _visible(s, ref, p))


@router.get("/systems/{ref}/assessments", response_model=list[AssessmentOut], responses=_FOUND)
def list_assessments(ref: SystemRef, s: Session = SESSION,
                     p: Any = Depends(current_principal)) -> list[AssessmentOut]:
    return [AssessmentOut.of(a) for a in _visible(s, ref, p).assessments]


@router.post("/systems/{ref}/assessments", status_code=201, response_model=Reassessed, responses=_CHANGE)
def reassess(ref: SystemRef, body: ReassessIn, actor: str = Depends(require_writer),
             s: Session = SESSION, p: Any = Depends(current_principal)) -> Reassessed:
    _visible(s, ref, p)
    a = svc.reassess(s, ref, body.answers, by=p, expected_version=body.expected_version)
    return Reassessed(assessment=AssessmentOut.of(a), system=SystemOut.of(a.system))


@router.get("/systems/{ref}/obligations", response_model=ObligationsPage, responses=_FOUND)
def system_obligations(ref: SystemRef, page: Page = Depends(paging), status: ObligationStatus | None = None,
                       s: Session = SESSION, p: Any = Depends(current_principal)) -> ObligationsPage:
    _visible(s, ref, p)
    rows, total = svc.list_obligations(s, system_ref=ref, status=status, limit=page.limit, offset=page.offset)
    today = svc.today()
    return ObligationsPage(items=[ObligationOut.of(o, today) for o in rows], total=total, limit=page.limit,
                           offset=page.offset)


@router.get("/obligations", response_model=ObligationsPage)
def list_obligations(status: ObligationStatus | None = None, overdue: bool = False, page: Page = Depends(paging),
                     s: Session = SESSION, p: Any = Depends(current_principal)) -> ObligationsPage:
    rows, total = svc.list_obligations(s, status=status, overdue=overdue, limit=page.limit, offset=page.offset,
                                       viewer=p)
    today = svc.today()
    return ObligationsPage(items=[ObligationOut.of(o, today) for o in rows], total=total, limit=page.limit,
                           offset=page.offset)


@router.patch("/obligations/{obligation_id}", response_model=ObligationOut, responses=_CHANGE)
def update_obligation(obligation_id: PathID, body: ObligationPatch, actor: str = Depends(require_writer),
                      s: Session = SESSION, p: Any = Depends(current_principal)) -> ObligationOut:
    svc.get_obligation(s, obligation_id, viewer=p)
    ob = svc.update_obligation(s, obligation_id, by=p, **body.model_dump(exclude_unset=True))
    return ObligationOut.of(ob, svc.today())


@router.post("/systems/{ref}/evidence", status_code=201, response_model=EvidenceOut,
             responses=problems(404, 413, 415))
async def add_evidence(
    request: Request,
    ref: SystemRef,
    file: UploadFile | None = File(default=None, description="A file (its name's suffix and type must be an "
                                   "accepted kind of evidence), or give `uri` instead"),
    uri: str | None = Form(default=None, max_length=4000, pattern=svc.WEB_URI_PATTERN,
                           description="A link (http or https) instead of a file"),
    obligations: str = Form(default="", description="Comma-separated obligation IDs or catalog IDs"),
    description: str = Form(default="", max_length=20000),
    expires_at: date | None = Form(default=None),
    actor: str = Depends(require_writer),
    s: Session = SESSION,
    store: EvidenceStore = Depends(get_store),
    p: Any = Depends(current_principal),
) -> EvidenceOut:
    _visible(s, ref, p)
    limit = request.app.state.settings.max_upload_bytes
    if file is not None and file.size is not None and file.size > limit:
        raise TooLarge.coded("evidence.too_large", where="file", limit=megabytes(limit), extra={"limit_bytes": limit})
    refs = [r.strip() for r in obligations.split(",") if r.strip()]
    if file is not None and not file.filename:
        raise InvalidInput.coded("evidence.no_filename", where="file")
    ev = svc.add_evidence(
        s, store, ref, by=p, obligations=refs, stream=file.file if file else None,
        filename=file.filename if file else None, media_type=file.content_type if file else None,
        uri=uri, description=description, expires_at=expires_at, max_bytes=limit)
    return EvidenceOut.of(ev, svc.today())


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut, responses=_FOUND)
def get_evidence(evidence_id: PathID, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> EvidenceOut:
    ev = svc.get_evidence(s, evidence_id, viewer=p)
    return EvidenceOut.of(ev, svc.today())


@router.get("/evidence/{evidence_id}/content", response_class=FileResponse, responses={
    200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The stored file, byte for byte (checked against its SHA-256 first)"},
    **problems(404, 409)})
def evidence_content(evidence_id: PathID, s: Session = SESSION,
                     store: EvidenceStore = Depends(get_store), p: Any = Depends(current_principal)) -> FileResponse:
    ev = svc.get_evidence(s, evidence_id, viewer=p)
    if ev.kind != "file" or not ev.sha256:  # a link has no content here: nothing at this address
        raise NotFound.coded("evidence.is_uri", where=f"evidence {evidence_id}")
    store.check(ev.sha256)
    return FileResponse(store.path(ev.sha256), media_type="application/octet-stream",
                        filename=ev.filename or ev.sha256)


@router.post("/systems/{ref}/reviews", status_code=201, response_model=ReviewRecorded, responses=_CHANGE)
def review(ref: SystemRef, body: ReviewIn, actor: str = Depends(require_writer),
           s: Session = SESSION, p: Any = Depends(current_principal)) -> ReviewRecorded:
    _visible(s, ref, p)
    r = svc.record_review(s, ref, function=body.function, decision=body.decision, by=p,
                          reason=body.reason, assessment_number=body.assessment)
    return ReviewRecorded(review=ReviewOut.of(r), system=SystemOut.of(svc.get_system(s, ref)))


@router.post("/systems/{ref}/status", response_model=SystemOut, responses=_CHANGE)
def set_status(ref: SystemRef, body: StatusIn, actor: str = Depends(require_writer),
               s: Session = SESSION, p: Any = Depends(current_principal)) -> SystemOut:
    _visible(s, ref, p)
    system = svc.set_status(s, ref, body.status, by=p, reason=body.reason,
                            expected_version=body.expected_version, override=body.override, confirm=body.confirm)
    return SystemOut.of(system)


@router.post("/systems/{ref}/reinstate", response_model=SystemOut, responses=_CHANGE)
def reinstate(ref: SystemRef, body: ReinstateIn, actor: str = Depends(require_writer),
              s: Session = SESSION, p: Any = Depends(current_principal)) -> SystemOut:
    """A governance lead brings a retired system back to the state it left (recorded)."""
    from aisgf.registry.gates import reinstate as run

    _visible(s, ref, p)
    return SystemOut.of(run(s, ref, by=p, reason=body.reason, expected_version=body.expected_version))


@router.post("/obligations/{obligation_id}/waiver", response_model=ObligationOut, responses=_CHANGE)
def decide_waiver(obligation_id: PathID, body: WaiverDecisionIn, actor: str = Depends(require_writer),
                  s: Session = SESSION, p: Any = Depends(current_principal)) -> ObligationOut:
    """A governance lead other than the requester approves or refuses a waiver request."""
    from aisgf.registry.gates import decide_waiver as run

    svc.get_obligation(s, obligation_id, viewer=p)
    ob = run(s, obligation_id, by=p, approve=body.approve, note=body.note, expected_version=body.expected_version)
    return ObligationOut.of(ob, svc.today())


@router.get("/systems/{ref}/launch-gaps", response_model=list[LaunchGapOut], responses=_FOUND)
def launch_gaps(ref: SystemRef, s: Session = SESSION, p: Any = Depends(current_principal)) -> list[LaunchGapOut]:
    """What still keeps the system from going live: missing approvals, then obligations (each with why)."""
    from aisgf.registry.gates import launch_gaps as gaps

    return [LaunchGapOut(**g.as_dict()) for g in gaps(s, _visible(s, ref, p))]


@router.get("/systems/{ref}/audit", response_model=EventsPage, responses=_FOUND)
def system_audit(ref: SystemRef, page: Page = Depends(paging), s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> EventsPage:
    system = _visible(s, ref, p)
    rows, total = list_events(s, entity_type="system", entity_id=system.key, limit=page.limit,
                              offset=page.offset)
    return EventsPage(items=[AuditEventOut.of(e) for e in rows], total=total, limit=page.limit, offset=page.offset)
