"""The intake wizard marks each unanswered or invalid question where it is, in the page's language, with the
options' labels — not field paths (`answers.sector`) and not raw values (`finance`)."""

from __future__ import annotations

import re
from typing import Any

from aisgf.registry import services as svc
from tests.answers import LOW
from tests.people import who
from tests.web.helpers import Person, intake_form


def _error(html: str, qid: str) -> str | None:
    m = re.search(rf'<p class="field-error" id="error-{qid}" role="alert">([^<]*)</p>', html)
    return m.group(1) if m else None


def _marked(html: str) -> set[str]:
    return set(re.findall(r'class="question invalid" id="question-([a-z_]+)"', html))


def test_a_failed_registration_marks_each_question_in_chinese(web: Any) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    olivia.get("/lang/zh?next=/")
    answers = {k: v for k, v in LOW.items()
               if k not in ("sector", "important_data", "personal_information", "public_facing")}
    form = intake_form(answers, "", **{"q_personal_information": "everything", "q_public_facing": "maybe"})  # no name
    r = olivia.post("/intake", data=form)
    assert r.status_code == 422
    html = r.text
    assert _marked(html) == {"sector", "important_data", "personal_information", "public_facing"}
    assert _error(html, "sector") == "请回答此问题。"
    assert _error(html, "important_data") == "请回答此问题。"
    assert _error(html, "personal_information") == ("请从以下选项中选择一项："
                                                    "不处理个人信息、一般个人信息、敏感个人信息。")
    assert _error(html, "public_facing") == "请从以下选项中选择一项：是、否。"
    banner = html.split('id="form-error">', 1)[1].split("</div>", 1)[0]
    assert "系统需要一个名称" in banner  # the name, too, in the same answer
    assert "有些问题尚未回答或所选无效" in banner and 'href="#question-sector"' in banner
    for raw in ("answers.", "everything", "'maybe'", "accepted", "可接受"):
        assert raw not in banner and all(raw not in (_error(html, q) or "") for q in _marked(html)), raw
    assert 'value="everything"' not in html  # the wrong value is not offered as an option
    with db.session() as s:
        assert svc.list_systems(s)[1] == 0


def test_in_english_the_labels_are_english(web: Any) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    r = olivia.post("/intake", data=intake_form({**LOW, "sector": "space"}, "Notes"))
    assert r.status_code == 422
    assert _marked(r.text) == {"sector"}
    text = _error(r.text, "sector") or ""
    assert text.startswith("Choose one of: ") and "Finance" in text and "finance" not in text, text


def test_the_live_preview_lists_the_problems_by_question_without_paths(web: Any) -> None:
    app, db = web
    olivia = Person(app, db, "olivia").login()
    olivia.get("/lang/zh?next=/")
    r = olivia.post("/intake/preview", data=intake_form({**LOW, "model_source": "alien"}, "Notes"))
    assert r.status_code == 200
    problems = r.text.split('id="decision-problems">', 1)[1].split("</div>", 1)[0]
    assert "系统的模型从何而来？：请从以下选项中选择一项：" in problems, problems
    assert "answers.model_source" not in problems and "alien" not in problems


def test_a_reassessment_marks_the_question_too(web: Any) -> None:
    app, db = web
    with db.session() as s:
        system = svc.register_system(s, name="Notes", owner="olivia", answers=LOW, by=who(s, "gina"))
        key, version = system.key, system.version
    olivia = Person(app, db, "olivia").login()
    form = intake_form({k: v for k, v in LOW.items() if k != "cross_border_data"}, "", version=str(version))
    r = olivia.post(f"/systems/{key}/reassess", data=form)
    assert r.status_code == 422
    assert _marked(r.text) == {"cross_border_data"} and _error(r.text, "cross_border_data") == "Answer this question."
