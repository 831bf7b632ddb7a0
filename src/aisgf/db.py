"""Database access: one engine per URL, sessions that commit or roll back as a whole.

Why it is here: every concern stores its tables through the same `Database`, so one place decides
SQLite tuning (WAL, busy timeout, immediate write transactions), schema migration (Alembic) and
how driver errors become `aisgf.errors` a person can act on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from aisgf.base import Base as Base  # re-exported: older imports of aisgf.db.Base keep working
from aisgf.config import Settings, get_settings
from aisgf.errors import AisgfError, Conflict, DatabaseUnavailable


def _import_models() -> None:
    # Each concern owns its tables; importing them registers them on Base.metadata.
    import aisgf.accounts.models
    import aisgf.audit.models
    import aisgf.lineage.models
    import aisgf.organisation.models
    import aisgf.registry.models  # noqa: F401


def make_engine(url: str, *, busy_timeout_s: float = 10.0) -> Engine:
    """Create an engine; SQLite gets WAL mode and immediate write locks.

    SQLite's default deferred transactions let two writers both read the audit head and then fail
    on upgrade with "database is locked" regardless of the busy timeout; `BEGIN IMMEDIATE` makes the
    second writer wait for the first instead, which is what keeps the audit chain linear.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine | None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, *, owner_map: dict[str, str] | None = None) -> None:
    """Bring the schema to the newest Alembic revision (idempotent).

    `owner_map` maps owner names stored as text before owners were accounts to usernames
    (migration 0003; `aisgf db-upgrade --map-owner NAME=USERNAME`).
    """
    from alembic import command

    _import_models()
    cfg = _alembic_config(engine)
    cfg.attributes["owner_map"] = dict(owner_map or {})
    try:
        command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot migrate the database: {_reason(exc)}", where=_safe_url(engine)) from exc



def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


STALE_MESSAGE = "the record changed while you were editing it; reload and try again"


def map_database_error(exc: Exception, where: str | None = None) -> AisgfError | None:
    """The aisgf error for a driver/ORM error, or None for one that is not the database's to explain.

    httpx's `map_exceptions` is the model: foreign errors become the platform's own at one boundary
    (`Database.session`), so the CLI prints a message and an exit code, and the API a problem document,
    instead of a traceback. A stale write (another writer bumped the row's version first) and a broken
    constraint are conflicts with the stored state; a locked or unreachable database is unavailable.
    """
    if isinstance(exc, StaleDataError):
        return Conflict(STALE_MESSAGE)
    if isinstance(exc, IntegrityError):
        return Conflict(f"the change conflicts with stored data: {str(exc.orig)[:200]}")
    if isinstance(exc, OperationalError):
        return DatabaseUnavailable(f"database error (locked, unreachable or not migrated): {_reason(exc)}",
                                   where=where)
    return None


class Database:
    """An engine, its session factory, and the evidence folder that belongs with it."""

    def __init__(self, settings: Settings, engine: Engine | None = None):
        self.settings = settings
        self.engine = engine or make_engine(
            settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s
        )
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return _safe_url(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls everything back on any error."""
        s = self._factory()
        try:
            yield s
            s.commit()
        except (StaleDataError, IntegrityError, OperationalError) as exc:
            s.rollback()
            mapped = map_database_error(exc, where=self.url)
            assert mapped is not None
            raise mapped from exc
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def is_migrated(self) -> bool:
        try:
            return inspect(self.engine).has_table("audit_events")
        except OperationalError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def head_revision() -> str:
    """The newest migration shipped with this version of aisgf."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic_config(None)).get_current_head())


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot read the database schema: {_reason(exc)}", where=_safe_url(engine)) from exc


def is_empty(engine: Engine) -> bool:
    """True for a database with no tables at all (a new SQLite file, an empty PostgreSQL schema)."""
    try:
        return not inspect(engine).get_table_names()
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot read the database: {_reason(exc)}", where=_safe_url(engine)) from exc


def require_head(db: Database) -> None:
    """Refuse to work on a schema that is not at the newest migration, naming the command that fixes it.

    Why: migrating is a decision (a backup first, a shared PostgreSQL schema other versions still
    use), so only `aisgf db-upgrade` makes it; every other command only checks.
    """
    current, head = schema_revision(db.engine), head_revision()
    if current != head:
        state = "has no aisgf schema yet" if current is None else f"is at migration {current}, not {head}"
        raise DatabaseUnavailable(f"the database {state}: run aisgf db-upgrade", where=db.url)


def create_if_empty(db: Database, *, sqlite_only: bool = False) -> Database:
    """Bootstrap steps (the server's first start, the first admin, restore) create the schema of an
    empty database (with `sqlite_only`, only of an empty SQLite file); any other database must
    already be at the newest migration."""
    if (db.is_sqlite or not sqlite_only) and is_empty(db.engine):
        migrate(db.engine)
    else:
        require_head(db)
    return db


def open_database(settings: Settings | None = None, *, migrate_schema: bool = True,
                  check_schema: bool = False, owner_map: dict[str, str] | None = None) -> Database:
    """Open the configured database: migrate it (the default, for the Python API and tests), or only
    check that it is at the newest migration (`check_schema`, for every CLI command but db-upgrade)."""
    settings = settings or get_settings()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings)
    if check_schema:
        require_head(db)
    elif migrate_schema:
        migrate(db.engine, owner_map=owner_map)
    return db
