"""The shipped catalog: structure, counts, IDs, primary-text choice, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisgf.catalog import Catalog, CatalogItem, load_catalog
from aisgf.catalog.normalize import fold
from aisgf.catalog.schema import ItemRecord, TextVersion
from aisgf.errors import InvalidInput, NotFound


def kinds_under(catalog: Catalog, section: str, kind: str) -> list[str]:
    return [i.id for i in catalog.descendants(section) if i.kind == kind]


def test_framework_identity(catalog: Catalog) -> None:
    assert catalog.framework == "aisgf-1.0"
    assert catalog.version
    assert len(catalog.digest) == 64 and int(catalog.digest, 16) >= 0
    assert [s.id for s in catalog.sections()] == ["1", "2", "3", "4", "5", "6"]


def test_counts_per_section(catalog: Catalog) -> None:
    assert len(kinds_under(catalog, "3", "risk")) == 26
    assert len(kinds_under(catalog, "3.1", "risk")) == 13
    assert len(kinds_under(catalog, "3.2", "risk")) == 13
    for section, n in {
        "3.1.1": 6,
        "3.1.2": 4,
        "3.1.3": 3,
        "3.2.1": 5,
        "3.2.2": 3,
        "3.2.3": 2,
        "3.2.4": 3,
    }.items():
        assert len(kinds_under(catalog, section, "risk")) == n, section
    assert kinds_under(catalog, "5", "measure") == [f"5.{n}" for n in range(1, 11)]
    assert len(kinds_under(catalog, "6.1", "guideline")) == 10
    assert len(kinds_under(catalog, "6.2", "guideline")) == 10
    assert len(kinds_under(catalog, "6.3", "guideline")) == 9
    assert len(kinds_under(catalog, "6.4", "guideline")) == 6
    assert [i.id for i in catalog.children("1") if i.kind == "principle" and not i.id.startswith("1.p")] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
    ]
    assert len([i for i in catalog.children("1") if i.id.startswith("1.p")]) == 11
    assert [i.id for i in catalog.children("2")] == ["2.1", "2.2", "2.3", "2.4"]
    counts = {"4.1.1": 2, "4.1.2": 6, "4.1.3": 4, "4.2.1": 2, "4.2.2": 2, "4.2.3": 3, "4.2.4": 2}
    for section, n in counts.items():
        assert len(kinds_under(catalog, section, "countermeasure")) == n, section


def test_sections_are_items_with_titles(catalog: Catalog) -> None:
    section = catalog.get("4.1.2")
    assert section.kind == "section"
    assert section.title("zh") == "数据安全风险应对"
    assert catalog.get("6.2").title("en") == "Safety guidelines for AI service providers"
    assert catalog.get("6.2").roles == ["provider"]


def test_document_order_and_parents(catalog: Catalog) -> None:
    ids = list(catalog.items)
    assert ids.index("3.1.1.f") < ids.index("3.1.2") < ids.index("4") < ids.index("6.4.f")
    for item in catalog:
        if item.parent:
            assert ids.index(item.parent) < ids.index(item.id)
            assert catalog.get(item.parent).kind == "section"


def test_ids_and_qualified_ids(catalog: Catalog) -> None:
    item = catalog.get("6.2.e")
    assert item.id == "6.2.e"
    assert item.qualified_id == "aisgf-1.0:6.2.e"
    assert catalog.get("aisgf-1.0:6.2.e") is item
    assert catalog.has("4.1.2.c") and catalog.has("aisgf-1.0:4.1.2")
    assert not catalog.has("4.1.1.c") and not catalog.has("aisgf-2.0:6.2.e")
    assert item.kind == "guideline" and item.roles == ["provider"]


def test_unknown_id_raises_not_found_naming_it(catalog: Catalog) -> None:
    with pytest.raises(NotFound, match=r"6\.2\.z"):
        catalog.get("6.2.z")
    with pytest.raises(NotFound, match=r"aisgf-2\.0"):
        catalog.get("aisgf-2.0:6.2.e")
    with pytest.raises(NotFound):
        catalog.expand("9.9.*")


def test_children_and_expand(catalog: Catalog) -> None:
    assert [i.id for i in catalog.children("4.1.2")] == [f"4.1.2.{c}" for c in "abcdef"]
    assert [i.id for i in catalog.expand("4.1.2.*")] == [f"4.1.2.{c}" for c in "abcdef"]
    assert [i.id for i in catalog.expand("6.2.e")] == ["6.2.e"]
    assert len(catalog.expand("*")) == len(catalog)
    under_4_1 = [i.id for i in catalog.expand("4.1.*")]
    assert under_4_1[0] == "4.1.1" and "4.1.3.d" in under_4_1


def test_missing_item_is_kept_with_status_missing(catalog: Catalog) -> None:
    item = catalog.get("4.1.2.a")
    assert item.text_status("zh") == "missing" and item.text("zh") is None
    # no framework text in either language: English has the seed's commentary only
    assert {v.status for v in item.texts if v.lang == "zh"} == {"missing"}
    assert {v.status for v in item.texts if v.lang == "en"} == {"missing", "commentary"}
    assert item.text_status("en") == "commentary"
    assert item.note


def test_inferred_numbers_are_marked(catalog: Catalog) -> None:
    for item_id in ("4.2.4", "4.2.4.a", "4.2.4.b", "5.7", "5.8", "5.9", "5.10"):
        assert catalog.get(item_id).number == "inferred", item_id
    assert catalog.get("6.2.e").number == "confirmed"
    # §3 letters not printed in any Chinese snippet follow the AIRI order and are marked.
    assert catalog.get("3.2.4.a").number == "inferred" and catalog.get("3.1.1.a").number == "confirmed"
    assert catalog.get("1.p01").number == "assigned"
    assert "only (a) and (b)" in (catalog.get("4.1.1.b").note or "")


def test_statuses_follow_the_reference(catalog: Catalog) -> None:
    # Section 3 English is verbatim official (AIRI / AIRR-X) with page numbers.
    for risk in (i for i in catalog if i.kind == "risk"):
        primary = risk.primary("en")
        assert primary is not None and primary.status == "official" and primary.page, risk.id
        assert primary.source in ("airi-risk", "airr-x")
    # AIRI "X should …" wording is a close paraphrase and beats the seed's own translation.
    assert catalog.get("6.2.e").text_status("en") == "close_paraphrase"
    assert catalog.get("6.2.e").text("en").startswith("Service providers should review")
    assert catalog.get("6.2.h").text_status("en") == "third_party_translation"
    assert catalog.get("6.1.c").primary("en").cut == "end"
    # Section 5 texts from AGC / AIRI are official.
    assert catalog.get("5.2").text_status("en") == "official"
    assert catalog.get("5.10").text_status("en") == "official"
    assert catalog.get("5.1").text_status("zh") == "official_excerpt"
    # A title that is only a gloss is marked as such, never as official.
    gloss = catalog.get("5.5").primary_title("en")
    assert gloss is not None and gloss.status == "third_party_translation" and gloss.source == "reference-gloss"


def test_every_text_carries_a_known_source(catalog: Catalog) -> None:
    for item in catalog:
        for version in [*item.texts, *item.titles]:
            assert version.source in catalog.sources, (item.id, version.source)


def test_risk_links(catalog: Catalog) -> None:
    links = {link.risk: link for link in catalog.get("4.1.3.c").addresses}
    assert links["3.1.3.b"].basis == "official_table" and not links["3.1.3.b"].editorial
    assert {link.risk: link.basis for link in catalog.get("4.1.3.d").addresses}["3.1.3.c"] == "official_table"
    assert {link.risk: link.basis for link in catalog.get("4.2.1.a").addresses}["3.2.1.a"] == "official_table"
    editorial = [link for link in catalog.get("6.2.e").addresses]
    assert editorial and all(link.editorial and link.basis == "editorial" for link in editorial)
    for item in catalog:
        for link in item.addresses:
            target = catalog.get(link.risk)
            assert target.kind == "risk" or (target.kind == "section" and target.id.startswith("3.")), item.id
            assert link.editorial == (link.basis == "editorial")


def _item(*texts: TextVersion) -> CatalogItem:
    record = ItemRecord(
        id="9.9.a",
        kind="guideline",
        texts=[*texts] or [TextVersion(lang="zh", status="missing", source="none")],
        parent="9.9",
    )
    return CatalogItem(record=record, framework="aisgf-1.0")


def test_primary_text_choice_orders_by_status_then_overlay_then_file_order() -> None:
    t3 = TextVersion(lang="en", status="third_party_translation", source="seed", text="third party")
    para = TextVersion(lang="en", status="close_paraphrase", source="airi-mitigation", text="paraphrase")
    excerpt = TextVersion(lang="en", status="official_excerpt", source="agc", text="excerpt", cut="end")
    missing_zh = TextVersion(lang="zh", status="missing", source="none")
    item = _item(missing_zh, t3, para)
    assert item.text("en") == "paraphrase" and item.text_status("en") == "close_paraphrase"
    assert item.text_status("zh") == "missing" and item.text("zh") is None
    item = _item(missing_zh, t3, para, excerpt)
    assert item.text("en") == "excerpt"
    official = TextVersion(lang="en", status="official", source="agc", text="shipped official")
    overlay = TextVersion(lang="en", status="official", source="overlay:x.yaml", text="org official", overlay="x.yaml")
    item = _item(missing_zh, official).with_extra_texts([overlay])
    assert item.text("en") == "org official"
    assert [v.text for v in item.versions("en")] == ["org official", "shipped official"]
    with pytest.raises(InvalidInput):
        item.text("fr")


def test_fold_normalises_width_and_punctuation() -> None:
    assert fold("规范，尽可能") == fold("规范,尽可能") == fold("规范尽可能")
    assert fold("ＡＢＣ　１２３") == "abc 123"
    assert fold("“信息茧房”") == fold('"信息茧房"') == "信息茧房"
    assert fold("nuclear,  biological") == fold("Nuclear, Biological") == "nuclear biological"


def test_search_chinese_and_english(catalog: Catalog) -> None:
    assert "4.1.2.c" in [h.item.id for h in catalog.search("核生化导武器")]
    assert "4.1.2.c" in [h.item.id for h in catalog.search("nuclear, biological")]
    assert "4.1.2.c" in [h.item.id for h in catalog.search("NUCLEAR BIOLOGICAL", lang="en")]
    assert catalog.search("核生化导武器", lang="en") == []  # the query is Chinese; no English text has it
    assert {h.lang for h in catalog.search("4.1.2", lang="zh")} <= {"zh"}


def test_search_ignores_punctuation_and_width(catalog: Catalog) -> None:
    # The seed writes an ASCII comma; a query with the full-width comma (and one without) still matches.
    stored = catalog.get("4.1.1.b").text("zh")
    assert stored is not None and "规范,尽可能" in stored
    for query in (
        "建立并实施安全开发规范，尽可能消除",
        "建立并实施安全开发规范,尽可能消除",
        "安全开发规范尽可能消除",
    ):
        assert [h.item.id for h in catalog.search(query)][:1] == ["4.1.1.b"], query
    # and the other way round: text with "、" found with an ASCII comma or a space
    assert "6.3.d" in [h.item.id for h in catalog.search("高安全级别的密码策略,启用多因素认证")]
    assert "3.2.3.a" in [h.item.id for h in catalog.search("“信息茧房”")]


def test_search_finds_titles_and_ids(catalog: Catalog) -> None:
    assert catalog.search("数据安全风险应对")[0].item.id == "4.1.2"
    assert catalog.search("6.2.e")[0].item.id == "6.2.e"
    with pytest.raises(InvalidInput):
        catalog.search(" ,，")


def test_load_catalog_caches_per_overlay_dir(tmp_path: Path) -> None:
    empty = tmp_path / "overlays"
    empty.mkdir()
    first = load_catalog(empty)
    assert load_catalog(empty) is first
    assert first.overlays == []
    assert load_catalog(tmp_path / "does-not-exist").digest == first.digest


def test_evidence_tools_are_catalog_data_checked_against_the_catalog(tmp_path, monkeypatch) -> None:
    """Which obligations a tool's report serves is a data file; an item the catalog lacks is refused by line."""
    import aisgf.catalog.loader as loader

    tools = loader.load_evidence_tools().tools
    assert tools["training-data-screening"].obligations == ["4.1.2.b", "4.1.2.c", "4.1.2.d", "4.1.2.e"]
    assert tools["aigc-label-check"].obligations == ["4.1.3.a"]  # 5.2 is the state's: context, not an obligation
    bad = tmp_path / "evidence-tools.yaml"
    bad.write_text(loader.EVIDENCE_TOOLS_FILE.read_text(encoding="utf-8").replace("4.1.2.e]", "4.1.2.z]"),
                   encoding="utf-8")
    monkeypatch.setattr(loader, "EVIDENCE_TOOLS_FILE", bad)
    loader.load_evidence_tools.cache_clear()
    try:
        with pytest.raises(InvalidInput) as err:
            loader.load_evidence_tools()
        assert "4.1.2.z" in str(err.value) and ":" in (err.value.where or "")
    finally:
        monkeypatch.undo()
        loader.load_evidence_tools.cache_clear()
