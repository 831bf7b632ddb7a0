"""Small helpers the concerns' CLIs share: the actor, the database, JSON output, the error handler.

Light at import on purpose: `aisgf --help` imports this module, so the database (SQLAlchemy) and the
settings load only when a command asks for them.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from aisgf.errors import AisgfError

if TYPE_CHECKING:
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


def default_actor() -> str:
    """Who the audit trail names for a CLI change: AISGF_ACTOR, else the OS user."""
    return os.environ.get("AISGF_ACTOR") or f"cli:{getpass.getuser()}"


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
