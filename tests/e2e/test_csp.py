"""The pages work under their Content-Security-Policy: in Chromium, no page reports a violation.

Why a real browser: only a browser enforces the policy, and a page that breaks it (an inline style,
htmx injecting its indicator `<style>`, an `onclick=`) looks fine in a TestClient. Each page is loaded
with a `securitypolicyviolation` listener and a console listener; the htmx parts (the intake's live
decision, the audit's verify button) run too. The first check proves the listeners catch a violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from aisgf.web.headers import PAGE_CSP
from tests.answers import HIGH
from tests.e2e.conftest import LiveServer
from tests.web.helpers import PASSWORD, fresh_code, make_user

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')
                    + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class Watched:
    """A page whose CSP violations (events and console reports) are collected."""

    def __init__(self, browser: Any, live: LiveServer, lang: str = "zh"):
        ctx = browser.new_context(base_url=live.url, locale="zh-CN" if lang == "zh" else "en-US",
                                  timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(15000)
        ctx.add_init_script(LISTEN)
        self.page = ctx.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text)
                     if "Content Security Policy" in m.text or "Refused to" in m.text else None)

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__csp"), *self.console]

    def visit(self, url: str) -> Any:
        resp = self.page.goto(url)
        assert resp is not None and resp.status < 400, (url, resp and resp.status)
        self.page.wait_for_load_state("networkidle")
        assert resp.headers.get("content-security-policy") == PAGE_CSP, url
        assert resp.headers.get("x-frame-options") == "DENY", url
        self.clean(url)
        return resp

    def clean(self, where: str) -> None:
        found = self.violations()
        assert not found, f"{where}: {found}"

    def sign_in(self, live: LiveServer, username: str) -> None:
        self.visit("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        if "/login/mfa" in self.page.url:
            self.clean("/login/mfa")
            self.page.fill("#code", fresh_code(live.db, username))
            self.page.click("main button[type=submit]")
            self.page.wait_for_url(live.url + "/")
        self.clean(f"sign-in of {username}")


@pytest.mark.slow
def test_no_page_breaks_its_content_security_policy(browser: Any, live: LiveServer) -> None:
    make_user(live.db, "csp-admin", "admin")
    make_user(live.db, "csp-owner", "owner")
    make_user(live.db, "csp-rev", "reviewer", ["legal"], mfa=False)

    # The listeners catch a violation: a style element added by a script is refused and reported.
    probe = Watched(browser, live)
    probe.visit("/login")
    probe.page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body{color:red}</style>')")
    for _ in range(50):  # polled from here: the page itself may not evaluate strings (no 'unsafe-eval')
        if probe.violations():
            break
        probe.page.wait_for_timeout(100)
    assert any("style-src" in v for v in probe.violations()), probe.violations()

    owner = Watched(browser, live)
    owner.sign_in(live, "csp-owner")
    owner.visit("/")
    owner.visit("/intake")
    owner.page.fill("#name", "CSP check")
    for qid, value in HIGH.items():
        values = value if isinstance(value, list) else [("true" if value else "false") if isinstance(value, bool)
                                                         else value]
        for v in values:
            owner.page.check(f'input[name="q_{qid}"][value="{v}"]')
    owner.page.locator("#decision-tier").wait_for()  # htmx swapped the preview in
    owner.clean("intake preview")
    owner.page.click("#register")
    owner.page.wait_for_url("**/systems/**")
    owner.page.wait_for_load_state("networkidle")
    owner.clean("system page")
    key = owner.page.url.split("/systems/")[1].split("?")[0].split("#")[0]
    owner.visit(f"/systems/{key}")
    owner.visit(f"/systems/{key}/reassess")
    owner.visit("/systems")
    owner.visit("/catalog")
    owner.visit("/catalog?q=数据")
    owner.visit("/catalog/items/6.2.e")
    owner.visit("/organisation")
    owner.visit("/account")
    owner.page.fill("#tname", "ci")
    owner.page.click("form[action='/account/tokens'] button[type=submit]")
    owner.page.wait_for_selector("#new-token")
    owner.clean("new token")
    missing = owner.page.goto("/systems/no-such-system")  # a problem page follows the same policy
    assert missing is not None and missing.status == 404
    owner.clean("problem page")

    admin = Watched(browser, live, lang="en")
    admin.sign_in(live, "csp-admin")
    admin.visit("/admin/users")
    admin.visit("/audit")
    admin.page.click("#verify")  # htmx GET swapped into the page
    admin.page.wait_for_selector("#verify-ok")
    admin.clean("audit verify")
    admin.visit("/account")
    admin.visit("/")

    reviewer = Watched(browser, live)  # must enrol: the page shows the QR code as inline SVG
    reviewer.visit("/login")
    reviewer.page.fill("#username", "csp-rev")
    reviewer.page.fill("#password", PASSWORD)
    reviewer.page.click("main button[type=submit]")
    reviewer.page.wait_for_url("**/mfa/enroll")
    reviewer.page.wait_for_load_state("networkidle")
    reviewer.clean("/mfa/enroll")
