"""One application context: an app built with other settings reads its own ruleset, questionnaire and catalog."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.context import AppContext, current, use
from aisgf.db import Database
from aisgf.intake.questionnaire import shipped_path
from aisgf.intake.ruleset import load_ruleset
from aisgf.web.app import create_app
from tests.web.helpers import make_user


def _custom_ruleset(tmp_path: Path) -> Path:
    text = shipped_path("ruleset.yaml").read_text(encoding="utf-8").replace('version: "1.1.0"', 'version: "7.0.0"')
    senior = "  senior: {zh: 高级管理层签批, en: Senior sign-off}\n"
    text = text.replace(senior, senior + "  ethics: {zh: 伦理审查, en: Ethics review}\n")
    path = tmp_path / "custom-ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _token(db: Database) -> dict[str, str]:
    make_user(db, "gina", "governance_lead")
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("t"))
        return {"Authorization": "Bearer " + token}


def test_an_app_reads_the_ruleset_of_its_own_settings(sqlite_db: Database, tmp_path: Path) -> None:
    custom = sqlite_db.settings.model_copy(update={"ruleset_file": _custom_ruleset(tmp_path)})
    auth = _token(sqlite_db)
    with TestClient(create_app(custom, sqlite_db), headers=auth) as c:
        doc = c.get("/api/intake/ruleset").json()
        assert doc["version"] == "7.0.0" and "ethics" in doc["spec"]["reviewers"]
    with TestClient(create_app(sqlite_db.settings, sqlite_db), headers=auth) as c:  # the same database
        doc = c.get("/api/intake/ruleset").json()
        assert doc["version"] == "1.1.0" and "ethics" not in doc["spec"]["reviewers"]
    assert load_ruleset().version == "1.1.0"  # outside any app: the process settings' ruleset


def test_services_ask_the_context_in_force(sqlite_db: Database, tmp_path: Path) -> None:
    """A reviewer function exists only where its ruleset is in force; caches live on the context."""
    ctx = AppContext(sqlite_db.settings.model_copy(update={"ruleset_file": _custom_ruleset(tmp_path)}), sqlite_db)
    assert "ethics" not in acc.reviewer_functions()
    with use(ctx):
        assert current() is ctx
        assert acc.reviewer_functions()[-1] == "ethics"
        assert ctx.ruleset() is ctx.ruleset()  # cached on the context until a file changes
        make_user(sqlite_db, "eve", "reviewer", ["ethics"])
    assert current() is not ctx and "ethics" not in acc.reviewer_functions()
    path = ctx.ruleset_path
    path.write_text(path.read_text(encoding="utf-8").replace('"7.0.0"', '"7.0.1"'), encoding="utf-8")
    assert ctx.ruleset().version == "7.0.1"  # an edited file is read again


def test_the_openapi_document_lists_the_reviewer_functions_of_the_apps_ruleset(sqlite_db: Database,
                                                                                tmp_path: Path) -> None:
    custom = sqlite_db.settings.model_copy(update={"ruleset_file": _custom_ruleset(tmp_path)})

    def functions(app: object) -> list[str]:
        return app.openapi()["components"]["schemas"]["ReviewIn"]["properties"]["function"]["enum"]  # type: ignore[attr-defined]

    assert functions(create_app(custom, sqlite_db))[-1] == "ethics"
    assert functions(create_app(sqlite_db.settings, sqlite_db)) == ["business", "data", "legal", "infosec", "senior"]
