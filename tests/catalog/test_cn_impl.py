"""The China implementation catalog (cn-impl-1.0): instruments, duty-bearing articles, provenance.

Deadline tables in compliance tools go wrong quietly (a 2 h clock written as 4 h, an article number
from memory), so the numbers a decision computes with are pinned here, and every official wording
must say where it can be checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from aisgf.catalog import load_catalog
from aisgf.catalog.loader import DATA_DIR, available_frameworks, build_catalog
from aisgf.catalog.model import Catalog, CatalogItem
from aisgf.catalog.schema import IMPL_ITEM_ID_RE, DutyDue, ImplItemRecord
from aisgf.errors import InvalidInput

FRAMEWORK = "cn-impl-1.0"
CODES = {
    "algorec",
    "secassess",
    "deepsynth",
    "genai",
    "labeling",
    "incident",
    "pipl",
    "xbsa",
    "xbsc",
    "xbflow",
    "gbt45574",
}


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return build_catalog(FRAMEWORK, [])


def record(item: CatalogItem) -> ImplItemRecord:
    assert isinstance(item.record, ImplItemRecord)
    return item.record


def test_folder_loads_beside_the_framework(cat: Catalog, tmp_path: Path) -> None:
    assert FRAMEWORK in available_frameworks() and "aisgf-1.0" in available_frameworks()
    loaded = load_catalog(tmp_path, framework=FRAMEWORK)
    assert loaded.framework == FRAMEWORK and len(loaded) == len(cat)
    assert cat.title["zh"] == "中国人工智能实施规则"
    assert {i.id for i in cat.sections()} == CODES
    assert cat.get("cn-impl-1.0:algorec.24").qualified_id == "cn-impl-1.0:algorec.24"


def test_kinds_ids_and_instrument_blocks(cat: Catalog) -> None:
    for item in cat:
        rec = record(item)
        assert IMPL_ITEM_ID_RE.match(item.id)
        if item.kind == "instrument":
            assert rec.instrument is not None and rec.duty is None and item.parent is None
            assert item.title("zh") and item.title("en")
        else:
            assert item.kind == "article" and rec.instrument is None
            assert item.id.split(".")[0] in CODES and item.parent is not None


def test_ids_fit_the_ruleset_reference_shape(cat: Catalog) -> None:
    # the ruleset's references are `<framework>:<id>` or a pattern `<id>.*`; the local part is
    # an instrument code then dot-separated article parts
    shape = re.compile(r"^(?:[a-z][a-z0-9-]*-[0-9]+\.[0-9]+:)?[a-z][a-z0-9]*(?:\.[0-9a-z]+)*(?:\.\*)?$")
    for item in cat:
        assert shape.match(item.qualified_id), item.qualified_id
    assert [i.id for i in cat.expand("incident.4.*")] == ["incident.4.2", "incident.4.3", "incident.4.4"]


def test_every_article_has_a_duty_block(cat: Catalog) -> None:
    articles = [i for i in cat if i.kind == "article"]
    assert len(articles) >= 30
    for item in articles:
        duty = record(item).duty
        assert duty is not None, item.id
        assert duty.owed_by and duty.summary.zh and duty.summary.en
        assert duty.summary_status in ("official", "editorial")


def test_incident_deadlines_are_1_2_4_hours(cat: Catalog) -> None:
    expected = {
        "incident.4.2": ("cii_operator", 1),
        "incident.4.3": ("state_organ", 2),
        "incident.4.4": ("network_operator", 4),
    }
    for item_id, (party, hours) in expected.items():
        duty = record(cat.get(item_id)).duty
        assert duty is not None
        assert duty.owed_by == [party]
        assert (duty.due.relative_to, duty.due.when, duty.due.amount, duty.due.unit) == (
            "incident",
            "within",
            hours,
            "hours",
        )
        assert duty.condition is not None and "较大" in duty.condition.zh
    # the text is kept exactly as the reprint gives it: traditional characters, and says so
    p2 = cat.get("incident.4.2").primary("zh")
    assert p2 is not None and "最遲不得超過1小時" in (p2.text or "") and "traditional" in (p2.note or "").lower()
    assert "最遲不得超過2小時" in (cat.get("incident.4.3").text("zh") or "")
    assert "最遲不得超過4小時" in (cat.get("incident.4.4").text("zh") or "")


def test_algorec_24_is_ten_working_days_after_launch(cat: Catalog) -> None:
    duty = record(cat.get("algorec.24")).duty
    assert duty is not None and duty.owed_by == ["provider"]
    assert duty.due.model_dump() == {"relative_to": "launch", "when": "within", "amount": 10, "unit": "working_days"}
    assert "十个工作日内" in (cat.get("algorec.24").text("zh") or "")
    change, end = record(cat.get("algorec.24.2")).duty, record(cat.get("algorec.24.3")).duty
    assert change is not None and (change.due.relative_to, change.due.amount) == ("change", 10)
    assert end is not None and (end.due.relative_to, end.due.amount, end.due.unit) == (
        "termination",
        20,
        "working_days",
    )
    assert "备案编号" in (cat.get("algorec.26").text("zh") or "")


def test_retention_periods(cat: Catalog) -> None:
    logs, pia = record(cat.get("labeling.9")).duty, record(cat.get("pipl.56")).duty
    assert logs is not None and logs.retain is not None and (logs.retain.amount, logs.retain.unit) == (6, "months")
    assert pia is not None and pia.retain is not None and (pia.retain.amount, pia.retain.unit) == (3, "years")


def test_every_official_text_names_its_source_and_url(cat: Catalog) -> None:
    seen = 0
    for item in cat:
        for version in item.texts:
            assert version.source in cat.sources, (item.id, version.source)
            if version.status in ("official", "official_excerpt"):
                seen += 1
                assert version.url and version.url.startswith("http"), (item.id, version.lang)
    assert seen >= 25


def test_no_official_status_without_a_url_is_accepted() -> None:
    base = {
        "id": "algorec.99",
        "kind": "article",
        "parent": "algorec",
        "texts": [
            {"lang": "zh", "status": "official", "source": "x", "text": "…"},
            {"lang": "en", "status": "missing", "source": "x"},
        ],
        "duty": {
            "owed_by": ["provider"],
            "due": {"relative_to": "launch", "when": "before"},
            "summary": {"zh": "…", "en": "…"},
            "summary_status": "editorial",
        },
    }
    with pytest.raises(ValidationError, match="needs a url"):
        ImplItemRecord.model_validate(base)
    with pytest.raises(ValidationError, match="needs a 'duty' block"):
        ImplItemRecord.model_validate(
            {**base, "duty": None, "texts": [*base["texts"][1:], {"lang": "zh", "status": "missing", "source": "x"}]}
        )


@pytest.mark.parametrize(
    "due, message",
    [
        ({"relative_to": "launch", "when": "within", "amount": 10}, "together"),
        ({"relative_to": "launch", "when": "at", "amount": 1, "unit": "hours"}, "takes no amount"),
        ({"relative_to": "tuesday", "when": "within"}, "relative_to"),
        ({"relative_to": "launch", "when": "within", "amount": 10, "unit": "fortnights"}, "unit"),
    ],
)
def test_duty_due_is_validated(due: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DutyDue.model_validate(due)


def test_missing_texts_say_why_and_duties_stay_editorial(cat: Catalog) -> None:
    for item in cat:
        if item.kind != "article":
            continue
        zh = [v for v in item.texts if v.lang == "zh"]
        if all(v.status == "missing" for v in zh):
            assert any(v.note for v in zh), item.id
            duty = record(item).duty
            assert duty is not None and duty.summary_status == "editorial", item.id


def test_unnumbered_duties_are_labelled_assigned(cat: Catalog) -> None:
    # a wrong article number is worse than none: parts no source numbers are aisgf labels
    for item_id in ("genai.reg", "genai.disp", "xbsc.p01", "xbflow.p01", "xbflow.p02"):
        assert cat.get(item_id).number == "assigned"
    reg = record(cat.get("genai.reg")).duty
    assert reg is not None and "备案号" in reg.summary.zh and "filing number" in reg.summary.en


def test_sources_record_their_kind(cat: Catalog) -> None:
    for key, source in cat.sources.items():
        if key != "aisgf":
            assert source.kind in ("primary", "official_reprint", "secondary"), key


def test_a_framework_id_is_rejected_in_the_implementation_layer(tmp_path: Path) -> None:
    from aisgf.catalog.loader import load_framework_folder

    folder = tmp_path / "cn"
    folder.mkdir()
    meta = (DATA_DIR / "cn-impl-1.0" / "framework.yaml").read_text(encoding="utf-8")
    files_block = re.search(r"^files:\n(?:- .*\n)+", meta, re.M)
    assert files_block
    (folder / "framework.yaml").write_text(
        meta.replace(files_block.group(0), "files:\n- 01-x.yaml\n"), encoding="utf-8"
    )
    (folder / "01-x.yaml").write_text(
        "framework: cn-impl-1.0\nsection: '6'\nitems:\n- id: '6.2'\n  kind: article\n  texts: []\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match=r"01-x.yaml:\d+"):
        load_framework_folder(folder)
