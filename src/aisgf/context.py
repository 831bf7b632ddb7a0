"""The application context: what is in force for one app or one command, made once at start-up.

Settings, the database, the evidence store, the catalog, the ruleset and the questionnaire in force
live on one `AppContext` (Datasette's `datasette` object is the model), and so do their caches. The
app factory makes one per app and each request runs inside it; a command runs inside the context
of the process settings. Loaders that are asked for "the one in force" (`load_ruleset()`,
`load_questionnaire()`, `load_catalog()` without arguments) ask `current()`, so an app built with
other settings reads its own files, not the process's.

Why a context variable and not a parameter on every function: "in force" is asked deep inside
services (reviewer functions, decisions, the catalog's titles) that are called from routes, commands
and other services alike; the variable is set at the two entry points and read where needed, and
each request or thread sees its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisgf.config import Settings, get_settings
from aisgf.sourcefile import file_stamp

if TYPE_CHECKING:
    from aisgf.catalog.model import Catalog
    from aisgf.db import Database
    from aisgf.intake.questionnaire import Questionnaire
    from aisgf.intake.ruleset import Ruleset
    from aisgf.registry.evidence_store import EvidenceStore


class AppContext:
    """Settings and what they select (database, evidence store, catalog, ruleset, questionnaire), with caches.

    The catalog, ruleset and questionnaire are re-read when their files change (each is cached here
    under the stamps of its files), so an imported overlay or an edited ruleset is seen at once.
    """

    def __init__(self, settings: Settings, db: Database | None = None):
        self.settings = settings
        self._db = db
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Any, Any]] = {}

    # -- the database and the evidence store --------------------------------------------------

    @property
    def db(self) -> Database:
        """The database of these settings (opened on first use, checked to be at the newest migration)."""
        if self._db is None:
            from aisgf.db import open_database

            self._db = open_database(self.settings, check_schema=True)
        return self._db

    @cached_property
    def store(self) -> EvidenceStore:
        from aisgf.registry.evidence_store import EvidenceStore

        return EvidenceStore(self.settings.resolved_evidence_dir)

    # -- regulatory content in force ----------------------------------------------------------

    def _cached(self, name: str, stamp: Any, build: Any) -> Any:
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = build()
        with self._lock:
            self._cache[name] = (stamp, value)
        return value

    @property
    def overlay_dir(self) -> Path:
        return self.settings.resolved_overlay_dir

    def catalog(self) -> Catalog:
        """The framework catalog with this context's overlays applied."""
        from aisgf.catalog.loader import overlay_files

        files = overlay_files(self.overlay_dir)
        stamp = tuple(file_stamp(p) for p in files)

        def build() -> Catalog:
            from aisgf.catalog.loader import load_catalog

            return load_catalog(self.overlay_dir)

        return self._cached("catalog", stamp, build)  # type: ignore[no-any-return]

    @property
    def questionnaire_path(self) -> Path:
        from aisgf.intake.questionnaire import SHIPPED_QUESTIONNAIRE, shipped_path

        return self.settings.questionnaire_file or shipped_path(SHIPPED_QUESTIONNAIRE)

    @property
    def ruleset_path(self) -> Path:
        from aisgf.intake.questionnaire import shipped_path
        from aisgf.intake.ruleset import SHIPPED_RULESET

        return self.settings.ruleset_file or shipped_path(SHIPPED_RULESET)

    def questionnaire(self) -> Questionnaire:
        from aisgf.intake.questionnaire import load_questionnaire

        path = self.questionnaire_path
        return self._cached("questionnaire", file_stamp(path),  # type: ignore[no-any-return]
                            lambda: load_questionnaire(path))

    def ruleset(self) -> Ruleset:
        """The ruleset in force, checked against this context's questionnaire and catalog."""
        from aisgf.intake.ruleset import load_ruleset

        catalog, questionnaire, path = self.catalog(), self.questionnaire(), self.ruleset_path
        stamp = (file_stamp(path), id(questionnaire), catalog.digest)
        return self._cached("ruleset", stamp,  # type: ignore[no-any-return]
                            lambda: load_ruleset(path, questionnaire=questionnaire, catalog=catalog))

    def clear(self) -> None:
        """Forget every cached catalog, ruleset and questionnaire (files are read again on next use)."""
        with self._lock:
            self._cache.clear()


_current: ContextVar[AppContext | None] = ContextVar("aisgf_context", default=None)
_process: dict[int, AppContext] = {}
_process_lock = threading.Lock()


def current() -> AppContext:
    """The context in force: the app's (inside a request), the one `use()` set, else the process settings'."""
    ctx = _current.get()
    if ctx is not None:
        return ctx
    settings = get_settings()
    with _process_lock:
        ctx = _process.get(id(settings))
        if ctx is None or ctx.settings is not settings:
            _process.clear()
            ctx = _process[id(settings)] = AppContext(settings)
    return ctx


@contextmanager
def use(ctx: AppContext) -> Iterator[AppContext]:
    """Run a block inside `ctx` (what the app does for each request)."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
