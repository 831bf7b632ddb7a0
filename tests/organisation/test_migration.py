"""Migration 0004 (the organisation tables) upgrades and downgrades on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from aisgf.db import Database, _alembic_config, _import_models, schema_revision
from tests.conftest import _new_pg_database, make_settings

TABLES = {"organisation_profile", "organisation_filings"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = _new_pg_database(request.getfixturevalue("pg_server")) if request.param == "postgresql" else None
    settings = make_settings(tmp_path, url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings)
    yield database  # type: ignore[misc]
    database.dispose()


def _tables(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) & TABLES


def test_0004_up_down_up_keeps_the_rest(empty: Database) -> None:
    _import_models()
    cfg = _alembic_config(empty.engine)
    command.upgrade(cfg, "0003")
    assert _tables(empty) == set()
    command.upgrade(cfg, "0004")
    assert schema_revision(empty.engine) == "0004"
    assert _tables(empty) == TABLES
    with empty.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisation_profile (id, name_zh, uscc, province, reporter_type, contact_name, "
            "contact_phone, updated_at, updated_by, version) VALUES (1, '示例', '914403001922038216', '440000', "
            "'other', '王芳', '010-68359892', CURRENT_TIMESTAMP, 'gina', 1)"))
        # the singleton: a second profile row is refused
        with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
            conn.execute(sa.text(
                "INSERT INTO organisation_profile (id, name_zh, uscc, province, reporter_type, contact_name, "
                "contact_phone, updated_at, updated_by, version) VALUES (2, 'x', 'x', '110000', 'other', 'x', "
                "'x', CURRENT_TIMESTAMP, 'x', 1)"))
        conn.execute(sa.text(
            "INSERT INTO organisation_filings (kind, number, service_name, created_at, created_by) "
            "VALUES ('algorithm_filing', 'A-1', '推荐', CURRENT_TIMESTAMP, 'gina')"))
    command.downgrade(cfg, "0003")
    assert schema_revision(empty.engine) == "0003" and _tables(empty) == set()
    assert "ai_systems" in sa.inspect(empty.engine).get_table_names()
    command.upgrade(cfg, "head")
    assert _tables(empty) == TABLES
