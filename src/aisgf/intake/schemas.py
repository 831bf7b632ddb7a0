"""Typed shapes the intake gives out beside its own models (`Questionnaire`, `Decision`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
