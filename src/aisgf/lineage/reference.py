"""Vendor admission as data (`data/vendor-admission.yaml`): reviewer functions, due-diligence questions, clauses.

Why a checked loader: a compliance team edits the file; a mistake (a reviewer held by a function no
ruleset knows, a duplicate question ID) must stop with the file and the field, never admit a vendor
on a question that silently vanished. Read once per process and re-read when the file changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aisgf.errors import InvalidInput
from aisgf.lineage.choices import Supply, VendorKind

ADMISSION_FILE = Path(__file__).parent / "data" / "vendor-admission.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reviewer(_Model):
    id: str = Field(pattern=r"^[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    held_by: list[str] = Field(min_length=1)


class _Asked(_Model):
    """A question or clause is asked of a vendor that supplies one of `applies_to` (empty: of every vendor)."""

    applies_to: list[Supply] = Field(default_factory=list)

    def asked_of(self, supplies: Iterable[str]) -> bool:
        given = set(supplies)
        return not self.applies_to or not given or bool(given & {s.value for s in self.applies_to})


class Question(_Asked):
    id: str = Field(pattern=r"^dd\.[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    blocker: bool
    publisher: bool = Field(default=False, description="asked of a publisher of open weights or data too")


class Clause(_Asked):
    id: str = Field(pattern=r"^clause\.[a-z_]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    required: bool


class AdmissionRules(_Model):
    version: str = Field(min_length=1)
    reviewers: list[Reviewer] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    clauses: list[Clause] = Field(min_length=1)

    def questions_for(self, kind: str, supplies: Iterable[str]) -> list[Question]:
        """The due-diligence questions asked of a vendor (or publisher) that supplies `supplies`."""
        if kind == VendorKind.publisher:
            return [q for q in self.questions if q.publisher]
        listed = list(supplies)
        return [q for q in self.questions if q.asked_of(listed)]

    def clauses_for(self, kind: str, supplies: Iterable[str]) -> list[Clause]:
        """The contract clauses checked for a vendor under contract (a publisher has none)."""
        if kind == VendorKind.publisher:
            return []
        listed = list(supplies)
        return [c for c in self.clauses if c.asked_of(listed)]

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
