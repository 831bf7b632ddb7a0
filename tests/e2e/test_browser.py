"""End to end in Chromium: first admin → accounts → a high-tier intake → every review → sign-off → live;
then the send-back path; screenshots of the main pages in 中文 and English along the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from aisgf.accounts.models import User
from tests.answers import HIGH, LOW
from tests.e2e.conftest import LiveServer

PASSWORD = "Tiered-Governance-2026"
PEOPLE = [("olivia", "owner", []), ("rita", "reviewer", ["business", "data", "legal", "infosec"]),
          ("sam", "reviewer", ["senior"]), ("audrey", "auditor", []), ("gina", "governance_lead", [])]


def _page(browser: Any, live: LiveServer, lang: str = "en") -> Any:
    ctx = browser.new_context(base_url=live.url, locale="en-US" if lang == "en" else "zh-CN",
                              viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15000)
    return ctx.new_page()


def _enrol(page: Any) -> None:
    """On the enrolment page: read the key, answer with a code like an authenticator app would."""
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    page.click("a.button")


def _login(browser: Any, live: LiveServer, username: str, *, enrol: bool = False, lang: str = "en") -> Any:
    page = _page(browser, live, lang)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    if enrol:
        page.wait_for_url("**/mfa/enroll")
        _enrol(page)
    else:  # a role that must use two-step sign-in is sent to enrol on its first sign-in
        page.wait_for_url(lambda url: url in (live.url + "/", live.url + "/mfa/enroll"))
        if page.url.endswith("/mfa/enroll"):
            _enrol(page)
    page.wait_for_url(live.url + "/")
    page.goto(f"/lang/{lang}?next=/")
    return page


def _fill_intake(page: Any, answers: dict[str, Any], name: str) -> None:
    page.goto("/intake")
    page.fill("#name", name)
    page.fill("#description", "Pre-screens consumer loan applications; a person decides.")
    for qid, value in answers.items():
        if isinstance(value, bool):
            page.check(f'input[name="q_{qid}"][value="{"true" if value else "false"}"]')
        elif isinstance(value, list):
            for v in value:
                page.check(f'input[name="q_{qid}"][value="{v}"]')
        else:
            page.check(f'input[name="q_{qid}"][value="{value}"]')


def _system_key(page: Any) -> str:
    return str(page.url.split("/systems/")[1].split("?")[0].split("#")[0])


def _shot(page: Any, shots: Path, name: str, full: bool = False) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=full)


def _both_languages(page: Any, shots: Path, name: str, url: str, full: bool = False) -> None:
    for lang in ("zh", "en"):
        page.goto(f"/lang/{lang}?next={url}")
        page.wait_for_load_state("networkidle")
        _shot(page, shots, f"{name}-{lang}", full)


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_high_tier_system_goes_live_and_a_low_one_is_sent_back(browser: Any, live: LiveServer, shots: Path) -> None:
    # 1. The first admin comes in through the one-time setup link and enrols MFA.
    admin = _page(browser, live, "zh")
    admin.goto("/setup/e2e-setup-token")
    assert "首位管理员" in admin.content()
    admin.fill("#username", "ada")
    admin.fill("#password", PASSWORD)
    admin.fill("#password2", PASSWORD)
    admin.click("main button[type=submit]")
    admin.wait_for_url("**/mfa/enroll")
    admin.goto("/")  # MFA cannot be skipped: straight back to enrolment
    assert admin.url.endswith("/mfa/enroll")
    _enrol(admin)
    admin.wait_for_url(live.url + "/")

    # 2. The admin sets up the people.
    admin.goto("/lang/en?next=/admin/users")
    for username, role, functions in PEOPLE:
        admin.fill("#nu-username", username)
        admin.fill("#nu-password", PASSWORD)
        admin.select_option("#nu-role", role)
        for f in functions:
            admin.check(f'#new-user input[name="functions"][value="{f}"]')
        admin.click("#new-user button[type=submit]")
        admin.wait_for_selector(".notice")
    users = admin.locator("#users").inner_text()
    assert all(u in users for u, _, _ in PEOPLE)

    # 3. The owner fills in the intake; the decision shows before anything is stored.
    owner = _login(browser, live, "olivia")
    _fill_intake(owner, HIGH, "Loan pre-screening")
    owner.locator("#decision-tier", has_text="High risk").wait_for()
    assert "Senior sign-off" in owner.locator("#decision-preview").inner_text()
    _shot(owner, shots, "intake-decision-en", full=True)
    owner.click("#register")
    owner.wait_for_url("**/systems/**")
    key = _system_key(owner)
    assert "In review" in owner.locator("#system-status").inner_text()

    # 4. Each required reviewer approves; the senior signs off last.
    rita = _login(browser, live, "rita", enrol=True)
    rita.goto("/reviews")
    assert "Loan pre-screening" in rita.content()
    _both_languages(rita, shots, "review-queue", "/reviews")
    rita.goto("/lang/en?next=/systems/" + key)
    for fn in ("business", "data", "legal", "infosec"):
        rita.select_option("#rv-fn", fn)
        rita.click("#approve")
        rita.wait_for_selector(".notice")
    assert rita.locator("#review-form").count() == 0
    sam = _login(browser, live, "sam", enrol=True)
    sam.goto(f"/systems/{key}")
    sam.click("#approve")
    sam.wait_for_selector(".notice")
    assert "Approved" in sam.locator("#system-status").inner_text()

    # 5. The owner tries to put it live: the gate refuses and lists what is still open.
    owner.goto(f"/systems/{key}")
    gaps = owner.locator("#launch-gaps li").count()
    assert gaps > 0
    owner.click("#go-live")
    owner.wait_for_selector("text=Not live yet")
    assert "Approved" in owner.locator("#system-status").inner_text()  # refused: nothing changed
    assert owner.locator("#launch-gaps li").count() == gaps and "open" in owner.locator("#launch-gaps").inner_text()
    _shot(owner, shots, "go-live-refused-en")
    owner.goto(f"/lang/zh?next=/systems/{key}")
    owner.click("#go-live")
    owner.wait_for_selector("text=尚未上线")
    assert "未完成" in owner.locator("#launch-gaps").inner_text()
    _shot(owner, shots, "go-live-refused-zh")
    owner.goto(f"/lang/en?next=/systems/{key}")
    # 5b. The owner asks for a waiver on one open obligation; a governance lead approves it.
    oid = owner.locator("#launch-gaps a").first.get_attribute("href").split("-")[-1]
    row = owner.locator(f"#obligation-{oid}")
    row.locator("summary.change").click()
    row.locator("select[name=status]").select_option("waived")
    row.locator("summary.more").click()
    row.locator("input[name=waiver_reason]").fill("Pilot with ten staff users until the filing is done")
    row.locator("input[name=waiver_expires]").fill("2027-03-31")
    row.locator("button[type=submit]").click()
    owner.wait_for_selector(f"#waiver-request-{oid}")
    assert "a governance lead other than you decides it" in owner.locator(f"#waiver-request-{oid}").inner_text()
    assert owner.locator(f"#approve-waiver-{oid}").count() == 0  # the requester cannot approve it
    gina = _login(browser, live, "gina")
    gina.goto(f"/systems/{key}#obligation-{oid}")
    gina.locator(f"#waiver-request-{oid}").scroll_into_view_if_needed()
    _shot(gina, shots, "waiver-approval-en")
    gina.goto(f"/lang/zh?next=/systems/{key}")
    gina.locator(f"#waiver-request-{oid}").scroll_into_view_if_needed()
    _shot(gina, shots, "waiver-approval-zh")
    gina.click(f"#approve-waiver-{oid}")
    gina.wait_for_selector(".notice")
    assert gina.locator(f"#waiver-request-{oid}").count() == 0
    assert owner.locator("#launch-gaps li").count() == gaps  # the owner's page is not refreshed yet
    owner.goto(f"/systems/{key}")
    assert owner.locator("#launch-gaps li").count() == gaps - 1
    # 5c. The rest stays open: the governance lead puts it live by override, with a reason (recorded).
    gina.goto(f"/lang/en?next=/systems/{key}")
    gina.fill("#override-form input[name=reason]", "Board approved a two-week pilot; evidence due by Friday")
    gina.click("#override")
    gina.wait_for_selector(".notice")
    assert "Live" in gina.locator("#system-status").inner_text()
    assert "Board approved a two-week pilot" in gina.locator("#override-banner").inner_text()
    _both_languages(owner, shots, "system-page", f"/systems/{key}", full=True)
    owner.goto(f"/lang/en?next=/systems/{key}")
    for section in ("decision", "launch", "obligations", "evidence", "reviews", "history", "audit"):
        owner.click(f'#sections a[href="#{section}"]')
        assert owner.locator(f"#{section}").is_visible()
    # 5d. Half a year on, the live system is due for its periodic re-review (high: 6 months); it stays live.
    from datetime import timedelta

    from aisgf.registry.models import AISystem

    with live.db.session() as s:
        system = s.scalars(select(AISystem).where(AISystem.key == key)).one()
        system.approved_at = system.approved_at - timedelta(days=200)
    gina.goto("/lang/en?next=/")
    assert gina.locator("#gate-review-due b").inner_text() == "1"
    assert gina.locator("#gate-overrides b").inner_text() == "1"
    gina.click("#gate-review-due")
    assert "Loan pre-screening" in gina.locator("main").inner_text()
    gina.goto(f"/systems/{key}")
    assert gina.locator("#review-due").is_visible() and "Live" in gina.locator("#system-status").inner_text()
    # 5e. Retiring takes a reason and a confirmation; a governance lead reinstates it to where it was.
    owner.goto(f"/systems/{key}")
    owner.click("#retire")
    owner.wait_for_selector("#retire-confirm")
    owner.fill("#retire-reason", "Replaced by the new scoring service")
    owner.check("#retire-check")
    owner.click("#retire-submit")
    owner.wait_for_selector(".notice")
    assert "Retired" in owner.locator("#system-status").inner_text() and owner.locator("#reinstate").count() == 0
    gina.goto(f"/systems/{key}")
    gina.fill("#reinstate-form input[name=reason]", "Retired by mistake")
    gina.click("#reinstate")
    gina.wait_for_selector(".notice")
    assert "Live" in gina.locator("#system-status").inner_text()

    # 6. The send-back path: a low-tier system, the business reviewer sends it back with a reason.
    owner.goto("/lang/en?next=/")
    _fill_intake(owner, LOW, "Meeting notes summariser")
    owner.locator("#decision-tier", has_text="Low risk").wait_for()
    owner.click("#register")
    owner.wait_for_url("**/systems/**")
    low_key = _system_key(owner)
    rita.goto(f"/systems/{low_key}")
    rita.click("#send-back")  # without a reason: refused, nothing stored
    assert "reason" in rita.content()
    rita.goto(f"/systems/{low_key}")
    rita.fill("#rv-reason", "No staff usage rules yet <b>please</b>")
    rita.click("#send-back")
    rita.wait_for_selector(".notice")
    owner.goto(f"/systems/{low_key}")
    assert "Changes requested" in owner.locator("#system-status").inner_text()
    assert "No staff usage rules yet <b>please</b>" in owner.locator("#review-state").inner_text()
    assert "No staff usage rules yet <b>please</b>" in owner.locator("#review-history").inner_text()

    # 6b. The owner edits the answers in the pre-filled wizard (the preview follows) and resubmits;
    #     the review starts again and the reviewer approves the new assessment.
    owner.click("#reassess")
    owner.wait_for_url(f"**/systems/{low_key}/reassess")
    assert "No staff usage rules yet <b>please</b>" in owner.locator("#sent-back-reasons").inner_text()
    assert owner.is_checked('input[name="q_personal_information"][value="none"]')
    owner.locator("#decision-tier", has_text="Low risk").wait_for()
    owner.check('input[name="q_personal_information"][value="personal"]')
    owner.check('input[name="q_org_roles"][value="provider"]')
    owner.locator("#decision-tier", has_text="Medium risk").wait_for()
    owner.evaluate("window.scrollTo(0, 0)")
    _shot(owner, shots, "reassess-en")
    owner.click("#reassess-submit")
    owner.wait_for_selector(".notice")
    assert "In review" in owner.locator("#system-status").inner_text()
    assert "assessment 2" in owner.locator("main").inner_text()
    rita.goto(f"/systems/{low_key}")
    while rita.locator("#review-form").count():
        rita.click("#approve")
        rita.wait_for_selector(".notice")
    owner.goto(f"/systems/{low_key}")
    assert "Approved" in owner.locator("#system-status").inner_text()

    # 7. The auditor verifies the trail with the button.
    auditor = _login(browser, live, "audrey")
    auditor.goto("/audit")
    auditor.click("#verify")
    auditor.wait_for_selector("#verify-ok")

    # 8. Screenshots of the remaining pages in both languages.
    _both_languages(admin, shots, "dashboard", "/")
    _both_languages(admin, shots, "catalog", "/catalog?q=数据")
    _both_languages(admin, shots, "catalog-tree", "/catalog")
    _fill_intake(owner, HIGH, "Credit scoring assistant")
    for lang, tier in (("zh", "高风险"), ("en", "High risk")):
        owner.goto(f"/lang/{lang}?next=/intake")
        _fill_intake(owner, HIGH, "Credit scoring assistant")
        owner.locator("#decision-tier", has_text=tier).wait_for()
        owner.evaluate("window.scrollTo(0, 0)")
        _shot(owner, shots, f"intake-decision-{lang}")
    with live.db.session() as s:
        assert s.scalar(select(User.totp_enabled).where(User.username == "sam")) is True

    # 9. The admin gives the auditor another role; her open session ends at once.
    admin.goto("/lang/en?next=/admin/users")
    admin.click("#role-audrey >> xpath=.. >> summary")
    admin.select_option("#role-audrey select[name=role]", "governance_lead")
    admin.click("#role-audrey button[type=submit]")
    admin.wait_for_selector(".notice")
    assert "Governance lead" in admin.locator("#users tr", has_text="audrey").inner_text()
    auditor.goto("/audit")
    assert "/login" in auditor.url
    for lang in ("zh", "en"):
        admin.goto(f"/lang/{lang}?next=/admin/users")
        admin.click("#role-olivia >> xpath=.. >> summary")
        _shot(admin, shots, f"admin-users-{lang}")
    with live.db.session() as s:
        assert s.scalar(select(User.role).where(User.username == "audrey")) == "governance_lead"

