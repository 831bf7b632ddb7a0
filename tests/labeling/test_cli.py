"""The ``aisgf label`` commands, driven through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from aisgf.cli import app  # the root app: its error handler gives the exit codes
from aisgf.errors import EXIT_CHECK_FAILED
from aisgf.labeling import implicit, integrity
from aisgf.labeling.formats.text import split_front_matter

from .conftest import exiftool_labels, needs_exiftool

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


# --------------------------------------------------------------------------- Measures Art. 6: received unlabeled


@needs_exiftool
@pytest.mark.parametrize("kind", ["png", "jpg", "mp3", "pdf"])
@pytest.mark.parametrize(("case", "value"), [("declared", "2"), ("suspected", "3")])
def test_propagate_writes_a_platform_label_on_an_unlabeled_file(
    copy_of, kind: str, case: str, value: str  # type: ignore[no-untyped-def]
) -> None:
    f = copy_of(kind)
    assert exiftool_labels(f) == []  # arrived with no implicit label
    r = runner.invoke(
        app, ["label", "propagate", str(f), "--propagator", "002PLAT", "--propagate-id", "p-77", "--unlabeled", case]
    )
    assert r.exit_code == 0, r.output
    expected = {
        "AIGC": {
            "Label": value,
            "ContentProducer": "",
            "ProduceID": "",
            "ReservedCode1": "",
            "ContentPropagator": "002PLAT",
            "PropagateID": "p-77",
            "ReservedCode2": "",
        }
    }
    seen = exiftool_labels(f)  # an independent reader sees every copy, all the platform's label
    assert seen and all(v == expected for v in seen), seen
    found = implicit.detect(f)
    assert found.status == "labeled", found.as_dict()
    assert "producer-unknown" in {p.code for p in found.problems}


def test_propagate_unlabeled_needs_the_case_and_a_known_word(copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("png")
    r = runner.invoke(app, ["label", "propagate", str(f), "--propagator", "002PLAT"])
    assert r.exit_code == EXIT_CHECK_FAILED and "--unlabeled declared" in r.output and "file.png" in r.output
    r = runner.invoke(app, ["label", "propagate", str(f), "--propagator", "002PLAT", "--unlabeled", "maybe"])
    assert r.exit_code == 2 and "declared, suspected" in r.output, r.output
    assert implicit.detect(f).status == "unlabeled"  # nothing was written


@needs_exiftool
def test_propagate_keeps_a_producers_label_and_signs_a_platform_one(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    labeled, bare = copy_of("jpg", "labeled.jpg"), copy_of("jpg", "bare.jpg")
    r = runner.invoke(app, ["label", "embed", str(labeled), "--producer", "001GEN", "--produce-id", "g-1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["label", "propagate", str(labeled), "--propagator", "002PLAT", "--unlabeled", "suspected"])
    assert r.exit_code == 0, r.output
    (got,) = exiftool_labels(labeled)
    assert got["AIGC"]["Label"] == "1" and got["AIGC"]["ProduceID"] == "g-1"  # --unlabeled does not apply
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub"
    runner.invoke(app, ["label", "keygen", str(priv), str(pub)])
    r = runner.invoke(
        app,
        ["label", "propagate", str(bare), "--propagator", "002PLAT", "--unlabeled", "declared", "--sign", str(priv)],
    )
    assert r.exit_code == 0, r.output
    (got,) = exiftool_labels(bare)
    assert got["AIGC"]["Label"] == "2" and got["AIGC"]["ReservedCode2"].startswith(integrity.PREFIX)
    r = runner.invoke(app, ["label", "verify", str(bare), "--key", str(pub)])
    assert r.exit_code == 0 and "intact" in r.output, r.output


def test_front_matter_platform_label_read_by_yaml(copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("md")
    r = runner.invoke(app, ["label", "propagate", str(f), "--propagator", "002PLAT", "--unlabeled", "declared"])
    assert r.exit_code == 0, r.output
    _, fm, _ = split_front_matter(f.read_text(encoding="utf-8"))
    aigc = yaml.safe_load(fm or "")["AIGC"]
    assert aigc["Label"] == "2" and aigc["ContentProducer"] == "" and aigc["ContentPropagator"] == "002PLAT"


# --------------------------------------------------------------------------- one ProduceID names one piece of content


@needs_exiftool
def test_one_produce_id_for_several_files_is_refused(copy_of) -> None:  # type: ignore[no-untyped-def]
    a, b = copy_of("png", "a.png"), copy_of("png", "b.png")
    r = runner.invoke(app, ["label", "embed", str(a), str(b), "--producer", "001GEN", "--produce-id", "same"])
    assert r.exit_code == 2, r.output
    assert "--produce-id" in r.output and "2 files" in r.output and "one piece of content" in r.output
    assert exiftool_labels(a) == [] and exiftool_labels(b) == []  # refused before anything was written
    r = runner.invoke(app, ["label", "embed", str(a), str(b), "--producer", "001GEN"])
    assert r.exit_code == 0, r.output
    ids = {exiftool_labels(x)[0]["AIGC"]["ProduceID"] for x in (a, b)}  # type: ignore[index]
    assert len(ids) == 2  # without it, each file gets its own
    r = runner.invoke(app, ["label", "propagate", str(a), str(b), "--propagator", "002P", "--propagate-id", "one"])
    assert r.exit_code == 2 and "--propagate-id" in r.output, r.output
