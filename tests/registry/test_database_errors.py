"""A locked or unreachable database is a clear error, and nothing stored is lost or half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aisgf.audit.service import verify_chain
from aisgf.db import open_database
from aisgf.errors import DatabaseUnavailable
from aisgf.registry import services as svc
from tests.answers import LOW
from tests.conftest import make_settings
from tests.people import add_owners, owner_accounts, who

_owners = owner_accounts("alice", "bob")


def test_unreachable_database_names_the_url(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable) as ei:
        open_database(settings)
    assert "127.0.0.1:1" in str(ei.value)


def test_locked_sqlite_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    db = open_database(make_settings(tmp_path, db_busy_timeout_s=0.2))
    add_owners(db, "alice", "bob")
    with db.session() as s:
        svc.register_system(s, name="Kept", owner="alice", answers=LOW, by=who(s, "alice"))
    blocker = sqlite3.connect(tmp_path / "data" / "aisgf.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(DatabaseUnavailable) as ei, db.session() as s:
            svc.register_system(s, name="Lost?", owner="bob", answers=LOW, by=who(s, "bob"))
        assert "locked" in str(ei.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with db.session() as s:
        names = [x.name for x in svc.list_systems(s)[0]]
    assert names == ["Kept"]
    assert verify_chain(db.engine).ok
    db.dispose()
