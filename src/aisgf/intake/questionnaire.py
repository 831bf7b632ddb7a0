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

from aisgf.errors import InvalidInput, format_message, register_messages
from aisgf.sourcefile import Problem, SourceDoc, file_stamp, raise_problems, read_source

# Message ID → English text of the problems with answers (the intake wizard shows them translated).
# A parameter `x` may come with `x_code`/`x_params` (a nested message) or `x_zh` (its Chinese text).
MESSAGES = register_messages({
    "intake.answers_not_mapping": "answers must be a mapping of question ID to answer, got {got}",
    "intake.unknown_question": "unknown question '{qid}'. Known questions: {known}",
    "intake.unknown_question_hint": "unknown question '{qid}'; did you mean '{close}'? Known questions: {known}",
    "intake.required": "question '{qid}' ({question}) is required and not answered; accepted: {accepted}",
    "intake.bad_answer": "question '{qid}' ({question}): {error}; accepted: {accepted}",
    "intake.expected_bool": "expected true or false, got {got}",
    "intake.expected_text": "expected text, got {got}",
    "intake.not_accepted": "{got} is not an accepted value",
    "intake.not_accepted_many": "{got} are not an accepted value",
    "intake.expected_list": "expected a list such as [{example}], got {got}",
    "intake.min_items": "choose at least {n}",
    "intake.accepted_bool": "true, false",
    "intake.accepted_text": "any text",
    "intake.accepted_options": "{options}",
    "intake.accepted_list": "a list of {options}",
    "intake.fact_unknown_question": "{source} names question '{question}', which the questionnaire does not have",
})

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
    label: Bilingual | None = Field(default=None, description="a short name, for reasons and warnings")
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

    def name(self, lang: str) -> str:
        """The short name people read in a reason ("面向公众"), else the question itself."""
        return (self.label or self.question).get(lang)

    def value_text(self, value: Any, lang: str) -> str:
        """An answer as people read it: 是/否, an option's label, a list of labels (、 in Chinese)."""
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        if isinstance(value, list | tuple):
            if not value:
                return "（无）" if lang == "zh" else "(none)"
            return ("、" if lang == "zh" else ", ").join(self.value_text(v, lang) for v in value)
        for option in self.options:
            if option.value == value:
                return option.label.get(lang)
        return str(value)

    def accepted(self) -> list[Any]:
        """The values a person may give, for error messages and forms."""
        if self.type == "bool":
            return [True, False]
        if self.type == "text":
            return []
        return self.option_values

    def accepted_coded(self) -> tuple[str, dict[str, Any]]:
        """`accepted_text` as a message ID and its parameters."""
        if self.type == "bool":
            return "intake.accepted_bool", {}
        if self.type == "text":
            return "intake.accepted_text", {}
        code = "intake.accepted_list" if self.type == "multi" else "intake.accepted_options"
        return code, {"options": self.option_values}

    def accepted_text(self) -> str:
        code, params = self.accepted_coded()
        return format_message(MESSAGES[code], params)

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Return (normalized value, None) or (None, reason) for one answer."""
        normalized, problem = self.check_coded(value)
        return normalized, format_message(MESSAGES[problem[0]], problem[1]) if problem else None

    def check_coded(self, value: Any) -> tuple[Any, tuple[str, dict[str, Any]] | None]:
        """Like `check`, with the reason as a message ID and its parameters."""
        if self.type == "bool":
            if isinstance(value, bool):
                return value, None
            return None, ("intake.expected_bool", {"got": _show(value)})
        if self.type == "text":
            if isinstance(value, str):
                return value, None
            return None, ("intake.expected_text", {"got": _show(value)})
        if self.type == "enum":
            if isinstance(value, str) and value in self.option_values:
                return value, None
            return None, ("intake.not_accepted", {"got": _show(value)})
        # multi: a list of option values; normalized to questionnaire order without repeats,
        # so the same answer always yields the same decision and digest.
        if not isinstance(value, list):
            return None, ("intake.expected_list", {"example": self.option_values[0], "got": _show(value)})
        bad = [v for v in value if not isinstance(v, str) or v not in self.option_values]
        if bad:
            shown = ", ".join(_show(v) for v in bad)
            return None, ("intake.not_accepted" if len(bad) == 1 else "intake.not_accepted_many", {"got": shown})
        chosen = set(value)
        if len(chosen) < self.min_items:
            return None, ("intake.min_items", {"n": self.min_items})
        return [v for v in self.option_values if v in chosen], None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing (null)"
    return json.dumps(value, ensure_ascii=False, default=str)


class LegacyAnswer(BaseModel):
    """An answer value an earlier questionnaire accepted, and what it means today.

    Why: a governance-as-code file in a project's repository must not break when a value becomes
    a question of its own (`sector: critical_infrastructure` → `cii_operator: true`). The old value
    is mapped (answers the file gives itself win) and the decision warns with `message`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(pattern=_SLUG)
    value: Any
    becomes: dict[str, Any] = Field(min_length=1)
    message: Bilingual


class AnswerNote(BaseModel):
    """Something the answers did not say and the questionnaire filled in, for the decision's warnings."""

    model_config = ConfigDict(frozen=True)

    id: str
    message_zh: str
    message_en: str
    matched: list[str] = Field(default_factory=list)


class Questionnaire(BaseModel):
    """The whole questionnaire; question order is the order people see."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1)
    title: Bilingual | None = None
    questions: list[Question] = Field(min_length=1)
    legacy: list[LegacyAnswer] = Field(default_factory=list)

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
        for i, old in enumerate(self.legacy):
            if old.question not in self._by_id:
                raise ValueError(f"legacy[{i}]: unknown question {old.question!r}")
            for qid, value in old.becomes.items():
                target = self._by_id.get(qid)
                if target is None:
                    raise ValueError(f"legacy[{i}].becomes: unknown question {qid!r}")
                error = target.check(value)[1]
                if error:
                    raise ValueError(f"legacy[{i}].becomes.{qid}: {error}")
        return self

    def upgrade(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[LegacyAnswer]]:
        """Map legacy answer values to today's questions; answers the file gives itself are kept."""
        result = dict(answers)
        applied: list[LegacyAnswer] = []
        for old in self.legacy:
            if old.question in answers and answers[old.question] == old.value:
                applied.append(old)
                for qid, value in old.becomes.items():
                    if qid == old.question or answers.get(qid) is None:
                        result[qid] = value
        return result, applied

    def notes(self, answers: Mapping[str, Any]) -> list[AnswerNote]:
        """What the decision should say about answers as given: legacy values mapped, questions not answered.

        Why each unanswered question is named: an answer file written for an earlier questionnaire
        still assesses (new questions have defaults), but its owner must learn which questions it
        does not answer and what was assumed, or a default silently decides the tier.
        """
        if not isinstance(answers, Mapping):
            return []
        notes = [AnswerNote(id=f"legacy:{old.question}", message_zh=old.message.zh, message_en=old.message.en,
                            matched=[f"{old.question}: {old.value}"])
                 for old in self.upgrade(answers)[1]]
        for q in self.questions:
            if q.required or answers.get(q.id) is not None:
                continue
            if any(q.id in old.becomes for old in self.upgrade(answers)[1]):
                continue
            zh, en = q.value_text(q.default, "zh"), q.value_text(q.default, "en")
            notes.append(AnswerNote(
                id=f"unanswered:{q.id}",
                message_zh=f"答案未回答问题“{q.name('zh')}”（{q.id}），按默认值“{zh}”评估；请补充作答。",
                message_en=f"The answers do not answer the question {q.id} ({q.name('en')}); "
                           f"assessed with its default, {en}. Answer it.",
                matched=[q.id]))
        return notes

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
        _raise_coded([Problem(where, f"answers must be a mapping of question ID to answer, got {_show(answers)}")],
                     [("intake.answers_not_mapping", {"got": _show(answers)})])
    problems: list[Problem] = []
    codes: list[tuple[str, dict[str, Any]] | None] = []  # message ID and parameters of each problem
    in_file = locations is not None
    lines = locations or {}
    result: dict[str, Any] = {}
    answers = questionnaire.upgrade(answers)[0]

    def at(qid: str) -> str:
        return lines.get(qid) or f"{where}.{qid}"

    for qid in answers:
        if qid not in questionnaire:
            close = difflib.get_close_matches(str(qid), questionnaire.ids, n=1)
            params: dict[str, Any] = {"qid": qid, "known": questionnaire.ids}
            if close:
                params["close"] = close[0]
            code = "intake.unknown_question_hint" if close else "intake.unknown_question"
            problems.append(
                Problem(
                    at(str(qid)),
                    format_message(MESSAGES[code], params),
                    field=f"answers.{qid}",
                    accepted=questionnaire.ids,
                )
            )
            codes.append((code, params))
    for q in questionnaire.questions:
        if answers.get(q.id) is None:  # absent or null: unanswered
            if q.required:
                params = _question_params(q)
                problems.append(
                    Problem(
                        at(q.id) if q.id in answers or not in_file else where,
                        format_message(MESSAGES["intake.required"], params),
                        field=f"answers.{q.id}",
                        accepted=q.accepted(),
                    )
                )
                codes.append(("intake.required", params))
            else:
                result[q.id] = q.default
            continue
        value, problem = q.check_coded(answers[q.id])
        if problem:
            params = _question_params(q)
            params.update(error=format_message(MESSAGES[problem[0]], problem[1]), error_code=problem[0],
                          error_params=problem[1])
            problems.append(
                Problem(
                    at(q.id),
                    format_message(MESSAGES["intake.bad_answer"], params),
                    field=f"answers.{q.id}",
                    accepted=q.accepted(),
                )
            )
            codes.append(("intake.bad_answer", params))
        else:
            result[q.id] = value
    _raise_coded(problems, codes)
    return result


def _question_params(q: Question) -> dict[str, Any]:
    accepted_code, accepted_params = q.accepted_coded()
    return {"qid": q.id, "question": q.question.en, "question_zh": q.question.zh, "accepted": q.accepted_text(),
            "accepted_code": accepted_code, "accepted_params": accepted_params}


def _raise_coded(problems: list[Problem], codes: list[tuple[str, dict[str, Any]] | None]) -> None:
    """`raise_problems`, with each problem's message ID kept on the error for the pages."""
    try:
        raise_problems(problems)
    except InvalidInput as exc:
        exc.problem_codes = codes
        raise


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
    """The questionnaire in force: the application context's (`AISGF_QUESTIONNAIRE_FILE`, else the shipped one)."""
    from aisgf.context import current

    return current().questionnaire_path


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Load (and cache until the file changes) a questionnaire; None → the one in force (`aisgf.context`)."""
    if path is None:
        from aisgf.context import current

        return current().questionnaire()
    return _load_cached(*file_stamp(Path(path)))
