"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from aisgf.base import Base
from aisgf.db import Database, _import_models


def test_migrations_match_the_models(db: Database) -> None:
    _import_models()
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], f"models and migrations differ; write a migration: {diffs}"
