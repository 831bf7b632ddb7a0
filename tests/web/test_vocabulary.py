"""One vocabulary: reviewer functions come from the ruleset in force, filters refuse unknown words, one 'overdue'."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.config import get_settings
from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.intake.questionnaire import shipped_path
from aisgf.registry import services as svc
from aisgf.registry import views
from aisgf.registry.choices import ObligationStatus
from aisgf.registry.schemas import ObligationOut
from aisgf.web.app import create_app
from tests.answers import HIGH, MEDIUM
from tests.people import add_owners, who
from tests.web.helpers import Person, make_user


@pytest.fixture
def ethics_ruleset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped ruleset plus a sixth reviewer function, `ethics`, which the slow lane demands."""
    text = shipped_path("ruleset.yaml").read_text(encoding="utf-8")
    anchor = "  senior: {zh: 高级管理层签批, en: Senior sign-off}\n"
    slow = "    reviewers: [business, data, legal, infosec, senior]\n"
    assert anchor in text and slow in text
    text = text.replace(anchor, anchor + "  ethics: {zh: 伦理审查, en: Ethics review}\n")
    text = text.replace(slow, "    reviewers: [business, data, legal, infosec, senior, ethics]\n")
    path = tmp_path / "ruleset-ethics.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("AISGF_RULESET_FILE", str(path))
    get_settings.cache_clear()
    yield path
    monkeypatch.delenv("AISGF_RULESET_FILE")
    get_settings.cache_clear()


def test_a_function_the_ruleset_adds_works_in_accounts_and_the_api(ethics_ruleset: Path, sqlite_db: Database) -> None:
    assert svc.reviewer_functions()[-1] == "ethics" == acc.reviewer_functions()[-1]
    make_user(sqlite_db, "gina", "governance_lead")
    make_user(sqlite_db, "eve", "reviewer", ["ethics", "business"])
    with sqlite_db.session() as s:
        assert acc.get_user(s, "eve").functions == ["business", "ethics"]  # in the ruleset's order
        with pytest.raises(InvalidInput) as err:
            acc.create_user(s, username="zed", password="Tiered-Governance-2026", role="reviewer",
                            functions=["astrology"], by=system_principal("test"))
        assert "ethics" in str(err.value) and "astrology" in str(err.value)
        system = svc.register_system(s, name="Loan bot", owner="gina", answers=HIGH, by=who(s, "gina"))
        key = system.key
        assert "ethics" in svc.required_reviewers(svc.current_assessment(system))
        token = acc.create_token(s, acc.get_user(s, "eve"), name="ci", by=system_principal("test"))
    with TestClient(create_app(sqlite_db.settings, sqlite_db)) as c:
        r = c.post(f"/api/systems/{key}/reviews", json={"function": "ethics", "decision": "approve"},
                   headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        assert r.json()["review"]["function"] == "ethics"
        r = c.post(f"/api/systems/{key}/reviews", json={"function": "astrology", "decision": "approve"},
                   headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 422, r.text
        assert "astrology" in r.text and "ethics" in r.text


@pytest.mark.parametrize(("url", "field"), [
    ("/api/systems?status=aproved", "status"),
    ("/api/systems?tier=extreme", "tier"),
    ("/api/systems?lane=express", "lane"),
    ("/api/obligations?status=done", "status"),
])
def test_api_list_filters_refuse_unknown_values(web, url: str, field: str) -> None:
    app, db = web
    with db.session() as s:
        svc.register_system(s, name="Loan bot", owner="olivia", answers=MEDIUM, by=who(s, "gina"))
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("test"))
    with TestClient(app) as c:
        auth = {"Authorization": f"Bearer {token}"}
        r = c.get(url, headers=auth)
        assert r.status_code == 422, r.text
        assert field in r.json()["detail"] or field in str(r.json())
        ok = c.get(url.split("?")[0], headers=auth)
        assert ok.status_code == 200 and ok.json()["total"] >= 1


@pytest.mark.parametrize(("who", "url"), [
    ("gina", "/systems?status=aproved"),
    ("gina", "/systems?tier=extreme"),
    ("rita", "/reviews?function=astrology"),
])
def test_page_filters_refuse_unknown_values(web, who: str, url: str) -> None:
    app, db = web
    person = Person(app, db, who).login()
    assert person.get(url).status_code == 422
    assert person.get(url.split("?")[0]).status_code == 200


def test_overdue_is_one_rule_in_python_and_sql(db: Database) -> None:
    add_owners(db, "olivia")
    with db.session() as s:
        system = svc.register_system(s, name="Loan bot", owner="olivia", answers=HIGH, by=who(s, "gina"))
        obs = list(system.obligations)
    statuses = list(ObligationStatus)
    today = svc.today()
    days = [None, today - timedelta(days=3), today, today + timedelta(days=2)]
    assert len(obs) >= len(statuses) * len(days) // 2
    with db.session() as s:
        for i, ob in enumerate(obs):
            row = svc.get_obligation(s, ob.id)
            row.status = statuses[i % len(statuses)]
            row.due_date = days[(i // len(statuses)) % len(days)]
            if row.status == ObligationStatus.waived:
                row.waiver_expires = today + timedelta(days=30)
    with db.session() as s:
        everything, _ = svc.list_obligations(s, limit=10000)
        expected = {o.id for o in everything if o.overdue_on(today)}
        # a row is overdue when it is still owed and due before today, and only then
        assert expected == {o.id for o in everything
                            if o.status in ("open", "in_progress") and o.due_date and o.due_date < today}
        assert expected  # the data above makes some overdue
        listed, total = svc.list_obligations(s, overdue=True, limit=10000)
        assert {o.id for o in listed} == expected and total == len(expected)
        assert {o.id for o in everything if ObligationOut.of(o, svc.today()).overdue} == expected
        assert views.overdue_count(s) == len(expected)
