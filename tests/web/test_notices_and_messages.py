"""Notices survive a redirect to a #fragment; messages from the web kit and the catalog read in Chinese on
中文 pages; upload limits read in MB."""

from __future__ import annotations

from typing import Any

from aisgf.registry import services as svc
from aisgf.registry.evidence_store import megabytes
from aisgf.web.i18n import translator
from aisgf.web.pagekit import with_notice
from tests.answers import MEDIUM
from tests.people import who
from tests.web.helpers import Person

ZH = {"Accept-Language": "zh-CN"}


def test_the_notice_goes_into_the_query_before_the_fragment() -> None:
    assert with_notice("/systems/k#obligations", "obligation_saved") == "/systems/k?notice=obligation_saved#obligations"
    assert with_notice("/systems?status=live#top", "x") == "/systems?status=live&notice=x#top"
    assert with_notice("/account", "prefs_saved") == "/account?notice=prefs_saved"


def test_the_saved_notice_shows_after_a_registry_redirect_to_a_fragment(web: Any) -> None:
    app, db = web
    with db.session() as s:
        system = svc.register_system(s, name="Loan bot", owner="olivia", answers=MEDIUM, by=who(s, "gina"))
        key, ob = system.key, system.obligations[0]
        ob_id, version = ob.id, ob.version
    olivia = Person(app, db, "olivia").login()
    r = olivia.post(f"/systems/{key}/obligations/{ob_id}", data={"status": "in_progress", "version": str(version)})
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location == f"/systems/{key}?notice=obligation_saved#obligation-{ob_id}"  # back at its row
    page = olivia.get(location.split("#")[0])  # what a browser requests: the fragment stays in the browser
    assert '<div class="notice" role="status">The obligation is updated.</div>' in page.text


def _zh(person: Person) -> Person:
    person.get("/lang/zh?next=/")
    return person


def test_a_role_refusal_reads_in_chinese(web: Any) -> None:
    app, db = web
    olivia = _zh(Person(app, db, "olivia").login())
    r = olivia.get("/admin/users")
    assert r.status_code == 403
    assert "您的角色（项目负责人）不能执行此操作" in r.text and "may not do this" not in r.text, r.text


def test_catalog_errors_read_in_chinese(web: Any) -> None:
    app, db = web
    olivia = _zh(Person(app, db, "olivia").login())
    r = olivia.get("/catalog/items/9.9.9")
    assert r.status_code == 404
    assert "条目库 aisgf-1.0 中没有条目 &#39;9.9.9&#39;" in r.text and "no item" not in r.text, r.text
    r = olivia.get("/catalog", params={"q": "。。"})  # only punctuation: searched literally, the form kept
    assert r.status_code == 200 and 'value="。。"' in r.text and "empty search text" not in r.text, r.text
    r = olivia.get("/catalog", params={"kind": "poem"})
    assert r.status_code == 422 and "未知的 kind &#39;poem&#39;；可接受：" in r.text, r.text


def test_upload_limits_read_in_megabytes(web: Any) -> None:
    app, db = web
    assert [megabytes(n) for n in (50 * 1024 * 1024, 512 * 1024, 4096, 1536 * 1024 * 1024)] == \
        ["50", "0.5", "0.00391", "1536"]
    with db.session() as s:
        key = svc.register_system(s, name="Loan bot", owner="olivia", answers=MEDIUM, by=who(s, "gina")).key
    olivia = _zh(Person(app, db, "olivia").login())
    r = olivia.post(f"/systems/{key}/evidence", files={"file": ("big.txt", b"x" * 5000, "text/plain")},
                    data={"description": "too big"})
    assert r.status_code == 413, r.text
    assert "文件超过 0.00391 MB 的上限" in r.text and "字节" not in r.text and "4096" not in r.text, r.text
    olivia.get("/lang/en?next=/")
    r = olivia.post(f"/systems/{key}/evidence", files={"file": ("big.txt", b"x" * 5000, "text/plain")},
                    data={"description": "too big"})
    assert "larger than the limit of 0.00391 MB" in r.text


def test_the_lock_message_has_no_fixed_zone() -> None:
    text = translator("zh")("Too many failed attempts; this account is locked until %(until)s.",
                            until="2026-01-02 11:04:05 CST")
    assert text == "失败次数过多；该账户已锁定至 2026-01-02 11:04:05 CST。"
