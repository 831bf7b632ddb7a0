"""Implicit labels in every format: written by aisgf, read back by aisgf AND an independent tool."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image

from aisgf.errors import InvalidInput
from aisgf.labeling import implicit
from aisgf.labeling.formats.png import chunks, make_chunk
from aisgf.labeling.formats.text import split_front_matter

from .conftest import EXIFTOOL, exiftool_labels, ffprobe_tags, needs_exiftool, needs_ffmpeg

BINARY_FORMATS = ["png", "jpg", "webp", "wav", "mp3", "m4a", "mp4", "flac", "ogg", "opus", "pdf", "docx"]
EXPECTED_LOCATIONS = {
    "png": {"png:XMP:TC260:AIGC", "png:tEXt:AIGC"},
    "jpg": {"jpeg:XMP:TC260:AIGC"},
    "webp": {"webp:XMP:TC260:AIGC"},
    "wav": {"wav:LIST/INFO:AIGC", "wav:ID3:TXXX:AIGC"},
    "mp3": {"mp3:ID3:TXXX:AIGC"},
    "m4a": {"mp4:ilst:----:com.apple.iTunes:AIGC"},
    "mp4": {"mp4:ilst:----:com.apple.iTunes:AIGC"},
    "flac": {"flac:VorbisComment:AIGC"},
    "ogg": {"ogg:VorbisComment:AIGC"},
    "opus": {"ogg:VorbisComment:AIGC"},
    "pdf": {"pdf:Info:/AIGC", "pdf:XMP:TC260:AIGC"},
    "docx": {"docx:custom:AIGC"},
}


@needs_exiftool
@pytest.mark.parametrize("kind", BINARY_FORMATS)
def test_roundtrip_aisgf_and_exiftool(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    lbl = implicit.embed(f, "001191440300708461136T1XGW3", f"gen-{kind}")
    r = implicit.detect(f)
    assert r.status == "labeled", r.as_dict()
    assert r.label == lbl
    assert {c.location for c in r.copies} == EXPECTED_LOCATIONS[kind]
    expected = json.loads(lbl.to_value())
    seen = exiftool_labels(f)
    assert seen and all(v == expected for v in seen), seen
    if kind == "wav":  # the LIST/INFO copy is an "unknown" RIFF tag to exiftool: read it explicitly
        out = subprocess.run(
            [EXIFTOOL, "-u", "-b", "-RIFF:Unknown_AIGC", str(f)], capture_output=True, check=True
        ).stdout
        assert json.loads(out.rstrip(b"\x00")) == expected


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["wav", "mp3", "m4a", "mp4", "flac", "ogg", "opus"])
def test_ffprobe_reads_audio_video_labels(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    lbl = implicit.embed(f, "001TEST", "id-1")
    tags = {k.upper(): v for k, v in ffprobe_tags(f).items()}
    assert json.loads(tags["AIGC"]) == json.loads(lbl.to_value())


@pytest.mark.parametrize("kind", ["md", "txt"])
def test_front_matter_read_by_yaml_parser(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    original_body = f.read_text(encoding="utf-8")
    lbl = implicit.embed(f, "001TEST", "doc-1")
    text = f.read_text(encoding="utf-8")
    _, fm, body = split_front_matter(text)
    assert body == original_body
    assert yaml.safe_load(fm or "")["AIGC"] == lbl.fields()
    assert implicit.detect(f).label == lbl


def test_front_matter_keeps_other_keys(tmp_path: Path) -> None:
    f = tmp_path / "post.md"
    f.write_text(
        "---\ntitle: 你好  # comment\nAIGC:\n  Label: AIGC\ntags: [a]\n---\nbody\n", encoding="utf-8"
    )
    implicit.embed(f, "001TEST", "doc-2")
    text = f.read_text(encoding="utf-8")
    assert "title: 你好  # comment" in text and "tags: [a]" in text and text.endswith("---\nbody\n")
    fm = yaml.safe_load(split_front_matter(text)[1] or "")
    assert fm["AIGC"]["Label"] == "1" and fm["title"] == "你好"


@pytest.mark.parametrize("kind", [*BINARY_FORMATS, "md"])
def test_relabel_replaces_and_propagate_keeps_producer(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    implicit.embed(f, "001OLD", "first")
    implicit.embed(f, "001NEW", "second", label="2")
    r = implicit.detect(f)
    assert r.status == "labeled"
    assert len({c.location for c in r.copies}) == len(r.copies)  # one copy per container, no append
    assert r.label is not None and (r.label.ContentProducer, r.label.ProduceID, r.label.Label) == (
        "001NEW",
        "second",
        "2",
    )
    implicit.propagate(f, "002PLATFORM", "share-7")
    r = implicit.detect(f)
    assert r.label is not None
    assert (r.label.ContentProducer, r.label.ProduceID) == ("001NEW", "second")
    assert (r.label.ContentPropagator, r.label.PropagateID) == ("002PLATFORM", "share-7")
    assert r.status == "labeled"


def _pixels(p: Path) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(p) as im:
        return im.mode, im.size, im.tobytes()


@pytest.mark.parametrize("kind", ["png", "jpg", "webp"])
def test_implicit_label_never_reencodes(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    before = _pixels(f)
    implicit.embed(f, "001TEST", "px")
    assert _pixels(f) == before


def test_wav_samples_identical(copy_of) -> None:  # type: ignore[no-untyped-def]
    import wave

    f = copy_of("wav")
    with wave.open(str(f)) as w:
        before = w.readframes(w.getnframes())
    implicit.embed(f, "001TEST", "pcm")
    with wave.open(str(f)) as w:
        assert w.readframes(w.getnframes()) == before


def test_differing_copies_are_an_error(copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("png")
    implicit.embed(f, "001TEST", "a")
    parts = chunks(f.read_bytes(), str(f))
    other = (
        b'{"AIGC":{"Label":"1","ContentProducer":"001EVIL","ProduceID":"b","ReservedCode1":"",'
        b'"ContentPropagator":"001EVIL","PropagateID":"b","ReservedCode2":""}}'
    )
    parts.insert(1, (b"tEXt", b"AIGC\x00" + other))
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(make_chunk(t, b) for t, b in parts))
    r = implicit.detect(f)
    assert r.status == "invalid"
    codes = {p.code for p in r.problems}
    assert "conflicting-labels" in codes and "duplicate-label" in codes
    implicit.embed(f, "001TEST", "fixed")  # re-labeling repairs it: every old copy is replaced
    assert implicit.detect(f).status == "labeled"


def test_unsupported_format_offers_sidecar(tmp_path: Path) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(os.urandom(256))
    with pytest.raises(implicit.UnsupportedFormat, match="sidecar"):
        implicit.embed(f, "001TEST", "x")
    assert implicit.detect(f).status == "unsupported"
    lbl = implicit.embed(f, "001TEST", "x", sidecar=True)
    side = tmp_path / "model.bin.aigc.json"
    assert json.loads(side.read_text()) == json.loads(lbl.to_value())
    r = implicit.detect(f)
    assert r.status == "labeled" and r.format == "sidecar"
    if EXIFTOOL:
        from .conftest import exiftool_json

        tags = exiftool_json(side)
        assert tags["JSON:AIGCContentProducer"] == "001TEST"
        assert str(tags["JSON:AIGCLabel"]) == "1"


def test_wrong_extension_is_sniffed(copy_of) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("png", "really-a-png.jpg")
    implicit.embed(f, "001TEST", "x")
    r = implicit.detect(f)
    assert r.format == "png" and r.status == "labeled"
    assert any(p.code == "extension-mismatch" for p in r.problems)


@pytest.mark.parametrize("kind", ["png", "jpg", "webp", "wav", "mp3", "flac", "pdf", "docx", "mp4"])
def test_truncated_files_give_clear_errors_and_stay_intact(kind: str, copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    data = f.read_bytes()
    cut = data[: max(40, len(data) // 3)] if kind != "mp4" else data[: len(data) - 500]
    f.write_bytes(cut)
    r = implicit.detect(f)
    if r.status != "unreadable":
        # Some containers (MP3 frames, FLAC frames) are readable when cut; embed must still behave.
        assert r.status in ("unlabeled", "unreadable")
    try:
        implicit.embed(f, "001TEST", "x", key=None)
    except InvalidInput as exc:
        assert str(f) in str(exc)
        assert f.read_bytes() == cut  # never half-written
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".aisgf-tmp")]


def test_garbage_with_media_extension(tmp_path: Path) -> None:
    f = tmp_path / "x.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\xff" * 30)
    r = implicit.detect(f)
    assert r.status == "unreadable" and "truncated" in r.problems[0].message
    with pytest.raises(InvalidInput, match=r"x\.png"):
        implicit.embed(f, "001TEST", "x")


@needs_exiftool
@pytest.mark.parametrize("kind", ["jpg", "webp"])
def test_relabel_removes_stale_exif_user_comment(kind: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    """A label another tool wrote into EXIF UserComment (and JPEG COM) is not left behind."""
    from aisgf.labeling.label import AigcLabel

    from .conftest import exiftool_json

    f = copy_of(kind)
    stale = AigcLabel.first_write("001STALE", "old").to_value()
    args = [f"-EXIF:UserComment={stale}", "-EXIF:Artist=someone"]
    if kind == "jpg":
        args.append(f"-File:Comment={stale}")
    assert EXIFTOOL
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *args, str(f)], check=True)
    fmt = "jpeg" if kind == "jpg" else "webp"
    r = implicit.detect(f)
    assert {c.location for c in r.copies} == {f"{fmt}:EXIF:UserComment"} | ({"jpeg:COM"} if kind == "jpg" else set())
    assert r.label is not None and r.label.ContentProducer == "001STALE"
    before = _pixels(f)
    lbl = implicit.embed(f, "001NEW", "new")
    r = implicit.detect(f)
    assert r.status == "labeled" and {c.location for c in r.copies} == {f"{fmt}:XMP:TC260:AIGC"}
    tags = exiftool_json(f)
    assert not tags.get("ExifIFD:UserComment") and tags["IFD0:Artist"] == "someone"  # other EXIF kept
    assert "File:Comment" not in tags
    assert exiftool_labels(f) == [json.loads(lbl.to_value())]  # the independent reader sees one label
    assert _pixels(f) == before


@pytest.mark.parametrize("order", ["<", ">"])
def test_exif_blanking_is_in_place_and_only_for_labels(order: str) -> None:
    """Both byte orders; an ordinary UserComment is kept; a label's bytes become NULs, offsets unchanged."""
    import struct

    from aisgf.labeling.formats import exif
    from aisgf.labeling.label import AigcLabel

    def block(comment: bytes) -> bytes:
        head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
        ifd0 = struct.pack(order + "H", 1) + struct.pack(order + "HHII", 0x8769, 4, 1, 26) + b"\x00" * 4
        value = b"ASCII\x00\x00\x00" + comment
        exif_ifd = struct.pack(order + "H", 1) + struct.pack(order + "HHII", 0x9286, 7, len(value), 44)
        return b"Exif\x00\x00" + head + ifd0 + exif_ifd + b"\x00" * 4 + value

    plain = block(b"holiday photo")
    assert exif.read_label(plain) is None and exif.blank_label(plain) == plain
    label = AigcLabel.first_write("001OLD", "x").to_value()
    tagged = block(label.encode())
    assert exif.read_label(tagged) == label
    blanked = exif.blank_label(tagged)
    assert len(blanked) == len(tagged) and blanked[:-len(label) - 8] == tagged[:-len(label) - 8]
    assert exif.read_label(blanked) is None
