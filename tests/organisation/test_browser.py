"""The Organisation page in Chromium: a governance lead sets the profile (a mistyped credit code is refused
with the expected check character), records a filing; an auditor reads it in 中文."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, browser, live, shots  # noqa: F401  (the e2e fixtures)
from tests.web.helpers import PASSWORD, fresh_code, make_user


def _login(browser: Any, live: LiveServer, username: str, lang: str) -> Any:  # noqa: F811
    ctx = browser.new_context(base_url=live.url, locale="en-US" if lang == "en" else "zh-CN",
                              viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/login/mfa" in page.url:  # governance leads sign in with their second factor
        page.fill("#code", fresh_code(live.db, username))
        page.click("main button[type=submit]")
    page.wait_for_url(live.url + "/")
    page.goto(f"/lang/{lang}?next=/")
    return page


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_set_the_profile_and_a_filing_in_the_browser(browser: Any, live: LiveServer, shots: Path) -> None:  # noqa: F811
    make_user(live.db, "gina", "governance_lead")
    make_user(live.db, "audrey", "auditor")
    gina = _login(browser, live, "gina", "en")
    gina.click('header nav a[href="/organisation"]')
    gina.wait_for_url("**/organisation")
    assert gina.locator("#no-profile").count() == 1
    gina.fill("#name_zh", "示例智能科技有限公司")
    gina.fill("#name_en", "Example AI Co., Ltd.")
    gina.fill("#uscc-field", "91440300708461136U")  # a mistyped check character
    gina.select_option("#province", "440000")
    gina.check('input[name="reporter_type"][value="other"]')
    gina.fill("#contact_name", "王芳")
    gina.fill("#contact_phone", "0755-12345678")
    gina.fill("#contact_email", "security@example.cn")
    gina.click("#profile-form button[type=submit]")
    error = gina.locator("#error").inner_text()
    assert "'T' is expected" in error and "uscc" in error
    assert gina.input_value("#name_zh") == "示例智能科技有限公司"  # the rest of the form is kept
    gina.fill("#uscc-field", "91440300708461136T")
    gina.click("#profile-form button[type=submit]")
    gina.wait_for_selector(".notice")
    assert "91440300708461136T" in gina.locator("#uscc").inner_text()
    assert "Guangdong" in gina.locator("#addressee").inner_text()

    gina.select_option("#kind", "generative_ai_registration")
    gina.fill("#number", "Guangdong-ShiLiZhuShou-20250301")
    gina.fill("#service_name", "示例助手")
    gina.fill("#filed_on", "2025-03-01")
    gina.fill("#upstream_model", "文心大模型")
    gina.fill("#upstream_number", "Beijing-WenXinYiYan-20230821")
    gina.click("#filing-form button[type=submit]")
    gina.wait_for_selector(".notice")
    assert "Guangdong-ShiLiZhuShou-20250301" in gina.locator("#filing-table").inner_text()
    gina.screenshot(path=str(shots / "organisation-en.png"), full_page=True)

    audrey = _login(browser, live, "audrey", "zh")
    audrey.goto("/organisation")
    assert "广东省网信部门" in audrey.locator("#addressee").inner_text()
    assert "生成式人工智能服务登记" in audrey.locator("#filing-table").inner_text()
    assert audrey.locator("#profile-form").count() == 0 and audrey.locator("#filing-form").count() == 0
    audrey.screenshot(path=str(shots / "organisation-zh.png"), full_page=True)
