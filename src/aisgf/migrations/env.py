"""Alembic environment: runs against the engine that `aisgf.db.migrate` hands in."""

from __future__ import annotations

from alembic import context

from aisgf.base import Base
from aisgf.db import _import_models

_import_models()
config = context.config
engine = config.attributes.get("engine")


def run_migrations_online() -> None:
    if engine is None:  # pragma: no cover - only when someone runs the alembic CLI directly
        raise RuntimeError("run migrations through aisgf.db.migrate() (aisgf db upgrade)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
