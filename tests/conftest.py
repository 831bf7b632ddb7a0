"""Shared fixtures: a real SQLite file and a real PostgreSQL database for each test that asks.

Why templates: running the Alembic migrations costs about a second per database, paid by hundreds
of tests; so each session (each xdist worker) migrates once into a template — a SQLite file copied
per test, a PostgreSQL database that `CREATE DATABASE ... TEMPLATE` clones — and the migrations
themselves keep their own tests (tests/test_migrations.py, db-upgrade through the CLI).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

# Cheap argon2 parameters for every account the suite creates (set before any settings are read;
# subprocesses inherit it). tests/accounts checks that such hashes are upgraded under "standard".
os.environ["AISGF_PASSWORD_HASH_PROFILE"] = "test"
# xdist workers inherit COLUMNS=80; a Rich console made while it is set keeps that width for good,
# so the CLI tests' own COLUMNS (200) would not apply to the modules imported later in the worker.
os.environ.pop("COLUMNS", None)

from aisgf.config import Settings
from aisgf.db import Database, make_engine, migrate, open_database
from tests import pgserver

_counter = itertools.count()


def worker_id() -> str:
    """The xdist worker's name (gw0, gw1, …), or "main" without xdist: keeps shared names apart."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


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


def _pg_url(server: pgserver.PgServer | str, name: str) -> str:
    if isinstance(server, str):
        return server.rsplit("/", 1)[0] + "/" + name
    return server.url_for(name)


def _new_pg_database(server: pgserver.PgServer | str, template: str | None = None) -> str:
    """A new database on the server (a clone of `template` when given), named apart per worker and process."""
    import psycopg

    name = f"aisgf_t{worker_id()}_{os.getpid()}_{next(_counter)}"
    base = server if isinstance(server, str) else server.url
    conninfo = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        clone = ""
        if template:  # FILE_COPY (PostgreSQL 15+) copies a small template faster than the default WAL_LOG
            clone = f' TEMPLATE "{template}"' + (" STRATEGY = FILE_COPY" if conn.info.server_version >= 150000 else "")
        conn.execute(f'CREATE DATABASE "{name}"{clone}')
    return _pg_url(server, name)


@pytest.fixture(scope="session")
def pg_template(pg_server: pgserver.PgServer | str) -> str:
    """The name of a migrated PostgreSQL database to clone (no connection may stay open to it)."""
    url = _new_pg_database(pg_server)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, checkpointed so that the one file holds everything, to copy per test."""
    path = tmp_path_factory.mktemp("template") / "aisgf.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def make_settings(tmp_path: Path, url: str | None = None, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url, **kw)  # type: ignore[arg-type]


def _from_template(settings: Settings, template: Path) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, settings.data_dir / "aisgf.db")
    return open_database(settings, migrate_schema=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "postgresql":
        url = _new_pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template"))
        database = open_database(make_settings(tmp_path, url), migrate_schema=False)
    else:
        database = _from_template(make_settings(tmp_path), request.getfixturevalue("sqlite_template"))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    database = _from_template(make_settings(tmp_path), sqlite_template)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(tmp_path: Path, pg_server: pgserver.PgServer | str, pg_template: str) -> Iterator[Database]:
    url = _new_pg_database(pg_server, pg_template)
    database = open_database(make_settings(tmp_path, url), migrate_schema=False)
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
