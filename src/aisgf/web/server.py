"""`aisgf serve`: open (create, migrate) the database, make sure writes can be authorised, serve."""

from __future__ import annotations

import typer

from aisgf.cliutil import console, default_actor
from aisgf.config import get_settings
from aisgf.db import open_database


def serve(
    host: str | None = typer.Option(None, help="Default: AISGF_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="Default: AISGF_PORT or 8000"),
) -> None:
    """Start the API server (OpenAPI at /docs) with the framework catalog loaded."""
    import uvicorn

    from aisgf.catalog import load_catalog
    from aisgf.registry import services as svc
    from aisgf.web.app import create_app

    settings = get_settings()
    db = open_database(settings)
    catalog = load_catalog(settings.resolved_overlay_dir)
    console.print(f"catalog {catalog.framework} ({len(catalog.items)} items) · database {db.url}")
    if not settings.api_token:
        with db.session() as s:
            if not svc.has_active_token(s):
                token = svc.create_api_token(s, name="initial", actor=default_actor())
                console.print("[bold yellow]First start: an API token for writes was created. It is shown once; "
                              "keep it:[/bold yellow]")
                console.print(f"  Authorization: Bearer {token}")
    app = create_app(settings, db)
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="info")
