"""The pages through their real forms: the review workflow, bad input, languages, time zones, setup."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from aisgf.accounts import services as acc
from aisgf.accounts.models import WebSession
from aisgf.accounts.principal import system_principal
from aisgf.audit.models import AuditEvent
from aisgf.db import Database
from aisgf.registry import services as svc
from aisgf.web.authz import SESSION_COOKIE
from tests.answers import HIGH, LOW
from tests.launch import settle_for_launch
from tests.people import who
from tests.web.helpers import EN, PASSWORD, Person, csrf_of, intake_form

Web = tuple[FastAPI, Database]


def _register(p: Person, answers: dict, name: str) -> str:
    r = p.post("/intake", data=intake_form(answers, name))
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/systems/")[1].split("?")[0]


def _status(db: Database, key: str) -> str:
    with db.session() as s:
        return svc.get_system(s, key).status


def _events(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(AuditEvent.seq))) or 0


def test_high_tier_intake_through_reviews_to_live(web: Web) -> None:
    app, db = web
    olivia, rita, sam = (Person(app, db, n).login() for n in ("olivia", "rita", "sam"))
    preview = olivia.post("/intake/preview", data=intake_form(HIGH, "Loan bot"), headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "High risk" in preview.text and "Senior sign-off" in preview.text
    key = _register(olivia, HIGH, "Loan bot")
    page = olivia.get(f"/systems/{key}")
    assert page.status_code == 200 and "In review" in page.text and "The system is registered" not in page.text
    assert "registered" in olivia.get(f"/systems/{key}?notice=registered").text
    queue = rita.get("/reviews").text
    assert "Loan bot" in queue
    for fn in ("business", "data", "legal", "infosec"):
        r = rita.post(f"/systems/{key}/reviews", data={"function": fn, "decision": "approve", "assessment": "1"})
        assert r.status_code == 303, r.text
    assert _status(db, key) == "in_review"
    assert "Loan bot" in sam.get("/reviews").text and "Loan bot" not in rita.get("/reviews").text
    r = rita.post(f"/systems/{key}/reviews", data={"function": "senior", "decision": "approve", "assessment": "1"})
    assert r.status_code == 403  # not rita's function
    r = sam.post(f"/systems/{key}/reviews", data={"function": "senior", "decision": "approve", "assessment": "1"})
    assert r.status_code == 303 and _status(db, key) == "approved"
    with db.session() as s:
        version = svc.get_system(s, key).version
    r = olivia.post(f"/systems/{key}/status", data={"status": "live", "version": str(version)})
    assert r.status_code == 303 and "notice=live_refused" in r.headers["location"] and _status(db, key) == "approved"
    page = olivia.get(f"/systems/{key}").text
    assert 'id="launch-gaps"' in page and 'id="override-form"' not in page  # an owner cannot override
    with db.session() as s:
        settle_for_launch(s, key, who(s, "olivia", "owner"))
        version = svc.get_system(s, key).version
    assert 'id="launch-ready"' in olivia.get(f"/systems/{key}").text
    r = olivia.post(f"/systems/{key}/status", data={"status": "live", "version": str(version)})
    assert r.status_code == 303 and _status(db, key) == "live"
    trail = olivia.get(f"/systems/{key}").text
    assert "review.recorded" in trail and "sam" in trail


def test_send_back_needs_a_reason_and_reopens_after_reassessment(web: Web) -> None:
    app, db = web
    olivia, bo = Person(app, db, "olivia").login(), Person(app, db, "bo").login()
    key = _register(olivia, LOW, "Meeting notes")
    r = bo.post(f"/systems/{key}/reviews", data={"function": "business", "decision": "send_back", "assessment": "1"})
    assert r.status_code == 422 and "reason" in r.text and _status(db, key) == "in_review"
    r = bo.post(f"/systems/{key}/reviews", data={"function": "business", "decision": "send_back", "assessment": "1",
                                                 "reason": "no usage rules"})
    assert r.status_code == 303 and _status(db, key) == "changes_requested"
    assert "no usage rules" in olivia.get(f"/systems/{key}").text


def test_mfa_cannot_be_skipped_by_going_to_a_later_url(web: Web) -> None:
    app, db = web
    p = Person(app, db, "rita")
    r = p.c.get("/login")
    r = p.c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": csrf_of(r.text)})
    assert r.status_code == 303 and r.headers["location"].startswith("/login/mfa")
    csrf = csrf_of(p.c.get("/login/mfa").text)
    for url in ("/", "/reviews", "/systems", "/account", "/catalog", "/mfa/enroll"):
        r = p.c.get(url)
        assert r.status_code == 303 and r.headers["location"].startswith("/login/mfa"), url
    r = p.c.post("/account/tokens", data={"name": "sneaky", "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/login/mfa"
    with db.session() as s:
        assert acc.list_tokens(s, acc.get_user(s, "rita")) == []
    r = p.c.post("/login/mfa", data={"code": "000000", "csrf_token": csrf})
    assert r.status_code == 401 and "The code is not right" in r.text


def test_admin_without_mfa_must_enrol_first_and_recovery_codes_work_once(web: Web) -> None:
    import pyotp

    from tests.web.helpers import make_user

    app, db = web
    make_user(db, "newadmin", "admin", mfa=False)
    p = Person(app, db, "newadmin")
    r = p.c.get("/login")
    r = p.c.post("/login", data={"username": "newadmin", "password": PASSWORD, "csrf_token": csrf_of(r.text)})
    assert r.headers["location"] == "/mfa/enroll"
    assert p.c.get("/admin/users").headers["location"] == "/mfa/enroll"
    page = p.c.get("/mfa/enroll")
    assert "<svg" in page.text
    with db.session() as s:
        secret = acc.get_user(s, "newadmin").totp_secret
    assert secret and secret in page.text
    r = p.c.post("/mfa/enroll", data={"code": "123", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    r = p.c.post("/mfa/enroll", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "recovery-codes" in r.text
    codes = [line.split("<li>")[1].split("</li>")[0] for line in r.text.split("\n") if "<li>" in line][:1]
    code = r.text.split('<ul class="codes" id="recovery-codes"><li>')[1].split("</li>")[0] if not codes else codes[0]
    assert p.c.get("/admin/users").status_code == 200
    for attempt in range(2):
        q = TestClient(app, follow_redirects=False, headers=EN)
        f = q.get("/login")
        q.post("/login", data={"username": "newadmin", "password": PASSWORD, "csrf_token": csrf_of(f.text)})
        f = q.get("/login/mfa")
        r = q.post("/login/mfa", data={"code": code, "csrf_token": csrf_of(f.text)})
        assert r.status_code == (303 if attempt == 0 else 401)


def test_session_fixation_and_rotation(web: Web) -> None:
    app, db = web
    c = TestClient(app, follow_redirects=False, headers=EN)
    c.cookies.set(SESSION_COOKIE, "attacker-chosen-value")
    f = c.get("/login")
    r = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": csrf_of(f.text)})
    mfa_cookie = r.cookies.get(SESSION_COOKIE)
    assert mfa_cookie and mfa_cookie != "attacker-chosen-value"
    from tests.web.helpers import fresh_code

    f = c.get("/login/mfa")
    r = c.post("/login/mfa", data={"code": fresh_code(db, "rita"), "csrf_token": csrf_of(f.text)})
    full_cookie = r.cookies.get(SESSION_COOKIE)
    assert full_cookie and full_cookie != mfa_cookie
    assert c.get("/").status_code == 200
    stale = TestClient(app, follow_redirects=False, cookies={SESSION_COOKIE: mfa_cookie})
    assert stale.get("/").headers["location"].startswith("/login?")  # the pre-MFA session died at rotation
    with db.session() as s:
        assert s.scalar(select(func.count(WebSession.id)).where(WebSession.revoked_at.is_(None))) == 1


def test_forms_without_the_csrf_token_are_refused(web: Web) -> None:
    app, db = web
    p = Person(app, db, "olivia").login()
    r = p.c.post("/account/tokens", data={"name": "x"})
    assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "csrf-failed"
    r = p.c.post("/account/tokens", data={"name": "x", "csrf_token": "forged"})
    assert r.status_code == 403
    r = p.c.post("/intake", data=intake_form(LOW, "no csrf"))
    assert r.status_code == 403
    anon = TestClient(app, follow_redirects=False, headers=EN)
    anon.get("/login")
    r = anon.post("/login", data={"username": "olivia", "password": PASSWORD})
    assert r.status_code == 403
    r = p.c.post("/account/tokens", data={"name": "viahtmx"}, headers={"X-CSRF-Token": p.csrf})
    assert r.status_code == 303 and "new-token" in p.c.get(r.headers["location"]).text
    with db.session() as s:
        assert [t.name for t in acc.list_tokens(s, acc.get_user(s, "olivia"))] == ["olivia/viahtmx"]
        assert svc.list_systems(s)[1] == 0


def test_brute_force_lockout_with_back_off(web: Web) -> None:
    app, db = web
    c = TestClient(app, follow_redirects=False, headers=EN)
    csrf = csrf_of(c.get("/login").text)
    for _ in range(5):
        r = c.post("/login", data={"username": "olivia", "password": "wrong-password-x", "csrf_token": csrf})
        assert r.status_code == 401
    wrong = r.text
    r = c.post("/login", data={"username": "olivia", "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 401 and r.text == wrong  # locked: the right password reads like a wrong one
    with db.session() as s:
        u = acc.get_user(s, "olivia")
        first = u.locked_until
        u.locked_until = acc.now() - timedelta(seconds=1)  # the first lock ran out
    r = c.post("/login", data={"username": "olivia", "password": "wrong-again-x", "csrf_token": csrf})
    with db.session() as s:
        u = acc.get_user(s, "olivia")
        assert u.failed_logins == 6 and u.locked_until is not None and first is not None
        second_wait = acc.aware(u.locked_until) - acc.now()
        assert second_wait > timedelta(seconds=45)  # doubled from 30 s
    admin = Person(app, db, "ada").login()
    with db.session() as s:
        uid = acc.get_user(s, "olivia").id
    assert admin.post(f"/admin/users/{uid}/unlock").status_code == 303
    assert Person(app, db, "olivia").login().get("/").status_code == 200


def test_auditor_reads_verifies_exports_but_cannot_write(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    _register(olivia, LOW, "Audited")
    a = Person(app, db, "audrey").login()
    before = _events(db)
    assert a.post("/intake", data=intake_form(LOW, "nope")).status_code == 403
    assert a.get("/intake").status_code == 403
    assert a.get("/audit").status_code == 200
    v = a.get("/audit/verify", headers={"HX-Request": "true"})
    assert v.status_code == 200 and "verify-ok" in v.text
    export = a.get("/audit/export")
    assert export.status_code == 200 and export.text.count("\n") == before
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "audrey"), name="cli", by=system_principal("t"))
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    r = api.post("/api/systems", json={"system": {"name": "x", "owner": "audrey"}, "answers": LOW})
    assert r.status_code == 403 and r.json()["where"] == "role"
    assert api.get("/api/audit/verify").json()["ok"] is True
    assert _events(db) == before + 1  # only the token creation


def test_owner_cannot_see_another_owners_system(web: Web) -> None:
    app, db = web
    olivia, oscar = Person(app, db, "olivia").login(), Person(app, db, "oscar").login()
    key = _register(olivia, LOW, "Olivia's system")
    assert oscar.get(f"/systems/{key}").status_code == 404
    assert "Olivia" not in oscar.get("/systems").text and "Olivia" not in oscar.get("/").text
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
        token = acc.create_token(s, acc.get_user(s, "oscar"), name="t", by=system_principal("t"))
    r = oscar.post(f"/systems/{key}/obligations/{ob.id}", data={"status": "met", "version": str(ob.version)})
    assert r.status_code == 404
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/systems/{key}").status_code == 404
    assert api.get("/api/systems").json()["total"] == 0
    assert api.get("/api/obligations").json()["total"] == 0
    assert api.patch(f"/api/obligations/{ob.id}", json={"status": "met"}).status_code == 404
    r = api.post("/api/systems", json={"system": {"name": "x", "owner": "olivia"}, "answers": LOW})
    assert r.status_code == 403 and r.json()["where"] == "system.owner"
    assert olivia.get(f"/systems/{key}").status_code == 200


def test_stored_xss_in_every_free_text_field_renders_escaped(web: Web) -> None:
    app, db = web
    x = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    olivia, bo, gina = (Person(app, db, n).login() for n in ("olivia", "bo", "gina"))
    r = olivia.post("/intake", data=intake_form(LOW, "Bot " + x, description=x))
    key = r.headers["location"].split("/systems/")[1].split("?")[0]
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
    olivia.post(f"/systems/{key}/obligations/{ob.id}", data={"status": "in_progress", "note": x,
                                                             "version": str(ob.version)})
    olivia.post(f"/systems/{key}/evidence", data={"uri": "https://example.org/" + x, "description": x,
                                                  "obligations": ob.catalog_id})
    bo.post(f"/systems/{key}/reviews", data={"function": "business", "decision": "send_back", "reason": x,
                                             "assessment": "1"})
    with db.session() as s:
        version = svc.get_system(s, key).version
    olivia.post(f"/systems/{key}/status", data={"status": "retired", "reason": x, "version": str(version)})
    pages = [olivia.get(f"/systems/{key}"), olivia.get("/systems"), gina.get("/"), gina.get("/audit"),
             gina.get("/systems?status=retired"), bo.get("/reviews")]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, page.url
    assert "&lt;script&gt;" in pages[0].text and pages[0].text.count("&lt;script&gt;") >= 5
    r = gina.get("/catalog", params={"q": x})
    assert r.status_code == 200 and "<script>alert" not in r.text


def test_stale_form_is_refused_and_the_first_change_is_kept(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    key = _register(olivia, LOW, "Two tabs")
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
        v = str(ob.version)
    assert olivia.post(f"/systems/{key}/obligations/{ob.id}",
                       data={"status": "in_progress", "note": "tab one", "version": v}).status_code == 303
    r = olivia.post(f"/systems/{key}/obligations/{ob.id}", data={"status": "met", "note": "tab two", "version": v})
    assert r.status_code == 409 and "changed this record" in r.text
    with db.session() as s:
        ob2 = svc.get_obligation(s, ob.id)
        assert (ob2.status, ob2.note) == ("in_progress", "tab one")


def test_bad_uploads_and_malformed_fields_leave_nothing_behind(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    key = _register(olivia, LOW, "Uploads")
    before = _events(db)
    r = olivia.post(f"/systems/{key}/evidence", files={"file": ("big.pdf", b"x" * 5000, "application/pdf")})
    assert r.status_code == 413 and "too large" in r.text
    r = olivia.post(f"/systems/{key}/evidence", files={"file": ("run.exe", b"MZ", "application/x-msdownload")})
    assert r.status_code == 415 and "not accepted" in r.text
    r = olivia.post(f"/systems/{key}/evidence", data={"obligations": "9.9.z", "uri": "https://x.org"})
    assert r.status_code == 404
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
    r = olivia.post(f"/systems/{key}/obligations/{ob.id}", data={"status": "met", "version": "abc"})
    assert r.status_code == 422 and "whole number" in r.text
    r = olivia.post(f"/systems/{key}/obligations/{ob.id}", data={"status": "met", "version": "1",
                                                                 "due_date": "2026-13-45"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text
    r = olivia.post(f"/systems/{key}/obligations/{ob.id}", json={"status": "met"})
    assert r.status_code in (403, 422)
    assert _events(db) == before
    ok = olivia.post(f"/systems/{key}/evidence", files={"file": ("r.pdf", b"%PDF-1.4", "application/pdf")})
    assert ok.status_code == 303 and _events(db) == before + 1


def test_expired_session_sends_back_to_sign_in_with_a_message(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    with db.session() as s:
        s.execute(update(WebSession).values(last_seen_at=acc.now() - timedelta(hours=3)))
    r = olivia.get("/systems")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/systems&expired=1"
    assert "session has ended" in olivia.get(r.headers["location"]).text
    r = olivia.get("/systems", headers={"HX-Request": "true"})
    assert r.status_code == 204 and r.headers["HX-Redirect"].startswith("/login?")


def test_logout_everywhere_ends_other_sessions(web: Web) -> None:
    app, db = web
    one, two = Person(app, db, "olivia").login(), Person(app, db, "olivia").login()
    assert two.get("/").status_code == 200
    r = one.post("/account/logout-everywhere")
    assert r.status_code == 303
    assert two.get("/").headers["location"].startswith("/login?")


def test_language_switch_and_time_zone(web: Web) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    assert "Dashboard" in gina.get("/").text
    r = gina.get("/lang/zh?next=/audit")
    assert r.status_code == 303 and r.headers["location"] == "/audit"
    page = gina.get("/audit").text
    assert "审计日志" in page and 'lang="zh-CN"' in page and "CST" in page
    with db.session() as s:
        assert acc.get_user(s, "gina").language == "zh"
    assert gina.post("/account/preferences", data={"language": "en", "timezone": "Europe/Berlin"}).status_code == 303
    page = gina.get("/audit").text
    assert "Audit trail" in page and ("CET" in page or "CEST" in page)
    r = gina.post("/account/preferences", data={"language": "en", "timezone": "Mars/Olympus"})
    assert r.status_code == 422 and "time zone" in r.text


def test_every_page_has_the_language_switch(web: Web) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    for url in ("/", "/systems", "/intake", "/reviews", "/catalog", "/catalog/items/6.2.e", "/audit", "/account"):
        text = gina.get(url).text
        assert "/lang/zh?next=" in text and "/lang/en?next=" in text, url
    assert "/lang/en?next=" in TestClient(app).get("/login").text


def test_first_admin_setup_link(web: Web) -> None:
    app, db = web
    with db.session() as s:
        legacy = acc.create_api_token(s, name="initial", actor="serve")  # made before accounts existed
        for u in acc.list_users(s):
            u.role = "owner" if u.role == "admin" else u.role
    app.state.setup_token = "one-time-token"
    c = TestClient(app, follow_redirects=False, headers=EN)
    assert c.get("/setup/wrong").status_code == 404
    f = c.get("/setup/one-time-token")
    r = c.post("/setup/one-time-token", data={"username": "root", "password": "password123",
                                              "password2": "password123", "csrf_token": csrf_of(f.text)})
    assert r.status_code == 422 and "commonly used" in r.text
    r = c.post("/setup/one-time-token", data={"username": "root", "password": PASSWORD, "password2": PASSWORD,
                                              "csrf_token": csrf_of(f.text)})
    assert r.status_code == 303 and r.headers["location"] == "/mfa/enroll"
    assert c.get("/setup/one-time-token").status_code == 404
    api = TestClient(app, headers={"Authorization": f"Bearer {legacy}"})
    assert api.get("/api/systems").status_code == 200  # the legacy token now acts as the new admin


def test_admin_creates_accounts_with_the_password_policy(web: Web) -> None:
    app, db = web
    ada = Person(app, db, "ada").login()
    r = ada.post("/admin/users", data={"username": "neo", "password": "qwerty123456", "role": "owner"})
    assert r.status_code == 422 and "commonly used" in r.text
    r = ada.post("/admin/users", data={"username": "neo", "password": PASSWORD, "role": "reviewer"})
    assert r.status_code == 422 and "function" in r.text
    r = ada.post("/admin/users", data={"username": "neo", "password": PASSWORD, "role": "reviewer",
                                       "functions": ["legal", "data"]})
    assert r.status_code == 303
    with db.session() as s:
        u = acc.get_user(s, "neo")
        assert u.functions == ["data", "legal"] and u.password_hash.startswith("$argon2id$")


def test_an_unknown_language_is_a_404_naming_it(web: Web) -> None:
    """`/lang/xx` was a 500: the message's `code` placeholder collided with the error's own `code`."""
    app, _db = web
    c = TestClient(app, follow_redirects=False, headers=EN)
    r = c.get("/lang/xx")
    assert r.status_code == 404 and "xx" in r.text, r.text
    assert c.get("/lang/en").status_code in (303, 307)


def test_the_intake_preview_lists_duties_context_and_reads_in_chinese(web: Web) -> None:
    """The news-recommender case on the zh pages: duties with their deadline, 6.4(f) as context, no English."""
    import re

    import yaml

    from tests.intake.test_cases import CASES

    app, db = web
    olivia = Person(app, db, "olivia").login()
    case = yaml.safe_load(next(p for p in CASES if p.stem == "12-news-recommender").read_text(encoding="utf-8"))
    form = intake_form(case["answers"], "新闻推荐")
    assert olivia.get("/lang/zh?next=/").status_code == 303
    html = olivia.post("/intake/preview", data=form, headers={"HX-Request": "true"}).text
    assert "algorec.24" in html and "提供服务之日起 10 个工作日内" in html and "互联网信息服务算法推荐管理规定" in html
    context = html[html.index('id="decision-context"'):]
    assert "6.4.f" in context.split("</ul>")[0] and "6.4.f" not in html[:html.index('id="decision-context"')]
    assert "命中条件" in html and "舆论属性或社会动员能力：是" in html
    # an item with no Chinese title shows its English one after the tag that says so (仅有英文文本)
    text = re.sub(r"仅有英文文本</span>[^<]*", " ", html)
    text = re.sub(r"<[^>]+>", " ", text)
    latin = {w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text)
             if not re.fullmatch(r"[a-z][a-z0-9_]*|[A-Z][A-Z]+", w)}  # rule IDs and acronyms are codes
    assert latin == set(), latin
    assert olivia.get("/lang/en?next=/").status_code == 303
    html = olivia.post("/intake/preview", data=form, headers={"HX-Request": "true"}).text
    assert "within 10 working days of when the service starts" in html and "Context" in html
