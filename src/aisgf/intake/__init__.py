"""Intake: the questionnaire every AI project answers, and the tiering rules that turn the
answers into a decision (tier, lane, reviewers, controls, obligations) that explains itself.

Public API::

    from aisgf.intake import evaluate, load_answer_file, load_project_file
    decision = evaluate({"public_facing": True, "sector": "finance", ...})
    decision.tier, decision.lane, decision.reviewers, decision.obligations, decision.reasons

The questionnaire and the default ruleset are data (`data/questionnaire.yaml`,
`data/ruleset.yaml`); `AISGF_QUESTIONNAIRE_FILE` / `AISGF_RULESET_FILE` replace them.
"""

from aisgf.intake.answers import (
    AnswerFile,
    EvidencePointer,
    ProjectFile,
    SystemInfo,
    load_answer_file,
    load_any_answers,
    load_project_file,
)
from aisgf.intake.engine import (
    Adjustment,
    ControlRef,
    Decision,
    ObligationRef,
    Reason,
    compare_decisions,
    decide,
    evaluate,
)
from aisgf.intake.questionnaire import Question, Questionnaire, load_questionnaire, validate_answers
from aisgf.intake.ruleset import LANES, TIERS, CatalogLike, Ruleset, load_ruleset, parse_ruleset

__all__ = [
    "LANES",
    "TIERS",
    "Adjustment",
    "AnswerFile",
    "CatalogLike",
    "ControlRef",
    "Decision",
    "EvidencePointer",
    "ObligationRef",
    "ProjectFile",
    "Question",
    "Questionnaire",
    "Reason",
    "Ruleset",
    "SystemInfo",
    "compare_decisions",
    "decide",
    "evaluate",
    "load_answer_file",
    "load_any_answers",
    "load_project_file",
    "load_questionnaire",
    "load_ruleset",
    "parse_ruleset",
    "validate_answers",
]
