"""Vendor admission as data (`data/vendor-admission.yaml`): reviewer functions, due-diligence questions, clauses.

Why a checked loader: a compliance team edits the file; a mistake (a reviewer held by a function no
ruleset knows, a duplicate question ID) must stop with the file and the field, never admit a vendor
on a question that silently vanished. Read once per process and re-read when the file changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aisgf.errors import InvalidInput

ADMISSION_FILE = Path(__file__).parent / "data" / "vendor-admission.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reviewer(_Model):
    id: str = Field(pattern=r"^[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    held_by: list[str] = Field(min_length=1)


class Question(_Model):
    id: str = Field(pattern=r"^dd\.[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    blocker: bool


class Clause(_Model):
    id: str = Field(pattern=r"^clause\.[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    required: bool


class AdmissionRules(_Model):
    version: str = Field(min_length=1)
    reviewers: list[Reviewer] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    clauses: list[Clause] = Field(min_length=1)

    def reviewer(self, function: str) -> Reviewer | None:
        return next((r for r in self.reviewers if r.id == function), None)

    @property
    def functions(self) -> list[str]:
        return [r.id for r in self.reviewers]


def load_admission_rules(path: Path = ADMISSION_FILE) -> AdmissionRules:
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: Path, _stamp: int) -> AdmissionRules:
    try:
        rules = AdmissionRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{path.name}: {where}: {first['msg']}", where=f"{path}: {where}") from e
    for kind, ids in (("reviewer", [r.id for r in rules.reviewers]), ("question", [q.id for q in rules.questions]),
                      ("clause", [c.id for c in rules.clauses])):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise InvalidInput(f"{path.name}: {kind} IDs must be unique; repeated: {dup}", where=str(path))
    return rules
