"""The tiering ruleset: the shipped one is valid against the real catalog; broken rulesets are
refused with file, line and reason; the digest tracks content, not layout."""

from __future__ import annotations

import pytest

from aisgf.errors import InvalidInput
from aisgf.intake.questionnaire import shipped_path
from aisgf.intake.ruleset import Ruleset, load_ruleset

MINI = """\
ruleset: mini
version: "1"
framework: aisgf-1.0
reviewers:
  business: {zh: 业务, en: Business}
  data: {zh: 数据, en: Data}
  senior: {zh: 高管, en: Senior}
controls:
  manual_fallback: {name: {zh: 人工兜底, en: Manual fallback}, cites: [6.3.i]}
  decision_logging: {name: {zh: 决策日志, en: Decision logging}}
tiers:
  low: {lane: fast}
  medium: {lane: standard}
  high: {lane: slow, controls: [decision_logging]}
lanes:
  fast: {reviewers: [business]}
  standard: {reviewers: [business, data]}
  slow: {reviewers: [business, data, senior]}
rules:
  - id: baseline
    description: {zh: 基线, en: Baseline}
    when: always
    tier: low
    obligations: [5.1]
  - id: key_sector
    description: {zh: 重点领域, en: Key sector}
    when: {question: sector, in: [finance, healthcare]}
    tier: high
    controls: [manual_fallback]
    obligations: [6.3.i]
  - id: roles
    description: {zh: 角色, en: Roles}
    when: {question: org_roles, contains_any: [developer, provider]}
    by_role:
      developer: [6.1.*]
      provider: [6.2.a]
"""


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def load_text(write, text, questionnaire, catalog, name="rules.yaml") -> Ruleset:
    return load_ruleset(write(name, text), questionnaire=questionnaire, catalog=catalog)


def test_shipped_ruleset_is_valid_against_the_real_catalog(ruleset: Ruleset, catalog) -> None:
    assert ruleset.id == "aisgf-default"
    assert ruleset.spec.framework == catalog.framework
    assert ruleset.rules[0].spec.id == "baseline" and ruleset.rules[0].spec.when == "always"
    # every catalog ID or pattern the default ruleset cites exists in the real catalog
    refs = [ref for c in ruleset.spec.controls.values() for ref in c.cites]
    for rule in ruleset.rules:
        refs += rule.spec.obligations
        refs += [ref for role_refs in rule.spec.by_role.values() for ref in role_refs]
    assert refs
    for ref in refs:
        assert catalog.expand(ref), ref
    for item_id in (
        "6.3.h",
        "6.3.i",
        "4.2.4.b",
        "4.1.2.d",
        "5.3",
        "4.1.2.f",
        "6.2.e",
        "3.2.1.e",
        "4.1.3.a",
        "5.2",
        "3.2.1.b",
        "6.2.d",
        "6.4.f",
    ):
        assert item_id in refs, item_id
        assert catalog.has(item_id)


def test_every_shipped_rule_cites_items_and_a_seed_practice(ruleset: Ruleset) -> None:
    for rule in ruleset.rules:
        spec = rule.spec
        assert spec.obligations or spec.by_role, spec.id
        assert "seed" in spec.description.en or "framework" in spec.description.en, spec.id


def test_mini_ruleset_loads_with_fake_catalog(write, questionnaire, fake_catalog) -> None:
    rs = load_text(write, MINI, questionnaire, fake_catalog)
    assert [r.spec.id for r in rs.rules] == ["baseline", "key_sector", "roles"]
    assert rs.rules[1].condition.describe() == "sector in [finance, healthcare]"


@pytest.mark.parametrize(
    ("old", "new", "needle", "reason"),
    [
        # unknown question in a condition
        ("{question: sector, in:", "{question: secter, in:", "secter", "unknown question 'secter'"),
        # a value the question does not accept
        (
            "in: [finance, healthcare]",
            "in: [finance, banking]",
            "banking",
            "'banking' is not an answer question",
        ),
        # an operator that does not fit the question type
        ("contains_any: [developer, provider]", "equals: developer", "equals: developer", "does not apply"),
        # unknown tier and lane
        (
            "    tier: high\n",
            "    tier: critical\n",
            "tier: critical",
            "Input should be 'low', 'medium' or 'high'",
        ),
        (
            "  slow: {reviewers: [business, data, senior]}",
            "  sluggish: {reviewers: [business]}",
            "sluggish",
            "Input should be 'fast', 'standard' or 'slow'",
        ),
        # unknown reviewer / control
        (
            "standard: {reviewers: [business, data]}",
            "standard: {reviewers: [business, ethics]}",
            "ethics",
            "unknown reviewer 'ethics'; accepted: business, data, senior",
        ),
        ("controls: [manual_fallback]", "controls: [manual_fallbak]", "manual_fallbak", "unknown control"),
        # unknown catalog ID, bad pattern, unknown role
        ("obligations: [6.3.i]", "obligations: [6.3.z]", "6.3.z", "unknown catalog item '6.3.z'"),
        ("obligations: [5.1]", "obligations: [section five]", "section five", "is not a catalog ID"),
        ("      provider: [6.2.a]", "      vendor: [6.2.a]", "vendor", "unknown role 'vendor'"),
        # structure: an unknown field and a condition with two forms
        ("    tier: low\n", "    tier: low\n    priority: 3\n", "priority", "Extra inputs are not permitted"),
        ("    when: always", "    when: {all: [], any: []}", "when: {all", "exactly one of all, any, not"),
        # a higher tier may not imply a faster lane
        ("high: {lane: slow,", "high: {lane: fast,", "high: {lane: fast", "faster than tier medium"),
        # a duplicate key
        ("    tier: high\n", "    tier: high\n    tier: medium\n", "tier: medium", "appears twice"),
    ],
)
def test_ruleset_mistakes_name_file_line_and_reason(write, questionnaire, fake_catalog, old, new, needle, reason):
    assert old in MINI
    text = MINI.replace(old, new, 1)
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=fake_catalog)
    assert reason in err.value.message
    expected = line_of(text, needle)
    lines = [e["where"] for e in err.value.extra["errors"]]
    assert f"{path}:{expected}" in lines, (lines, expected)


def test_duplicate_rule_id_is_rejected_with_both_lines(write, questionnaire, fake_catalog) -> None:
    text = MINI.replace("  - id: roles", "  - id: key_sector")
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput, match="rule ID 'key_sector' is used twice") as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=fake_catalog)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "id: key_sector" in line][1]
    assert err.value.where == f"{path}:{second}"
    assert f"first at {path}:{line_of(text, 'id: key_sector')}" in err.value.message


def test_unknown_catalog_id_in_real_catalog(write, questionnaire, catalog) -> None:
    text = MINI.replace("obligations: [6.3.i]", "obligations: [6.3.i, 6.3.q, 7.*]")
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=catalog)
    messages = [e["message"] for e in err.value.extra["errors"]]
    assert any("'6.3.q'" in m for m in messages) and any("'7.*'" in m for m in messages)
    assert err.value.where == f"{path}:{line_of(text, '6.3.q')}"


def test_all_problems_reported_in_line_order(write, questionnaire, fake_catalog) -> None:
    text = MINI.replace("in: [finance, healthcare]", "in: [finance, banking]").replace(
        "obligations: [5.1]", "obligations: [9.9]"
    )
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=fake_catalog)
    wheres = [e["where"] for e in err.value.extra["errors"]]
    assert wheres == [f"{path}:{line_of(text, '9.9')}", f"{path}:{line_of(text, 'banking')}"]


def test_missing_baseline_rule(write, questionnaire, fake_catalog) -> None:
    text = MINI.replace("when: always", "when: {question: public_facing, equals: true}")
    with pytest.raises(InvalidInput, match="baseline rule"):
        load_text(write, text, questionnaire, fake_catalog)


def test_rule_that_sets_nothing(write, questionnaire, fake_catalog) -> None:
    text = MINI.replace("    tier: low\n    obligations: [5.1]\n", "")
    with pytest.raises(InvalidInput, match="sets nothing"):
        load_text(write, text, questionnaire, fake_catalog)


def test_bad_yaml_names_the_line(write, questionnaire, fake_catalog) -> None:
    text = MINI.replace("    tier: high\n", "    tier: [high\n")
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput, match="not valid YAML") as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=fake_catalog)
    assert err.value.where.startswith(f"{path}:")


def test_not_a_mapping(write, questionnaire, fake_catalog) -> None:
    with pytest.raises(InvalidInput, match="must be a mapping"):
        load_text(write, "- just\n- a list\n", questionnaire, fake_catalog)


def test_framework_must_match_catalog(write, questionnaire, fake_catalog) -> None:
    with pytest.raises(InvalidInput, match=r"written for 'aisgf-2\.0'"):
        load_text(write, MINI.replace("framework: aisgf-1.0", "framework: aisgf-2.0"), questionnaire, fake_catalog)


def test_digest_tracks_content_not_layout(write, questionnaire, fake_catalog) -> None:
    base = load_text(write, MINI, questionnaire, fake_catalog, "a.yaml")
    relaid = load_text(
        write,
        "# a comment\n" + MINI.replace("  - id: baseline", "\n  - id: baseline"),
        questionnaire,
        fake_catalog,
        "b.yaml",
    )
    changed = load_text(
        write,
        MINI.replace("obligations: [5.1]", "obligations: [5.1, 6.2.a]"),
        questionnaire,
        fake_catalog,
        "c.yaml",
    )
    retiered = load_text(
        write,
        MINI.replace("  medium: {lane: standard}", "  medium: {lane: slow}").replace(
            "  low: {lane: fast}", "  low: {lane: standard}"
        ),
        questionnaire,
        fake_catalog,
        "d.yaml",
    )
    assert len(base.digest) == 64
    assert relaid.digest == base.digest
    assert changed.digest != base.digest
    assert retiered.digest != base.digest


def test_default_ruleset_is_cached_and_follows_settings(monkeypatch, write) -> None:
    from aisgf.config import get_settings

    assert load_ruleset() is load_ruleset()  # compiled once
    custom = shipped_path("ruleset.yaml").read_text(encoding="utf-8").replace('version: "1.1.0"', 'version: "7"')
    path = write("custom.yaml", custom)
    monkeypatch.setenv("AISGF_RULESET_FILE", str(path))
    get_settings.cache_clear()
    try:
        assert load_ruleset().version == "7"
    finally:
        monkeypatch.delenv("AISGF_RULESET_FILE")
        get_settings.cache_clear()
    assert load_ruleset().version == "1.1.0"


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("{question: sector}", "needs exactly one operator of equals, in; found none"),
        ("{question: sector, equals: finance, in: [finance]}", "needs exactly one operator"),
        ("{question: sector, contains: finance}", "operator 'contains' does not apply to 'sector'"),
        ("{question: sector, in: []}", "'in' takes a non-empty list"),
        ("{question: public_facing, equals: 'yes'}", "'yes' is not an answer question 'public_facing' accepts"),
        ("{any: {question: sector, equals: finance}}", "'any' takes a non-empty list"),
        ("sometimes", "a condition must be 'always' or a mapping"),
    ],
)
def test_condition_mistakes(write, questionnaire, fake_catalog, when, reason) -> None:
    text = MINI.replace("when: {question: sector, in: [finance, healthcare]}", f"when: {when}")
    path = write("rules.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_ruleset(path, questionnaire=questionnaire, catalog=fake_catalog)
    assert reason in err.value.message
    assert err.value.where == f"{path}:{line_of(text, f'when: {when}')}"


def test_condition_forms_compile_and_explain(write, questionnaire, fake_catalog, answers) -> None:
    when = (
        "{all: [{question: org_roles, contains: developer}, "
        "{not: {any: [{question: sector, equals: general}, {question: public_facing, equals: true}]}}]}"
    )
    rs = load_text(
        write, MINI.replace("{question: sector, in: [finance, healthcare]}", when), questionnaire, fake_catalog
    )
    condition = rs.rules[1].condition
    assert condition.describe() == ("org_roles contains developer and not (sector = general or public_facing = true)")
    given = answers(org_roles=["developer"], sector="finance")
    assert condition.test(given)
    assert condition.explain(given) == [
        "org_roles contains developer (answer: [developer])",
        "not (sector = general or public_facing = true)",
    ]
    assert not condition.test(answers(org_roles=["developer"], sector="general"))
    assert not condition.test(answers(org_roles=[], sector="finance"))
