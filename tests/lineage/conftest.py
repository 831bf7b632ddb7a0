"""The web fixture (an app over a SQLite file, one person per role) for the lineage's web tests."""

from tests.web.conftest import web  # noqa: F401
