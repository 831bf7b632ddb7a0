"""`aisgf org …`: set and show the profile, add, list and remove filings, acting as an account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import clirun

PASSWORD = "Tiered-Governance-2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    """A migrated registry with a first admin (ada), a governance lead (gina) and a reviewer (rita)."""
    env: dict[str, str | None] = {"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": "gina",
                                  "COLUMNS": "200", "AISGF_DATABASE_URL": None}
    assert clirun.in_process(["db-upgrade"], env=env, cwd=tmp_path).returncode == 0
    with_pw = {**env, "AISGF_NEW_PASSWORD": PASSWORD}
    for args in (["user", "create", "--admin", "ada"],
                 ["user", "create", "gina", "--role", "governance_lead", "--as", "ada"],
                 ["user", "create", "rita", "--role", "reviewer", "-f", "legal", "--as", "ada"]):
        p = clirun.in_process(args, env=with_pw, cwd=tmp_path)
        assert p.returncode == 0, p.stderr
    return env


def _org(env: dict[str, str | None], *args: str) -> clirun.subprocess.CompletedProcess[str]:
    return clirun.in_process(["org", *args], env=env, cwd=Path(str(env["AISGF_DATA_DIR"])).parent)


SET = ["set", "--name-zh", "示例智能科技有限公司", "--name-en", "Example AI", "--uscc", "914403001922038216",
       "--province", "Guangdong", "--reporter-type", "other", "--contact-name", "王芳",
       "--contact-phone", "0755-12345678", "--contact-email", "sec@example.cn"]


def test_set_show_and_change(env: dict[str, str | None]) -> None:
    p = _org(env, "show")
    assert p.returncode == 3 and "no organisation profile" in p.stderr
    p = _org(env, *SET)
    assert p.returncode == 0, p.stderr
    assert "within 4 h to 广东省网信部门" in p.stdout
    p = _org(env, "set", "--reporter-type", "cii_operator", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["incident_reporting"]["hours"] == 1 and d["version"] == 2 and d["name_en"] == "Example AI"
    shown = json.loads(_org(env, "show", "--json", "--as", "rita").stdout)  # reads: everyone
    assert shown["uscc"] == "914403001922038216" and shown["province"]["code"] == "440000"
    log = clirun.in_process(["audit", "log", "--action", "organisation.updated", "--json", "--as", "ada"], env=env,
                            cwd=Path(str(env["AISGF_DATA_DIR"])).parent)
    (event,) = json.loads(log.stdout)["items"]
    assert event["actor"] == "gina" and event["payload"]["changed"] == ["reporter_type"]


def test_bad_input_and_refusals_are_clear(env: dict[str, str | None]) -> None:
    p = _org(env, *SET[:-8], "--uscc", "914403001922038217")
    assert p.returncode == 2 and "uscc" in p.stderr and "'6' is expected" in p.stderr, p.stderr
    p = _org(env, "set", "--name-zh", "示例")
    assert p.returncode == 2 and "uscc is required" in p.stderr, p.stderr
    p = _org(env, *SET, "--as", "rita")
    assert p.returncode == 5 and "organisation.manage" in p.stderr, p.stderr
    p = _org(env, "filing-add", "--kind", "generative_ai_registration", "--number", "G-1", "--service", "助手")
    assert p.returncode == 2 and "upstream_model is required" in p.stderr, p.stderr
    p = _org(env, "filing-add", "--kind", "icp", "--number", "G-1", "--service", "助手")
    assert p.returncode == 2 and "accepted: algorithm_filing" in p.stderr
    p = _org(env, "filing-add", "--kind", "other", "--number", "G-1", "--service", "x", "--date", "1 May")
    assert p.returncode == 2 and "--date" in p.stderr
    p = _org(env, "filing-add", "--kind", "other", "--service", "x")
    assert p.returncode == 2 and "--number" in p.stderr  # a usage error names the missing option


def test_filings(env: dict[str, str | None]) -> None:
    p = _org(env, "filing-add", "--kind", "generative_ai_registration", "--number", "Guangdong-ShiLi-20250301",
             "--service", "示例助手", "--date", "2025-03-01", "--upstream-model", "文心大模型",
             "--upstream-number", "Beijing-WenXinYiYan-20230821", "--json")
    assert p.returncode == 0, p.stderr
    fid = json.loads(p.stdout)["id"]
    p = _org(env, "filing-add", "--kind", "algorithm_filing", "--number", "网信算备440305123456701230011号",
             "--service", "智能客服")
    assert p.returncode == 0 and "algorithm_filing" in p.stdout, p.stderr
    listed = json.loads(_org(env, "filing-list", "--json", "--as", "rita").stdout)
    assert [f["kind"] for f in listed["items"]] == ["algorithm_filing", "generative_ai_registration"]
    p = _org(env, "filing-list", "--kind", "generative_ai_registration")
    assert p.returncode == 0 and "Beijing-WenXinYiYan-20230821" in p.stdout
    assert _org(env, "filing-remove", str(fid), "--as", "rita").returncode == 5
    p = _org(env, "filing-remove", str(fid))
    assert p.returncode == 0 and "removed filing" in p.stdout
    assert _org(env, "filing-remove", str(fid)).returncode == 3


def test_the_real_command(tmp_path: Path, env: dict[str, str | None]) -> None:
    """One real process: the console script mounts `org` lazily."""
    p = clirun.as_process(["org", "filing-list", "--json"], env=env, cwd=tmp_path)
    assert p.returncode == 0 and json.loads(p.stdout) == {"items": [], "total": 0}, p.stderr
