"""Throughput of implicit labeling: files/s for embed and detect per format, against exiftool.

Why: a provider labels every output and a platform checks every upload; the target from issue 5
is >= 200 files/s for implicit embed of 1-5 MB PNG/JPEG on one core without re-encoding.
Peer: exiftool 12.57 writing the same XMP-TC260:AIGC tag (via a config file) in one batch process.

Run: .venv/bin/python benchmarks/labeling.py [--count 1000] [--peer-count 100]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import tempfile
import time
import wave
from pathlib import Path

from PIL import Image

from aisgf.labeling import implicit

EXIFTOOL_CONFIG = """%Image::ExifTool::UserDefined = ('Image::ExifTool::XMP::Main' => { TC260 => {
  SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } } });
%Image::ExifTool::UserDefined::TC260 = ( GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
  NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' }, WRITABLE => 'string', AIGC => { } );
1;
"""


def _noise_image(w: int, h: int, seed: int) -> Image.Image:
    return Image.frombytes("RGB", (w, h), os.urandom(w * h * 3) if seed >= 0 else b"")


def make_sources(d: Path) -> dict[str, Path]:
    """One source file per format; PNG ~3 MB and JPEG ~1.5 MB (noise does not compress)."""
    src: dict[str, Path] = {}
    src["png"] = d / "src.png"
    _noise_image(1024, 1024, 1).save(src["png"], compress_level=1)
    src["jpg"] = d / "src.jpg"
    _noise_image(1400, 1000, 2).save(src["jpg"], quality=90)
    src["webp"] = d / "src.webp"
    _noise_image(512, 512, 3).save(src["webp"], quality=80)
    src["wav"] = d / "src.wav"
    with wave.open(str(src["wav"]), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(os.urandom(44100 * 4 * 5))
    ff = shutil.which("ffmpeg")
    if ff:
        for ext in ("mp3", "flac", "m4a"):
            src[ext] = d / f"src.{ext}"
            subprocess.run(
                [ff, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=10", str(src[ext])], check=True
            )
    src["md"] = d / "src.md"
    src["md"].write_text("# 标题\n\n" + "正文 " * 2000, encoding="utf-8")
    buf = io.BytesIO()
    from pypdf import PdfWriter

    pw = PdfWriter()
    for _ in range(3):
        pw.add_blank_page(595, 842)
    pw.write(buf)
    src["pdf"] = d / "src.pdf"
    src["pdf"].write_bytes(buf.getvalue())
    return src


def bench_format(src: Path, work: Path, count: int) -> tuple[float, float, int]:
    work.mkdir()
    files = [work / f"f{i}{src.suffix}" for i in range(count)]
    for f in files:
        shutil.copyfile(src, f)
    t0 = time.perf_counter()
    for i, f in enumerate(files):
        implicit.embed(f, "001191440300708461136T1XGW3", f"bench-{i}")
    t1 = time.perf_counter()
    for f in files:
        assert implicit.detect(f).status == "labeled"
    t2 = time.perf_counter()
    return count / (t1 - t0), count / (t2 - t1), src.stat().st_size


def bench_exiftool(src: Path, work: Path, count: int) -> float | None:
    exe = shutil.which("exiftool")
    if not exe:
        return None
    work.mkdir()
    cfg = work / "tc260.config"
    cfg.write_text(EXIFTOOL_CONFIG)
    files = [work / f"f{i}{src.suffix}" for i in range(count)]
    for f in files:
        shutil.copyfile(src, f)
    value = (
        '{"AIGC":{"Label":"1","ContentProducer":"001X","ProduceID":"p","ReservedCode1":"",'
        '"ContentPropagator":"001X","PropagateID":"p","ReservedCode2":""}}'
    )
    t0 = time.perf_counter()
    subprocess.run(
        [exe, "-config", str(cfg), "-q", "-overwrite_original", f"-XMP-TC260:AIGC={value}", *map(str, files)],
        check=True,
    )
    return count / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=1000, help="total files across formats")
    ap.add_argument("--peer-count", type=int, default=100, help="files per format for the exiftool peer")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="aisgf-bench-") as tmp:
        d = Path(tmp)
        src = make_sources(d)
        per = max(1, args.count // len(src))
        print(f"{per} files per format, {per * len(src)} files in total; single process, one core")
        print(f"{'format':7} {'size':>10} {'embed f/s':>10} {'detect f/s':>11} {'exiftool embed f/s':>19}")
        for kind, path in src.items():
            emb, det, size = bench_format(path, d / f"w-{kind}", per)
            peer = bench_exiftool(path, d / f"x-{kind}", args.peer_count) if kind in ("png", "jpg") else None
            peer_s = f"{peer:19.1f}" if peer else f"{'-':>19}"
            print(f"{kind:7} {size / 1e6:8.2f}MB {emb:10.1f} {det:11.1f} {peer_s}")
            shutil.rmtree(d / f"w-{kind}")


if __name__ == "__main__":
    main()
