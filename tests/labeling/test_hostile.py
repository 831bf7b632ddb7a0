"""Hostile files: decompression bombs, zip bombs, oversized labels and XMP, failing writers.

Each gives a clear per-file error, a run over a directory goes on with the other files, and a
file is never left half-written.
"""

from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisgf.cli import app  # the root app: its error handler gives the exit codes
from aisgf.errors import InvalidInput, TooLarge
from aisgf.labeling import implicit, report
from aisgf.labeling.explicit import image
from aisgf.labeling.formats import HANDLERS
from aisgf.labeling.formats.png import SIGNATURE, XMP_KEYWORD, make_chunk
from aisgf.labeling.label import AigcLabel


def _png(path: Path, width: int, height: int, *extra: tuple[bytes, bytes]) -> Path:
    """A PNG whose IHDR claims `width` x `height` over a tiny (short) IDAT: nothing is decoded by aisgf."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    parts = [(b"IHDR", ihdr), *extra, (b"IDAT", zlib.compress(b"\x00" * 64)), (b"IEND", b"")]
    path.write_bytes(SIGNATURE + b"".join(make_chunk(t, b) for t, b in parts))
    return path


def bomb_png(d: Path) -> Path:
    return _png(d / "bomb.png", 100_000, 100_000)


def zip_bomb_docx(d: Path) -> Path:
    """A valid-looking DOCX whose one media part inflates from ~25 KB to 24 MiB (ratio ~1000)."""
    f = d / "bomb.docx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/huge.bin", b"\x00" * (24 * 1024 * 1024))
    return f


def huge_label_png(d: Path) -> Path:
    big = AigcLabel.first_write("001TEST", "x" * 70_000).to_value()
    return _png(d / "huge-label.png", 8, 8, (b"tEXt", b"AIGC\x00" + big.encode()))


def huge_xmp_png(d: Path) -> Path:
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b" " * (4 * 1024 * 1024 + 10) + b"</x:xmpmeta>"
    return _png(d / "huge-xmp.png", 8, 8, (b"iTXt", XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + packet))


def _no_temp_files(d: Path) -> bool:
    return not [p for p in d.rglob("*") if p.name.endswith(".aisgf-tmp")]


def test_decompression_bomb_png(tmp_path: Path) -> None:
    """Implicit labels never decode pixels, so a bomb is labeled quickly; the explicit label refuses it."""
    f = bomb_png(tmp_path)
    t0 = time.perf_counter()
    assert implicit.detect(f).status == "unlabeled"
    implicit.embed(f, "001TEST", "bomb")
    assert implicit.detect(f).status == "labeled"
    assert time.perf_counter() - t0 < 2  # nothing was inflated to 30 GB of pixels
    before = f.read_bytes()
    with pytest.raises(TooLarge, match="decompression-bomb"):
        image.add_image_label(f)
    assert f.read_bytes() == before and _no_temp_files(tmp_path)


def test_decompression_bomb_webp_gets_metadata_without_pillow(tmp_path: Path) -> None:
    """A simple WebP claiming a 16383 x 16383 canvas: the VP8X header is built from the bitstream header."""
    from PIL import Image

    small = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(small, "WEBP", lossless=True)
    data = bytearray(small.getvalue())
    pos = data.index(b"VP8L") + 8
    bits = int.from_bytes(data[pos + 1 : pos + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | 16382 | (16382 << 14)  # width-1, height-1 = 16382
    data[pos + 1 : pos + 5] = bits.to_bytes(4, "little")
    f = tmp_path / "bomb.webp"
    f.write_bytes(bytes(data))
    with pytest.raises(Image.DecompressionBombError):
        Image.open(f)
    implicit.embed(f, "001TEST", "bomb")
    assert implicit.detect(f).status == "labeled"


def test_docx_zip_bomb(tmp_path: Path) -> None:
    f = zip_bomb_docx(tmp_path)
    r = implicit.detect(f)
    assert r.status == "unreadable" and "zip bomb" in r.problems[0].message
    before = f.read_bytes()
    with pytest.raises(TooLarge, match="zip bomb"):
        implicit.embed(f, "001TEST", "x")
    assert f.read_bytes() == before and _no_temp_files(tmp_path)


def test_label_over_64_kib(tmp_path: Path) -> None:
    f = huge_label_png(tmp_path)
    r = implicit.detect(f)
    assert r.status == "invalid"
    assert any(p.code == "malformed" and "larger than 65536" in p.message for p in r.problems)
    implicit.embed(f, "001TEST", "fixed")  # re-labeling replaces the oversized copy
    r = implicit.detect(f)
    assert r.status == "labeled" and len(r.copies) == 2
    with pytest.raises(InvalidInput, match="larger than 65536"):
        implicit.embed(tmp_path / "huge-label.png", "001TEST", "y" * 70_000)


def test_xmp_over_4_mib(tmp_path: Path) -> None:
    f = huge_xmp_png(tmp_path)
    r = implicit.detect(f)
    assert r.status == "unreadable" and "limit 4194304" in r.problems[0].message
    before = f.read_bytes()
    with pytest.raises(TooLarge, match="XMP packet"):
        implicit.embed(f, "001TEST", "x")
    assert f.read_bytes() == before and _no_temp_files(tmp_path)


@pytest.mark.parametrize("error", [InvalidInput("writer failed half-way"), RuntimeError("crash")])
def test_failing_writer_leaves_file_untouched(
    error: Exception, copy_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    f = copy_of("png")
    before = f.read_bytes()

    def half_write(src: Path, dst: Path, value: str) -> None:
        dst.write_bytes(before[: len(before) // 2])  # a partial copy on disk, then the failure
        raise error

    monkeypatch.setattr(HANDLERS["png"], "write", half_write)
    with pytest.raises(type(error)):
        implicit.embed(f, "001TEST", "x")
    assert f.read_bytes() == before and _no_temp_files(tmp_path)


def test_directory_of_good_and_hostile_files(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """detect and embed go through every file; each hostile one is one row with a clear error."""
    d = tmp_path / "inbox"
    d.mkdir()
    good = copy_of("png", "inbox/good.png")
    implicit.embed(good, "001TEST", "ok")
    copy_of("jpg", "inbox/plain.jpg")
    (d / "truncated.jpg").write_bytes(copy_of("jpg", "inbox/t.jpg").read_bytes()[:200])
    (d / "t.jpg").unlink()
    bomb_png(d)
    zip_bomb_docx(d)
    huge_label_png(d)
    huge_xmp_png(d)
    (d / "model.bin").write_bytes(os.urandom(128))
    (d / "empty.mp3").write_bytes(b"")
    snapshot = {p.name: p.read_bytes() for p in d.iterdir()}

    status = {r.path.name: r.status for r in report.detect_all([d])}
    assert status == {
        "good.png": "labeled",
        "plain.jpg": "unlabeled",
        "truncated.jpg": "unreadable",
        "bomb.png": "unlabeled",
        "bomb.docx": "unreadable",
        "huge-label.png": "invalid",
        "huge-xmp.png": "unreadable",
        "model.bin": "unsupported",
        "empty.mp3": "unsupported",
    }

    runner = CliRunner()
    r = runner.invoke(app, ["label", "detect", str(d), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["summary"]["files"] == 9
    r = runner.invoke(app, ["label", "embed", *sorted(str(p) for p in d.iterdir()), "--producer", "001TEST", "--json"])
    assert r.exit_code == 8  # some files failed (EXIT_CHECK_FAILED)...
    results = {Path(x["path"]).name: x for x in json.loads(r.output)}
    assert len(results) == 9  # ...but every file was tried
    failed = {n for n, x in results.items() if not x["ok"]}
    assert failed == {"truncated.jpg", "bomb.docx", "huge-xmp.png", "model.bin", "empty.mp3"}
    for name in failed:
        assert (d / name).read_bytes() == snapshot[name], name  # never half-written
        assert name in results[name]["error"]  # the error names the file
    assert _no_temp_files(d)
