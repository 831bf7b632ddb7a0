"""Registry tables.

Why these shapes: an assessment is never edited, only superseded (history is evidence too); an
obligation is one catalog item owed by one system; evidence files are stored once by SHA-256 and
linked to as many obligations as they support; a review always names the assessment it judged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aisgf.accounts.models import User
from aisgf.base import Base
from aisgf.registry.choices import OUTSTANDING


class AISystem(Base):
    __tablename__ = "ai_systems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # The owner is an account: who may see the system, and whom the operations side notifies.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    org_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    sector: Mapped[str] = mapped_column(String(50), default="general")
    status: Mapped[str] = mapped_column(String(30), default="intake", index=True)
    tier: Mapped[str | None] = mapped_column(String(10), index=True)
    lane: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The day it went live (the clock of duties due N working days after launch).
    live_since: Mapped[date | None] = mapped_column(Date)
    # When its current review round was approved: periodic re-review counts from here (6.3(b)).
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The status it had when retired, so a governance lead can reinstate it exactly.
    retired_from: Mapped[str | None] = mapped_column(String(30))
    # A governance lead put it live with items still open: who, when, why, and what was open.
    go_live_override: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Optimistic lock: a stale form (second tab, old API read) cannot overwrite a newer change.
    version: Mapped[int] = mapped_column(Integer, default=1)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="system", order_by="Assessment.number", cascade="all, delete-orphan")
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="system", order_by="Obligation.id", cascade="all, delete-orphan")
    # Loaded with the system (one join), since every view of a system shows its owner.
    owner_account: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def owner(self) -> str:
        """The owner's username (what lists, pages, JSON and audit payloads show)."""
        return self.owner_account.username

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("system_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    tier: Mapped[str] = mapped_column(String(10))
    lane: Mapped[str] = mapped_column(String(10))
    catalog_version: Mapped[str] = mapped_column(String(100))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    # Reviews of assessments from `review_round_start` on count for this one (see services).
    review_round_start: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The owner's answer to the reviewers who sent the previous assessment back.
    reply: Mapped[str | None] = mapped_column(Text)

    system: Mapped[AISystem] = relationship(back_populates="assessments")


class Obligation(Base):
    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("system_id", "catalog_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    catalog_id: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    waived_by: Mapped[str | None] = mapped_column(String(200))
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    waiver_expires: Mapped[date | None] = mapped_column(Date)
    # before_launch (gates going live), after_launch (due `due_amount` `due_unit` after the launch date),
    # ongoing (event-driven: incidents, changes, transfers; never gates the launch).
    phase: Mapped[str] = mapped_column(String(20), default="before_launch", server_default="before_launch")
    due_amount: Mapped[int | None] = mapped_column(Integer)
    due_unit: Mapped[str | None] = mapped_column(String(20))
    # The due date was counted on weekdays: the official calendar of that year is not loaded yet.
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "met" without evidence needs a named sign-off.
    signed_off_by: Mapped[str | None] = mapped_column(String(200))
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # requested → approved | refused (a second person decides); legacy: granted before the workflow.
    waiver_state: Mapped[str | None] = mapped_column(String(20))
    waiver_requested_by: Mapped[str | None] = mapped_column(String(200))
    waiver_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waiver_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    system: Mapped[AISystem] = relationship(back_populates="obligations")
    evidence_links: Mapped[list[EvidenceLink]] = relationship(back_populates="obligation")
    owner_account: Mapped[User | None] = relationship(lazy="joined")

    @property
    def owner(self) -> str | None:
        """The username of the person who answers for this obligation, if one is named."""
        return self.owner_account.username if self.owner_account is not None else None

    @hybrid_method
    def overdue_on(self, day: date) -> bool:
        """Overdue: still owed (open or in progress) and due before `day`.

        The one definition of "overdue", for a row in Python and, on the class, in SQL
        (`where(Obligation.overdue_on(today))`). The SQL form compares `lower(status)` so that
        SQLite leads with the due-date index rather than the status index, which holds nearly
        every obligation.
        """
        return self.due_date is not None and self.due_date < day and self.status in OUTSTANDING

    @overdue_on.inplace.expression  # type: ignore[attr-defined]  # hybrid_method stubs lack .expression
    @classmethod
    def _overdue_on_sql(cls, day: date) -> ColumnElement[bool]:
        return and_(cls.due_date < day, func.lower(cls.status).in_([s.value for s in OUTSTANDING]))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # file | uri
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    filename: Mapped[str | None] = mapped_column(String(300))
    media_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    uri: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[date | None] = mapped_column(Date)

    links: Mapped[list[EvidenceLink]] = relationship(back_populates="evidence", cascade="all, delete-orphan")


class EvidenceLink(Base):
    __tablename__ = "evidence_links"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), primary_key=True)

    evidence: Mapped[Evidence] = relationship(back_populates="links")
    obligation: Mapped[Obligation] = relationship(back_populates="evidence_links")


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    function: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
