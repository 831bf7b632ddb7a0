"""`aisgf screen` through the root app (its error handler gives the exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aisgf.cli import app

from .conftest import judge_all


def _app() -> typer.Typer:
    return app


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_screen_then_verdicts(tmp_path: Path) -> None:
    data = tmp_path / "c.jsonl"
    data.write_text(
        "".join(
            json.dumps(
                {
                    "id": i,
                    "text": f"第{i}条语料，联系13812345678" if i % 3 == 0 else f"clean line number {i} ok",
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    lib = tmp_path / "lib.txt"
    lib.write_text("语料\n")
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(
        _app(),
        [
            "screen",
            str(data),
            "--field",
            "text",
            "--library",
            str(lib),
            "--library",
            "example:cbrn",
            "--sample",
            "10",
            "--sample-file",
            str(tmp_path / "m.csv"),
            "--redact-to",
            str(out),
            "--report",
            str(tmp_path / "r.json"),
            "--findings",
            str(tmp_path / "f.jsonl"),
            "--html",
            str(tmp_path / "r.html"),
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "screened 30 documents" in res.output
    rep = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert rep["categories"]["cn_mobile"]["documents"] == 10
    assert rep["keyword_library_categories"] == {"lib": 10}
    assert "13812345678" not in (out / "c.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    judge_all(tmp_path / "m.csv", "pass")
    sample = str(tmp_path / "m.csv")
    res = runner.invoke(_app(), ["screen", "verdicts", sample, "--min-items", "10"])
    assert res.exit_code == 0 and "verdict: pass" in res.output
    res = runner.invoke(_app(), ["screen", "verdicts", sample, "--min-items", "10", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["verdict"] == "pass"
    # 10 items < the 4000 TC260-003 asks for: a failed check, exit code 8 exactly (a crash exits 1)
    res = runner.invoke(_app(), ["screen", "verdicts", sample])
    assert res.exit_code == 8 and "verdict: fail" in res.output, (res.exit_code, res.output)
    res = runner.invoke(_app(), ["screen-verdicts", sample, "--json"])
    assert res.exit_code == 8, (res.exit_code, res.output)
    assert json.loads(res.stdout)["verdict"] == "fail"
    # a crash (an unreadable sample) is an error with its own code, never a failing verdict
    res = runner.invoke(_app(), ["screen", "verdicts", str(tmp_path / "no-such.csv")])
    assert res.exit_code not in (0, 1, 8), (res.exit_code, res.output)


def test_errors_are_messages_with_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(_app(), ["screen", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 3 and "does not exist" in res.output
    bad = tmp_path / "bad.csv"
    bad.write_text("word\nfoo\n")
    (tmp_path / "d.txt").write_text("hello")
    res = runner.invoke(_app(), ["screen", str(tmp_path / "d.txt"), "--library", str(bad)])
    assert res.exit_code == 2 and f"{bad}:1" in res.output
    res = runner.invoke(_app(), ["screen", "run", "--help"])
    assert res.exit_code == 0 and "--redact-to" in res.output
