"""The intake decision on realistic projects, as a Chinese compliance reviewer would check it.

Each file in `cases/` is an answer file (`system`, `answers`) plus `expect`: the tier range, the lane,
the obligations, risks, context items, controls and China implementation duties that must and must
not appear, and the warnings. The answer part is assessed through the real CLI (`aisgf assess`) in
JSON, and again under `--lang zh`, whose output must read as Chinese: no Latin word outside IDs and
codes (rule, control, question and catalog IDs, digests).
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
EXPECT_KEYS = {
    "tier", "lane", "reviewers", "reviewers_include", "roles", "roles_inferred", "reasons_include", "reasons_exclude",
    "obligations_include", "obligations_exclude", "risks_include", "context_include", "controls_include",
    "controls_exclude", "duties_include", "duties_exclude", "duty_due", "warnings", "warnings_include",
    "warnings_exclude",
}


def _case(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    expect = doc.pop("expect")
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{path.name}: unknown expectation keys {unknown}"
    return doc, expect


def _matches(pattern: str, ids: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(i, str(pattern)) for i in ids)


@pytest.fixture(scope="module")
def cli() -> Any:
    from aisgf.cli import app

    runner = CliRunner(env={"COLUMNS": "400"})  # tables unwrapped: every ID reads whole

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def test_there_are_at_least_sixteen_cases() -> None:
    assert len(CASES) >= 16


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_decision(path: Path, cli: Any, tmp_path: Path) -> None:
    answers, expect = _case(path)
    file = tmp_path / "answers.yaml"
    file.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    d = json.loads(cli("assess", str(file), "--json"))
    obligations = [o["id"] for o in d["obligations"]]
    risks = [r["id"] for r in d["risks"]]
    context = [c["id"] for c in d["context"]]
    controls = [c["id"] for c in d["controls"]]
    duties = [x["id"] for x in d["duties"]]
    reasons = [r["rule"] for r in d["reasons"]]
    warnings = [w["id"] for w in d["warnings"]]
    where = f"{path.name}: "
    assert d["tier"] in expect["tier"], where + f"tier {d['tier']}"
    if "lane" in expect:
        assert d["lane"] == expect["lane"], where + f"lane {d['lane']}"
    if "reviewers" in expect:
        assert d["reviewers"] == expect["reviewers"], where + str(d["reviewers"])
    assert set(expect.get("reviewers_include", [])) <= set(d["reviewers"]), where + str(d["reviewers"])
    for key in ("roles", "roles_inferred"):
        if key in expect:
            assert d[key] == expect[key], where + f"{key} {d[key]}"
    for key, ids in (("reasons", reasons), ("obligations", obligations), ("controls", controls),
                     ("duties", duties), ("risks", risks), ("context", context)):
        for pattern in expect.get(f"{key}_include", []):
            assert _matches(pattern, ids), where + f"{key} lack {pattern}: {ids}"
        for pattern in expect.get(f"{key}_exclude", []):
            assert not _matches(pattern, ids), where + f"{key} must not have {pattern}: {ids}"
    # an obligation is owed by the organisation: §6.4 (the public) and state measures are never among them
    assert not [o for o in obligations if o.startswith("6.4.")], where + "6.4 is not the company's obligation"
    for duty_id, due in expect.get("duty_due", {}).items():
        got = next(x for x in d["duties"] if x["id"] == duty_id)
        assert got["due"] == {**{"amount": None, "unit": None}, **due}, where + f"{duty_id} due {got['due']}"
    if "warnings" in expect:
        assert sorted(warnings) == sorted(expect["warnings"]), where + f"warnings {warnings}"
    assert set(expect.get("warnings_include", [])) <= set(warnings), where + f"warnings {warnings}"
    assert not set(expect.get("warnings_exclude", [])) & set(warnings), where + f"warnings {warnings}"
    for x in d["duties"]:  # each duty names its instrument and when it falls due, in both languages
        assert x["instrument_zh"] and x["title_zh"] and x["due_zh"] and x["due_en"] and x["triggered_by"]


def _latin_words(text: str, codes: set[str]) -> list[str]:
    """Latin words of `text` that are neither IDs nor codes (nor 'aisgf', the product's name)."""
    stripped = re.sub(r"\b[0-9a-f]{12,64}\b", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.:-]*", stripped)
    out = []
    for w in words:
        w = w.rstrip(".:-")
        if w in codes or w == "aisgf" or re.fullmatch(r"\d*[a-z]?", w):
            continue
        if re.fullmatch(r"[a-z][a-z0-9]*(?:\.[0-9a-z]+)+|aisgf-[a-z0-9.-]+|cn-impl-[0-9.]+", w):
            continue  # implementation article IDs and catalog names
        out.append(w)
    return out


def test_the_latin_check_catches_english_fragments() -> None:
    codes = {"org_roles", "baseline"}
    assert _latin_words("1. baseline  风险等级至少为低风险 6.3.i algorec.24 cn-impl-1.0 摘要 99ebe9e140a2", codes) == []
    assert _latin_words("baseline  tier ≥ low; lane ≥ fast", codes) == ["tier", "low", "lane", "fast"]
    assert _latin_words("命中条件：org_roles contains any of [dev]", codes) == ["contains", "any", "of", "dev"]
    assert _latin_words("3.1.2.a Risks of illegal collection", codes) == ["Risks", "of", "illegal", "collection"]


@pytest.fixture(scope="module")
def codes() -> set[str]:
    """Every ID a zh output may show: rules, inferences, controls, questions, reviewers, tiers' keys."""
    from aisgf.intake.ruleset import load_ruleset

    rs = load_ruleset()
    spec = rs.spec
    ids = {r.spec.id for r in rs.rules} | {i.id for i in spec.inferred_roles} | set(spec.controls)
    ids |= set(rs.questionnaire.ids) | set(spec.reviewers) | {spec.ruleset}
    return ids


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_reads_as_chinese(path: Path, cli: Any, codes: set[str], tmp_path: Path) -> None:
    answers, _ = _case(path)
    codes = codes | {answers["system"]["key"]}  # the system's key is an ID too
    file = tmp_path / "answers.yaml"
    file.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    out = cli("assess", str(file), "--lang", "zh")
    latin = _latin_words(out, codes)
    assert latin == [], f"{path.name}: English in the Chinese output: {sorted(set(latin))}"
    # Chinese prose uses full-width punctuation: no ASCII comma, colon, semicolon or parenthesis between
    # two Chinese characters in what the tool itself writes (catalog texts keep their sources' bytes)
    own = [line for line in out.splitlines() if not line.startswith(("│", "┃"))]
    for line in own:
        bad = re.findall(r"[\u4e00-\u9fff][,;:()][\u4e00-\u9fff]", line)
        assert not bad, f"{path.name}: ASCII punctuation in Chinese prose: {bad} in {line!r}"
