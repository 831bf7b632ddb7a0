"""In Chromium: a model page loads its lineage graph (the server-rendered SVG) as an image, and neither the
page nor the image breaks the Content-Security-Policy; a hostile model name stays text."""

from __future__ import annotations

from typing import Any

import pytest

from aisgf.lineage import services as lin
from tests.e2e.conftest import LiveServer
from tests.e2e.test_csp import Watched
from tests.people import who
from tests.web.helpers import make_user

HOSTILE = "<script>alert(1)</script>"


@pytest.mark.slow
def test_the_model_page_draws_its_lineage_under_the_policy(browser: Any, live: LiveServer) -> None:
    make_user(live.db, "lin-owner", "owner")
    with live.db.session() as s:
        gina = who(s, "lin-gina")
        base = lin.add_model(s, by=gina, name="base-llm", kind="foundation", accountable_team="ML team")
        tuned = lin.add_model(s, by=gina, name=HOSTILE, kind="fine_tune", accountable_team="ML team")
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=gina)
        s.commit()
        model_id = tuned.id

    w = Watched(browser, live, lang="en")
    dialogs: list[str] = []
    w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    w.sign_in(live, "lin-owner")
    w.visit(f"/models/{model_id}")
    img = w.page.locator("#lineage-graph")
    img.wait_for()
    w.page.wait_for_function("document.getElementById('lineage-graph').complete")
    size = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert size[0] > 0 and size[1] > 0, size
    assert w.page.locator("#model-name").inner_text().startswith(HOSTILE)
    w.clean("model page with its lineage image")
    svg = w.page.goto(f"/models/{model_id}/lineage.svg")
    assert svg is not None and svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    w.page.wait_for_load_state("networkidle")
    assert not dialogs, dialogs  # opened on its own, the SVG runs nothing
    w.visit("/models")
    w.clean("models list")


@pytest.mark.slow
def test_the_system_page_records_the_chain_check_and_shows_the_lineage_in_chinese(
        browser: Any, live: LiveServer, shots: Any) -> None:
    from aisgf.registry import services as reg
    from tests.answers import LOW

    make_user(live.db, "chain-owner", "owner")
    with live.db.session() as s:
        gina = who(s, "chain-gina")
        key = reg.register_system(s, name="智能客服", owner="chain-owner",
                                  answers={**LOW, "model_source": "third_party_model"}, by=gina).key
        pub = lin.add_vendor(s, by=gina, name="通义千问团队 Qwen team", kind="publisher", supplies=["weights"])
        base = lin.add_model(s, by=gina, name="Qwen2.5-7B-Instruct", kind="foundation", vendor=pub.id,
                             licence="Apache-2.0", training_data="see the model card")
        tuned = lin.add_model(s, by=gina, name="客服-7b", kind="fine_tune", accountable_team="客服 AI 组",
                              licence="internal", training_data="客服对话 2019-2024")
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=gina)
        lin.link_system_model(s, key, tuned.id, "primary", by=gina)
        s.commit()
        tuned_id = tuned.id

    w = Watched(browser, live, lang="zh")
    w.sign_in(live, "chain-owner")
    w.visit(f"/lang/zh?next=/systems/{key}")  # the account says English; this session reads 中文
    panel = w.page.locator("#lineage-panel")
    assert "备案" in panel.inner_text() and "责任说明文件" in panel.inner_text()  # what each hop lacks, in zh
    assert "谱系记录与问卷回答不一致" in w.page.locator("#lineage-contradiction").inner_text()
    w.page.locator("#lineage-panel").screenshot(path=str(shots / "system-lineage-zh.png"))
    w.page.click("#chain-check-record")
    w.page.wait_for_load_state("networkidle")
    assert "存档备查" in w.page.locator(".notice").inner_text()  # broken chain: kept for the record
    w.clean("chain check recorded")
    w.visit(f"/models/{tuned_id}")
    w.page.wait_for_function("document.getElementById('lineage-graph').complete")
    w.page.screenshot(path=str(shots / "model-lineage-zh.png"), full_page=True)
    w.clean("model page in zh")
