"""Errors raised by the services read in the person's language on the pages (by message ID)."""

from __future__ import annotations

from fastapi import FastAPI

from aisgf.db import Database
from aisgf.registry import services as svc
from aisgf.web.i18n import translator
from tests.answers import LOW
from tests.web.helpers import Person, intake_form

Web = tuple[FastAPI, Database]
ZH = translator("zh")


def _in(p: Person, lang: str) -> Person:
    assert p.get(f"/lang/{lang}?next=/").status_code == 303
    return p


def _register(p: Person, name: str) -> str:
    r = p.post("/intake", data=intake_form(LOW, name, owner="olivia"))
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/systems/")[1].split("?")[0]


def test_a_waiver_without_reason_reads_in_chinese_and_in_english(web: Web) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    key = _register(gina, "Waivers")
    with db.session() as s:
        ob = svc.get_system(s, key).obligations[0]
    form = {"status": "waived", "version": str(ob.version), "waiver_expires": "2999-01-01"}
    r = _in(gina, "zh").post(f"/systems/{key}/obligations/{ob.id}", data=form)
    assert r.status_code == 422 and "豁免需要填写理由" in r.text and "a waiver needs a reason" not in r.text
    r = _in(gina, "en").post(f"/systems/{key}/obligations/{ob.id}", data=form)
    assert r.status_code == 422 and "a waiver needs a reason" in r.text and "豁免需要填写理由" not in r.text


def test_an_invalid_intake_answer_reads_in_chinese_and_in_english(web: Web) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    form = intake_form({**LOW, "sector": "space"}, "Rocket")
    r = _in(olivia, "zh").post("/intake", data=form)
    assert r.status_code == 422
    # next to the question, with the options' labels listed the Chinese way (not the raw values)
    assert "请从以下选项中选择一项：一般领域、金融、" in r.text and "is not an accepted value" not in r.text
    assert "general、finance" not in r.text
    preview = olivia.post("/intake/preview", data=form, headers={"HX-Request": "true"})
    assert "请从以下选项中选择一项：一般领域、金融、" in preview.text
    r = _in(olivia, "en").post("/intake", data=form)
    assert r.status_code == 422 and "请从" not in r.text
    assert "Choose one of: General (none of the key sectors below), Finance, " in r.text


def test_a_weak_password_on_the_account_page_reads_in_chinese_and_in_english(web: Web) -> None:
    app, db = web
    from tests.web.helpers import PASSWORD

    olivia = Person(app, db, "olivia").login()
    form = {"current_password": PASSWORD, "new_password": "short"}
    r = _in(olivia, "zh").post("/account/password", data=form)
    assert r.status_code == 422 and "密码至少需要" in r.text and "a password needs at least" not in r.text
    r = _in(olivia, "en").post("/account/password", data=form)
    assert r.status_code == 422 and "a password needs at least" in r.text and "密码至少需要" not in r.text


def test_admin_and_review_errors_use_chinese_labels(web: Web) -> None:
    app, db = web
    ada = _in(Person(app, db, "ada").login(), "zh")
    r = ada.post("/admin/users", data={"username": "neo", "password": "Tiered-Governance-2026", "role": "reviewer"})
    assert r.status_code == 422 and "审查人至少需要一个职能" in r.text
    olivia = Person(app, db, "olivia").login()
    key = _register(olivia, "Labels")
    bo = _in(Person(app, db, "bo").login(), "zh")
    r = bo.post(f"/systems/{key}/reviews", data={"function": "senior", "decision": "approve", "assessment": "1"})
    assert r.status_code == 403
    assert f"您可以以“{ZH('Business')}”职能审查，而不是“{ZH('Senior sign-off')}”" in r.text


def test_a_refused_upload_reads_in_chinese_and_in_english(web: Web) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    key = _register(gina, "Uploads")
    files = {"file": ("run.exe", b"MZ\x90\x00", "application/x-msdownload")}
    r = _in(gina, "zh").post(f"/systems/{key}/evidence", files=files)
    assert r.status_code == 415 and "不能作为证据" in r.text and "are not accepted" not in r.text
    r = _in(gina, "en").post(f"/systems/{key}/evidence", files=files)
    assert r.status_code == 415 and "are not accepted as evidence" in r.text
    with db.session() as s:
        assert svc.list_evidence(s, svc.get_system(s, key)) == []


def test_a_form_without_csrf_token_is_refused_in_chinese(web: Web) -> None:
    app, db = web
    gina = _in(Person(app, db, "gina").login(), "zh")
    r = gina.c.post("/account/tokens", data={"name": "no-csrf"})
    assert r.status_code == 403 and "此表单已过期或并非来自 aisgf" in r.text and "did not come from" not in r.text


def test_a_vendors_admission_state_reads_as_its_name_in_chinese(db: Database) -> None:
    import pytest

    from aisgf.errors import Conflict
    from aisgf.lineage import services as lin
    from aisgf.web.error_text import error_text
    from tests.people import who

    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="State Co", supplies=["model_api"])
        with pytest.raises(Conflict) as err:
            lin.move_vendor(s, v.id, "admitted", by=lead)
    zh = error_text(err.value, "zh")
    assert zh == "供应商 State Co 不能从“候选”转为“已准入”；“候选”可转为：尽职调查、已退出", zh
    assert "cannot move from candidate to admitted" in error_text(err.value, "en")
