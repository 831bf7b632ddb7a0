"""Explicit image labels: visible CJK text in a corner, sized from the profile's 5 % rule.

Why a dark plate under white text: the label must be readable on light and dark pictures alike;
white on a near-opaque dark plate keeps a contrast ratio far above WCAG's 4.5:1 on any background.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw

from aisgf.errors import InvalidInput, TooLarge
from aisgf.labeling.explicit.fonts import cjk_font
from aisgf.labeling.formats.base import atomic_output
from aisgf.labeling.profile import load_profile

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
TEXT_RGB = (255, 255, 255)
PLATE_RGBA = (0, 0, 0, 224)  # 88 %: busy stripes behind the plate stayed visible at 78 %


@dataclass(frozen=True)
class Placement:
    """Where the label went and how big its characters are, for reports and tests."""

    box: tuple[int, int, int, int]
    text_box: tuple[int, int, int, int]
    char_height: int
    min_char_height: int
    font_size: int


def _cjk_ink_height(font_size: int, text: str) -> int:
    font = cjk_font(font_size)
    cjk = [c for c in text if ord(c) > 0x2E80] or list(text)
    return max(font.getbbox(c)[3] - font.getbbox(c)[1] for c in cjk)  # type: ignore[return-value]  # ints at runtime


def font_size_for(min_height: int, text: str) -> int:
    """Smallest font size whose CJK glyphs are at least `min_height` pixels tall."""
    size = max(8, min_height)
    # +2 px: anti-aliased glyph edges are faint, so the solid strokes must clear the minimum too.
    while _cjk_ink_height(size, text) < min_height + 2:
        size += 1
    return size


def render_tile(text: str, min_char_height: int) -> tuple[Image.Image, int, int]:
    """An RGBA tile: white text on a dark plate. Returns (tile, font size, measured char height)."""
    size = font_size_for(min_char_height, text)
    font = cjk_font(size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(4, size // 3)
    tile = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), PLATE_RGBA)  # type: ignore[arg-type]
    ImageDraw.Draw(tile).text((pad - left, pad - top), text, font=font, fill=(*TEXT_RGB, 255))
    return tile, size, _cjk_ink_height(size, text)


def label_image(
    img: Image.Image, text: str | None = None, corner: Corner = "bottom-right", ratio: float | None = None
) -> tuple[Image.Image, Placement]:
    """Return a labeled copy of `img` and where the label went."""
    spec = load_profile().explicit.image
    text = text or spec.default_text
    ratio = max(ratio or spec.min_char_height_ratio, spec.min_char_height_ratio)
    shorter = min(img.size)
    min_h = math.ceil(ratio * shorter)
    tile, size, char_h = render_tile(text, min_h)
    margin = max(2, shorter // 50)
    if tile.width + 2 * margin > img.width or tile.height + 2 * margin > img.height:
        raise InvalidInput(
            f"image {img.width}x{img.height} is too small for a label of {tile.width}x{tile.height}"
        )
    x = margin if corner.endswith("left") else img.width - tile.width - margin
    y = margin if corner.startswith("top") else img.height - tile.height - margin
    mode = img.mode
    base = img.convert("RGBA")
    base.alpha_composite(tile, (x, y))
    out = base if mode == "RGBA" else base.convert("RGB" if mode not in ("L", "LA") else mode)
    pad = max(4, size // 3)
    return out, Placement(
        (x, y, x + tile.width, y + tile.height),
        (x + pad, y + pad, x + tile.width - pad, y + tile.height - pad),
        char_h,
        min_h,
        size,
    )


def add_image_label(
    src: Path | str,
    dst: Path | str | None = None,
    *,
    text: str | None = None,
    corner: Corner = "bottom-right",
) -> Placement:
    """Draw the label on an image file (re-encoded: a visible label changes pixels by design)."""
    src = Path(src)
    dst = Path(dst) if dst else src
    try:
        with Image.open(src) as im:
            im.load()
            fmt = im.format or "PNG"
            info = {k: v for k, v in im.info.items() if k in ("icc_profile", "exif", "dpi")}
            labeled, placement = label_image(im, text, corner)
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"image exceeds Pillow's decompression-bomb limit: {exc}", where=str(src)) from exc
    except (OSError, SyntaxError) as exc:
        raise InvalidInput(f"image is unreadable: {exc}", where=str(src)) from exc
    params: dict[str, object] = dict(info)
    if fmt == "JPEG":
        params.update(quality=95, subsampling=0)
        labeled = labeled.convert("RGB")
    with atomic_output(dst) as tmp:
        labeled.save(tmp, format=fmt, **params)
    return placement
