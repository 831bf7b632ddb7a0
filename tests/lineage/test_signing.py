"""Signing and verifying model directories with model-signing and a local EC key (offline)."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from aisgf.errors import Conflict, InvalidInput, NotFound
from aisgf.lineage import signing


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "keys" / "model.key", tmp_path / "keys" / "model.pub"
    private.parent.mkdir()
    signing.generate_key(private, public)
    return private, public


def _model(tmp_path: Path) -> Path:
    d = tmp_path / "model"
    (d / "sub").mkdir(parents=True)
    (d / "config.json").write_text('{"model_type": "llama"}')
    (d / "model.safetensors").write_bytes(os.urandom(4096))
    (d / "sub" / "tokenizer.json").write_text("{}")
    (d / ".gitattributes").write_text("*.safetensors filter=lfs\n")  # left out, as model-signing does
    return d


def test_generate_key_writes_a_private_key_only_its_owner_reads(keys: tuple[Path, Path]) -> None:
    private, public = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private.read_bytes() and b"BEGIN PUBLIC KEY" in public.read_bytes()
    with pytest.raises(Conflict):
        signing.generate_key(private, public)
    before = private.read_bytes()
    signing.generate_key(private, public, overwrite=True)
    assert private.read_bytes() != before


def test_sign_then_verify_passes(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    sig = signing.sign_dir(d, keys[0])
    assert sig == tmp_path / "model.sig" and sig.is_file()
    result = signing.verify_dir(d, keys[1])
    assert result.ok and result.signature_valid and result.files == 3
    assert (result.changed, result.added, result.removed) == ([], [], [])


def test_tampered_directory_reports_each_changed_added_and_removed_file(tmp_path: Path,
                                                                        keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    (tmp_path / "out").mkdir()
    sig = signing.sign_dir(d, keys[0], tmp_path / "out" / "bundle.sig")
    (d / "model.safetensors").write_bytes(os.urandom(4096))
    (d / "sub" / "extra.bin").write_bytes(b"new")
    (d / "sub" / "tokenizer.json").unlink()
    result = signing.verify_dir(d, keys[1], sig)
    assert not result.ok and result.signature_valid
    assert result.changed == ["model.safetensors"]
    assert result.added == ["sub/extra.bin"]
    assert result.removed == ["sub/tokenizer.json"]


def test_signature_inside_the_directory_is_left_out_of_what_it_signs(tmp_path: Path,
                                                                     keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    sig = signing.sign_dir(d, keys[0], d / "model.sig")
    assert signing.verify_dir(d, keys[1], sig).ok
    (d / "config.json").write_text("{}")
    assert signing.verify_dir(d, keys[1], sig).changed == ["config.json"]


def test_another_key_or_a_forged_bundle_is_not_a_valid_signature(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    sig = signing.sign_dir(d, keys[0])
    other_private, other_public = tmp_path / "other.key", tmp_path / "other.pub"
    signing.generate_key(other_private, other_public)
    wrong = signing.verify_dir(d, other_public)
    assert not wrong.ok and not wrong.signature_valid and wrong.changed == [] and wrong.message

    # Rewriting the signed file list (to hide a change) breaks the signature over it.
    bundle = json.loads(sig.read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    statement["predicate"]["resources"] = statement["predicate"]["resources"][:1]
    bundle["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    sig.write_text(json.dumps(bundle))
    forged = signing.verify_dir(d, keys[1])
    assert not forged.ok and not forged.signature_valid and forged.removed == []

    sig.write_text("not a bundle")
    assert not signing.verify_dir(d, keys[1]).signature_valid


def test_missing_inputs_and_unusable_keys(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    with pytest.raises(NotFound):
        signing.sign_dir(tmp_path / "nope", keys[0])
    with pytest.raises(NotFound):
        signing.sign_dir(d, tmp_path / "nokey")
    with pytest.raises(NotFound):
        signing.verify_dir(d, keys[1])  # never signed: no bundle
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    with pytest.raises(InvalidInput):
        signing.sign_dir(d, junk)
    signing.sign_dir(d, keys[0])
    with pytest.raises(InvalidInput):
        signing.verify_dir(d, junk)


def test_symlinks_are_refused_at_signing(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    d = _model(tmp_path)
    (d / "link").symlink_to("/etc/hostname")
    with pytest.raises(InvalidInput, match="cannot sign"):
        signing.sign_dir(d, keys[0])


def test_a_hugging_face_snapshot_is_signed_through_its_blob_links_and_a_changed_blob_is_reported(
        tmp_path: Path, keys: tuple[Path, Path]) -> None:
    from tests.lineage.test_artifacts import hub_cache

    snapshot, contents = hub_cache(tmp_path)
    sig = signing.sign_dir(snapshot, keys[0], tmp_path / "snapshot.sig")
    result = signing.verify_dir(snapshot, keys[1], sig)
    assert result.ok and result.files == len(contents)
    # the blob behind a snapshot name changes: verify names the snapshot file
    blob = Path(os.path.realpath(snapshot / "config.json"))
    blob.write_bytes(b'{"model_type": "backdoored"}')
    result = signing.verify_dir(snapshot, keys[1], sig)
    assert not result.ok and result.signature_valid and result.changed == ["config.json"]
    # a link that leaves the cache is refused by name, as at import
    (snapshot / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(InvalidInput, match="passwd"):
        signing.sign_dir(snapshot, keys[0], tmp_path / "again.sig")
