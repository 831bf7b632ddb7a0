"""The dashboard's figures are cached per audit-trail head and day: a change shows at once, so does midnight."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi import FastAPI

from aisgf.db import Database
from aisgf.registry import services as svc
from tests.answers import HIGH
from tests.web.helpers import Person, intake_form


def _figures(html: str) -> tuple[int, int]:
    total = re.search(r'href="/systems"><span class="muted">[^<]+</span><b>(\d+)</b>', html)
    overdue = re.search(r"Overdue obligations \((\d+)\)", html)
    assert total and overdue, html[:500]
    return int(total.group(1)), int(overdue.group(1))


def test_dashboard_follows_changes_and_the_date(web: tuple[FastAPI, Database], monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    app, db = web
    gina, olivia = Person(app, db, "gina").login(), Person(app, db, "olivia").login()
    assert _figures(gina.get("/").text) == (0, 0)
    assert _figures(gina.get("/").text) == (0, 0)  # served from the cache
    r = olivia.post("/intake", data=intake_form(HIGH, "Loan bot"))
    assert r.status_code == 303
    assert _figures(gina.get("/").text) == (1, 0)  # a new audit event: figures recomputed
    with db.session() as s:
        system = svc.get_system(s, "loan-bot")
        ob = system.obligations[0]
        ob_id, version = ob.id, ob.version
    r = olivia.post(f"/systems/loan-bot/obligations/{ob_id}",
                    data={"status": "open", "due_date": "2030-01-01", "version": str(version)})
    assert r.status_code == 303, r.text
    assert _figures(gina.get("/").text) == (1, 0)
    later = date(2030, 1, 1) + timedelta(days=1)
    monkeypatch.setattr(svc, "today", lambda: later)  # no audit event, but the day moved on
    assert _figures(gina.get("/").text) == (1, 1)
    assert _figures(olivia.get("/").text) == (1, 1)  # the owner's own view
    assert _figures(Person(app, db, "oscar").login().get("/").text) == (0, 0)  # another owner's
