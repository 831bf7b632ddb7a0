"""The graph questions: is every hop of a system's responsibility chain documented; what does a change reach.

Why recursive SQL: a withdrawn base model or a suspended vendor must be answered with every
downstream model and system, over thousands of models, on SQLite and PostgreSQL alike; one
`WITH RECURSIVE` query that de-duplicates on the model ID (no depth or path in the recursive row, so
a merge does not re-expand the graph) stays fast where a Python walk issues a query per hop. Paths for
people (which hop, reached how) are rebuilt afterwards from the edges inside the found set.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import CTE, CompoundSelect, Select, false, literal, select, union
from sqlalchemy.orm import Session

from aisgf.accounts.scope import owned_only, require
from aisgf.lineage.choices import SECONDARY_DEVELOPMENT, Admission, ImpactKind, VendorKind
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
)

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal
    from aisgf.intake.engine import KnownFact


def _closure(seed: Select[Any], *, up: bool, name: str) -> CTE:
    """Every model reachable from the seed IDs by parent (up) or child (down) edges, the seeds included.

    `UNION` (not `UNION ALL`) on the ID alone gives visited-set semantics: each model enters once.
    """
    cte = seed.cte(name, recursive=True)
    step_from, step_to = (ModelEdge.child_id, ModelEdge.parent_id) if up else (ModelEdge.parent_id, ModelEdge.child_id)
    return cte.union(select(step_to.label("id")).join(cte, step_from == cte.c.id))


def ancestors(session: Session, model_ids: list[int]) -> set[int]:
    """The models `model_ids` derive from, transitively, themselves included (one recursive query)."""
    if not model_ids:
        return set()
    cte = _closure(select(Model.id.label("id")).where(Model.id.in_(model_ids)), up=True, name="up")
    return set(session.scalars(select(cte.c.id)))


def ancestor_path(session: Session, start: int, target: int) -> list[int] | None:
    """The parent path from `start` up to `target` (both included), or None when `start` does not derive from it."""
    found = ancestors(session, [start])
    if target not in found:
        return None
    edges = session.execute(select(ModelEdge.child_id, ModelEdge.parent_id).where(ModelEdge.child_id.in_(found)))
    parents: dict[int, list[int]] = {}
    for child, parent in edges:
        parents.setdefault(child, []).append(parent)
    came: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == target:
            break
        for p in sorted(parents.get(node, [])):
            if p not in came:
                came[p] = node
                queue.append(p)
    path, at = [], target
    while at is not None:
        path.append(at)
        at = came[at]  # type: ignore[assignment]
    return list(reversed(path))


# ---------------------------------------------------------------------------------------------- impact


@dataclass(frozen=True)
class ModelBrief:
    """A model as an impact lists it: enough to name and link it (a vendor reaches hundreds; no ORM rows)."""

    id: int
    name: str
    version: str

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()


@dataclass(frozen=True)
class SystemBrief:
    id: int
    key: str
    name: str


@dataclass
class Impact:
    """What a model, dataset, component or vendor reaches: every downstream model and (visible) system."""

    kind: str
    subject: str
    models: list[ModelBrief] = field(default_factory=list)
    systems: list[SystemBrief] = field(default_factory=list)
    hidden_systems: int = 0  # systems the viewer may not see (an owner: others' systems), counted only


def impact_query(kind: ImpactKind, subject_id: int) -> CompoundSelect[Any]:
    """One statement: ('model', id) for each downstream model and ('system', id) for each system reached.

    Seeds by kind: a model is itself; a dataset seeds the models trained on it; a vendor seeds the
    models it is accountable for and the models trained on data it supplied; a component seeds no
    model. Systems are reached through their models, datasets and components.
    """
    none = select(Model.id.label("id")).where(false())
    if kind == ImpactKind.model:
        seed = select(Model.id.label("id")).where(Model.id == subject_id)
    elif kind == ImpactKind.dataset:
        seed = select(ModelDataset.model_id.label("id")).where(ModelDataset.dataset_id == subject_id)
    elif kind == ImpactKind.vendor:
        seed = union(select(Model.id.label("id")).where(Model.vendor_id == subject_id),
                     select(ModelDataset.model_id.label("id"))
                     .join(Dataset, Dataset.id == ModelDataset.dataset_id)
                     .where(Dataset.supplier_id == subject_id)).subquery().select()  # type: ignore[assignment]
    else:
        seed = none
    down = _closure(seed, up=False, name="down")
    if kind == ImpactKind.dataset:
        datasets = select(Dataset.id).where(Dataset.id == subject_id)
    elif kind == ImpactKind.vendor:
        datasets = select(Dataset.id).where(Dataset.supplier_id == subject_id)
    else:
        datasets = select(Dataset.id).where(false())
    if kind == ImpactKind.component:
        components = select(Component.id).where(Component.id == subject_id)
    elif kind == ImpactKind.vendor:
        components = select(Component.id).where(Component.supplier_id == subject_id)
    else:
        components = select(Component.id).where(false())
    return union(
        select(literal("model").label("what"), down.c.id.label("id")),
        select(literal("system").label("what"), SystemModel.system_id.label("id"))
        .where(SystemModel.model_id.in_(select(down.c.id))),
        select(literal("system").label("what"), SystemDataset.system_id.label("id"))
        .where(SystemDataset.dataset_id.in_(datasets)),
        select(literal("system").label("what"), SystemComponent.system_id.label("id"))
        .where(SystemComponent.component_id.in_(components)),
    )


def impact(session: Session, kind: str, ref: str | int, *, viewer: Principal) -> Impact:
    """Every model and system downstream of `ref`, transitively; systems pass the viewer's scope."""
    from aisgf.lineage import services as svc
    from aisgf.registry.models import AISystem

    require(viewer, "lineage.view")
    k = ImpactKind(svc._word(kind, ImpactKind, "kind"))
    subject: Model | Dataset | Component | Vendor
    if k == ImpactKind.model:
        subject = svc.get_model(session, ref)
        label = subject.label
    elif k == ImpactKind.dataset:
        subject = svc.get_dataset(session, ref)
        label = subject.name
    elif k == ImpactKind.component:
        subject = svc.get_component(session, ref)
        label = svc.component_label(subject)
    else:
        subject = svc.get_vendor(session, ref)
        label = subject.name
    rows = session.execute(impact_query(k, subject.id)).all()
    model_ids = [i for what, i in rows if what == "model"]
    system_ids = [i for what, i in rows if what == "system"]
    out = Impact(kind=k.value, subject=label)
    # Plain columns, not ORM objects: building hundreds of mapped rows cost more than the recursive query.
    if model_ids:
        out.models = [ModelBrief(*row) for row in session.execute(
            select(Model.id, Model.name, Model.version).where(Model.id.in_(model_ids))
            .order_by(Model.name, Model.version))]
    if system_ids:
        mine = owned_only(viewer)
        rows = session.execute(select(AISystem.id, AISystem.key, AISystem.name, AISystem.owner_id)
                               .where(AISystem.id.in_(system_ids)).order_by(AISystem.key)).all()
        out.systems = [SystemBrief(i, key, name) for i, key, name, owner in rows if mine is None or owner == mine]
        out.hidden_systems = len(rows) - len(out.systems)
    return out


# ----------------------------------------------------------------------------------------------- chain


@dataclass
class Hop:
    """One model of a system's chain, how it was reached, and what its documentation still lacks."""

    model: Model
    path: list[str]                  # labels from the system's model up to this one
    edge: str | None                 # how the model below came from this one (None: the system uses it)
    third_party: bool
    vendor: str | None
    vendor_kind: str | None
    admission: str | None
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass
class Chain:
    system: str
    hops: list[Hop]

    @property
    def broken(self) -> list[Hop]:
        return [h for h in self.hops if not h.ok]

    @property
    def ok(self) -> bool:
        return bool(self.hops) and not self.broken


#: What a hop can lack, in the order a report names them.
MISSING = ("accountable_party", "responsibility_docs", "licence", "training_data", "vendor_admission")


def hop_missing(m: Model, vendor: Vendor | None, documented: bool) -> list[str]:
    """6.2(e): an accountable party, responsibility documentation, a licence and a training-data summary;
    a vendor (not a publisher of open weights) must be admitted."""
    missing = []
    if not (m.accountable_team or vendor):
        missing.append("accountable_party")
    if not documented:
        missing.append("responsibility_docs")
    if not m.licence:
        missing.append("licence")
    if not m.training_data:
        missing.append("training_data")
    if vendor is not None and vendor.kind == VendorKind.vendor and vendor.admission != Admission.admitted:
        missing.append("vendor_admission")
    return missing


def chain(session: Session, system: str | int, *, viewer: Principal) -> Chain:
    """Walk every model the system uses to its roots and check each hop (one recursive query for the walk)."""
    from aisgf.registry.services import get_system

    require(viewer, "lineage.view")
    s = get_system(session, system, viewer=viewer)
    direct = list(session.scalars(select(SystemModel.model_id).where(SystemModel.system_id == s.id)))
    found = ancestors(session, direct)
    if not found:
        return Chain(system=s.key, hops=[])
    models = {m.id: m for m in session.scalars(select(Model).where(Model.id.in_(found)))}
    vendors = {v.id: v for v in session.scalars(select(Vendor).where(
        Vendor.id.in_({m.vendor_id for m in models.values() if m.vendor_id})))}
    documented = set(session.scalars(select(LineageEvidence.model_id).where(
        LineageEvidence.model_id.in_(found), LineageEvidence.purpose == "responsibility")))
    parents: dict[int, list[tuple[int, str]]] = {}
    for child, parent, kind in session.execute(select(ModelEdge.child_id, ModelEdge.parent_id, ModelEdge.kind)
                                               .where(ModelEdge.child_id.in_(found))):
        parents.setdefault(child, []).append((parent, kind))
    reached: dict[int, tuple[list[str], str | None]] = {}
    queue: deque[tuple[int, list[str], str | None]] = deque(
        (i, [models[i].label], None) for i in sorted(direct, key=lambda i: models[i].label))
    while queue:
        node, path, edge = queue.popleft()
        if node in reached:
            continue
        reached[node] = (path, edge)
        for parent, kind in sorted(parents.get(node, []), key=lambda pk: models[pk[0]].label):
            queue.append((parent, [*path, models[parent].label], kind))
    hops = []
    for node, (path, edge) in reached.items():
        m = models[node]
        v = vendors.get(m.vendor_id) if m.vendor_id else None
        hops.append(Hop(model=m, path=path, edge=edge, third_party=v is not None, vendor=v.name if v else None,
                        vendor_kind=v.kind if v else None, admission=v.admission if v else None,
                        missing=hop_missing(m, v, node in documented)))
    return Chain(system=s.key, hops=hops)


# ---------------------------------------------------------------------------------------------- filing


#: How a model came from its parent, in words for the filing path's and the model source's reasons.
EDGE_WORDS: dict[str, tuple[str, str]] = {
    "fine_tune": ("微调", "a fine-tune"), "adapter": ("适配器（LoRA）", "an adapter (LoRA)"),
    "distillation": ("蒸馏", "a distillation"), "quantisation": ("量化", "a quantisation"),
    "merge": ("合并", "a merge"), "api_use": ("接口调用", "an API use"),
}


@dataclass(frozen=True)
class FilingPath:
    """Which path a system's model takes: 登记 (registration, a filed model used unchanged through its API)
    or 备案 (full filing: self-developed, or secondary development such as fine-tuning)."""

    model: str
    path: str                       # registration | filing
    reason: str
    reason_zh: str
    upstream: list[dict[str, str | None]] = field(default_factory=list)  # [{name, number}] for a registration
    missing: list[str] = field(default_factory=list)  # upstream filing numbers a registration must name


@dataclass(frozen=True)
class Making:
    """How one model came to be, from its own party and its parent edges: what the filing path and the
    intake's model-source question both turn on."""

    model: Model
    secondary: list[tuple[str, Model]]   # (edge kind, parent) of secondary development
    api: list[Model]                     # parents used unchanged through their API

    @property
    def third_party_api(self) -> bool:
        """A third party's model with no parent, reached through the vendor's API."""
        return not self.secondary and not self.api and self.model.vendor_id is not None \
            and self.model.source_kind == "vendor_api"


def making(session: Session, m: Model) -> Making:
    edges = list(session.execute(select(ModelEdge.kind, Model).join(Model, Model.id == ModelEdge.parent_id)
                                 .where(ModelEdge.child_id == m.id).order_by(Model.name)))
    return Making(m, secondary=[(k, p) for k, p in edges if k in SECONDARY_DEVELOPMENT],
                  api=[p for k, p in edges if k not in SECONDARY_DEVELOPMENT])


def _primary_models(session: Session, system_id: int) -> list[Model]:
    return list(session.scalars(select(Model).join(SystemModel, SystemModel.model_id == Model.id)
                                .where(SystemModel.system_id == system_id, SystemModel.role == "primary")
                                .order_by(Model.name)))


def filing_paths(session: Session, system: str | int, *, viewer: Principal) -> list[FilingPath]:
    """The filing path of each model the system uses as `primary`; the edge decides it.

    - the model has a secondary-development edge (fine-tune, adapter, distillation, quantisation,
      merge) → 备案, naming the edge;
    - it only uses its parents through their API (`api_use`) → 登记, naming each parent and its 备案号;
    - it has no parent: a third party's model reached through the vendor's API → 登记 naming the model
      itself; otherwise (our own, or weights we host) → 备案.
    """
    from aisgf.registry.services import get_system

    require(viewer, "lineage.view")
    s = get_system(session, system, viewer=viewer)
    out = []
    for m in _primary_models(session, s.id):
        how = making(session, m)
        if how.secondary:
            k, p = how.secondary[0]
            zh_word, en_word = EDGE_WORDS.get(k, (k, k))
            out.append(FilingPath(m.label, "filing", f"{m.label} is {en_word} of {p.label} (secondary development)",
                                  f"{m.label} 由 {p.label} {zh_word}而来（二次开发），须备案"))
        elif how.api:
            names = ", ".join(p.label for p in how.api)
            out.append(FilingPath(
                m.label, "registration", f"{m.label} uses {names} unchanged through "
                                         f"{'its' if len(how.api) == 1 else 'their'} API",
                f"{m.label} 通过接口调用 {'、'.join(p.label for p in how.api)}，未作修改，适用登记",
                upstream=[{"name": p.label, "number": p.filing_number or p.launch_number} for p in how.api],
                missing=[f"filing number of {p.label}" for p in how.api if not (p.filing_number or p.launch_number)]))
        elif how.third_party_api:
            out.append(FilingPath(
                m.label, "registration", f"{m.label} is a third party's model used unchanged through its API",
                f"{m.label} 是第三方模型，通过其接口调用、未作修改，适用登记",
                upstream=[{"name": m.label, "number": m.filing_number or m.launch_number}],
                missing=[] if (m.filing_number or m.launch_number) else [f"filing number of {m.label}"]))
        else:
            out.append(FilingPath(m.label, "filing", f"{m.label} is deployed by us (self-developed or hosted "
                                                     "weights), not called through a filed service's API",
                                  f"{m.label} 由本单位部署（自研或自行托管权重），并非调用已备案服务的接口，须备案"))
    return out


# ------------------------------------------------------------------------------------ model source fact

#: The intake question the lineage answers, and the value the lineage gives for each way a model is made.
MODEL_SOURCE = "model_source"


def _source_of(how: Making) -> tuple[str, str, str] | None:
    """The model_source value one model's lineage shows, and why (zh, en); None when the lineage cannot say
    (no accountable party recorded, such as a stub parent)."""
    m = how.model
    if m.vendor_id is not None:
        who = m.vendor.name if m.vendor else "a vendor"
        return ("third_party_model", f"{m.label} 由第三方 {who} 负责",
                f"{m.label} is accountable to {who}, a third party")
    if not m.accountable_team:
        return None
    if how.secondary:
        k, p = how.secondary[0]
        zh_word, en_word = EDGE_WORDS.get(k, (k, k))
        return ("foundation_model", f"{m.label} 由 {p.label} {zh_word}而来", f"{m.label} is {en_word} of {p.label}")
    third = [p for p in how.api if p.vendor_id is not None]
    if third:
        names = ", ".join(p.label for p in third)
        return ("third_party_model", f"{m.label} 通过接口调用第三方模型 {'、'.join(p.label for p in third)}",
                f"{m.label} calls the third-party model {names} through its API")
    return ("in_house", f"{m.label} 由本单位 {m.accountable_team} 负责，谱系中没有上游模型或第三方",
            f"{m.label} is {m.accountable_team}'s own, with no upstream model or third party in its lineage")


#: Edges by which we trained the child ourselves (quantising or merging weights is not training).
TRAINING_EDGES = frozenset({"fine_tune", "adapter", "distillation"})


def _trained_by_us(how: Making) -> tuple[str, str] | None:
    """Why the lineage shows the project trains a model (zh, en), or None when it does not show it."""
    m = how.model
    if m.vendor_id is not None or not m.accountable_team:
        return None
    trained = [(k, p) for k, p in how.secondary if k in TRAINING_EDGES]
    if trained:
        k, p = trained[0]
        zh_word, en_word = EDGE_WORDS[k]
        return f"{m.label} 由 {p.label} {zh_word}而来", f"{m.label} is {en_word} of {p.label}"
    if not how.secondary and not how.api:
        return (f"{m.label} 由本单位 {m.accountable_team} 从头训练",
                f"{m.label} is {m.accountable_team}'s own model, trained from scratch")
    return None


def lineage_facts(session: Session, system_id: int) -> list[KnownFact]:
    """What the system's recorded lineage establishes for the intake questions it can answer.

    Why: an answer "a third-party model" for a system whose models are all our own (or "built in
    house" for one fine-tuned from a vendor's base) gives the wrong obligations; the lineage is a
    record, so it wins and the decision warns. Judged on the system's primary models:

    - `model_source`, when every primary model has an accountable party (a stub parent leaves the
      lineage silent). Several models made differently (one our own, one a third party's) count as
      building on a foundation model, whose obligations cover both.
    - `trains_or_fine_tunes`: true when a primary model is ours and we trained it (from scratch, or a
      fine-tune, adapter or distillation). The lineage never says false: a project may train models it
      has not recorded.
    - `upstream_filed`: true when every primary model reaches its upstream only through the API (the
      登记 path) and every upstream model has its 备案号 recorded. Never false: a number may just not be
      recorded yet.
    """
    from aisgf.intake.engine import KnownFact

    facts: list[KnownFact] = []
    sources: list[tuple[str, str, str] | None] = []
    trained: list[tuple[str, str]] = []
    upstream: list[Model] | None = []  # None once a primary model is not on the registration path
    for m in _primary_models(session, system_id):
        how = making(session, m)
        sources.append(_source_of(how))
        why = _trained_by_us(how)
        if why is not None:
            trained.append(why)
        ups = how.api if how.api and not how.secondary else [m] if how.third_party_api else None
        upstream = None if upstream is None or ups is None else [*upstream, *ups]
    found = [x for x in sources if x is not None]
    if found and len(found) == len(sources):
        values = {v for v, _, _ in found}
        value = values.pop() if len(values) == 1 else "foundation_model"
        facts.append(KnownFact(question=MODEL_SOURCE, value=value, source="lineage",
                               because_zh="系统谱系显示" + "；".join(zh for _, zh, _ in found),
                               because_en="the system's lineage shows " + "; ".join(en for _, _, en in found)))
    if upstream and all(u.filing_number for u in upstream):
        numbers = [(u.label, u.filing_number) for u in upstream]
        facts.append(KnownFact(
            question="upstream_filed", value=True, source="lineage",
            because_zh="系统谱系显示上游模型已备案：" + "；".join(f"{n}（{f}）" for n, f in numbers),
            because_en="the system's lineage shows its upstream models filed: "
                       + "; ".join(f"{n} ({f})" for n, f in numbers)))
    if trained:
        facts.append(KnownFact(question="trains_or_fine_tunes", value=True, source="lineage",
                               because_zh="系统谱系显示" + "；".join(zh for zh, _ in trained),
                               because_en="the system's lineage shows " + "; ".join(en for _, en in trained)))
    return facts
