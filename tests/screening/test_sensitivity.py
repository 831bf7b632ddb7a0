"""Sensitive personal information per PIPL Art. 28 and GB/T 45574-2025: an ID number alone is not.

Why: the technical sample fails a document for ``sensitive_personal`` findings; counting every
identity-document number as sensitive (GB/T 35273-2020's old list) failed ordinary documents.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from aisgf.screening import ScreenConfig, run_screen
from aisgf.screening.detectors import BY_CATEGORY, PI_CATEGORIES
from aisgf.screening.sensitivity import load_table

from .conftest import make_card, make_resident_id

ID_DOCUMENTS = ["cn_resident_id", "cn_resident_id_old", "passport", "hk_macau_permit", "tw_permit", "hk_id", "tw_id"]


def test_every_pi_detector_has_a_reading_with_sources() -> None:
    table = load_table()
    assert set(table.categories) == set(PI_CATEGORIES)
    for cat in PI_CATEGORIES:
        r = table.categories[cat]
        assert BY_CATEGORY[cat].sensitivity == r.sensitivity  # the detectors take it from the table
        assert r.why and r.sources and all(s in table.sources for s in r.sources)
    assert "生物识别" in table.definition.zh and "不满十四周岁" in table.definition.zh


@pytest.mark.parametrize("cat", ID_DOCUMENTS)
def test_identity_document_numbers_alone_are_personal_not_sensitive(cat: str) -> None:
    assert BY_CATEGORY[cat].sensitivity == "personal"


def test_a_payment_card_is_a_financial_account() -> None:
    r = load_table().categories["bank_card"]
    assert r.sensitivity == "sensitive_personal" and "金融账户" in r.why and r.status == "aisgf"


def _corpus(path: Path, n: int, rng: random.Random) -> Path:
    lines = []
    for i in range(n):
        if i % 2:
            text = f"第{i}位旅客的身份证号码{make_resident_id(rng)}，护照EB1234567，已登记入住。"
        else:
            text = f"第{i}笔订单用卡{make_card(rng)}支付，金额一百元，已经对账完毕。"
        lines.append(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_technical_sample_does_not_fail_a_document_for_an_id_number_alone(tmp_path: Path) -> None:
    f = _corpus(tmp_path / "c.jsonl", 400, random.Random(7))
    cfg = ScreenConfig(sample_n=10, technical_rate=1.0, technical_min_fraction=0.1)  # judge every document
    rep = run_screen([str(f)], cfg)
    tech = rep["sampling"]["technical"]
    assert tech["size"] == 400
    assert tech["failed"] == 200  # exactly the card documents: the ID-number ones pass
    assert rep["categories"]["cn_resident_id"]["documents"] == 200  # still found and counted
    assert rep["categories"]["passport"]["documents"] == 200
    assert "alone" in rep["categories"]["cn_resident_id"]["sensitivity_why"]
    spi = rep["sensitive_personal_information"]
    assert spi["sensitive_categories"] == ["bank_card"]
    assert spi["categories"]["cn_resident_id"]["sensitivity"] == "personal"
    assert spi["categories"]["cn_resident_id"]["status"] == "sourced"
    assert "GB/T 45574-2025" in json.dumps(spi["sources"], ensure_ascii=False)
    assert "PIPL Art. 28" in spi["sources"]["pipl-28"]["cite"]


def test_html_report_shows_why_and_sources(tmp_path: Path) -> None:
    from aisgf.screening.report import render_html

    f = _corpus(tmp_path / "c.jsonl", 4, random.Random(3))
    html = render_html(run_screen([str(f)], ScreenConfig()))
    assert "Sensitive personal information 敏感个人信息" in html
    assert "PIPL Art. 28" in html and "aisgf&#39;s reading" in html
