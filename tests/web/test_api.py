"""The REST API: personal tokens that carry a role, RFC 9457 problems that name the field, paging, uploads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.web.app import create_app
from tests.answers import HIGH, LOW
from tests.people import owner_accounts
from tests.web.helpers import make_user

_owners = owner_accounts("alice")

TOKENS: dict[str, dict[str, str]] = {}


def _token(db: Database, username: str) -> dict[str, str]:
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, username), name="ci", by=system_principal("test"))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(db: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A governance lead's token for writes; reviewers' tokens in TOKENS for their functions."""
    db.settings.max_upload_bytes = 2048
    make_user(db, "gina", "governance_lead")
    make_user(db, "rita", "reviewer", ["business", "data", "legal", "infosec"])
    make_user(db, "sam", "reviewer", ["senior"])
    TOKENS.clear()
    TOKENS.update({"rita": _token(db, "rita"), "sam": _token(db, "sam")})
    auth = _token(db, "gina")
    with TestClient(create_app(db.settings, db), headers=auth) as c:  # reads need a token too
        yield c, auth


def test_full_flow_over_http(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    r = c.post("/api/systems", json={"system": {"name": "Loan bot", "owner": "alice"}, "answers": HIGH},
               headers=auth)
    assert r.status_code == 201, r.text
    sysd = r.json()
    key = sysd["key"]
    assert sysd["status"] == "in_review" and sysd["tier"] == "high"
    for fn in sysd["reviews_required"]:
        r = c.post(f"/api/systems/{key}/reviews", json={"function": fn, "decision": "approve", "assessment": 1},
                   headers=TOKENS["sam" if fn == "senior" else "rita"])
        assert r.status_code == 201, r.text
    assert c.get(f"/api/systems/{key}").json()["status"] == "approved"
    r = c.post(f"/api/systems/{key}/status", json={"status": "live"}, headers=auth)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["open"] and {g["reason"] for g in r.json()["open"]} == {"open"}  # the gate lists what is open
    gaps = c.get(f"/api/systems/{key}/launch-gaps", headers=auth).json()
    assert [g["ref"] for g in gaps] == [g["ref"] for g in r.json()["open"]]
    for g in gaps:  # each settled: met with a named sign-off
        ob = c.get(f"/api/systems/{key}/obligations?limit=500").json()["items"]
        version = next(o["version"] for o in ob if o["id"] == g["obligation"])
        r = c.patch(f"/api/obligations/{g['obligation']}", json={"status": "met", "sign_off": True,
                                                                   "expected_version": version}, headers=auth)
        assert r.status_code == 200 and r.json()["signed_off_by"], r.text
    r = c.post(f"/api/systems/{key}/status", json={"status": "live"}, headers=auth)
    assert r.json()["status"] == "live" and r.json()["live_since"]
    ob = c.get(f"/api/systems/{key}/obligations").json()["items"][0]
    r = c.post(f"/api/systems/{key}/evidence", files={"file": ("report.txt", b"screening report", "text/plain")},
               data={"obligations": ob["catalog_id"], "description": "report"}, headers=auth)
    assert r.status_code == 201, r.text
    ev = r.json()
    assert c.get(f"/api/evidence/{ev['id']}/content").content == b"screening report"
    r = c.patch(f"/api/obligations/{ob['id']}", json={"status": "met", "expected_version": ob["version"]},
                headers=auth)
    assert r.json()["status"] == "met"
    audit = c.get(f"/api/systems/{key}/audit", params={"limit": 100}).json()
    actions = [e["action"] for e in audit["items"]]
    assert "review.recorded" in actions and "evidence.added" in actions
    assert all(e["actor"] == "gina (token:ci)" for e in audit["items"] if e["action"] == "evidence.added")
    assert {e["actor"] for e in audit["items"] if e["action"] == "review.recorded"} == {"rita (token:ci)",
                                                                                      "sam (token:ci)"}
    v = c.get("/api/audit/verify").json()
    assert v["ok"] and v["events"] >= 8


def test_writes_need_a_valid_token(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    body = {"system": {"name": "x", "owner": "alice"}, "answers": LOW}
    r = c.post("/api/systems", json=body, headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["where"] == "Authorization"
    r = c.post("/api/systems", json=body, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert c.get("/api/systems", headers=TOKENS["rita"]).json()["total"] == 0
    assert c.get("/api/systems", headers={"Authorization": ""}).status_code == 401


def test_problems_name_the_field(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    r = c.post("/api/systems", json={"system": {"name": "x", "owner": "alice"}, "answers": {**LOW, "sector": "moon"}},
               headers=auth)
    assert r.status_code == 422
    p = r.json()
    assert p["status"] == 422 and "sector" in p["detail"] and "finance" in p["detail"]
    r = c.post("/api/systems", json={"system": {"name": "x"}, "answers": LOW}, headers=auth)
    assert r.status_code == 422 and r.json()["where"] == "body.system.owner"
    r = c.post("/api/systems", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert c.get("/api/systems/does-not-exist").status_code == 404
    assert c.get("/api/catalog/items/9.9.z").status_code == 404
    r = c.post("/api/assess", json={"answers": {**LOW, "unknown_q": True}})
    assert r.status_code == 422 and "unknown_q" in r.json()["detail"]


def test_oversize_upload_is_refused_and_nothing_is_kept(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    key = c.post("/api/systems", json={"system": {"name": "x", "owner": "alice"}, "answers": LOW},
                 headers=auth).json()["key"]
    before = c.get("/api/audit/verify").json()["events"]
    r = c.post(f"/api/systems/{key}/evidence", files={"file": ("big.bin", b"x" * 5000)}, headers=auth)
    assert r.status_code == 413 and r.json()["limit_bytes"] == 2048
    assert c.get("/api/audit/verify").json()["events"] == before
    assert c.get(f"/api/systems/{key}").json()["evidence"] == []


def test_stale_write_is_a_conflict(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    key = c.post("/api/systems", json={"system": {"name": "x", "owner": "alice"}, "answers": LOW},
                 headers=auth).json()["key"]
    ob = c.get(f"/api/systems/{key}/obligations").json()["items"][0]
    assert c.patch(f"/api/obligations/{ob['id']}", json={"note": "tab 1", "expected_version": ob["version"]},
                   headers=auth).status_code == 200
    r = c.patch(f"/api/obligations/{ob['id']}", json={"note": "tab 2", "expected_version": ob["version"]},
                headers=auth)
    assert r.status_code == 409
    assert c.get(f"/api/systems/{key}/obligations").json()["items"][0]["note"] == "tab 1"


def test_lists_are_paged(client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    for i in range(5):
        c.post("/api/systems", json={"system": {"name": f"s{i}", "owner": "alice"}, "answers": LOW}, headers=auth)
    page = c.get("/api/systems", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 5 and [x["name"] for x in page["items"]] == ["s2", "s3"]
    assert c.get("/api/systems", params={"limit": 0}).status_code == 422
    assert c.get("/docs").status_code == 200


def test_intake_endpoints(client: tuple[TestClient, dict[str, str]]) -> None:
    c, _ = client
    q = c.get("/api/intake/questionnaire").json()
    ids = [x["id"] for x in q["questions"]]
    assert {"public_facing", "sector", "org_roles", "generates_content"} <= set(ids)
    rs = c.get("/api/intake/ruleset").json()
    d = c.post("/api/assess", json={"answers": HIGH}).json()
    assert d["ruleset_hash"] == rs["hash"] and d["tier"] == "high"


def test_the_api_refuses_evidence_files_the_pages_refuse(client: tuple[TestClient, dict[str, str]]) -> None:
    """The file-type rule is the service's: an upload through the API is checked like one through a page."""
    c, auth = client
    key = c.post("/api/systems", json={"system": {"name": "Loan bot", "owner": "alice"}, "answers": LOW},
                 headers=auth).json()["key"]
    for name, ctype in (("run.exe", "application/octet-stream"), ("page.html", "text/html"),
                        ("notes.txt", "text/html")):
        r = c.post(f"/api/systems/{key}/evidence", files={"file": (name, b"<script>x</script>", ctype)},
                   headers=auth)
        assert r.status_code == 415, (name, r.text)
        assert r.json()["where"] == "file" and ".pdf" in r.json()["detail"]
    assert c.get(f"/api/systems/{key}", headers=auth).json()["evidence"] == []
    r = c.post(f"/api/systems/{key}/evidence", files={"file": ("notes.txt", b"fine", "text/plain")}, headers=auth)
    assert r.status_code == 201, r.text


def test_gates_over_http_waiver_override_retire_reinstate(client: tuple[TestClient, dict[str, str]],
                                                          db: Database) -> None:
    """The gate rules through the API: a second person for waivers, a lead's recorded override, an undoable retire."""
    c, gina = client
    make_user(db, "lena", "governance_lead")
    make_user(db, "alice2", "owner")
    lena, owner = _token(db, "lena"), _token(db, "alice2")
    r = c.post("/api/systems", json={"system": {"name": "Notes", "owner": "alice2"}, "answers": LOW}, headers=gina)
    key = r.json()["key"]
    for fn in r.json()["reviews_required"]:
        c.post(f"/api/systems/{key}/reviews", json={"function": fn, "decision": "approve"}, headers=TOKENS["rita"])
    ob = c.get(f"/api/systems/{key}/obligations", headers=owner).json()["items"][0]
    r = c.patch(f"/api/obligations/{ob['id']}", headers=owner, json={
        "status": "waived", "waiver_reason": "pilot", "waiver_expires": "2027-01-31"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["waiver_state"]) == ("open", "requested")
    r = c.post(f"/api/obligations/{ob['id']}/waiver", json={"approve": True}, headers=owner)
    assert r.status_code == 403  # the route is a governance lead's
    r = c.post(f"/api/obligations/{ob['id']}/waiver", json={"approve": True}, headers=lena)
    assert r.status_code == 200 and r.json()["status"] == "waived" and r.json()["waived_by"] == "lena"
    r = c.post(f"/api/systems/{key}/status", json={"status": "live", "override": True, "reason": "x"}, headers=owner)
    assert r.status_code == 403
    r = c.post(f"/api/systems/{key}/status", json={"status": "live", "override": True, "reason": "pilot"},
               headers=gina)
    assert r.status_code == 200 and r.json()["go_live_override"]["by"] == "gina"
    r = c.post(f"/api/systems/{key}/status", json={"status": "retired", "reason": "done"}, headers=owner)
    assert r.status_code == 422 and "confirm" in r.json()["detail"]
    r = c.post(f"/api/systems/{key}/status", json={"status": "retired", "reason": "done", "confirm": True},
               headers=owner)
    assert r.status_code == 200 and (r.json()["status"], r.json()["retired_from"]) == ("retired", "live")
    assert c.post(f"/api/systems/{key}/reinstate", json={"reason": "misclick"}, headers=owner).status_code == 403
    r = c.post(f"/api/systems/{key}/reinstate", json={"reason": "misclick"}, headers=gina)
    assert r.status_code == 200 and r.json()["status"] == "live"
    assert c.get("/api/systems?due=true", headers=gina).json()["total"] == 0


def test_the_second_person_rule_holds_across_browser_and_token(client: tuple[TestClient, dict[str, str]],
                                                              db: Database) -> None:
    c, gina = client
    make_user(db, "alice3", "owner")
    r = c.post("/api/systems", json={"system": {"name": "Notes", "owner": "alice3"}, "answers": LOW}, headers=gina)
    ob = c.get(f"/api/systems/{r.json()['key']}/obligations", headers=gina).json()["items"][0]
    from datetime import date

    from aisgf.registry.gates import request_waiver
    from tests.people import who

    with db.session() as s:  # gina requests it as herself (e.g. in the browser) ...
        request_waiver(s, ob["id"], by=who(s, "gina"), reason="pilot", expires=date(2027, 1, 31))
    r = c.post(f"/api/obligations/{ob['id']}/waiver", json={"approve": True}, headers=gina)  # ... and her token
    assert r.status_code == 403 and "second person" in r.json()["detail"]
