"""REST routes of the intake: the questionnaire, the ruleset in force, and decisions on answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from aisgf.intake import load_questionnaire, load_ruleset

router = APIRouter(prefix="/api", tags=["intake"])


class AssessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any]


@router.get("/intake/questionnaire")
def questionnaire() -> dict[str, Any]:
    """Every intake question with its zh/en wording, answer type, accepted values and help."""
    q = load_questionnaire()
    return q.model_dump(mode="json")


@router.get("/intake/ruleset")
def ruleset() -> dict[str, Any]:
    """The tiering ruleset in force, with the hash every decision records."""
    rs = load_ruleset()
    return {"id": rs.id, "version": rs.version, "hash": rs.digest, "spec": rs.spec.model_dump(mode="json")}


@router.post("/assess")
def assess(body: AssessIn) -> dict[str, Any]:
    """Tier, lane, reviewers, controls and obligations for a set of intake answers (nothing is stored)."""
    from aisgf.registry.services import decide

    return decide(body.answers)
