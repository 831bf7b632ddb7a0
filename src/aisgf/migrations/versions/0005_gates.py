"""registry gates: obligation phases and sign-offs, waivers that need a second person, launch date,
retirement that can be undone, re-review intervals, go-live overrides, the owner's reply to a send-back
(issue 11, §1 and §4)

Waivers granted before this revision stay valid: they are marked `legacy` for a governance lead to
confirm. The downgrade drops the new columns (and with them the waiver workflow's history, which the
audit trail keeps).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _obligation_columns() -> tuple[sa.Column, ...]:  # type: ignore[type-arg]
    return (
        sa.Column("phase", sa.String(length=20), nullable=False, server_default="before_launch"),
        sa.Column("due_amount", sa.Integer(), nullable=True),
        sa.Column("due_unit", sa.String(length=20), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("signed_off_by", sa.String(length=200), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiver_state", sa.String(length=20), nullable=True),
        sa.Column("waiver_requested_by", sa.String(length=200), nullable=True),
        sa.Column("waiver_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiver_decided_at", sa.DateTime(timezone=True), nullable=True),
    )


def _system_columns() -> tuple[sa.Column, ...]:  # type: ignore[type-arg]
    return (
        sa.Column("live_since", sa.Date(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_from", sa.String(length=30), nullable=True),
        sa.Column("go_live_override", sa.JSON(), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table("obligations") as batch:
        for column in _obligation_columns():
            batch.add_column(column)
    with op.batch_alter_table("ai_systems") as batch:
        for column in _system_columns():
            batch.add_column(column)
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("reply", sa.Text(), nullable=True))
    op.execute("UPDATE obligations SET waiver_state = 'legacy' WHERE status = 'waived'")


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("reply")
    with op.batch_alter_table("ai_systems") as batch:
        for column in reversed(_system_columns()):
            batch.drop_column(column.name)
    with op.batch_alter_table("obligations") as batch:
        for column in reversed(_obligation_columns()):
            batch.drop_column(column.name)
