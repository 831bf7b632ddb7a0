"""Reassessing from the pages: the send-back path completes in the browser's forms, stale forms store nothing."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import func, select

from aisgf.audit.models import AuditEvent
from aisgf.db import Database
from aisgf.registry import services as svc
from aisgf.registry.models import Assessment
from tests.answers import HIGH, LOW, MEDIUM
from tests.web.helpers import Person, intake_form

Web = tuple[FastAPI, Database]


def _register(p: Person, answers: dict, name: str) -> str:
    r = p.post("/intake", data=intake_form(answers, name))
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/systems/")[1].split("?")[0]


def _state(db: Database, key: str) -> tuple[str, int, int]:
    """(status, version, number of assessments) of a system."""
    with db.session() as s:
        system = svc.get_system(s, key)
        n = s.scalar(select(func.count(Assessment.id)).where(Assessment.system_id == system.id)) or 0
        return system.status, system.version, n


def _events(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(AuditEvent.seq))) or 0


def _form_version(html: str) -> str:
    m = re.search(r'name="version" value="(\d+)"', html)
    assert m, "no version on the reassess form"
    return m.group(1)


def _checked(html: str, question: str) -> set[str]:
    return set(re.findall(rf'name="q_{question}" value="([^"]+)" checked', html))


def test_send_back_then_owner_reassesses_then_reviewers_approve_again(web: Web) -> None:
    app, db = web
    olivia, rita = Person(app, db, "olivia").login(), Person(app, db, "rita").login()
    key = _register(olivia, LOW, "Meeting notes")
    r = rita.post(f"/systems/{key}/reviews", data={"function": "business", "decision": "send_back",
                                                   "assessment": "1", "reason": "say who <b>reads</b> the notes"})
    assert r.status_code == 303 and _state(db, key)[0] == "changes_requested"

    page = olivia.get(f"/systems/{key}")
    assert f'href="/systems/{key}/reassess"' in page.text
    form = olivia.get(f"/systems/{key}/reassess")
    assert form.status_code == 200
    # Pre-filled with the current answers; the send-back reason is shown (escaped).
    assert _checked(form.text, "personal_information") == {"none"}
    assert _checked(form.text, "org_roles") == {"key_sector_user"}
    assert _checked(form.text, "public_facing") == {"false"}
    assert "say who &lt;b&gt;reads&lt;/b&gt; the notes" in form.text
    version = _form_version(form.text)

    assert 'id="reply"' in form.text  # the owner may answer the send-back
    r = olivia.post(f"/systems/{key}/reassess", data={**intake_form(MEDIUM, "ignored"), "version": version,
                                                      "reply": "Staff <i>only</i>; see the access list"})
    assert r.status_code == 303 and "notice=reassessed" in r.headers["location"], r.text
    status, _, assessments = _state(db, key)
    assert status == "in_review" and assessments == 2
    page = olivia.get(f"/systems/{key}").text  # the reply beside the assessment, escaped, and in the trail
    assert 'id="reply-2"' in page and "Staff &lt;i&gt;only&lt;/i&gt;; see the access list" in page
    with db.session() as s:
        assert svc.current_assessment(svc.get_system(s, key)).reply == "Staff <i>only</i>; see the access list"
    for fn in ("business", "data", "legal", "infosec"):
        with db.session() as s:
            if fn not in svc.review_state(s, svc.get_system(s, key)):
                continue
        r = rita.post(f"/systems/{key}/reviews", data={"function": fn, "decision": "approve", "assessment": "2"})
        assert r.status_code == 303, r.text
    assert _state(db, key)[0] == "approved"


def test_a_stale_form_from_a_second_tab_is_refused_and_nothing_is_stored(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    key = _register(olivia, LOW, "Two tabs")
    tab1 = olivia.get(f"/systems/{key}/reassess").text
    tab2 = olivia.get(f"/systems/{key}/reassess").text
    r = olivia.post(f"/systems/{key}/reassess", data={**intake_form(MEDIUM, "x"), "version": _form_version(tab1)})
    assert r.status_code == 303
    before = (_state(db, key), _events(db))
    r = olivia.post(f"/systems/{key}/reassess", data={**intake_form(HIGH, "x"), "version": _form_version(tab2)})
    assert r.status_code == 409
    assert "Someone changed this record since you loaded the page" in r.text and 'id="form-error"' in r.text
    assert _checked(r.text, "sector") == {"finance"}  # the person's answers are kept on the page
    assert (_state(db, key), _events(db)) == before


def test_reassess_bad_input_and_access(web: Web) -> None:
    app, db = web
    olivia, oscar, gina = (Person(app, db, n).login() for n in ("olivia", "oscar", "gina"))
    audrey = Person(app, db, "audrey").login()
    key = _register(olivia, LOW, "Guarded")
    version = _form_version(olivia.get(f"/systems/{key}/reassess").text)
    before = (_state(db, key), _events(db))
    # malformed version, missing version, an answer that is not an option: 422, nothing stored
    for data in ({**intake_form(LOW, "x"), "version": "abc"}, intake_form(LOW, "x"),
                 {**intake_form({**LOW, "sector": "<script>x</script>"}, "x"), "version": version}):
        r = olivia.post(f"/systems/{key}/reassess", data=data)
        assert r.status_code == 422 and "<script>x" not in r.text, r.text[:400]
    assert (_state(db, key), _events(db)) == before
    # another owner does not see it; an auditor may not write; a governance lead may reassess
    assert oscar.get(f"/systems/{key}/reassess").status_code == 404
    assert oscar.post(f"/systems/{key}/reassess", data={**intake_form(LOW, "x"), "version": version}).status_code == 404
    assert audrey.get(f"/systems/{key}/reassess").status_code == 403
    assert (_state(db, key), _events(db)) == before
    r = gina.post(f"/systems/{key}/reassess", data={**intake_form(MEDIUM, "x"), "version": version})
    assert r.status_code == 303 and _state(db, key)[2] == 2
    # no CSRF token: refused
    r = olivia.c.post(f"/systems/{key}/reassess", data={**intake_form(LOW, "x"), "version": version})
    assert r.status_code == 403
