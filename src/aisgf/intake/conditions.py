"""The condition language of the tiering rules, compiled once when a ruleset loads.

Why a small language of its own: the governance lead writes rules in YAML, so a condition must
read like the question it asks and be checked against the questionnaire before any project is
assessed. Grammar (every form is a YAML mapping, or the word ``always``)::

    always                                   # the baseline rule: fires for every project
    {question: sector, equals: finance}      # bool or enum question
    {question: sector, in: [finance, healthcare]}
    {question: org_roles, contains: provider}        # multi question: the value is chosen
    {question: org_roles, contains_any: [developer, provider]}
    {all: [<condition>, ...]}   {any: [<condition>, ...]}   {not: <condition>}

Each condition compiles to a closure (`test`) so evaluation is a few dictionary lookups, and can
`explain` itself: the human-readable texts of the parts that made it true, with the answer given,
which the decision keeps as its reasons. English explanations name question IDs (they are what an
answer file says); Chinese ones (`lang="zh"`) use the questions' short names and the options'
labels, so a reason read in Chinese holds no English fragment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aisgf.intake.questionnaire import Question, Questionnaire
from aisgf.sourcefile import Path_, Problem, SourceDoc

Answers = Mapping[str, Any]

_OPERATORS: dict[str, tuple[str, ...]] = {
    # operator → question types it applies to
    "equals": ("bool", "enum", "text"),
    "in": ("enum", "text"),
    "contains": ("multi",),
    "contains_any": ("multi",),
}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


class Condition:
    """A compiled condition: `test` answers yes/no fast, `explain` says why it is true."""

    def test(self, answers: Answers) -> bool:
        raise NotImplementedError

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        """Texts of the parts that hold for these answers (call only when `test` is true)."""
        raise NotImplementedError

    def describe(self, lang: str = "en") -> str:
        """The condition as one line of text, for `rules show` and documentation."""
        raise NotImplementedError


@dataclass(frozen=True)
class Always(Condition):
    def test(self, answers: Answers) -> bool:
        return True

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        return ["始终适用（基线规则）"] if lang == "zh" else ["always (baseline)"]

    def describe(self, lang: str = "en") -> str:
        return "始终适用" if lang == "zh" else "always"


@dataclass(frozen=True)
class Compare(Condition):
    question: str
    op: str
    value: Any
    _fn: Callable[[Any], bool]
    q: Question | None = field(default=None, compare=False, repr=False)

    def test(self, answers: Answers) -> bool:
        return self._fn(answers.get(self.question))

    def describe(self, lang: str = "en") -> str:
        if lang == "zh" and self.q is not None:
            name, shown = self.q.name("zh"), self.q.value_text(self.value, "zh")
            if self.op == "equals":
                return f"{name}：{shown}"
            if self.op == "contains":
                return f"{name}包含“{shown}”"
            return f"{name}为“{shown}”之一"
        op = {"equals": "=", "contains_any": "contains any of"}.get(self.op, self.op)
        return f"{self.question} {op} {_fmt(self.value)}"

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        given = answers.get(self.question)
        if self.op == "equals":
            return [self.describe(lang)]
        if lang == "zh" and self.q is not None:
            return [f"{self.describe(lang)}（回答：{self.q.value_text(given, 'zh')}）"]
        return [f"{self.describe()} (answer: {_fmt(given)})"]


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def test(self, answers: Answers) -> bool:
        return all(p.test(answers) for p in self.parts)

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        return [text for p in self.parts for text in p.explain(answers, lang)]

    def describe(self, lang: str = "en") -> str:
        return ("，且" if lang == "zh" else " and ").join(_group(p, lang) for p in self.parts)


@dataclass(frozen=True)
class Any_(Condition):
    parts: tuple[Condition, ...]

    def test(self, answers: Answers) -> bool:
        return any(p.test(answers) for p in self.parts)

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        # Every branch that holds is a reason, not only the first one.
        return [text for p in self.parts if p.test(answers) for text in p.explain(answers, lang)]

    def describe(self, lang: str = "en") -> str:
        return ("，或" if lang == "zh" else " or ").join(_group(p, lang) for p in self.parts)


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def test(self, answers: Answers) -> bool:
        return not self.part.test(answers)

    def explain(self, answers: Answers, lang: str = "en") -> list[str]:
        if lang == "zh":
            return [f"并非“{self.part.describe(lang)}”"]
        return [f"not ({self.part.describe()})"]

    def describe(self, lang: str = "en") -> str:
        return f"并非“{self.part.describe(lang)}”" if lang == "zh" else f"not {_group(self.part)}"


def _group(c: Condition, lang: str = "en") -> str:
    if isinstance(c, All | Any_) and len(c.parts) > 1:
        return f"（{c.describe(lang)}）" if lang == "zh" else f"({c.describe(lang)})"
    return c.describe(lang)


def _accepted(question: Question) -> str:
    return (
        question.accepted_text() if question.type in ("bool", "text") else ", ".join(question.option_values)
    )


def _compile_compare(question: Question, op: str, value: Any) -> Callable[[Any], bool]:
    if op == "equals":
        return lambda given: given == value
    if op == "in":
        allowed = frozenset(value)
        return lambda given: given in allowed
    if op == "contains":
        return lambda given: given is not None and value in given
    wanted = frozenset(value)  # contains_any
    return lambda given: given is not None and not wanted.isdisjoint(given)


class ConditionCompiler:
    """Check conditions against the questionnaire and compile them, collecting every problem."""

    def __init__(self, questionnaire: Questionnaire, doc: SourceDoc):
        self.questionnaire = questionnaire
        self.doc = doc
        self.problems: list[Problem] = []

    def _bad(self, path: Path_, message: str, accepted: list[Any] | None = None) -> None:
        self.problems.append(self.doc.problem(path, message, accepted=accepted))

    def compile(self, raw: Any, path: Path_) -> Condition | None:
        """Compile the condition at `path`; on a mistake record a problem and return None."""
        if raw == "always":
            return Always()
        if not isinstance(raw, dict):
            self._bad(
                path,
                f"a condition must be 'always' or a mapping with one of all, any, not, question; "
                f"got {_fmt(raw)!r}",
            )
            return None
        combinators = [k for k in ("all", "any", "not") if k in raw]
        if "question" in raw:
            if combinators:
                self._bad(path, f"a condition has either 'question' or '{combinators[0]}', not both")
                return None
            return self._compare(raw, path)
        if len(combinators) != 1 or len(raw) != 1:
            keys = ", ".join(str(k) for k in raw) or "nothing"
            self._bad(path, f"a condition needs exactly one of all, any, not, question; found {keys}")
            return None
        key = combinators[0]
        if key == "not":
            inner = self.compile(raw["not"], (*path, "not"))
            return Not(inner) if inner else None
        items = raw[key]
        if not isinstance(items, list) or not items:
            self._bad((*path, key), f"'{key}' takes a non-empty list of conditions")
            return None
        parts = [self.compile(item, (*path, key, i)) for i, item in enumerate(items)]
        if any(p is None for p in parts):
            return None
        compiled = tuple(p for p in parts if p is not None)
        return All(compiled) if key == "all" else Any_(compiled)

    def _compare(self, raw: dict[str, Any], path: Path_) -> Condition | None:
        qid = raw["question"]
        question = self.questionnaire.get(qid) if isinstance(qid, str) else None
        if question is None:
            self._bad(
                (*path, "question"),
                f"unknown question {qid!r}; known questions: {', '.join(self.questionnaire.ids)}",
                accepted=self.questionnaire.ids,
            )
            return None
        ops = [k for k in raw if k != "question"]
        unknown = [k for k in ops if k not in _OPERATORS]
        if unknown or len(ops) != 1:
            fitting = [op for op, types in _OPERATORS.items() if question.type in types]
            found = ", ".join(str(k) for k in ops) or "none"
            self._bad(
                path,
                f"a condition on '{qid}' needs exactly one operator of {', '.join(fitting)}; found {found}",
                accepted=fitting,
            )
            return None
        op = ops[0]
        if question.type not in _OPERATORS[op]:
            fitting = [o for o, types in _OPERATORS.items() if question.type in types]
            self._bad(
                (*path, op),
                f"operator '{op}' does not apply to '{qid}' (a {question.type} question); "
                f"use {' or '.join(fitting)}",
                accepted=fitting,
            )
            return None
        value = raw[op]
        values = value if op in ("in", "contains_any") else [value]
        if op in ("in", "contains_any") and (not isinstance(value, list) or not value):
            self._bad((*path, op), f"'{op}' takes a non-empty list of values")
            return None
        for i, v in enumerate(values):
            if not self._value_ok(question, v):
                where = (*path, op, i) if op in ("in", "contains_any") else (*path, op)
                self._bad(
                    where,
                    f"{_fmt(v)!r} is not an answer question '{qid}' accepts; accepted: {_accepted(question)}",
                    accepted=question.accepted(),
                )
                return None
        if isinstance(value, list):
            value = tuple(value)
        return Compare(qid, op, value, _compile_compare(question, op, value), question)

    @staticmethod
    def _value_ok(question: Question, value: Any) -> bool:
        if question.type == "bool":
            return isinstance(value, bool)
        if question.type == "text":
            return isinstance(value, str)
        return isinstance(value, str) and value in question.option_values
