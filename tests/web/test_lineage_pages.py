"""The lineage pages for people: models with their lineage drawn as SVG, datasets, vendors, the admission
queue, and the lineage panel of a system's page, in 中文 and English, with people's text escaped."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from aisgf.db import Database
from aisgf.lineage import services as lin
from tests.answers import LOW
from tests.people import who
from tests.web.helpers import Person, intake_form

Web = tuple[FastAPI, Database]
HOSTILE = "<script>alert(1)</script>"


def _lineage(db: Database) -> dict[str, Any]:
    """A vendor's base model, our fine-tune of it, a grandchild with a hostile name, a dataset."""
    with db.session() as s:
        gina = who(s, "gina")
        v = lin.add_vendor(s, by=gina, name="深度求索 DeepSeek", kind="vendor", supplies=["weights"])
        base = lin.add_model(s, by=gina, name="base-llm", version="1", kind="foundation", vendor=v.name,
                             licence="MIT", training_data="web text", filing_number="Beijing-BASE-2024")
        tuned = lin.add_model(s, by=gina, name="tuned-llm", kind="fine_tune", accountable_team="ML team",
                              manifest=[{"path": "model.safetensors", "size": 1024, "sha256": "ab" * 32}])
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=gina)
        evil = lin.add_model(s, by=gina, name=HOSTILE, kind="adapter", accountable_team='a "quoted" \\ team')
        lin.add_edge(s, evil.id, tuned.id, "adapter", by=gina)
        d = lin.add_dataset(s, by=gina, name="客服对话 2024", source="collected", personal=True)
        lin.link_model_dataset(s, tuned.id, d.id, "fine_tuning", by=gina)
        s.commit()
        return {"vendor": v.id, "base": base.id, "tuned": tuned.id, "evil": evil.id, "dataset": d.id}


def test_the_model_page_shows_fields_parents_children_files_and_its_lineage_image(web: Web) -> None:
    app, db = web
    ids = _lineage(db)
    p = Person(app, db, "olivia").login()
    r = p.get(f"/models/{ids['tuned']}")
    assert r.status_code == 200, r.text
    assert "ML team" in r.text and "model.safetensors" in r.text and "ab" * 32 in r.text
    assert f'href="/models/{ids["base"]}"' in r.text and f'href="/models/{ids["evil"]}"' in r.text
    assert f'href="/datasets/{ids["dataset"]}"' in r.text
    assert f'<img id="lineage-graph" src="/models/{ids["tuned"]}/lineage.svg"' in r.text
    assert "3 model(s), up to 3 hop(s) up and down." in r.text
    # by name@version too
    assert p.get("/models/base-llm@1").text.count("Beijing-BASE-2024") >= 1

    svg = p.get(f"/models/{ids['tuned']}/lineage.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<?xml") and "<svg" in svg.text
    for label in ("tuned&#45;llm", "base&#45;llm 1", "Fine&#45;tune", "Adapter (LoRA)", "Foundation model"):
        assert label in svg.text, label  # dot writes "-" as &#45;; kinds in the reader's words
    p.get("/lang/zh?next=/")
    zh_svg = p.get(f"/models/{ids['tuned']}/lineage.svg").text
    assert "微调" in zh_svg and "fine_tune" not in zh_svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg.text
    assert "<script" not in svg.text.lower()


def test_a_hostile_model_name_is_text_on_every_page_and_in_the_svg(web: Web) -> None:
    app, db = web
    ids = _lineage(db)
    p = Person(app, db, "audrey").login()
    for url in (f"/models/{ids['evil']}", "/models", f"/models/{ids['tuned']}"):
        r = p.get(url)
        assert r.status_code == 200, url
        assert HOSTILE not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, url
    svg = p.get(f"/models/{ids['evil']}/lineage.svg").text
    assert HOSTILE not in svg and "<script" not in svg.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    # the quotes and the backslash of the team do not break the page
    assert "a &#34;quoted&#34; \\ team" in p.get(f"/models/{ids['evil']}").text


def test_the_drawing_stops_at_the_depth_bound(web: Web) -> None:
    from aisgf.lineage.pages import DEPTH

    app, db = web
    with db.session() as s:
        gina = who(s, "gina")
        chain = [lin.add_model(s, by=gina, name=f"gen-{i}", kind="fine_tune", accountable_team="t")
                 for i in range(DEPTH + 3)]
        for child, parent in zip(chain[1:], chain, strict=False):
            lin.add_edge(s, child.id, parent.id, "fine_tune", by=gina)
        s.commit()
        last = chain[-1].id
    p = Person(app, db, "olivia").login()
    svg = p.get(f"/models/{last}/lineage.svg").text
    drawn = [f">gen&#45;{i}</text>" in svg for i in range(DEPTH + 3)]
    assert drawn == [False, False, True, True, True, True]  # itself and DEPTH ancestors, no further
    assert "More lie beyond" in p.get(f"/models/{last}").text


def test_dataset_vendor_and_queue_pages_in_chinese_and_english(web: Web) -> None:
    app, db = web
    ids = _lineage(db)
    p = Person(app, db, "rita").login()
    d = p.get(f"/datasets/{ids['dataset']}")
    assert d.status_code == 200 and "客服对话 2024" in d.text
    assert "4.1.2.b" in d.text
    assert "What is the lawful basis for processing the personal information it holds?" in d.text
    assert "4.1.2.e" in d.text and f'href="/models/{ids["tuned"]}"' in d.text
    v = p.get(f"/vendors/{ids['vendor']}")
    assert v.status_code == 200 and "深度求索 DeepSeek" in v.text and "Candidate" in v.text
    assert 'id="gaps"' in v.text and f'href="/models/{ids["base"]}"' in v.text
    q = p.get("/vendors/queue")
    assert q.status_code == 200 and f'href="/vendors/{ids["vendor"]}"' in q.text
    assert p.get("/vendors").status_code == 200 and p.get("/datasets").status_code == 200

    p.get("/lang/zh?next=/")
    import re

    shown = re.sub(r"<[^>]+>", " ", p.get("/vendors").text)  # what a reader sees, not class names
    assert "候选" in p.get(f"/vendors/{ids['vendor']}").text and "候选" in shown and "candidate" not in shown
    zh = p.get(f"/datasets/{ids['dataset']}").text
    assert "待答问题" in zh and "处理其中个人信息的合法性基础是什么？" in zh and "Open questions" not in zh
    assert "准入队列" in p.get("/vendors/queue").text
    assert "谱系" in p.get(f"/models/{ids['tuned']}").text


def test_the_queue_is_for_vendor_reviewers_and_unknown_things_are_not_found(web: Web) -> None:
    app, db = web
    _lineage(db)
    olivia = Person(app, db, "olivia").login()
    assert olivia.get("/vendors/queue").status_code == 403
    assert olivia.get("/models/999999").status_code == 404
    assert olivia.get("/models/999999/lineage.svg").status_code == 404
    assert olivia.get("/datasets/no-such-set").status_code == 404
    assert olivia.get("/vendors/999999").status_code == 404


def test_the_system_page_shows_the_lineage_panel_and_a_system_without_lineage_still_renders(web: Web) -> None:
    app, db = web
    ids = _lineage(db)
    owner = Person(app, db, "olivia").login()  # the owner registers and reads her system
    r = owner.post("/intake", data=intake_form(LOW, "智能客服"))
    assert r.status_code == 303, r.text
    key = r.headers["location"].split("/systems/")[1].split("?")[0]

    bare = owner.get(f"/systems/{key}")
    assert bare.status_code == 200 and 'id="lineage-none"' in bare.text and 'href="#lineage"' in bare.text

    with db.session() as s:
        g = who(s, "gina")
        lin.link_system_model(s, key, ids["tuned"], "primary", by=g)
        lin.link_system_dataset(s, key, ids["dataset"], "retrieval", by=g)
        s.commit()
    page = owner.get(f"/systems/{key}").text
    assert 'id="lineage-panel"' in page and f'href="/models/{ids["tuned"]}"' in page
    assert f'href="/datasets/{ids["dataset"]}"' in page and "Retrieval corpus" in page
    # the fine-tune has no responsibility document; the vendor's base model is not admitted
    assert 'id="chain-broken"' in page and "responsibility documentation" in page and "an admitted vendor" in page
    # a fine-tune is secondary development: 备案
    assert "Filing (备案)" in page and "secondary development" in page

    with db.session() as s:
        g = who(s, "gina")
        api = lin.add_model(s, by=g, name="hosted-chat", kind="fine_tune", accountable_team="t")
        lin.add_edge(s, api.id, ids["base"], "api_use", by=g)
        lin.unlink_system_model(s, key, ids["tuned"], by=g)
        lin.link_system_model(s, key, api.id, "primary", by=g)
        s.commit()
    owner.get("/lang/zh?next=/")
    zh = owner.get(f"/systems/{key}").text
    assert "登记" in zh and "base-llm 1" in zh and "Beijing-BASE-2024" in zh and "责任链" in zh
