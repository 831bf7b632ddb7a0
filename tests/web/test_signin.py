"""A failed sign-in tells nothing: an unknown user, a wrong password and a locked account read the same and
take the same time; the lock is told (in the person's time zone) only at the second step; governance
leads use two-step sign-in like admins and reviewers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.config import get_settings
from aisgf.db import Database
from aisgf.errors import Unauthorized
from aisgf.web.templating import localtime
from tests.web.helpers import EN, PASSWORD, csrf_of, make_user


def _refusal(db: Database, username: str, password: str) -> Unauthorized:
    with db.session() as s, pytest.raises(Unauthorized) as err:
        acc.check_password(s, username, password)
    return err.value


def _lock(db: Database, username: str) -> None:
    for _ in range(acc.MAX_FREE_FAILURES):
        _refusal(db, username, "wrong-password-x")


def test_unknown_wrong_and_locked_read_the_same(sqlite_db: Database) -> None:
    make_user(sqlite_db, "alice", "owner")
    unknown = _refusal(sqlite_db, "nobody", PASSWORD)
    wrong = _refusal(sqlite_db, "alice", "wrong-password-x")
    _lock(sqlite_db, "alice")
    locked_wrong = _refusal(sqlite_db, "alice", "wrong-password-x")
    locked_right = _refusal(sqlite_db, "alice", PASSWORD)
    refusals = (unknown, wrong, locked_wrong, locked_right)
    shown = {(type(e), e.code, e.message, e.where, tuple(e.extra)) for e in refusals}
    assert shown == {(Unauthorized, "accounts.wrong_login", "wrong username or password", "username", ())}
    with sqlite_db.session() as s:  # tries while locked do not lengthen the lock
        assert acc.get_user(s, "alice").failed_logins == acc.MAX_FREE_FAILURES


def test_the_sign_in_page_reads_the_same_for_all_three(web: Any) -> None:
    app, db = web
    c = TestClient(app, follow_redirects=False, headers=EN)

    def attempt(username: str, password: str) -> tuple[int, str]:
        page = c.get("/login")
        r = c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)})
        return r.status_code, r.text.replace(csrf_of(page.text), "").replace(f'value="{username}"', "")

    unknown = attempt("nobody", PASSWORD)
    wrong = attempt("olivia", "wrong-password-x")
    _lock(db, "olivia")
    locked = attempt("olivia", PASSWORD)
    assert unknown == wrong == locked and unknown[0] == 401
    assert "Wrong username or password." in unknown[1] and "locked" not in unknown[1].lower()


@pytest.mark.slow  # > 3 s: fifteen standard argon2 verifications
def test_unknown_wrong_and_locked_take_the_same_time(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the standard argon2 profile each answer costs one verification (a dummy hash for an unknown
    name); without it, an unknown name would answer in a fraction of the time."""
    monkeypatch.setenv("AISGF_PASSWORD_HASH_PROFILE", "standard")
    get_settings.cache_clear()
    try:
        with sqlite_db.session() as s:
            acc.create_user(s, username="bob", password=PASSWORD, role="owner", by=system_principal("t"))
            acc.create_user(s, username="carol", password=PASSWORD, role="owner", by=system_principal("t"))
        _lock(sqlite_db, "carol")

        def median(attempt: Callable[[], object]) -> float:
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                attempt()
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        median(lambda: _refusal(sqlite_db, "nobody", PASSWORD))  # the dummy hash is made on first use
        unknown = median(lambda: _refusal(sqlite_db, "nobody", PASSWORD))
        wrong = median(lambda: _refusal(sqlite_db, "bob", "wrong-password-x"))
        locked = median(lambda: _refusal(sqlite_db, "carol", PASSWORD))
        with sqlite_db.session() as s:
            acc.unlock(s, "bob", by=system_principal("t"))

        def sign_in() -> None:
            with sqlite_db.session() as s:
                acc.check_password(s, "bob", PASSWORD)

        right = median(sign_in)
    finally:
        get_settings.cache_clear()
    assert right > 0.005  # the standard profile is in force: a verification costs milliseconds
    for name, took in (("unknown", unknown), ("locked", locked)):
        assert 0.5 < took / wrong < 2.0, (name, took, wrong)


def _mfa_client(app: Any, db: Database, username: str) -> TestClient:
    """Signed in with the password only: the session is at the second step."""
    c = TestClient(app, follow_redirects=False, headers=EN)
    page = c.get("/login")
    r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"].startswith("/login/mfa"), r.text
    return c


def _code(c: TestClient, code: str) -> Any:
    page = c.get("/login/mfa")
    return c.post("/login/mfa", data={"code": code, "csrf_token": csrf_of(page.text)})


def test_the_second_step_tells_the_lock_in_the_persons_time_zone(web: Any) -> None:
    app, db = web
    make_user(db, "bert", "reviewer", ["legal"])
    with db.session() as s:
        acc.update_preferences(s, acc.get_user(s, "bert"), timezone="Europe/Berlin")
    c = _mfa_client(app, db, "bert")
    for _ in range(acc.MAX_FREE_FAILURES):
        assert _code(c, "000000").status_code == 401
    r = _code(c, "000000")
    with db.session() as s:
        until = acc.aware(acc.get_user(s, "bert").locked_until)
    assert until is not None
    shown = localtime(until, "Europe/Berlin", "%Y-%m-%d %H:%M:%S")
    assert r.status_code == 401 and f"locked until {shown}." in r.text, r.text
    assert shown.endswith(("CET", "CEST")) and "UTC" not in r.text


def test_failed_codes_add_up_across_new_password_steps(web: Any) -> None:
    """Signing in with the password again does not reset the count of wrong codes (else the second factor
    could be guessed four codes at a time, forever)."""
    app, db = web
    make_user(db, "bert", "reviewer", ["legal"])
    c = _mfa_client(app, db, "bert")
    for _ in range(acc.MAX_FREE_FAILURES - 1):
        _code(c, "000000")
    c = _mfa_client(app, db, "bert")
    _code(c, "000000")
    with db.session() as s:
        user = acc.get_user(s, "bert")
        assert user.failed_logins == acc.MAX_FREE_FAILURES and acc.aware(user.locked_until) > acc.now()
        user.locked_until = acc.now() - timedelta(seconds=1)
        user.totp_last_step = None
        code = pyotp.TOTP(user.totp_secret).now()
    c = _mfa_client(app, db, "bert")
    assert _code(c, code).status_code == 303
    with db.session() as s:  # a full sign-in clears the count
        assert acc.get_user(s, "bert").failed_logins == 0


def test_governance_leads_must_use_two_step_sign_in(web: Any) -> None:
    app, db = web
    make_user(db, "glen", "governance_lead", mfa=False)
    with db.session() as s:
        assert acc.mfa_required(acc.get_user(s, "glen"))
        assert [r for r in ("admin", "governance_lead", "reviewer", "owner", "auditor")
                if acc.mfa_required(acc.get_user(s, "glen").__class__(role=r))] == ["admin", "governance_lead",
                                                                                     "reviewer"]
    c = TestClient(app, follow_redirects=False, headers=EN)
    page = c.get("/login")
    r = c.post("/login", data={"username": "glen", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/mfa/enroll"
    assert c.get("/").headers["location"] == "/mfa/enroll"  # nothing else until enrolled
    assert c.get("/systems").headers["location"] == "/mfa/enroll"


def test_a_new_token_is_made_once_and_shown_once(web: Any) -> None:
    """POST-redirect-GET: the form's POST makes the token and redirects; the page after it shows the token
    once; reloading that page neither shows it again nor makes another."""
    from tests.web.helpers import Person

    app, db = web
    olivia = Person(app, db, "olivia").login()
    r = olivia.post("/account/tokens", data={"name": "ci"})
    assert r.status_code == 303 and r.headers["location"] == "/account?notice=token_created"
    page = olivia.get(r.headers["location"])
    assert "The API token is created." in page.text and 'id="new-token"' in page.text
    token = page.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("aisgf_")
    assert olivia.c.cookies.get("aisgf_new_token") is None  # the page consumed it
    again = olivia.get("/account?notice=token_created")
    assert 'id="new-token"' not in again.text and token not in again.text
    with db.session() as s:
        assert [t.name for t in acc.list_tokens(s, acc.get_user(s, "olivia"))] == ["olivia/ci"]
    assert TestClient(app).get("/api/systems", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # the cookie is shown to the token's owner only, and only while the token is live
    oscar = Person(app, db, "oscar").login()
    oscar.c.cookies.set("aisgf_new_token", token, path="/account")
    assert token not in oscar.get("/account").text
