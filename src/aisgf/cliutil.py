"""Small helpers the concerns' CLIs share: the actor, the database, JSON output, YAML files."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

from aisgf.config import get_settings
from aisgf.db import Database, open_database
from aisgf.errors import InvalidInput, NotFound

console = Console()
err_console = Console(stderr=True)


def default_actor() -> str:
    """Who the audit trail names for a CLI change: AISGF_ACTOR, else the OS user."""
    return os.environ.get("AISGF_ACTOR") or f"cli:{getpass.getuser()}"


def db() -> Database:
    return open_database(get_settings())


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def read_yaml_file(path: Path) -> Any:
    """Parse a YAML or JSON file; errors name the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound("file not found", where=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput("file is not UTF-8 text", where=str(path)) from exc
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InvalidInput(f"not valid YAML/JSON: {exc.problem}", where=where) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"not valid YAML/JSON: {exc}", where=str(path)) from exc
