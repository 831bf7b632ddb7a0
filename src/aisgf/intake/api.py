"""REST routes of the intake: the questionnaire, the ruleset in force, and decisions on answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from aisgf.intake import decide, load_questionnaire, load_ruleset
from aisgf.intake.engine import Decision
from aisgf.intake.questionnaire import Questionnaire
from aisgf.intake.schemas import RulesetOut
from aisgf.web.schemas import problems

router = APIRouter(prefix="/api", tags=["intake"], responses=problems(401, 403, 422, 503))


class AssessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any]


@router.get("/intake/questionnaire", response_model=Questionnaire)
def questionnaire() -> Questionnaire:
    """Every intake question with its zh/en wording, answer type, accepted values and help."""
    return load_questionnaire()


@router.get("/intake/ruleset", response_model=RulesetOut)
def ruleset() -> RulesetOut:
    """The tiering ruleset in force, with the hash every decision records."""
    return RulesetOut.of(load_ruleset())


@router.post("/assess", response_model=Decision)
def assess(body: AssessIn) -> Decision:
    """Tier, lane, reviewers, controls and obligations for a set of intake answers (nothing is stored)."""
    return Decision.model_validate(decide(body.answers))
