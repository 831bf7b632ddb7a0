"""Typed shapes the intake gives out beside its own models (`Questionnaire`, `Decision`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from aisgf.intake.questionnaire import Questionnaire
from aisgf.intake.ruleset import Ruleset, RulesetSpec


class RulesetOut(BaseModel):
    """The tiering ruleset in force, with the hash every decision records."""

    id: str
    version: str
    hash: str = Field(description="SHA-256 of the canonical spec; decisions carry it as ruleset_hash")
    spec: RulesetSpec

    @classmethod
    def of(cls, rs: Ruleset) -> RulesetOut:
        return cls(id=rs.id, version=rs.version, hash=rs.digest, spec=rs.spec)


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON Schema of intake answers, built from the questionnaire in force.

    Why generated: the questions, their types and options are data (`data/questionnaire.yaml`), so the
    OpenAPI document describes `answers` from the same file `validate_answers` checks against, and a
    client (or a fuzzer) can build a valid registration from the document alone. It says what the
    check accepts, no more and no less: every question a property, the required ones required, the
    optional ones also null (their default applies), unknown questions refused, and the legacy values
    an older questionnaire used still accepted (they are mapped, with a warning).
    """
    legacy: dict[str, list[Any]] = {}
    for old in questionnaire.legacy:
        legacy.setdefault(old.question, []).append(old.value)
    properties: dict[str, Any] = {}
    for q in questionnaire.questions:
        prop: dict[str, Any]
        if q.type == "bool":
            prop = {"type": "boolean"}
        elif q.type == "text":
            prop = {"type": "string"}
        elif q.type == "enum":
            prop = {"type": "string", "enum": [*q.option_values, *legacy.get(q.id, [])]}
        else:
            prop = {"type": "array", "items": {"type": "string", "enum": q.option_values}}
            if q.min_items:
                prop["minItems"] = q.min_items
        if not q.required:
            prop = {"anyOf": [prop, {"type": "null"}], "default": q.default}
        options = "; ".join(f"{o.value}: {o.label.en} ({o.label.zh})" for o in q.options)
        prop["title"] = q.id
        prop["description"] = f"{q.question.en} ({q.question.zh})" + (f" Options: {options}" if options else "")
        properties[q.id] = prop
    return {
        "type": "object",
        "title": "Answers",
        "description": f"Intake answers, one per question of questionnaire {questionnaire.version} "
                       "(GET /api/intake/questionnaire lists them with their help).",
        "properties": properties,
        "required": [q.id for q in questionnaire.questions if q.required],
        "additionalProperties": False,
    }
