"""Write a few pictures with an explicit AIGC label to docs/labeling/, to be looked at by people.

Why: the 5 % character-height rule and the readability of the label on light, dark and busy
backgrounds are checked in tests by numbers; a person should also see them. Each sample also
carries the implicit label, and the script prints what it measured. Samples stay under 100 KB.

Run: .venv/bin/python benchmarks/labeling_samples.py [--out docs/labeling]
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

from aisgf.labeling import implicit
from aisgf.labeling.explicit.image import Corner, add_image_label

MAX_BYTES = 100 * 1024


def _vertical_gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    w, h = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    for y in range(h):
        t = y / max(1, h - 1)
        draw.line([(0, y), (w, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return im


def light_landscape() -> Image.Image:
    """A pale sky over green hills: a light background behind the label."""
    im = _vertical_gradient((960, 540), (205, 228, 250), (250, 250, 245))
    draw = ImageDraw.Draw(im)
    draw.ellipse((720, 60, 820, 160), fill=(255, 236, 160))
    for i, colour in enumerate(((160, 205, 150), (120, 180, 115), (90, 150, 90))):
        base = 330 + i * 60
        pts = [(x, base + 40 * math.sin(x / (140 + 40 * i) + i)) for x in range(0, 961, 16)]
        draw.polygon([*pts, (960, 540), (0, 540)], fill=colour)
    return im


def dark_portrait() -> Image.Image:
    """A night sky with stars and a moon: a dark background, portrait orientation."""
    im = _vertical_gradient((540, 810), (8, 12, 35), (30, 25, 60))
    draw = ImageDraw.Draw(im)
    rng = random.Random(45438)
    for _ in range(260):
        x, y, r = rng.randrange(540), rng.randrange(810), rng.choice((1, 1, 1, 2))
        v = rng.randrange(150, 256)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(v, v, min(255, v + 20)))
    draw.ellipse((330, 90, 430, 190), fill=(235, 235, 215))
    draw.rectangle((0, 700, 540, 810), fill=(5, 8, 15))
    return im


def busy_texture() -> Image.Image:
    """High-contrast stripes and blobs, the worst case for a label without a plate."""
    im = Image.new("RGB", (800, 600), (255, 255, 255))
    draw = ImageDraw.Draw(im)
    for x in range(-600, 800, 24):
        draw.line([(x, 0), (x + 600, 600)], fill=(20, 20, 20), width=9)
    rng = random.Random(2025)
    for _ in range(40):
        x, y, r = rng.randrange(800), rng.randrange(600), rng.randrange(10, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return im


def small_square() -> Image.Image:
    """A 256 x 256 mid-grey avatar: the smallest case, where 5 % is only 13 pixels."""
    im = _vertical_gradient((256, 256), (150, 150, 160), (110, 110, 120))
    ImageDraw.Draw(im).ellipse((68, 40, 188, 160), fill=(200, 170, 150))
    return im



def build(out: Path) -> list[Path]:
    samples: list[tuple[str, Image.Image, Corner, str | None]] = [
        ("light-landscape-960x540.jpg", light_landscape(), "bottom-right", None),
        ("dark-portrait-540x810.jpg", dark_portrait(), "bottom-left", None),
        ("busy-800x600.png", busy_texture(), "top-right", "AI生成 · AI-generated"),
        ("small-256x256.png", small_square(), "bottom-right", None),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, im, corner, text in samples:
        f = out / name
        params = {"quality": 82} if f.suffix == ".jpg" else {"optimize": True}
        im.save(f, **params)  # type: ignore[arg-type]
        p = add_image_label(f, corner=corner, text=text)
        implicit.embed(f, "001SAMPLE", f"sample-{f.stem}")
        size = f.stat().st_size
        if size > MAX_BYTES:
            raise SystemExit(f"{f} is {size} bytes, over {MAX_BYTES}")
        print(
            f"{f}: {im.width}x{im.height}, {corner}, character height {p.char_height}px "
            f"(minimum {p.min_char_height}px = 5% of {min(im.size)}), {size // 1024} KB"
        )
        written.append(f)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "labeling")
    build(ap.parse_args().out)


if __name__ == "__main__":
    main()
