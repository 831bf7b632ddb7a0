"""Small helpers the concerns' CLIs share: who acts, the database, JSON output, the error handler.

Light at import on purpose: `aisgf --help` imports this module, so the database (SQLAlchemy) and the
settings load only when a command asks for them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from aisgf.errors import AisgfError, MissingExtra

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal
    from aisgf.db import Database

console = Console()
err_console = Console(stderr=True)


def report_error(exc: AisgfError) -> int:
    """The one CLI handler of aisgf errors: `error: <where>: <message>` on stderr; returns the exit code.

    `soft_wrap` keeps a long message on one line (scripts grep it) and `escape` keeps brackets in a
    message (file names, `[screening]`) from being read as Rich markup.
    """
    err_console.print(f"[red]error[/red]: {escape(str(exc))}", highlight=False, soft_wrap=True, emoji=False)
    return exc.exit_code


# The modules each pip extra brings (pyproject.toml's optional-dependencies); a command that needs one
# says which extra to install instead of failing on an ImportError deep inside.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "screening": ("numpy", "numba", "llvmlite", "hyperscan", "pyarrow", "zstandard", "xxhash"),
    "dask": ("dask", "distributed"),
    "labeling": ("PIL", "mutagen", "pypdf"),
}


def require_extra(extra: str, command: str) -> None:
    """Raise `MissingExtra` naming the pip extra when one of its modules cannot be found.

    `find_spec` looks without importing (the check costs nothing on a full install); a module set to
    None in `sys.modules` counts as absent, as Python's import does.
    """
    for module in EXTRA_MODULES[extra]:
        try:
            found = sys.modules.get(module, ...) is not None and importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a parent package missing, or a module without a spec
            found = False
        if not found:
            raise MissingExtra(f"{command} needs the [{extra}] extra, which is not installed (no module "
                               f"{module!r}): pip install 'aisgf[{extra}]'")


#: The option every command that reads or changes governed data takes (`--actor` is its old name).
AS = typer.Option(None, "--as", "--actor", metavar="USERNAME",
                  help="The account you act as, with its role (default: $AISGF_ACTOR)")


def actor_name(given: str | None = None) -> str | None:
    """The account a command acts as: `--as` if given, else AISGF_ACTOR (checked by `acting`)."""
    return given or os.environ.get("AISGF_ACTOR") or None


def acting(session: Any, given: str | None = None) -> Principal:
    """The principal of a command: the account named by `--as` or AISGF_ACTOR, existing and enabled."""
    from aisgf.accounts.scope import principal_named

    return principal_named(session, actor_name(given))


def db() -> Database:
    """The configured database, checked to be at the newest migration (only db-upgrade migrates)."""
    from aisgf.config import get_settings
    from aisgf.db import open_database

    return open_database(get_settings(), check_schema=True)


def bootstrap_db() -> Database:
    """For bootstrap commands (the first admin, restore): an empty database is created at the newest
    migration; one with tables must already be at it, as for every other command."""
    from aisgf.config import get_settings
    from aisgf.db import create_if_empty, open_database

    return create_if_empty(open_database(get_settings(), migrate_schema=False))


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
