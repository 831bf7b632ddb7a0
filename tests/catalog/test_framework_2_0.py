"""Framework 2.0 beside 1.0: what public sources say of its structure, with no text invented.

Why: 2.0 was released on 2025-09-15 but no stored source holds its text. The catalog records the
structure secondary sources report (headings as `secondary`, numbers `reported` or `inferred`) and
keeps every text `missing`, so nothing of 2.0 can pass for official wording, and the decisions keep
citing 1.0.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aisgf.catalog import available_frameworks, load_catalog
from aisgf.catalog.service import coverage, coverage_report
from aisgf.cli import app as cli_app
from aisgf.config import Settings


def test_2_0_loads_beside_1_0_with_its_own_folder() -> None:
    assert available_frameworks() == ["aisgf-1.0", "aisgf-2.0", "cn-impl-1.0"]  # frameworks, then the China layer
    cat = load_catalog(framework="aisgf-2.0", use_overlays=False)
    assert cat.framework == "aisgf-2.0" and cat.version.startswith("2.0-data.")
    assert cat.get("aisgf-2.0:1.5").title("zh") == "可信应用、防范失控"
    assert not cat.has("aisgf-1.0:1.5")


def test_2_0_has_no_text_and_says_where_each_heading_comes_from() -> None:
    cat = load_catalog(framework="aisgf-2.0", use_overlays=False)
    for item in cat:
        assert {v.status for v in item.texts} == {"missing"}, item.id
        assert all(t.status == "secondary" for t in item.titles), item.id
        assert item.number in ("reported", "inferred"), item.id
        assert item.note, item.id
        assert item.addressees == [], item.id  # no text to read them from
    assert {v.status for v in cat.preamble} == {"missing"}
    assert [i.id for i in cat.children("1")] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert [i.id for i in cat.children("3")] == ["3.1", "3.2", "3.3"]
    assert cat.get("3.3").title("zh") == "应用衍生安全风险" and cat.get("3.3").number == "inferred"
    assert "14" in (cat.get("5").note or "")
    for title in (t for i in cat for t in i.titles):
        assert title.source in cat.sources and title.source != "none"


def test_coverage_shows_each_framework_and_which_one_decisions_use() -> None:
    report = coverage_report(load_catalog(use_overlays=False))
    assert report.decisions_use == "aisgf-1.0"
    assert [c.framework for c in report.frameworks] == ["aisgf-1.0", "aisgf-2.0", "cn-impl-1.0"]
    assert [c.in_force for c in report.frameworks] == [True, False, False]
    two = report.frameworks[1]
    total = next(t for t in two.totals if t.scope == "all" and t.lang == "zh")
    assert total.items == 16 and total.counts["missing"] == 16
    one = coverage(load_catalog(use_overlays=False))
    pre = {r.lang: r.counts for r in one.sections if r.section == "preamble"}
    assert pre["zh"]["official"] == 1 and pre["en"]["official"] == 1
    assert "secondary" in one.statuses and "commentary" in one.statuses and "editorial" not in one.statuses


def test_cli_coverage_prints_both_and_the_framework_in_force(settings: Settings) -> None:
    result = CliRunner().invoke(cli_app, ["catalog", "coverage"], env={"COLUMNS": "200"})
    out = result.stdout
    assert result.exit_code == 0
    assert "aisgf-1.0 catalog" in out and "(used by decisions)" in out and "aisgf-2.0 catalog" in out
    assert "decisions (intake, obligations) use aisgf-1.0" in out
    result = CliRunner().invoke(cli_app, ["catalog", "coverage", "--json"])
    data = json.loads(result.stdout)
    assert data["decisions_use"] == "aisgf-1.0" and len(data["frameworks"]) == 3
    assert "cn-impl-1.0 catalog" in out  # the China implementation layer's texts are counted too
    result = CliRunner().invoke(cli_app, ["catalog", "coverage", "--framework", "aisgf-9.9"])
    assert result.exit_code != 0 and "aisgf-2.0" in result.stderr


def test_api_coverage_per_framework() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from aisgf.catalog.api import router

    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/api/catalog").json()["frameworks"] == ["aisgf-1.0", "aisgf-2.0", "cn-impl-1.0"]
        one = client.get("/api/catalog/coverage").json()
        two = client.get("/api/catalog/coverage", params={"framework": "aisgf-2.0"}).json()
    assert one["framework"] == "aisgf-1.0" and one["in_force"] is True
    assert two["framework"] == "aisgf-2.0" and two["in_force"] is False
