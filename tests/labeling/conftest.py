"""Real media files for the labeling tests, generated once per session and copied per test.

Why real files: handlers edit containers byte by byte; only files made by real encoders (Pillow,
ffmpeg, python-docx, pypdf) and read back by independent tools (exiftool, ffprobe) prove it works.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

EXIFTOOL = shutil.which("exiftool")
FFMPEG = shutil.which("ffmpeg")
FFPROBE = shutil.which("ffprobe")

needs_exiftool = pytest.mark.skipif(
    EXIFTOOL is None, reason="exiftool missing: apt-get install libimage-exiftool-perl libarchive-zip-perl"
)
needs_ffmpeg = pytest.mark.skipif(
    FFMPEG is None or FFPROBE is None, reason="ffmpeg/ffprobe missing: apt-get install ffmpeg"
)

AUDIO_ARGS = {
    "mp3": [],
    "m4a": ["-c:a", "aac"],
    "flac": [],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
}


def _gradient(w: int, h: int) -> Image.Image:
    im = Image.new("RGB", (w, h))
    im.putdata([((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256) for y in range(h) for x in range(w)])
    return im


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    out: dict[str, Path] = {}
    img = _gradient(96, 64)
    for ext, fmt in (("png", "PNG"), ("jpg", "JPEG"), ("webp", "WEBP")):
        out[ext] = d / f"src.{ext}"
        img.save(out[ext], format=fmt)
    out["wav"] = d / "src.wav"
    with wave.open(str(out["wav"]), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes((i * 37) % 256 for i in range(16000)))
    if FFMPEG:
        for ext, args in AUDIO_ARGS.items():
            out[ext] = d / f"src.{ext}"
            subprocess.run(
                [FFMPEG, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=0.5", *args, str(out[ext])],
                check=True,
            )
        out["mp4"] = d / "src.mp4"
        subprocess.run(
            [
                FFMPEG,
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=d=3:s=160x120:r=10",
                "-f",
                "lavfi",
                "-i",
                "sine=f=300:d=3",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-shortest",
                str(out["mp4"]),
            ],
            check=True,
        )
    import docx
    from pypdf import PdfWriter

    out["docx"] = d / "src.docx"
    doc = docx.Document()
    doc.add_paragraph("人工智能生成的报告正文")
    doc.save(out["docx"])
    out["pdf"] = d / "src.pdf"
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.write(out["pdf"])
    out["md"] = d / "src.md"
    out["md"].write_text("# 标题\n\nBody text.\n", encoding="utf-8")
    out["txt"] = d / "src.txt"
    out["txt"].write_text("plain body\n", encoding="utf-8")
    return out


@pytest.fixture()
def copy_of(media: dict[str, Path], tmp_path: Path):  # type: ignore[no-untyped-def]
    def _copy(kind: str, name: str | None = None) -> Path:
        if kind not in media:
            pytest.skip(f"no {kind} source (ffmpeg missing)")
        dst = tmp_path / (name or f"file.{kind}")
        shutil.copyfile(media[kind], dst)
        return dst

    return _copy


def exiftool_json(path: Path, *extra: str) -> dict[str, object]:
    assert EXIFTOOL
    res = subprocess.run(
        [EXIFTOOL, "-j", "-a", "-u", "-b", "-G1", *extra, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout)[0]


def exiftool_labels(path: Path) -> list[dict[str, object]]:
    """Every AIGC value exiftool finds, parsed as JSON (ID3's "(AIGC) " prefix removed)."""
    found = []
    for key, val in exiftool_json(path).items():
        if not isinstance(val, str):
            continue
        name = key.split(":")[-1].upper()
        if "AIGC" in name or name == "USERDEFINEDTEXT":
            text = val.removeprefix("(AIGC) ")
            if text.startswith("{"):
                found.append(json.loads(text))
    return found


def ffprobe_tags(path: Path) -> dict[str, str]:
    assert FFPROBE
    res = subprocess.run(
        [FFPROBE, "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(res.stdout)
    tags: dict[str, str] = dict(doc.get("format", {}).get("tags", {}))
    for s in doc.get("streams", []):
        tags.update(s.get("tags", {}))
    return tags
