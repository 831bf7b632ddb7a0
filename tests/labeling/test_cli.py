"""The ``aisgf label`` commands, driven through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aisgf.labeling.cli import app

runner = CliRunner()


def test_keygen_embed_detect_verify_propagate(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    assert runner.invoke(app, ["keygen", str(priv), str(pub)]).exit_code == 0
    png, mp3 = copy_of("png"), copy_of("mp3")
    junk = tmp_path / "blob.bin"
    junk.write_bytes(b"\x00" * 64)
    r = runner.invoke(app, ["embed", str(png), str(mp3), "--producer", "001TEST", "--sign", str(priv)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["embed", str(junk), "--producer", "001TEST"])
    assert r.exit_code == 2 and "sidecar" in r.output
    r = runner.invoke(app, ["detect", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name["file.png"]["status"] == "labeled" and by_name["blob.bin"]["status"] == "unsupported"
    assert doc["summary"]["valid_implicit"] == 2
    r = runner.invoke(app, ["verify", str(png), "--key", str(pub)])
    assert r.exit_code == 0 and "intact" in r.output
    r = runner.invoke(app, ["propagate", str(png), "--propagator", "002PLAT"])
    assert r.exit_code == 0, r.output
    html = tmp_path / "report.html"
    r = runner.invoke(app, ["detect", str(png), str(mp3), "--html", str(html), "--key", str(pub)])
    assert r.exit_code == 0 and "生成合成内容标识检测报告" in html.read_text(encoding="utf-8")


def test_verify_fails_without_signature(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    runner.invoke(app, ["keygen", str(priv), str(pub)])
    f = copy_of("jpg")
    assert runner.invoke(app, ["embed", str(f), "--producer", "001TEST"]).exit_code == 0
    r = runner.invoke(app, ["verify", str(f), "--key", str(pub)])
    assert r.exit_code == 7 and "NOT intact" in r.output


def test_explicit_and_profile(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    md = copy_of("md")
    r = runner.invoke(app, ["embed", str(md), "--producer", "001TEST", "--explicit"])
    assert r.exit_code == 0, r.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("---\nAIGC:") and "本内容由人工智能生成" in text
    r = runner.invoke(app, ["detect", str(md), "--json"])
    assert json.loads(r.output)["summary"]["kinds"]["both"] == 1
    r = runner.invoke(app, ["profile"])
    assert r.exit_code == 0 and "secondary" in r.output
    r = runner.invoke(app, ["detect", str(tmp_path / "missing.png"), "--strict"])
    assert r.exit_code == 1
