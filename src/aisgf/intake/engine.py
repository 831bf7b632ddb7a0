"""The tiering engine: intake answers + ruleset + catalog → a decision that explains itself.

Why every decision carries its reasons and fingerprints: a reviewer, an auditor or the project
owner must be able to ask "why is this project high risk, and why must we do 6.3.i?" months
later and get the same answer. So the decision lists every rule that fired (in ruleset order)
with the answers that made it fire, each obligation with the rules that triggered it, the
consistency adjustments (a high tier forces the slow lane and its reviewers), and the ruleset
hash, questionnaire digest and catalog digest it was computed with.

Combination (the seed's tiered governance + fast/slow lane): highest tier wins, slowest lane
wins, reviewers/controls/obligations are unions; then the tier's lane and controls and the
lane's reviewers are added. Orders are deterministic: reviewers and controls in the ruleset's
declaration order, obligations in framework order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aisgf.errors import InvalidInput
from aisgf.intake.questionnaire import AnswerNote, Questionnaire, load_questionnaire, validate_answers
from aisgf.intake.ruleset import (
    LANE_RANK,
    TIER_RANK,
    CatalogLike,
    Lane,
    Ruleset,
    Tier,
    default_catalog,
    framework_order,
    load_ruleset,
)

__all__ = ["Decision", "DutyRef", "compare_decisions", "due_text", "evaluate", "framework_order"]


class ControlRef(BaseModel):
    """A control the project must put in place."""

    model_config = ConfigDict(frozen=True)

    id: str
    name_zh: str
    name_en: str
    cites: list[str] = Field(default_factory=list)
    triggered_by: list[str] = Field(default_factory=list, description="rule IDs, or tier:<name>")


class ObligationRef(BaseModel):
    """A framework item (catalog ID) that applies to the project."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str = Field(description="English title if the catalog has one, else the Chinese")
    title_zh: str | None = None
    title_en: str | None = None
    roles: list[str] = Field(default_factory=list, description="roles the framework addresses")
    kind: str | None = Field(default=None, description="risk, countermeasure, measure or guideline")
    triggered_by: list[str] = Field(default_factory=list, description="IDs of the rules that cite it")


class DutyRef(BaseModel):
    """A duty of the China implementation layer (an instrument's article) and when it falls due.

    `due` is machine-readable (relative_to launch / incident / processing…, when before / within /
    at / after, amount and unit), so a go-live gate can hold a launch until the duties due before it
    are met and a clock can run from launch or from an incident; `due_zh`/`due_en` say it for people.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="article ID in the implementation catalog, e.g. algorec.24")
    catalog: str = Field(description="the implementation catalog, e.g. cn-impl-1.0")
    instrument: str
    instrument_zh: str
    instrument_en: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    summary_status: str = Field(description="official (the article's words) or editorial (aisgf's summary)")
    condition_zh: str | None = None
    condition_en: str | None = None
    owed_by: list[str] = Field(default_factory=list)
    due: dict[str, Any]
    due_zh: str
    due_en: str
    retain: dict[str, Any] | None = None
    text_status: str = Field(description="status of the article's Chinese text in the catalog")
    triggered_by: list[str] = Field(default_factory=list)


_ANCHOR = {
    "launch": ("提供服务", "the service starts"), "change": ("信息变更", "the change"),
    "termination": ("终止服务", "the service ends"), "incident": ("发现或获知事件", "the incident is discovered"),
    "processing": ("处理个人信息", "processing"), "transfer": ("向境外提供", "the transfer abroad"),
    "contract": ("合同生效", "the contract takes effect"), "output": ("生成或提供内容", "content is generated"),
    "publication": ("传播内容", "content is published"), "filing": ("完成备案", "the filing"),
}
_UNIT = {"minutes": ("分钟", "minutes"), "hours": ("小时", "hours"), "days": ("日", "days"),
         "working_days": ("个工作日", "working days"), "months": ("个月", "months"), "years": ("年", "years")}


def due_text(due: Mapping[str, Any]) -> tuple[str, str]:
    """When a duty falls due, in Chinese and English ("提供服务之日起 10 个工作日内", "before the service starts")."""
    zh_anchor, en_anchor = _ANCHOR.get(due["relative_to"], (due["relative_to"], due["relative_to"]))
    when, amount, unit = due["when"], due.get("amount"), due.get("unit")
    if when == "within" and amount and unit:
        zh_unit, en_unit = _UNIT[unit]
        if due["relative_to"] in ("launch", "change", "termination", "contract"):
            return f"{zh_anchor}之日起 {amount} {zh_unit}内", f"within {amount} {en_unit} of when {en_anchor}"
        return f"{zh_anchor}后 {amount} {zh_unit}内", f"within {amount} {en_unit} after {en_anchor}"
    if when == "before":
        return f"{zh_anchor}前", f"before {en_anchor}"
    if when == "after":
        return f"{zh_anchor}后", f"after {en_anchor}"
    return f"{zh_anchor}时", f"when {en_anchor}"


class Reason(BaseModel):
    """One rule that fired, what it asked for, and which answers made it fire."""

    model_config = ConfigDict(frozen=True)

    rule: str
    description_zh: str
    description_en: str
    tier: Tier | None = None
    lane: Lane | None = None
    reviewers: list[str] = Field(default_factory=list)
    controls: list[str] = Field(default_factory=list)
    obligations: list[str] = Field(default_factory=list, description="catalog IDs, patterns expanded")
    duties: list[str] = Field(default_factory=list, description="implementation-layer articles")
    matched: list[str] = Field(default_factory=list, description="the condition parts that held")
    matched_zh: list[str] = Field(default_factory=list, description="the same, in Chinese")


class Adjustment(BaseModel):
    """A consequence of the tier/lane tables rather than of one rule (kept so nothing is implicit)."""

    model_config = ConfigDict(frozen=True)

    kind: str  # "lane", "reviewers", "controls"
    message: str
    message_zh: str = ""
    added: list[str] = Field(default_factory=list)


class AnswerWarning(BaseModel):
    """Something in the answers to resolve before sign-off, in both languages.

    Answers that contradict each other (`id` is the ruleset's contradiction), a question the
    answers do not answer (`unanswered:<question>`), an answer value of an earlier questionnaire
    (`legacy:<question>`), a role the answers imply but do not declare (`undeclared_role:<role>`).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    message_zh: str
    message_en: str
    matched: list[str] = Field(default_factory=list, description="the answers that clash")


class KnownFact(BaseModel):
    """What the organisation's own records establish about a question, winning over the answer given.

    Why: an intake answer is what a person believed at intake; a record kept since (the system's
    lineage: which models it runs and where they come from) is evidence. Where the two disagree the
    rules run on the record and the decision says so in a warning, so the answer is corrected rather
    than silently trusted. The answers stored stay the person's; `Decision.facts` keeps what replaced
    them, so the decision can be recomputed.
    """

    model_config = ConfigDict(frozen=True)

    question: str
    value: Any
    source: str = Field(description="which record establishes it, e.g. lineage")
    because_zh: str = Field(description="what in the record shows it, in Chinese")
    because_en: str = Field(description="the same, in English")


class AppliedFact(KnownFact):
    """A known fact that replaced an answer: what was answered, and the value the rules ran on."""

    answered: Any


class Decision(BaseModel):
    """The outcome of one intake assessment."""

    model_config = ConfigDict(frozen=True)

    tier: Tier
    lane: Lane
    reviewers: list[str]
    controls: list[ControlRef]
    obligations: list[ObligationRef]
    risks: list[ObligationRef] = Field(
        default_factory=list,
        description="§3 risks the rules name for this system: what the obligations address, not duties themselves",
    )
    duties: list[DutyRef] = Field(
        default_factory=list,
        description="duties of the China implementation layer (filings, assessments, reporting), each with its "
                    "instrument, article and when it falls due",
    )
    context: list[ObligationRef] = Field(
        default_factory=list,
        description="items the rules cite that are addressed to the state or the public, not to the organisation: "
                    "shown for context, never obligations that need evidence",
    )
    reasons: list[Reason]
    roles: list[str] = Field(
        default_factory=list,
        description="the organisation's roles for this system: those declared, and those the answers imply")
    roles_inferred: list[str] = Field(
        default_factory=list, description="roles the answers imply that were not declared (each with a reason)")
    adjustments: list[Adjustment] = Field(default_factory=list)
    warnings: list[AnswerWarning] = Field(
        default_factory=list, description="answers that contradict each other: to be resolved before sign-off")
    answers: dict[str, Any] = Field(description="the answers as given: validated, defaults filled")
    facts: list[AppliedFact] = Field(
        default_factory=list,
        description="answers a record contradicted (the system's lineage): the rules ran on the record's value")
    catalog_framework: str
    catalog_version: str
    catalog_digest: str
    ruleset_id: str
    ruleset_version: str
    ruleset_hash: str
    questionnaire_version: str
    questionnaire_digest: str

    @property
    def obligation_ids(self) -> list[str]:
        return [o.id for o in self.obligations]

    @property
    def risk_ids(self) -> list[str]:
        return [r.id for r in self.risks]

    @property
    def control_ids(self) -> list[str]:
        return [c.id for c in self.controls]

    @property
    def fired_rules(self) -> list[str]:
        return [r.rule for r in self.reasons]


def evaluate(
    answers: Mapping[str, Any],
    *,
    ruleset: Ruleset | None = None,
    catalog: CatalogLike | None = None,
    questionnaire: Questionnaire | None = None,
    known: Sequence[KnownFact] = (),
) -> Decision:
    """Assess one project's intake answers; invalid answers → InvalidInput naming each question.

    Defaults: the ruleset in force (`AISGF_RULESET_FILE` or the shipped one), the catalog in
    force, and the questionnaire the ruleset was checked against. A `known` fact that contradicts
    an answer wins: the rules see its value, the decision warns (`<source>:<question>`).
    """
    ruleset = ruleset if ruleset is not None else load_ruleset()
    catalog = catalog if catalog is not None else default_catalog()
    questionnaire = questionnaire if questionnaire is not None else ruleset.questionnaire
    notes = questionnaire.notes(answers)  # on the answers as given: what they leave out
    as_given = validate_answers(answers, questionnaire)
    given, applied = _apply_facts(as_given, known, questionnaire)
    notes += [_fact_note(f, questionnaire) for f in applied]
    bound = ruleset.bind(catalog)
    spec = ruleset.spec
    declared = list(given.get(spec.roles_question) or ())
    rank = bound.order.__getitem__
    role_reasons: list[Reason] = []
    inferred: list[str] = []
    for inf, condition in ruleset.inferences:
        if inf.role in declared or inf.role in inferred or not condition.test(given):
            continue
        inferred.append(inf.role)
        role_reasons.append(Reason(rule=inf.id, description_zh=inf.description.zh, description_en=inf.description.en,
                                   matched=condition.explain(given), matched_zh=condition.explain(given, "zh")))
    options = ruleset.questionnaire.get(spec.roles_question)
    order = {v: i for i, v in enumerate(options.option_values)} if options is not None else {}
    roles = sorted({*declared, *inferred}, key=lambda r: order.get(r, len(order)))
    inferred.sort(key=lambda r: order.get(r, len(order)))
    # Rules see the roles as inferred too (a rule on org_roles fires for an implied role); the decision
    # keeps the answers as given.
    facts = {**given, spec.roles_question: roles} if inferred else given

    tier: Tier = "low"
    lane: Lane = "fast"
    reviewers: set[str] = set()
    control_triggers: dict[str, list[str]] = {}
    obligation_triggers: dict[str, list[str]] = {}
    duty_triggers: dict[str, list[str]] = {}
    reasons: list[Reason] = []

    for index, rule in enumerate(ruleset.rules):
        if not rule.condition.test(facts):
            continue
        rs = rule.spec
        if rs.tier and TIER_RANK[rs.tier] > TIER_RANK[tier]:
            tier = rs.tier
        if rs.lane and LANE_RANK[rs.lane] > LANE_RANK[lane]:
            lane = rs.lane
        reviewers.update(rs.reviewers)
        for control in rs.controls:
            control_triggers.setdefault(control, []).append(rs.id)
        cited = list(bound.obligations[index])
        for role in roles:
            for item_id in bound.by_role[index].get(role, ()):
                if item_id not in cited:
                    cited.append(item_id)
        for item_id in cited:
            obligation_triggers.setdefault(item_id, []).append(rs.id)
        duties = [d.split(":", 1)[-1] for d in rs.duties]
        for duty_id in duties:
            duty_triggers.setdefault(duty_id, []).append(rs.id)
        reasons.append(
            Reason(
                rule=rs.id,
                description_zh=rs.description.zh,
                description_en=rs.description.en,
                tier=rs.tier,
                lane=rs.lane,
                reviewers=ruleset.reviewer_order(set(rs.reviewers)),
                controls=list(rs.controls),
                obligations=sorted(cited, key=rank),
                duties=duties,
                matched=rule.condition.explain(facts),
                matched_zh=rule.condition.explain(facts, "zh"),
            )
        )

    adjustments: list[Adjustment] = []
    tier_spec = spec.tiers[tier]

    def tier_zh(t: str) -> str:
        named = spec.tiers[t].name  # type: ignore[index]
        return named.zh if named else t

    def lane_zh(name: str) -> str:
        named = spec.lanes[name].name  # type: ignore[index]
        return named.zh if named else name

    if LANE_RANK[tier_spec.lane] > LANE_RANK[lane]:
        adjustments.append(
            Adjustment(
                kind="lane", message=f"tier {tier} requires at least the {tier_spec.lane} lane (was {lane})",
                message_zh=f"{tier_zh(tier)}项目至少走{lane_zh(tier_spec.lane)}（原为{lane_zh(lane)}）",
            )
        )
        lane = tier_spec.lane
    new_controls = [c for c in tier_spec.controls if c not in control_triggers]
    for control in tier_spec.controls:
        control_triggers.setdefault(control, []).append(f"tier:{tier}")
    if new_controls:
        adjustments.append(
            Adjustment(kind="controls", message=f"tier {tier} requires these controls",
                       message_zh=f"{tier_zh(tier)}项目须具备以下控制措施："
                                  + "、".join(spec.controls[c].name.zh for c in new_controls),
                       added=new_controls)
        )
    lane_reviewers = [r for r in spec.lanes[lane].reviewers if r not in reviewers]
    if lane_reviewers:
        adjustments.append(
            Adjustment(
                kind="reviewers", message=f"the {lane} lane requires these reviewers",
                message_zh=f"{lane_zh(lane)}须由以下评审人评审："
                           + "、".join(spec.reviewers[r].zh for r in lane_reviewers),
                added=lane_reviewers,
            )
        )
        reviewers.update(lane_reviewers)

    controls = []
    for cid in ruleset.control_order(set(control_triggers)):
        cspec = spec.controls[cid]
        controls.append(
            ControlRef(
                id=cid,
                name_zh=cspec.name.zh,
                name_en=cspec.name.en,
                cites=list(cspec.cites),
                triggered_by=control_triggers[cid],
            )
        )
    # A rule may cite §3 risks beside the measures: the risks are reported as such, and only the
    # countermeasures, measures and guidelines become obligations a system must meet.
    # Items addressed to the state (5.1 "formulate and introduce standards…") or to the public (6.4)
    # are context: a company cannot meet them, so they never ask for evidence.
    obligations: list[ObligationRef] = []
    risks: list[ObligationRef] = []
    context: list[ObligationRef] = []
    for item_id in sorted(obligation_triggers, key=rank):
        info = bound.items[item_id]
        if info.kind == "risk":
            bucket = risks
        elif addresses_organisations(info.roles):
            bucket = obligations
        else:
            bucket = context
        bucket.append(
            ObligationRef(
                id=item_id,
                title=info.title_en or info.title_zh or item_id,
                title_zh=info.title_zh,
                title_en=info.title_en,
                roles=list(info.roles),
                kind=info.kind,
                triggered_by=obligation_triggers[item_id],
            )
        )

    return Decision(
        tier=tier,
        lane=lane,
        reviewers=ruleset.reviewer_order(reviewers),
        controls=controls,
        obligations=obligations,
        risks=risks,
        duties=_duty_refs(ruleset, duty_triggers),
        context=context,
        reasons=[*role_reasons, *reasons],
        roles=roles,
        roles_inferred=inferred,
        adjustments=adjustments,
        warnings=[
            *(AnswerWarning(id=c.id, message_zh=c.message.zh, message_en=c.message.en, matched=cond.explain(given))
              for c, cond in ruleset.contradictions if cond.test(given)),
            *_undeclared_roles(inferred, ruleset),
            *(AnswerWarning(id=n.id, message_zh=n.message_zh, message_en=n.message_en, matched=n.matched)
              for n in notes),
        ],
        answers=as_given,
        facts=applied,
        catalog_framework=catalog.framework,
        catalog_version=catalog.version,
        catalog_digest=catalog.digest,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.digest,
        questionnaire_version=questionnaire.version,
        questionnaire_digest=questionnaire.digest,
    )


def _duty_refs(ruleset: Ruleset, triggers: dict[str, list[str]]) -> list[DutyRef]:
    """The duties that fired, in the implementation catalog's order (instrument by instrument)."""
    out = []
    for duty_id in sorted(triggers, key=lambda d: ruleset.duties[d].order):
        info = ruleset.duties[duty_id]
        zh, en = due_text(info.due)
        out.append(DutyRef(
            id=info.id, catalog=ruleset.spec.implementation or "", instrument=info.instrument,
            instrument_zh=info.instrument_zh, instrument_en=info.instrument_en, title_zh=info.title_zh,
            title_en=info.title_en, summary_zh=info.summary_zh, summary_en=info.summary_en,
            summary_status=info.summary_status, condition_zh=info.condition_zh, condition_en=info.condition_en,
            owed_by=list(info.owed_by), due=info.due, due_zh=zh, due_en=en, retain=info.retain,
            text_status=info.text_status, triggered_by=triggers[duty_id]))
    return out


ORGANISATION_ROLES = frozenset({"developer", "provider", "key_sector_user"})


def addresses_organisations(addressees: Sequence[str]) -> bool:
    """True when a catalog item is addressed to an organisation (developer, provider or key-sector user).

    An item with no addressees recorded counts as the organisation's, so nothing is dropped silently.
    """
    return not addressees or not ORGANISATION_ROLES.isdisjoint(addressees)


def _undeclared_roles(inferred: list[str], ruleset: Ruleset) -> list[AnswerWarning]:
    """A role the answers imply but org_roles does not declare: counted, and said (never silent)."""
    roles_q = ruleset.questionnaire.get(ruleset.spec.roles_question)
    out = []
    for role in inferred:
        zh = roles_q.value_text(role, "zh") if roles_q else role
        en = roles_q.value_text(role, "en") if roles_q else role
        out.append(AnswerWarning(
            id=f"undeclared_role:{role}",
            message_zh=f"答案表明本单位是“{zh}”，但“本单位角色”未选择它；判定已按该角色计算，请在答案中补充。",
            message_en=f"The answers make the organisation a {en.lower()} ({role}), which org_roles does not "
                       "declare; the decision counts the role, so declare it.",
            matched=[role]))
    return out


def _apply_facts(given: dict[str, Any], known: Sequence[KnownFact],
                 questionnaire: Questionnaire) -> tuple[dict[str, Any], list[AppliedFact]]:
    """The answers the rules run on: each known fact replaces the answer it contradicts."""
    if not known:
        return given, []
    effective = dict(given)
    applied: list[AppliedFact] = []
    for fact in known:
        if questionnaire.get(fact.question) is None:
            raise InvalidInput.coded("intake.fact_unknown_question", where=f"facts.{fact.question}",
                                     question=fact.question, source=fact.source)
        checked = validate_answers({**effective, fact.question: fact.value}, questionnaire,
                                   where=f"facts ({fact.source})")[fact.question]
        if checked != effective.get(fact.question):
            applied.append(AppliedFact(**fact.model_dump(), answered=effective.get(fact.question)))
            effective[fact.question] = checked
    return effective, applied


def _fact_note(fact: AppliedFact, questionnaire: Questionnaire) -> AnswerNote:
    """The warning a fact that replaced an answer gives, naming the answer, the value taken and why."""
    q = questionnaire.get(fact.question)
    assert q is not None  # checked in _apply_facts

    def word(value: Any, lang: str) -> str:
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        for o in q.options or ():
            if o.value == value:
                return o.label.get(lang)
        return str(value)

    name_zh = q.label.zh if q.label else q.id
    name_en = q.label.en if q.label else q.id
    return AnswerNote(
        id=f"{fact.source}:{fact.question}",
        message_zh=(f"“{name_zh}”回答为“{word(fact.answered, 'zh')}”，但{fact.because_zh}，"
                    f"按“{word(fact.value, 'zh')}”评估；请更正回答。"),
        message_en=(f"{name_en} was answered \"{word(fact.answered, 'en')}\", but {fact.because_en}: assessed as "
                    f"\"{word(fact.value, 'en')}\"; correct the answer."),
        matched=[f"{fact.question} = {fact.answered}", f"{fact.source}: {fact.value}"],
    )


def fact_warning(fact: KnownFact, answered: Any, questionnaire: Questionnaire | None = None) -> AnswerNote:
    """The warning an assessment gives when `fact` replaces the answer `answered` (zh and en), for pages
    that say it before the next assessment does."""
    q = questionnaire if questionnaire is not None else load_questionnaire()
    if q.get(fact.question) is None:
        raise InvalidInput.coded("intake.fact_unknown_question", where=f"facts.{fact.question}",
                                 question=fact.question, source=fact.source)
    return _fact_note(AppliedFact(**fact.model_dump(), answered=answered), q)


def decide(answers: Mapping[str, Any], *, where: str = "answers", ruleset: Ruleset | None = None,
           known: Sequence[KnownFact] = ()) -> dict[str, Any]:
    """Validate answers and run the tiering rules; the decision as plain JSON data, with the clean answers.

    The shape the registry stores (an assessment's `decision` column holds it without `answers`)
    and the API's `POST /api/assess` returns. `known` facts (the registry passes the system's
    lineage) win over the answers they contradict, with a warning.
    """
    q = load_questionnaire()
    clean = validate_answers(dict(answers), q, where=where)
    data = evaluate(clean, ruleset=ruleset, questionnaire=q, known=known).model_dump(mode="json")
    data["answers"] = clean
    return data


def compare_decisions(old: Decision, new: Decision) -> list[str]:
    """Describe what changed between two decisions for the same project, one line per change.

    Used by `aisgf rules diff` to show what a ruleset change would do to registered systems; an
    empty list means the change does not affect this project.
    """
    changes: list[str] = []
    if old.tier != new.tier:
        changes.append(f"tier: {old.tier} → {new.tier}")
    if old.lane != new.lane:
        changes.append(f"lane: {old.lane} → {new.lane}")

    def diff(label: str, before: list[str], after: list[str], titles: dict[str, str] | None = None) -> None:
        added = [x for x in after if x not in before]
        removed = [x for x in before if x not in after]

        def show(ids: list[str]) -> str:
            if not titles:
                return ", ".join(ids)
            return ", ".join(f"{i} ({titles[i]})" if titles.get(i) else i for i in ids)

        if added:
            changes.append(f"{label} added: {show(added)}")
        if removed:
            changes.append(f"{label} removed: {show(removed)}")

    diff("reviewers", old.reviewers, new.reviewers)
    diff("controls", old.control_ids, new.control_ids)
    titles = {o.id: o.title for o in [*old.obligations, *new.obligations]}
    diff("obligations", old.obligation_ids, new.obligation_ids, titles)
    diff("context", [c.id for c in old.context], [c.id for c in new.context])
    diff("duties", [d.id for d in old.duties], [d.id for d in new.duties])
    return changes
