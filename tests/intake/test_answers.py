"""Answer files and aisgf.yaml project files: every mistake names file, line and field."""

from __future__ import annotations

import json

import pytest

from aisgf.errors import InvalidInput
from aisgf.intake.answers import (
    AnswerFile,
    ProjectFile,
    load_answer_file,
    load_any_answers,
    load_project_file,
)

ANSWERS = """\
system:
  name: Credit scoring assistant
  owner: risk-team@example.com
  description: Scores consumer credit applications
  key: credit-scoring
answers:
  public_facing: true
  generates_content: false
  personal_information: sensitive
  important_data: false
  high_impact_decisions: true
  model_source: foundation_model
  sector: finance
  org_roles: [provider]
  cross_border_data: false
  export_controlled: false
"""

PROJECT = (
    """\
aisgf: 1
"""
    + ANSWERS
    + """\
evidence:
  - obligation: 6.2.d
    path: docs/explanation-plan.md
    description: Explanation plan for declined applications
  - obligation: "5.2"
    uri: https://ci.example.com/label-check/42
"""
)


def test_answer_file_loads(write) -> None:
    path = write("answers.yaml", ANSWERS)
    loaded = load_answer_file(path)
    assert isinstance(loaded, AnswerFile)
    assert loaded.system.key == "credit-scoring" and loaded.system.owner == "risk-team@example.com"
    assert loaded.answers["sector"] == "finance"
    assert loaded.path == str(path)


def test_answer_file_as_json(write, questionnaire) -> None:
    import yaml

    data = yaml.safe_load(ANSWERS)
    path = write("answers.json", json.dumps(data, indent=2))
    assert load_answer_file(path).answers == data["answers"]
    bad = json.dumps({**data, "answers": {**data["answers"], "sector": "banking"}}, indent=2)
    path = write("bad.json", bad)
    with pytest.raises(InvalidInput) as err:
        load_answer_file(path)
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "banking" in text)
    assert err.value.where == f"{path}:{line}"


def test_wrong_answer_points_at_its_line(write) -> None:
    path = write(
        "answers.yaml",
        ANSWERS.replace("sector: finance", "sector: banking").replace("public_facing: true", "public_facing: yes"),
    )
    with pytest.raises(InvalidInput) as err:
        load_answer_file(path)
    errors = {e["field"]: e for e in err.value.extra["errors"]}
    assert errors["answers.public_facing"]["where"] == f"{path}:7"
    assert "expected true or false, got 'yes'" in errors["answers.public_facing"]["message"]
    assert errors["answers.sector"]["where"] == f"{path}:13"
    assert "accepted: general, finance" in errors["answers.sector"]["message"]


def test_missing_required_answer_points_at_answers_section(write) -> None:
    path = write("answers.yaml", ANSWERS.replace("  sector: finance\n", ""))
    with pytest.raises(InvalidInput, match=r"'sector'.*required") as err:
        load_answer_file(path)
    assert err.value.where == f"{path}:6"  # the line of `answers:`


@pytest.mark.parametrize(
    ("text", "where_line", "reason"),
    [
        (ANSWERS.replace("  owner: risk-team@example.com\n", ""), 1, "system.owner: Field required"),
        (ANSWERS.replace("  key: credit-scoring", "  key: Credit Scoring!"), 5, "system.key"),
        (ANSWERS.replace("answers:\n", "answer:\n"), 6, "answer: Extra inputs are not permitted"),
        (ANSWERS.replace("  name: Credit scoring assistant", "  name: [x"), None, "not valid YAML"),
        ("just text\n", 1, "must be a mapping"),
        (ANSWERS + "path: /etc/passwd\n", 17, "unknown section 'path'"),
        (
            ANSWERS.replace("  sector: finance\n", "  sector: finance\n  sector: health\n"),
            14,
            "appears twice",
        ),
    ],
)
def test_answer_file_structure_errors(write, text, where_line, reason) -> None:
    path = write("answers.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_answer_file(path)
    assert reason in err.value.message
    if where_line is None:
        assert err.value.where.startswith(f"{path}:")
    else:
        assert f"{path}:{where_line}" in [e["where"] for e in err.value.extra["errors"]]


def test_missing_answer_file(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="answer file not found"):
        load_answer_file(tmp_path / "nope.yaml")


def test_project_file_loads_with_evidence(write, catalog) -> None:
    path = write("aisgf.yaml", PROJECT)
    project = load_project_file(path, catalog=catalog)
    assert isinstance(project, ProjectFile)
    assert project.system.key == "credit-scoring"
    assert [e.obligation for e in project.evidence] == ["6.2.d", "5.2"]
    assert project.evidence_path(project.evidence[0]) == path.parent / "docs/explanation-plan.md"
    assert project.evidence_path(project.evidence[1]) is None
    assert isinstance(load_any_answers(path, catalog=catalog), ProjectFile)
    assert isinstance(load_any_answers(write("a.yaml", ANSWERS)), AnswerFile)


@pytest.mark.parametrize(
    ("old", "new", "needle", "reason"),
    [
        ("obligation: 6.2.d", "obligation: 6.2.z", "6.2.z", "unknown catalog item '6.2.z'"),
        (
            "    uri: https://ci",
            "    path: x.md\n    uri: https://ci",
            'obligation: "5.2"',
            "exactly one of 'uri'",
        ),
        ("    path: docs/explanation-plan.md", "    path: /etc/plan.md", "obligation: 6.2.d", "relative"),
        ("  key: credit-scoring\n", "", "system:", "system.key: Field required"),
        ("aisgf: 1", "aisgf: 2", "aisgf: 2", "Input should be 1"),
    ],
)
def test_project_file_errors(write, catalog, old, new, needle, reason) -> None:
    assert old in PROJECT
    text = PROJECT.replace(old, new)
    path = write("aisgf.yaml", text)
    with pytest.raises(InvalidInput) as err:
        load_project_file(path, catalog=catalog)
    assert reason in err.value.message
    line = next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)
    assert err.value.where == f"{path}:{line}"


def test_broken_json_names_the_line(write) -> None:
    path = write("answers.json", '{\n  "system": {"name": "x", "owner": "y"},\n  "answers": {"sector": finance}\n}\n')
    with pytest.raises(InvalidInput, match="not valid JSON") as err:
        load_answer_file(path)
    assert err.value.where == f"{path}:3"
