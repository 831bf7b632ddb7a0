"""The `aisgf` command: mounts each concern's commands and turns aisgf errors into exit codes."""

from __future__ import annotations

import sys

import typer

from aisgf.cliutil import err_console
from aisgf.errors import AisgfError

app = typer.Typer(
    help="aisgf: China's AI Safety Governance Framework 1.0 (TC260, 2024) for every day.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _mount() -> None:
    from aisgf.audit.cli import app as audit_app
    from aisgf.catalog.cli import app as catalog_app
    from aisgf.intake.cli import register as register_intake
    from aisgf.intake.cli import rules_app
    from aisgf.registry.cli import register as register_registry
    from aisgf.web.server import serve

    app.add_typer(catalog_app, name="catalog", help="The framework catalog (bilingual, with provenance).")
    register_intake(app)
    app.add_typer(rules_app, name="rules", help="Tiering rules.")
    register_registry(app, rules_app)
    app.add_typer(audit_app, name="audit")
    app.command("serve")(serve)
    from aisgf.accounts.cli import register as register_accounts

    register_accounts(app)

    @app.command("db-upgrade")
    def db_upgrade(
        map_owner: list[str] = typer.Option(
            [], "--map-owner", metavar="NAME=USERNAME",
            help="Owner name stored as text (before owners were accounts) -> the account it means; repeatable."),
    ) -> None:
        """Create the database or bring its schema up to date."""
        from aisgf.cliutil import console
        from aisgf.config import get_settings
        from aisgf.db import open_database
        from aisgf.errors import InvalidInput

        owner_map: dict[str, str] = {}
        for pair in map_owner:
            name, sep, username = pair.rpartition("=")
            if not sep or not name.strip() or not username.strip():
                raise InvalidInput(f"--map-owner takes NAME=USERNAME, not {pair!r}", where="--map-owner")
            owner_map[name] = username.strip()
        database = open_database(get_settings(), migrate_schema=True, owner_map=owner_map)
        console.print(f"database ready: {database.url}")

    for optional in ("aisgf.screening.cli", "aisgf.labeling.cli"):
        _mount_optional(optional)


def _mount_optional(module: str) -> None:
    """Libraries that may be absent in a slim install mount their commands when present."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    if hasattr(mod, "register"):
        mod.register(app)
    elif hasattr(mod, "app"):
        app.add_typer(mod.app, name=module.split(".")[1].replace("labeling", "label"))


_mount()


def main() -> None:
    try:
        rv = app(standalone_mode=False)
        # click returns the code of a typer.Exit instead of exiting when not standalone
        sys.exit(rv if isinstance(rv, int) else 0)
    except AisgfError as exc:
        err_console.print(f"[red]error[/red]: {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click's own usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
