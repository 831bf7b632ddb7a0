"""organisation profile: the installation's one organisation (name, USCC, province, reporter type, incident
contact) and its filing numbers (issue 10, §2)

New tables only; nothing existing changes, so the downgrade drops them.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_profile",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("province", sa.String(length=6), nullable=False),
        sa.Column("reporter_type", sa.String(length=30), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_organisation_profile_singleton")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_profile")),
    )
    op.create_table(
        "organisation_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("service_name", sa.String(length=300), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("upstream_model", sa.String(length=300), nullable=True),
        sa.Column("upstream_number", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_filings")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_organisation_filings_kind")),
    )


def downgrade() -> None:
    op.drop_table("organisation_filings")
    op.drop_table("organisation_profile")
