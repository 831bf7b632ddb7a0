"""The lineage API: record a chain over HTTP, see the broken hop, a cycle refused, impact scoped to the viewer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.registry import services as reg
from tests.answers import LOW
from tests.people import who


def _api(web: Any, name: str) -> TestClient:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, name), name="t", by=system_principal("test"))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def test_api_chain_impact_cycle_and_vendor_admission(web: Any) -> None:
    _, db = web
    with db.session() as s:
        mine = reg.register_system(s, name="Olivia's bot", owner="olivia", answers=LOW, by=who(s, "olivia")).key
        theirs = reg.register_system(s, name="Oscar's bot", owner="oscar", answers=LOW, by=who(s, "oscar")).key
    gina, olivia, rita, audrey = (_api(web, n) for n in ("gina", "olivia", "rita", "audrey"))
    v = gina.post("/api/vendors", json={"name": "Qwen team", "kind": "publisher", "supplies": ["weights"]})
    assert v.status_code == 201, v.text
    base = gina.post("/api/models", json={"name": "Qwen2.5-7B", "kind": "foundation", "vendor_id": v.json()["id"],
                                          "licence": "Apache-2.0", "training_data": "see card"}).json()
    tuned = olivia.post("/api/models", json={"name": "bot-7b", "kind": "fine_tune", "accountable_team": "CX",
                                             "licence": "internal", "training_data": "support logs"}).json()
    r = olivia.post(f"/api/models/{tuned['id']}/parents", json={"parent_id": base["id"], "kind": "fine_tune"})
    assert r.status_code == 201 and r.json() == {"child": "bot-7b", "parent": "Qwen2.5-7B", "kind": "fine_tune"}
    cycle = gina.post(f"/api/models/{base['id']}/parents", json={"parent_id": tuned["id"], "kind": "merge"})
    assert cycle.status_code == 409 and "Qwen2.5-7B → bot-7b → Qwen2.5-7B" in cycle.json()["detail"]
    r = olivia.post(f"/api/systems/{mine}/lineage/models", json={"model_id": tuned["id"], "role": "primary"})
    assert r.status_code == 201, r.text
    assert {h["model"]: h["missing"] for h in r.json()["broken"]} == {"bot-7b": ["responsibility_docs"],
                                                                       "Qwen2.5-7B": ["responsibility_docs"]}
    assert olivia.post(f"/api/systems/{theirs}/lineage/models", json={"model_id": base["id"]}).status_code == 404
    gina.post(f"/api/systems/{theirs}/lineage/models", json={"model_id": base["id"]})
    impact = olivia.get(f"/api/lineage/impact/model/{base['id']}").json()
    assert impact["models"] == ["Qwen2.5-7B", "bot-7b"] and [x["key"] for x in impact["systems"]] == [mine]
    assert impact["hidden_systems"] == 1
    assert len(gina.get(f"/api/lineage/impact/vendor/{v.json()['id']}").json()["systems"]) == 2
    filing = gina.get(f"/api/systems/{mine}/lineage/filing").json()
    assert filing[0]["path"] == "filing" and "a fine-tune of" in filing[0]["reason"]
    assert "微调" in filing[0]["reason_zh"]
    assert gina.get("/api/models/99999").status_code == 404
    assert gina.get("/api/models/9007199254740992").status_code == 422
    assert audrey.post("/api/models", json={"name": "x", "kind": "foundation"}).status_code == 403
    # vendor admission over HTTP
    vid = gina.post("/api/vendors", json={"name": "Baidu AI Cloud", "uscc": "91110000802100433B",
                                          "supplies": ["model_api"]}).json()["id"]
    r = gina.post(f"/api/vendors/{vid}/due-diligence", json={"answers": {"dd.filing": "maybe"}})
    assert r.status_code == 422 and "yes, no or n/a" in r.json()["detail"]
    assert gina.post(f"/api/vendors/{vid}/admission", json={"to": "due_diligence"}).json()["admission"] == \
        "due_diligence"
    r = rita.post(f"/api/vendors/{vid}/reviews", json={"function": "legal", "decision": "approve"})
    assert r.status_code == 201 and r.json()["reviews"][0]["function"] == "legal"
    r = gina.post(f"/api/vendors/{vid}/admission", json={"to": "admitted"})
    assert r.status_code == 409 and "procurement review missing" in r.json()["detail"]
