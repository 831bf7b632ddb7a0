"""Organisation tables: the one profile of the installation, and its filings.

Why a singleton row: an installation serves one organisation, whose name, credit code, province and
reporter type every filing pack and incident report repeats; one row (id 1, held by a check
constraint) cannot disagree with itself. Filings are rows of their own: an organisation holds many
(one per algorithm, service or assessment), each added and removed with its audit event.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aisgf.base import Base

#: The id of the one profile row.
PROFILE_ID = 1


class OrganisationProfile(Base):
    __tablename__ = "organisation_profile"
    __table_args__ = (CheckConstraint(f"id = {PROFILE_ID}", name="singleton"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    province: Mapped[str] = mapped_column(String(6))          # GB/T 2260 code (data/provinces.yaml)
    reporter_type: Mapped[str] = mapped_column(String(30))    # choices.ReporterType
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(200))
    # Optimistic lock: a form loaded before someone else's change cannot overwrite it unseen.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Filing(Base):
    """One filing, registration or assessment number the organisation holds, and what it covers."""

    __tablename__ = "organisation_filings"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))             # choices.FilingKind
    number: Mapped[str] = mapped_column(String(100))
    service_name: Mapped[str] = mapped_column(String(300))    # the service or algorithm it covers
    filed_on: Mapped[date | None] = mapped_column(Date)
    upstream_model: Mapped[str | None] = mapped_column(String(300))
    upstream_number: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
