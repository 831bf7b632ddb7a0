"""`aisgf model|dataset|vendor|component|lineage …` in a real data folder, acting as an account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import clirun

PASSWORD = "Tiered-Governance-2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    env: dict[str, str | None] = {"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": "gina",
                                  "COLUMNS": "200", "AISGF_DATABASE_URL": None}
    assert clirun.in_process(["db-upgrade"], env=env, cwd=tmp_path).returncode == 0
    with_pw = {**env, "AISGF_NEW_PASSWORD": PASSWORD}
    for args in (["user", "create", "--admin", "ada"],
                 ["user", "create", "gina", "--role", "governance_lead", "--as", "ada"]):
        assert clirun.in_process(args, env=with_pw, cwd=tmp_path).returncode == 0
    return env


def _run(env: dict[str, str | None], *args: str) -> clirun.subprocess.CompletedProcess[str]:
    return clirun.in_process(list(args), env=env, cwd=Path(str(env["AISGF_DATA_DIR"])).parent)


def test_chain_and_impact_from_the_shell(env: dict[str, str | None]) -> None:
    p = _run(env, "vendor", "add", "Qwen team", "--kind", "publisher", "--supplies", "weights")
    assert p.returncode == 0, p.stderr
    p = _run(env, "model", "add", "Qwen2.5-7B", "--kind", "foundation", "--vendor", "Qwen team",
             "--licence", "Apache-2.0", "--training-data", "see card")
    assert p.returncode == 0, p.stderr
    p = _run(env, "model", "add", "bot-7b", "--kind", "fine_tune", "--team", "CX")
    assert p.returncode == 0, p.stderr
    assert _run(env, "model", "parent", "bot-7b", "Qwen2.5-7B", "--kind", "fine_tune").returncode == 0
    p = _run(env, "model", "parent", "Qwen2.5-7B", "bot-7b", "--kind", "merge")
    assert p.returncode != 0 and "cycle" in p.stderr, p.stderr
    p = _run(env, "model", "show", "bot-7b", "--json")
    assert json.loads(p.stdout)["parents"] == [{"kind": "fine_tune", "parent": "Qwen2.5-7B"}]
    p = _run(env, "dataset", "add", "logs", "--source", "user_interactions", "--personal", "--json")
    assert p.returncode == 0, p.stderr
    assert "lawful_basis" in {q["field"] for q in json.loads(p.stdout)["open_questions"]}
    assert _run(env, "dataset", "link", "model:bot-7b", "logs", "--use", "fine_tuning").returncode == 0
    p = _run(env, "lineage", "impact", "dataset", "logs", "--json")
    assert json.loads(p.stdout)["models"] == ["bot-7b"], p.stderr
    p = _run(env, "component", "add", "vllm", "--kind", "software", "--version", "0.6.3",
             "--purl", "pkg:pypi/vllm@0.6.3")
    assert p.returncode == 0, p.stderr
    p = _run(env, "lineage", "chain", "no-such-system")
    assert p.returncode == 3 and "no-such-system" in p.stderr


def test_model_import_reads_a_real_directory_and_records_its_base_as_a_parent(env: dict[str, str | None],
                                                                                 tmp_path: Path) -> None:
    from tests.lineage.test_artifacts import write_safetensors

    model_dir = tmp_path / "cx-bot-7b"
    model_dir.mkdir()
    (model_dir / "README.md").write_text("---\nbase_model: Qwen/Qwen2.5-7B\nbase_model_relation: finetune\n"
                                         "license: apache-2.0\ndatasets: [cx-logs]\n---\n# CX bot\n", encoding="utf-8")
    (model_dir / "config.json").write_text('{"model_type": "qwen2"}', encoding="utf-8")
    write_safetensors(model_dir / "model.safetensors", {"w": ("F16", [4, 4], 32)})
    p = _run(env, "model", "scan", str(model_dir), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["parameters"] == 16
    p = _run(env, "model", "import", str(model_dir), "--team", "CX", "--json")
    assert p.returncode == 0, p.stderr
    shown = json.loads(_run(env, "model", "show", "cx-bot-7b", "--json").stdout)
    assert shown["parents"] == [{"kind": "fine_tune", "parent": "Qwen/Qwen2.5-7B"}]
    assert {f["path"] for f in shown["manifest"]} >= {"README.md", "config.json", "model.safetensors"}
    stub = json.loads(_run(env, "model", "show", "Qwen/Qwen2.5-7B", "--json").stdout)
    assert stub["stub"] is True
