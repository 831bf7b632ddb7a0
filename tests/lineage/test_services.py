"""Lineage writers on SQLite and PostgreSQL: vendor admission, datasets' open questions, importing a model
directory's reading, who may change what, and the audit trail."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from aisgf.audit.models import AuditEvent
from aisgf.db import Database
from aisgf.errors import Conflict, Forbidden, InvalidInput, NotFound
from aisgf.lineage import services as lin
from aisgf.lineage.artifacts_types import FileEntry, ModelDirInfo, PickleFinding
from aisgf.lineage.reference import load_admission_rules
from tests.lineage.helpers import admitted_vendor
from tests.people import owner_accounts, who

_owners = owner_accounts("alice")


def _actions(s) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("lineage.%"))
                                        .order_by(AuditEvent.seq))]


def test_vendor_admission_needs_answers_clauses_and_every_reviewer(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="Moonshot", uscc="914403001922038216", country="cn",
                           supplies=["model_api"], algorithm_filing="网信算备110108000000001230001")
        assert (v.admission, v.result, v.country) == ("candidate", "blocker", "CN")
        assert "dd.filing: unanswered" in v.result_reasons and "clause.incident_reporting: missing" in v.result_reasons
        lin.move_vendor(s, v.id, "due_diligence", by=lead)
        with pytest.raises(Conflict) as err:
            lin.move_vendor(s, v.id, "admitted", by=lead)
        assert "blocker dd.filing: unanswered" in err.value.extra["open"]
        assert "procurement review missing" in err.value.extra["open"]
        rules = load_admission_rules()
        blocking = [q.id for q in rules.questions_for("vendor", ["model_api"]) if q.blocker]
        assert {"dd.model_origin", "dd.training_data", "dd.remediation", "dd.output_labeling", "dd.accountability",
                "dd.filing", "dd.responsibility_docs"} == set(blocking)  # the seed's questions, for a model API
        required = [c.id for c in rules.clauses_for("vendor", ["model_api"]) if c.required]
        assert {"clause.incident_reporting", "clause.labeling", "clause.scope_and_limits",
                "clause.data_protection"} == set(required)
        lin.answer_due_diligence(s, v.id, by=lead, answers={**{q: "yes" for q in blocking}, "dd.data_location": "no"},
                                 clauses={c: True for c in required})
        assert v.result == "warning" and "dd.data_location: no" in v.result_reasons
        legal = who(s, "lena", "reviewer", ["legal"])
        with pytest.raises(Forbidden, match="infosec"):
            lin.review_vendor(s, v.id, by=legal, function="infosec", decision="approve")
        with pytest.raises(InvalidInput, match="reason"):
            lin.review_vendor(s, v.id, by=legal, function="legal", decision="reject")
        lin.review_vendor(s, v.id, by=legal, function="legal", decision="reject", reason="no audit clause")
        lin.review_vendor(s, v.id, by=who(s, "bo", "reviewer", ["business"]), function="procurement",
                          decision="approve")
        lin.review_vendor(s, v.id, by=who(s, "ina", "reviewer", ["infosec"]), function="infosec", decision="approve")
        with pytest.raises(Conflict, match="legal review reject"):
            lin.move_vendor(s, v.id, "admitted", by=lead)
        lin.review_vendor(s, v.id, by=legal, function="legal", decision="approve", reason="clause added")
        assert lin.move_vendor(s, v.id, "admitted", by=lead).admission == "admitted"
        with pytest.raises(Conflict, match="cannot move from admitted to candidate"):
            lin.move_vendor(s, v.id, "candidate", by=lead)
        lin.move_vendor(s, v.id, "suspended", by=lead, reason="incident")
        with pytest.raises(InvalidInput, match="check character"):
            lin.add_vendor(s, by=lead, name="Typo Co", uscc="914403001922038217")
        pub = lin.add_vendor(s, by=lead, name="DeepSeek (open weights)", kind="publisher")
        assert pub.result_reasons == ["dd.responsibility_docs: unanswered"]  # documentation only, no clauses
        with pytest.raises(Conflict, match="publisher"):
            lin.move_vendor(s, pub.id, "due_diligence", by=lead)
        assert [x.name for x in lin.admission_queue(s, viewer=lead)] == []
        chips = lin.add_vendor(s, by=lead, name="Chip maker", supplies=["chips"])  # asked what fits a chip maker
        asked = {r.split(":")[0] for r in chips.result_reasons}
        assert "dd.remediation" in asked and "clause.incident_reporting" in asked
        assert not asked & {"dd.output_labeling", "dd.filing", "dd.model_origin", "clause.labeling"}
        data = lin.add_vendor(s, by=lead, name="Corpus seller", supplies=["data"])
        assert "dd.data_provenance: unanswered" in data.result_reasons
        with pytest.raises(Forbidden):
            lin.add_vendor(s, by=who(s, "alice", "owner"), name="Mine")
    with db.session() as s:
        assert _actions(s).count("lineage.vendor_reviewed") == 4
        moved = [json.loads(e.payload) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "lineage.vendor_moved"))]
        assert [m["to"] for m in moved] == ["due_diligence", "admitted", "suspended"]


def test_a_dataset_lists_what_4_1_2_still_asks(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        d = lin.add_dataset(s, by=lead, name="call-logs", source="user_interactions", personal=True,
                            sensitive=True, cross_border=True, collection_method="service logs, with consent")
        asked = {(q["clause"], q["field"]) for q in lin.open_questions(d)}
        assert ("4.1.2.b", "lawful_basis") in asked and ("4.1.2.e", "cross_border_mechanism") in asked
        assert ("4.1.2.b", "collection_method") not in asked
        lin.update_dataset(s, d.id, by=lead, lawful_basis="PIPL Art. 13(1) consent", ip_status="own",
                           poisoning_checks="screened", quality_checks="dedup", annotation_rules="guide v2",
                           retention="180 days, then deleted", cross_border_mechanism="standard contract")
        assert lin.open_questions(d) == []
        with pytest.raises(InvalidInput, match="accepted"):
            lin.add_dataset(s, by=lead, name="x", source="scraped")
        with pytest.raises(Conflict, match="already recorded"):
            lin.add_dataset(s, by=lead, name="call-logs", source="open")
    with db.session() as s:
        assert _actions(s) == ["lineage.dataset_added", "lineage.dataset_updated"]


def test_import_model_stores_the_manifest_and_makes_unknown_bases_stub_parents(db: Database) -> None:
    info = ModelDirInfo(
        root="/models/support-merge", name="support-merge", base_models=["Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B",
                                                                         "internal-7b"],
        base_model_relation="merge", license="apache-2.0", datasets=["support-dialogues"],
        files=[FileEntry("model.safetensors", 1024, "a" * 64), FileEntry("config.json", 10, "b" * 64)],
        pickles=[PickleFinding("extra.bin", "picklescan 1.0.5", dangerous=["posix system"])])
    with db.session() as s:
        lead = who(s, "gina")
        internal = lin.add_model(s, by=lead, name="internal-7b", kind="foundation", accountable_team="ML").id
        m = lin.import_model(s, info, by=lead, accountable_team="ML platform")
        assert (m.kind, m.licence, m.stub, m.source) == ("merge", "apache-2.0", False, "/models/support-merge")
        assert m.manifest == [{"path": "model.safetensors", "size": 1024, "sha256": "a" * 64},
                              {"path": "config.json", "size": 10, "sha256": "b" * 64}]
        parents = {p.name: (e.kind, p.stub, p.source) for e, p in lin.parents_of(s, m.id)}
        assert parents == {"Qwen/Qwen2.5-7B": ("merge", True, "Qwen/Qwen2.5-7B"), "internal-7b": ("merge", False, None)}
        assert next(p for _, p in lin.parents_of(s, m.id) if p.name == "internal-7b").id == internal
        again = lin.import_model(s, info, by=lead)  # the same directory again: no duplicate
        assert again.id == m.id and len(lin.parents_of(s, m.id)) == 2
    with db.session() as s:
        imported = [json.loads(e.payload) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "lineage.model_imported"))]
        assert imported[0]["unsafe_pickles"] == ["extra.bin"] and imported[0]["parents"] == ["Qwen/Qwen2.5-7B",
                                                                                             "internal-7b"]


def test_models_refuse_bad_input_and_owners_link_only_their_own_systems(db: Database) -> None:
    from tests.lineage.helpers import system

    key = system(db)
    with db.session() as s:
        lead = who(s, "gina")
        vid = admitted_vendor(s)
        m = lin.add_model(s, by=lead, name="m", version="1", kind="foundation", vendor=vid)
        with pytest.raises(Conflict, match="already recorded"):
            lin.add_model(s, by=lead, name="m", version="1", kind="foundation")
        with pytest.raises(InvalidInput, match="accepted"):
            lin.add_model(s, by=lead, name="n", kind="lora")
        with pytest.raises(InvalidInput, match="control characters"):
            lin.add_model(s, by=lead, name="bad\nname", kind="foundation")
        lin.add_model(s, by=lead, name="m", version="2", kind="foundation")
        with pytest.raises(InvalidInput, match="2 versions"):
            lin.get_model(s, "m")
        assert lin.get_model(s, "m@1").id == m.id
        with pytest.raises(InvalidInput, match="not a package URL"):
            lin.add_component(s, by=lead, kind="software", name="vllm", purl="vllm 0.6")
        lin.add_component(s, by=lead, kind="software", name="vllm", version="0.6.3", purl="pkg:pypi/vllm@0.6.3")
        assert lin.get_component(s, "software:vllm@0.6.3").purl == "pkg:pypi/vllm@0.6.3"
    from aisgf.registry import services as reg
    from tests.people import add_owners

    add_owners(db, "bob")
    key_bob = system(db, "Bob's", owner="bob")
    with db.session() as s:
        alice = who(s, "alice", "owner")
        lin.link_system_model(s, key, "m@1", "primary", by=alice)
        with pytest.raises(NotFound, match="no AI system"):
            lin.link_system_model(s, key_bob, "m@1", "primary", by=alice)
        assert [r for r, _ in lin.system_models(s, reg.get_system(s, key).id)] == ["primary"]
