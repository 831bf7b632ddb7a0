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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename); with foreign keys enforced, dropping a
            # table others point to fails. SQLite ignores this PRAGMA inside a transaction, so it is
            # set on the raw connection before the migration's transaction begins, and checked after.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
