"""The ``aisgf label`` commands, driven through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aisgf.cli import app  # the root app: its error handler gives the exit codes
from aisgf.errors import EXIT_CHECK_FAILED

runner = CliRunner()


def test_keygen_embed_detect_verify_propagate(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    assert runner.invoke(app, ["label", "keygen", str(priv), str(pub)]).exit_code == 0
    png, mp3 = copy_of("png"), copy_of("mp3")
    junk = tmp_path / "blob.bin"
    junk.write_bytes(b"\x00" * 64)
    r = runner.invoke(app, ["label", "embed", str(png), str(mp3), "--producer", "001TEST", "--sign", str(priv)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["label", "embed", str(junk), "--producer", "001TEST"])
    assert r.exit_code == EXIT_CHECK_FAILED == 8 and "sidecar" in r.output  # a batch with a failed file
    r = runner.invoke(app, ["label", "detect", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["file.png"]["status"] == "labeled" and by_name["blob.bin"]["status"] == "unsupported"
    assert doc["summary"]["valid_implicit"] == 2
    r = runner.invoke(app, ["label", "verify", str(png), "--key", str(pub)])
    assert r.exit_code == 0 and "intact" in r.output
    r = runner.invoke(app, ["label", "propagate", str(png), "--propagator", "002PLAT"])
    assert r.exit_code == 0, r.output
    # a batch that ran with a file it could not label: the check-failed code, as for embed
    r = runner.invoke(app, ["label", "propagate", str(junk), "--propagator", "002PLAT"])
    assert r.exit_code == EXIT_CHECK_FAILED and "blob.bin" in r.output, r.output
    r = runner.invoke(app, ["label", "explicit", str(junk)])
    assert r.exit_code == EXIT_CHECK_FAILED and "blob.bin" in r.output, r.output
    html = tmp_path / "report.html"
    r = runner.invoke(app, ["label", "detect", str(png), str(mp3), "--html", str(html), "--key", str(pub)])
    assert r.exit_code == 0 and "生成合成内容标识检测报告" in html.read_text(encoding="utf-8")


def test_verify_fails_without_signature(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    runner.invoke(app, ["label", "keygen", str(priv), str(pub)])
    f = copy_of("jpg")
    assert runner.invoke(app, ["label", "embed", str(f), "--producer", "001TEST"]).exit_code == 0
    r = runner.invoke(app, ["label", "verify", str(f), "--key", str(pub)])
    assert r.exit_code == 7 and "NOT intact" in r.output


def test_explicit_and_profile(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    md = copy_of("md")
    r = runner.invoke(app, ["label", "embed", str(md), "--producer", "001TEST", "--explicit"])
    assert r.exit_code == 0, r.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("---\nAIGC:") and "本内容由人工智能生成" in text
    r = runner.invoke(app, ["label", "detect", str(md), "--json"])
    assert json.loads(r.output)["summary"]["kinds"]["both"] == 1
    r = runner.invoke(app, ["label", "profile"])
    assert r.exit_code == 0 and "secondary" in r.output
    r = runner.invoke(app, ["label", "detect", str(tmp_path / "missing.png"), "--strict"])
    assert r.exit_code == EXIT_CHECK_FAILED == 8, r.output  # not 1: a crash is not a failing check
    r = runner.invoke(app, ["label", "detect", str(md), "--strict"])
    assert r.exit_code == 0, r.output
