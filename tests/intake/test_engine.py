"""The tiering engine: each tier path of the seed's operating model, the combination rules,
tier/lane consistency, explanations and fingerprints."""

from __future__ import annotations

import json
import random

import pytest

from aisgf.errors import InvalidInput
from aisgf.intake.engine import compare_decisions, evaluate, framework_order
from aisgf.intake.ruleset import load_ruleset

from .test_ruleset import MINI

# -- the shipped ruleset, real catalog ---------------------------------------------------------


def test_internal_productivity_tool_is_low_fast(answers, ruleset, catalog) -> None:
    d = evaluate(answers(), ruleset=ruleset, catalog=catalog)
    assert (d.tier, d.lane, d.reviewers) == ("low", "fast", ["business"])
    assert d.fired_rules == ["baseline", "generated_content", "upstream_model"]
    assert d.reasons[0].rule == "baseline" and d.reasons[0].matched == ["always (baseline)"]
    assert d.adjustments == []
    assert "6.2.e" in d.obligation_ids and "5.1" not in d.obligation_ids
    assert [c.id for c in d.context] == ["5.1"]  # tiered management is the state's measure: context
    assert "acceptable_use_guidance" in d.control_ids and "manual_fallback" not in d.control_ids


def test_personal_information_is_medium_with_joint_review(answers, ruleset, catalog) -> None:
    d = evaluate(answers(personal_information="personal"), ruleset=ruleset, catalog=catalog)
    assert (d.tier, d.lane) == ("medium", "standard")
    assert d.reviewers == ["business", "data", "legal", "infosec"]
    kinds = {a.kind: a for a in d.adjustments}
    assert "tier medium requires at least the standard lane" in kinds["lane"].message
    assert kinds["reviewers"].added == ["legal", "infosec"]  # data came from the rule itself
    assert "5.3" in [c.id for c in d.context] and "3.1.2.a" in d.risk_ids
    assert {"risk_monitoring", "incident_response"} <= set(d.control_ids)  # the medium tier's controls


def test_public_facing_finance_with_sensitive_pi_is_high_slow_with_senior(answers, ruleset, catalog) -> None:
    d = evaluate(
        answers(public_facing=True, sector="finance", personal_information="sensitive", org_roles=["provider"]),
        ruleset=ruleset,
        catalog=catalog,
    )
    assert (d.tier, d.lane) == ("high", "slow")
    assert d.reviewers == ["business", "data", "legal", "infosec", "senior"]
    for control in (
        "security_testing",
        "decision_logging",
        "explainability_plan",
        "human_in_the_loop",
        "rollback_design",
        "data_security_management",
    ):
        assert control in d.control_ids, control
    assert {"4.1.2.d", "6.3.i", "6.2.a"} <= set(d.obligation_ids) and "5.3" not in d.obligation_ids
    assert {"key_sector_seed", "sensitive_personal_information", "sensitive_data_public",
            "public_facing"} <= set(d.fired_rules)


def test_key_sector_requires_human_control_and_manual_fallback(answers, ruleset, catalog) -> None:
    d = evaluate(answers(sector="healthcare", autonomy="acts_with_approval"), ruleset=ruleset, catalog=catalog)
    assert (d.tier, d.lane) == ("high", "slow")
    assert {"manual_fallback", "human_in_the_loop", "emergency_control"} <= set(d.control_ids)
    by_id = {o.id: o for o in d.obligations}
    for item_id in ("6.3.h", "6.3.i"):
        assert by_id[item_id].triggered_by[:2] == ["role_guidelines", "key_sector_framework"]
    assert by_id["4.2.4.b"].triggered_by == ["key_sector_framework"]
    assert by_id["6.3.i"].roles == ["key_sector_user"]
    assert by_id["6.3.i"].title  # a short title even where the catalog has no heading
    assert d.roles_inferred == ["key_sector_user"]
    reason = next(r for r in d.reasons if r.rule == "key_sector_framework")
    assert reason.matched == ["sector in [government, healthcare, transport] (answer: healthcare)",
                              "deployment in [own_use, both] (answer: own_use)"]
    assert reason.matched_zh == ["行业领域为“政府部门、医疗卫生、交通运输”之一（回答：医疗卫生）",
                                 "使用方为“本单位自己使用、本单位使用，也提供给他人”之一（回答：本单位自己使用）"]
    assert "框架自身的定义" in reason.description_zh and "framework's own definition" in reason.description_en


def test_how_far_a_key_sector_tier_rises_depends_on_autonomy(answers, ruleset, catalog) -> None:
    advises = evaluate(answers(sector="finance", autonomy="advises"), ruleset=ruleset, catalog=catalog)
    assert (advises.tier, advises.lane) == ("medium", "standard")
    assert "key_sector_seed" in advises.fired_rules and "key_sector_acts" not in advises.fired_rules
    assert "种子文档" in next(r for r in advises.reasons if r.rule == "key_sector_seed").description_zh
    approves = evaluate(answers(sector="finance", autonomy="acts_with_approval"), ruleset=ruleset, catalog=catalog)
    assert (approves.tier, approves.lane) == ("high", "slow") and "senior" in approves.reviewers
    alone = evaluate(answers(sector="finance", autonomy="acts_autonomously"), ruleset=ruleset, catalog=catalog)
    assert "key_sector_autonomous" in alone.fired_rules and "key_sector_autonomous" not in approves.fired_rules


def test_key_sector_guidelines_are_owed_by_the_user_not_a_supplier(answers, ruleset, catalog) -> None:
    supplier = evaluate(answers(sector="transport", deployment="for_others", trains_or_fine_tunes=True,
                                physical_safety=True), ruleset=ruleset, catalog=catalog)
    assert not any(o.startswith("6.3.") for o in supplier.obligation_ids)
    assert "key_sector_user" not in supplier.roles and "developer" in supplier.roles
    assert any(o.startswith("6.1.") for o in supplier.obligation_ids)
    assert {"3.1.1.c", "3.1.1.f"} <= set(supplier.risk_ids) and supplier.tier == "high"
    assert "key_sector_supplier" in supplier.fired_rules


def test_cii_is_its_own_question_and_old_sector_answers_map_to_it(answers, ruleset, catalog) -> None:
    factory = evaluate(answers(sector="industrial"), ruleset=ruleset, catalog=catalog)
    plant = evaluate(answers(sector="industrial", cii_operator=True), ruleset=ruleset, catalog=catalog)
    assert "cii_incident_reporting" in plant.fired_rules and "cii_incident_reporting" not in factory.fired_rules
    assert "key_sector_framework" in plant.fired_rules and "key_sector_framework" not in factory.fired_rules
    old = {k: v for k, v in answers().items() if k != "cii_operator"} | {"sector": "critical_infrastructure"}
    legacy = evaluate(old, ruleset=ruleset, catalog=catalog)
    assert legacy.answers["cii_operator"] is True and legacy.answers["sector"] == "general"
    assert "cii_incident_reporting" in legacy.fired_rules
    assert [w.id for w in legacy.warnings if not w.id.startswith("undeclared_role:")] == ["legacy:sector"]
    note = next(w for w in legacy.warnings if w.id == "legacy:sector")
    assert "cii_operator" in note.message_en and "关键信息基础设施" in note.message_zh


def test_answers_written_for_an_older_questionnaire_assess_with_a_warning_per_question(ruleset, catalog) -> None:
    from .conftest import INTERNAL_TOOL, INTERNAL_TOOL_1_0

    d = evaluate(INTERNAL_TOOL_1_0, ruleset=ruleset, catalog=catalog)
    missing = [k for k in INTERNAL_TOOL if k not in INTERNAL_TOOL_1_0]
    assert [w.id for w in d.warnings] == [f"unanswered:{q}" for q in ruleset.questionnaire.ids if q in missing]
    w = next(w for w in d.warnings if w.id == "unanswered:autonomy")
    assert "autonomy" in w.message_en and "经人批准后执行" in w.message_zh  # names the question and the default


@pytest.mark.parametrize(
    ("changes", "tier", "obligations", "controls", "reviewers"),
    [
        ({"cross_border_data": True}, "medium", {"4.1.2.f"}, {"cross_border_assessment"}, {"legal"}),
        ({"export_controlled": True}, "high", {"4.1.2.f", "4.2.2.b"}, {"export_control_review"}, {"senior"}),
        (
            {"model_source": "foundation_model"},
            "low",
            {"6.2.e", "3.2.1.e"},
            {"responsibility_chain_review"},
            set(),
        ),
        ({"generates_content": True}, "low", {"3.2.1.b"}, {"output_validation"}, set()),
        (
            {"public_facing": True},
            "medium",
            {f"6.2.{x}" for x in "abcdefghij"},
            {"transparency_notice"},
            set(),
        ),
        ({"high_impact_decisions": True}, "high", {"6.2.d"}, {"explainability_plan"}, {"senior"}),
        ({"minors_among_users": True}, "medium", {"6.2.j"}, {"minor_protection"}, {"legal"}),
        ({"important_data": True}, "medium", {"4.1.2.d"}, {"data_security_risk_assessment"}, {"data"}),
        ({"recommendation": True}, "low", {"3.2.3.a", "4.2.3.b"}, {"recommendation_safeguards"}, set()),
        ({"multiple_models": True}, "medium", {"4.1.3.b"}, {"platform_safeguards"}, {"infosec"}),
        ({"physical_safety": True}, "high", {"3.1.1.c", "3.1.1.f"}, {"robustness_testing"}, {"senior"}),
        ({"public_opinion": True, "public_facing": True}, "high", {"3.2.3.a"}, set(), {"senior"}),
        ({"deep_synthesis": True}, "high", {"3.2.1.b"}, {"likeness_consent"}, {"senior"}),
        (
            {"trains_or_fine_tunes": True},
            "medium",
            {"4.1.2.c", "4.1.2.e"},
            {"training_data_screening"},
            {"data"},
        ),
        ({"user_scale": "over_1m"}, "medium", {"6.2.f", "6.2.h"}, {"risk_monitoring"}, set()),
        ({"org_roles": ["developer"]}, "low", {f"6.1.{x}" for x in "abcdefghij"}, set(), set()),
    ],
)
def test_each_intake_answer_brings_its_items(
    answers, ruleset, catalog, changes, tier, obligations, controls, reviewers
) -> None:
    d = evaluate(answers(**changes), ruleset=ruleset, catalog=catalog)
    assert d.tier == tier
    assert obligations <= set(d.obligation_ids) | set(d.risk_ids)
    assert not {i for i in d.obligation_ids if i.startswith("3.")}, "risks are not obligations"
    assert all(r.kind == "risk" for r in d.risks)
    assert controls <= set(d.control_ids)
    assert reviewers <= set(d.reviewers)


def test_obligations_in_framework_order(answers, ruleset, catalog) -> None:
    d = evaluate(
        answers(public_facing=True, sector="transport", org_roles=["developer", "provider"]),
        ruleset=ruleset,
        catalog=catalog,
    )
    assert d.obligation_ids == sorted(d.obligation_ids, key=framework_order)
    assert framework_order("5.2") < framework_order("5.10") < framework_order("6.1.a")


def test_decision_records_fingerprints_and_dumps_to_json(answers, ruleset, catalog) -> None:
    d = evaluate(answers(), ruleset=ruleset, catalog=catalog)
    assert d.ruleset_hash == ruleset.digest and d.ruleset_version == "1.1.0" and d.ruleset_id == "aisgf-default"
    assert (d.catalog_framework, d.catalog_version, d.catalog_digest) == (
        catalog.framework,
        catalog.version,
        catalog.digest,
    )
    assert d.questionnaire_digest == ruleset.questionnaire.digest
    doc = json.loads(json.dumps(d.model_dump()))
    assert doc["tier"] == "low" and doc["obligations"][0]["id"] and doc["reasons"][0]["rule"] == "baseline"
    assert doc["answers"]["minors_among_users"] is False  # defaults recorded


def test_same_answers_same_decision_whatever_their_order(answers, ruleset, catalog) -> None:
    given = answers(public_facing=True, org_roles=["provider", "developer"], sector="government")
    shuffled = dict(random.Random(7).sample(list(given.items()), len(given)))
    shuffled["org_roles"] = ["developer", "provider", "developer"]
    assert evaluate(given, ruleset=ruleset, catalog=catalog) == evaluate(shuffled, ruleset=ruleset, catalog=catalog)


def test_invalid_answers_are_refused(answers, ruleset, catalog) -> None:
    with pytest.raises(InvalidInput) as err:
        evaluate(answers(sector="banking"), ruleset=ruleset, catalog=catalog)
    assert err.value.where == "answers.sector"
    assert "general, finance, healthcare, transport" in err.value.message


def test_defaults_use_ruleset_and_catalog_in_force(answers) -> None:
    d = evaluate(answers())
    assert d.ruleset_id == "aisgf-default" and d.catalog_framework == "aisgf-1.0"


# -- combination logic on a small ruleset and a fake catalog -----------------------------------

COMBO = (
    MINI
    + """\
  - id: public
    description: {zh: 公众, en: Public}
    when: {question: public_facing, equals: true}
    tier: medium
    reviewers: [data]
    controls: [decision_logging]
    obligations: [6.2.a, 5.1]
  - id: slow_but_low
    description: {zh: 慢, en: Slow lane without a tier}
    when: {question: cross_border_data, equals: true}
    lane: slow
  - id: not_general
    description: {zh: 非一般, en: Not general}
    when: {not: {question: sector, equals: general}}
    obligations: [4.1.2.d]
"""
)


@pytest.fixture
def combo(write, questionnaire, fake_catalog):
    return load_ruleset(write("combo.yaml", COMBO), questionnaire=questionnaire, catalog=fake_catalog)


def test_highest_tier_slowest_lane_and_unions(combo, fake_catalog, answers) -> None:
    d = evaluate(
        answers(public_facing=True, sector="finance", org_roles=["developer"]),
        ruleset=combo,
        catalog=fake_catalog,
    )
    assert d.fired_rules == ["baseline", "key_sector", "roles", "public", "not_general"]
    assert (d.tier, d.lane) == ("high", "slow")
    assert d.reviewers == ["business", "data", "senior"]  # declaration order
    assert d.control_ids == ["manual_fallback", "decision_logging"]
    by_id = {o.id: o for o in d.obligations}
    assert list(by_id) == ["4.1.2.d", "6.1.a", "6.1.b", "6.2.a", "6.3.i"]
    # 5.1 is addressed to the state: context, never an obligation that needs evidence
    assert [(c.id, c.triggered_by) for c in d.context] == [("5.1", ["baseline", "public"])]
    assert by_id["6.1.b"].triggered_by == ["roles"]
    assert "6.2.a" in by_id and by_id["6.2.a"].triggered_by == ["public"]  # not via by_role: no provider role
    # titles: English first, Chinese if there is no English, the ID if there is neither
    assert by_id["6.1.b"].title == "数据安全" and by_id["6.1.b"].title_en is None
    assert by_id["4.1.2.d"].title == "4.1.2.d"
    decision_logging = next(c for c in d.controls if c.id == "decision_logging")
    assert decision_logging.triggered_by == ["public", "tier:high"]
    not_general = next(r for r in d.reasons if r.rule == "not_general")
    assert not_general.matched == ["not (sector = general)"]


def test_by_role_adds_items_only_for_declared_roles(combo, fake_catalog, answers) -> None:
    dev = evaluate(answers(org_roles=["developer"]), ruleset=combo, catalog=fake_catalog)
    prov = evaluate(answers(org_roles=["provider"]), ruleset=combo, catalog=fake_catalog)
    none = evaluate(answers(org_roles=[]), ruleset=combo, catalog=fake_catalog)
    assert {"6.1.a", "6.1.b"} <= set(dev.obligation_ids) and "6.2.a" not in dev.obligation_ids
    assert "6.2.a" in prov.obligation_ids and "6.1.a" not in prov.obligation_ids
    assert "roles" not in none.fired_rules


def test_lane_is_never_faster_than_tier_and_brings_its_reviewers(combo, fake_catalog, answers) -> None:
    slow_low = evaluate(answers(cross_border_data=True), ruleset=combo, catalog=fake_catalog)
    assert (slow_low.tier, slow_low.lane) == ("low", "slow")  # a rule may slow the lane on its own
    assert slow_low.reviewers == ["business", "data", "senior"]
    high = evaluate(answers(sector="healthcare"), ruleset=combo, catalog=fake_catalog)
    assert (high.tier, high.lane) == ("high", "slow")  # key_sector sets no lane: the tier implies it
    assert [a.kind for a in high.adjustments] == ["lane", "controls", "reviewers"]
    assert high.adjustments[2].added == ["business", "data", "senior"]  # MINI's baseline names none


def test_catalog_lookups_are_cached_per_catalog(combo, fake_catalog, answers) -> None:
    evaluate(answers(), ruleset=combo, catalog=fake_catalog)
    calls = fake_catalog.expand_calls
    for _ in range(5):
        evaluate(answers(public_facing=True, org_roles=["developer"]), ruleset=combo, catalog=fake_catalog)
    assert fake_catalog.expand_calls == calls


def test_compare_decisions(combo, fake_catalog, answers) -> None:
    low = evaluate(answers(), ruleset=combo, catalog=fake_catalog)
    high = evaluate(answers(sector="finance"), ruleset=combo, catalog=fake_catalog)
    assert compare_decisions(low, low) == []
    changes = compare_decisions(low, high)
    assert changes[0] == "tier: low → high" and changes[1] == "lane: fast → slow"
    assert "reviewers added: data, senior" in changes
    assert "controls added: manual_fallback, decision_logging" in changes
    assert "obligations added: 4.1.2.d (4.1.2.d), 6.3.i (Manual fallback)" in changes
    assert compare_decisions(high, low)[0] == "tier: high → low"
    assert "reviewers removed: data, senior" in compare_decisions(high, low)


def test_ruleset_change_shows_in_comparison(write, questionnaire, fake_catalog, answers) -> None:
    """What `aisgf rules diff` relies on: same answers, two rulesets, a readable difference."""
    old = load_ruleset(write("old.yaml", MINI), questionnaire=questionnaire, catalog=fake_catalog)
    new = load_ruleset(
        write("new.yaml", MINI.replace("in: [finance, healthcare]", "in: [finance]")),
        questionnaire=questionnaire,
        catalog=fake_catalog,
    )
    given = answers(sector="healthcare")
    changes = compare_decisions(
        evaluate(given, ruleset=old, catalog=fake_catalog), evaluate(given, ruleset=new, catalog=fake_catalog)
    )
    assert changes[:2] == ["tier: high → low", "lane: slow → fast"]
    assert old.digest != new.digest


# -- roles the answers imply -----------------------------------------------------------------


def test_a_public_service_makes_the_organisation_a_provider_even_undeclared(answers, ruleset, catalog) -> None:
    d = evaluate(answers(public_facing=True, org_roles=[]), ruleset=ruleset, catalog=catalog)
    assert d.roles == ["provider"] and d.roles_inferred == ["provider"]
    assert d.reasons[0].rule == "infer_provider" and "public_facing" in d.reasons[0].matched[0]
    assert "服务提供者" in d.reasons[0].description_zh and "6.2" in d.reasons[0].description_en
    role_rule = next(r for r in d.reasons if r.rule == "role_guidelines")
    assert any(o.startswith("6.2.") for o in role_rule.obligations)  # §6.2 is owed, through the inferred role
    internal = evaluate(answers(public_facing=False, org_roles=[]), ruleset=ruleset, catalog=catalog)
    assert internal.roles == [] and not any(o.startswith("6.2.") for o in internal.obligation_ids
                                            if o not in ("6.2.e",))


def test_a_fine_tuner_is_a_developer_and_declared_roles_are_kept(answers, ruleset, catalog) -> None:
    d = evaluate(answers(trains_or_fine_tunes=True, org_roles=["provider"]), ruleset=ruleset, catalog=catalog)
    assert d.roles == ["developer", "provider"] and d.roles_inferred == ["developer"]
    assert any(o.startswith("6.1.") for o in d.obligation_ids)
    declared = evaluate(answers(trains_or_fine_tunes=True, org_roles=["developer"]), ruleset=ruleset,
                        catalog=catalog)
    assert declared.roles == ["developer"] and declared.roles_inferred == []
    assert "infer_developer" not in declared.fired_rules  # a declared role needs no inference
    in_house = evaluate(answers(model_source="in_house", org_roles=[]), ruleset=ruleset, catalog=catalog)
    assert in_house.roles_inferred == ["developer"]


def test_an_inferred_role_must_be_one_the_questionnaire_offers(write, questionnaire, fake_catalog) -> None:
    from aisgf.intake.ruleset import parse_ruleset
    from aisgf.sourcefile import read_source

    text = MINI.replace("rules:\n", "inferred_roles:\n  - id: infer_x\n    role: astronaut\n"
                        "    when: always\n    description: {zh: 某, en: x}\nrules:\n", 1)
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput) as err:
        parse_ruleset(read_source(path, what="ruleset file"), questionnaire, fake_catalog)
    assert "unknown role 'astronaut'" in str(err.value) and "rules.yaml:" in str(err.value)


@pytest.mark.parametrize(("changes", "warning"), [
    ({"public_facing": True, "user_scale": "internal"}, "public_but_staff_only"),
    ({"public_facing": False, "user_scale": "over_1m"}, "outside_users_but_not_public"),
    ({"minors_among_users": True, "user_scale": "internal"}, "minors_in_an_internal_tool"),
    ({"trains_or_fine_tunes": True, "model_source": "third_party_model"}, "trains_a_model_used_as_is"),
    ({"org_roles": ["key_sector_user"]}, "key_sector_user_outside_key_sectors"),
    ({"org_roles": ["key_sector_user"], "sector": "finance", "deployment": "for_others"},
     "key_sector_user_but_for_others"),
    ({"cii_operator": True, "deployment": "for_others"}, "cii_but_for_others"),
    ({"public_opinion": True}, "public_opinion_but_not_public"),
    ({"deep_synthesis": True, "generates_content": False}, "deep_synthesis_without_content"),
    ({"upstream_filed": True, "model_source": "in_house"}, "filed_upstream_but_in_house"),
    ({"automated_decisions": True}, "automated_decisions_without_personal_information"),
])
def test_answers_that_contradict_each_other_are_warnings(answers, ruleset, catalog, changes, warning) -> None:
    d = evaluate(answers(**changes), ruleset=ruleset, catalog=catalog)
    assert [w.id for w in d.warnings if not w.id.startswith("undeclared_role:")] == [warning]
    w = d.warnings[0]
    assert w.message_zh and w.message_en and len(w.matched) >= 2  # both languages, and the answers that clash


def test_consistent_answers_have_no_warnings(answers, ruleset, catalog) -> None:
    assert evaluate(answers(), ruleset=ruleset, catalog=catalog).warnings == []


def test_a_role_the_answers_imply_but_do_not_declare_is_a_warning(answers, ruleset, catalog) -> None:
    d = evaluate(answers(trains_or_fine_tunes=True, model_source="foundation_model"), ruleset=ruleset,
                 catalog=catalog)
    assert [w.id for w in d.warnings] == ["undeclared_role:developer"]
    assert "研发者" in d.warnings[0].message_zh and "org_roles" in d.warnings[0].message_en
