"""The ``model scan | sign | verify | keygen`` commands, registered on a Typer app of the test's own."""

from __future__ import annotations

import json
import os
import pickle
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aisgf.errors import EXIT_CHECK_FAILED
from aisgf.lineage.artifacts_cli import register

from .test_artifacts import BENIGN, COMMIT, Reduces, hub_cache, malicious_pickles, torch_zip, write_safetensors

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


def _escape(d: Path) -> str:
    (d.parent / "secret.bin").write_bytes(pickle.dumps(BENIGN))
    (d / "escape.bin").symlink_to("../secret.bin")
    return "escape.bin"


def _hostile_header(d: Path) -> str:
    (d / "shard.safetensors").write_bytes(struct.pack("<Q", 2**62))
    return "shard.safetensors"


def _not_a_pickle(d: Path) -> str:
    (d / "optimizer.pt").write_bytes(b"\x00 not a pickle")
    return "optimizer.pt"


def _flood(d: Path) -> str:
    (d / "states.pkl").write_bytes(b"\x80\x04" + b")0" * 1_100_000 + b"N.")  # 2.2 million opcodes
    return "states.pkl"


def _bad_config(d: Path) -> str:
    (d / "config.json").write_text('{"model_type": ')
    return "config.json"


@pytest.mark.parametrize(("make", "unsafe"), [
    (_escape, False), (_hostile_header, False), (_bad_config, False), (_not_a_pickle, True), (_flood, True)])
def test_scan_exits_8_when_a_file_cannot_be_checked(app: typer.Typer, tmp_path: Path, make: Callable[[Path], str],
                                                    unsafe: bool) -> None:
    d = _clean_dir(tmp_path)
    name = make(d)
    r = runner.invoke(app, ["scan", str(d), "--json"])
    assert r.exit_code == EXIT_CHECK_FAILED, r.output
    doc = json.loads(r.stdout)
    assert doc["unchecked"] == [name] and doc["unsafe_pickles"] == ([name] if unsafe else [])
    assert f"not checked: {name}" in r.stderr
    r = runner.invoke(app, ["scan", str(d)], env={"COLUMNS": "200"})
    assert r.exit_code == EXIT_CHECK_FAILED and name in r.stdout


def test_scan_help_says_when_it_exits_8(app: typer.Typer) -> None:
    r = runner.invoke(app, ["scan", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "Exits 8 if a pickle imports something dangerous or cannot be scanned" in text
    assert "or if any file could not be checked" in text and "refused unread" in text


def test_scan_of_a_hugging_face_cache_snapshot(app: typer.Typer, tmp_path: Path) -> None:
    snapshot, contents = hub_cache(tmp_path)
    r = runner.invoke(app, ["scan", str(snapshot), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["hub_snapshot"] == {"repo_type": "model", "repo_id": "example-org/tiny-model", "revision": COMMIT,
                                   "refs": ["main"]}
    assert sorted(f["path"] for f in doc["files"]) == sorted(contents) and doc["unchecked"] == []
    r = runner.invoke(app, ["scan", str(snapshot)], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and f"Hugging Face cache: model example-org/tiny-model at {COMMIT} (main)" in r.stdout
    (tmp_path / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    (snapshot / "passwd").symlink_to("../../../../passwd")  # out of the cache, next to the real links
    r = runner.invoke(app, ["scan", str(snapshot)], env={"COLUMNS": "200"})
    assert r.exit_code == EXIT_CHECK_FAILED
    assert "refused: passwd" in r.stdout and "not checked: passwd" in r.stderr


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
