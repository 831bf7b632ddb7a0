"""The ``model scan | sign | verify | keygen`` commands, registered on a Typer app of the test's own."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aisgf.errors import EXIT_CHECK_FAILED
from aisgf.lineage.artifacts_cli import register

from .test_artifacts import BENIGN, Reduces, malicious_pickles, torch_zip, write_safetensors

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    model_app = typer.Typer(no_args_is_help=True)
    register(model_app)
    return model_app


def _clean_dir(tmp_path: Path) -> Path:
    d = tmp_path / "model"
    d.mkdir()
    (d / "README.md").write_text("---\nbase_model: example/base\nlicense: mit\n---\n")
    write_safetensors(d / "model.safetensors", {"w": ("F32", [2, 5], 40)})
    (d / "training_args.bin").write_bytes(pickle.dumps(BENIGN))
    return d


def test_scan_json_report(app: typer.Typer, tmp_path: Path) -> None:
    d = _clean_dir(tmp_path)
    r = runner.invoke(app, ["scan", str(d), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["parameters"] == 10 and doc["base_models"] == ["example/base"] and doc["unsafe_pickles"] == []
    assert [f["path"] for f in doc["files"]] == ["README.md", "model.safetensors", "training_args.bin"]
    assert doc["pickles"][0]["dangerous"] == [] and doc["tensors"][0]["dtypes"] == {"F32": 1}


def test_scan_table_report(app: typer.Typer, tmp_path: Path) -> None:
    r = runner.invoke(app, ["scan", str(_clean_dir(tmp_path))], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "parameters: 10" in r.stdout and "clean" in r.stdout and "example/base" in r.stdout


def test_scan_exits_8_on_an_unsafe_pickle(app: typer.Typer, tmp_path: Path) -> None:
    d = _clean_dir(tmp_path)
    marker = tmp_path / "UNPICKLED"
    torch_zip(d / "pytorch_model.bin", pickle.dumps(Reduces(os.system, f"touch {marker}")))
    (d / "popen.pkl").write_bytes(malicious_pickles(d, marker)["popen.pickle"])
    r = runner.invoke(app, ["scan", str(d), "--json"])
    assert r.exit_code == EXIT_CHECK_FAILED, r.output
    doc = json.loads(r.stdout)
    assert doc["unsafe_pickles"] == ["popen.pkl", "pytorch_model.bin"]
    assert "unsafe pickles" in r.stderr and not marker.exists()
    r = runner.invoke(app, ["scan", str(d)], env={"COLUMNS": "200"})
    assert r.exit_code == EXIT_CHECK_FAILED and "commands Popen" in r.stdout and "UNSAFE" in r.stdout


def test_scan_of_a_missing_directory_is_not_found(app: typer.Typer, tmp_path: Path) -> None:
    r = runner.invoke(app, ["scan", str(tmp_path / "nope")])
    assert r.exit_code == 3 and "error" in r.stderr and "no model directory" in r.stderr


def test_keygen_sign_verify_and_a_tampered_directory(app: typer.Typer, tmp_path: Path) -> None:
    d = _clean_dir(tmp_path)
    private, public = tmp_path / "k.pem", tmp_path / "k.pub"
    assert runner.invoke(app, ["keygen", str(private), str(public)]).exit_code == 0
    again = runner.invoke(app, ["keygen", str(private), str(public)])
    assert again.exit_code == 4 and "exists" in again.stderr
    sig = tmp_path / "bundle.sig"
    r = runner.invoke(app, ["sign", str(d), "--key", str(private), "--signature", str(sig)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["verify", str(d), "--key", str(public), "--signature", str(sig)])
    assert r.exit_code == 0 and "verified: 3 files" in r.stdout
    (d / "README.md").write_text("---\nbase_model: someone/else\n---\n")
    (d / "added.txt").write_text("x")
    (d / "training_args.bin").unlink()
    r = runner.invoke(app, ["verify", str(d), "--key", str(public), "--signature", str(sig)])
    assert r.exit_code == EXIT_CHECK_FAILED
    assert r.stdout.splitlines() == ["changed: README.md", "added: added.txt", "removed: training_args.bin"]
    assert "1 changed, 1 added, 1 removed" in r.stderr


def test_verify_with_the_wrong_key_and_bad_inputs(app: typer.Typer, tmp_path: Path) -> None:
    d = _clean_dir(tmp_path)
    for name in ("a", "b"):
        keygen = ["keygen", str(tmp_path / f"{name}.pem"), str(tmp_path / f"{name}.pub")]
        assert runner.invoke(app, keygen).exit_code == 0
    assert runner.invoke(app, ["sign", str(d), "--key", str(tmp_path / "a.pem")]).exit_code == 0
    r = runner.invoke(app, ["verify", str(d), "--key", str(tmp_path / "b.pub")])
    assert r.exit_code == EXIT_CHECK_FAILED and "signature not valid" in r.stderr
    r = runner.invoke(app, ["sign", str(d), "--key", str(tmp_path / "a.pub")])  # a public key cannot sign
    assert r.exit_code == 2 and "not a usable EC private key" in r.stderr
    r = runner.invoke(app, ["verify", str(d), "--key", str(tmp_path / "missing.pub")])
    assert r.exit_code == 3
