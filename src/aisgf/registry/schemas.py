"""Typed shapes of the registry as the API, the CLI's `--json` and the audit payloads give it out.

Why typed: the REST API declares these as response models, so the OpenAPI document describes every
field of a system, an assessment, an obligation, a piece of evidence and a review; the CLI prints the
same models (`model_dump(mode="json")`), so the shape is written once. Built from the ORM rows
(`of`); where a field depends on the day (``overdue``, ``expired``) the caller passes the registry's
clock (`services.today()`), so the whole registry answers from one clock.

The intake decision stays typed from engine to storage to page: an assessment stores the engine's
`Decision` as JSON (without the answers, which have their own column); `decision_of` reads it back
as the same `Decision`, and `StoredDecision` is its stored shape in the API.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from aisgf.intake.engine import Decision
from aisgf.registry.choices import Lifecycle, ObligationStatus, ReviewDecision
from aisgf.registry.models import AISystem, Assessment, Evidence, Obligation, Review


def _iso_utc(t: datetime) -> str:
    # SQLite gives back the stored UTC time without its offset; a date-time always carries one.
    return (t if t.tzinfo is not None else t.replace(tzinfo=UTC)).isoformat()


#: A timestamp printed with `isoformat()` (``+00:00``, never ``Z``), as the registry always has; always
#: with its offset (RFC 3339 date-time), also when the database gave it back without one.
Timestamp = Annotated[
    datetime,
    PlainSerializer(_iso_utc, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class StoredDecision(Decision):
    """The decision as an assessment stores it: the engine's `Decision` without the answers."""

    answers: dict[str, Any] = Field(default_factory=dict, exclude=True,
                                    description="kept in the assessment's own `answers` field")


def decision_of(a: Assessment) -> Decision:
    """The typed decision of an assessment, read back from its stored JSON (the answers rejoin it).

    Decisions stored before the engine reported risks apart read back with no risks."""
    return Decision.model_validate({**a.decision, "answers": a.answers})


class AssessmentOut(BaseModel):
    number: int
    tier: str
    lane: str
    answers: dict[str, Any] = Field(description="the answers as assessed: validated, defaults filled")
    decision: StoredDecision
    catalog_version: str
    ruleset_hash: str
    review_round_start: int = Field(description="the assessment number whose reviews still count")
    created_by: str
    created_at: Timestamp

    @classmethod
    def of(cls, a: Assessment) -> AssessmentOut:
        return cls(number=a.number, tier=a.tier, lane=a.lane, answers=a.answers,
                   decision=StoredDecision.model_validate({**a.decision, "answers": a.answers}),
                   catalog_version=a.catalog_version, ruleset_hash=a.ruleset_hash,
                   review_round_start=a.review_round_start, created_by=a.created_by, created_at=a.created_at)


class ReviewOut(BaseModel):
    id: int
    function: str
    decision: ReviewDecision
    reason: str
    reviewer: str
    at: Timestamp
    assessment_id: int

    @classmethod
    def of(cls, r: Review) -> ReviewOut:
        return cls(id=r.id, function=r.function, decision=ReviewDecision(r.decision), reason=r.reason,
                   reviewer=r.reviewer, at=r.at, assessment_id=r.assessment_id)


class ObligationOut(BaseModel):
    id: int
    system: str = Field(description="the system's key")
    catalog_id: str
    title: str
    status: ObligationStatus
    required: bool = Field(description="false once a later assessment no longer asks for it")
    owner: str | None
    due_date: date | None
    note: str | None
    waived_by: str | None
    waiver_reason: str | None
    waiver_expires: date | None
    waiver_state: str | None = Field(default=None, description="requested, approved, refused, or legacy (granted "
                                     "before waivers needed a second person; a governance lead confirms it)")
    waiver_requested_by: str | None = None
    phase: str = Field(default="before_launch", description="before_launch (gates going live), after_launch (due "
                       "after the launch date), ongoing (event-driven)")
    due_after_launch: str | None = Field(default=None, description="e.g. '10 working_days' for an after_launch item")
    due_provisional: bool = Field(default=False, description="the due date was counted without that year's "
                                  "official calendar")
    signed_off_by: str | None = None
    overdue: bool
    evidence: list[int] = Field(description="IDs of the evidence linked to it")
    updated_at: Timestamp | None
    version: int = Field(description="send it back as expected_version to update without losing a change")

    @classmethod
    def of(cls, ob: Obligation, today: date) -> ObligationOut:
        return cls(
            id=ob.id, system=ob.system.key, catalog_id=ob.catalog_id, title=ob.title,
            status=ObligationStatus(ob.status), required=ob.required, owner=ob.owner, due_date=ob.due_date,
            note=ob.note, waived_by=ob.waived_by, waiver_reason=ob.waiver_reason, waiver_expires=ob.waiver_expires,
            waiver_state=ob.waiver_state, waiver_requested_by=ob.waiver_requested_by, phase=ob.phase or "before_launch",
            due_after_launch=f"{ob.due_amount} {ob.due_unit}" if ob.due_amount and ob.due_unit else None,
            due_provisional=bool(ob.due_provisional), signed_off_by=ob.signed_off_by,
            overdue=ob.overdue_on(today),
            evidence=[link.evidence_id for link in ob.evidence_links], updated_at=ob.updated_at or None,
            version=ob.version,
        )


class EvidenceOut(BaseModel):
    id: int
    kind: str = Field(description="file or uri")
    sha256: str | None
    filename: str | None
    media_type: str | None
    size: int | None
    uri: str | None
    description: str
    added_by: str
    added_at: Timestamp
    expires_at: date | None
    expired: bool
    obligations: list[str] = Field(description="catalog IDs of the obligations it serves")

    @classmethod
    def of(cls, ev: Evidence, today: date) -> EvidenceOut:
        return cls(id=ev.id, kind=ev.kind, sha256=ev.sha256, filename=ev.filename, media_type=ev.media_type,
                   size=ev.size, uri=ev.uri, description=ev.description, added_by=ev.added_by,
                   added_at=ev.added_at, expires_at=ev.expires_at,
                   expired=bool(ev.expires_at and ev.expires_at < today),
                   obligations=[link.obligation.catalog_id for link in ev.links])


class LaunchGapOut(BaseModel):
    """One thing that keeps a system from going live (GET /api/systems/{ref}/launch-gaps)."""

    reason: str = Field(description="open, in_progress, met_without_evidence, not_applicable_without_reason, "
                        "waiver_requested, waiver_expired or review_missing")
    ref: str = Field(description="the obligation's catalog ID, or the reviewer function")
    obligation: int | None = Field(default=None, description="the obligation's ID")
    title: str = ""


class SystemOut(BaseModel):
    id: int
    key: str
    name: str
    owner: str
    description: str
    org_roles: list[str]
    sector: str
    status: Lifecycle
    tier: str | None
    lane: str | None
    assessment: int | None = Field(description="number of the current assessment")
    version: int = Field(description="send it back as expected_version to change without losing a change")
    created_at: Timestamp
    updated_at: Timestamp
    live_since: date | None = Field(default=None, description="the day it went live")
    retired_from: str | None = Field(default=None, description="the status it left when retired")
    go_live_override: dict[str, Any] | None = Field(
        default=None, description="set when a governance lead put it live with items open: by, at, reason, open")

    @classmethod
    def of(cls, system: AISystem) -> SystemOut:
        return cls(**cls._fields_of(system))

    @staticmethod
    def _fields_of(system: AISystem) -> dict[str, Any]:
        a = system.assessments[-1] if system.assessments else None
        return {"id": system.id, "key": system.key, "name": system.name, "owner": system.owner,
                "description": system.description, "org_roles": system.org_roles, "sector": system.sector,
                "status": system.status, "tier": system.tier, "lane": system.lane,
                "assessment": a.number if a else None, "version": system.version,
                "created_at": system.created_at, "updated_at": system.updated_at,
                "live_since": system.live_since, "retired_from": system.retired_from,
                "go_live_override": system.go_live_override}


class SystemDetail(SystemOut):
    """A system with its current assessment, the reviews it waits for, obligations, evidence and reviews."""

    current_assessment: AssessmentOut | None
    reviews_required: dict[str, ReviewOut | None] = Field(
        description="each function the current review round needs: its latest review, or null while waiting")
    obligations: list[ObligationOut]
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]

    @classmethod
    def build(cls, system: AISystem, *, today: date, review_state: dict[str, Review | None],
              evidence: list[Evidence], reviews: list[Review]) -> SystemDetail:
        a = system.assessments[-1] if system.assessments else None
        return cls(
            **cls._fields_of(system),
            current_assessment=AssessmentOut.of(a) if a else None,
            reviews_required={f: (ReviewOut.of(r) if r else None) for f, r in review_state.items()},
            obligations=[ObligationOut.of(o, today) for o in system.obligations],
            evidence=[EvidenceOut.of(e, today) for e in evidence],
            reviews=[ReviewOut.of(r) for r in reviews],
        )


class SystemsPage(BaseModel):
    items: list[SystemOut]
    total: int
    limit: int
    offset: int


class ObligationsPage(BaseModel):
    items: list[ObligationOut]
    total: int
    limit: int
    offset: int


class Reassessed(BaseModel):
    """A new assessment and the system after it (reviews may have reopened)."""

    assessment: AssessmentOut
    system: SystemOut


class ReviewRecorded(BaseModel):
    """The review and the system after it (the last approval moves it to approved)."""

    review: ReviewOut
    system: SystemOut
