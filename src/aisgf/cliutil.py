"""Small helpers the concerns' CLIs share: the actor, the database, JSON output."""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from rich.console import Console

from aisgf.config import get_settings
from aisgf.db import Database, open_database

console = Console()
err_console = Console(stderr=True)


def default_actor() -> str:
    """Who the audit trail names for a CLI change: AISGF_ACTOR, else the OS user."""
    return os.environ.get("AISGF_ACTOR") or f"cli:{getpass.getuser()}"


def db() -> Database:
    """The configured database, checked to be at the newest migration (only db-upgrade migrates)."""
    return open_database(get_settings(), check_schema=True)


def bootstrap_db() -> Database:
    """For bootstrap commands (the first admin, restore): an empty database is created at the newest
    migration; one with tables must already be at it, as for every other command."""
    from aisgf.db import create_if_empty

    return create_if_empty(open_database(get_settings(), migrate_schema=False))


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
