"""The tiering ruleset: YAML a governance lead edits, checked line by line, compiled once.

Why: the seed's "tiered governance + fast/slow lane" operating model is policy, and policy
changes without a release. The ruleset says which answers raise a project's tier, slow its lane,
call in which reviewers and controls, and which framework items (catalog IDs) become its
obligations. Because a wrong rule silently mis-tiers every later project, a ruleset with any
mistake is refused as a whole, with file, line and what is accepted, and nothing is half-loaded.

Tiers (low < medium < high) and lanes (fast < standard < slow) are fixed words because the
engine orders them; their labels, the lane each tier implies, the reviewers each lane demands,
the controls each tier demands, the reviewers and the controls themselves are all data.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aisgf.errors import AisgfError
from aisgf.intake.conditions import Condition, ConditionCompiler
from aisgf.intake.questionnaire import (
    Bilingual,
    Questionnaire,
    load_questionnaire,
    questionnaire_path,
)
from aisgf.sourcefile import Path_, Problem, SourceDoc, file_stamp, raise_problems, read_source

Tier = Literal["low", "medium", "high"]
Lane = Literal["fast", "standard", "slow"]
TIERS: tuple[Tier, ...] = ("low", "medium", "high")
LANES: tuple[Lane, ...] = ("fast", "standard", "slow")
TIER_RANK = {t: i for i, t in enumerate(TIERS)}
LANE_RANK = {lane: i for i, lane in enumerate(LANES)}

_SLUG = r"^[a-z][a-z0-9_]*$"
_CATALOG_REF = re.compile(r"^(?:[a-z][a-z0-9-]*-[0-9]+\.[0-9]+:)?[1-9][0-9]*(?:\.[0-9a-z]+)*(?:\.\*)?$")
#: An article of the implementation layer: instrument code, then the article's parts (algorec.24, incident.4.2).
_DUTY_REF = re.compile(r"^(?:[a-z][a-z0-9-]*-[0-9]+\.[0-9]+:)?[a-z][a-z0-9]*(?:\.[0-9a-z]+)+$")


class CatalogItemLike(Protocol):
    """What the engine needs of a catalog item (aisgf.catalog.CatalogItem fits)."""

    @property
    def id(self) -> str: ...

    @property
    def roles(self) -> list[str]: ...

    def title(self, lang: str) -> str | None: ...


class CatalogLike(Protocol):
    """What the engine needs of a catalog (aisgf.catalog.Catalog fits); tests may pass a fake."""

    framework: str
    version: str
    digest: str

    def has(self, item_id: str) -> bool: ...

    def get(self, item_id: str) -> Any: ...

    def expand(self, pattern: str) -> Sequence[Any]: ...


# -- the file's schema ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierSpec(_Strict):
    """What a tier implies: at least this lane, and these controls."""

    name: Bilingual | None = None
    lane: Lane
    controls: list[str] = Field(default_factory=list)
    review_interval_months: int | None = Field(
        default=None, ge=1, le=120, description="a live system of this tier is reviewed again after this long (6.3(b))")


class LaneSpec(_Strict):
    """What a lane demands: these reviewers (the seed's fast lane: business only)."""

    name: Bilingual | None = None
    reviewers: list[str] = Field(min_length=1)


class ControlSpec(_Strict):
    """A control a project must put in place, and the framework items it implements."""

    name: Bilingual
    cites: list[str] = Field(default_factory=list)


class RuleSpec(_Strict):
    """One tiering rule: when the answers match, these floors and requirements apply."""

    id: str = Field(pattern=_SLUG)
    description: Bilingual
    when: Any
    tier: Tier | None = None
    lane: Lane | None = None
    reviewers: list[str] = Field(default_factory=list)
    controls: list[str] = Field(default_factory=list)
    obligations: list[str] = Field(default_factory=list)
    by_role: dict[str, list[str]] = Field(default_factory=dict)
    duties: list[str] = Field(default_factory=list, description="articles of the implementation layer (algorec.24)")


class RoleInferenceSpec(_Strict):
    """A role the answers imply, whether or not the organisation declared it (framework §6 by role)."""

    id: str = Field(pattern=_SLUG)
    role: str
    when: Any
    description: Bilingual


class ContradictionSpec(_Strict):
    """Answers that cannot all be true at once: a warning in the decision, never silence."""

    id: str = Field(pattern=_SLUG)
    when: Any
    message: Bilingual


class RulesetSpec(_Strict):
    """The whole ruleset file."""

    ruleset: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$", description="the ruleset's own ID")
    version: str = Field(min_length=1)
    framework: str = Field(min_length=1, description="catalog framework the IDs refer to, e.g. aisgf-1.0")
    title: Bilingual | None = None
    roles_question: str = Field(default="org_roles", description="multi question whose values key by_role")
    implementation: str | None = Field(
        default=None, description="catalog of the China implementation layer the rules' duties cite, e.g. cn-impl-1.0")
    inferred_roles: list[RoleInferenceSpec] = Field(
        default_factory=list, description="roles the answers imply, unioned with the declared ones")
    contradictions: list[ContradictionSpec] = Field(
        default_factory=list, description="answers that contradict each other: warnings in the decision")
    reviewers: dict[str, Bilingual] = Field(min_length=1)
    controls: dict[str, ControlSpec] = Field(default_factory=dict)
    tiers: dict[Tier, TierSpec]
    lanes: dict[Lane, LaneSpec]
    rules: list[RuleSpec] = Field(min_length=1)


# -- the compiled ruleset ---------------------------------------------------------------------

_ID_PART = re.compile(r"\d+|[a-z]+")


def framework_order(item_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 5.2 before 5.10 and 4.1.2.d before 4.1.3 (the framework's own order)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _ID_PART.findall(item_id))


@dataclass(frozen=True)
class ObligationInfo:
    """A catalog item as a decision cites it (looked up once per catalog, not per assessment)."""

    id: str
    title_en: str | None
    title_zh: str | None
    roles: tuple[str, ...]
    kind: str | None = None


@dataclass(frozen=True)
class DutyInfo:
    """An article of the implementation layer as a decision cites it: its instrument, duty and deadline."""

    id: str
    order: int  # position in the implementation catalog (instrument by instrument, article by article)
    instrument: str
    instrument_zh: str
    instrument_en: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    summary_status: str
    condition_zh: str | None
    condition_en: str | None
    owed_by: tuple[str, ...]
    due: dict[str, Any]
    retain: dict[str, Any] | None
    text_status: str  # status of its best Chinese text: official, official_excerpt or missing


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    condition: Condition


@dataclass(frozen=True)
class BoundRuleset:
    """A ruleset's catalog references resolved against one catalog: patterns expanded, titles read."""

    obligations: tuple[tuple[str, ...], ...]  # per rule, in rule order
    by_role: tuple[dict[str, tuple[str, ...]], ...]
    items: dict[str, ObligationInfo]
    order: dict[str, int]  # framework order of every item above, for sorting without parsing IDs


class Ruleset:
    """A checked, compiled ruleset. Build it with `load_ruleset` or `parse_ruleset`."""

    def __init__(
        self, spec: RulesetSpec, rules: list[CompiledRule], questionnaire: Questionnaire, source: str,
        inferences: list[tuple[RoleInferenceSpec, Any]] | None = None,
        contradictions: list[tuple[ContradictionSpec, Any]] | None = None,
        duties: dict[str, DutyInfo] | None = None,
    ):
        self.spec = spec
        self.duties = duties or {}  # implementation-layer article ID → what a decision shows of it
        self.rules = rules
        self.inferences = inferences or []  # (spec, compiled condition), in file order
        self.contradictions = contradictions or []
        self.questionnaire = questionnaire
        self.source = source
        canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        self.digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        self._reviewer_order = {r: i for i, r in enumerate(spec.reviewers)}
        self._control_order = {c: i for i, c in enumerate(spec.controls)}
        self._bound: dict[tuple[str, str, str], BoundRuleset] = {}

    @property
    def id(self) -> str:
        return self.spec.ruleset

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers this ruleset defines, lowest first (the registry's tier vocabulary)."""
        return tuple(t for t in TIERS if t in self.spec.tiers)

    @property
    def lanes(self) -> tuple[str, ...]:
        """The review lanes this ruleset defines, fastest first (the registry's lane vocabulary)."""
        return tuple(lane for lane in LANES if lane in self.spec.lanes)

    @property
    def functions(self) -> tuple[str, ...]:
        """The reviewer functions this ruleset knows, in its order: the vocabulary of accounts and reviews."""
        return tuple(self.spec.reviewers)

    def reviewer_order(self, reviewers: set[str]) -> list[str]:
        return sorted(reviewers, key=self._reviewer_order.__getitem__)

    def control_order(self, controls: set[str]) -> list[str]:
        return sorted(controls, key=self._control_order.__getitem__)

    def bind(self, catalog: CatalogLike) -> BoundRuleset:
        """Resolve catalog references against `catalog`, cached per catalog digest.

        Why cached: expanding ``6.2.*`` and reading titles is the slow part of an assessment and
        its result depends only on the ruleset and the catalog version.
        """
        key = (catalog.framework, catalog.version, catalog.digest)
        bound = self._bound.get(key)
        if bound is None:
            bound = _bind(self, catalog)
            self._bound[key] = bound
        return bound


def _expand(catalog: CatalogLike, ref: str) -> list[Any]:
    """Items a reference names; sections are skipped so a pattern yields obligations, not headings."""
    items = catalog.expand(ref)
    return [item for item in items if getattr(item, "kind", None) != "section"] or list(items)


_TITLE_WIDTH = {"en": 80, "zh": 40}


def _short_title(item: Any, lang: str) -> str | None:
    """The item's title in `lang`; for untitled items (most lettered ones) the start of its text."""
    title = item.title(lang)
    if title:
        return title
    text_of = getattr(item, "text", None)
    text = text_of(lang) if callable(text_of) else None
    if not text:
        return None
    width = _TITLE_WIDTH[lang]
    return text if len(text) <= width else text[: width - 1] + "…"


def _bind(ruleset: Ruleset, catalog: CatalogLike) -> BoundRuleset:
    items: dict[str, ObligationInfo] = {}
    problems: list[Problem] = []

    def resolve(refs: list[str], where: str) -> tuple[str, ...]:
        ids: list[str] = []
        for ref in refs:
            try:
                found = _expand(catalog, ref)
            except AisgfError as exc:
                problems.append(Problem(where, f"catalog reference {ref!r}: {exc.message}"))
                continue
            for item in found:
                if item.id not in items:
                    items[item.id] = ObligationInfo(
                        id=item.id,
                        title_en=_short_title(item, "en"),
                        title_zh=_short_title(item, "zh"),
                        roles=tuple(item.roles),
                        kind=getattr(item, "kind", None),
                    )
                if item.id not in ids:
                    ids.append(item.id)
        return tuple(ids)

    obligations = []
    by_role = []
    for rule in ruleset.rules:
        where = f"{ruleset.source or 'ruleset'} rule {rule.spec.id}"
        obligations.append(resolve(rule.spec.obligations, where))
        by_role.append({role: resolve(refs, where) for role, refs in rule.spec.by_role.items()})
    raise_problems(problems)
    ranked = sorted(items, key=framework_order)
    return BoundRuleset(
        tuple(obligations), tuple(by_role), items, {item_id: i for i, item_id in enumerate(ranked)}
    )


# -- parsing and checking ---------------------------------------------------------------------


def _check_catalog_refs(
    doc: SourceDoc, refs: list[str], path: Path_, catalog: CatalogLike | None, problems: list[Problem]
) -> None:
    for i, ref in enumerate(refs):
        at = (*path, i)
        if not isinstance(ref, str) or not _CATALOG_REF.match(ref):
            problems.append(
                doc.problem(
                    at, f"{ref!r} is not a catalog ID or pattern (write e.g. 6.2.e, 4.1.2.d or 6.2.*)"
                )
            )
            continue
        if catalog is None:
            continue
        try:
            found = catalog.expand(ref)
        except AisgfError:
            found = []
        if not found:
            problems.append(
                doc.problem(
                    at, f"unknown catalog item {ref!r} in catalog {catalog.framework} {catalog.version}"
                )
            )


def parse_ruleset(doc: SourceDoc, questionnaire: Questionnaire, catalog: CatalogLike | None) -> Ruleset:
    """Check a parsed ruleset document against the questionnaire and the catalog, then compile it.

    `catalog=None` skips the catalog-ID check (only the ID syntax is checked); every other
    mistake is reported, all at once, with its line.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise_problems(
            [doc.problem((), "a ruleset must be a mapping with ruleset, version, tiers, lanes, rules")]
        )
    # Structural problems (wrong fields, types, tier names) are reported first and alone: they
    # are usually the cause of whatever else would look wrong.
    try:
        spec = RulesetSpec.model_validate(data)
    except ValidationError as exc:
        structural = doc.pydantic_problems(exc)
    else:
        structural = []
    raise_problems(structural)

    problems: list[Problem] = []
    reviewers = list(spec.reviewers)
    controls = list(spec.controls)

    def check_names(names: list[str], known: list[str], path: Path_, what: str) -> None:
        for i, name in enumerate(names):
            if name not in known:
                problems.append(
                    doc.problem(
                        (*path, i), f"unknown {what} {name!r}; accepted: {', '.join(known)}", accepted=known
                    )
                )

    if catalog is not None and spec.framework != catalog.framework:
        problems.append(
            doc.problem(
                ("framework",),
                f"the ruleset is written for {spec.framework!r} but the catalog is {catalog.framework!r}",
                accepted=[catalog.framework],
            )
        )

    # tiers and lanes: all three of each, and a higher tier never implies a faster lane
    for name, table in (("tiers", TIERS), ("lanes", LANES)):
        present = getattr(spec, name)
        missing = [t for t in table if t not in present]
        if missing:
            problems.append(
                doc.problem((name,), f"'{name}' must define {', '.join(table)}; missing {', '.join(missing)}")
            )
    for tier, tspec in spec.tiers.items():
        check_names(tspec.controls, controls, ("tiers", tier, "controls"), "control")
    for i in range(1, len(TIERS)):
        lower, higher = spec.tiers.get(TIERS[i - 1]), spec.tiers.get(TIERS[i])
        if lower and higher and LANE_RANK[higher.lane] < LANE_RANK[lower.lane]:
            problems.append(
                doc.problem(
                    ("tiers", TIERS[i], "lane"),
                    f"tier {TIERS[i]} implies lane {higher.lane}, "
                    f"faster than tier {TIERS[i - 1]}'s {lower.lane}",
                )
            )
    for lane, lspec in spec.lanes.items():
        check_names(lspec.reviewers, reviewers, ("lanes", lane, "reviewers"), "reviewer")
    for cid, cspec in spec.controls.items():
        if not re.match(_SLUG, cid):
            problems.append(doc.problem(("controls", cid), f"control ID {cid!r} must be lower_snake_case"))
        _check_catalog_refs(doc, cspec.cites, ("controls", cid, "cites"), catalog, problems)
    for rid in spec.reviewers:
        if not re.match(_SLUG, rid):
            problems.append(doc.problem(("reviewers", rid), f"reviewer ID {rid!r} must be lower_snake_case"))

    roles_q = questionnaire.get(spec.roles_question)
    role_values: list[str] = []
    if roles_q is None or roles_q.type != "multi":
        problems.append(
            doc.problem(
                ("roles_question",),
                f"roles_question {spec.roles_question!r} must name a multi-choice question "
                "of the questionnaire",
            )
        )
    else:
        role_values = roles_q.option_values

    compiler = ConditionCompiler(questionnaire, doc)
    duty_refs: list[tuple[Path_, Any]] = []
    compiled: list[CompiledRule] = []
    seen: dict[str, int] = {}
    has_baseline = False
    for i, rule in enumerate(spec.rules):
        base: Path_ = ("rules", i)
        if rule.id in seen:
            problems.append(
                doc.problem(
                    (*base, "id"),
                    f"rule ID {rule.id!r} is used twice "
                    f"(first at {doc.where(('rules', seen[rule.id], 'id'))})",
                )
            )
        seen.setdefault(rule.id, i)
        condition = compiler.compile(rule.when, (*base, "when"))
        if rule.when == "always":
            has_baseline = True
        check_names(rule.reviewers, reviewers, (*base, "reviewers"), "reviewer")
        check_names(rule.controls, controls, (*base, "controls"), "control")
        _check_catalog_refs(doc, rule.obligations, (*base, "obligations"), catalog, problems)
        duty_refs.extend(((*base, "duties", j), ref) for j, ref in enumerate(rule.duties))
        for role, refs in rule.by_role.items():
            if role_values and role not in role_values:
                problems.append(
                    doc.problem(
                        (*base, "by_role", role),
                        f"unknown role {role!r}; accepted: {', '.join(role_values)}",
                        accepted=role_values,
                    )
                )
            _check_catalog_refs(doc, refs, (*base, "by_role", role), catalog, problems)
        if not (
            rule.tier or rule.lane or rule.reviewers or rule.controls or rule.obligations or rule.by_role
            or rule.duties
        ):
            problems.append(
                doc.problem(
                    base, f"rule {rule.id!r} sets nothing (tier, lane, reviewers, controls, obligations)"
                )
            )
        if condition is not None:
            compiled.append(CompiledRule(rule, condition))
    inferences: list[tuple[RoleInferenceSpec, Any]] = []
    for i, inf in enumerate(spec.inferred_roles):
        base = ("inferred_roles", i)
        if role_values and inf.role not in role_values:
            problems.append(doc.problem((*base, "role"), f"unknown role {inf.role!r}; accepted: "
                                        f"{', '.join(role_values)}", accepted=role_values))
        condition = compiler.compile(inf.when, (*base, "when"))
        if condition is not None:
            inferences.append((inf, condition))
    contradictions: list[tuple[ContradictionSpec, Any]] = []
    for i, con in enumerate(spec.contradictions):
        condition = compiler.compile(con.when, ("contradictions", i, "when"))
        if condition is not None:
            contradictions.append((con, condition))
    if not has_baseline:
        problems.append(
            doc.problem(
                ("rules",),
                "the ruleset needs a baseline rule with 'when: always', so every decision has a reason",
            )
        )
    duties = _resolve_duties(doc, spec, duty_refs, problems)
    problems.extend(compiler.problems)
    problems.sort(key=lambda p: _line_of(p.where))
    raise_problems(problems)
    return Ruleset(spec, compiled, questionnaire, doc.name, inferences, contradictions, duties)


def _resolve_duties(doc: SourceDoc, spec: RulesetSpec, refs: list[tuple[Path_, Any]],
                    problems: list[Problem]) -> dict[str, DutyInfo]:
    """Check each rule's `duties` against the implementation catalog and read what a decision shows.

    Why at load time: the implementation layer ships with the code (no overlays), so its articles,
    deadlines and summaries are fixed for a given ruleset and catalog version.
    """
    if not refs:
        return {}
    if spec.implementation is None:
        problems.append(doc.problem(refs[0][0], "a rule cites duties but the ruleset names no 'implementation' "
                                    "catalog (e.g. implementation: cn-impl-1.0)"))
        return {}
    from aisgf.catalog.loader import load_catalog

    try:
        impl = load_catalog(framework=spec.implementation, use_overlays=False)
    except AisgfError as exc:
        problems.append(doc.problem(("implementation",), exc.message))
        return {}
    order = {item_id: i for i, item_id in enumerate(impl.items)}
    out: dict[str, DutyInfo] = {}
    for path, ref in refs:
        if not isinstance(ref, str) or not _DUTY_REF.match(ref):
            problems.append(doc.problem(path, f"{ref!r} is not an article ID of the implementation layer "
                                        "(write e.g. algorec.24 or incident.4.2)"))
            continue
        local = ref.split(":", 1)[1] if ":" in ref else ref
        if ":" in ref and not ref.startswith(spec.implementation + ":"):
            problems.append(doc.problem(path, f"{ref!r} is not in the implementation catalog {spec.implementation}"))
            continue
        if local in out:
            continue
        if not impl.has(local):
            problems.append(doc.problem(path, f"unknown article {local!r} in {spec.implementation} {impl.version}"))
            continue
        item = impl.get(local)
        duty = getattr(item.record, "duty", None)
        if duty is None:
            problems.append(doc.problem(path, f"{local!r} is an instrument, not an article with a duty"))
            continue
        instrument = impl.get(local.split(".", 1)[0])
        out[local] = DutyInfo(
            id=local, order=order.get(local, len(order)), instrument=instrument.id,
            instrument_zh=instrument.title("zh") or instrument.id,
            instrument_en=instrument.title("en") or instrument.id,
            title_zh=item.title("zh") or local, title_en=item.title("en") or local,
            summary_zh=duty.summary.zh, summary_en=duty.summary.en, summary_status=duty.summary_status,
            condition_zh=duty.condition.zh if duty.condition else None,
            condition_en=duty.condition.en if duty.condition else None,
            owed_by=tuple(duty.owed_by), due=duty.due.model_dump(mode="json"),
            retain=duty.retain.model_dump(mode="json") if duty.retain else None,
            text_status=item.text_status("zh") or "missing",
        )
    return out


def _line_of(where: str) -> int:
    _, _, line = where.rpartition(":")
    return int(line) if line.isdigit() else 0


# -- where rulesets come from -----------------------------------------------------------------

SHIPPED_RULESET = "ruleset.yaml"


def ruleset_path() -> Path:
    """The ruleset in force: the application context's (`AISGF_RULESET_FILE`, else the shipped default)."""
    from aisgf.context import current

    return current().ruleset_path


def default_catalog() -> CatalogLike:
    """The catalog in force: the application context's (`aisgf.context`), with its overlays."""
    from aisgf.context import current

    return current().catalog()


@lru_cache(maxsize=16)
def _load_cached(
    stamp: tuple[str, int, int], q_stamp: tuple[str, int, int], catalog_key: tuple[str, ...]
) -> Ruleset:
    questionnaire = load_questionnaire(q_stamp[0])
    return parse_ruleset(read_source(stamp[0], what="ruleset file"), questionnaire, default_catalog())


def load_ruleset(
    path: str | Path | None = None,
    *,
    questionnaire: Questionnaire | None = None,
    catalog: CatalogLike | None = None,
) -> Ruleset:
    """Load and check a ruleset; None → the one in force. Unchanged files are not re-read.

    The questionnaire defaults to the one in force and the catalog to `aisgf.catalog`'s; every
    catalog ID the ruleset cites must exist in it.
    """
    if path is None and questionnaire is None and catalog is None:
        from aisgf.context import current

        return current().ruleset()  # cached on the context, re-read when a file changes
    p = Path(path) if path is not None else ruleset_path()
    if questionnaire is None and catalog is None:
        cat = default_catalog()
        return _load_cached(file_stamp(p), file_stamp(questionnaire_path()), (cat.framework, cat.version, cat.digest))
    doc = read_source(p, what="ruleset file")
    return parse_ruleset(
        doc,
        questionnaire if questionnaire is not None else load_questionnaire(),
        catalog if catalog is not None else default_catalog(),
    )
