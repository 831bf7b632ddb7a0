"""The intake questionnaire: the small set of questions every AI project answers at the outset.

Why it is data: the seed's first practice is to "move safety governance to project intake" with a
few questions (public-facing? personal information or important data? high-impact decisions?
foundation or third-party model? sensitive sector? cross-border data or export control?). The
wording and the accepted answers belong to the governance team, so they live in
`data/questionnaire.yaml`; the question IDs are the stable contract that answer files, the
tiering ruleset and the registry share.

`validate_answers` is strict on purpose: an answer that does not mean exactly one thing (``"yes"``
for a yes/no question, ``banking`` for a sector) is rejected with the question and the accepted
values, because a silently misread answer puts a project in the wrong tier.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from aisgf.sourcefile import Problem, SourceDoc, file_stamp, raise_problems, read_source

QuestionType = Literal["bool", "enum", "multi", "text"]

_SLUG = r"^[a-z][a-z0-9_]*$"


class Bilingual(BaseModel):
    """Text for people in both languages; the framework is bilingual, so is every label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Option(BaseModel):
    """One accepted value of a choice question, with its labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(pattern=_SLUG)
    label: Bilingual


class Question(BaseModel):
    """One intake question; `id` is the stable key used by answer files and rules."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_SLUG)
    type: QuestionType
    question: Bilingual
    help: Bilingual | None = None
    options: list[Option] = Field(default_factory=list)
    required: bool = True
    default: Any = None
    min_items: int = Field(default=0, ge=0, description="multi only: how many values at least")

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.type in ("enum", "multi"):
            if not self.options:
                raise ValueError(f"a '{self.type}' question needs options")
            values = [o.value for o in self.options]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"option values appear twice: {', '.join(dupes)}")
        elif self.options:
            raise ValueError(f"a '{self.type}' question takes no options")
        if self.min_items and self.type != "multi":
            raise ValueError("min_items applies to 'multi' questions only")
        if self.required and self.default is not None:
            raise ValueError("a required question cannot have a default; set required: false to use one")
        if not self.required:
            if self.default is None:
                raise ValueError("an optional question needs a default, so every rule sees an answer")
            error = self.check(self.default)[1]
            if error:
                raise ValueError(f"default: {error}")
        return self

    @property
    def option_values(self) -> list[str]:
        return [o.value for o in self.options]

    def accepted(self) -> list[Any]:
        """The values a person may give, for error messages and forms."""
        if self.type == "bool":
            return [True, False]
        if self.type == "text":
            return []
        return self.option_values

    def accepted_text(self) -> str:
        if self.type == "bool":
            return "true, false"
        if self.type == "text":
            return "any text"
        text = ", ".join(self.option_values)
        return f"a list of {text}" if self.type == "multi" else text

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Return (normalized value, None) or (None, reason) for one answer."""
        if self.type == "bool":
            if isinstance(value, bool):
                return value, None
            return None, f"expected true or false, got {_show(value)}"
        if self.type == "text":
            if isinstance(value, str):
                return value, None
            return None, f"expected text, got {_show(value)}"
        if self.type == "enum":
            if isinstance(value, str) and value in self.option_values:
                return value, None
            return None, f"{_show(value)} is not an accepted value"
        # multi: a list of option values; normalized to questionnaire order without repeats,
        # so the same answer always yields the same decision and digest.
        if not isinstance(value, list):
            return None, f"expected a list such as [{self.option_values[0]}], got {_show(value)}"
        bad = [v for v in value if not isinstance(v, str) or v not in self.option_values]
        if bad:
            shown = ", ".join(_show(v) for v in bad)
            return None, f"{shown} {'is' if len(bad) == 1 else 'are'} not an accepted value"
        chosen = set(value)
        if len(chosen) < self.min_items:
            return None, f"choose at least {self.min_items}"
        return [v for v in self.option_values if v in chosen], None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing (null)"
    return json.dumps(value, ensure_ascii=False, default=str)


class Questionnaire(BaseModel):
    """The whole questionnaire; question order is the order people see."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1)
    title: Bilingual | None = None
    questions: list[Question] = Field(min_length=1)

    _by_id: dict[str, Question] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="")
    _digest: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _unique_ids(self) -> Questionnaire:
        ids = [q.id for q in self.questions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"question IDs appear twice: {', '.join(dupes)}")
        self._by_id = {q.id: q for q in self.questions}
        return self

    @property
    def source(self) -> str:
        """The file this questionnaire was read from (empty if built in code)."""
        return self._source

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    @property
    def digest(self) -> str:
        """sha256 of the canonical content: comments and layout do not change it.

        Computed once: every decision records it, and the questionnaire is not changed in place.
        """
        if not self._digest:
            canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
            self._digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return self._digest


def validate_answers(
    answers: Mapping[str, Any],
    questionnaire: Questionnaire,
    where: str = "answers",
    *,
    locations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check answers against the questionnaire; return them complete and normalized.

    The result holds every question in questionnaire order, optional ones filled with their
    default. All problems are reported in one InvalidInput (``extra["errors"]``), each naming the
    question and the accepted values. `where` names the answers as a whole ("answers", or
    "file.yaml:4" for the `answers:` section of a file); `locations` may give the file:line of
    each answer, so a mistake in a file points at its line.
    """
    if not isinstance(answers, Mapping):
        raise_problems(
            [Problem(where, f"answers must be a mapping of question ID to answer, got {_show(answers)}")]
        )
    problems: list[Problem] = []
    in_file = locations is not None
    lines = locations or {}
    result: dict[str, Any] = {}

    def at(qid: str) -> str:
        return lines.get(qid) or f"{where}.{qid}"

    for qid in answers:
        if qid not in questionnaire:
            close = difflib.get_close_matches(str(qid), questionnaire.ids, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "."
            problems.append(
                Problem(
                    at(str(qid)),
                    f"unknown question '{qid}'{hint} Known questions: {', '.join(questionnaire.ids)}",
                    field=f"answers.{qid}",
                    accepted=questionnaire.ids,
                )
            )
    for q in questionnaire.questions:
        if answers.get(q.id) is None:  # absent or null: unanswered
            if q.required:
                problems.append(
                    Problem(
                        at(q.id) if q.id in answers or not in_file else where,
                        f"question '{q.id}' ({q.question.en}) is required and not answered; "
                        f"accepted: {q.accepted_text()}",
                        field=f"answers.{q.id}",
                        accepted=q.accepted(),
                    )
                )
            else:
                result[q.id] = q.default
            continue
        value, error = q.check(answers[q.id])
        if error:
            problems.append(
                Problem(
                    at(q.id),
                    f"question '{q.id}' ({q.question.en}): {error}; accepted: {q.accepted_text()}",
                    field=f"answers.{q.id}",
                    accepted=q.accepted(),
                )
            )
        else:
            result[q.id] = value
    raise_problems(problems)
    return result


def parse_questionnaire(doc: SourceDoc) -> Questionnaire:
    """Validate a parsed questionnaire document, with file:line for every problem."""
    if not isinstance(doc.data, dict):
        raise_problems([doc.problem((), "a questionnaire must be a mapping with 'version' and 'questions'")])
    try:
        questionnaire = Questionnaire.model_validate(doc.data)
    except ValidationError as exc:
        problems = doc.pydantic_problems(exc)
    else:
        questionnaire._source = doc.name
        return questionnaire
    raise_problems(problems)
    raise AssertionError("unreachable")
    return questionnaire


SHIPPED_QUESTIONNAIRE = "questionnaire.yaml"


def shipped_path(name: str) -> Path:
    """Path of a data file shipped inside the package (questionnaire.yaml, ruleset.yaml)."""
    return Path(str(resources.files("aisgf.intake").joinpath("data", name)))


@lru_cache(maxsize=16)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Questionnaire:
    return parse_questionnaire(read_source(path, what="questionnaire file"))


def questionnaire_path() -> Path:
    """The questionnaire in force: `AISGF_QUESTIONNAIRE_FILE` if set, else the shipped one."""
    from aisgf.config import get_settings

    return get_settings().questionnaire_file or shipped_path(SHIPPED_QUESTIONNAIRE)


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Load (and cache until the file changes) a questionnaire; None → the one in force."""
    return _load_cached(*file_stamp(Path(path) if path is not None else questionnaire_path()))
