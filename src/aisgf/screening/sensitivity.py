"""Which personal information is sensitive, and why: PIPL Art. 28 and GB/T 45574-2025 as data.

Why a data file (``pi-sensitivity.yaml``): whether an identity-document number is *sensitive*
personal information changed with GB/T 45574-2025 (alone it is not), and such readings are
regulatory content a data-protection lead corrects without a release. The detectors take their
sensitivity from here, and the screening report prints each category's reason, sources and whether
the reading is sourced or aisgf's own, so a reviewer sees why a document failed the technical sample.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from aisgf.errors import InvalidInput

FILE = "pi-sensitivity.yaml"
SENSITIVE = "sensitive_personal"  # PIPL Art. 28 / GB/T 45574-2025 3.2
PERSONAL = "personal"  # PIPL Art. 4: information that identifies a natural person


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    cite: str
    read_at: str


class Definition(_Strict):
    zh: str
    en: str
    sources: list[str]


class CategoryReading(_Strict):
    sensitivity: Literal["sensitive_personal", "personal"]
    status: Literal["sourced", "aisgf"]
    why: str
    sources: list[str]


class SensitivityTable(_Strict):
    version: str
    definition: Definition
    sources: dict[str, Source]
    categories: dict[str, CategoryReading]

    @model_validator(mode="after")
    def _sources_exist(self) -> SensitivityTable:
        cited = set(self.definition.sources) | {s for c in self.categories.values() for s in c.sources}
        unknown = sorted(cited - set(self.sources))
        if unknown:
            raise ValueError(f"sources cited but not defined under 'sources': {unknown}")
        return self

    def reading(self, category: str) -> CategoryReading:
        try:
            return self.categories[category]
        except KeyError:
            raise InvalidInput(
                f"personal-information category {category!r} has no entry in {FILE}; add its sensitivity, "
                "reason and sources there",
                where=FILE,
            ) from None

    def report(self, categories: list[str]) -> dict[str, Any]:
        """The report's ``sensitive_personal_information`` section for the categories that ran."""
        chosen = {c: self.categories[c] for c in categories if c in self.categories}
        return {
            "definition": self.definition.model_dump(),
            "sensitive_categories": sorted(c for c, r in chosen.items() if r.sensitivity == SENSITIVE),
            "categories": {c: r.model_dump() for c, r in sorted(chosen.items())},
            "sources": {
                k: v.model_dump()
                for k, v in sorted(self.sources.items())
                if k in {s for r in chosen.values() for s in r.sources} | set(self.definition.sources)
            },
        }


@lru_cache(maxsize=1)
def load_table() -> SensitivityTable:
    """The shipped table, validated once per process; a broken file names the field."""
    text = resources.files("aisgf.screening").joinpath(FILE).read_text(encoding="utf-8")
    try:
        return SensitivityTable.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"personal-information sensitivity table is invalid: {exc}", where=FILE) from exc
