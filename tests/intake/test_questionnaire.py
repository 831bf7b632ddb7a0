"""The intake questionnaire: shipped file, strict answer validation, questionnaire file errors."""

from __future__ import annotations

import pytest

from aisgf.errors import InvalidInput
from aisgf.intake.questionnaire import Questionnaire, load_questionnaire, validate_answers
from aisgf.sourcefile import parse_yaml

SEED_QUESTIONS = [
    "public_facing",
    "personal_information",
    "important_data",
    "high_impact_decisions",
    "model_source",
    "sector",
    "cross_border_data",
    "export_controlled",
    "org_roles",
    "generates_content",
]


def test_shipped_questionnaire_has_the_portable_ids(questionnaire: Questionnaire) -> None:
    for qid in SEED_QUESTIONS:
        assert qid in questionnaire, qid
    assert questionnaire.get("sector").option_values == [
        "general",
        "finance",
        "healthcare",
        "transport",
        "industrial",
        "public_services",
        "government",
    ]
    assert [old.value for old in questionnaire.legacy] == ["critical_infrastructure"]  # now cii_operator
    assert questionnaire.get("personal_information").option_values == ["none", "personal", "sensitive"]
    assert questionnaire.get("model_source").option_values == [
        "in_house",
        "foundation_model",
        "third_party_model",
    ]
    assert questionnaire.get("org_roles").type == "multi"
    for q in questionnaire.questions:
        assert q.question.zh and q.question.en and q.help is not None


def test_valid_answers_are_completed_with_defaults(questionnaire, answers) -> None:
    result = validate_answers(answers(org_roles=["provider", "developer", "provider"]), questionnaire)
    assert list(result) == questionnaire.ids  # every question, in questionnaire order
    assert result["minors_among_users"] is False
    assert result["user_scale"] == "internal"
    assert result["org_roles"] == ["developer", "provider"]  # questionnaire order, no repeats


@pytest.mark.parametrize(
    ("qid", "value", "accepted"),
    [
        ("public_facing", "yes", "true, false"),
        ("public_facing", 1, "true, false"),
        ("sector", "banking", "general, finance, healthcare"),
        ("personal_information", True, "none, personal, sensitive"),
        ("org_roles", "provider", "developer, provider, key_sector_user"),
        ("org_roles", ["provider", "vendor"], "developer, provider, key_sector_user"),
    ],
)
def test_wrong_answer_names_question_and_accepted_values(questionnaire, answers, qid, value, accepted) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_answers(answers(**{qid: value}), questionnaire)
    assert err.value.where == f"answers.{qid}"
    assert f"'{qid}'" in err.value.message
    assert accepted in err.value.message
    assert err.value.extra["errors"][0]["field"] == f"answers.{qid}"


def test_all_problems_reported_at_once(questionnaire, answers) -> None:
    bad = answers(sector="banking", public_facing="no", secter="finance")
    del bad["model_source"]
    with pytest.raises(InvalidInput) as err:
        validate_answers(bad, questionnaire, where="form")
    errors = err.value.extra["errors"]
    fields = {e["field"] for e in errors}
    assert fields == {"answers.sector", "answers.public_facing", "answers.secter", "answers.model_source"}
    unknown = next(e for e in errors if e["field"] == "answers.secter")
    assert "did you mean 'sector'" in unknown["message"]
    missing = next(e for e in errors if e["field"] == "answers.model_source")
    assert "required" in missing["message"] and "in_house, foundation_model, third_party_model" in missing["message"]
    assert missing["where"] == "form.model_source"
    assert str(err.value).count("\n") == 3  # one line per problem


def test_null_for_required_is_unanswered_and_null_for_optional_is_default(questionnaire, answers) -> None:
    with pytest.raises(InvalidInput, match=r"'sector'.*required"):
        validate_answers(answers(sector=None), questionnaire)
    assert validate_answers(answers(minors_among_users=None), questionnaire)["minors_among_users"] is False


def test_answers_must_be_a_mapping(questionnaire) -> None:
    with pytest.raises(InvalidInput, match="mapping"):
        validate_answers(["public_facing"], questionnaire)  # type: ignore[arg-type]


def test_yaml_yes_is_not_a_boolean() -> None:
    """`yes`/`no`/`on` stay text, so `public_facing: yes` is rejected instead of guessed."""
    doc = parse_yaml("a: yes\nb: true\nc: no\nd: 5.10\n", "x.yaml")
    assert doc.data == {"a": "yes", "b": True, "c": "no", "d": "5.10"}


QUESTIONNAIRE_BAD = """\
version: "1"
questions:
  - id: public_facing
    type: bool
    question: {zh: 面向公众, en: Public}
  - id: sector
    type: enum
    question: {zh: 领域, en: Sector}
    options:
      - value: general
        label: {zh: 一般, en: General}
  - id: public_facing
    type: bool
    question: {zh: 重复, en: Duplicate}
"""


def test_questionnaire_with_duplicate_id_is_rejected(write) -> None:
    path = write("q.yaml", QUESTIONNAIRE_BAD)
    with pytest.raises(InvalidInput, match="question IDs appear twice: public_facing") as err:
        load_questionnaire(path)
    assert err.value.where.startswith(str(path))


QUESTION_HEAD = 'version: "1"\nquestions:\n  - id: q1\n    question: {zh: 问, en: Q}\n'  # lines 1-4


@pytest.mark.parametrize(
    ("tail", "line", "reason"),
    [
        ("    type: boolean\n", 5, "Input should be 'bool', 'enum', 'multi' or 'text'"),
        ("    type: enum\n", 3, "needs options"),
        ("    type: bool\n    default: true\n", 3, "required question cannot have a default"),
        ("    type: bool\n    required: false\n", 3, "optional question needs a default"),
        ("    type: bool\n    colour: red\n", 6, "Extra inputs are not permitted"),
    ],
)
def test_questionnaire_mistakes_name_the_line(write, tail, line, reason) -> None:
    path = write("q.yaml", QUESTION_HEAD + tail)
    with pytest.raises(InvalidInput) as err:
        load_questionnaire(path)
    assert reason in err.value.message
    assert err.value.where == f"{path}:{line}"


def test_questionnaire_bad_yaml_names_the_line(write) -> None:
    path = write("q.yaml", 'version: "1"\nquestions:\n  - id: x\n    type: [bool\n')
    with pytest.raises(InvalidInput, match="not valid YAML") as err:
        load_questionnaire(path)
    assert err.value.where.startswith(f"{path}:")


def test_missing_questionnaire_file(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="questionnaire file not found"):
        load_questionnaire(tmp_path / "nope.yaml")


def test_settings_override_questionnaire(monkeypatch, write, questionnaire) -> None:
    from aisgf.config import get_settings
    from aisgf.intake.questionnaire import shipped_path

    custom = shipped_path("questionnaire.yaml").read_text(encoding="utf-8").replace('version: "1.1.0"', 'version: "9"')
    path = write("custom-q.yaml", custom)
    monkeypatch.setenv("AISGF_QUESTIONNAIRE_FILE", str(path))
    get_settings.cache_clear()
    try:
        assert load_questionnaire().version == "9"
    finally:
        monkeypatch.delenv("AISGF_QUESTIONNAIRE_FILE")
        get_settings.cache_clear()
    assert load_questionnaire().version == questionnaire.version
