"""The responsibility chain, cycles, impact and the filing path, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from aisgf.audit.models import AuditEvent
from aisgf.audit.service import verify_chain
from aisgf.db import Database
from aisgf.errors import Conflict, NotFound
from aisgf.lineage import graph
from aisgf.lineage import services as lin
from aisgf.registry import gates
from aisgf.registry import services as reg
from tests.lineage.helpers import documented, system, three_hops
from tests.people import owner_accounts, who

_owners = owner_accounts("alice", "bob")


def test_a_three_hop_chain_names_the_hop_without_documentation(db: Database) -> None:
    key = system(db)
    ids = three_hops(db, key)
    with db.session() as s:
        report = graph.chain(s, key, viewer=who(s, "alice", "owner"))
        assert {h.model.id for h in report.hops} == set(ids.values())
        broken, = report.broken
        assert broken.model.id == ids["tuned"] and broken.missing == ["responsibility_docs"]
        assert broken.path == ["support-glm-int4 1", "support-glm 1"] and broken.edge == "quantisation"
        base = next(h for h in report.hops if h.model.id == ids["base"])
        assert base.third_party and base.admission == "admitted" and base.ok
        assert not report.ok
    with db.session() as s:
        documented(s, ids["tuned"])
    with db.session() as s:
        assert graph.chain(s, key, viewer=who(s, "alice", "owner")).ok
    assert verify_chain(db.engine).ok


def test_a_vendor_not_admitted_and_a_stub_break_the_chain_a_publisher_needs_no_admission(db: Database) -> None:
    key = system(db)
    with db.session() as s:
        lead = who(s, "gina")
        cand = lin.add_vendor(s, by=lead, name="Unvetted AI", kind="vendor").id
        pub = lin.add_vendor(s, by=lead, name="Qwen team", kind="publisher", supplies=["weights"]).id
        full = {"licence": "Apache-2.0", "training_data": "see card"}
        a = lin.add_model(s, by=lead, name="api-model", kind="foundation", vendor=cand, **full).id
        b = lin.add_model(s, by=lead, name="Qwen2.5-7B", kind="foundation", vendor=pub, **full).id
        stub = lin.add_model(s, by=lead, name="mystery-base", kind="foundation", stub=True).id
        child = lin.add_model(s, by=lead, name="merged", kind="merge", accountable_team="ML", **full).id
        for parent in (a, b, stub):
            lin.add_edge(s, child, parent, "merge", by=lead)
        for m in (a, b, child):
            documented(s, m)
        lin.link_system_model(s, key, child, by=lead)
    with db.session() as s:
        missing = {h.model.name: h.missing for h in graph.chain(s, key, viewer=who(s, "gina")).hops}
    assert missing == {"merged": [], "Qwen2.5-7B": [], "api-model": ["vendor_admission"],
                       "mystery-base": ["accountable_party", "responsibility_docs", "licence", "training_data"]}


def test_a_cycle_is_refused_naming_it(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        a, b, c = (lin.add_model(s, by=lead, name=n, kind="fine_tune").id for n in ("a", "b", "c"))
        lin.add_edge(s, b, a, "fine_tune", by=lead)
        lin.add_edge(s, c, b, "adapter", by=lead)
    with db.session() as s, pytest.raises(Conflict) as err:
        lin.add_edge(s, a, c, "merge", by=who(s, "gina"))
    assert "a → c → b → a" in err.value.message and err.value.extra["cycle"] == ["a", "c", "b", "a"]
    with db.session() as s:
        assert [e.parent_id for e, _ in lin.parents_of(s, a)] == []  # nothing stored
        with pytest.raises(Exception, match="its own parent"):
            lin.add_edge(s, a, a, "merge", by=who(s, "gina"))


def test_impact_reaches_models_and_systems_across_models_datasets_components_and_vendors(db: Database) -> None:
    mine, theirs, other = system(db, "Mine"), system(db, "Theirs", owner="bob"), system(db, "Unrelated")
    ids = three_hops(db, mine)
    with db.session() as s:
        lead = who(s, "gina")
        supplier = lin.add_vendor(s, by=lead, name="Data Tang", kind="vendor", supplies=["data"]).id
        corpus = lin.add_dataset(s, by=lead, name="support-dialogues", source="purchased", supplier=supplier).id
        lin.link_model_dataset(s, ids["tuned"], corpus, "fine_tuning", by=lead)
        gpu = lin.add_component(s, by=lead, kind="chip", name="Ascend 910B", supplier=supplier).id
        lin.link_system_component(s, other, gpu, by=lead)
        sibling = lin.add_model(s, by=lead, name="sales-glm", kind="fine_tune").id
        lin.add_edge(s, sibling, ids["base"], "fine_tune", by=lead)
        lin.link_system_model(s, theirs, sibling, by=lead)
        rag = lin.add_dataset(s, by=lead, name="faq", source="collected").id
        lin.link_system_dataset(s, other, rag, "retrieval", by=lead)
    with db.session() as s:
        lead = who(s, "gina")
        base = graph.impact(s, "model", ids["base"], viewer=lead)
        assert {m.name for m in base.models} == {"GLM-4", "support-glm", "support-glm-int4", "sales-glm"}
        assert {x.key for x in base.systems} == {mine, theirs} and base.hidden_systems == 0
        # an owner sees their own systems and a count of the others
        as_alice = graph.impact(s, "model", ids["base"], viewer=who(s, "alice", "owner"))
        assert [x.key for x in as_alice.systems] == [mine] and as_alice.hidden_systems == 1
        data = graph.impact(s, "dataset", "support-dialogues", viewer=lead)
        assert {m.name for m in data.models} == {"support-glm", "support-glm-int4"}
        assert [x.key for x in data.systems] == [mine]
        assert [x.key for x in graph.impact(s, "dataset", "faq", viewer=lead).systems] == [other]
        vendor = graph.impact(s, "vendor", "Data Tang", viewer=lead)  # through its data and its chip
        assert {m.name for m in vendor.models} == {"support-glm", "support-glm-int4"}
        assert {x.key for x in vendor.systems} == {mine, other}
        chip = graph.impact(s, "component", "chip:Ascend 910B", viewer=lead)
        assert chip.models == [] and [x.key for x in chip.systems] == [other]
        zhipu = graph.impact(s, "vendor", "Zhipu Cloud", viewer=lead)
        assert len(zhipu.models) == 4 and {x.key for x in zhipu.systems} == {mine, theirs}
        leaf = graph.impact(s, "model", ids["quant"], viewer=lead)
        assert [m.name for m in leaf.models] == ["support-glm-int4"]
        with pytest.raises(NotFound):
            graph.impact(s, "vendor", "nobody", viewer=lead)


def test_the_edge_decides_the_filing_path(db: Database) -> None:
    key = system(db)
    ids = three_hops(db, key)
    with db.session() as s:
        lead = who(s, "gina")
        path, = graph.filing_paths(s, key, viewer=lead)
        assert path.path == "filing" and "quantisation" in path.reason
        svc_model = lin.add_model(s, by=lead, name="support-bot", kind="foundation", accountable_team="CX").id
        lin.add_edge(s, svc_model, ids["base"], "api_use", by=lead)
    key2 = system(db, "API only")
    with db.session() as s:
        lead = who(s, "gina")
        lin.link_system_model(s, key2, "support-bot", by=lead)
        path, = graph.filing_paths(s, key2, viewer=lead)
        assert path.path == "registration"
        assert path.upstream == [{"name": "GLM-4 9b", "number": "Beijing-ZhipuHuaZhang-20230830"}]
        assert path.missing == []


def test_inherited_evidence_settles_the_obligation_at_the_gate(db: Database) -> None:
    key = system(db)
    with db.session() as s:
        lead = who(s, "gina")
        m = lin.add_model(s, by=lead, name="own", kind="foundation", accountable_team="ML").id
        lin.link_system_model(s, key, m, by=lead)
        ob = next(o for o in reg.get_system(s, key).obligations if o.catalog_id == "6.2.e")
        with pytest.raises(Exception, match="needs evidence"):
            reg.update_obligation(s, ob.id, by=lead, status="met")
    with db.session() as s:
        documented(s, m, catalog_id="6.2.e")
    with db.session() as s:
        lead = who(s, "gina")
        ob = next(o for o in reg.get_system(s, key).obligations if o.catalog_id == "6.2.e")
        reg.update_obligation(s, ob.id, by=lead, status="met")
        gaps = gates.launch_gaps(s, reg.get_system(s, key))
        assert "6.2.e" not in {g.ref for g in gaps} and "6.3.a" in {g.ref for g in gaps}
        assert lin.inherited_evidence(s, reg.get_system(s, key).id) == {"6.2.e"}
        events = [json.loads(e.payload) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action == "lineage.evidence_added"))]
        assert events[0]["catalog_id"] == "6.2.e"
