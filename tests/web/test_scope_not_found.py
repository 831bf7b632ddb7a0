"""To an owner, another owner's obligation or evidence does not exist, and its 404 names only the ID asked for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.registry import services as svc
from tests.answers import MEDIUM
from tests.people import who
from tests.web.helpers import Person


def _token(db: Any, username: str) -> dict[str, str]:
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, username), name="ci", by=system_principal("test"))
    return {"Authorization": f"Bearer {token}"}


def test_another_owners_obligation_and_evidence_are_not_found_by_their_id_alone(web: Any) -> None:
    app, db = web
    with db.session() as s:
        system = svc.register_system(s, name="Secret loan bot", owner="olivia", answers=MEDIUM, by=who(s, "gina"))
        key, ob_id = system.key, system.obligations[0].id
    with db.session() as s:
        ev_id = svc.add_evidence(s, app.state.store, key, by=who(s, "olivia"), obligations=[],
                                 uri="https://example.com/report", description="report", max_bytes=4096).id
    oscar = TestClient(app, headers=_token(db, "oscar"))
    answers = {
        "obligation": oscar.patch(f"/api/obligations/{ob_id}", json={"note": "mine now"}),
        "evidence": oscar.get(f"/api/evidence/{ev_id}"),
        "evidence content": oscar.get(f"/api/evidence/{ev_id}/content"),
    }
    for what, r in answers.items():
        assert r.status_code == 404, (what, r.text)
        assert key not in r.text and "loan" not in r.text.lower(), (what, r.text)
    assert answers["obligation"].json()["detail"] == f"no obligation with ID {ob_id}"
    assert answers["evidence"].json()["detail"] == f"no evidence with ID {ev_id}"
    # the same IDs that do not exist at all read the same
    assert oscar.get("/api/evidence/999999").json()["detail"] == "no evidence with ID 999999"
    # her own, and a governance lead, still reach them
    olivia = TestClient(app, headers=_token(db, "olivia"))
    assert olivia.get(f"/api/evidence/{ev_id}").status_code == 200
    assert olivia.patch(f"/api/obligations/{ob_id}", json={"note": "checked"}).status_code == 200
    with db.session() as s:
        assert svc.get_obligation(s, ob_id, viewer=who(s, "gina")).note == "checked"


def test_the_page_for_another_owners_obligation_names_no_key(web: Any) -> None:
    app, db = web
    with db.session() as s:
        theirs = svc.register_system(s, name="Secret", owner="olivia", answers=MEDIUM, by=who(s, "gina"))
        mine = svc.register_system(s, name="Mine", owner="oscar", answers=MEDIUM, by=who(s, "gina"))
        their_key, their_ob, my_key = theirs.key, theirs.obligations[0].id, mine.key
    oscar = Person(app, db, "oscar").login()
    r = oscar.post(f"/systems/{my_key}/obligations/{their_ob}", data={"status": "done", "version": "1"})
    assert r.status_code in (404, 422) and their_key not in r.text
