"""The organisation's reference data (provinces, reporter types, filing kinds, USCC authorities), read and checked.

Why a loader with a schema: these files are regulatory content a compliance team edits (a new
deadline, a renamed instrument) without a release; a mistake in one must stop with file:line and
what is accepted, never be read as "no deadline". Each file is re-read when it changes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aisgf.organisation.choices import FilingKind, ReporterType, values
from aisgf.sourcefile import Problem, SourceDoc, file_stamp, raise_problems, read_source

DATA = Path(__file__).parent / "data"
PROVINCES_FILE = DATA / "provinces.yaml"
REPORTER_TYPES_FILE = DATA / "reporter-types.yaml"
FILING_KINDS_FILE = DATA / "filing-kinds.yaml"
USCC_FILE = DATA / "uscc.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    """A text in 中文 and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# ------------------------------------------------------------------------------------------ provinces


class Province(_Model):
    code: str = Field(pattern=r"^[1-9][0-9]0000$", description="GB/T 2260 code, e.g. 440000")
    zh: str = Field(min_length=2)
    en: str = Field(min_length=2)
    kind: Literal["province", "autonomous_region", "municipality", "special_administrative_region"]

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Provinces(_Model):
    version: str = Field(min_length=1)
    provinces: list[Province] = Field(min_length=1)

    def get(self, code: str) -> Province | None:
        return next((p for p in self.provinces if p.code == code), None)

    def find(self, text: str) -> Province | None:
        """The province a person means: its code, the code's first two digits, or its name (中文 or English,
        with or without 省/市/自治区)."""
        t = " ".join(text.split()).casefold()
        if not t:
            return None
        for p in self.provinces:
            if t in (p.code, p.code[:2], p.zh, p.en.casefold(), _short_zh(p.zh)):
                return p
        return None


def _short_zh(name: str) -> str:
    for suffix in ("特别行政区", "维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# -------------------------------------------------------------------------------------- reporter types


class ReporterRule(_Model):
    id: ReporterType
    name: Bilingual
    hours: int = Field(ge=1, le=72, description="the latest first report, in hours after discovery")
    addressee: Bilingual
    addressee_local: Bilingual | None = None
    escalation: Bilingual | None = None


class ReporterTypes(_Model):
    version: str = Field(min_length=1)
    instrument: Bilingual
    article: str = Field(min_length=1)
    threshold: Bilingual
    reporter_types: list[ReporterRule]

    def get(self, reporter_type: str) -> ReporterRule:
        return next(r for r in self.reporter_types if r.id == reporter_type)


# ---------------------------------------------------------------------------------------- filing kinds


class FilingKindInfo(_Model):
    id: FilingKind
    name: Bilingual
    basis: Bilingual
    upstream: Literal["required", "optional", "none"]


class FilingKinds(_Model):
    version: str = Field(min_length=1)
    kinds: list[FilingKindInfo]

    def get(self, kind: str) -> FilingKindInfo:
        return next(k for k in self.kinds if k.id == kind)


# ------------------------------------------------------------------------------------------------ USCC


class Authority(_Model):
    code: str = Field(pattern=r"^[0-9A-Z]$")
    name: Bilingual
    categories: dict[str, Bilingual] = Field(min_length=1)


class UsccRules(_Model):
    version: str = Field(min_length=1)
    charset: str = Field(pattern=r"^[0-9A-Z]{31}$")
    authorities: list[Authority] = Field(min_length=1)

    def authority(self, code: str) -> Authority | None:
        return next((a for a in self.authorities if a.code == code), None)


# ------------------------------------------------------------------------------------------------ load


def _read(path: Path, model: type[BaseModel], what: str) -> tuple[Any, SourceDoc]:
    doc = read_source(path, what=what)
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        raise_problems(doc.pydantic_problems(exc))
        raise  # pragma: no cover - raise_problems raised


def _once(doc: SourceDoc, items: list[Any], attr: str, section: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        value = str(getattr(item, attr))
        if value in seen:
            problems.append(doc.problem((section, i, attr), f"{section}[{i}].{attr}: {value!r} appears twice "
                                                            f"(first at {section}[{seen[value]}])"))
        seen.setdefault(value, i)
    return problems


def _covers(doc: SourceDoc, items: list[Any], enum: type[StrEnum], section: str) -> list[Problem]:
    """The file names each word of the vocabulary, once (a missing one would be a silent gap)."""
    problems = _once(doc, items, "id", section)
    missing = [v for v in values(enum) if v not in {str(x.id) for x in items}]
    if missing:
        problems.append(doc.problem((section,), f"{section}: no entry for {', '.join(missing)}",
                                    accepted=values(enum)))
    return problems


@lru_cache(maxsize=8)
def _provinces(stamp: tuple[str, int, int]) -> Provinces:
    path = Path(stamp[0])
    data, doc = _read(path, Provinces, "province table")
    problems = _once(doc, data.provinces, "code", "provinces") + _once(doc, data.provinces, "zh", "provinces") \
        + _once(doc, data.provinces, "en", "provinces")
    raise_problems(problems)
    return data  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def _reporter_types(stamp: tuple[str, int, int]) -> ReporterTypes:
    data, doc = _read(Path(stamp[0]), ReporterTypes, "reporter-type table")
    problems = _covers(doc, data.reporter_types, ReporterType, "reporter_types")
    for i, r in enumerate(data.reporter_types):
        if r.addressee_local and not all("{province}" in t for t in (r.addressee_local.zh, r.addressee_local.en)):
            problems.append(doc.problem(("reporter_types", i, "addressee_local"),
                                        f"reporter_types[{i}].addressee_local: both texts need {{province}}"))
    raise_problems(problems)
    return data  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def _filing_kinds(stamp: tuple[str, int, int]) -> FilingKinds:
    data, doc = _read(Path(stamp[0]), FilingKinds, "filing-kind table")
    raise_problems(_covers(doc, data.kinds, FilingKind, "kinds"))
    return data  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def _uscc(stamp: tuple[str, int, int]) -> UsccRules:
    data, doc = _read(Path(stamp[0]), UsccRules, "USCC table")
    problems = _once(doc, data.authorities, "code", "authorities")
    if len(set(data.charset)) != 31 or re.search(r"[IOZSV]", data.charset):
        problems.append(doc.problem(("charset",), "charset: 31 different characters of 0-9, A-Z without I, O, Z, S, V"))
    for i, a in enumerate(data.authorities):
        if a.code not in data.charset:
            problems.append(doc.problem(("authorities", i, "code"), f"authorities[{i}].code: {a.code!r} is not in "
                                                                    "the charset"))
        bad = [c for c in a.categories if not re.fullmatch(r"[0-9A-Z]", c) or c not in data.charset]
        if bad:
            problems.append(doc.problem(("authorities", i, "categories"),
                                        f"authorities[{i}].categories: one character of the charset each, not {bad}"))
    raise_problems(problems)
    return data  # type: ignore[no-any-return]


def load_provinces(path: Path = PROVINCES_FILE) -> Provinces:
    return _provinces(file_stamp(path))


def load_reporter_types(path: Path = REPORTER_TYPES_FILE) -> ReporterTypes:
    return _reporter_types(file_stamp(path))


def load_filing_kinds(path: Path = FILING_KINDS_FILE) -> FilingKinds:
    return _filing_kinds(file_stamp(path))


def load_uscc_rules(path: Path = USCC_FILE) -> UsccRules:
    return _uscc(file_stamp(path))
