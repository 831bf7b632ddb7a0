"""Find a CJK font and prove it has the glyphs, so a label is never drawn as tofu boxes."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from aisgf.errors import NotFound

# (path, face index): index 2 of Noto Sans CJK is the Simplified Chinese face.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
PROBE = "人工智能生成"


def _renders_cjk(path: str, index: int) -> bool:
    """True if the font draws real glyphs for CJK (not the .notdef box used for missing ones)."""
    try:
        font = ImageFont.truetype(path, 32, index=index)
    except OSError:
        return False

    def bitmap(ch: str) -> bytes:
        mask = font.getmask(ch)
        return bytes(mask.size) + bytes(mask)

    notdef = bitmap("\U000f0000")  # a private-use code point: always .notdef
    return all(bitmap(ch) != notdef for ch in PROBE)


@lru_cache(maxsize=1)
def find_cjk_font() -> tuple[str, int]:
    """(font path, face index). ``AISGF_CJK_FONT=path[:index]`` overrides the search."""
    env = os.environ.get("AISGF_CJK_FONT")
    tried: list[str] = []
    candidates: list[tuple[str, int]] = []
    if env:
        path, _, idx = env.rpartition(":") if env.rsplit(":", 1)[-1].isdigit() else (env, "", "0")
        candidates.append((path, int(idx or 0)))
    candidates.extend(CANDIDATES)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", "sans-serif:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        if ":" in out:
            p, _, i = out.rpartition(":")
            candidates.append((p, int(i) if i.isdigit() else 0))
    for path, index in candidates:
        tried.append(path)
        if Path(path).is_file() and _renders_cjk(path, index):
            return path, index
    raise NotFound(
        "no font that renders Chinese was found (tried: " + ", ".join(tried) + "); install "
        "fonts-noto-cjk or fonts-wqy-zenhei, or set AISGF_CJK_FONT=/path/font.ttc:index"
    )


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    path, index = find_cjk_font()
    return ImageFont.truetype(path, size, index=index)
