"""`aisgf serve`: open (create, migrate) the database, offer the first-admin setup link if needed, serve."""

from __future__ import annotations

import secrets

import typer

from aisgf.cliutil import console
from aisgf.config import get_settings
from aisgf.db import open_database


def serve(
    host: str | None = typer.Option(None, help="Default: AISGF_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="Default: AISGF_PORT or 8000"),
) -> None:
    """Start the API server (OpenAPI at /docs) with the framework catalog loaded."""
    import uvicorn

    from aisgf.accounts import services as acc
    from aisgf.catalog import load_catalog
    from aisgf.web.app import create_app

    settings = get_settings()
    db = open_database(settings)
    catalog = load_catalog(settings.resolved_overlay_dir)
    console.print(f"catalog {catalog.framework} ({len(catalog.items)} items) · database {db.url}")
    app = create_app(settings, db)
    with db.session() as s:
        has_admin = acc.admin_exists(s)
    if not has_admin:
        # No default password, ever: a one-time link (valid until used or the server stops) lets the
        # first admin choose a password and enrol MFA. Tokens made before then become that admin's.
        app.state.setup_token = secrets.token_urlsafe(24)
        shown_host = host or settings.host
        shown_host = "127.0.0.1" if shown_host in ("0.0.0.0", "::") else shown_host
        console.print("[bold yellow]No administrator exists yet.[/bold yellow] Open this one-time link to create "
                      "the first one (or run `aisgf user create --admin NAME`):")
        console.print(f"  http://{shown_host}:{port or settings.port}/setup/{app.state.setup_token}", soft_wrap=True)
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")
