"""`aisgf catalog …` through Typer's CliRunner on the root app (its error handler gives the exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aisgf.cli import app
from aisgf.config import Settings
from tests.people import add_person

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["catalog", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_list_filters(settings: Settings) -> None:
    code, out, _ = run("list", "--section", "6.2", "--json")
    assert code == 0
    ids = [i["id"] for i in json.loads(out)]
    assert ids[0] == "aisgf-1.0:6.2" and ids[-1] == "aisgf-1.0:6.2.j" and len(ids) == 11
    code, out, _ = run("list", "--role", "key_sector_user", "--kind", "guideline", "--json")
    assert [i["local_id"] for i in json.loads(out)] == [f"6.3.{c}" for c in "abcdefghi"]
    code, out, _ = run("list", "--section", "4.1.2", "--lang", "zh")
    assert code == 0 and "4.1.2.c" in out and "核生化导武器" in out and "missing" in out


def test_list_rejects_unknown_role(settings: Settings) -> None:
    code, _, err = run("list", "--role", "ceo")
    assert code == 2 and "error:" in err and "unknown role 'ceo'" in err and "state" in err


def test_show(settings: Settings) -> None:
    code, out, _ = run("show", "aisgf-1.0:6.2.e")
    assert code == 0
    assert "aisgf-1.0:6.2.e" in out and "close_paraphrase" in out and "third_party_translation" in out
    assert "服务提供者应检查研发者提供的责任说明文件" in out
    assert "[editorial]" in out and "3.2.1.e" in out
    code, out, _ = run("show", "6.2.e", "--json")
    data = json.loads(out)
    assert data["id"] == "aisgf-1.0:6.2.e" and data["status_en"] == "close_paraphrase"


def test_show_unknown_id_exits_with_not_found(settings: Settings) -> None:
    code, out, err = run("show", "6.2.z")
    assert code == 3
    assert err.startswith("error:") and "6.2.z" in err and out == ""


def test_search_zh_and_en(settings: Settings) -> None:
    code, out, _ = run("search", "核生化导武器", "--json")
    assert code == 0 and "aisgf-1.0:4.1.2.c" in [h["id"] for h in json.loads(out)]
    code, out, _ = run("search", "nuclear, biological")
    assert code == 0 and "4.1.2.c" in out
    code, _, err = run("search", "zzqqxx")
    assert code == 1 and "no match" in err


def test_export_json_and_oscal(settings: Settings, tmp_path: Path) -> None:
    code, out, _ = run("export", "--format", "json")
    items = json.loads(out)
    item = next(i for i in items if i["id"] == "aisgf-1.0:6.2.e")
    for key in ("id", "text_zh", "text_en", "texts", "kind", "roles", "tags", "provenance"):
        assert key in item
    assert {t["status"] for t in item["texts"]} == {"official", "close_paraphrase", "third_party_translation"}
    assert all({"language", "source", "status"} <= set(t) for t in item["texts"])
    assert item["tags"]["addresses"][0] == {
        "risk": "aisgf-1.0:3.2.1.e",
        "basis": "editorial",
        "editorial": True,
    }
    target = tmp_path / "out" / "catalog.oscal.json"
    code, _, err = run("export", "--format", "oscal", "--output", str(target))
    assert code == 0 and "wrote oscal" in err
    assert json.loads(target.read_text(encoding="utf-8"))["catalog"]["metadata"]["oscal-version"] == "1.2.1"


def test_coverage(settings: Settings) -> None:
    code, out, _ = run("coverage")
    assert code == 0 and "official" in out and "numbered items" in out
    code, out, _ = run("coverage", "--framework", "aisgf-1.0", "--json")
    cov = json.loads(out)
    assert cov["framework"] == "aisgf-1.0" and cov["in_force"] is True
    row = next(r for r in cov["sections"] if r["section"] == "3" and r["lang"] == "en")
    assert row["counts"]["official"] == 26


def test_import_via_cli(settings: Settings, overlay_file: Path) -> None:
    # only db-upgrade migrates: before it, the import is refused with the command to run
    code, out, err = run("import", str(overlay_file))
    assert code == 6 and "run aisgf db-upgrade" in err
    from aisgf.db import open_database

    database = open_database(settings)  # what `aisgf db-upgrade` does
    add_person(database, "gina", "governance_lead")
    add_person(database, "rita", "reviewer", ["legal"])
    database.dispose()
    code, out, err = run("import", str(overlay_file), "--as", "rita")  # a reviewer does not import texts
    assert code == 5 and "catalog.import" in err, err
    code, out, err = run("import", str(overlay_file), "--as", "gina")
    assert code == 0, err
    assert "imported 3 text(s) for 2 item(s)" in out and "audit event #" in out
    code, out, _ = run("show", "6.2.e", "--json")
    assert json.loads(out)["status_en"] == "official"
    code, out, _ = run("coverage", "--framework", "aisgf-1.0", "--json")
    assert json.loads(out)["overlays"] == ["acme-official.yaml"]


def test_import_error_names_file_line_field(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: x\ntexts:\n  - id: 6.2.e\n    lang: en\n    text: t\n    colour: red\n", encoding="utf-8")
    from aisgf.db import open_database

    database = open_database(settings)  # what `aisgf db-upgrade` does
    add_person(database, "gina", "governance_lead")
    database.dispose()
    code, _, err = run("import", str(bad), "--as", "gina")
    assert code == 2
    assert f"{bad}:6: texts[0].colour: unknown field" in err.replace("\n", "")


def test_operating_model(settings: Settings) -> None:
    code, out, _ = run("operating-model", "--json")
    assert code == 0
    data = json.loads(out)
    assert len([e for e in data["elements"] if e["kind"] == "practice"]) == 9
    code, out, _ = run("operating-model")
    assert code == 0 and "practice.key_sectors" in out
