"""The lineage pages: models (with their lineage drawn as SVG), datasets, vendors and the admission queue,
and the lineage panel of a system's page. Models and datasets are read-only here (changes go through the
API and the CLI); a vendor's page carries the admission workflow: due-diligence answers and contract
clauses and the moves through admission (`vendor.manage`), and the reviews (`vendor.review`, for the
reviewer functions the account holds). Each form handler parses the form, calls one service and
redirects with a notice; a refused change shows the page again with the error and what was typed,
after the transaction was rolled back.

Why the graph is an image served on its own URL rather than SVG inlined in the page: Graphviz writes
people's text (model names) into the SVG; as `<img src>` the browser renders it as an image, where no
script in it can run, and the page's CSP (img-src 'self') covers it without loosening anything.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from aisgf.errors import AisgfError
from aisgf.lineage import graph
from aisgf.lineage import services as svc
from aisgf.lineage.choices import ADMISSION_MOVES, Admission, VendorKind
from aisgf.lineage.models import Dataset, Model, ModelDataset
from aisgf.lineage.reference import AdmissionRules, load_admission_rules
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.web.authz import principal
from aisgf.web.deps import SESSION, get_store
from aisgf.web.i18n import translator
from aisgf.web.labels import LABELS, N_
from aisgf.web.pagekit import redirect
from aisgf.web.templating import add_templates, render

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal

add_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

#: How far the drawn lineage reaches up (ancestors) and down (descendants), and how many models at most.
DEPTH = 3
MAX_NODES = 60

#: What a hop of a chain can lack (graph.MISSING), in words for people.
MISSING_TEXT = {
    "accountable_party": N_("an accountable party (a team or a vendor)"),
    "responsibility_docs": N_("responsibility documentation"),
    "licence": N_("a licence"),
    "training_data": N_("a training-data summary"),
    "vendor_admission": N_("an admitted vendor"),
}

#: The open questions of a dataset (services.open_questions) in words for people.
QUESTION_TEXT = [
    N_("How was the data collected (and from where)?"),
    N_("What is the lawful basis for processing the personal information it holds?"),
    N_("What is its intellectual-property and licence status?"),
    N_("How was it checked for poisoning and harmful content?"),
    N_("Which quality checks were run on it?"),
    N_("Which annotation rules were followed, and how were annotators checked?"),
    N_("How long is it kept, and how is it deleted?"),
    N_("It leaves China: under which mechanism (security assessment, standard contract, certification)?"),
    N_("It holds sensitive personal information or important data: who may access it?"),
]


# ------------------------------------------------------------------------------------------ the graph


@dataclass
class Neighbourhood:
    """The models within DEPTH hops of one model, up and down, and the edges among them."""

    models: dict[int, Model]
    edges: list[tuple[int, int, str]]  # (parent, child, kind)
    truncated: bool


def neighbourhood(session: Session, m: Model, *, depth: int = DEPTH, max_nodes: int = MAX_NODES) -> Neighbourhood:
    models: dict[int, Model] = {m.id: m}
    edges: set[tuple[int, int, str]] = set()
    truncated = False
    for up in (True, False):
        seen = {m.id}
        queue: deque[tuple[Model, int]] = deque([(m, 0)])
        while queue:
            node, d = queue.popleft()
            if d >= depth:
                truncated = truncated or bool(svc.parents_of(session, node.id) if up
                                              else svc.children_of(session, node.id))
                continue
            for e, other in (svc.parents_of(session, node.id) if up else svc.children_of(session, node.id)):
                if other.id not in models and len(models) >= max_nodes:
                    truncated = True
                    continue
                models[other.id] = other
                edges.add((e.parent_id, e.child_id, e.kind))
                if other.id not in seen:
                    seen.add(other.id)
                    queue.append((other, d + 1))
    return Neighbourhood(models=models, edges=sorted(edges), truncated=truncated)


_UNSAFE_SVG = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/?>|\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')",
                         re.I | re.S)


def safe_svg(svg: str) -> str:
    """Graphviz escapes label text as XML; strip anything executable all the same (defence in depth)."""
    return _UNSAFE_SVG.sub("", svg)


def lineage_svg(session: Session, m: Model, word: Callable[[str], str] = str) -> str:
    """The model's ancestors and descendants (to DEPTH) drawn by Graphviz `dot -Tsvg`; the model itself filled.

    `word` names a model kind or an edge kind in the reader's language (the code itself by default).
    """
    import graphviz  # the `lineage` extra

    hood = neighbourhood(session, m)
    g = graphviz.Digraph("lineage", format="svg", graph_attr={"rankdir": "BT", "fontname": "sans-serif"},
                         node_attr={"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff",
                                    "fontname": "sans-serif", "fontsize": "11"},
                         edge_attr={"fontname": "sans-serif", "fontsize": "9", "color": "#5b6b7f"})
    for mid, model in sorted(hood.models.items()):
        # escape(): backslashes stay literal and a name like "<b>" is never read as an HTML-like label
        g.node(f"m{mid}", graphviz.escape(f"{model.label}\n{word(model.kind)}"),
               fillcolor="#dbe8f7" if mid == m.id else "#ffffff", penwidth="2" if mid == m.id else "1")
    for parent, child, kind in hood.edges:
        g.edge(f"m{child}", f"m{parent}", label=graphviz.escape(word(kind)))
    return safe_svg(g.pipe(encoding="utf-8"))


# ------------------------------------------------------------------------------------------ the panel


def system_lineage(session: Session, system: Any, viewer: Principal) -> dict[str, Any]:
    """What the system page's lineage panel shows; empty lists for a system with no lineage recorded.

    `contradictions`: what the lineage establishes (where the model comes from, whether the project
    trains one) where the current assessment ran on a different answer (the next assessment takes the
    lineage's, with a warning).
    """
    from aisgf.intake.engine import fact_warning

    current = system.assessments[-1] if system.assessments else None
    contradictions = []
    if current is not None:  # the warning the next assessment will give, said now
        taken = {f["question"]: f["value"] for f in (current.decision.get("facts") or [])}
        for f in graph.lineage_facts(session, system.id):
            assessed_on = taken.get(f.question, current.answers.get(f.question))
            if assessed_on != f.value:
                contradictions.append((f.question, fact_warning(f, current.answers.get(f.question))))
    return {
        "system_key": system.key,
        "models": svc.system_models(session, system.id),
        "datasets": svc.system_datasets(session, system.id),
        "components": [(c, svc.component_label(c)) for c in svc.system_components(session, system.id)],
        "chain": graph.chain(session, system.id, viewer=viewer),
        "filing": graph.filing_paths(session, system.id, viewer=viewer),
        "missing_text": MISSING_TEXT,
        "contradictions": contradictions,
        "may_record": viewer.may("system.govern", system) and system.status != "retired",
    }


# ------------------------------------------------------------------------------------------ the pages


@router.get("/models")
def models_page(request: Request, s: Session = SESSION) -> Response:
    models, total = svc.list_models(s, viewer=principal(request), limit=500)
    return render(request, "lineage_models.html", models=models, total=total)


@router.get("/models/{ref}/lineage.svg")
def model_svg(request: Request, ref: str, s: Session = SESSION) -> Response:
    m = svc.get_model(s, ref, viewer=principal(request))
    tr = translator(request.state.lang)
    return Response(lineage_svg(s, m, lambda code: tr(LABELS.get(f"lineage.{code}", code))),
                    media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/models/{ref}")
def model_page(request: Request, ref: str, s: Session = SESSION) -> Response:
    m = svc.get_model(s, ref, viewer=principal(request))
    hood = neighbourhood(s, m)
    return render(request, "lineage_model.html", model=m, parents=svc.parents_of(s, m.id),
                  children=svc.children_of(s, m.id), datasets=svc.datasets_of_model(s, m.id),
                  evidence=svc.evidence_of(s, model_id=m.id), drawn=len(hood.models), truncated=hood.truncated,
                  depth=DEPTH)


@router.get("/datasets")
def datasets_page(request: Request, s: Session = SESSION) -> Response:
    datasets = svc.list_datasets(s, viewer=principal(request))
    return render(request, "lineage_datasets.html", datasets=datasets,
                  open_counts={d.id: len(svc.open_questions(d)) for d in datasets})


@router.get("/datasets/{ref}")
def dataset_page(request: Request, ref: str, s: Session = SESSION) -> Response:
    d = svc.get_dataset(s, ref, viewer=principal(request))
    models = [(use, m) for use, m in s.execute(
        select(ModelDataset.use, Model).join(Model, Model.id == ModelDataset.model_id)
        .where(ModelDataset.dataset_id == d.id).order_by(Model.name, Model.version))]
    return render(request, "lineage_dataset.html", dataset=d, questions=svc.open_questions(d), models=models,
                  evidence=svc.evidence_of(s, dataset_id=d.id))


# ------------------------------------------------------------------------------------------ vendors

# notice key → English source text (translated through the gettext catalog); only these are shown
NOTICES = {
    "vendor_answers_saved": N_("The due-diligence answers and contract clauses are saved."),
    "vendor_review_saved": N_("Your review is recorded."),
    "vendor_moved": N_("The vendor's admission state is changed."),
}

#: The answers a due-diligence question takes (services.answer_due_diligence), in words for people.
ANSWER_TEXT = {"yes": N_("Yes"), "no": N_("No"), "n/a": N_("Not applicable")}

#: An admission review's decision, as a state (the review list, the queue).
DECISION_TEXT = {"approve": N_("Approved"), "reject": N_("Rejected")}

#: The button for each move through admission (choices.ADMISSION_MOVES says which are allowed from where).
MOVE_TEXT = {
    "candidate": N_("Back to candidate"),
    "due_diligence": N_("Start due diligence"),
    "admitted": N_("Admit"),
    "suspended": N_("Suspend"),
    "exited": N_("Exit the vendor"),
}


class _Form(BaseModel):
    """Fields as the browser posts them (text); the CSRF token and unknown fields pass by."""

    model_config = ConfigDict(extra="ignore")


class VendorReviewForm(_Form):
    function: str = Field(default="", max_length=60)
    decision: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=20000)


class VendorMoveForm(_Form):
    to: str = Field(default="", max_length=30)
    reason: str = Field(default="", max_length=20000)


async def _form_data(request: Request) -> FormData:
    """The posted form (already read by the CSRF check; Starlette keeps it), for forms whose fields the
    rules data names (`answer:<question id>`, `note:<question id>`, `clause`)."""
    return await request.form()


FORM_DATA: Any = Depends(_form_data)


@dataclass
class DueDiligenceForm:
    """The due-diligence form as posted: answers and notes by question ID, the clauses ticked (None: the
    form had no clause section, as for a publisher)."""

    answers: dict[str, str]
    notes: dict[str, str]
    clauses: set[str] | None

    @classmethod
    def parse(cls, form: FormData) -> DueDiligenceForm:
        answers: dict[str, str] = {}
        notes: dict[str, str] = {}
        for key, value in form.multi_items():
            if not isinstance(value, str):
                continue
            if key.startswith("answer:") and value:
                answers[key.removeprefix("answer:")] = value
            elif key.startswith("note:") and value.strip():
                notes[key.removeprefix("note:")] = value
        ticked = {v for v in form.getlist("clause") if isinstance(v, str)}
        return cls(answers=answers, notes=notes, clauses=ticked if form.get("clauses_shown") else None)

    def clause_values(self, rules: AdmissionRules) -> dict[str, bool] | None:
        """Every clause of the rules, ticked or not; a ticked ID the rules do not know goes to the service
        too, which refuses it."""
        if self.clauses is None:
            return None
        return {c.id: c.id in self.clauses for c in rules.clauses} | {c: True for c in self.clauses}


def _rule_texts(rules: AdmissionRules) -> dict[str, Any]:
    """ID → the rules data's entry (with its zh and en text) for every question, clause and reviewer."""
    entries: list[Any] = [*rules.questions, *rules.clauses, *rules.reviewers]
    return {x.id: x for x in entries}


def _moves(admission: str) -> list[str]:
    """The moves allowed from `admission`, in the order of the admission states."""
    return [a.value for a in Admission if a in ADMISSION_MOVES[Admission(admission)]]


def _vendor_page(request: Request, s: Session, ref: str, status_code: int = 200, **values: Any) -> Response:
    p = principal(request)
    v = svc.get_vendor(s, ref, viewer=p)
    rules = load_admission_rules()
    is_vendor = v.kind == VendorKind.vendor
    models = list(s.scalars(select(Model).where(Model.vendor_id == v.id).order_by(Model.name, Model.version)))
    datasets = list(s.scalars(select(Dataset).where(Dataset.supplier_id == v.id).order_by(Dataset.name)))
    dd = values.pop("dd_form", None) or DueDiligenceForm(
        answers={q: a.get("answer") for q, a in (v.due_diligence or {}).items() if a.get("answer")},
        notes={q: a.get("note") or "" for q, a in (v.due_diligence or {}).items()},
        clauses={c for c, present in (v.clauses or {}).items() if present})
    return render(request, "lineage_vendor.html", status_code=status_code, vendor=v, rules=rules,
                  questions=rules.questions_for(v.kind, v.supplies or []),
                  clauses=rules.clauses_for(v.kind, v.supplies or []),
                  texts=_rule_texts(rules), review_state=svc.review_state(v), results=svc.result_items(v),
                  gaps=svc.admission_items(v) if is_vendor else [], models=models, datasets=datasets,
                  may_manage=p.may("vendor.manage"), my_functions=svc.review_functions_of(p) if is_vendor else [],
                  moves=_moves(v.admission) if is_vendor else [], dd=dd, answer_text=ANSWER_TEXT,
                  decision_text=DECISION_TEXT, move_text=MOVE_TEXT,
                  notice=NOTICES.get(request.query_params.get("notice", "")), **values)


@router.get("/vendors")
def vendors_page(request: Request, s: Session = SESSION) -> Response:
    return render(request, "lineage_vendors.html", vendors=svc.list_vendors(s, viewer=principal(request)))


@router.get("/vendors/queue")
def vendor_queue_page(request: Request, s: Session = SESSION) -> Response:
    """Every vendor waiting for admission; for a reviewer, first those waiting for their own functions."""
    p = principal(request)
    rules = load_admission_rules()
    rows = [(v, svc.review_state(v), svc.admission_items(v), svc.waiting_for(v, p))
            for v in svc.admission_queue(s, viewer=p)]
    return render(request, "lineage_vendor_queue.html", queue=rows, mine=[r for r in rows if r[3]],
                  reviewer=p.may("vendor.review"), my_functions=svc.review_functions_of(p),
                  texts=_rule_texts(rules), decision_text=DECISION_TEXT)


@router.get("/vendors/{ref}")
def vendor_page(request: Request, ref: str, s: Session = SESSION) -> Response:
    return _vendor_page(request, s, ref)


@router.post("/vendors/{ref}/due-diligence")
def vendor_due_diligence(request: Request, ref: str, form: FormData = FORM_DATA, s: Session = SESSION) -> Response:
    f = DueDiligenceForm.parse(form)
    try:
        v = svc.answer_due_diligence(s, ref, by=principal(request), answers=f.answers, notes=f.notes,
                                     clauses=f.clause_values(load_admission_rules()))
    except AisgfError as exc:
        s.rollback()
        return _vendor_page(request, s, ref, status_code=exc.status, error=exc, error_in="dd", dd_form=f)
    return redirect(request, f"/vendors/{v.id}#due-diligence", notice="vendor_answers_saved")


@router.post("/vendors/{ref}/reviews")
def vendor_review(request: Request, ref: str, f: Annotated[VendorReviewForm, Form()],
                  s: Session = SESSION) -> Response:
    try:
        r = svc.review_vendor(s, ref, by=principal(request), function=f.function, decision=f.decision,
                              reason=f.reason)
    except AisgfError as exc:
        s.rollback()
        return _vendor_page(request, s, ref, status_code=exc.status, error=exc, error_in="review",
                            review_form=f.model_dump())
    return redirect(request, f"/vendors/{r.vendor_id}#reviews", notice="vendor_review_saved")


@router.post("/vendors/{ref}/admission")
def vendor_move(request: Request, ref: str, f: Annotated[VendorMoveForm, Form()], s: Session = SESSION) -> Response:
    try:
        v = svc.move_vendor(s, ref, f.to, by=principal(request), reason=f.reason)
    except AisgfError as exc:
        s.rollback()
        return _vendor_page(request, s, ref, status_code=exc.status, error=exc, error_in="move",
                            move_form=f.model_dump())
    return redirect(request, f"/vendors/{v.id}#admission", notice="vendor_moved")

@router.post("/systems/{key}/lineage/chain-check")
def record_chain_check_page(request: Request, key: str, s: Session = SESSION,
                            store: EvidenceStore = Depends(get_store)) -> Response:
    """Store the chain check as the system's evidence (6.2.e when complete), then back to the panel."""
    from aisgf.lineage.chain_report import record_chain_check

    rec = record_chain_check(s, store, key, by=principal(request),
                             max_bytes=request.app.state.settings.max_upload_bytes)
    return redirect(request, f"/systems/{rec.chain.system}#lineage",
                    notice="chain_recorded" if rec.counts else "chain_recorded_record_only")
