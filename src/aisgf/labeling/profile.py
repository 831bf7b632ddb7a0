"""The label profile: GB 45438 knowledge loaded from a versioned YAML file.

Why: the standard's text was only partly readable, so which rules are confirmed and which are
secondary or observed practice is data a compliance team must be able to correct without a
release. Code reads every number, string and namespace from here; reports cite rule IDs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aisgf.errors import InvalidInput, NotFound

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "gb45438-2025.yaml"

Status = Literal["confirmed", "secondary", "practice", "aisgf", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    id: str
    status: Status
    severity: Literal["error", "warning", "info"] = "error"
    zh: str | None = None
    en: str
    source: str | None = None

    @model_validator(mode="after")
    def _confirmed_names_its_source(self) -> Rule:
        # A rule is "confirmed" only when two sources quote the text; one that names none cannot be.
        if self.status == "confirmed" and not self.source:
            raise ValueError(f"rule {self.id}: a confirmed rule must name its sources ('source')")
        return self


class LabelValue(_Strict):
    zh: str
    en: str


class ImplicitSpec(_Strict):
    namespace: str
    xmp_prefix: str
    xmp_property: str
    key: str
    fields: list[str]
    required_fields: list[str]
    label_values: dict[str, LabelValue]
    charset_ranges: list[tuple[int, int]]
    max_label_bytes: int = Field(gt=0)


class TextSpec(_Strict):
    """The explicit text label: the default wording and what makes a phrase a label (rule explicit.text-wording)."""

    label_zh: str
    label_en: str
    ai_elements: list[str] = Field(min_length=1)
    generation_elements: list[str] = Field(min_length=1)
    generation_not_followed_by: list[str] = []
    max_gap: int = Field(ge=0, le=64)
    window: int = Field(gt=0)


class ImageSpec(_Strict):
    min_char_height_ratio: float = Field(gt=0, lt=1)
    ratio_of: Literal["shorter_side"]
    default_text: str


class VideoSpec(_Strict):
    min_opening_seconds: float = Field(gt=0)
    default_text: str


class AudioSpec(_Strict):
    spoken_text: str
    rhythm: list[Literal["short", "long"]]
    short_s: float = Field(gt=0)
    long_s: float = Field(gt=0)
    gap_s: float = Field(gt=0)
    tone_hz: float = Field(gt=0)


class ExplicitSpec(_Strict):
    text: TextSpec
    image: ImageSpec
    video: VideoSpec
    audio: AudioSpec


class C2paSpec(_Strict):
    assertion_label: str = Field(pattern=r"(?i).*aigc.*")
    created_action: str
    digital_source_type: str


class LabelProfile(_Strict):
    profile: str
    version: str
    title_zh: str
    title_en: str
    effective: str
    reference: str | None = None
    implicit: ImplicitSpec
    c2pa: C2paSpec
    explicit: ExplicitSpec
    rules: list[Rule]

    def rule(self, rule_id: str) -> Rule:
        """Return a rule by ID; a missing ID is a broken profile, so it raises."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise NotFound(f"rule {rule_id!r} is not in label profile {self.profile} {self.version}")

    def char_allowed(self, ch: str) -> bool:
        o = ord(ch)
        return any(lo <= o <= hi for lo, hi in self.implicit.charset_ranges)


def load_profile(path: str | Path | None = None) -> LabelProfile:
    """Load and validate a profile; `AISGF_LABEL_PROFILE` overrides the shipped one."""
    chosen = Path(path) if path else Path(os.environ.get("AISGF_LABEL_PROFILE") or DEFAULT_PROFILE)
    return _load(chosen.resolve())


@lru_cache(maxsize=8)
def _load(path: Path) -> LabelProfile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFound(f"label profile not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"label profile is not valid YAML: {exc}", where=str(path)) from exc
    try:
        return LabelProfile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"label profile field {loc}: {first['msg']}", where=str(path)) from exc
