"""Answer files and `aisgf.yaml` project files: intake answers that live next to the code.

Why files: a project owner answers the intake questions once, keeps the answers under version
control, and the CLI (`aisgf assess`, `aisgf check`) re-assesses them whenever the answers or the
rules change. Two formats share one shape:

answer file (``answers.yaml`` or ``.json``)::

    system: {name: Credit scoring, owner: risk-team@example.com, description: ..., key: credit-scoring}
    answers: {public_facing: true, sector: finance, ...}

project file (``aisgf.yaml``, governance as code) adds a required system key and evidence
pointers::

    aisgf: 1
    system: {key: credit-scoring, name: ..., owner: ...}
    answers: {...}
    evidence:
      - {obligation: 6.2.d, path: docs/explanation-plan.md, description: Explanation plan}
      - {obligation: 5.2, uri: "https://ci.example.com/label-check/42"}

Every mistake is reported with file, line and field; answers are checked against the
questionnaire here, so a file that loads is a file that can be assessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aisgf.intake.questionnaire import Questionnaire, load_questionnaire, validate_answers
from aisgf.intake.ruleset import CatalogLike, default_catalog
from aisgf.sourcefile import Problem, SourceDoc, raise_problems, read_source

SYSTEM_KEY = r"^[a-z0-9][a-z0-9._-]{0,63}$"


class SystemInfo(BaseModel):
    """The AI system the answers describe."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    owner: str = Field(min_length=1, description="person or team accountable for the system")
    description: str = ""
    key: str | None = Field(default=None, pattern=SYSTEM_KEY, description="stable ID in the registry")


class AnswerFile(BaseModel):
    """A system description plus its intake answers (as given; `evaluate` fills defaults)."""

    model_config = ConfigDict(extra="forbid")

    system: SystemInfo
    answers: dict[str, Any]
    path: str = Field(default="", exclude=True, description="the file it was read from")


class EvidencePointer(BaseModel):
    """Where the evidence for one obligation lives: a URI, or a path relative to the project file."""

    model_config = ConfigDict(extra="forbid")

    obligation: str = Field(min_length=1, description="catalog ID, e.g. 6.2.d")
    uri: str | None = Field(default=None, min_length=1)
    path: str | None = Field(default=None, min_length=1)
    description: str = ""

    @model_validator(mode="after")
    def _one_location(self) -> EvidencePointer:
        if (self.uri is None) == (self.path is None):
            raise ValueError("give exactly one of 'uri' or 'path'")
        if self.path is not None and Path(self.path).is_absolute():
            raise ValueError("'path' must be relative to the project file, so the repository can move")
        return self


class ProjectSystemInfo(SystemInfo):
    key: str = Field(pattern=SYSTEM_KEY, description="stable ID in the registry (required here)")


class ProjectFile(BaseModel):
    """An `aisgf.yaml`: governance as code in the project's own repository."""

    model_config = ConfigDict(extra="forbid")

    aisgf: Literal[1] = 1
    system: ProjectSystemInfo
    answers: dict[str, Any]
    evidence: list[EvidencePointer] = Field(default_factory=list)
    path: str = Field(default="", exclude=True)

    @property
    def base_dir(self) -> Path:
        """Folder that evidence `path`s are relative to."""
        return Path(self.path).parent if self.path else Path(".")

    def evidence_path(self, pointer: EvidencePointer) -> Path | None:
        return self.base_dir / pointer.path if pointer.path else None


def _structure(doc: SourceDoc, model: type[BaseModel], what: str) -> Any:
    if not isinstance(doc.data, dict):
        raise_problems([doc.problem((), f"{what} must be a mapping with 'system' and 'answers' sections")])
    try:
        return model.model_validate({**doc.data, "path": doc.name})
    except ValidationError as exc:
        problems = doc.pydantic_problems(exc)
    raise_problems(problems)
    raise AssertionError("unreachable")


def _check_answers(doc: SourceDoc, answers: dict[str, Any], questionnaire: Questionnaire | None) -> None:
    questionnaire = questionnaire if questionnaire is not None else load_questionnaire()
    locations = {str(qid): doc.where(("answers", qid)) for qid in answers}
    validate_answers(answers, questionnaire, where=doc.where(("answers",)), locations=locations)


def _answer_file(doc: SourceDoc, questionnaire: Questionnaire | None) -> AnswerFile:
    if isinstance(doc.data, dict) and "path" in doc.data:
        raise_problems([doc.problem(("path",), "unknown section 'path'; accepted: system, answers")])
    answer_file: AnswerFile = _structure(doc, AnswerFile, "an answer file")
    _check_answers(doc, answer_file.answers, questionnaire)
    return answer_file


def _project_file(
    doc: SourceDoc, questionnaire: Questionnaire | None, catalog: CatalogLike | None
) -> ProjectFile:
    if isinstance(doc.data, dict) and "path" in doc.data:
        raise_problems(
            [doc.problem(("path",), "unknown section 'path'; accepted: aisgf, system, answers, evidence")]
        )
    project: ProjectFile = _structure(doc, ProjectFile, "a project file")
    _check_answers(doc, project.answers, questionnaire)
    if project.evidence:
        cat = catalog if catalog is not None else default_catalog()
        problems: list[Problem] = []
        for i, pointer in enumerate(project.evidence):
            if not cat.has(pointer.obligation):
                problems.append(
                    doc.problem(
                        ("evidence", i, "obligation"),
                        f"unknown catalog item {pointer.obligation!r} in {cat.framework} "
                        "(IDs look like 6.2.d, 4.1.2.f, 5.2)",
                    )
                )
        raise_problems(problems)
    return project


def load_answer_file(path: str | Path, *, questionnaire: Questionnaire | None = None) -> AnswerFile:
    """Read and check an answer file (YAML, or JSON by suffix); mistakes → InvalidInput with file:line."""
    return _answer_file(read_source(path, what="answer file"), questionnaire)


def load_project_file(
    path: str | Path,
    *,
    questionnaire: Questionnaire | None = None,
    catalog: CatalogLike | None = None,
) -> ProjectFile:
    """Read and check an `aisgf.yaml`: structure, answers, and that every evidence pointer cites a
    catalog item that exists (the catalog in force unless one is given)."""
    return _project_file(read_source(path, what="project file"), questionnaire, catalog)


def load_any_answers(
    path: str | Path,
    *,
    questionnaire: Questionnaire | None = None,
    catalog: CatalogLike | None = None,
) -> AnswerFile | ProjectFile:
    """An answer file or a project file, told apart by an `aisgf:` or `evidence:` section.

    Why: `aisgf assess` should work on either, so a project owner can assess the very
    `aisgf.yaml` that `aisgf check` reads.
    """
    doc = read_source(path, what="answer file")
    if isinstance(doc.data, dict) and ("aisgf" in doc.data or "evidence" in doc.data):
        return _project_file(doc, questionnaire, catalog)
    return _answer_file(doc, questionnaire)
