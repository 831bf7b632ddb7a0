"""The admin page changes a person's role: the person's session ends, the last admin stays admin."""

from __future__ import annotations

from fastapi import FastAPI

from aisgf.accounts import services as acc
from aisgf.db import Database
from tests.web.helpers import Person


def test_admin_page_changes_a_role_and_the_session_ends(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    ada, olivia = Person(app, db, "ada").login(), Person(app, db, "olivia").login()
    with db.session() as s:
        oid = acc.get_user(s, "olivia").id
        aid = acc.get_user(s, "ada").id
    assert olivia.get("/intake").status_code == 200
    page = ada.get("/admin/users").text
    assert f'action="/admin/users/{oid}/role"' in page
    r = ada.post(f"/admin/users/{oid}/role", data={"role": "auditor"})
    assert r.status_code == 303 and "notice=role_saved" in r.headers["location"]
    # olivia's session has ended: her next request goes to the sign-in page; signed in again she is an auditor
    r = olivia.get("/intake")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    olivia.login()
    assert olivia.get("/intake").status_code == 403 and olivia.get("/audit").status_code == 200
    # bad input and the last admin: a message on the page, nothing changed
    r = ada.post(f"/admin/users/{oid}/role", data={"role": "reviewer"})
    assert r.status_code == 422 and "at least one function" in r.text
    r = ada.post(f"/admin/users/{aid}/role", data={"role": "owner"})
    assert r.status_code == 409 and "last active admin" in r.text
    with db.session() as s:
        assert acc.get_user(s, "ada").role == "admin" and acc.get_user(s, "olivia").role == "auditor"
    # only admins may change roles
    gina = Person(app, db, "gina").login()
    assert gina.post(f"/admin/users/{oid}/role", data={"role": "owner"}).status_code == 403
