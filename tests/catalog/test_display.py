"""What a reader is shown: the other language's text is marked as such, a cut excerpt shows its cut.

Why: a Chinese reader who sees English under a Chinese heading would take it for the official
Chinese; a cut excerpt shown without "…" reads as the whole text.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aisgf.catalog import Catalog
from aisgf.catalog.api import router
from aisgf.catalog.model import with_cut_marks
from aisgf.cli import app as cli_app
from aisgf.config import Settings
from tests.web.conftest import web  # noqa: F401  (the fixture, for the page test)
from tests.web.helpers import Person


def test_english_shown_to_a_chinese_reader_says_so(catalog: Catalog) -> None:
    item = catalog.get("3.2.4.b")  # no Chinese text found
    assert item.text_status("zh") == "missing"
    shown = item.shown("zh")
    assert shown.lang == "en" and shown.fallback and shown.note == "仅有英文文本"
    assert shown.text == item.text("en")
    own = item.shown("en")
    assert not own.fallback and own.note is None


def test_chinese_shown_to_an_english_reader_says_so(catalog: Catalog) -> None:
    item = catalog.get("4.1.1.a")  # Chinese only
    shown = item.shown("en")
    assert shown.lang == "zh" and shown.note == "Chinese text only"
    assert catalog.get("4.1.2.a").shown("zh").note == "仅有英文文本"  # the commentary, marked


def test_cut_excerpts_show_their_cut(catalog: Catalog) -> None:
    assert with_cut_marks("abc", "end") == "abc…" and with_cut_marks("abc", "start") == "…abc"
    assert with_cut_marks("abc", "both") == "…abc…" and with_cut_marks("abc", None) == "abc"
    excerpt = catalog.get("6.1.c").primary("en")  # AIRI's text, cut at its end
    assert excerpt is not None and excerpt.cut == "end" and excerpt.text and not excerpt.text.endswith("…")
    assert catalog.get("6.1.c").shown("en").text == excerpt.text + "…"
    assert (catalog.get("1.p02").shown("zh").text or "").startswith("…")
    # a label cut short by its width still ends with exactly one "…"
    label = catalog.get("6.1.c").shown_label("en", 30).text or ""
    assert len(label) == 30 and label.endswith("…") and not label.endswith("……")


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, ["catalog", *args], env={"COLUMNS": "220"})
    return result.exit_code, result.stdout, result.stderr


def test_cli_marks_the_fallback(settings: Settings) -> None:
    code, out, _ = _cli("list", "--section", "3.2.4", "--lang", "zh")
    line = next(ln for ln in out.splitlines() if "3.2.4.b" in ln)
    assert code == 0 and "仅有英文文本" in line
    line = next(ln for ln in out.splitlines() if "3.2.4.a" in ln)
    assert "仅有英文文本" not in line
    code, out, _ = _cli("list", "--section", "4.1.1", "--lang", "en")
    assert "Chinese text only" in next(ln for ln in out.splitlines() if "4.1.1.a" in ln)
    code, out, _ = _cli("show", "4.1.1.a")
    assert code == 0 and "text en: (Chinese text only)" in out
    code, out, _ = _cli("show", "6.1.c", "--json")
    data = json.loads(out)
    assert data["shown"]["en"]["text"].endswith("…") and not data["text_en"].endswith("…")


def test_api_has_a_field_for_the_fallback() -> None:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        item = client.get("/api/catalog/items/3.2.4.b").json()
    assert item["shown"]["zh"] == {
        "text": item["text_en"], "lang": "en", "status": "official", "fallback": True, "fallback_note": "仅有英文文本",
    }
    assert item["shown"]["en"]["fallback"] is False and item["shown"]["en"]["fallback_note"] is None


def test_pages_mark_the_fallback(web) -> None:  # noqa: F811
    app, db = web
    gina = Person(app, db, "gina").login()
    page = gina.get("/catalog", params={"section": "3.2.4"}).text
    row = next(r for r in page.split("<tr>") if "3.2.4.b" in r)
    assert "Chinese text only" not in row  # an English reader gets the English text
    row = next(r for r in gina.get("/catalog", params={"section": "4.1.1"}).text.split("<tr>") if "4.1.1.a" in r)
    assert "Chinese text only" in row
    assert gina.get("/lang/zh", params={"next": "/catalog"}).status_code in (302, 303)
    page = gina.get("/catalog", params={"section": "3.2.4"}).text
    row = next(r for r in page.split("<tr>") if "3.2.4.b" in r)
    assert "仅有英文文本" in row
    item = gina.get("/catalog/items/6.1.c").text
    assert "data encryption m…" in item
