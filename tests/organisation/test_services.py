"""Organisation services on SQLite and PostgreSQL: the profile, the filings, who may change them, the audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from aisgf.audit.models import AuditEvent
from aisgf.audit.service import verify_chain
from aisgf.db import Database
from aisgf.errors import Conflict, Forbidden, InvalidInput, NotFound
from aisgf.organisation import services as org
from aisgf.organisation.schemas import FilingOut, OrganisationOut
from tests.people import who

HUAWEI = "914403001922038216"
PROFILE = {"name_zh": "示例智能科技有限公司", "name_en": "Example AI Co., Ltd.", "uscc": HUAWEI,
           "province": "广东", "reporter_type": "other", "contact_name": "王芳",
           "contact_phone": "+86 755 1234 5678", "contact_email": "security@example.cn"}


def _events(s, action: str) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    rows = s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
    return [json.loads(e.payload) for e in rows]


def test_set_profile_then_change_it_audited_before_and_after(db: Database) -> None:
    with db.session() as s:
        assert org.get_profile(s) is None
        with pytest.raises(NotFound, match="no organisation profile"):
            org.incident_reporter(s)
        p = org.set_profile(s, by=who(s, "gina"), **PROFILE)
        assert (p.province, p.uscc, p.version) == ("440000", HUAWEI, 1)
    with db.session() as s:
        p = org.set_profile(s, by=who(s, "ada", "admin"), reporter_type="cii_operator", name_en="",
                            expected_version=1)
        assert p.reporter_type == "cii_operator" and p.name_en is None and p.version == 2
        assert p.updated_by == "ada"
        # nothing changes: no event, no new version
        assert org.set_profile(s, by=who(s, "gina"), uscc=HUAWEI.lower()).version == 2
    with db.session() as s:
        created, = _events(s, "organisation.created")
        assert created["before"] is None and created["after"]["province"] == "440000"
        updated, = _events(s, "organisation.updated")
        assert updated["changed"] == ["name_en", "reporter_type"]
        assert updated["before"]["reporter_type"] == "other" and updated["after"]["reporter_type"] == "cii_operator"
        assert updated["before"]["name_en"] == "Example AI Co., Ltd." and updated["after"]["name_en"] is None
        out = OrganisationOut.of(org.require_profile(s, viewer=who(s, "audrey", "auditor")))
        assert out.province.zh == "广东省" and out.incident_reporting.hours == 1
    assert verify_chain(db.engine).ok


def test_a_stale_edit_is_refused(db: Database) -> None:
    with db.session() as s:
        org.set_profile(s, by=who(s, "gina"), **PROFILE)
        org.set_profile(s, by=who(s, "gina"), contact_name="李雷")
    with db.session() as s, pytest.raises(Conflict, match="version 1, now 2"):
        org.set_profile(s, by=who(s, "gina"), contact_name="韩梅梅", expected_version=1)


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("uscc", "914403001922038217", "'6' is expected"),
    ("uscc", "91440300192203821", "has 17"),
    ("province", "Atlantis", "unknown province 'Atlantis'"),
    ("reporter_type", "bank", "accepted: cii_operator, state_organ, other"),
    ("contact_phone", "call me", "not a phone number"),
    ("contact_phone", "1234", "not a phone number"),
    ("contact_email", "nobody", "not an e-mail address"),
    ("name_zh", "  ", "name_zh is required"),
    ("name_zh", "x" * 201, "at most 200"),
    ("contact_name", "王\n芳", "control characters"),
])
def test_bad_input_names_the_field(sqlite_db: Database, field: str, value: str, needle: str) -> None:
    with sqlite_db.session() as s, pytest.raises(InvalidInput) as err:
        org.set_profile(s, by=who(s, "gina"), **{**PROFILE, field: value})
    assert err.value.where == field and needle in err.value.message, err.value.message


def test_the_first_profile_needs_every_required_field(sqlite_db: Database) -> None:
    with sqlite_db.session() as s, pytest.raises(InvalidInput) as err:
        org.set_profile(s, by=who(s, "gina"), name_zh="示例公司", uscc=HUAWEI)
    assert err.value.where == "province"


@pytest.mark.parametrize(("name", "role"), [("rita", "reviewer"), ("olivia", "owner"), ("audrey", "auditor")])
def test_only_admins_and_governance_leads_change_it(sqlite_db: Database, name: str, role: str) -> None:
    with sqlite_db.session() as s:
        org.set_profile(s, by=who(s, "gina"), **PROFILE)
        f = org.add_filing(s, by=who(s, "gina"), kind="algorithm_filing", number="网信算备440305123456701230011号",
                           service_name="智能客服")
        fid = f.id
    with sqlite_db.session() as s:
        p = who(s, name, role, ["legal"] if role == "reviewer" else None)
        with pytest.raises(Forbidden):
            org.set_profile(s, by=p, contact_name="someone")
        with pytest.raises(Forbidden):
            org.add_filing(s, by=p, kind="other", number="X-1", service_name="x")
        with pytest.raises(Forbidden):
            org.remove_filing(s, fid, by=p)
        assert org.require_profile(s, viewer=p).name_zh == PROFILE["name_zh"]  # reads: everyone
        assert [x.id for x in org.filings(s, viewer=p)] == [fid]


@pytest.mark.parametrize(("reporter", "hours", "zh", "en"), [
    ("cii_operator", 1, "保护工作部门和公安机关", "public security"),
    ("state_organ", 2, "本部门网信工作机构", "cyberspace affairs office"),
    ("other", 4, "广东省网信部门(属地省级网信部门)", "the cyberspace administration of Guangdong"),
])
def test_incident_reporter_gives_the_article_4_duty(db: Database, reporter: str, hours: int, zh: str,
                                                     en: str) -> None:
    with db.session() as s:
        org.set_profile(s, by=who(s, "gina"), **{**PROFILE, "reporter_type": reporter})
        duty = org.incident_reporter(s)
    assert (duty.reporter_type, duty.hours, duty.addressee_zh) == (reporter, hours, zh)
    assert en in duty.addressee_en and duty.province.code == "440000"
    assert duty.contact.phone == PROFILE["contact_phone"] and duty.basis_zh == "《国家网络安全事件报告管理办法》第四条"
    assert "较大" in duty.threshold_zh


def test_filings_add_list_remove(db: Database) -> None:
    with db.session() as s:
        g = who(s, "gina")
        a = org.add_filing(s, by=g, kind="generative_ai_registration", number="Guangdong-ShiLiZhuShou-20250301",
                           service_name="示例助手", filed_on=date(2025, 3, 1), upstream_model="文心大模型",
                           upstream_number="Beijing-WenXinYiYan-20230821S0001")
        b = org.add_filing(s, by=g, kind="algorithm_filing", number=" 网信算备440305123456701230011号 ",
                           service_name="智能客服")
        assert b.number == "网信算备440305123456701230011号"
        assert [f.kind for f in org.filings(s)] == ["algorithm_filing", "generative_ai_registration"]
        assert [f.id for f in org.filings(s, kind="generative_ai_registration")] == [a.id]
        with pytest.raises(InvalidInput, match="accepted: algorithm_filing"):
            org.filings(s, kind="icp")
        out = FilingOut.of(a)
        assert out.kind_zh == "生成式人工智能服务登记" and out.upstream_number.startswith("Beijing")  # type: ignore[union-attr]
        removed = org.remove_filing(s, a.id, by=g)
        assert removed.number.startswith("Guangdong")
        assert [f.id for f in org.filings(s)] == [b.id]
        with pytest.raises(NotFound, match=f"no filing with ID {a.id}"):
            org.remove_filing(s, a.id, by=g)
    with db.session() as s:
        added = _events(s, "organisation.filing_added")
        removed_ev, = _events(s, "organisation.filing_removed")
        assert [e["kind"] for e in added] == ["generative_ai_registration", "algorithm_filing"]
        assert removed_ev["upstream_model"] == "文心大模型" and removed_ev["id"] == a.id
    assert verify_chain(db.engine).ok


@pytest.mark.parametrize(("kwargs", "where", "needle"), [
    ({"kind": "generative_ai_registration", "upstream_number": "B-1"}, "upstream_model", "upstream_model is required"),
    ({"kind": "generative_ai_registration", "upstream_model": "M"}, "upstream_number",
     "upstream_number is required"),
    ({"kind": "cross_border_assessment", "upstream_model": "M"}, "upstream_model", "leave upstream_model empty"),
    ({"kind": "icp_filing"}, "kind", "unknown kind of filing 'icp_filing'"),
    ({"number": " "}, "number", "number is required"),
    ({"number": "N" * 101}, "number", "at most 100"),
    ({"service_name": ""}, "service_name", "service_name is required"),
    ({"filed_on": date.today() + timedelta(days=3)}, "filed_on", "in the future"),
])
def test_bad_filings_name_the_field(sqlite_db: Database, kwargs: dict, where: str, needle: str) -> None:  # type: ignore[type-arg]
    base = {"kind": "algorithm_filing", "number": "A-1", "service_name": "推荐"}
    with sqlite_db.session() as s, pytest.raises(InvalidInput) as err:
        org.add_filing(s, by=who(s, "gina"), **{**base, **kwargs})
    assert err.value.where == where and needle in err.value.message, err.value.message


def test_the_same_number_twice_is_a_conflict(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        org.add_filing(s, by=who(s, "gina"), kind="algorithm_filing", number="A-1", service_name="推荐")
        org.add_filing(s, by=who(s, "gina"), kind="other", number="A-1", service_name="推荐")  # another kind: fine
        with pytest.raises(Conflict, match="already recorded"):
            org.add_filing(s, by=who(s, "gina"), kind="algorithm_filing", number="A-1", service_name="另一个")
