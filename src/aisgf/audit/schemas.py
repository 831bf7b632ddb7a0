"""Typed shapes of the audit trail as the API, the CLI and the pages give it out.

Why: the event is the unit an auditor exports and re-verifies offline, so its shape (field order
included: the JSON Lines export and `aisgf audit log --json` print it) is written once, here, and
the OpenAPI document describes it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aisgf.audit.models import AuditEvent


class AuditEventOut(BaseModel):
    """One event of the hash chain; `hash` covers every other field and `prev_hash` links the chain."""

    seq: int
    at: str = Field(description="UTC time, ISO 8601 with microseconds (part of the hashed content)")
    actor: str
    action: str
    entity_type: str
    entity_id: str
    payload: dict[str, Any] = Field(description="what changed; its shape depends on the action")
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, ev: AuditEvent) -> AuditEventOut:
        return cls(seq=ev.seq, at=ev.at, actor=ev.actor, action=ev.action, entity_type=ev.entity_type,
                   entity_id=ev.entity_id, payload=json.loads(ev.payload), prev_hash=ev.prev_hash, hash=ev.hash)


class EventsPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


class Checkpoint(BaseModel):
    """A signed checkpoint: the head the log must still contain."""

    model_config = ConfigDict(extra="allow")

    format: str
    seq: int
    hash: str
    created_at: str
    key: str = Field(description="fingerprint of the signing key")
    signature: str


class VerifyOut(BaseModel):
    """The outcome of recomputing the chain; `ok: false` names the first bad event and why."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str | None
    seconds: float
    checkpoint: Checkpoint | None
    events_per_second: int | None
