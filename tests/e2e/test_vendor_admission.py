"""In Chromium, the vendor admission workflow through the vendor's page: a manager starts due diligence, is
refused admission while questions, clauses and reviews are open (the page names them in 中文), answers the
due diligence; three reviewers (business → procurement, legal, infosec) find the vendor in their queue and
approve in turn; the manager admits it. No page or form breaks the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aisgf.lineage import services as lin
from aisgf.lineage.reference import load_admission_rules
from tests.e2e.conftest import LiveServer
from tests.e2e.test_csp import Watched
from tests.people import who
from tests.web.helpers import make_user

HOSTILE = "<script>alert(1)</script>"


def _submit(w: Watched, selector: str, where: str) -> None:
    """Click a form's button, wait for the page that answers it, check it broke no policy."""
    with w.page.expect_navigation():
        w.page.click(selector)
    w.page.wait_for_load_state("networkidle")
    w.clean(where)


@pytest.mark.slow
def test_a_vendor_is_admitted_through_its_page(browser: Any, live: LiveServer, shots: Path) -> None:
    rules = load_admission_rules()
    make_user(live.db, "va-lead", "governance_lead")
    reviewers = {"va-business": ("business", "procurement"), "va-legal": ("legal", "legal"),
                 "va-infosec": ("infosec", "infosec")}
    for name, (held, _function) in reviewers.items():
        make_user(live.db, name, "reviewer", [held])
    with live.db.session() as s:
        vid = lin.add_vendor(s, by=who(s, "va-lead"), name=f"智谱 Zhipu {HOSTILE}", supplies=["model_api"]).id

    dialogs: list[str] = []
    lead = Watched(browser, live, lang="zh")
    lead.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    lead.sign_in(live, "va-lead")
    lead.visit(f"/lang/zh?next=/vendors/{vid}")  # the account says English; this session reads 中文
    assert lead.page.locator("#vendor-name").inner_text().startswith(f"智谱 Zhipu {HOSTILE}")
    assert lead.page.locator("#admission-state").inner_text() == "候选"
    _submit(lead, "#move-due_diligence", "start due diligence")
    assert lead.page.locator(".notice").inner_text() == "供应商的准入状态已变更。"
    assert lead.page.locator("#admission-state").inner_text() == "尽职调查"

    # too early: the page names what is open, in 中文, and nothing moves
    _submit(lead, "#move-admitted", "admission refused")
    error = lead.page.locator("#move-error").inner_text()
    assert "未准入：以下事项仍未解决。" in error
    assert "供应商提供的生成式人工智能服务是否已备案或登记" in error and "未回答" in error
    assert "个人信息委托处理约定" in error and "采购审核" in error and "尚未审核" in error
    assert "dd.filing" not in error and "review missing" not in error
    assert lead.page.locator("#admission-state").inner_text() == "尽职调查"
    lead.page.screenshot(path=str(shots / "vendor-admission-refused.png"), full_page=True)

    # the due diligence, answered and ticked on the page
    lead.visit(f"/vendors/{vid}")
    asked = rules.questions_for("vendor", ["model_api"])
    assert len(asked) < len(rules.questions)  # a model-API vendor is not asked about data provenance
    for q in asked:
        lead.page.check(f'input[name="answer:{q.id}"][value="yes"]')
    lead.page.fill("#note-dd-filing", f"网信算备 110108 {HOSTILE}")
    for c in rules.clauses_for("vendor", ["model_api"]):
        lead.page.check(f'input[name="clause"][value="{c.id}"]')
    _submit(lead, "#dd-save", "due diligence saved")
    assert lead.page.locator(".notice").inner_text() == "尽职调查回答和合同条款已保存。"
    assert lead.page.locator("#result").inner_text() == "通过"
    assert lead.page.locator("#note-dd-filing").input_value() == f"网信算备 110108 {HOSTILE}"
    gaps = lead.page.locator("#gap-list li")
    assert gaps.count() == 3 and all("审核" in t for t in gaps.all_inner_texts())

    for name, (_held, function) in reviewers.items():
        r = Watched(browser, live, lang="en")
        r.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        r.sign_in(live, name)
        r.visit("/vendors/queue")
        mine = r.page.locator(f'#mine-table tr[data-vendor="{vid}"]')
        assert mine.count() == 1, name
        assert f"{rules.reviewer(function).en} review" in mine.inner_text()  # type: ignore[union-attr]
        if function == "procurement":
            r.page.screenshot(path=str(shots / "vendor-queue-reviewer.png"), full_page=True)
        with r.page.expect_navigation():
            mine.locator("a").click()
        r.page.wait_for_load_state("networkidle")
        r.clean(f"vendor page of {name}")
        options = r.page.locator("#rv-fn option")
        assert options.count() == 1 and options.get_attribute("value") == function
        _submit(r, "#vendor-approve", f"approval by {name}")
        assert r.page.locator(".notice").inner_text() == "Your review is recorded."
        state = r.page.locator(f'#review-state li[data-function="{function}"]').inner_text()
        assert state.endswith("Approved"), state
        r.visit("/vendors/queue")
        assert r.page.locator(f'#mine-table tr[data-vendor="{vid}"]').count() == 0
        r.page.context.close()

    lead.visit(f"/vendors/{vid}")
    assert lead.page.locator("#gaps").count() == 0
    _submit(lead, "#move-admitted", "admitted")
    assert lead.page.locator(".notice").inner_text() == "供应商的准入状态已变更。"
    assert lead.page.locator("#admission-state").inner_text() == "已准入"
    assert lead.page.locator("#review-history > div").count() == 3
    lead.page.screenshot(path=str(shots / "vendor-admitted.png"), full_page=True)
    lead.visit("/vendors/queue")
    assert lead.page.locator(f'#queue-table tr[data-vendor="{vid}"]').count() == 0
    assert not dialogs, dialogs  # the hostile name and note stayed text
    with live.db.session() as s:
        assert lin.get_vendor(s, vid).admission == "admitted"
