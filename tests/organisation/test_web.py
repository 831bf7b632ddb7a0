"""The organisation API and page: who may read and change them, CSRF, errors that name the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from tests.web.helpers import Person

PROFILE: dict[str, Any] = {
    "name_zh": "示例智能科技有限公司", "name_en": "Example AI Co., Ltd.", "uscc": "91440300708461136T",
    "province": "440000", "reporter_type": "other",
    "contact": {"name": "王芳", "phone": "0755-12345678", "email": "security@example.cn"},
}
REGISTRATION = {"kind": "generative_ai_registration", "number": "Guangdong-ShiLiZhuShou-20250301",
                "service_name": "示例助手", "filed_on": "2025-03-01", "upstream_model": "文心大模型",
                "upstream_number": "Beijing-WenXinYiYan-20230821"}


def _api(web: Any, name: str) -> TestClient:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, name), name="t", by=system_principal("test"))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_api_profile_and_filings(web: Any) -> None:
    gina, audrey = _api(web, "gina"), _api(web, "audrey")
    r = gina.get("/api/organisation")
    assert r.status_code == 404 and "no organisation profile" in r.json()["detail"]
    r = gina.put("/api/organisation", json=PROFILE)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["province"] == {"code": "440000", "zh": "广东省", "en": "Guangdong"} and body["version"] == 1
    duty = body["incident_reporting"]
    assert (duty["hours"], duty["addressee_zh"]) == (4, "广东省网信部门(属地省级网信部门)")
    assert audrey.get("/api/organisation").json()["uscc"] == PROFILE["uscc"]  # reads: everyone
    stale = gina.put("/api/organisation", json={**PROFILE, "reporter_type": "cii_operator", "expected_version": 0})
    assert stale.status_code == 409
    r = gina.put("/api/organisation", json={**PROFILE, "reporter_type": "cii_operator", "expected_version": 1})
    assert r.json()["incident_reporting"]["hours"] == 1 and r.json()["version"] == 2

    r = gina.post("/api/organisation/filings", json=REGISTRATION)
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    assert r.json()["kind_zh"] == "生成式人工智能服务登记"
    assert gina.post("/api/organisation/filings", json=REGISTRATION).status_code == 409
    listed = audrey.get("/api/organisation/filings", params={"kind": "generative_ai_registration"}).json()
    assert listed["total"] == 1 and listed["items"][0]["upstream_number"] == REGISTRATION["upstream_number"]
    assert audrey.get("/api/organisation/filings", params={"kind": "icp"}).status_code == 422
    assert gina.delete(f"/api/organisation/filings/{fid}").json()["number"] == REGISTRATION["number"]
    assert gina.delete(f"/api/organisation/filings/{fid}").status_code == 404


def test_api_refuses_reviewers_owners_and_auditors(web: Any) -> None:
    for name in ("rita", "olivia", "audrey"):
        c = _api(web, name)
        r = c.put("/api/organisation", json=PROFILE)
        assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "access-denied", name
        assert c.post("/api/organisation/filings", json=REGISTRATION).status_code == 403
        assert c.delete("/api/organisation/filings/1").status_code == 403
    assert TestClient(web[0]).get("/api/organisation").status_code == 401
    assert _api(web, "ada").put("/api/organisation", json=PROFILE).status_code == 200  # admins may


def test_api_errors_name_the_field(web: Any) -> None:
    gina = _api(web, "gina")
    r = gina.put("/api/organisation", json={**PROFILE, "uscc": "91440300708461136U"})
    assert r.status_code == 422 and r.json()["where"] == "uscc"
    assert "'T' is expected" in r.json()["detail"]
    r = gina.put("/api/organisation", json={**PROFILE, "contact": {**PROFILE["contact"], "phone": "ask me"}})
    assert r.status_code == 422 and r.json()["where"] == "contact_phone"
    r = gina.put("/api/organisation", json={**PROFILE, "reporter_type": "bank"})
    assert r.status_code == 422 and r.json()["where"] == "body.reporter_type"
    r = gina.post("/api/organisation/filings", json={**REGISTRATION, "upstream_number": None})
    assert r.status_code == 422 and r.json()["where"] == "upstream_number"


def _form(**kw: str) -> dict[str, str]:
    c = PROFILE["contact"]
    base = {"name_zh": PROFILE["name_zh"], "name_en": PROFILE["name_en"], "uscc": PROFILE["uscc"],
            "province": "440000", "reporter_type": "state_organ", "contact_name": c["name"],
            "contact_phone": c["phone"], "contact_email": c["email"], "version": ""}
    return {**base, **kw}


def test_page_set_profile_and_filings_with_csrf(web: Any) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    page = gina.get("/organisation")
    assert page.status_code == 200 and 'id="no-profile"' in page.text and 'id="profile-form"' in page.text
    assert 'href="/organisation"' in page.text  # in the navigation
    no_csrf = gina.c.post("/organisation", data=_form())
    assert no_csrf.status_code == 403 and no_csrf.headers["x-aisgf-problem"] == "csrf-failed"
    r = gina.post("/organisation", data=_form())
    assert r.status_code == 303 and r.headers["location"] == "/organisation?notice=organisation_saved", r.text
    page = gina.get("/organisation?notice=organisation_saved")
    assert "The organisation profile is saved." in page.text and "91440300708461136T" in page.text
    assert "the department&#39;s own cyberspace affairs office" in page.text and "2 hour(s)" in page.text

    number = "网信算备440305123456701230011号"
    r = gina.post("/organisation/filings", data={"kind": "algorithm_filing", "service_name": "智能客服",
                                                  "number": number, "filed_on": "2024-05-06"})
    assert r.status_code == 303 and r.headers["location"] == "/organisation?notice=filing_added", r.text
    page = gina.get("/organisation")
    assert number in page.text and "Algorithm filing" in page.text
    bad = gina.post("/organisation/filings", data={"kind": "generative_ai_registration", "number": "X-1",
                                                    "service_name": "助手"})
    assert bad.status_code == 422 and "upstream_model is required" in bad.text
    assert 'value="X-1"' in bad.text  # the person's input is kept
    from aisgf.organisation import services as svc

    with db.session() as s:
        (f,) = svc.filings(s)
    r = gina.post(f"/organisation/filings/{f.id}/delete")
    assert r.status_code == 303
    assert "No filings recorded." in gina.get("/organisation").text


def test_page_errors_in_chinese_name_the_expected_character(web: Any) -> None:
    app, db = web
    gina = Person(app, db, "gina").login()
    gina.get("/lang/zh?next=/organisation")
    r = gina.post("/organisation", data=_form(uscc="91440300708461136U"))
    assert r.status_code == 422
    assert "校验码（第 18 位）为 &#39;U&#39;" in r.text and "应为 &#39;T&#39;" in r.text, r.text
    assert 'value="91440300708461136U"' in r.text  # kept for correcting
    assert gina.post("/organisation", data=_form()).status_code == 303
    page = gina.get("/organisation")
    assert "本部门网信工作机构" in page.text and "单位信息" in page.text
    stale = gina.post("/organisation", data=_form(contact_name="李雷", version="0"))
    assert stale.status_code == 409


def test_page_read_only_for_others(web: Any) -> None:
    app, db = web
    rita = Person(app, db, "rita").login()
    page = rita.get("/organisation")
    assert page.status_code == 200 and 'id="profile-form"' not in page.text and 'id="filing-form"' not in page.text
    r = rita.post("/organisation", data=_form())
    assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "access-denied"
    assert rita.post("/organisation/filings", data={"kind": "other"}).status_code == 403
