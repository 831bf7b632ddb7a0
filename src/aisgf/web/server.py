"""`aisgf serve`: open the database (migrating only a new SQLite file), offer the setup link, serve."""

from __future__ import annotations

import secrets
from typing import Any

import typer

from aisgf.cliutil import console
from aisgf.config import get_settings


def serve(
    host: str | None = typer.Option(None, help="Default: AISGF_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="Default: AISGF_PORT or 8000"),
    workers: int = typer.Option(1, min=1, max=64, help="Server processes (pages are CPU-bound: one per core)"),
) -> None:
    """Start the API server (OpenAPI at /docs) with the framework catalog loaded."""
    import uvicorn

    from aisgf.accounts import services as acc
    from aisgf.catalog import load_catalog
    from aisgf.web.app import create_app, warm_up

    settings = get_settings()
    db = _open_for_serving(settings)
    catalog = load_catalog(settings.resolved_overlay_dir)
    console.print(f"catalog {catalog.framework} ({len(catalog.items)} items) · database {db.url}")
    app = create_app(settings, db)
    with db.session() as s:
        has_admin = acc.admin_exists(s)
    if workers > 1:
        if not has_admin:
            # The one-time setup link lives in one process's memory; with several workers a request
            # could land on a process that does not know it. Start with one worker for the setup.
            console.print("[bold red]No administrator exists yet:[/bold red] start once with --workers 1 (or run "
                          "`aisgf user create --admin NAME`), then with more workers.")
            raise typer.Exit(2)
        db.dispose()
        uvicorn.run("aisgf.web.server:worker_app", factory=True, workers=workers, host=host or settings.host,
                    port=port or settings.port, log_level="info")
        return
    if not has_admin:
        # No default password, ever: a one-time link (valid until used or the server stops) lets the
        # first admin choose a password and enrol MFA. Tokens made before then become that admin's.
        app.state.setup_token = secrets.token_urlsafe(24)
        shown_host = host or settings.host
        shown_host = "127.0.0.1" if shown_host in ("0.0.0.0", "::") else shown_host
        console.print("[bold yellow]No administrator exists yet.[/bold yellow] Open this one-time link to create "
                      "the first one (or run `aisgf user create --admin NAME`):")
        console.print(f"  http://{shown_host}:{port or settings.port}/setup/{app.state.setup_token}", soft_wrap=True)
    warm_up(app)
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")


def worker_app() -> Any:
    """The app of one server process when `aisgf serve --workers N` runs several (uvicorn's factory).

    Why several processes are sound here: SQLite in WAL mode lets readers in every process run
    without locks, and every write transaction begins with `BEGIN IMMEDIATE`, so writers (and the
    audit chain's head) are serialised by the database's own lock across processes, not by Python.
    Settings come from the environment (AISGF_*), which the worker processes inherit.
    """
    from aisgf.web.app import create_app, warm_up

    settings = get_settings()
    app = create_app(settings, _open_for_serving(settings))
    warm_up(app)
    return app


def _open_for_serving(settings: Any) -> Any:
    """The server migrates only a new, empty SQLite file (the first start of `scripts/run.sh`);
    any other database must already be at the newest migration (`aisgf db-upgrade`)."""
    from aisgf.db import create_if_empty, open_database

    return create_if_empty(open_database(settings, migrate_schema=False), sqlite_only=True)
