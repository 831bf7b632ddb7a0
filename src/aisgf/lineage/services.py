"""Lineage services: the only writers of models, edges, datasets, vendors, components and system links.

Why one module of writers: every change is checked here (vocabulary, who may, no cycle in the model
graph, a vendor admitted only when its reviewers approved and nothing blocks) and appends its audit
event in the same transaction, so the API, the pages and the CLI cannot disagree. The graph questions
(chain, impact) live in `lineage.graph`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisgf.accounts.scope import require
from aisgf.audit.service import append_event
from aisgf.errors import MAX_ID, Conflict, Forbidden, InvalidInput, NotFound, check_range, register_messages
from aisgf.lineage.choices import (
    ADMISSION_MOVES,
    Admission,
    AdmissionResult,
    ComponentKind,
    DatasetSource,
    DatasetUse,
    EdgeKind,
    EvidencePurpose,
    ModelKind,
    ModelRole,
    SourceKind,
    Supply,
    VendorKind,
    values,
)
from aisgf.lineage.models import (
    Component,
    Dataset,
    LineageEvidence,
    Model,
    ModelDataset,
    ModelEdge,
    SystemComponent,
    SystemDataset,
    SystemModel,
    Vendor,
    VendorReview,
)
from aisgf.lineage.reference import load_admission_rules

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal
    from aisgf.lineage.artifacts_types import ModelDirInfo
    from aisgf.registry.evidence_store import EvidenceStore
    from aisgf.registry.models import AISystem

MESSAGES = register_messages({
    "lineage.required": "{field} is required",
    "lineage.too_long": "{field} is at most {max} characters (this one has {n})",
    "lineage.control_chars": "{field} contains control characters; give one line of text",
    "lineage.unknown_word": "unknown {field} {value!r}; accepted: {accepted}",
    "lineage.no_model": "no model {ref!r} (give its ID, its name, or name@version)",
    "lineage.ambiguous_model": "{ref!r} names {n} versions of a model ({versions}); give name@version or the ID",
    "lineage.model_exists": "model {label!r} is already recorded (model {id})",
    "lineage.no_dataset": "no dataset {ref!r} (give its ID or its name)",
    "lineage.dataset_exists": "dataset {name!r} is already recorded (dataset {id})",
    "lineage.no_vendor": "no vendor {ref!r} (give its ID or its name)",
    "lineage.vendor_exists": "vendor {name!r} is already recorded (vendor {id})",
    "lineage.no_component": "no component {ref!r} (give its ID, or kind:name@version)",
    "lineage.component_exists": "component {label!r} is already recorded (component {id})",
    "lineage.edge_self": "a model cannot be its own parent ({label})",
    "lineage.edge_exists": "{child} already has {parent} as a parent (as {kind})",
    "lineage.cycle": "{child} cannot derive from {parent}: {parent} already derives from {child} "
                     "(the cycle would be {cycle})",
    "lineage.bad_country": "country {value!r} is not an ISO 3166-1 alpha-2 code (two letters, e.g. CN, US)",
    "lineage.publisher_no_admission": "{name} is a publisher of open weights or data: a publisher needs a licence "
                                      "and documentation, not admission",
    "lineage.bad_move": "vendor {name} cannot move from {state} to {to}; from {state}: {accepted}",
    "lineage.admission_open": "vendor {name} cannot be admitted yet: {reasons}",
    "lineage.unknown_question": "unknown due-diligence question {value!r}; accepted: {accepted}",
    "lineage.unknown_clause": "unknown contract clause {value!r}; accepted: {accepted}",
    "lineage.bad_answer": "the answer to {question} is yes, no or n/a, got {value!r}",
    "lineage.note_without_answer": "the note on {question} ({text}) is kept with an answer: give yes, no or n/a too",
    "lineage.unknown_reviewer": "unknown vendor reviewer {value!r}; accepted: {accepted}",
    "lineage.not_your_function": "vendor review {function} is decided by reviewers of {held_by}; you hold {mine}",
    "lineage.review_needs_reason": "a rejection needs a reason",
    "lineage.review_in_due_diligence": "vendor {name} is {state}: reviews are recorded during due_diligence",
    "lineage.evidence_file_or_uri": "give a file or a URI (one of them)",
    "lineage.uri_not_web": "{uri!r} is not an http(s) address",
    "lineage.one_subject": "evidence is about one model or one dataset",
    "lineage.not_linked": "{what} is not linked to system {key}",
    "lineage.purl": "{value!r} is not a package URL (pkg:type/namespace/name@version)",
    "lineage.no_evidence": "no lineage evidence {id}",
    "lineage.kind_in_admission": "vendor {name} is {state}: a vendor under admission does not become a publisher "
                                 "(or the reverse); suspend and exit it first, or record a new one",
    "lineage.no_catalog_item": "{ref!r} is not an item of the framework catalog (IDs look like 6.2.e or 4.1.2.b)",
})

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PURL = re.compile(r"^pkg:[a-z][a-z0-9.+-]*/[^\s]+$")
#: The registry's evidence link pattern (http or https, any case, a host, no spaces or control characters).
_WEB_URI = re.compile(r"^[hH][tT][tT][pP][sS]?://[^/?#\x00-\x20\x7f]+[^\x00-\x20\x7f]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def now() -> datetime:
    return datetime.now(UTC)


def _line(value: str | None, field: str, *, max_len: int = 300, required: bool = False) -> str | None:
    """One line of text, stripped; None when empty and not required."""
    v = (value or "").strip()
    if not v:
        if required:
            raise InvalidInput.coded("lineage.required", where=field, field=field)
        return None
    if len(v) > max_len:
        raise InvalidInput.coded("lineage.too_long", where=field, field=field, max=max_len, n=len(v))
    if _LINE_CONTROL.search(v):
        raise InvalidInput.coded("lineage.control_chars", where=field, field=field)
    return v


def _prose(value: str | None, field: str, *, max_len: int = 20_000) -> str | None:
    """Free text (line breaks allowed), stripped; None when empty."""
    v = (value or "").strip()
    if not v:
        return None
    if len(v) > max_len:
        raise InvalidInput.coded("lineage.too_long", where=field, field=field, max=max_len, n=len(v))
    if _CONTROL.search(v):
        raise InvalidInput.coded("lineage.control_chars", where=field, field=field)
    return v


def _word(value: str | None, enum: type[Any], field: str) -> str:
    v = (value or "").strip()
    if v not in values(enum):
        raise InvalidInput.coded("lineage.unknown_word", where=field, field=field, value=v[:60],
                                 accepted=values(enum))
    return v


def _is_id(ref: str | int) -> bool:
    return isinstance(ref, int) or (ref.isascii() and ref.isdigit() and len(ref) <= 19 and int(ref) <= MAX_ID)


def _audit(session: Session, by: Principal, action: str, entity: str, payload: dict[str, Any]) -> None:
    append_event(session, actor=by.actor, action=action, entity_type="lineage", entity_id=entity, payload=payload)


# ---------------------------------------------------------------------------------------------- vendors

VENDOR_FIELDS = ("name", "kind", "uscc", "country", "supplies", "algorithm_filing")


@dataclass(frozen=True)
class AdmissionItem:
    """One reason of a vendor's admission result, or one thing that keeps it from admission, as data.

    Why: the stored reasons and the gaps the API gives out are short codes (`dd.filing: no`,
    `legal review missing`); the pages put each into words from the rules data (the question's,
    clause's or reviewer's zh or en text) instead of showing the code.
    """

    kind: str      # question | clause | review (other: a stored reason this code does not read)
    ref: str       # the question, clause or reviewer function ID
    state: str     # question: no | unanswered; clause: missing; review: missing | reject
    blocker: bool  # it keeps the vendor from admission

    @property
    def reason(self) -> str:
        """As stored in `Vendor.result_reasons`."""
        return f"{self.ref}: {self.state}" if self.state else self.ref

    @property
    def gap(self) -> str:
        """As `admission_gaps` gives it out."""
        return f"{self.ref} review {self.state}" if self.kind == "review" else f"blocker {self.reason}"

    @classmethod
    def of_reason(cls, reason: str, blocking: set[str]) -> AdmissionItem:
        ref, _, state = reason.partition(":")
        ref, state = ref.strip(), state.strip()
        kind = "question" if ref.startswith("dd.") else "clause" if ref.startswith("clause.") else "other"
        return cls(kind, ref, state, ref in blocking)


def _audit_changes(session: Session, by: Principal, action: str, entity: str, before: dict[str, Any],
                   after: dict[str, Any], **extra: Any) -> None:
    """One audit event with the fields an edit changed, before and after; none when nothing changed."""
    changed = [k for k in after if before.get(k) != after[k]]
    if changed:
        _audit(session, by, action, entity, {"before": {k: before.get(k) for k in changed},
                                            "after": {k: after[k] for k in changed}, **extra})


def _vendor_snapshot(v: Vendor) -> dict[str, Any]:
    return {f: getattr(v, f) for f in VENDOR_FIELDS} | {"admission": v.admission}


def get_vendor(session: Session, ref: str | int, *, viewer: Principal | None = None) -> Vendor:
    if viewer is not None:
        require(viewer, "lineage.view")
    v = (session.get(Vendor, check_range(int(ref), "vendor")) if _is_id(ref)
         else session.scalar(select(Vendor).where(Vendor.name == str(ref).strip())))
    if v is None:
        raise NotFound.coded("lineage.no_vendor", where="vendor", ref=str(ref)[:100])
    return v


def list_vendors(session: Session, *, viewer: Principal, admission: str | None = None) -> list[Vendor]:
    require(viewer, "lineage.view")
    q = select(Vendor).order_by(Vendor.name)
    if admission is not None:
        q = q.where(Vendor.admission == _word(admission, Admission, "admission"))
    return list(session.scalars(q))


def _checked_vendor(fields: dict[str, Any]) -> dict[str, Any]:
    from aisgf.organisation.uscc import normal_uscc

    out: dict[str, Any] = {"name": _line(fields.get("name"), "name", required=True),
                           "kind": _word(fields.get("kind") or "vendor", VendorKind, "kind")}
    uscc = _line(fields.get("uscc"), "uscc", max_len=40)
    out["uscc"] = normal_uscc(uscc) if uscc else None
    country = _line(fields.get("country"), "country", max_len=10)
    if country is not None and not _COUNTRY.match(country.upper()):
        raise InvalidInput.coded("lineage.bad_country", where="country", value=country)
    out["country"] = country.upper() if country else None
    out["supplies"] = sorted({_word(s, Supply, "supplies") for s in fields.get("supplies") or []},
                             key=values(Supply).index)
    out["algorithm_filing"] = _line(fields.get("algorithm_filing"), "algorithm_filing", max_len=100)
    return out


def add_vendor(session: Session, *, by: Principal, name: str, kind: str = "vendor", uscc: str | None = None,
               country: str | None = None, supplies: Iterable[str] = (), algorithm_filing: str | None = None) -> Vendor:
    """Record a supplier (as a `candidate` for admission) or a publisher (which needs no admission).

    A Chinese supplier's credit code is checked under GB 32100 as the organisation's own is.
    """
    require(by, "vendor.manage")
    f = _checked_vendor({"name": name, "kind": kind, "uscc": uscc, "country": country, "supplies": list(supplies),
                         "algorithm_filing": algorithm_filing})
    same = session.scalar(select(Vendor).where(Vendor.name == f["name"]))
    if same is not None:
        raise Conflict.coded("lineage.vendor_exists", where="name", name=f["name"], id=same.id)
    t = now()
    v = Vendor(**f, admission=Admission.candidate.value, due_diligence={}, clauses={}, result_reasons=[],
               created_at=t, created_by=by.actor, updated_at=t)
    session.add(v)
    session.flush()
    assess_vendor(v)
    _audit(session, by, "lineage.vendor_added", f"vendor:{v.id}", _vendor_snapshot(v))
    return v


def update_vendor(session: Session, ref: str | int, *, by: Principal, **fields: Any) -> Vendor:
    """Change a vendor's record (name, kind, credit code, country, supplies, its own filing number).

    What it supplies decides which due-diligence questions and clauses are asked, so the admission
    result is assessed again; an admitted vendor that becomes a publisher, or a publisher that becomes
    a vendor, is refused: leave admission first (suspend, exit) or record a new vendor.
    """
    require(by, "vendor.manage")
    v = get_vendor(session, ref)
    unknown = set(fields) - set(VENDOR_FIELDS)
    if unknown:
        raise InvalidInput.coded("lineage.unknown_word", where="vendor", field="field", value=sorted(unknown)[0],
                                 accepted=list(VENDOR_FIELDS))
    before = _vendor_snapshot(v)
    merged = {f: getattr(v, f) for f in VENDOR_FIELDS} | {k: val for k, val in fields.items() if val is not None}
    f = _checked_vendor(merged)
    if f["kind"] != v.kind and v.admission not in (Admission.candidate, Admission.exited):
        raise Conflict.coded("lineage.kind_in_admission", where="kind", name=v.name, state=v.admission)
    if f["name"] != v.name:
        same = session.scalar(select(Vendor).where(Vendor.name == f["name"]))
        if same is not None:
            raise Conflict.coded("lineage.vendor_exists", where="name", name=f["name"], id=same.id)
    for k, val in f.items():
        setattr(v, k, val)
    assess_vendor(v)
    v.updated_at = now()
    session.flush()
    _audit_changes(session, by, "lineage.vendor_updated", f"vendor:{v.id}", before, _vendor_snapshot(v),
                   result=v.result, reasons=v.result_reasons)
    return v


def answer_due_diligence(session: Session, ref: str | int, *, by: Principal, answers: dict[str, str] | None = None,
                         notes: dict[str, str] | None = None, clauses: dict[str, bool] | None = None) -> Vendor:
    """Record due-diligence answers (yes | no | n/a, with a note) and which contract clauses are in place."""
    require(by, "vendor.manage")
    v = get_vendor(session, ref)
    rules = load_admission_rules()
    qids, cids = [q.id for q in rules.questions], [c.id for c in rules.clauses]
    dd = dict(v.due_diligence or {})
    for qid, note in (notes or {}).items():  # a note is stored with its answer: alone it would be lost
        if qid not in (answers or {}) and (note or "").strip():
            q = next((q for q in rules.questions if q.id == qid), None)
            raise InvalidInput.coded("lineage.note_without_answer", where=f"notes.{qid}", question=qid[:60],
                                     text=q.en if q else "?", text_zh=q.zh if q else "?")
    for qid, answer in (answers or {}).items():
        if qid not in qids:
            raise InvalidInput.coded("lineage.unknown_question", where="answers", value=qid[:60], accepted=qids)
        if answer not in ("yes", "no", "n/a"):
            raise InvalidInput.coded("lineage.bad_answer", where=f"answers.{qid}", question=qid, value=str(answer)[:20])
        dd[qid] = {"answer": answer, "note": _prose((notes or {}).get(qid), f"notes.{qid}", max_len=2000)}
    cl = dict(v.clauses or {})
    for cid, present in (clauses or {}).items():
        if cid not in cids:
            raise InvalidInput.coded("lineage.unknown_clause", where="clauses", value=cid[:60], accepted=cids)
        cl[cid] = bool(present)
    v.due_diligence, v.clauses, v.updated_at = dd, cl, now()
    assess_vendor(v)
    session.flush()
    _audit(session, by, "lineage.vendor_due_diligence", f"vendor:{v.id}",
           {"answers": dd, "clauses": cl, "result": v.result, "reasons": v.result_reasons})
    return v


def assess_vendor(v: Vendor) -> None:
    """Set the vendor's admission result from its answers and clauses: blocker, warning or ok, with reasons.

    A blocker question answered "no" or not at all, or a required clause missing, blocks; any other
    "no" or missing clause warns. Only the questions and clauses asked of what the vendor supplies
    count (`applies_to` in the rules); a publisher is assessed on the questions asked of publishers
    (its responsibility documents), with no clauses.
    """
    rules = load_admission_rules()
    blockers: list[AdmissionItem] = []
    warnings: list[AdmissionItem] = []
    for q in rules.questions_for(v.kind, v.supplies or []):
        answer = (v.due_diligence or {}).get(q.id, {}).get("answer")
        if answer in ("yes", "n/a"):
            continue
        (blockers if q.blocker else warnings).append(
            AdmissionItem("question", q.id, "no" if answer == "no" else "unanswered", q.blocker))
    for c in rules.clauses_for(v.kind, v.supplies or []):
        if not (v.clauses or {}).get(c.id):
            (blockers if c.required else warnings).append(AdmissionItem("clause", c.id, "missing", c.required))
    v.result = (AdmissionResult.blocker if blockers else AdmissionResult.warning if warnings
                else AdmissionResult.ok).value
    v.result_reasons = [i.reason for i in blockers + warnings]


def review_vendor(session: Session, ref: str | int, *, by: Principal, function: str, decision: str,
                  reason: str = "") -> VendorReview:
    """One admission reviewer's decision (approve | reject) for their function, during due diligence."""
    require(by, "vendor.review")
    v = get_vendor(session, ref)
    rules = load_admission_rules()
    reviewer = rules.reviewer(function)
    if reviewer is None:
        raise InvalidInput.coded("lineage.unknown_reviewer", where="function", value=function[:60],
                                 accepted=rules.functions)
    if function not in review_functions_of(by):
        raise Forbidden.coded("lineage.not_your_function", where="function", function=function,
                              held_by=reviewer.held_by, mine=list(by.functions) or "none")
    if v.admission != Admission.due_diligence:
        raise Conflict.coded("lineage.review_in_due_diligence", where=f"vendor {v.name}", name=v.name,
                             state=v.admission)
    if decision not in ("approve", "reject"):
        raise InvalidInput.coded("lineage.unknown_word", where="decision", field="decision", value=decision[:20],
                                 accepted=["approve", "reject"])
    text = _prose(reason, "reason", max_len=4000) or ""
    if decision == "reject" and not text:
        raise InvalidInput.coded("lineage.review_needs_reason", where="reason")
    r = VendorReview(vendor_id=v.id, function=function, decision=decision, reason=text, reviewer=by.actor, at=now())
    session.add(r)
    session.flush()
    session.refresh(v)
    _audit(session, by, "lineage.vendor_reviewed", f"vendor:{v.id}",
           {"function": function, "decision": decision, "reason": text})
    return r


def review_state(v: Vendor) -> dict[str, str | None]:
    """Each admission reviewer function's latest decision on the vendor (None: not yet)."""
    out: dict[str, str | None] = {f: None for f in load_admission_rules().functions}
    for r in v.reviews:
        if r.function in out:
            out[r.function] = r.decision
    return out


def review_functions_of(by: Principal) -> list[str]:
    """The admission reviewer functions `by` may decide: those held by one of their account functions
    (every one for the platform itself; none without `vendor.review`)."""
    rules = load_admission_rules()
    if by.role == "system":
        return rules.functions
    if not by.may("vendor.review"):
        return []
    return [r.id for r in rules.reviewers if set(r.held_by) & set(by.functions)]


def waiting_for(v: Vendor, by: Principal) -> list[str]:
    """The reviewer functions of `by` that have not decided on `v` yet, while it is in due diligence."""
    if v.kind != VendorKind.vendor or v.admission != Admission.due_diligence:
        return []
    state = review_state(v)
    return [f for f in review_functions_of(by) if state.get(f) is None]


def result_items(v: Vendor) -> list[AdmissionItem]:
    """The vendor's stored result reasons (`dd.filing: no`) as items, blocking or not under the rules in force."""
    rules = load_admission_rules()
    blocking = {q.id for q in rules.questions if q.blocker} | {c.id for c in rules.clauses if c.required}
    return [AdmissionItem.of_reason(r, blocking) for r in v.result_reasons or []]


def admission_items(v: Vendor) -> list[AdmissionItem]:
    """What keeps a vendor from being admitted: blockers, and reviewer functions that have not approved."""
    items = [i for i in result_items(v) if i.blocker]
    items += [AdmissionItem("review", f, d or "missing", True) for f, d in review_state(v).items() if d != "approve"]
    return items


def admission_gaps(v: Vendor) -> list[str]:
    """`admission_items` as the API and the CLI give them out: `blocker dd.filing: no`, `legal review missing`."""
    return [i.gap for i in admission_items(v)]


def move_vendor(session: Session, ref: str | int, to: str, *, by: Principal, reason: str = "") -> Vendor:
    """Move a vendor through admission: candidate → due_diligence → admitted → suspended → exited.

    Admission needs every reviewer function's approval and no blocker; a publisher is never admitted.
    """
    require(by, "vendor.manage")
    v = get_vendor(session, ref)
    target = Admission(_word(to, Admission, "to"))
    if v.kind == VendorKind.publisher:
        raise Conflict.coded("lineage.publisher_no_admission", where=f"vendor {v.name}", name=v.name)
    state = Admission(v.admission)
    if target not in ADMISSION_MOVES[state]:
        raise Conflict.coded("lineage.bad_move", where=f"vendor {v.name}", name=v.name, state=state.value,
                             to=target.value, accepted=sorted(ADMISSION_MOVES[state]))
    if target == Admission.admitted:
        gaps = admission_gaps(v)
        if gaps:
            raise Conflict.coded("lineage.admission_open", where=f"vendor {v.name}", extra={"open": gaps},
                                 name=v.name, reasons="; ".join(gaps))
    v.admission, v.updated_at = target.value, now()
    session.flush()
    _audit(session, by, "lineage.vendor_moved", f"vendor:{v.id}",
           {"from": state.value, "to": target.value, "reason": _prose(reason, "reason", max_len=4000)})
    return v


def admission_queue(session: Session, *, viewer: Principal) -> list[Vendor]:
    """Vendors waiting for admission (candidates and those in due diligence), oldest first."""
    require(viewer, "lineage.view")
    return list(session.scalars(select(Vendor).where(
        Vendor.kind == VendorKind.vendor, Vendor.admission.in_([Admission.candidate, Admission.due_diligence]))
        .order_by(Vendor.created_at, Vendor.id)))


# ----------------------------------------------------------------------------------------------- models

MODEL_TEXT = {"accountable_team": 200, "licence": 200, "security_contact": 200, "filing_number": 100,
              "launch_number": 100, "source": 1000}
MODEL_PROSE = ("intended_use", "limitations", "training_data", "remediation", "output_labeling")
MODEL_FIELDS = ("name", "version", "kind", "accountable_team", "vendor", "licence", *MODEL_PROSE,
                "security_contact", "filing_number", "launch_number", "source_kind", "source", "stub")


def model_snapshot(m: Model) -> dict[str, Any]:
    out = {f: getattr(m, f) for f in MODEL_FIELDS if f != "vendor"}
    out["vendor"] = m.vendor.name if m.vendor else None
    out["manifest_files"] = len(m.manifest or [])
    return out


def split_ref(ref: str) -> tuple[str, str | None]:
    """`name@version` → (name, version); a bare name → (name, None)."""
    name, sep, version = ref.strip().rpartition("@")
    return (name, version) if sep and name else (ref.strip(), None)


def find_model(session: Session, ref: str | int) -> Model | None:
    if _is_id(ref):
        return session.get(Model, check_range(int(ref), "model"))
    name, version = split_ref(str(ref))
    q = select(Model).where(Model.name == name)
    if version is not None:
        q = q.where(Model.version == version)
    found = list(session.scalars(q.order_by(Model.id).limit(20)))
    if len(found) > 1:
        raise InvalidInput.coded("lineage.ambiguous_model", where="model", ref=str(ref)[:100], n=len(found),
                                 versions=", ".join(m.version or "''" for m in found))
    return found[0] if found else None


def get_model(session: Session, ref: str | int, *, viewer: Principal | None = None) -> Model:
    if viewer is not None:
        require(viewer, "lineage.view")
    m = find_model(session, ref)
    if m is None:
        raise NotFound.coded("lineage.no_model", where="model", ref=str(ref)[:100])
    return m


def list_models(session: Session, *, viewer: Principal, kind: str | None = None, limit: int = 100,
                offset: int = 0) -> tuple[list[Model], int]:
    require(viewer, "lineage.view")
    check_range(limit, "limit", low=1, high=500)
    check_range(offset, "offset")
    q = select(Model)
    if kind is not None:
        q = q.where(Model.kind == _word(kind, ModelKind, "kind"))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    return list(session.scalars(q.order_by(Model.name, Model.version).limit(limit).offset(offset))), total


def _model_values(session: Session, given: dict[str, Any]) -> dict[str, Any]:
    """The given fields, checked; a key absent from `given` is not touched."""
    out: dict[str, Any] = {}
    if "name" in given:
        out["name"] = _line(given["name"], "name", required=True)
    if "version" in given:
        out["version"] = _line(given["version"], "version", max_len=100) or ""
    if "kind" in given:
        out["kind"] = _word(given["kind"], ModelKind, "kind")
    if "source_kind" in given:
        out["source_kind"] = _word(given["source_kind"] or "none", SourceKind, "source_kind")
    for f, n in MODEL_TEXT.items():
        if f in given:
            out[f] = _line(given[f], f, max_len=n)
    for f in MODEL_PROSE:
        if f in given:
            out[f] = _prose(given[f], f)
    if "vendor" in given:
        out["vendor_id"] = get_vendor(session, given["vendor"]).id if given["vendor"] else None
    if "stub" in given:
        out["stub"] = bool(given["stub"])
    return out


def add_model(session: Session, *, by: Principal, name: str, kind: str, version: str = "",
              manifest: list[dict[str, Any]] | None = None, **fields: Any) -> Model:
    """Record a model; its accountable party is an internal team (`accountable_team`) or a `vendor`."""
    require(by, "lineage.edit")
    unknown = set(fields) - set(MODEL_FIELDS)
    if unknown:
        raise InvalidInput.coded("lineage.unknown_word", where="model", field="field", value=sorted(unknown)[0],
                                 accepted=list(MODEL_FIELDS))
    v = _model_values(session, {"name": name, "kind": kind, "version": version, **fields})
    same = session.scalar(select(Model).where(Model.name == v["name"], Model.version == v["version"]))
    if same is not None:
        raise Conflict.coded("lineage.model_exists", where="name", label=same.label, id=same.id)
    t = now()
    m = Model(**{"source_kind": "none", "stub": False, **v}, manifest=list(manifest or []), created_at=t,
              created_by=by.actor, updated_at=t)
    session.add(m)
    session.flush()
    _audit(session, by, "lineage.model_added", f"model:{m.id}", model_snapshot(m))
    return m


def update_model(session: Session, ref: str | int, *, by: Principal, **fields: Any) -> Model:
    """Change a model's fields (None keeps a value, "" clears it); filling in a stub makes it a model."""
    require(by, "lineage.edit")
    m = get_model(session, ref)
    unknown = set(fields) - set(MODEL_FIELDS)
    if unknown:
        raise InvalidInput.coded("lineage.unknown_word", where="model", field="field", value=sorted(unknown)[0],
                                 accepted=list(MODEL_FIELDS))
    before = model_snapshot(m)
    for k, val in _model_values(session, {k: v for k, v in fields.items() if v is not None}).items():
        setattr(m, k, val)
    if "stub" not in fields and m.stub and (m.accountable_team or m.vendor_id):
        m.stub = False
    m.updated_at = now()
    session.flush()
    session.refresh(m)
    _audit_changes(session, by, "lineage.model_updated", f"model:{m.id}", before, model_snapshot(m))
    return m


def parents_of(session: Session, model_id: int) -> list[tuple[ModelEdge, Model]]:
    return list(session.execute(select(ModelEdge, Model).join(Model, Model.id == ModelEdge.parent_id)
                                .where(ModelEdge.child_id == model_id).order_by(Model.name)))


def children_of(session: Session, model_id: int) -> list[tuple[ModelEdge, Model]]:
    return list(session.execute(select(ModelEdge, Model).join(Model, Model.id == ModelEdge.child_id)
                                .where(ModelEdge.parent_id == model_id).order_by(Model.name)))


def add_edge(session: Session, child: str | int, parent: str | int, kind: str, *, by: Principal) -> ModelEdge:
    """Record that `child` came from `parent` by `kind`; an edge that would close a cycle is refused, naming it."""
    from aisgf.lineage.graph import ancestor_path

    require(by, "lineage.edit")
    c, p = get_model(session, child), get_model(session, parent)
    k = _word(kind, EdgeKind, "kind")
    if c.id == p.id:
        raise InvalidInput.coded("lineage.edge_self", where="parent", label=c.label)
    same = session.scalar(select(ModelEdge).where(ModelEdge.child_id == c.id, ModelEdge.parent_id == p.id))
    if same is not None:
        raise Conflict.coded("lineage.edge_exists", where="parent", child=c.label, parent=p.label, kind=same.kind)
    path = ancestor_path(session, p.id, c.id)  # does the parent already derive from the child?
    if path is not None:
        labels = {m.id: m.label for m in session.scalars(select(Model).where(Model.id.in_(path)))}
        cycle = " → ".join(labels[i] for i in [c.id, *path])
        raise Conflict.coded("lineage.cycle", where="parent", extra={"cycle": [labels[i] for i in [c.id, *path]]},
                             child=c.label, parent=p.label, cycle=cycle)
    e = ModelEdge(child_id=c.id, parent_id=p.id, kind=k, created_at=now(), created_by=by.actor)
    session.add(e)
    session.flush()
    _audit(session, by, "lineage.edge_added", f"model:{c.id}",
           {"child": c.label, "parent": p.label, "kind": k, "edge": e.id})
    return e


def remove_edge(session: Session, child: str | int, parent: str | int, *, by: Principal) -> None:
    require(by, "lineage.edit")
    c, p = get_model(session, child), get_model(session, parent)
    e = session.scalar(select(ModelEdge).where(ModelEdge.child_id == c.id, ModelEdge.parent_id == p.id))
    if e is None:
        raise NotFound.coded("lineage.no_model", where="parent", ref=f"{p.label} as a parent of {c.label}")
    payload = {"child": c.label, "parent": p.label, "kind": e.kind, "edge": e.id}
    session.delete(e)
    session.flush()
    _audit(session, by, "lineage.edge_removed", f"model:{c.id}", payload)


def link_model_dataset(session: Session, model: str | int, dataset: str | int, use: str, *,
                       by: Principal) -> ModelDataset:
    """Record that a model was trained (fine-tuned, evaluated) on a dataset."""
    require(by, "lineage.edit")
    m, d = get_model(session, model), get_dataset(session, dataset)
    u = _word(use, DatasetUse, "use")
    row = session.get(ModelDataset, (m.id, d.id, u))
    if row is None:
        row = ModelDataset(model_id=m.id, dataset_id=d.id, use=u)
        session.add(row)
        session.flush()
        _audit(session, by, "lineage.model_dataset_linked", f"model:{m.id}",
               {"model": m.label, "dataset": d.name, "use": u})
    return row


def datasets_of_model(session: Session, model_id: int) -> list[tuple[str, Dataset]]:
    return [(use, d) for use, d in session.execute(
        select(ModelDataset.use, Dataset).join(Dataset, Dataset.id == ModelDataset.dataset_id)
        .where(ModelDataset.model_id == model_id).order_by(Dataset.name))]


_RELATION = {"adapter": EdgeKind.adapter, "merge": EdgeKind.merge, "quantized": EdgeKind.quantisation,
             "finetune": EdgeKind.fine_tune}
_KIND_OF_EDGE = {EdgeKind.adapter: ModelKind.adapter, EdgeKind.merge: ModelKind.merge,
                 EdgeKind.quantisation: ModelKind.quantisation, EdgeKind.fine_tune: ModelKind.fine_tune}


def import_model(session: Session, info: ModelDirInfo, *, by: Principal, accountable_team: str | None = None,
                 version: str = "") -> Model:
    """Record a model read from its directory (`artifacts.read_model_dir`): card fields, manifest, parents.

    Each `base_model` becomes a parent (created as a stub, with its hub ID as source, when unknown);
    the card's `base_model_relation` gives the edge kind (a fine-tune when the card says nothing).
    Importing the same directory again refreshes the manifest and card fields rather than duplicating.
    """
    require(by, "lineage.edit")
    name = (info.name or "").strip() or info.root.rstrip("/").rsplit("/", 1)[-1]
    relation = _RELATION.get((info.base_model_relation or "").strip().lower(), EdgeKind.fine_tune)
    kind = _KIND_OF_EDGE.get(relation, ModelKind.fine_tune) if info.base_models else ModelKind.foundation
    manifest = [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in info.files]
    card_text = {
        "intended_use": info.card.get("intended_use") if isinstance(info.card.get("intended_use"), str) else None,
        "training_data": ("Datasets named by the model card: " + ", ".join(info.datasets)) if info.datasets else None,
    }
    fields: dict[str, Any] = {"licence": info.license, "source_kind": "path", "source": info.root,
                              **{k: v for k, v in card_text.items() if v}}
    if info.hub_snapshot is not None:  # a hub download: where it came from is the repo at its commit
        fields.update(source_kind="hub", source=f"{info.hub_snapshot.repo_id}@{info.hub_snapshot.revision}")
    if accountable_team:
        fields["accountable_team"] = accountable_team
    existing = find_model(session, f"{name}@{version}")
    if existing is None:
        m = add_model(session, by=by, name=name, kind=kind, version=version, manifest=manifest, **fields)
    else:
        m = update_model(session, existing.id, by=by, **fields)
        m.manifest = manifest
    seen: set[str] = set()
    for base in info.base_models:
        ref = base.strip()
        if not ref or ref in seen or ref == name:  # cards repeat parents (self-merges list one 7 times)
            continue
        seen.add(ref)
        parent = find_model(session, ref)
        if parent is None:
            parent = add_model(session, by=by, name=ref, kind=ModelKind.foundation, stub=True,
                               source_kind="hub", source=ref)
        known = select(ModelEdge).where(ModelEdge.child_id == m.id, ModelEdge.parent_id == parent.id)
        if session.scalar(known) is None:
            add_edge(session, m.id, parent.id, relation, by=by)
    session.flush()
    _audit(session, by, "lineage.model_imported", f"model:{m.id}",
           {"root": info.root, "files": len(manifest), "parents": sorted(seen), "relation": relation.value,
            "unsafe_pickles": [p.path for p in info.unsafe_pickles], "refused": list(info.refused),
            "unchecked": list(info.unchecked),
            "hub_snapshot": ({"repo_type": info.hub_snapshot.repo_type, "repo_id": info.hub_snapshot.repo_id,
                              "revision": info.hub_snapshot.revision} if info.hub_snapshot else None)})
    return m


# --------------------------------------------------------------------------------------------- datasets

DATASET_PROSE = ("collection_method", "lawful_basis", "ip_status", "annotation_rules", "quality_checks",
                 "bias_notes", "poisoning_checks", "retention")
DATASET_FLAGS = ("personal", "sensitive", "important", "cross_border")
DATASET_FIELDS = ("name", "source", "supplier", *DATASET_PROSE, *DATASET_FLAGS, "cross_border_mechanism")


def dataset_snapshot(d: Dataset) -> dict[str, Any]:
    out = {f: getattr(d, f) for f in DATASET_FIELDS if f != "supplier"}
    out["supplier"] = d.supplier.name if d.supplier else None
    return out


def get_dataset(session: Session, ref: str | int, *, viewer: Principal | None = None) -> Dataset:
    if viewer is not None:
        require(viewer, "lineage.view")
    d = (session.get(Dataset, check_range(int(ref), "dataset")) if _is_id(ref)
         else session.scalar(select(Dataset).where(Dataset.name == str(ref).strip())))
    if d is None:
        raise NotFound.coded("lineage.no_dataset", where="dataset", ref=str(ref)[:100])
    return d


def list_datasets(session: Session, *, viewer: Principal) -> list[Dataset]:
    require(viewer, "lineage.view")
    return list(session.scalars(select(Dataset).order_by(Dataset.name)))


def _dataset_values(session: Session, given: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in given:
        out["name"] = _line(given["name"], "name", required=True)
    if "source" in given:
        out["source"] = _word(given["source"], DatasetSource, "source")
    if "supplier" in given:
        out["supplier_id"] = get_vendor(session, given["supplier"]).id if given["supplier"] else None
    for f in DATASET_PROSE:
        if f in given:
            out[f] = _prose(given[f], f)
    for f in DATASET_FLAGS:
        if f in given:
            out[f] = bool(given[f])
    if "cross_border_mechanism" in given:
        out["cross_border_mechanism"] = _line(given["cross_border_mechanism"], "cross_border_mechanism", max_len=200)
    return out


def add_dataset(session: Session, *, by: Principal, name: str, source: str, **fields: Any) -> Dataset:
    require(by, "lineage.edit")
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise InvalidInput.coded("lineage.unknown_word", where="dataset", field="field", value=sorted(unknown)[0],
                                 accepted=list(DATASET_FIELDS))
    v = _dataset_values(session, {"name": name, "source": source, **fields})
    same = session.scalar(select(Dataset).where(Dataset.name == v["name"]))
    if same is not None:
        raise Conflict.coded("lineage.dataset_exists", where="name", name=v["name"], id=same.id)
    t = now()
    d = Dataset(**({f: False for f in DATASET_FLAGS} | v), created_at=t, created_by=by.actor, updated_at=t)
    session.add(d)
    session.flush()
    session.refresh(d)
    _audit(session, by, "lineage.dataset_added", f"dataset:{d.id}", dataset_snapshot(d))
    return d


def update_dataset(session: Session, ref: str | int, *, by: Principal, **fields: Any) -> Dataset:
    require(by, "lineage.edit")
    d = get_dataset(session, ref)
    before = dataset_snapshot(d)
    for k, val in _dataset_values(session, {k: v for k, v in fields.items() if v is not None}).items():
        setattr(d, k, val)
    d.updated_at = now()
    session.flush()
    session.refresh(d)
    _audit_changes(session, by, "lineage.dataset_updated", f"dataset:{d.id}", before, dataset_snapshot(d))
    return d


def open_questions(d: Dataset) -> list[dict[str, str]]:
    """What the framework's 4.1.2 (b)–(e) data risks still ask of this dataset, from what is missing.

    (b) illegal collection and use (lawful basis, IP and licence); (c) improper content and poisoning
    (poisoning checks, quality checks, annotation rules); (d) unregulated annotation (annotation rules
    and quality checks); (e) data leakage (retention, cross-border mechanism, sensitive and important data).
    """
    q: list[dict[str, str]] = []

    def ask(clause: str, field: str, why: str) -> None:
        q.append({"clause": f"4.1.2.{clause}", "field": field, "question": why})

    if not d.collection_method:
        ask("b", "collection_method", "How was the data collected (and from where)?")
    if d.personal and not d.lawful_basis:
        ask("b", "lawful_basis", "What is the lawful basis for processing the personal information it holds?")
    if not d.ip_status:
        ask("b", "ip_status", "What is its intellectual-property and licence status?")
    if not d.poisoning_checks:
        ask("c", "poisoning_checks", "How was it checked for poisoning and harmful content?")
    if not d.quality_checks:
        ask("c", "quality_checks", "Which quality checks were run on it?")
    if not d.annotation_rules and d.source != DatasetSource.synthetic:
        ask("d", "annotation_rules", "Which annotation rules were followed, and how were annotators checked?")
    if not d.retention:
        ask("e", "retention", "How long is it kept, and how is it deleted?")
    if d.cross_border and not d.cross_border_mechanism:
        ask("e", "cross_border_mechanism", "It leaves China: under which mechanism (security assessment, "
                                           "standard contract, certification)?")
    if (d.sensitive or d.important) and not d.retention:
        ask("e", "retention", "It holds sensitive personal information or important data: who may access it?")
    return q


# ------------------------------------------------------------------------------------------- components


def component_label(c: Component) -> str:
    return f"{c.kind}:{c.name}" + (f"@{c.version}" if c.version else "")


def get_component(session: Session, ref: str | int, *, viewer: Principal | None = None) -> Component:
    if viewer is not None:
        require(viewer, "lineage.view")
    c: Component | None
    if _is_id(ref):
        c = session.get(Component, check_range(int(ref), "component"))
    else:
        kind, _, rest = str(ref).strip().partition(":")
        name, version = split_ref(rest) if rest else ("", None)
        c = session.scalar(select(Component).where(Component.kind == kind, Component.name == name,
                                                   Component.version == (version or "")))
    if c is None:
        raise NotFound.coded("lineage.no_component", where="component", ref=str(ref)[:100])
    return c


def list_components(session: Session, *, viewer: Principal) -> list[Component]:
    require(viewer, "lineage.view")
    return list(session.scalars(select(Component).order_by(Component.kind, Component.name, Component.version)))


def add_component(session: Session, *, by: Principal, kind: str, name: str, version: str = "",
                  supplier: str | int | None = None, purl: str | None = None) -> Component:
    """Record a chip, software, tool, compute or data resource a system runs on (4.1.3(d))."""
    require(by, "lineage.edit")
    k = _word(kind, ComponentKind, "kind")
    n = _line(name, "name", required=True)
    ver = _line(version, "version", max_len=100) or ""
    p = _line(purl, "purl", max_len=1000)
    if p is not None and not _PURL.match(p):
        raise InvalidInput.coded("lineage.purl", where="purl", value=p[:100])
    same = session.scalar(select(Component).where(Component.kind == k, Component.name == n, Component.version == ver))
    if same is not None:
        raise Conflict.coded("lineage.component_exists", where="name", label=component_label(same), id=same.id)
    supplier_id = get_vendor(session, supplier).id if supplier else None
    c = Component(kind=k, name=n, version=ver, purl=p, supplier_id=supplier_id, created_at=now(), created_by=by.actor)
    session.add(c)
    session.flush()
    _audit(session, by, "lineage.component_added", f"component:{c.id}",
           {"kind": k, "name": n, "version": ver, "purl": p, "supplier": c.supplier.name if c.supplier else None})
    return c


def _component_snapshot(c: Component) -> dict[str, Any]:
    return {"name": c.name, "version": c.version, "purl": c.purl, "supplier": c.supplier.name if c.supplier else None}


def update_component(session: Session, ref: str | int, *, by: Principal, name: str | None = None,
                     version: str | None = None, supplier: str | int | None = None,
                     purl: str | None = None) -> Component:
    """Change a component (a new version, its supplier, its package URL); None keeps, "" clears."""
    require(by, "lineage.edit")
    c = get_component(session, ref)
    before = _component_snapshot(c)
    n: str = _line(name, "name", required=True) or c.name if name is not None else c.name
    ver = (_line(version, "version", max_len=100) or "") if version is not None else c.version
    p = _line(purl, "purl", max_len=1000) if purl is not None else c.purl
    if p is not None and not _PURL.match(p):
        raise InvalidInput.coded("lineage.purl", where="purl", value=p[:100])
    if (n, ver) != (c.name, c.version):
        same = session.scalar(select(Component).where(Component.kind == c.kind, Component.name == n,
                                                      Component.version == ver))
        if same is not None:
            raise Conflict.coded("lineage.component_exists", where="name", label=component_label(same), id=same.id)
    if supplier is not None:
        c.supplier_id = get_vendor(session, supplier).id if supplier != "" else None
    c.name, c.version, c.purl = n, ver, p
    session.flush()
    session.refresh(c)
    _audit_changes(session, by, "lineage.component_updated", f"component:{c.id}", before, _component_snapshot(c))
    return c


# ----------------------------------------------------------------------------------------- system links


def _system(session: Session, system: str | int, by: Principal) -> AISystem:
    """The system `by` may govern (an owner: their own), or the registry's 404/403."""
    from aisgf.registry.services import get_system

    s = get_system(session, system, viewer=by)
    require(by, "system.govern", s)
    return s


def link_system_model(session: Session, system: str | int, model: str | int, role: str = "primary", *,
                      by: Principal) -> SystemModel:
    require(by, "lineage.view")
    s, m = _system(session, system, by), get_model(session, model)
    r = _word(role, ModelRole, "role")
    row = session.get(SystemModel, (s.id, m.id))
    if row is None:
        row = SystemModel(system_id=s.id, model_id=m.id, role=r)
        session.add(row)
    elif row.role == r:
        return row
    row.role = r
    session.flush()
    append_event(session, actor=by.actor, action="lineage.system_model_linked", entity_type="system",
                 entity_id=s.key, payload={"model": m.label, "model_id": m.id, "role": r})
    return row


def link_system_dataset(session: Session, system: str | int, dataset: str | int, use: str, *,
                        by: Principal) -> SystemDataset:
    require(by, "lineage.view")
    s, d = _system(session, system, by), get_dataset(session, dataset)
    u = _word(use, DatasetUse, "use")
    row = session.get(SystemDataset, (s.id, d.id, u))
    if row is None:
        row = SystemDataset(system_id=s.id, dataset_id=d.id, use=u)
        session.add(row)
        session.flush()
        append_event(session, actor=by.actor, action="lineage.system_dataset_linked", entity_type="system",
                     entity_id=s.key, payload={"dataset": d.name, "dataset_id": d.id, "use": u})
    return row


def link_system_component(session: Session, system: str | int, component: str | int, *,
                          by: Principal) -> SystemComponent:
    require(by, "lineage.view")
    s, c = _system(session, system, by), get_component(session, component)
    row = session.get(SystemComponent, (s.id, c.id))
    if row is None:
        row = SystemComponent(system_id=s.id, component_id=c.id)
        session.add(row)
        session.flush()
        append_event(session, actor=by.actor, action="lineage.system_component_linked", entity_type="system",
                     entity_id=s.key, payload={"component": component_label(c), "component_id": c.id})
    return row


def unlink_system_model(session: Session, system: str | int, model: str | int, *, by: Principal) -> None:
    require(by, "lineage.view")
    s, m = _system(session, system, by), get_model(session, model)
    row = session.get(SystemModel, (s.id, m.id))
    if row is None:
        raise NotFound.coded("lineage.not_linked", where="model", what=f"model {m.label}", key=s.key)
    session.delete(row)
    session.flush()
    append_event(session, actor=by.actor, action="lineage.system_model_unlinked", entity_type="system",
                 entity_id=s.key, payload={"model": m.label, "model_id": m.id, "role": row.role})


def unlink_system_dataset(session: Session, system: str | int, dataset: str | int, *, by: Principal,
                          use: str | None = None) -> None:
    """The system no longer uses the dataset (for `use`, or for anything)."""
    require(by, "lineage.view")
    s, d = _system(session, system, by), get_dataset(session, dataset)
    q = select(SystemDataset).where(SystemDataset.system_id == s.id, SystemDataset.dataset_id == d.id)
    if use is not None:
        q = q.where(SystemDataset.use == _word(use, DatasetUse, "use"))
    rows = list(session.scalars(q))
    if not rows:
        raise NotFound.coded("lineage.not_linked", where="dataset", what=f"dataset {d.name}", key=s.key)
    for row in rows:
        session.delete(row)
    session.flush()
    append_event(session, actor=by.actor, action="lineage.system_dataset_unlinked", entity_type="system",
                 entity_id=s.key, payload={"dataset": d.name, "dataset_id": d.id, "uses": sorted(r.use for r in rows)})


def unlink_system_component(session: Session, system: str | int, component: str | int, *, by: Principal) -> None:
    require(by, "lineage.view")
    s, c = _system(session, system, by), get_component(session, component)
    row = session.get(SystemComponent, (s.id, c.id))
    if row is None:
        raise NotFound.coded("lineage.not_linked", where="component", what=f"component {component_label(c)}",
                             key=s.key)
    session.delete(row)
    session.flush()
    append_event(session, actor=by.actor, action="lineage.system_component_unlinked", entity_type="system",
                 entity_id=s.key, payload={"component": component_label(c), "component_id": c.id})


def system_models(session: Session, system_id: int) -> list[tuple[str, Model]]:
    return [(role, m) for role, m in session.execute(
        select(SystemModel.role, Model).join(Model, Model.id == SystemModel.model_id)
        .where(SystemModel.system_id == system_id).order_by(Model.name))]


def system_datasets(session: Session, system_id: int) -> list[tuple[str, Dataset]]:
    return [(use, d) for use, d in session.execute(
        select(SystemDataset.use, Dataset).join(Dataset, Dataset.id == SystemDataset.dataset_id)
        .where(SystemDataset.system_id == system_id).order_by(Dataset.name))]


def system_components(session: Session, system_id: int) -> list[Component]:
    return list(session.scalars(select(Component).join(SystemComponent, SystemComponent.component_id == Component.id)
                                .where(SystemComponent.system_id == system_id).order_by(Component.name)))


# --------------------------------------------------------------------------------------------- evidence


def add_lineage_evidence(
    session: Session, store: EvidenceStore | None, *, by: Principal, model: str | int | None = None,
    dataset: str | int | None = None, purpose: str = "responsibility", catalog_id: str | None = None,
    stream: BinaryIO | None = None, filename: str | None = None, media_type: str | None = None,
    uri: str | None = None, description: str = "", max_bytes: int = 50 * 1024 * 1024,
) -> LineageEvidence:
    """Attach a document to a model or a dataset: a file (stored by SHA-256 in the evidence store) or a URI.

    With `catalog_id` (an obligation's catalog ID) it also counts as evidence for that obligation of
    every system linked to the model or dataset (the go-live gate's inherited evidence); it must be an
    item of the framework catalog, so a typo cannot leave a document that silently serves nothing.
    A file must be a kind the registry accepts as evidence (`registry.services.check_evidence_file`).
    """
    require(by, "lineage.edit")
    if (model is None) == (dataset is None):
        raise InvalidInput.coded("lineage.one_subject", where="evidence")
    if (stream is None) == (uri is None) or (stream is not None and store is None):
        raise InvalidInput.coded("lineage.evidence_file_or_uri", where="evidence")
    m = get_model(session, model) if model is not None else None
    d = get_dataset(session, dataset) if dataset is not None else None
    if stream is not None:
        from aisgf.registry.services import check_evidence_file  # the same kinds of file as a system's evidence

        check_evidence_file(filename or "", media_type)
    ev = LineageEvidence(model_id=m.id if m else None, dataset_id=d.id if d else None,
                         purpose=_word(purpose, EvidencePurpose, "purpose"),
                         catalog_id=_catalog_item(catalog_id),
                         description=_prose(description, "description", max_len=4000) or "",
                         added_by=by.actor, added_at=now())
    if stream is not None:
        assert store is not None
        ev.sha256, ev.size = store.put(stream, max_bytes=max_bytes, name=filename or "upload")
        ev.kind, ev.filename = "file", (_line(filename, "filename") or ev.sha256)[:300]
    else:
        assert uri is not None
        if not _WEB_URI.fullmatch(uri):
            raise InvalidInput.coded("lineage.uri_not_web", where="uri", uri=uri[:80])
        ev.kind, ev.uri = "uri", uri
    session.add(ev)
    session.flush()
    subject = f"model:{m.id}" if m else f"dataset:{d.id}"  # type: ignore[union-attr]
    _audit(session, by, "lineage.evidence_added", subject,
           {"evidence": ev.id, "purpose": ev.purpose, "catalog_id": ev.catalog_id, "kind": ev.kind,
            "sha256": ev.sha256, "size": ev.size, "filename": ev.filename, "uri": ev.uri})
    return ev


def _catalog_item(ref: str | None) -> str | None:
    """The catalog's local ID of an item (``aisgf-1.0:6.2.e`` → ``6.2.e``); an ID the catalog does not
    have is not found (404), as any unknown ID; blank text is not an ID (422)."""
    if ref is None or ref == "":
        return None
    text = _line(ref, "catalog_id", max_len=100)
    if not text:
        raise InvalidInput.coded("lineage.required", where="catalog_id", field="catalog_id")
    from aisgf.catalog.loader import load_catalog

    catalog = load_catalog()
    try:
        return catalog.get(text).id
    except NotFound:
        raise NotFound.coded("lineage.no_catalog_item", where="catalog_id", ref=text[:100]) from None


def get_lineage_evidence(session: Session, evidence_id: int, *, viewer: Principal) -> LineageEvidence:
    """One model's or dataset's document, for anyone who may see lineage."""
    require(viewer, "lineage.view")
    ev = session.get(LineageEvidence, check_range(evidence_id, "evidence"))
    if ev is None:
        raise NotFound.coded("lineage.no_evidence", where="evidence", id=evidence_id)
    return ev


def evidence_of(session: Session, *, model_id: int | None = None,
                dataset_id: int | None = None) -> list[LineageEvidence]:
    q = select(LineageEvidence).order_by(LineageEvidence.id)
    q = q.where(LineageEvidence.model_id == model_id) if model_id is not None else q.where(
        LineageEvidence.dataset_id == dataset_id)
    return list(session.scalars(q))


def inherited_evidence(session: Session, system_id: int) -> set[str]:
    """The obligation catalog IDs that documents on this system's models and datasets serve.

    For the registry's go-live gate: a model's responsibility document, filed once, settles the
    evidence for that obligation in every system linked to the model.
    """
    by_model = (select(LineageEvidence.catalog_id)
                .join(SystemModel, SystemModel.model_id == LineageEvidence.model_id)
                .where(SystemModel.system_id == system_id))
    by_dataset = (select(LineageEvidence.catalog_id)
                  .join(SystemDataset, SystemDataset.dataset_id == LineageEvidence.dataset_id)
                  .where(SystemDataset.system_id == system_id))
    rows = session.scalars(by_model.union(by_dataset))
    return {r for r in rows if r}
