"""C2PA manifests beside the metadata label: signed with a local CA's leaf, read back and compared.

What is pinned down here: the label is written first and the manifest signed over it; both
coexist (ReservedCode1 stays valid, the manifest validates and is Trusted with the CA); a later
change to the file breaks the manifest, not the ReservedCode; re-labeling never leaves a stale
manifest behind silently; differing AIGC copies are an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from aisgf.cli import app  # the root app: its error handler gives the exit codes
from aisgf.errors import InvalidInput
from aisgf.labeling import c2pa_manifest, implicit, integrity
from aisgf.labeling.formats import sniff

from .conftest import EXIFTOOL, exiftool_json, needs_exiftool
from .pki import Pki, make_pki

pytest.importorskip("c2pa", reason="c2pa-python missing: pip install c2pa-python==0.38.1")

IMAGES = ["jpg", "png", "webp"]
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki2"), "Example Platform")


@pytest.fixture(scope="module")
def ed_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("ed")
    integrity.generate_keypair(d / "k.pem", d / "k.pub")
    return d / "k.pem", d / "k.pub"


def _creds(p: Pki) -> c2pa_manifest.Credentials:
    return c2pa_manifest.load_credentials(p.chain_pem, p.key_pem)


def _pixels(p: Path) -> bytes:
    with Image.open(p) as im:
        return im.tobytes()


def _codes(r: implicit.FileLabels) -> set[str]:
    return {p.code for p in r.problems}


@pytest.mark.parametrize("kind", IMAGES)
def test_manifest_and_metadata_label_coexist(kind: str, copy_of, pki: Pki, ed_keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    before = _pixels(f)
    lbl = implicit.embed(f, "001TEST", f"c2pa-{kind}", key=integrity.load_private(ed_keys[0]), c2pa=_creds(pki))
    assert _pixels(f) == before  # neither the label nor the manifest re-encodes the picture
    r = implicit.verify(f, [integrity.load_public(ed_keys[1])], c2pa_trust=pki.ca_pem.read_bytes())
    assert r.status == "labeled", r.as_dict()
    assert "c2pa:cn.tc260.aigc" in {c.location for c in r.copies}
    assert all(c.label == lbl for c in r.copies)  # the C2PA copy equals the metadata copies
    assert next(c for c in r.integrity if c.field == "ReservedCode1").status == "valid"
    assert r.c2pa is not None and r.c2pa["validation_state"] == "Trusted" and r.c2pa["failures"] == []
    assert r.c2pa["signer"]["common_name"] == "Example AIGC Provider"
    created = r.c2pa["actions"][0]
    assert created["action"] == "c2pa.created" and created["digitalSourceType"] == SOURCE_TYPE
    if EXIFTOOL:  # an independent reader sees both the manifest store and the XMP label
        tags = exiftool_json(f)
        if kind != "webp":  # exiftool 12.57 does not parse a WebP C2PA chunk (c2pa-python reads it above)
            assert any(k.startswith("JUMBF:") for k in tags), sorted(tags)
        xmp = {k.upper(): v for k, v in tags.items()}["XMP-TC260:AIGC"]
        assert json.loads(str(xmp)) == json.loads(lbl.to_value())


def test_untrusted_signer_and_missing_trust(copy_of, pki: Pki, other_pki: Pki) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("jpg")
    implicit.embed(f, "001TEST", "t1", c2pa=_creds(pki))
    r = implicit.detect(f)
    assert r.status == "labeled" and "c2pa-trust-not-checked" in _codes(r)
    assert r.c2pa is not None and r.c2pa["validation_state"] == "Valid"
    r = implicit.detect(f, c2pa_trust=other_pki.ca_pem.read_bytes())
    assert r.status == "invalid" and "c2pa-untrusted" in _codes(r)


@needs_exiftool
def test_edit_after_signing_breaks_manifest_not_reserved_code(copy_of, pki: Pki, ed_keys) -> None:  # type: ignore[no-untyped-def]
    """The documented order's consequence: C2PA binds bytes, ReservedCode1 binds content only."""
    f = copy_of("png")
    implicit.embed(f, "001TEST", "t2", key=integrity.load_private(ed_keys[0]), c2pa=_creds(pki))
    assert EXIFTOOL
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", "-XMP-dc:Title=retitled", str(f)], check=True)
    r = implicit.verify(f, [integrity.load_public(ed_keys[1])])
    assert next(c for c in r.integrity if c.field == "ReservedCode1").status == "valid"
    assert "c2pa-invalid" in _codes(r) and r.status == "invalid"
    assert r.c2pa is not None and "assertion.dataHash.mismatch" in r.c2pa["failures"]


def test_differing_c2pa_assertion_is_an_error(copy_of, pki: Pki) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("jpg")
    lbl = implicit.embed(f, "001TEST", "t3", c2pa=_creds(pki))
    handler = sniff(f)
    assert handler is not None
    tmp = f.with_suffix(".edit")
    # Another tool rewrites only the XMP label and keeps the (now stale) manifest.
    handler.write(f, tmp, lbl.with_fields(ProduceID="forged", PropagateID="forged").to_value())
    tmp.replace(f)
    r = implicit.detect(f)
    assert r.status == "invalid"
    assert {"conflicting-labels", "c2pa-invalid"} <= _codes(r)


def test_relabel_refused_without_credentials_and_resigned_with_them(copy_of, pki: Pki) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("webp")
    implicit.embed(f, "001TEST", "t4", c2pa=_creds(pki))
    signed = f.read_bytes()
    with pytest.raises(InvalidInput, match="C2PA manifest"):
        implicit.embed(f, "001NEW", "t5")
    with pytest.raises(InvalidInput, match="C2PA manifest"):
        implicit.propagate(f, "002PLAT", "p1")
    assert f.read_bytes() == signed  # refused before anything was written
    implicit.embed(f, "001NEW", "t5", c2pa=_creds(pki))
    r = implicit.detect(f)
    assert r.status == "labeled" and r.label is not None and r.label.ContentProducer == "001NEW"
    assert r.c2pa is not None and r.c2pa["manifests"] == 1  # the old store was replaced, not appended


def test_propagator_signs_with_producer_manifest_as_ingredient(  # type: ignore[no-untyped-def]
    copy_of, pki: Pki, other_pki: Pki, ed_keys
) -> None:
    f = copy_of("png")
    implicit.embed(f, "001TEST", "t6", key=integrity.load_private(ed_keys[0]), c2pa=_creds(pki))
    implicit.propagate(f, "002PLAT", "share-1", c2pa=_creds(other_pki))
    r = implicit.verify(f, [integrity.load_public(ed_keys[1])])
    assert r.status == "labeled", r.as_dict()
    assert r.label is not None and (r.label.ContentProducer, r.label.ContentPropagator) == ("001TEST", "002PLAT")
    assert r.c2pa is not None and r.c2pa["manifests"] == 2
    assert r.c2pa["signer"]["common_name"] == "Example Platform"
    assert [a["action"] for a in r.c2pa["actions"]] == ["c2pa.opened", "c2pa.published"]


def test_bad_credentials_and_formats_fail_before_writing(copy_of, pki: Pki) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="self-signed"):
        c2pa_manifest.load_credentials(pki.self_signed_pem, pki.self_signed_key)
    with pytest.raises(InvalidInput, match="does not match"):
        c2pa_manifest.load_credentials(pki.chain_pem, pki.self_signed_key)
    f = copy_of("mp3")
    before = f.read_bytes()
    with pytest.raises(InvalidInput, match="C2PA manifests are written for"):
        implicit.embed(f, "001TEST", "x", c2pa=_creds(pki))
    assert f.read_bytes() == before


def test_cli_embed_with_c2pa_and_detect(copy_of, pki: Pki, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    jpg, png = copy_of("jpg"), copy_of("png")
    args = ["--c2pa-cert", str(pki.chain_pem), "--c2pa-key", str(pki.key_pem)]
    r = runner.invoke(app, ["label", "embed", str(jpg), str(png), "--producer", "001TEST", *args])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["label", "embed", str(jpg), "--producer", "001TEST", "--c2pa-cert", str(pki.chain_pem)])
    assert r.exit_code == 2 and "both --c2pa-cert and --c2pa-key" in r.output
    html = tmp_path / "report.html"
    r = runner.invoke(
        app, ["label", "detect", str(jpg), str(png), "--json", "--c2pa-trust", str(pki.ca_pem), "--html", str(html)]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["summary"]["c2pa"] == 2 and doc["summary"]["valid_implicit"] == 2
    assert {f["c2pa"]["validation_state"] for f in doc["files"]} == {"Trusted"}
    assert html.read_text(encoding="utf-8").count("C2PA manifest: Trusted") == 2
    assert runner.invoke(app, ["label", "detect", str(jpg)]).exit_code == 0  # the table view renders too


def test_without_c2pa_python(copy_of, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    signed = copy_of("jpg", "signed.jpg")
    implicit.embed(signed, "001TEST", "t7", c2pa=_creds(pki))
    monkeypatch.setitem(sys.modules, "c2pa", None)  # import c2pa now raises ImportError
    assert not c2pa_manifest.available()
    plain = copy_of("png")
    with pytest.raises(c2pa_manifest.C2paUnavailable, match="pip install c2pa-python"):
        implicit.embed(plain, "001TEST", "x", c2pa=_creds(pki))
    r = implicit.detect(signed)
    assert r.status == "labeled" and "c2pa-unreadable" in _codes(r)  # metadata label still read
