"""The chain check stored as a system's evidence for 6.2(e), and the lineage's contradiction on the page.

A complete chain's report is linked to the system's 6.2.e obligation (the go-live gate counts it); a
broken one is stored for the record and meets nothing; a system with no model has no chain to check.
The same over the service, the API, the CLI and the system page's form (with its CSRF token).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.errors import Conflict
from aisgf.lineage.chain_report import record_chain_check
from aisgf.registry import services as reg
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.models import Evidence, EvidenceLink
from tests.answers import LOW
from tests.lineage.helpers import documented, three_hops
from tests.people import who
from tests.web.helpers import Person, intake_form

THIRD_PARTY = {**LOW, "model_source": "third_party_model"}


def _register(db: Database, name: str, answers: dict[str, Any] = LOW) -> str:
    with db.session() as s:
        return reg.register_system(s, name=name, owner="alice", answers=answers, by=who(s, "alice", "owner")).key


def _links(db: Database, evidence_id: int) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(reg.Obligation.catalog_id).join(EvidenceLink, EvidenceLink.obligation_id ==
                                                                     reg.Obligation.id)
                              .where(EvidenceLink.evidence_id == evidence_id)))


def test_a_complete_chain_meets_6_2_e_and_a_broken_one_is_kept_for_the_record(db: Database, tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    key = _register(db, "Support assistant")  # LOW: built on a foundation model, owes 6.2.e
    ids = three_hops(db, key)  # the middle hop lacks its responsibility document
    with db.session() as s:
        lead = who(s, "gina")
        broken = record_chain_check(s, store, key, by=lead, max_bytes=10_000_000)
        assert not broken.counts and broken.obligations == [] and len(broken.chain.broken) == 1
        report = json.loads(store.path(broken.evidence.sha256).read_bytes())  # type: ignore[arg-type]
        assert report["complete"] is False and report["framework_item"] == "6.2.e"
        [hop] = report["chain"]["broken"]
        assert hop["missing"] == ["responsibility_docs"] and report["checked_by"] == "gina"
        assert "kept for the record" in broken.evidence.description
        broken_id = broken.evidence.id
    assert _links(db, broken_id) == []
    with db.session() as s:
        documented(s, ids["tuned"])
        ok = record_chain_check(s, store, key, by=who(s, "gina"), max_bytes=10_000_000)
        assert ok.counts and ok.obligations == ["6.2.e"] and ok.chain.ok
        assert "链条完整" in ok.evidence.description
        ok_id = ok.evidence.id
    assert _links(db, ok_id) == ["6.2.e"]
    # no model linked: nothing to check, nothing stored
    bare = _register(db, "Bare")
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Evidence))
        with pytest.raises(Conflict, match="no model linked"):
            record_chain_check(s, store, bare, by=who(s, "gina"), max_bytes=10_000_000)
        assert s.scalar(select(func.count()).select_from(Evidence)) == before


def test_over_the_api_and_from_the_shell(web: Any, tmp_path: Path) -> None:
    app, db = web
    key = _register(db, "Support assistant")
    ids = three_hops(db, key)
    with db.session() as s:
        documented(s, ids["tuned"])
        tokens = {n: acc.create_token(s, acc.get_user(s, n), name="t", by=system_principal("test"))
                  for n in ("gina", "audrey")}
    gina = TestClient(app, headers={"Authorization": f"Bearer {tokens['gina']}"})
    audrey = TestClient(app, headers={"Authorization": f"Bearer {tokens['audrey']}"})
    r = gina.post(f"/api/systems/{key}/lineage/chain/evidence")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["counts"] is True and body["obligations"] == ["6.2.e"] and body["chain"]["ok"] is True
    assert body["evidence"]["obligations"] == ["6.2.e"] and body["evidence"]["filename"].endswith(".json")
    assert audrey.post(f"/api/systems/{key}/lineage/chain/evidence").status_code == 403
    assert gina.post("/api/systems/no-such/lineage/chain/evidence").status_code == 404


def test_the_system_page_records_the_check_and_shows_the_contradiction(web: tuple[FastAPI, Database]) -> None:
    app, db = web
    owner = Person(app, db, "olivia").login()
    r = owner.post("/intake", data=intake_form(THIRD_PARTY, "Claims triage"))
    assert r.status_code == 303, r.text
    key = r.headers["location"].split("/systems/")[1].split("?")[0]
    with db.session() as s:
        g = who(s, "gina")
        from aisgf.lineage import services as lin

        m = lin.add_model(s, by=g, name="triage-clf", kind="classical", accountable_team="Claims analytics",
                          licence="internal", training_data="claims 2019-2024")
        lin.link_system_model(s, key, m.id, "primary", by=g)
        s.commit()
    page = owner.get(f"/systems/{key}").text
    assert 'id="lineage-contradiction"' in page and "triage-clf is Claims analytics&#39;s own" in page
    assert 'id="contradiction-model_source"' in page and 'id="contradiction-trains_or_fine_tunes"' in page
    # each names its question, the answer and what the next assessment takes (the decision's own warning)
    shown = page.replace("&#34;", '"').replace("&quot;", '"')
    assert 'model source was answered "A third-party model' in shown
    assert 'trains or fine-tunes was answered "no"' in shown
    assert 'id="chain-check-form"' in page
    # the form without its token is refused, nothing stored
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Evidence))
    assert owner.c.post(f"/systems/{key}/lineage/chain-check", data={}).status_code == 403
    r = owner.post(f"/systems/{key}/lineage/chain-check")
    assert r.status_code == 303 and "notice=chain_recorded_record_only" in r.headers["location"], r.text
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == before + 1  # the docs are missing: record only
    assert "stored for the record" in owner.get(r.headers["location"]).text
    # a reader sees the panel, not the form
    reader = Person(app, db, "audrey").login()
    assert 'id="chain-check-form"' not in reader.get(f"/systems/{key}").text
    assert reader.post(f"/systems/{key}/lineage/chain-check").status_code in (403, 404)
    # reassessing applies the lineage: the warning is in the decision, the panel's contradiction is gone
    with db.session() as s:
        reg.reassess(s, key, dict(THIRD_PARTY), by=who(s, "gina"))
        s.commit()
    owner.get("/lang/zh?next=/")
    zh = owner.get(f"/systems/{key}").text
    assert 'id="lineage-contradiction"' not in zh
    assert 'id="warning-lineage:model_source"' in zh and "本单位自主研发" in zh
