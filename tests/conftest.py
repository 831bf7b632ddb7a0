"""Shared fixtures: a real SQLite file and a real PostgreSQL database for each test that asks."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aisgf.config import Settings
from aisgf.db import Database, open_database
from tests import pgserver

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer | str]:
    """A PostgreSQL server: AISGF_TEST_POSTGRES_URL if given, else one started from the local binaries."""
    url = os.environ.get("AISGF_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    if pgserver.find_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests, but no server binary is installed")
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    server = pgserver.start()
    yield server
    server.stop()


def _new_pg_database(server: pgserver.PgServer | str) -> str:
    import psycopg

    name = f"aisgf_t{os.getpid()}_{next(_counter)}"
    base = server if isinstance(server, str) else server.url
    conninfo = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    if isinstance(server, str):
        return base.rsplit("/", 1)[0] + "/" + name
    return server.url_for(name)


def make_settings(tmp_path: Path, url: str | None = None, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url, **kw)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database: a SQLite file, then a fresh PostgreSQL database."""
    url = None
    if request.param == "postgresql":
        url = _new_pg_database(request.getfixturevalue("pg_server"))
    database = open_database(make_settings(tmp_path, url))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(make_settings(tmp_path))
    yield database
    database.dispose()


@pytest.fixture
def pg_db(tmp_path: Path, pg_server: pgserver.PgServer | str) -> Iterator[Database]:
    database = open_database(make_settings(tmp_path, _new_pg_database(pg_server)))
    yield database
    database.dispose()


@pytest.fixture
def cli_registry(sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The sqlite_db registry, also reachable by the CLI (``aisgf ... --attach-to``) through AISGF_DATA_DIR."""
    from aisgf.config import get_settings

    monkeypatch.setenv("AISGF_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield sqlite_db
    get_settings.cache_clear()
