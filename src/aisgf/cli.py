"""The `aisgf` command: mounts each concern's commands lazily and turns aisgf errors into exit codes.

Why lazy: a concern's CLI module imports what its commands need (SQLAlchemy for the registry, numba
and Hyperscan for screening, Pillow for labeling), and importing all of them made `aisgf --help` take
seconds. The root group lists every command from `COMMANDS` (name, the help line `aisgf --help` shows,
the function that mounts it) and imports a concern only when one of its commands runs or shows its own
help. `tests/test_cli.py` keeps the help lines equal to the commands' own and checks that `--help`
imports none of the heavy libraries. Click documents the pattern ("lazily loading subcommands"); Typer
vendors its own click, so the group subclasses Typer's group.

Why the error handler is here: every command raises `aisgf.errors`; the root group's `invoke` is the
one place that prints one as `error: …` and exits with its code (`cliutil.report_error`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import typer
from typer._click import Command, Context, HelpFormatter  # Typer's vendored click (not the `click` package)
from typer.core import TyperCommand, TyperGroup

from aisgf.cliutil import report_error, require_extra
from aisgf.errors import AisgfError


class Lazy(NamedTuple):
    """A root command: the help line `aisgf --help` lists, and how to mount the real one."""

    help: str
    mount: Callable[[typer.Typer], None]
    extra: str | None = None  # the pip extra its libraries come from (`aisgf[screening]`)


def _intake(root: typer.Typer) -> None:
    from aisgf.intake.cli import register

    register(root)


def _rules(root: typer.Typer) -> None:
    from aisgf.intake.cli import rules_app
    from aisgf.registry.cli import rules_diff

    # `rules diff` compares registered systems, so it lives with the registry; mount it once.
    if not any(c.name == "diff" for c in rules_app.registered_commands):
        rules_app.command("diff")(rules_diff)
    root.add_typer(rules_app, name="rules", help="Tiering rules.")


def _registry(root: typer.Typer) -> None:
    from aisgf.registry.cli import register

    register(root)


def _catalog(root: typer.Typer) -> None:
    from aisgf.catalog.cli import app as catalog_app

    root.add_typer(catalog_app, name="catalog", help="The framework catalog (bilingual, with provenance).")


def _audit(root: typer.Typer) -> None:
    from aisgf.audit.cli import app as audit_app

    root.add_typer(audit_app, name="audit")


def _accounts(root: typer.Typer) -> None:
    from aisgf.accounts.cli import register

    register(root)


def _organisation(root: typer.Typer) -> None:
    from aisgf.organisation.cli import app as org_app

    root.add_typer(org_app, name="org")


def _lineage(root: typer.Typer) -> None:
    from aisgf.lineage import cli as lineage_cli

    root.add_typer(lineage_cli.model_app, name="model")
    root.add_typer(lineage_cli.dataset_app, name="dataset")
    root.add_typer(lineage_cli.vendor_app, name="vendor")
    root.add_typer(lineage_cli.component_app, name="component")
    root.add_typer(lineage_cli.lineage_app, name="lineage")


def _bom(root: typer.Typer) -> None:
    from aisgf.lineage.bom_cli import bom_app

    root.add_typer(bom_app, name="bom")


def _serve(root: typer.Typer) -> None:
    from aisgf.web.server import serve

    root.command("serve")(serve)


def _db_upgrade(root: typer.Typer) -> None:
    @root.command("db-upgrade")
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


def _screening(root: typer.Typer) -> None:
    from aisgf.screening.cli import register

    register(root)


def _labeling(root: typer.Typer) -> None:
    from aisgf.labeling.cli import app as label_app

    root.add_typer(label_app, name="label")


# In the order `aisgf --help` has always listed them.
COMMANDS: dict[str, Lazy] = {
    "assess": Lazy("Tier a project from its intake answers: tier, lane, reviewers, controls, obligations, reasons.",
                   _intake),
    "review": Lazy("Approve or send back the current assessment for one reviewer function.", _registry),
    "check": Lazy("Gate CI on governance: exit non-zero listing each gap between the file, the registry and the "
                  "tier.", _registry),
    "backup": Lazy("Copy the database and the evidence store into TARGET (consistent while the server runs).",
                   _registry),
    "restore": Lazy("Restore a backup into the configured database and evidence store; verifies the audit chain.",
                    _registry),
    "serve": Lazy("Start the API server (OpenAPI at /docs) with the framework catalog loaded.", _serve),
    "db-upgrade": Lazy("Create the database or bring its schema up to date.", _db_upgrade),
    "screen": Lazy("Screen training data; `aisgf screen --help` for options, `aisgf screen verdicts FILE`.",
                   _screening, "screening"),
    "screen-verdicts": Lazy("Same as `aisgf screen verdicts FILE`.", _screening, "screening"),
    "catalog": Lazy("The framework catalog (bilingual, with provenance).", _catalog),
    "rules": Lazy("Tiering rules.", _rules),
    "system": Lazy("Registered AI systems.", _registry),
    "obligation": Lazy("Obligations (catalog items a system owes).", _registry),
    "evidence": Lazy("Evidence for obligations.", _registry),
    "audit": Lazy("The tamper-evident audit trail.", _audit),
    "user": Lazy("People who sign in to the web application, and their roles.", _accounts),
    "token": Lazy("Personal API tokens (they act with their owner's role).", _accounts),
    "org": Lazy("The organisation profile (name, credit code, province, incident reporter type, contact) and its "
                "filings.", _organisation),
    "model": Lazy("Models: accountable party, documentation, filing numbers, parents; scan, sign, verify.", _lineage),
    "dataset": Lazy("Datasets: source, personal and important data, annotation, checks, retention.", _lineage),
    "vendor": Lazy("Vendors and publishers; admission: due diligence, reviews, admit, suspend, exit.", _lineage),
    "component": Lazy("Chips, software, tools, compute and data resources a system runs on.", _lineage),
    "lineage": Lazy("The responsibility chain of a system and the impact of a change.", _lineage),
    "bom": Lazy("The AI-BOM: export a system as CycloneDX 1.6 JSON, import a vendor's BOM.", _bom),
    "label": Lazy("AI-generated content labels (GB 45438-2025): implicit metadata and explicit marks.", _labeling,
                  "labeling"),
}


class LazyGroup(TyperGroup):
    """The root group: lists `COMMANDS` without importing them, mounts one when it is resolved."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False
        self._loaded: dict[str, Command] = {}
        for name, entry in COMMANDS.items():
            # Placeholders carry the help line for listings and the names for "did you mean" hints.
            self.commands.setdefault(name, TyperCommand(name=name, help=entry.help))

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or self._listing:
            return self.commands.get(cmd_name)
        if cmd_name not in self._loaded:
            if entry.extra:
                require_extra(entry.extra, f"aisgf {cmd_name}")
            scratch = typer.Typer(pretty_exceptions_enable=False)
            entry.mount(scratch)
            self._loaded[cmd_name] = typer.main.get_group(scratch).commands[cmd_name]
        return self._loaded[cmd_name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        # The listing needs only each command's help line: keep the placeholders, import nothing.
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: Context) -> Any:
        # The one place a command's aisgf error becomes its message and exit code (resolving a
        # command runs here too, so a missing extra is reported the same way).
        try:
            return super().invoke(ctx)
        except AisgfError as exc:
            raise typer.Exit(report_error(exc)) from None


app = typer.Typer(
    cls=LazyGroup,
    help="aisgf: China's AI Safety Governance Framework 1.0 (TC260, 2024) for every day.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    # A callback makes Typer build a group even though every command is mounted lazily.
    pass


def main() -> None:
    try:
        rv = app(standalone_mode=False)
        # click returns the code of a typer.Exit instead of exiting when not standalone
        sys.exit(rv if isinstance(rv, int) else 0)
    except AisgfError as exc:  # raised while parsing, before a command's own invoke
        sys.exit(report_error(exc))
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # usage errors of the click Typer vendors (not the `click` package)
        from typer._click import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
