"""The vendor admission workflow on the vendor's page and the admission queue: due diligence and clauses and
the moves through admission (vendor.manage), the reviews (vendor.review, for the account's own reviewer
functions only); each form refused without its CSRF token or for the wrong role, a refused change shown on
the page in the reader's language with nothing stored, people's text escaped, the rules' words in 中文."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

from aisgf.db import Database
from aisgf.lineage import services as lin
from aisgf.lineage.reference import load_admission_rules
from tests.people import who
from tests.web.helpers import Person

Web = tuple[FastAPI, Database]
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ALL_YES = {f"answer:{q.id}": "yes" for q in load_admission_rules().questions}
ALL_CLAUSES = {"clauses_shown": "1", "clause": [c.id for c in load_admission_rules().clauses]}
#: What a contract with a model-API vendor must hold (the rules' required clauses asked of model_api).
REQUIRED_CLAUSES = [c.id for c in load_admission_rules().clauses_for("vendor", ["model_api"]) if c.required]


def _vendor(db: Database, name: str = "北京智谱 Zhipu", to: str | None = "due_diligence") -> int:
    with db.session() as s:
        gina = who(s, "gina")
        v = lin.add_vendor(s, by=gina, name=name, supplies=["model_api"])
        if to:
            lin.move_vendor(s, v.id, to, by=gina)
        return v.id


def _stored(db: Database, vid: int) -> dict[str, Any]:
    with db.session() as s:
        v = lin.get_vendor(s, vid)
        return {"admission": v.admission, "dd": dict(v.due_diligence or {}), "clauses": dict(v.clauses or {}),
                "reviews": [(r.function, r.decision, r.reason) for r in v.reviews], "result": v.result}


def _shown(html: str) -> str:
    """What a reader sees: the text without tags, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _follow(p: Person, r: Any) -> Any:
    assert r.status_code == 303, r.text
    return p.get(r.headers["location"])


# ------------------------------------------------------------------------------------------ due diligence


def test_a_manager_answers_due_diligence_and_ticks_the_clauses_on_the_page(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    gina = Person(app, db, "gina").login()
    page = gina.get(f"/vendors/{vid}")
    assert 'id="dd-form"' in page.text and 'name="answer:dd.filing"' in page.text and 'name="clause"' in page.text
    r = gina.post(f"/vendors/{vid}/due-diligence", data={**ALL_YES, "answer:dd.data_location": "no",
                                                         "note:dd.data_location": "Singapore region",
                                                         "clauses_shown": "1",
                                                         "clause": REQUIRED_CLAUSES})
    assert r.headers["location"] == f"/vendors/{vid}?notice=vendor_answers_saved#due-diligence"
    after = _follow(gina, r)
    assert "The due-diligence answers and contract clauses are saved." in after.text
    stored = _stored(db, vid)
    assert stored["dd"]["dd.data_location"] == {"answer": "no", "note": "Singapore region"}
    assert stored["clauses"] == {c.id: c.id in REQUIRED_CLAUSES for c in load_admission_rules().clauses}
    assert {"clause.labeling", "clause.scope_and_limits"} <= set(REQUIRED_CLAUSES)  # Art. 8, 6.2(b)
    assert stored["result"] == "warning"
    # the form shows what is stored: the answer checked, the note kept, the ticked clauses ticked
    assert re.search(r'name="answer:dd.data_location" value="no" id="[^"]+" checked', after.text)
    assert ">Singapore region</textarea>" in after.text
    assert re.search(r'value="clause.data_protection" id="[^"]+" checked', after.text)
    assert not re.search(r'value="clause.exit" id="[^"]+" checked', after.text)
    # the reasons are the rules' words, not codes
    shown = _shown(after.text)
    assert "Answered no Is our data stored and processed in China?" in shown
    assert "Not in the contract Right to audit and inspect" in shown and "dd.data_location: no" not in shown


def test_due_diligence_without_its_csrf_token_or_by_another_role_is_refused(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    gina = Person(app, db, "gina").login()
    r = gina.c.post(f"/vendors/{vid}/due-diligence", data=ALL_YES)  # no csrf_token
    assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "csrf-failed"
    for name in ("rita", "olivia", "audrey"):
        p = Person(app, db, name).login()
        assert 'id="dd-form"' not in p.get(f"/vendors/{vid}").text, name
        r = p.post(f"/vendors/{vid}/due-diligence", data=ALL_YES)
        assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "access-denied", name
    assert _stored(db, vid)["dd"] == {}


def test_a_refused_answer_shows_on_the_page_keeps_what_was_typed_and_stores_nothing(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    gina = Person(app, db, "gina").login()
    # a note on a question left unanswered would be lost: refused, the note stays in the form
    r = gina.post(f"/vendors/{vid}/due-diligence", data={"answer:dd.filing": "yes",
                                                         "note:dd.subprocessors": f"ask again {HOSTILE}"})
    assert r.status_code == 422 and 'id="dd-error"' in r.text
    assert "Not saved:" in r.text and "the note on dd.subprocessors" in r.text
    assert f">ask again {ESCAPED}</textarea>" in r.text and HOSTILE not in r.text
    assert re.search(r'name="answer:dd.filing" value="yes" id="[^"]+" checked', r.text)  # the typed answer too
    # a hostile answer (a forged form) is named in the error as text
    r = gina.post(f"/vendors/{vid}/due-diligence", data={"answer:dd.filing": HOSTILE})
    assert r.status_code == 422 and "is yes, no or n/a" in r.text
    assert HOSTILE not in r.text and "&lt;script&gt;" in r.text
    assert _stored(db, vid)["dd"] == {}

    gina.get("/lang/zh?next=/")
    r = gina.post(f"/vendors/{vid}/due-diligence", data={"note:dd.filing": "稍后补充"})
    assert r.status_code == 422
    assert "“供应商提供的生成式人工智能服务是否已备案或登记，并提供备案号或上线编号？”的备注需与回答一起保存" in r.text
    assert "未保存：" in r.text and ">稍后补充</textarea>" in r.text
    assert _stored(db, vid)["dd"] == {}


# ------------------------------------------------------------------------------------------ reviews


def test_a_reviewer_is_offered_and_may_decide_only_their_own_functions(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    bo = Person(app, db, "bo").login()  # business → procurement only
    page = bo.get(f"/vendors/{vid}").text
    assert 'id="review-form"' in page and 'id="dd-form"' not in page and 'id="admission"' not in page
    offered = re.findall(r'<option value="([^"]+)"', page.split('id="review-form"')[1].split("</form>")[0])
    assert offered == ["procurement"]
    r = bo.post(f"/vendors/{vid}/reviews", data={"function": "procurement", "decision": "approve"})
    assert r.headers["location"] == f"/vendors/{vid}?notice=vendor_review_saved#reviews"
    after = _follow(bo, r)
    assert "Your review is recorded." in after.text
    assert re.search(r'data-function="procurement">Procurement: <span class="tag approve">Approved', after.text)

    # a forged form for a function bo does not hold: refused on the page, nothing stored
    r = bo.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "approve",
                                                 "reason": "looks fine"})
    assert r.status_code == 403 and 'id="review-error"' in r.text
    assert "decided by reviewers of legal" in r.text and ">looks fine</textarea>" in r.text
    assert _stored(db, vid)["reviews"] == [("procurement", "approve", "")]

    rita = Person(app, db, "rita").login()  # business, legal, infosec: all three
    part = rita.get(f"/vendors/{vid}").text.split('id="review-form"')[1].split("</form>")[0]
    assert re.findall(r'<option value="([^"]+)"', part) == ["procurement", "legal", "infosec"]
    assert "Procurement (Approved)" in part
    sam = Person(app, db, "sam").login()  # senior: no vendor function
    assert 'id="review-form"' not in sam.get(f"/vendors/{vid}").text


def test_a_rejection_without_a_reason_is_shown_in_the_readers_language(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    rita = Person(app, db, "rita").login()
    r = rita.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "reject", "reason": "  "})
    assert r.status_code == 422 and 'id="review-error"' in r.text and "a rejection needs a reason" in r.text
    assert re.search(r'<option value="legal" selected>', r.text)  # the function chosen stays chosen
    rita.get("/lang/zh?next=/")
    r = rita.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "reject"})
    assert r.status_code == 422 and "驳回需要说明理由" in r.text and "a rejection needs a reason" not in r.text
    assert _stored(db, vid)["reviews"] == []

    r = rita.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "reject",
                                                   "reason": f"no audit clause {HOSTILE}"})
    page = _follow(rita, r).text
    assert HOSTILE not in page and f"no audit clause {ESCAPED}" in page
    assert "已驳回" in page and "法务审核" in _shown(page)
    assert _stored(db, vid)["reviews"] == [("legal", "reject", f"no audit clause {HOSTILE}")]


def test_reviews_wait_for_due_diligence_and_need_the_reviewer_role_and_the_token(web: Web) -> None:
    app, db = web
    vid = _vendor(db, to=None)  # a candidate
    rita = Person(app, db, "rita").login()
    page = rita.get(f"/vendors/{vid}").text
    assert 'id="review-form"' not in page and 'id="review-not-now"' in page
    r = rita.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "approve"})
    assert r.status_code == 409 and 'id="vendor-error"' in r.text and "reviews are recorded during" in r.text
    r = rita.c.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "approve"})
    assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "csrf-failed"
    for name in ("gina", "ada", "olivia", "audrey"):
        p = Person(app, db, name).login()
        r = p.post(f"/vendors/{vid}/reviews", data={"function": "legal", "decision": "approve"})
        assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "access-denied", name
    assert _stored(db, vid)["reviews"] == []


# ------------------------------------------------------------------------------------------ moves


def test_only_the_allowed_moves_are_offered_and_admitting_too_early_names_the_gaps(web: Web) -> None:
    app, db = web
    vid = _vendor(db, to=None)
    gina = Person(app, db, "gina").login()
    moves = re.findall(r'id="move-([a-z_]+)"', gina.get(f"/vendors/{vid}").text)
    assert moves == ["due_diligence", "exited"]
    r = gina.post(f"/vendors/{vid}/admission", data={"to": "due_diligence"})
    assert r.headers["location"] == f"/vendors/{vid}?notice=vendor_moved#admission"
    after = _follow(gina, r)
    assert "The vendor&#39;s admission state is changed." in after.text
    assert re.findall(r'id="move-([a-z_]+)"', after.text) == ["candidate", "admitted", "exited"]

    r = gina.post(f"/vendors/{vid}/admission", data={"to": "admitted", "reason": "all set?"})
    assert r.status_code == 409 and 'id="move-error"' in r.text and ">all set?</textarea>" in r.text
    error = _shown(r.text.split('id="move-error"')[1].split("</div>")[0])
    assert "Not admitted: these are still open." in error
    assert "Not answered Is the vendor&#39;s generative AI service filed or registered" in error
    assert "Not in the contract Entrusted processing of personal information (PIPL Art. 21)" in error
    assert "Not yet reviewed Procurement review" in error and "Not yet reviewed Information security review" in error
    assert "blocker dd.filing" not in r.text and "procurement review missing" not in r.text
    assert _stored(db, vid)["admission"] == "due_diligence"

    gina.get("/lang/zh?next=/")
    r = gina.post(f"/vendors/{vid}/admission", data={"to": "admitted"})
    error = _shown(r.text.split('id="move-error"')[1].split("</div>")[0])
    assert "未准入：以下事项仍未解决。" in error
    assert "未回答 供应商是否提供责任说明文件（模型来源、训练数据、已知局限）？" in error
    assert "合同未约定 个人信息委托处理约定（个人信息保护法第二十一条）" in error and "尚未审核 采购审核" in error
    # a move the state does not allow (a stale form): refused, named
    r = gina.post(f"/vendors/{vid}/admission", data={"to": "suspended"})
    assert r.status_code == 409 and "不能从" in r.text
    assert _stored(db, vid)["admission"] == "due_diligence"


def test_moves_need_a_manager_and_the_token(web: Web) -> None:
    app, db = web
    vid = _vendor(db, to=None)
    ada = Person(app, db, "ada").login()  # an administrator manages vendors too
    assert 'id="admission"' in ada.get(f"/vendors/{vid}").text
    r = ada.c.post(f"/vendors/{vid}/admission", data={"to": "due_diligence"})
    assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "csrf-failed"
    for name in ("rita", "olivia", "audrey"):
        p = Person(app, db, name).login()
        assert 'id="admission"' not in p.get(f"/vendors/{vid}").text, name
        r = p.post(f"/vendors/{vid}/admission", data={"to": "due_diligence"})
        assert r.status_code == 403 and r.headers["x-aisgf-problem"] == "access-denied", name
    assert _stored(db, vid)["admission"] == "candidate"
    assert _follow(ada, ada.post(f"/vendors/{vid}/admission", data={"to": "due_diligence"})).status_code == 200
    assert _stored(db, vid)["admission"] == "due_diligence"


def test_a_publisher_has_no_admission_forms(web: Web) -> None:
    app, db = web
    with db.session() as s:
        pid = lin.add_vendor(s, by=who(s, "gina"), name="Open weights org", kind="publisher").id
    gina = Person(app, db, "gina").login()
    page = gina.get(f"/vendors/{pid}").text
    assert 'id="dd-form"' in page and 'name="clauses_shown"' not in page
    assert 'id="admission"' not in page and 'id="review-form"' not in page
    r = gina.post(f"/vendors/{pid}/due-diligence", data={"answer:dd.responsibility_docs": "yes"})
    assert _follow(gina, r).status_code == 200 and _stored(db, pid)["result"] == "ok"
    r = gina.post(f"/vendors/{pid}/admission", data={"to": "due_diligence"})  # a forged move
    assert r.status_code == 409 and 'id="vendor-error"' in r.text and "a publisher needs a licence" in r.text


# ------------------------------------------------------------------------------------------ the whole way


def test_the_whole_admission_through_the_pages(web: Web) -> None:
    app, db = web
    vid = _vendor(db, name=HOSTILE)
    gina = Person(app, db, "gina").login()
    _follow(gina, gina.post(f"/vendors/{vid}/due-diligence", data={**ALL_YES, **ALL_CLAUSES}))
    rita = Person(app, db, "rita").login()
    for function in ("procurement", "legal", "infosec"):
        _follow(rita, rita.post(f"/vendors/{vid}/reviews", data={"function": function, "decision": "approve"}))
    page = _follow(gina, gina.post(f"/vendors/{vid}/admission", data={"to": "admitted"})).text
    assert re.search(r'id="admission-state">Admitted<', page) and 'id="gaps"' not in page
    assert re.findall(r'id="move-([a-z_]+)"', page) == ["suspended", "exited"]
    assert HOSTILE not in page and ESCAPED in page  # the vendor's name, in the title and the heading
    assert _stored(db, vid)["admission"] == "admitted"


def test_the_chinese_page_shows_the_rules_words_for_reasons_and_gaps(web: Web) -> None:
    app, db = web
    vid = _vendor(db)
    with db.session() as s:
        lin.answer_due_diligence(s, vid, by=who(s, "gina"), answers={"dd.filing": "no"})
    rita = Person(app, db, "rita").login()
    rita.get("/lang/zh?next=/")
    page = rita.get(f"/vendors/{vid}").text
    shown = _shown(page)
    assert "供应商是否提供责任说明文件（模型来源、训练数据、已知局限）？" in shown  # a question
    reasons = _shown(page.split('id="result-reasons"')[1].split("</ul>")[0])
    assert "回答为否 供应商提供的生成式人工智能服务是否已备案或登记" in reasons
    assert "未回答 我方数据是否存储和处理于境内？" in reasons and "合同未约定 退出与数据返还、删除" in reasons
    gaps = _shown(page.split('id="gaps"')[1].split("</div>")[0])
    assert "尚不能准入" in gaps and "尚未审核 法务审核" in gaps and "尚未审核 信息安全审核" in gaps
    for code in ("dd.filing: no", "unanswered", "missing", "blocker dd", "review missing"):
        assert code not in shown, code
    assert "您的审核意见" in page and "驳回" in page


# ------------------------------------------------------------------------------------------ the queue


def test_the_queue_shows_a_reviewer_what_waits_for_their_functions(web: Web) -> None:
    app, db = web
    waiting = _vendor(db, name="Waiting Co")
    _vendor(db, name="Candidate Co", to=None)  # a candidate waits for due diligence, not for reviews
    bo = Person(app, db, "bo").login()
    q = bo.get("/vendors/queue").text
    mine = q.split('id="mine-table"')[1].split("</table>")[0]
    assert f'href="/vendors/{waiting}#reviews"' in mine and "Candidate Co" not in mine
    assert "Procurement" in mine and "Blocker" in mine
    assert "Not yet reviewed Procurement review" in _shown(mine)
    assert "Not answered Does the vendor provide responsibility documentation" in _shown(mine)
    assert "Candidate Co" in q.split('id="queue-table"')[1]
    assert '<a href="/vendors/queue">Vendor admission</a>' in q  # the navigation leads reviewers here
    assert 'href="/vendors/queue"' not in Person(app, db, "audrey").login().get("/").text  # not for readers

    _follow(bo, bo.post(f"/vendors/{waiting}/reviews", data={"function": "procurement", "decision": "approve"}))
    q = bo.get("/vendors/queue").text
    assert 'id="mine-table"' not in q and 'id="mine-empty"' in q
    rita = Person(app, db, "rita").login()  # legal and infosec still wait
    mine = rita.get("/vendors/queue").text.split('id="mine-table"')[1].split("</table>")[0]
    assert "Legal" in mine and "Information security" in mine and "Waiting Co" in mine

    sam = Person(app, db, "sam").login()
    assert 'id="no-vendor-function"' in sam.get("/vendors/queue").text
    gina = Person(app, db, "gina").login()  # a manager sees the whole queue, no "yours"
    q = gina.get("/vendors/queue").text
    assert 'id="mine"' not in q and "Waiting Co" in q and "Candidate Co" in q

    rita.get("/lang/zh?next=/")
    zh = _shown(rita.get("/vendors/queue").text)
    assert "等待您审核" in zh or "待您审核" in zh
    assert "尚未审核 法务审核" in zh and "供应商是否提供责任说明文件" in zh


def test_what_a_vendor_supplies_reads_as_words(web: Web) -> None:
    app, db = web
    vid = _vendor(db, name="Supplies Co")
    rita = Person(app, db, "rita").login()
    page = rita.get(f"/vendors/{vid}").text
    assert re.search(r'id="vendor-supplies">\s*Model API\s*</td>', page), page
    rita.get("/lang/zh?next=/")
    assert "model_api" not in rita.get(f"/vendors/{vid}").text.split('id="vendor-supplies">')[1].split("</td>")[0]
