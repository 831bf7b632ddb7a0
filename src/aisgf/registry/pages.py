"""Pages of the governance workflow: dashboard, systems, the intake wizard, the review queue and the
actions on a system (obligations, evidence, reviews, status).

Every handler parses the form, calls `registry.services` (which holds every lifecycle rule and
checks `expected_version`) and renders the result; ownership and reviewer functions are checked by
`accounts.services`. Errors become pages via the app's problem handlers, after the transaction
was rolled back — nothing is half-written.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from aisgf.accounts import services as acc
from aisgf.audit.schemas import AuditEventOut
from aisgf.audit.service import list_events
from aisgf.errors import AisgfError, Conflict, InvalidInput, TooLarge, check_range, register_messages
from aisgf.intake import decide, load_questionnaire, validate_answers
from aisgf.registry import services as svc
from aisgf.registry import views
from aisgf.registry.choices import Lifecycle, ObligationStatus, values
from aisgf.registry.evidence_store import EvidenceStore, megabytes
from aisgf.registry.schemas import decision_of
from aisgf.web.authz import principal
from aisgf.web.deps import SESSION, PathID, QueryOffset, get_store
from aisgf.web.i18n import translator
from aisgf.web.labels import N_
from aisgf.web.pagekit import NOTICES, PROBLEM_TEXT, redirect
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

MESSAGES = register_messages({
    "web.evidence_not_file": "this evidence is not a stored file of this system",
    "web.not_integer": "not a whole number: {value!r}",
    "web.not_date": "not a date (YYYY-MM-DD): {value!r}",
    "web.obligation_other_system": "this obligation belongs to another system",
    "web.file_too_large": "the file is larger than the limit of {limit} MB",
    "web.form_without_version": "the form has no version; reload the page",
    "web.waiver_decision": "decide a waiver with approve or refuse",
})


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


@router.get("/")
def dashboard(request: Request, s: Session = SESSION) -> Response:
    from aisgf.registry.gates import reopen_expired_waivers

    reopen_expired_waivers(s)  # before counting: an expired waiver is an open obligation again
    p = principal(request)
    data = views.dashboard(s, owner_id=acc.owned_only(p), with_audit=p.may("audit.read"))
    queue = views.review_queue(s, p.functions, limit=50) if p.may("review.decide") else None
    return render(request, "dashboard.html", d=data, queue=queue, notice=_notice(request), lifecycle=values(Lifecycle),
                  **_tiers_and_lanes())


@router.get("/systems")
def systems(request: Request, status: str | None = None, tier: str | None = None, lane: str | None = None,
            offset: QueryOffset = 0, due: str = "", override: str = "", s: Session = SESSION) -> Response:
    p = principal(request)
    rows, total = svc.list_systems(s, status=status or None, tier=tier or None, lane=lane or None,
                                   viewer=p, limit=50, offset=offset, due=bool(due),
                                   overridden=bool(override))
    return render(request, "systems.html", rows=rows, total=total, offset=offset, lifecycle=values(Lifecycle),
                  **_tiers_and_lanes(),
                  filters={"status": status or "", "tier": tier or "", "lane": lane or ""})


def _tiers_and_lanes() -> dict[str, Any]:
    """The tiers and lanes of the ruleset in force, highest and slowest first (as the pages list them)."""
    from aisgf.intake.ruleset import load_ruleset

    rs = load_ruleset()
    return {"tiers": list(reversed(rs.tiers)), "lanes": list(reversed(rs.lanes))}


def _system(s: Session, request: Request, key: str) -> Any:
    return svc.get_system(s, key, viewer=principal(request))


def _system_for_page(s: Session, request: Request, key: str) -> Any:
    """The system with everything its page shows loaded in a few queries (not one per obligation)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from aisgf.registry.models import AISystem, EvidenceLink, Obligation

    system = _system(s, request, key)
    s.scalars(select(AISystem).where(AISystem.id == system.id).options(
        selectinload(AISystem.assessments),
        selectinload(AISystem.obligations).selectinload(Obligation.evidence_links)
        .selectinload(EvidenceLink.evidence))).all()
    return system


@router.get("/systems/{key}")
def system_page(request: Request, key: str, s: Session = SESSION) -> Response:
    from aisgf.registry.gates import reopen_expired_waivers

    reopen_expired_waivers(s, _system(s, request, key))  # an expired waiver reopens its obligation
    system = _system_for_page(s, request, key)
    p = principal(request)
    state = svc.review_state(s, system)
    events, _total = list_events(s, entity_type="system", entity_id=system.key, limit=100)
    a = svc.current_assessment(system)
    my_functions = svc.waiting_functions(state, p.functions)
    from aisgf.lineage.pages import system_lineage
    from aisgf.registry import gates

    return render(
        request, "system.html", system=system, current=a, decision=decision_of(a) if a else None,
        gaps=gates.launch_gaps(s, system) if system.status in ("approved", "in_review") else [],
        may_override=p.may("system.override_gate", system), may_reinstate=p.may("system.reinstate", system),
        may_decide_waivers=p.may("waiver.decide", system), me_name=p.username, review_due=gates.review_due_on(system)
        if (gates.review_due_on(system) or svc.today()) < svc.today() else None,
        assessments=list(reversed(system.assessments)),
        state=state, reviews=svc.list_reviews(s, system), evidence=svc.list_evidence(s, system),
        events=[AuditEventOut.of(e) for e in events], notice=_notice(request),
        may_govern=p.may("system.govern", system),
        my_functions=my_functions if system.status == "in_review" and p.may("review.decide") else [],
        questionnaire=load_questionnaire(), ob_titles=_obligation_titles(system, request.state.lang),
        sector_label=_option_label("sector", system.sector, request.state.lang),
        obligation_statuses=values(ObligationStatus), lineage=system_lineage(s, system, p),
    )


def _option_label(question_id: str, value: str, lang: str) -> str:
    """The questionnaire's own label for an answer value (e.g. sector `finance` → 金融)."""
    q = load_questionnaire().get(question_id)
    for o in q.options if q else []:
        if o.value == value:
            return o.label.get(lang)
    return value


def _obligation_titles(system: Any, lang: str) -> dict[str, str]:
    """Obligation titles in the reader's language, from the decisions that created them."""
    titles: dict[str, str] = {}
    for a in system.assessments:
        d = decision_of(a)
        for o in d.obligations:
            t = (o.title_zh if lang == "zh" else o.title_en) or o.title
            if t:
                titles[o.id] = t
        for duty in d.duties:  # China implementation duties: 《instrument》article
            titles[f"{duty.catalog}:{duty.id}"] = (f"《{duty.instrument_zh}》{duty.title_zh}" if lang == "zh"
                                                   else f"{duty.instrument_en}: {duty.title_en}")
    return titles


@router.get("/systems/{key}/evidence/{evidence_id}")
def evidence_file(request: Request, key: str, evidence_id: PathID, s: Session = SESSION,
                  store: EvidenceStore = Depends(get_store)) -> Response:
    system = _system(s, request, key)
    ev = svc.get_evidence(s, evidence_id)
    if ev.system_id != system.id or ev.kind != "file" or not ev.sha256:
        raise InvalidInput.coded("web.evidence_not_file", where=f"evidence {evidence_id}")
    store.check(ev.sha256)
    # Always a download, never rendered inline: an uploaded HTML or SVG file must not run in our origin.
    return FileResponse(store.path(ev.sha256), media_type="application/octet-stream",
                        filename=ev.filename or ev.sha256,
                        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})


def _int(value: str | None, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value) if len(value) <= 40 else None
    except ValueError:
        number = None
    if number is None:
        raise InvalidInput.coded("web.not_integer", where=where, value=value[:40])
    return check_range(number, where)


def _date(value: str | None, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput.coded("web.not_date", where=where, value=value[:40]) from exc


class _Form(BaseModel):
    """A page's form: fields as the browser posts them (text); the CSRF token and unknown fields pass by."""

    model_config = ConfigDict(extra="ignore")


class ObligationForm(_Form):
    status: str = Field(max_length=20)
    sign_off: str = Field(default="", max_length=5)
    note: str = Field(default="", max_length=20000)
    due_date: str = Field(default="", max_length=20)
    waiver_reason: str = Field(default="", max_length=20000)
    waiver_expires: str = Field(default="", max_length=20)
    version: str = Field(max_length=12)


class EvidenceForm(_Form):
    uri: str = Field(default="", max_length=4000)
    description: str = Field(default="", max_length=20000)


class ReviewForm(_Form):
    function: str = Field(max_length=20)
    decision: str = Field(max_length=20)
    reason: str = Field(default="", max_length=20000)
    assessment: str = Field(max_length=12)


class StatusForm(_Form):
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=20000)
    version: str = Field(max_length=12)
    override: str = Field(default="", max_length=5)
    confirm: str = Field(default="", max_length=5)


class ReinstateForm(_Form):
    reason: str = Field(default="", max_length=20000)
    version: str = Field(max_length=12)


class WaiverForm(_Form):
    decision: str = Field(max_length=10)
    version: str = Field(default="", max_length=12)


@router.post("/systems/{key}/obligations/{obligation_id}")
def update_obligation(request: Request, key: str, obligation_id: PathID, f: Annotated[ObligationForm, Form()],
                      s: Session = SESSION) -> Response:
    system = _system(s, request, key)
    ob = svc.get_obligation(s, obligation_id)
    if ob.system_id != system.id:
        raise InvalidInput.coded("web.obligation_other_system", where="obligation")
    before = ob.status
    svc.update_obligation(s, obligation_id, by=principal(request), status=f.status, note=f.note,
                          due_date=_date(f.due_date, "due_date"), waiver_reason=f.waiver_reason or None,
                          waiver_expires=_date(f.waiver_expires, "waiver_expires"),
                          expected_version=_int(f.version, "version"), sign_off=bool(f.sign_off))
    requested = f.status == "waived" and before != "waived"
    return redirect(request, f"/systems/{system.key}#obligation-{obligation_id}",
                    notice="waiver_requested" if requested else "obligation_saved")


@router.post("/systems/{key}/obligations/{obligation_id}/waiver")
def decide_waiver(request: Request, key: str, obligation_id: int, f: Annotated[WaiverForm, Form()],
                  s: Session = SESSION) -> Response:
    from aisgf.registry.gates import decide_waiver as run

    system = _system(s, request, key)
    ob = svc.get_obligation(s, obligation_id)
    if ob.system_id != system.id:
        raise InvalidInput.coded("web.obligation_other_system", where="obligation")
    if f.decision not in ("approve", "refuse"):
        raise InvalidInput.coded("web.waiver_decision", where="decision")
    run(s, obligation_id, by=principal(request), approve=f.decision == "approve",
        expected_version=_int(f.version, "version") if f.version else None)
    return redirect(request, f"/systems/{system.key}#obligation-{obligation_id}", notice="waiver_decided")


@router.post("/systems/{key}/evidence")
async def add_evidence(request: Request, key: str, f: Annotated[EvidenceForm, Form()],
                       file: UploadFile | None = File(default=None),
                       s: Session = SESSION, store: EvidenceStore = Depends(get_store)) -> Response:
    form: FormData = await request.form()
    obligations = [str(v) for v in form.getlist("obligations")][:200]
    limit: int = request.app.state.settings.max_upload_bytes
    has_file = file is not None and bool(file.filename)
    if has_file:
        assert file is not None
        if file.size is not None and file.size > limit:
            raise TooLarge.coded("web.file_too_large", where="file", extra={"limit_bytes": limit},
                                 limit=megabytes(limit))
        svc.check_evidence_file(file.filename or "", file.content_type)  # before reading it: a 415, nothing kept
    p = principal(request)

    def work() -> str:
        system = _system(s, request, key)
        svc.add_evidence(s, store, system.key, by=p, obligations=obligations,
                         stream=file.file if has_file and file else None,
                         filename=file.filename if has_file and file else None,
                         media_type=file.content_type if has_file and file else None,
                         uri=f.uri.strip() or None if not has_file else None, description=f.description,
                         max_bytes=limit)
        return system.key

    from starlette.concurrency import run_in_threadpool

    system_key = await run_in_threadpool(work)
    return redirect(request, f"/systems/{system_key}#evidence", notice="evidence_saved")


@router.post("/systems/{key}/reviews")
def review(request: Request, key: str, f: Annotated[ReviewForm, Form()], s: Session = SESSION) -> Response:
    p = principal(request)
    system = _system(s, request, key)
    svc.record_review(s, system.key, function=f.function, decision=f.decision, by=p, reason=f.reason,
                      assessment_number=_int(f.assessment, "assessment"))
    return redirect(request, f"/systems/{system.key}", notice="review_saved")


@router.post("/systems/{key}/status")
def set_status(request: Request, key: str, f: Annotated[StatusForm, Form()], s: Session = SESSION) -> Response:
    system = _system(s, request, key)
    try:
        svc.set_status(s, system.key, f.status, by=principal(request), reason=f.reason,
                       expected_version=_int(f.version, "version"), override=bool(f.override),
                       confirm=bool(f.confirm))
    except Conflict as exc:
        if exc.code != "registry.live_gate":
            raise
        s.rollback()  # nothing changed; the page's go-live panel lists what is open, each with why
        return redirect(request, f"/systems/{system.key}#launch", notice="live_refused")
    return redirect(request, f"/systems/{system.key}", notice="retired" if f.status == "retired" else "status_saved")


@router.get("/waivers")
def waivers(request: Request, s: Session = SESSION) -> Response:
    """Waivers waiting for a decision, legacy ones to confirm, and those expiring within 30 days."""
    from datetime import timedelta

    from sqlalchemy import or_, select
    from sqlalchemy.orm import selectinload

    from aisgf.registry.models import AISystem, Obligation

    p = principal(request)
    day = svc.today()
    q = select(Obligation).options(selectinload(Obligation.system)).where(or_(
        Obligation.waiver_state.in_(["requested", "legacy"]),
        (Obligation.status == "waived") & (Obligation.waiver_expires <= day + timedelta(days=30))))
    if (only := acc.owned_only(p)) is not None:
        q = q.where(Obligation.system_id.in_(select(AISystem.id).where(AISystem.owner_id == only)))
    rows = list(s.scalars(q.order_by(Obligation.waiver_expires, Obligation.id)))
    return render(request, "waivers.html", rows=rows, may_decide=p.may("waiver.decide"), me_name=p.username)


@router.get("/obligations/open-on-live")
def open_on_live(request: Request, s: Session = SESSION) -> Response:
    """Obligations still open on live systems (what the dashboard counts)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from aisgf.registry.choices import OUTSTANDING
    from aisgf.registry.models import AISystem, Obligation

    p = principal(request)
    live = select(AISystem.id).where(AISystem.status == "live")
    if (only := acc.owned_only(p)) is not None:
        live = live.where(AISystem.owner_id == only)
    rows = list(s.scalars(select(Obligation).options(selectinload(Obligation.system)).where(
        Obligation.system_id.in_(live), Obligation.required.is_(True),
        Obligation.status.in_([x.value for x in OUTSTANDING])).order_by(Obligation.system_id, Obligation.id)
        .limit(500)))
    return render(request, "open_on_live.html", rows=rows)


@router.get("/systems/{key}/retire")
def retire_form(request: Request, key: str, s: Session = SESSION) -> Response:
    """The confirmation step before retiring: what retiring means, a reason, an explicit confirm."""
    system = _system(s, request, key)
    return render(request, "retire.html", system=system)


@router.post("/systems/{key}/reinstate")
def reinstate(request: Request, key: str, f: Annotated[ReinstateForm, Form()], s: Session = SESSION) -> Response:
    from aisgf.registry.gates import reinstate as run

    system = _system(s, request, key)
    run(s, system.key, by=principal(request), reason=f.reason, expected_version=_int(f.version, "version"))
    return redirect(request, f"/systems/{system.key}", notice="reinstated")


# --------------------------------------------------------------------------- intake wizard


def answers_from_form(form: FormData) -> dict[str, Any]:
    """Form fields `q_<question id>` → typed answers; validation is the questionnaire's job."""
    q = load_questionnaire()
    answers: dict[str, Any] = {}
    for question in q.questions:
        name = f"q_{question.id}"
        if question.type == "multi":
            values = [str(v) for v in form.getlist(name)]
            if values or name + "__present" in form:
                answers[question.id] = values
            continue
        raw = form.get(name)
        if raw is None or raw == "":
            continue
        raw = str(raw)
        if question.type == "bool":
            answers[question.id] = {"true": True, "false": False}.get(raw, raw)
        else:
            answers[question.id] = raw
    return answers


def _intake_values(form: FormData) -> dict[str, Any]:
    return {k: [str(v) for v in form.getlist(k)] for k in form if k != "csrf_token"}


ANSWER_THIS = N_("Answer this question.")
CHOOSE_ONE = N_("Choose one of: %(options)s.")
CHOOSE_SOME = N_("Choose one or more of: %(options)s.")
CHOOSE_AT_LEAST = N_("Choose at least %(n)s.")


def question_errors(answers: dict[str, Any], lang: str) -> dict[str, str]:
    """Question ID → what is wrong with its answer, in the page's language and with the options' labels,
    for every unanswered or invalid question (the wizard shows each next to its question)."""
    q = load_questionnaire()
    try:
        validate_answers(answers, q)
    except InvalidInput as exc:
        problems = exc.problem_codes
    else:
        return {}
    tr = translator(lang)
    sep = "、" if lang == "zh" else ", "
    out: dict[str, str] = {}
    for problem in problems:
        question = q.get(str(problem[1].get("qid"))) if problem else None
        if problem is None or question is None:
            continue
        code, params = problem
        labels = ([tr("Yes"), tr("No")] if question.type == "bool"
                  else [o.label.get(lang) for o in question.options])
        if code == "intake.bad_answer" and params.get("error_code") == "intake.min_items":
            out[question.id] = tr(CHOOSE_AT_LEAST, n=params["error_params"]["n"])
        elif code == "intake.bad_answer" and labels:
            out[question.id] = tr(CHOOSE_SOME if question.type == "multi" else CHOOSE_ONE, options=sep.join(labels))
        else:
            out[question.id] = tr(ANSWER_THIS)
    return out


@router.get("/intake")
def intake_form(request: Request) -> Response:
    return render(request, "intake.html", questionnaire=load_questionnaire(), values={}, decision=None,
                  owner_field=principal(request).may("system.choose_owner"))


@router.post("/intake/preview")
async def intake_preview(request: Request, s: Session = SESSION) -> Response:
    """The decision for the answers so far (htmx, on every change): nothing is stored.

    On a reassessment form (`system` given) the preview runs as the stored decision will: with what the
    system's lineage establishes, so the person sees the lineage's warning before submitting.
    """
    form = await request.form()
    answers = answers_from_form(form)
    lang = request.state.lang
    unanswered = [q.question.get(lang) for q in load_questionnaire().questions if q.required and q.id not in answers]
    system_key = str(form.get("system", "")).strip()[:100]
    decision, error = None, None
    if not unanswered:
        try:
            if system_key:
                system = svc.get_system(s, system_key, viewer=principal(request))
                decision = svc.decide_for(s, system, answers)
            else:
                decision = decide(answers)
        except AisgfError as exc:
            error = exc
    return render(request, "partials/decision.html", decision=decision, error=error, unanswered=unanswered,
                  question_errors=question_errors(answers, lang) if error else {}, questionnaire=load_questionnaire())


@router.post("/intake")
async def intake_submit(request: Request, s: Session = SESSION) -> Response:
    form = await request.form()
    p = principal(request)
    answers = answers_from_form(form)
    name = str(form.get("name", "")).strip()[:300]
    description = str(form.get("description", ""))[:20000]
    owner_req = str(form.get("owner", "")).strip()[:200] or None

    def work() -> str:
        if not name:
            raise InvalidInput.coded("registry.system_needs_name", where="name")
        owner = owner_req if p.may("system.choose_owner") else None  # an owner registers for themself
        system = svc.register_system(s, name=name, owner=owner, description=description, answers=answers,
                                     by=p)
        return system.key

    from starlette.concurrency import run_in_threadpool

    try:
        key = await run_in_threadpool(work)
    except AisgfError as exc:
        s.rollback()
        decision = None
        with contextlib.suppress(AisgfError):
            decision = decide(answers)
        return render(request, "intake.html", status_code=exc.status, questionnaire=load_questionnaire(),
                      values=_intake_values(form), decision=decision, error=exc,
                      owner_field=p.may("system.choose_owner"),
                      question_errors=question_errors(answers, request.state.lang))
    return redirect(request, f"/systems/{key}", notice="registered")


# --------------------------------------------------------------------------- reassess


def form_values(answers: dict[str, Any]) -> dict[str, list[str]]:
    """Stored answers → the wizard's field values (the inverse of `answers_from_form`), to pre-fill it."""
    values: dict[str, list[str]] = {}
    for question in load_questionnaire().questions:
        if question.id not in answers:
            continue
        v = answers[question.id]
        if question.type == "multi":
            values[f"q_{question.id}"] = [str(x) for x in (v or [])]
        elif question.type == "bool" and isinstance(v, bool):
            values[f"q_{question.id}"] = ["true" if v else "false"]
        elif v is not None:
            values[f"q_{question.id}"] = [str(v)]
    return values




@router.get("/systems/{key}/reassess")
def reassess_form(request: Request, key: str, s: Session = SESSION) -> Response:
    """The intake wizard, pre-filled with the current assessment's answers (after a send-back, say)."""
    system = _system(s, request, key)
    svc.check_reassessable(system)
    a = svc.current_assessment(system)
    answers = dict(a.answers) if a is not None else {}
    return render(request, "intake.html", questionnaire=load_questionnaire(), values=form_values(answers),
                  decision=None, system=system, version=system.version, sent_back=svc.sent_back(s, system))


@router.post("/systems/{key}/reassess")
async def reassess_submit(request: Request, key: str, s: Session = SESSION) -> Response:
    """A new assessment with `expected_version`: a form from a second tab that is out of date is refused
    (409, the page says so and keeps the person's answers) and nothing is stored."""
    form = await request.form()
    p = principal(request)
    answers = answers_from_form(form)
    version_raw = form.get("version")
    version_text = version_raw if isinstance(version_raw, str) else None
    reply_raw = form.get("reply")
    reply = reply_raw[:20000] if isinstance(reply_raw, str) else ""

    def work() -> str:
        system = _system(s, request, key)
        svc.check_reassessable(system)
        expected = _int(version_text, "version")
        if expected is None:
            raise InvalidInput.coded("web.form_without_version", where="version")
        svc.reassess(s, system.key, answers, by=p, expected_version=expected, reply=reply)
        return system.key

    from starlette.concurrency import run_in_threadpool

    try:
        system_key = await run_in_threadpool(work)
    except (InvalidInput, Conflict) as exc:
        s.rollback()
        err = exc

        def page() -> Response:
            system = _system(s, request, key)
            decision = None
            with contextlib.suppress(AisgfError):
                decision = svc.decide_for(s, system, answers)
            # The form keeps the person's answers but carries the version it was loaded with: a stale
            # form stays stale until the page is reloaded, so nobody overwrites a change unseen.
            return render(request, "intake.html", status_code=err.status, questionnaire=load_questionnaire(),
                          values=_intake_values(form), decision=decision, error=err, system=system,
                          version=version_text or "", sent_back=svc.sent_back(s, system),
                          explain=PROBLEM_TEXT.get("conflict") if isinstance(err, Conflict) else None,
                          question_errors=question_errors(answers, request.state.lang))

        return await run_in_threadpool(page)
    return redirect(request, f"/systems/{system_key}", notice="reassessed")


# --------------------------------------------------------------------------- review queue


@router.get("/reviews")
def review_queue(request: Request, function: str | None = None, s: Session = SESSION) -> Response:
    p = principal(request)
    mine = p.functions if p.may("review.decide") else None
    known = svc.reviewer_functions()
    functions = mine
    if function:
        svc.check_function(function)
        functions = tuple(f for f in (mine or known) if f == function)
    return render(request, "reviews.html", queue=views.review_queue(s, functions), function=function or "",
                  mine=mine, known_functions=known)
