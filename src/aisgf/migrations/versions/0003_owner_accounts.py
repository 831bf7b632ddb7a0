"""owners are accounts: ai_systems.owner and obligations.owner (free text) become owner_id (issue 9)

Each owner name is mapped to an account case- and space-insensitively: its username, else its
e-mail address (when exactly one account has it), else an explicit mapping given to
`aisgf db-upgrade --map-owner "NAME=USERNAME"`. If any name has no account, nothing is changed:
the upgrade stops and lists every such name with the systems that use it, so the accounts can be
created (with the version that wrote the data) or the names mapped, and the upgrade run again.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from aisgf.errors import Conflict

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _normal(name: str) -> str:
    return " ".join(name.split()).lower()


def _unmapped(names: dict[str, list[str]]) -> Conflict:
    """The error that lists owner names with no account (the CLI prints it, exit code 4)."""
    listed = "; ".join(f"{n!r} (systems: {', '.join(sorted(set(keys)))})" for n, keys in sorted(names.items()))
    return Conflict(
            f"{len(names)} owner name(s) have no account: {listed}. Create the accounts "
            "(aisgf user create NAME --role owner, with the aisgf version that wrote this database) or map "
            "each name to an existing account: aisgf db-upgrade --map-owner 'NAME=USERNAME' (repeatable); "
            "nothing was changed",
            where="database upgrade to 0003 (owners are accounts)",
    )


def _resolve(conn: sa.Connection) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Map every owner text in use to a user ID; return (mapping, names without an account)."""
    users = conn.execute(sa.text("SELECT id, username, email FROM users")).all()
    by_username = {u.username: u.id for u in users}
    by_email: dict[str, list[int]] = {}
    for u in users:
        if u.email:
            by_email.setdefault(u.email.strip().lower(), []).append(u.id)
    explicit = {_normal(k): v for k, v in (context.config.attributes.get("owner_map") or {}).items()}
    uses: dict[str, list[str]] = {}
    for owner, key in conn.execute(sa.text("SELECT owner, key FROM ai_systems")):
        uses.setdefault(owner, []).append(key)
    for owner, key in conn.execute(sa.text(
            "SELECT o.owner, s.key FROM obligations o JOIN ai_systems s ON s.id = o.system_id "
            "WHERE o.owner IS NOT NULL AND o.owner <> ''")):
        uses.setdefault(owner, []).append(key)
    mapping: dict[str, int] = {}
    missing: dict[str, list[str]] = {}
    for owner, keys in uses.items():
        n = _normal(owner)
        uid = None
        if n in explicit:
            uid = by_username.get(_normal(explicit[n]))
        elif n in by_username:
            uid = by_username[n]
        elif len(by_email.get(n, [])) == 1:
            uid = by_email[n][0]
        if uid is None:
            missing[owner] = keys
        else:
            mapping[owner] = uid
    return mapping, missing


def upgrade() -> None:
    conn = op.get_bind()
    mapping, missing = _resolve(conn)
    if missing:
        raise _unmapped(missing)  # before any change: the database stays at 0002
    with op.batch_alter_table("ai_systems") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("obligations") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    for owner, uid in mapping.items():
        conn.execute(sa.text("UPDATE ai_systems SET owner_id = :uid WHERE owner = :owner"), {"uid": uid, "owner": owner})
        conn.execute(sa.text("UPDATE obligations SET owner_id = :uid WHERE owner = :owner"),
                     {"uid": uid, "owner": owner})
    with op.batch_alter_table("ai_systems") as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(batch.f("ix_ai_systems_owner_id"), ["owner_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_ai_systems_owner_id_users"), "users", ["owner_id"], ["id"])
        batch.drop_column("owner")
    with op.batch_alter_table("obligations") as batch:
        batch.create_foreign_key(batch.f("fk_obligations_owner_id_users"), "users", ["owner_id"], ["id"])
        batch.drop_column("owner")


def downgrade() -> None:
    with op.batch_alter_table("ai_systems") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
    with op.batch_alter_table("obligations") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE ai_systems SET owner = (SELECT username FROM users WHERE users.id = owner_id)"))
    conn.execute(sa.text("UPDATE obligations SET owner = (SELECT username FROM users WHERE users.id = owner_id)"))
    with op.batch_alter_table("ai_systems") as batch:
        batch.alter_column("owner", existing_type=sa.String(length=200), nullable=False)
        batch.drop_constraint("fk_ai_systems_owner_id_users", type_="foreignkey")
        batch.drop_index("ix_ai_systems_owner_id")
        batch.drop_column("owner_id")
    with op.batch_alter_table("obligations") as batch:
        batch.drop_constraint("fk_obligations_owner_id_users", type_="foreignkey")
        batch.drop_column("owner_id")
