"""ReservedCode1/2 integrity codes: intact after foreign metadata edits, broken by content edits/copies."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from aisgf.labeling import implicit, integrity
from aisgf.labeling.formats import sniff
from aisgf.labeling.formats.png import chunks, make_chunk

from .conftest import EXIFTOOL, needs_exiftool, needs_ffmpeg


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("keys")
    integrity.generate_keypair(d / "producer.pem", d / "producer.pub")
    integrity.generate_keypair(d / "platform.pem", d / "platform.pub")
    return {n: d / n for n in ("producer.pem", "producer.pub", "platform.pem", "platform.pub")}


def _pub(keys: dict[str, Path], *names: str) -> list[integrity.Ed25519PublicKey]:
    return [integrity.load_public(keys[n]) for n in names]


def _status(r: implicit.FileLabels, field: str = "ReservedCode1") -> str:
    return next(c.status for c in r.integrity if c.field == field)


@pytest.mark.parametrize(
    "kind", ["png", "jpg", "webp", "wav", "mp3", "m4a", "flac", "ogg", "pdf", "docx", "md"]
)
def test_signed_label_verifies(kind: str, copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    lbl = implicit.embed(f, "001TEST", "s1", key=integrity.load_private(keys["producer.pem"]))
    assert lbl.ReservedCode1.startswith("SD1.")
    assert all(implicit.load_profile().char_allowed(c) for c in lbl.ReservedCode1)  # Appendix E charset
    r = implicit.verify(f, _pub(keys, "producer.pub"))
    assert r.status == "labeled" and _status(r) == "valid", r.as_dict()
    r = implicit.verify(f, _pub(keys, "platform.pub"))
    assert _status(r) == "unknown-key" and r.status == "invalid"


@needs_exiftool
@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("png", ["-XMP-dc:Title=edited by exiftool", "-PNG:Comment=hello"]),
        ("jpg", ["-XMP-dc:Title=edited by exiftool", "-EXIF:Artist=someone", "-Comment=hi"]),
        ("webp", ["-XMP-dc:Title=edited by exiftool"]),
        ("pdf", ["-PDF:Title=retitled", "-XMP-dc:Creator=someone"]),
        ("m4a", ["-Title=retitled"]),
    ],
)
def test_foreign_metadata_edit_keeps_label_intact(kind: str, args: list[str], copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of(kind)
    implicit.embed(f, "001TEST", "s2", key=integrity.load_private(keys["producer.pem"]))
    assert EXIFTOOL
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *args, str(f)], check=True)
    r = implicit.verify(f, _pub(keys, "producer.pub"))
    assert r.status == "labeled" and _status(r) == "valid", r.as_dict()


def _replace_png_pixels(f: Path) -> None:
    """Change one pixel but keep every metadata chunk (what an image editor that preserves XMP does)."""
    with Image.open(f) as im:
        im.load()
        edited = im.copy()
    edited.putpixel((5, 5), (255, 255, 255))
    buf = io.BytesIO()
    edited.save(buf, format="PNG")
    new_idat = [b for t, b in chunks(buf.getvalue(), "mem") if t == b"IDAT"]
    parts = [(t, b) for t, b in chunks(f.read_bytes(), str(f)) if t != b"IDAT"]
    parts[-1:-1] = [(b"IDAT", b) for b in new_idat]
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(make_chunk(t, b) for t, b in parts))


def test_pixel_change_breaks_label(copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("png")
    implicit.embed(f, "001TEST", "s3", key=integrity.load_private(keys["producer.pem"]))
    _replace_png_pixels(f)
    r = implicit.verify(f, _pub(keys, "producer.pub"))
    assert implicit.detect(f).status == "labeled"  # the label itself still reads fine...
    assert _status(r) == "content-changed" and r.status == "invalid"  # ...but it no longer binds


@needs_exiftool
def test_label_copied_to_another_image_by_exiftool_breaks(copy_of, keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = copy_of("jpg", "a.jpg")
    implicit.embed(src, "001TEST", "s4", key=integrity.load_private(keys["producer.pem"]))
    other = tmp_path / "b.jpg"
    Image.new("RGB", (96, 64), (10, 200, 10)).save(other)
    assert EXIFTOOL
    # exiftool copies the whole XMP block (TC260:AIGC included) to a different picture.
    subprocess.run(
        [EXIFTOOL, "-q", "-overwrite_original", "-tagsFromFile", str(src), "-xmp", str(other)], check=True
    )
    stolen = implicit.detect(other)
    assert stolen.label is not None and stolen.label.ReservedCode1 == implicit.detect(src).label.ReservedCode1
    r = implicit.verify(other, _pub(keys, "producer.pub"))
    assert _status(r) == "content-changed" and r.status == "invalid"


def test_label_copied_across_formats_is_wrong_scheme(copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    png = copy_of("png")
    lbl = implicit.embed(png, "001TEST", "s5", key=integrity.load_private(keys["producer.pem"]))
    jpg = copy_of("jpg")
    handler = sniff(jpg)
    assert handler is not None
    tmp = jpg.with_suffix(".tmp")
    handler.write(jpg, tmp, lbl.to_value())
    tmp.replace(jpg)
    assert _status(implicit.verify(jpg, _pub(keys, "producer.pub"))) == "wrong-scheme"


def test_edited_label_field_breaks_signature(copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("mp3")
    lbl = implicit.embed(f, "001TEST", "s6", key=integrity.load_private(keys["producer.pem"]))
    forged = lbl.with_fields(ContentProducer="001OTHER", ContentPropagator="001OTHER")
    handler = sniff(f)
    assert handler is not None
    tmp = f.with_suffix(".tmp")
    handler.write(f, tmp, forged.to_value())
    tmp.replace(f)
    assert _status(implicit.verify(f, _pub(keys, "producer.pub"))) == "signature-invalid"


def test_propagation_signs_reserved_code2(copy_of, keys) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("flac")
    implicit.embed(f, "001TEST", "s7", key=integrity.load_private(keys["producer.pem"]))
    implicit.propagate(f, "002PLAT", "share-1", key=integrity.load_private(keys["platform.pem"]))
    r = implicit.verify(f, _pub(keys, "producer.pub", "platform.pub"))
    assert [(_status(r, "ReservedCode1")), _status(r, "ReservedCode2")] == ["valid", "valid"]
    assert r.status == "labeled"


def test_content_hash_scheme_per_format(copy_of) -> None:  # type: ignore[no-untyped-def]
    """Each handler documents what its hash covers; metadata-only writes never change it."""
    for kind in ("png", "jpg", "webp", "wav", "mp3", "mp4", "flac", "opus", "pdf", "docx", "md"):
        f = copy_of(kind)
        h = sniff(f)
        assert h is not None and h.hash_scheme and "hash" in h.hash_doc.lower()
        before = h.content_hash(f)
        implicit.embed(f, "001TEST", "h")
        implicit.embed(f, "001TEST", "h2")
        assert h.content_hash(f) == before, kind


def _mutagen_add_title(f: Path) -> None:
    """An unrelated tag written by mutagen itself (not through aisgf's handlers)."""
    import mutagen
    import mutagen.id3

    if f.suffix == ".mp3":
        tags = mutagen.id3.ID3(f)
        tags.add(mutagen.id3.TIT2(encoding=3, text=["retitled by mutagen"]))
        tags.save(f)
        return
    audio = mutagen.File(f)
    assert audio is not None and audio.tags is not None
    audio.tags["TITLE"] = "retitled by mutagen"
    audio.save()


def _ffmpeg(*args: str) -> None:
    from .conftest import FFMPEG

    assert FFMPEG
    subprocess.run([FFMPEG, "-v", "error", "-y", *args], check=True)


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["mp3", "flac", "ogg", "opus"])
def test_foreign_audio_edits_keep_label_intact(kind: str, copy_of, keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """exiftool cannot write these formats; mutagen and an ffmpeg remux (-c copy) are the other writers."""
    from .conftest import ffprobe_tags

    f = copy_of(kind)
    implicit.embed(f, "001TEST", "a1", key=integrity.load_private(keys["producer.pem"]))
    _mutagen_add_title(f)
    r = implicit.verify(f, _pub(keys, "producer.pub"))
    assert r.status == "labeled" and _status(r) == "valid", r.as_dict()
    remuxed = tmp_path / f"remuxed.{kind}"
    # ffmpeg rewrites the whole container (new ID3 tag and Xing frame, new Ogg pages and serial).
    _ffmpeg("-i", str(f), "-map_metadata", "0", "-c", "copy", "-metadata", "artist=someone", str(remuxed))
    assert {k.lower() for k in ffprobe_tags(remuxed)} >= {"artist", "aigc"}
    r = implicit.verify(remuxed, _pub(keys, "producer.pub"))
    assert r.status == "labeled" and _status(r) == "valid", r.as_dict()


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["mp3", "flac", "ogg"])
def test_changed_audio_samples_break_label(kind: str, copy_of, keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """ffmpeg re-encodes quieter samples but carries every tag over, the label included."""
    from .conftest import AUDIO_ARGS

    f = copy_of(kind)
    implicit.embed(f, "001TEST", "a2", key=integrity.load_private(keys["producer.pem"]))
    edited = tmp_path / f"quieter.{kind}"
    _ffmpeg("-i", str(f), "-map_metadata", "0", "-af", "volume=0.5", *AUDIO_ARGS[kind], str(edited))
    assert implicit.detect(edited).status == "labeled"  # the label itself survived...
    r = implicit.verify(edited, _pub(keys, "producer.pub"))
    assert _status(r) == "content-changed" and r.status == "invalid"  # ...but no longer binds
