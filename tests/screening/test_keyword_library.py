"""The keyword library against TC260-003 §8.1: ≥ 10,000 keywords, ≥ 200 per A.1 risk, ≥ 100 per A.2 risk.

Why: a screening judged with a library that falls short cannot show the corpus was screened for
the standard's risks, so its report names the shortfalls and never says "pass".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner as ClickRunner

from aisgf.screening import ScreenConfig, load_library, run_screen
from aisgf.screening.cli import screen_group
from aisgf.screening.keywords import check_tc260_003


def _library(path: Path, sizes: dict[tuple[str, str], int]) -> Path:
    """A CSV library with ``n`` distinct made-up terms per (category, risk_class)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["keyword", "category", "risk_class"])
        for (cat, risk), n in sizes.items():
            for i in range(n):
                w.writerow([f"测试词{cat}{risk}-{i:05d}", cat, risk])
    return path


FULL = {
    **{(f"a1.risk{i:02d}", f"A.1.{i}"): 800 for i in range(1, 13)},  # 12 × 800 = 9,600
    **{(f"a2.risk{i}", f"A.2.{i}"): 100 for i in range(1, 6)},  # 5 × 100 = 500
}
SHORT = {
    **{(f"a1.risk{i:02d}", f"A.1.{i}"): 300 for i in range(1, 11)},  # 10 A.1 categories
    ("a1.risk11", "A.1.11"): 150,  # 50 short of 200
    **{(f"a2.risk{i}", f"A.2.{i}"): 100 for i in range(1, 5)},
    ("a2.risk5", "A.2.5"): 60,  # 40 short of 100: 16 categories in all, one short of 17
}


def _corpus(tmp_path: Path) -> Path:
    f = tmp_path / "clean.jsonl"
    rows = [{"id": i, "text": f"第{i}条普通的训练语料，内容干净，长度足够长。"} for i in range(300)]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return f


def test_a_library_that_meets_the_clause(tmp_path: Path) -> None:
    lib = load_library(_library(tmp_path / "full.csv", FULL))
    check = check_tc260_003([lib])
    assert check["meets_tc260_003"] is True and check["shortfalls"] == []
    assert check["keywords"] == 10_100 and len(check["categories"]) == 17
    rep = run_screen([str(_corpus(tmp_path))], ScreenConfig(libraries=[lib], sample_n=10, technical_rate=1.0))
    tech = rep["sampling"]["technical"]
    assert tech["verdict"] == tech["pass_rate_verdict"] == rep["verdict"] == "pass"


def test_a_short_library_names_every_shortfall(tmp_path: Path) -> None:
    lib = load_library(_library(tmp_path / "short.csv", SHORT))
    check = check_tc260_003([lib])
    assert check["meets_tc260_003"] is False
    assert check["shortfalls"] == [
        {"what": "total", "keywords": 3610, "required": 10000, "short_by": 6390},
        {"what": "category", "category": "a1.risk11", "appendix": "A.1", "keywords": 150, "required": 200,
         "short_by": 50},
        {"what": "category", "category": "a2.risk5", "appendix": "A.2", "keywords": 60, "required": 100,
         "short_by": 40},
        {"what": "coverage", "appendix": "A.1+A.2", "categories": 16, "required": 17, "short_by": 1},
    ]
    rep = run_screen([str(_corpus(tmp_path))], ScreenConfig(libraries=[lib], sample_n=10, technical_rate=1.0))
    tech = rep["sampling"]["technical"]
    assert tech["pass_rate_verdict"] == "pass"  # a clean corpus...
    assert tech["verdict"] == rep["verdict"] == "keyword_library_insufficient"  # ...but not a pass
    assert rep["keyword_library"] == check | {"sources": rep["keyword_library"]["sources"]}


def test_no_library_and_non_appendix_terms_fall_short(tmp_path: Path) -> None:
    rep = run_screen([str(_corpus(tmp_path))], ScreenConfig())
    assert rep["keyword_library"]["meets_tc260_003"] is False and rep["verdict"] == "keyword_library_insufficient"
    cbrn = check_tc260_003([load_library("example:cbrn")])  # §4.1.2(c) terms, no A.1/A.2 class
    assert cbrn["categories"] == {} and cbrn["other_keywords"] == cbrn["keywords"] > 0
    assert {s["what"] for s in cbrn["shortfalls"]} == {"total", "coverage"}


def test_a_category_with_two_appendices_counts_as_two_risks(tmp_path: Path) -> None:
    lib = load_library(_library(tmp_path / "mixed.csv", {("mixed", "A.1"): 250, ("mixed", "A.2.3"): 90}))
    cats = check_tc260_003([lib])["categories"]
    assert cats["mixed [A.1]"]["ok"] is True and cats["mixed [A.2]"] == {
        "category": "mixed", "appendix": "A.2", "keywords": 90, "required": 100, "ok": False
    }


def test_cli_says_it_and_the_written_report_carries_it(tmp_path: Path) -> None:
    lib = _library(tmp_path / "short.csv", SHORT)
    out = tmp_path / "r.json"
    html = tmp_path / "r.html"
    r = ClickRunner().invoke(
        screen_group,
        ["run", str(_corpus(tmp_path)), "--library", str(lib), "--sample", "10", "--sample-file",
         str(tmp_path / "m.csv"), "--report", str(out), "--html", str(html), "--workers", "1", "--no-progress"],
    )
    assert r.exit_code == 0, r.output
    assert "keyword library does NOT meet TC260-003 §8.1" in r.output
    assert "category a1.risk11 (A.1): 150 keywords, 200 required: 50 short" in r.output
    assert "verdict keyword_library_insufficient" in r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["keyword_library"]["meets_tc260_003"] is False and len(doc["keyword_library"]["shortfalls"]) == 4
    page = html.read_text(encoding="utf-8")
    assert "does not meet TC260-003 §8.1" in page and "a2.risk5" in page
