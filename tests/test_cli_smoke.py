"""One real `aisgf` process per command group: the console script, the lazy imports and the exit code.

Why only one each: every other CLI test runs the same `aisgf.cli.main` in-process (tests/clirun.py),
which is a second faster per command; these keep the real process covered, group by group.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests import clirun

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PASSWORD = "Tiered-Governance-2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    return {"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": "tester", "COLUMNS": "200",
            "AISGF_DATABASE_URL": None}


@pytest.fixture
def migrated(tmp_path: Path, env: dict[str, str | None]) -> dict[str, str | None]:
    """A migrated registry with a first admin (ada) and the governance lead the commands act as (tester)."""
    assert clirun.in_process(["db-upgrade"], env=env, cwd=tmp_path).returncode == 0
    with_pw = {**env, "AISGF_NEW_PASSWORD": PASSWORD}
    assert clirun.in_process(["user", "create", "--admin", "ada"], env=with_pw, cwd=tmp_path).returncode == 0
    p = clirun.in_process(["user", "create", "tester", "--role", "governance_lead", "--as", "ada"], env=with_pw,
                          cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    return env


def test_db_upgrade_and_backup(tmp_path: Path, env: dict[str, str | None]) -> None:
    p = clirun.as_process(["db-upgrade"], env=env, cwd=tmp_path)
    assert p.returncode == 0 and "database ready" in p.stdout, p.stderr
    p = clirun.in_process(["user", "create", "--admin", "tester"], env={**env, "AISGF_NEW_PASSWORD": PASSWORD},
                          cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    p = clirun.as_process(["backup", str(tmp_path / "bk")], env=env, cwd=tmp_path)
    assert p.returncode == 0 and "backup in" in p.stdout, p.stderr


def test_catalog(tmp_path: Path, env: dict[str, str | None]) -> None:
    p = clirun.as_process(["catalog", "show", "6.2.e"], env=env, cwd=tmp_path)
    assert p.returncode == 0 and "6.2.e" in p.stdout, p.stderr


def test_assess_and_rules(tmp_path: Path, env: dict[str, str | None]) -> None:
    p = clirun.as_process(["assess", str(EXAMPLES / "answers-high.yaml"), "--json"], env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["tier"] == "high"


def test_system_and_registry(tmp_path: Path, migrated: dict[str, str | None]) -> None:
    bob = clirun.in_process(["user", "create", "bob", "--email", "bob@example.com", "--as", "ada"],  # its owner
                            env={**migrated, "AISGF_NEW_PASSWORD": PASSWORD}, cwd=tmp_path)
    assert bob.returncode == 0, bob.stderr
    p = clirun.as_process(["system", "add", str(EXAMPLES / "answers-low.yaml")], env=migrated, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    p = clirun.as_process(["system", "show", "nope"], env=migrated, cwd=tmp_path)
    assert p.returncode == 3 and "nope" in p.stderr
    shown = clirun.in_process(["system", "show", "meeting-notes", "--json"], env=migrated, cwd=tmp_path)
    assert json.loads(shown.stdout)["status"] == "in_review"


def test_audit(tmp_path: Path, migrated: dict[str, str | None]) -> None:
    p = clirun.as_process(["audit", "verify"], env=migrated, cwd=tmp_path)
    assert p.returncode == 0 and "OK" in p.stdout, p.stderr


def test_user_and_accounts(tmp_path: Path, env: dict[str, str | None]) -> None:
    p = clirun.as_process(["user", "create", "--admin", "root"], env={**env, "AISGF_NEW_PASSWORD": PASSWORD},
                          cwd=tmp_path)
    assert p.returncode == 0 and "MFA enrolment" in p.stdout, p.stderr
    rows = json.loads(clirun.in_process(["user", "list", "--json", "--as", "root"], env=env, cwd=tmp_path).stdout)
    assert [(u["username"], u["role"]) for u in rows] == [("root", "admin")]


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_screen(tmp_path: Path, env: dict[str, str | None]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "联系13812345678"}\n{"text": "clean line"}\n', encoding="utf-8")
    p = clirun.as_process(["screen", str(corpus), "--report", str(tmp_path / "r.json"), "--workers", "1",
                           "--no-progress"], env=env, cwd=tmp_path)
    assert p.returncode == 0 and "screened 2 documents" in p.stdout, p.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["categories"]["cn_mobile"]["documents"] == 1


def test_label(tmp_path: Path, env: dict[str, str | None]) -> None:
    png = tmp_path / "a.png"
    Image.new("RGB", (32, 32), (10, 20, 30)).save(png)
    p = clirun.as_process(["label", "embed", str(png), "--producer", "001TEST"], env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    found = json.loads(clirun.in_process(["label", "detect", str(png), "--json"], env=env, cwd=tmp_path).stdout)
    assert "001TEST" in json.dumps(found)
