"""Where the lineage contradicts an intake answer, the lineage wins and the decision warns.

The case the issue names: a system answered "a third-party model" whose recorded models are all our
own. And its mirror: "built in house" for a model fine-tuned from a vendor's base. The answer stays
the person's (so the warning persists until they correct it); the rules run on the lineage's value,
so the obligations follow what the system is really made of.
"""

from __future__ import annotations

import pytest

from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.intake.engine import KnownFact, evaluate
from aisgf.lineage import graph
from aisgf.lineage import services as lin
from aisgf.registry import governance as gov
from aisgf.registry import services as reg
from tests.answers import LOW
from tests.lineage.helpers import admitted_vendor
from tests.people import who

THIRD_PARTY = {**LOW, "model_source": "third_party_model"}
IN_HOUSE = {**LOW, "model_source": "in_house"}


def _register(db: Database, name: str, answers: dict[str, object]) -> str:
    with db.session() as s:
        return reg.register_system(s, name=name, owner="alice", answers=answers, by=who(s, "alice", "owner")).key


def test_a_third_party_answer_with_no_third_party_hop_is_assessed_as_built_in_house(db: Database) -> None:
    key = _register(db, "Claims triage", THIRD_PARTY)
    with db.session() as s:
        first = reg.current_assessment(reg.get_system(s, key))
        assert first is not None and "6.2.e" in {o["id"] for o in first.decision["obligations"]}  # as answered
        lead = who(s, "gina")
        own = lin.add_model(s, by=lead, name="triage-clf", kind="classical", accountable_team="Claims analytics")
        lin.link_system_model(s, key, own.id, "primary", by=lead)
        facts = {f.question: f.value for f in graph.lineage_facts(s, reg.get_system(s, key).id)}
        assert facts == {"model_source": "in_house", "trains_or_fine_tunes": True}  # our own, trained by us
        # nothing moves until the decision is recomputed; `rules diff` shows it would
        [planned] = gov.rules_diff(s)
        assert planned["system"] == key
        assert planned["changes"]["facts"] == {"from": [], "to": [{"question": "model_source", "value": "in_house"},
                                                                  {"question": "trains_or_fine_tunes", "value": True}]}
        assert "6.2.e" in planned["changes"]["obligations"]["removed"]
        reg.reassess(s, key, dict(THIRD_PARTY), by=lead)
        a = reg.current_assessment(reg.get_system(s, key))
        assert a is not None
        d = a.decision
        assert a.answers["model_source"] == "third_party_model"  # the person's answer is kept
        applied, trains = d["facts"]
        assert (applied["question"], applied["answered"], applied["value"], applied["source"]) == (
            "model_source", "third_party_model", "in_house", "lineage")
        assert (trains["question"], trains["answered"], trains["value"]) == ("trains_or_fine_tunes", False, True)
        assert a.answers["trains_or_fine_tunes"] is False
        [warning] = [w for w in d["warnings"] if w["id"] == "lineage:model_source"]
        assert "triage-clf" in warning["message_en"] and "Built in house from scratch" in warning["message_en"]
        assert "本单位自主研发" in warning["message_zh"] and "“模型来源”回答为" in warning["message_zh"]
        ids = {o["id"] for o in d["obligations"]}
        assert "6.2.e" not in ids  # no upstream model: no responsibility-chain review owed
        assert "upstream_model" not in {r["rule"] for r in d["reasons"]}
        assert "model_training" in {r["rule"] for r in d["reasons"]}  # trained by us: 4.1.2's data duties
        assert {"4.1.2.b", "4.1.2.c"} <= ids
        [w] = [w for w in d["warnings"] if w["id"] == "lineage:trains_or_fine_tunes"]
        assert "was answered \"no\"" in w["message_en"] and "trained from scratch" in w["message_en"]
        assert "回答为“否”" in w["message_zh"]
        assert gov.rules_diff(s) == []  # the stored decision now agrees with the records


def test_an_in_house_answer_for_a_fine_tune_of_a_vendor_model_is_assessed_as_built_on_a_foundation(
        db: Database) -> None:
    key = _register(db, "Contract drafting", IN_HOUSE)
    with db.session() as s:
        lead = who(s, "gina")
        vendor = admitted_vendor(s)
        base = lin.add_model(s, by=lead, name="glm-4-9b", kind="foundation", vendor=vendor)
        tuned = lin.add_model(s, by=lead, name="drafting-9b", kind="fine_tune", accountable_team="Legal AI")
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=lead)
        lin.link_system_model(s, key, tuned.id, "primary", by=lead)
        reg.reassess(s, key, dict(IN_HOUSE), by=lead)
        d = reg.current_assessment(reg.get_system(s, key)).decision  # type: ignore[union-attr]
        assert [(f["answered"], f["value"]) for f in d["facts"]] == [("in_house", "foundation_model"), (False, True)]
        assert "drafting-9b is a fine-tune of glm-4-9b" in next(
            w["message_en"] for w in d["warnings"] if w["id"] == "lineage:model_source")
        assert "6.2.e" in {o["id"] for o in d["obligations"]}


def test_the_lineage_says_nothing_when_it_cannot(db: Database) -> None:
    key = _register(db, "Search", THIRD_PARTY)
    with db.session() as s:
        lead = who(s, "gina")
        sid = reg.get_system(s, key).id
        assert graph.lineage_facts(s, sid) == []  # no model linked
        stub = lin.add_model(s, by=lead, name="unknown-base", kind="foundation", stub=True)
        lin.link_system_model(s, key, stub.id, "primary", by=lead)
        assert graph.lineage_facts(s, sid) == []  # no accountable party recorded
        guard = lin.add_model(s, by=lead, name="guard", kind="classical", accountable_team="Trust")
        lin.link_system_model(s, key, guard.id, "guard", by=lead)
        assert graph.lineage_facts(s, sid) == []  # only primary models say where "the model" comes from
        reg.reassess(s, key, dict(THIRD_PARTY), by=lead)
        d = reg.current_assessment(reg.get_system(s, key)).decision  # type: ignore[union-attr]
        assert d["facts"] == [] and not any(w["id"].startswith("lineage:") for w in d["warnings"])


def test_a_fact_that_agrees_gives_no_warning_and_a_fact_on_an_unknown_question_is_refused() -> None:
    agree = KnownFact(question="model_source", value="third_party_model", source="lineage",
                      because_zh="…", because_en="…")
    d = evaluate(THIRD_PARTY, known=[agree])
    assert d.facts == [] and not any(w.id.startswith("lineage:") for w in d.warnings)
    with pytest.raises(InvalidInput, match="no_such_question"):
        evaluate(THIRD_PARTY, known=[KnownFact(question="no_such_question", value=1, source="lineage",
                                               because_zh="…", because_en="…")])
    with pytest.raises(InvalidInput, match="model_source"):
        evaluate(THIRD_PARTY, known=[KnownFact(question="model_source", value="bought_at_a_market", source="lineage",
                                               because_zh="…", because_en="…")])


def test_an_upstream_filing_number_in_the_lineage_puts_the_app_on_the_registration_path(db: Database) -> None:
    public_app = {**THIRD_PARTY, "public_facing": True, "generates_content": True, "service_region": "china",
                  "org_roles": ["provider"]}  # upstream_filed left unanswered: false
    key = _register(db, "Public chat app", public_app)
    with db.session() as s:
        first = reg.current_assessment(reg.get_system(s, key)).decision  # type: ignore[union-attr]
        assert "genai.17" in {d["id"].split(":")[-1] for d in first["duties"]}  # as answered: a full filing
        lead = who(s, "gina")
        vendor = admitted_vendor(s)
        ernie = lin.add_model(s, by=lead, name="ERNIE 4.0", kind="foundation", vendor=vendor, source_kind="vendor_api",
                              filing_number="Beijing-WenXinYiYan-20230821")
        lin.link_system_model(s, key, ernie.id, "primary", by=lead)
        facts = {f.question: f.value for f in graph.lineage_facts(s, reg.get_system(s, key).id)}
        assert facts == {"model_source": "third_party_model", "upstream_filed": True}
        reg.reassess(s, key, dict(public_app), by=lead)
        d = reg.current_assessment(reg.get_system(s, key)).decision  # type: ignore[union-attr]
        assert [(f["question"], f["answered"], f["value"]) for f in d["facts"]] == [("upstream_filed", False, True)]
        duties = {x["id"].split(":")[-1] for x in d["duties"]}
        assert "genai.reg" in duties and "genai.17" not in duties  # 登记, not 备案
        [w] = [w for w in d["warnings"] if w["id"] == "lineage:upstream_filed"]
        assert "Beijing-WenXinYiYan-20230821" in w["message_en"] and "已备案" in w["message_zh"]
        # without the number recorded the lineage says nothing about the filing
        lin.update_model(s, ernie.id, by=lead, filing_number="")
        assert "upstream_filed" not in {f.question for f in graph.lineage_facts(s, reg.get_system(s, key).id)}
