"""Changing a model or a dataset and attaching its documents, over HTTP and from the shell.

What a person relies on: a PATCH changes only what it names (null clears), one audit event records
before and after, a document on a model serves the obligation it names in every system using the
model (the go-live gate's inherited evidence), and bad input (an unknown catalog item, an executable,
a link that is not http(s)) is refused naming what, with nothing stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.audit.models import AuditEvent
from aisgf.lineage import services as lin
from aisgf.lineage.models import LineageEvidence
from aisgf.registry import services as reg
from tests.answers import LOW
from tests.lineage.test_cli import _run, env  # noqa: F401  (the CLI fixture: a real data folder)
from tests.people import who


def _api(web: Any, name: str) -> TestClient:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, name), name="t", by=system_principal("test"))
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def _events(db: Any, action: str) -> list[dict[str, Any]]:
    """The payloads of the audit events of one action, oldest first."""
    with db.session() as s:
        rows = s.scalars(select(AuditEvent.payload).where(AuditEvent.action == action).order_by(AuditEvent.seq))
        return [json.loads(p) for p in rows]


def test_patch_changes_only_what_it_names_and_null_clears(web: Any) -> None:
    _, db = web
    gina, audrey = _api(web, "gina"), _api(web, "audrey")
    v = gina.post("/api/vendors", json={"name": "Zhipu", "supplies": ["model_api"]}).json()
    m = gina.post("/api/models", json={"name": "glm-4", "kind": "foundation", "accountable_team": "AI platform",
                                       "licence": "commercial", "intended_use": "chat"}).json()
    r = gina.patch(f"/api/models/{m['id']}", json={"vendor_id": v["id"], "accountable_team": None,
                                                    "filing_number": "Beijing-GLM-20230925"})
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["vendor"], after["accountable_team"], after["filing_number"]) == (
        "Zhipu", None, "Beijing-GLM-20230925")
    assert (after["licence"], after["intended_use"]) == ("commercial", "chat")  # not named: kept
    [ev] = _events(db, "lineage.model_updated")
    assert ev["before"]["vendor"] is None and ev["after"]["vendor"] == "Zhipu"
    assert set(ev["after"]) == {"vendor", "accountable_team", "filing_number"}
    # refused: no such vendor, a name cleared, a wrong type, a field the API does not have, a reader
    assert gina.patch(f"/api/models/{m['id']}", json={"vendor_id": 99999}).status_code == 404
    for cleared in ({"name": None}, {"kind": None}):  # a model keeps a name and a kind: not nullable
        r = gina.patch(f"/api/models/{m['id']}", json=cleared)
        assert r.status_code == 422 and next(iter(cleared)) in r.text, r.text
    assert gina.patch(f"/api/models/{m['id']}", json={"stub": 1}).status_code == 422
    assert gina.patch(f"/api/models/{m['id']}", json={"weights": "x"}).status_code == 422
    assert audrey.patch(f"/api/models/{m['id']}", json={"licence": "x"}).status_code == 403
    assert gina.patch("/api/models/99999", json={"licence": "x"}).status_code == 404
    assert gina.get(f"/api/models/{m['id']}").json()["licence"] == "commercial"
    assert len(_events(db, "lineage.model_updated")) == 1
    # datasets: answering an open question closes it
    d = gina.post("/api/datasets", json={"name": "support logs", "source": "user_interactions",
                                         "personal": True}).json()
    assert "lawful_basis" in {q["field"] for q in d["open_questions"]}
    r = gina.patch(f"/api/datasets/{d['id']}", json={"lawful_basis": "PIPL Art. 13(2): contract",
                                                      "cross_border": True})
    assert r.status_code == 200, r.text
    fields = {q["field"] for q in r.json()["open_questions"]}
    assert "lawful_basis" not in fields and "cross_border_mechanism" in fields
    assert r.json()["personal"] is True  # not named: kept
    assert gina.patch(f"/api/datasets/{d['id']}", json={"personal": None}).status_code == 422
    assert gina.patch(f"/api/datasets/{d['id']}", json={"source": "stolen"}).status_code == 422
    assert gina.patch(f"/api/datasets/{d['id']}", json={"source": None}).status_code == 422


def test_a_model_document_serves_its_obligation_in_every_system_using_it(web: Any) -> None:
    _, db = web
    with db.session() as s:
        key = reg.register_system(s, name="Olivia's bot", owner="olivia", answers=LOW, by=who(s, "olivia")).key
    gina, olivia, audrey = _api(web, "gina"), _api(web, "olivia"), _api(web, "audrey")
    m = gina.post("/api/models", json={"name": "bot-7b", "kind": "fine_tune", "accountable_team": "CX"}).json()
    assert olivia.post(f"/api/systems/{key}/lineage/models", json={"model_id": m["id"]}).status_code == 201
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = gina.post(f"/api/models/{m['id']}/evidence", files={"file": ("responsibility.pdf", pdf, "application/pdf")},
                  data={"purpose": "responsibility", "catalog_id": "aisgf-1.0:6.2.e",
                        "description": "责任说明文件 v1"})
    assert r.status_code == 201, r.text
    ev = r.json()
    assert (ev["catalog_id"], ev["kind"], ev["size"], ev["model_id"]) == ("6.2.e", "file", len(pdf), m["id"])
    with db.session() as s:
        system = reg.get_system(s, key)
        assert "6.2.e" in lin.inherited_evidence(s, system.id)
    listed = audrey.get(f"/api/models/{m['id']}/evidence").json()
    assert [x["id"] for x in listed] == [ev["id"]]
    content = audrey.get(f"/api/lineage/evidence/{ev['id']}/content")
    assert content.status_code == 200 and content.content == pdf
    # a link on a dataset
    d = gina.post("/api/datasets", json={"name": "corpus", "source": "open"}).json()
    r = gina.post(f"/api/datasets/{d['id']}/evidence", data={"uri": "https://data.example.cn/corpus/datasheet",
                                                              "purpose": "datasheet", "catalog_id": "4.1.2.b"})
    assert r.status_code == 201 and r.json()["uri"].endswith("/datasheet"), r.text
    link_id = r.json()["id"]
    assert audrey.get(f"/api/lineage/evidence/{link_id}/content").status_code == 404
    assert audrey.get("/api/lineage/evidence/99999/content").status_code == 404
    # refused, nothing stored
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(LineageEvidence))
    r = gina.post(f"/api/models/{m['id']}/evidence", data={"uri": "https://x.example/doc", "catalog_id": "6.2.z"})
    assert r.status_code == 404 and "6.2.z" in r.json()["detail"], r.text  # an unknown ID: not found
    r = gina.post(f"/api/models/{m['id']}/evidence", data={"uri": "https://x.example/doc", "catalog_id": "   "})
    assert r.status_code == 422 and r.json()["where"].endswith("catalog_id"), r.text
    exe = ("tool.exe", b"MZ\x90\x00", "application/x-msdos-program")
    r = gina.post(f"/api/models/{m['id']}/evidence", files={"file": exe})
    assert r.status_code == 415, r.text
    r = gina.post(f"/api/models/{m['id']}/evidence", data={"uri": "javascript:alert(1)"})
    assert r.status_code == 422
    r = gina.post(f"/api/models/{m['id']}/evidence", data={"purpose": "responsibility"})
    assert r.status_code == 422 and "file or a URI" in r.json()["detail"]
    assert audrey.post(f"/api/models/{m['id']}/evidence", data={"uri": "https://x.example/doc"}).status_code == 403
    assert gina.post("/api/models/99999/evidence", data={"uri": "https://x.example/doc"}).status_code == 404
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(LineageEvidence)) == before


def test_edit_and_attach_from_the_shell(env: dict[str, str | None], tmp_path: Path) -> None:  # noqa: F811
    assert _run(env, "model", "add", "bot-7b", "--kind", "fine_tune", "--team", "CX").returncode == 0
    p = _run(env, "model", "edit", "bot-7b", "--licence", "internal", "--training-data", "support logs", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert (d["licence"], d["training_data"], d["accountable_team"]) == ("internal", "support logs", "CX")
    p = _run(env, "model", "edit", "bot-7b", "--team", "", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["accountable_team"] is None, p.stderr
    p = _run(env, "model", "edit", "bot-7b", "--kind", "banana")
    assert p.returncode != 0 and "banana" in p.stderr
    doc = tmp_path / "responsibility.md"
    doc.write_text("# 责任说明\n模型来源、训练数据、已知局限。\n", encoding="utf-8")
    p = _run(env, "model", "evidence", "bot-7b", "--file", str(doc), "--obligation", "6.2.e", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["catalog_id"] == "6.2.e" and out["filename"] == "responsibility.md" and out["size"] == doc.stat().st_size
    p = _run(env, "model", "evidence", "bot-7b", "--uri", "https://x.example/doc", "--obligation", "9.9.z")
    assert p.returncode != 0 and "9.9.z" in p.stderr
    bad = tmp_path / "run.sh"
    bad.write_text("#!/bin/sh\n")
    p = _run(env, "model", "evidence", "bot-7b", "--file", str(bad))
    assert p.returncode != 0 and "(sh) are not accepted as evidence" in p.stderr, p.stderr
    assert _run(env, "dataset", "add", "logs", "--source", "user_interactions", "--personal").returncode == 0
    p = _run(env, "dataset", "edit", "logs", "--lawful-basis", "consent", "--no-personal", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["personal"] is False
    p = _run(env, "dataset", "evidence", "logs", "--uri", "https://x.example/datasheet", "-o", "4.1.2.d")
    assert p.returncode == 0 and "4.1.2.d" in p.stdout, p.stderr


def test_vendors_and_components_change_and_links_and_edges_come_off(web: Any) -> None:
    _, db = web
    with db.session() as s:
        key = reg.register_system(s, name="Olivia's bot", owner="olivia", answers=LOW, by=who(s, "olivia")).key
    gina, olivia, audrey = _api(web, "gina"), _api(web, "olivia"), _api(web, "audrey")
    v = gina.post("/api/vendors", json={"name": "Chips Co", "supplies": ["chips"]}).json()
    assert "dd.output_labeling: unanswered" not in v["result_reasons"]  # a chip maker is not asked about labels
    r = gina.patch(f"/api/vendors/{v['id']}", json={"supplies": ["chips", "model_api"], "country": "CN"})
    assert r.status_code == 200, r.text
    assert "dd.output_labeling: unanswered" in r.json()["result_reasons"] and r.json()["country"] == "CN"
    [ev] = _events(db, "lineage.vendor_updated")
    assert ev["before"]["supplies"] == ["chips"] and ev["after"]["supplies"] == ["model_api", "chips"]
    assert gina.patch(f"/api/vendors/{v['id']}", json={"uscc": "914403001922038217"}).status_code == 422
    assert gina.patch(f"/api/vendors/{v['id']}", json={"name": None}).status_code == 422
    assert olivia.patch(f"/api/vendors/{v['id']}", json={"country": "US"}).status_code == 403
    gina.post(f"/api/vendors/{v['id']}/admission", json={"to": "due_diligence"})
    r = gina.patch(f"/api/vendors/{v['id']}", json={"kind": "publisher"})
    assert r.status_code == 409 and "due_diligence" in r.json()["detail"]
    c = gina.post("/api/components", json={"kind": "software", "name": "vllm", "version": "0.6.3",
                                           "purl": "pkg:pypi/vllm@0.6.3"}).json()
    r = gina.patch(f"/api/components/{c['id']}", json={"version": "0.6.4", "purl": "pkg:pypi/vllm@0.6.4",
                                                       "supplier_id": v["id"]})
    assert r.status_code == 200 and r.json()["label"] == "software:vllm@0.6.4", r.text
    assert gina.patch(f"/api/components/{c['id']}", json={"purl": "not a purl"}).status_code == 422
    assert gina.patch(f"/api/components/{c['id']}", json={"supplier_id": None}).json()["supplier"] is None
    # edges and links come off, audited; what is not there is 404
    base = gina.post("/api/models", json={"name": "base", "kind": "foundation", "vendor_id": v["id"]}).json()
    tuned = gina.post("/api/models", json={"name": "tuned", "kind": "fine_tune", "accountable_team": "CX"}).json()
    gina.post(f"/api/models/{tuned['id']}/parents", json={"parent_id": base["id"], "kind": "fine_tune"})
    r = gina.delete(f"/api/models/{tuned['id']}/parents/{base['id']}")
    assert r.status_code == 200 and r.json() == {"child": "tuned", "parent": "base", "kind": "fine_tune"}
    assert gina.get(f"/api/models/{tuned['id']}/parents").json() == []
    assert gina.delete(f"/api/models/{tuned['id']}/parents/{base['id']}").status_code == 404
    assert len(_events(db, "lineage.edge_removed")) == 1
    d = gina.post("/api/datasets", json={"name": "corpus", "source": "open"}).json()
    olivia.post(f"/api/systems/{key}/lineage/models", json={"model_id": tuned["id"]})
    olivia.post(f"/api/systems/{key}/lineage/datasets", json={"dataset_id": d["id"], "use": "retrieval"})
    olivia.post(f"/api/systems/{key}/lineage/components", json={"component_id": c["id"]})
    assert audrey.delete(f"/api/systems/{key}/lineage/models/{tuned['id']}").status_code == 403
    assert olivia.delete(f"/api/systems/{key}/lineage/models/{tuned['id']}").json()["hops"] == []
    assert olivia.delete(f"/api/systems/{key}/lineage/datasets/{d['id']}?use=training").status_code == 404
    assert olivia.delete(f"/api/systems/{key}/lineage/datasets/{d['id']}").status_code == 200
    assert olivia.delete(f"/api/systems/{key}/lineage/components/{c['id']}").status_code == 200
    assert olivia.delete(f"/api/systems/{key}/lineage/components/{c['id']}").status_code == 404
    with db.session() as s:
        sid = reg.get_system(s, key).id
        assert lin.system_models(s, sid) == [] and lin.system_datasets(s, sid) == []
        assert lin.system_components(s, sid) == []
    assert [len(_events(db, a)) for a in ("lineage.system_model_unlinked", "lineage.system_dataset_unlinked",
                                          "lineage.system_component_unlinked")] == [1, 1, 1]


def test_vendor_and_component_edits_and_unlinks_from_the_shell(env: dict[str, str | None]) -> None:  # noqa: F811
    assert _run(env, "vendor", "add", "Zhipu", "--supplies", "model_api").returncode == 0
    p = _run(env, "vendor", "edit", "Zhipu", "--supplies", "model_api", "--supplies", "data", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["supplies"] == ["model_api", "data"], p.stderr
    assert "dd.data_provenance: unanswered" in json.loads(p.stdout)["result_reasons"]
    assert _run(env, "component", "add", "vllm", "--kind", "software", "--version", "0.6.3").returncode == 0
    p = _run(env, "component", "edit", "software:vllm@0.6.3", "--version", "0.6.4", "--purl",
             "pkg:pypi/vllm@0.6.4", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["purl"] == "pkg:pypi/vllm@0.6.4", p.stderr
    assert _run(env, "model", "add", "base", "--kind", "foundation", "--vendor", "Zhipu").returncode == 0
    assert _run(env, "model", "add", "tuned", "--kind", "fine_tune", "--team", "CX").returncode == 0
    assert _run(env, "model", "parent", "tuned", "base", "--kind", "fine_tune").returncode == 0
    p = _run(env, "model", "unparent", "tuned", "base")
    assert p.returncode == 0 and "no longer derives from" in p.stdout, p.stderr
    p = _run(env, "model", "unparent", "tuned", "base")
    assert p.returncode == 3, p.stderr  # not found
