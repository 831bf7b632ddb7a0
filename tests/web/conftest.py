"""Fixtures for the web tests: an app over a SQLite file with one person per role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from aisgf.db import Database
from aisgf.web.app import create_app
from tests.web.helpers import make_people


@pytest.fixture
def web(sqlite_db: Database) -> Iterator[tuple[FastAPI, Database]]:
    sqlite_db.settings.max_upload_bytes = 4096
    make_people(sqlite_db)
    app: Any = create_app(sqlite_db.settings, sqlite_db)
    yield app, sqlite_db
