"""`aisgf assess` and `aisgf rules …` through the root app (its error handler gives the exit codes)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from aisgf.intake.questionnaire import shipped_path

from .test_answers import ANSWERS, PROJECT
from .test_ruleset import MINI


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from aisgf.cli import app as root

    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_assess_prints_decision_for_people(app, runner, write) -> None:
    path = write("answers.yaml", ANSWERS)
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Credit scoring assistant" in out
    assert "Tier: HIGH" in out and "Lane: slow" in out
    assert "Senior sign-off (senior)" in out
    assert "manual_fallback" in out and "6.3.i" in out and "6.2.d" in out
    # every rule that fired, in order, with what matched
    order = [out.index(f". {rule}") for rule in ("baseline", "public_facing", "high_impact_decisions",
                                                 "key_sector_seed")]
    assert order == sorted(order)
    assert "sector in [finance" in out and "(answer: finance)" in out
    assert "ruleset aisgf-default 1.1.0" in out


def test_assess_in_chinese(app, runner, write) -> None:
    result = runner.invoke(app, ["assess", str(write("answers.yaml", ANSWERS)), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "风险等级" in result.stdout and "高管" not in result.stdout and "高级管理层签批" in result.stdout


def test_assess_json_is_the_decision_on_stdout_only(app, runner, write, ruleset) -> None:
    result = runner.invoke(app, ["assess", str(write("answers.yaml", ANSWERS)), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["tier"] == "high" and doc["lane"] == "slow"
    assert doc["reviewers"] == ["business", "data", "legal", "infosec", "senior"]
    assert {"id", "title", "title_zh", "title_en", "roles", "triggered_by"} <= set(doc["obligations"][0])
    assert [r["rule"] for r in doc["reasons"]][:2] == ["infer_key_sector_user", "baseline"]
    assert {"id", "name_zh", "name_en"} <= set(doc["controls"][0])
    assert doc["ruleset_hash"] == ruleset.digest
    assert doc["system"]["key"] == "credit-scoring"
    assert doc["catalog_framework"] == "aisgf-1.0" and doc["catalog_digest"]


def test_assess_accepts_a_project_file(app, runner, write) -> None:
    result = runner.invoke(app, ["assess", str(write("aisgf.yaml", PROJECT)), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tier"] == "high"


def test_assess_invalid_answers_exit_nonzero_naming_question(app, runner, write) -> None:
    path = write("answers.yaml", ANSWERS.replace("sector: finance", "sector: banking"))
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:13: question 'sector'")
    assert "accepted: general, finance, healthcare, transport, industrial, public_services" in result.stderr


def test_assess_with_another_ruleset(app, runner, write) -> None:
    rules = write("mini.yaml", MINI)
    result = runner.invoke(app, ["assess", str(write("answers.yaml", ANSWERS)), "--ruleset", str(rules), "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ruleset_id"] == "mini"
    assert [r["rule"] for r in doc["reasons"]] == ["baseline", "key_sector", "roles"]
    broken = write("broken.yaml", MINI.replace("tier: high", "tier: severe"))
    result = runner.invoke(app, ["assess", str(write("answers.yaml", ANSWERS)), "--ruleset", str(broken)])
    assert result.exit_code == 2 and "Input should be 'low', 'medium' or 'high'" in result.stderr


def test_rules_validate_ok_and_broken(app, runner, write) -> None:
    ok = runner.invoke(app, ["rules", "validate", str(shipped_path("ruleset.yaml"))])
    assert ok.exit_code == 0, ok.output
    assert "ok:" in ok.stdout and "39 rules" in ok.stdout
    broken_text = MINI.replace("obligations: [6.3.i]", "obligations: [6.3.z]")
    broken = write("broken.yaml", broken_text)
    bad = runner.invoke(app, ["rules", "validate", str(broken)])
    assert bad.exit_code == 2
    line = next(n for n, t in enumerate(broken_text.splitlines(), 1) if "6.3.z" in t)
    assert f"{broken}:{line}" in bad.stderr and "unknown catalog item '6.3.z'" in bad.stderr


def test_rules_show(app, runner) -> None:
    result = runner.invoke(app, ["rules", "show"])
    assert result.exit_code == 0, result.output
    assert "aisgf-default" in result.stdout and "key_sector" in result.stdout
    assert "always" in result.stdout and "6.3.*" in result.stdout
    as_json = json.loads(runner.invoke(app, ["rules", "show", "--json"]).stdout)
    assert as_json["ruleset"] == "aisgf-default" and len(as_json["digest"]) == 64
    assert as_json["conditions"]["baseline"] == "always"


def test_rules_show_in_chinese_has_no_english_conditions(app, runner) -> None:
    from .test_cases import _latin_words

    result = runner.invoke(app, ["rules", "show", "--lang", "zh"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "面向公众：是" in result.stdout and "algorec.24" in result.stdout
    from aisgf.intake.ruleset import load_ruleset

    rs = load_ruleset()
    codes = {r.spec.id for r in rs.rules} | set(rs.spec.controls) | set(rs.spec.reviewers) | {"key_sector_user",
                                                                                            "developer", "provider"}
    body = "\n".join(result.stdout.splitlines()[3:])  # after the title, ID and source path
    assert _latin_words(body, codes) == []


def test_rules_questions_template_round_trip(app, runner, write) -> None:
    listing = runner.invoke(app, ["rules", "questions"])
    assert listing.exit_code == 0 and "public_facing" in listing.stdout
    template = runner.invoke(app, ["rules", "questions", "--template"]).stdout
    filled = (
        template.replace("name: ''", "name: Meeting notes")
        .replace("owner: ''", "owner: it@example.com")
        .replace("public_facing: null", "public_facing: false")
        .replace("generates_content: null", "generates_content: true")
        .replace("personal_information: null", "personal_information: none")
        .replace("important_data: null", "important_data: false")
        .replace("high_impact_decisions: null", "high_impact_decisions: false")
        .replace("model_source: null", "model_source: third_party_model")
        .replace("sector: null", "sector: general")
        .replace("cross_border_data: null", "cross_border_data: false")
        .replace("export_controlled: null", "export_controlled: false")
    )
    system_only = template.replace("name: ''", "name: Notes").replace("owner: ''", "owner: it@example.com")
    unfilled = runner.invoke(app, ["assess", str(write("t0.yaml", system_only))])
    assert unfilled.exit_code == 2 and "question 'public_facing'" in unfilled.stderr
    assert "is required and not answered" in unfilled.stderr
    result = runner.invoke(app, ["assess", str(write("t.yaml", filled)), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["tier"] == "low"


def test_assess_says_which_answers_contradict_each_other(app, runner, write) -> None:
    text = ANSWERS.replace("public_facing: true", "public_facing: true\n  user_scale: internal")
    assert text != ANSWERS
    result = runner.invoke(app, ["assess", str(write("answers.yaml", text))])
    assert result.exit_code == 0 and "marked public-facing, but its user scale is staff only" in result.stdout
    result = runner.invoke(app, ["assess", str(write("answers.yaml", text)), "--lang", "zh"])
    assert "仅本单位员工" in result.stdout
    doc = json.loads(runner.invoke(app, ["assess", str(write("answers.yaml", text)), "--json"]).stdout)
    assert next(w["id"] for w in doc["warnings"]) == "public_but_staff_only"
    assert "unanswered:service_region" in [w["id"] for w in doc["warnings"]]  # the file predates that question
