"""Texts found in public copies after the first extraction: the Chinese preamble, the section-1
lead and its clauses, the whole of 1.4, and the seed's commentary standing in for 4.1.2(a).

Why pinned word for word: the house rule is that official Chinese is byte-exact; a later edit that
"tidies" punctuation (the sources mix ASCII commas and curly quotes) must fail here.
"""

from __future__ import annotations

from aisgf.catalog import Catalog

PREAMBLE_ZH = (
    "人工智能是人类发展新领域,给世界带来巨大机遇,也带来各类风险挑战。落实《全球人工智能治理倡议》,"
    "遵循“以人为本、智能向善”的发展方向,为推动政府、国际组织、企业、科研院所、民间机构和社会公众等各方,"
    "就人工智能安全治理达成共识、协调一致,有效防范化解人工智能安全风险,制定本框架。"
)
LEAD_ZH_START = "秉持共同、综合、合作、可持续的安全观,坚持发展和安全并重,以促进人工智能创新发展为第一要务,"
TEXT_1_4 = (
    "在全球范围推动人工智能安全治理国际合作,共享最佳实践,提倡建立开放性平台,通过跨学科、跨领域、跨地区、"
    "跨国界的对话和合作,推动形成具有广泛共识的全球人工智能治理体系。"
)


def test_chinese_preamble_is_official_with_its_source(catalog: Catalog) -> None:
    zh = [v for v in catalog.preamble if v.lang == "zh" and v.status != "missing"]
    assert len(zh) == 1
    assert zh[0].text == PREAMBLE_ZH and zh[0].status == "official" and zh[0].source == "zh-wenku"
    assert zh[0].url and zh[0].url.startswith("https://www.wenku.it/search")
    assert "“" in zh[0].text and "," in zh[0].text  # curly quotes and ASCII commas, as the source has them


def test_section_1_lead_is_an_excerpt_cut_at_its_end(catalog: Catalog) -> None:
    lead = catalog.get("1").primary("zh")
    assert lead is not None and lead.status == "official_excerpt" and lead.cut == "end"
    assert lead.text is not None and lead.text.startswith(LEAD_ZH_START) and lead.text.endswith("确保人工")
    assert catalog.get("1").shown("zh").text == lead.text + "…"


def test_each_principle_bullet_has_its_clause_of_the_lead(catalog: Catalog) -> None:
    lead = catalog.get("1").text("zh") or ""
    bullets = [catalog.get(f"1.p{n:02d}") for n in range(1, 12)]
    clauses = [b.text("zh") for b in bullets[:10]]
    assert all(clauses) and all(c in lead for c in clauses if c)
    # in the lead's order, joined by its commas they give the lead up to the last, unretrieved clause
    assert ",".join(c for c in clauses if c) + ",确保人工" == lead
    assert bullets[0].primary("zh").cut == "end"  # type: ignore[union-attr]
    assert all(b.primary("zh").cut == "both" for b in bullets[1:10])  # type: ignore[union-attr]
    assert bullets[10].text_status("zh") == "missing"  # only "确保人工" is known of it


def test_1_4_is_complete_in_chinese(catalog: Catalog) -> None:
    item = catalog.get("1.4")
    assert item.title("zh") == "开放合作、共治共享"
    assert item.text("zh") == TEXT_1_4 and item.text_status("zh") == "official"
    assert item.primary("zh").cut is None  # type: ignore[union-attr]
    assert item.text_status("en") == "missing"


def test_4_1_2_a_has_the_seeds_scenario_wording_as_commentary_only(catalog: Catalog) -> None:
    from tests.catalog.conftest import SEED

    item = catalog.get("4.1.2.a")
    commentary = [v for v in item.texts if v.status == "commentary"]
    assert len(commentary) == 1 and commentary[0].lang == "en" and commentary[0].source == "seed"
    assert commentary[0].text and commentary[0].text in SEED.read_text(encoding="utf-8")
    assert not any(v.status in ("official", "official_excerpt") for v in item.texts)
    assert item.text_status("zh") == "missing"
