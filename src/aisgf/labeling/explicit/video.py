"""Explicit video labels: a large label on the opening frames (>= 2 s) and a persistent corner mark.

The label tiles are rendered with Pillow (the same CJK font check as images, so no tofu even with
an ffmpeg built without libfreetype) and composited with ffmpeg's overlay filter; audio is copied.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling.explicit import ffmpeg
from aisgf.labeling.explicit.image import render_tile
from aisgf.labeling.formats.base import atomic_output
from aisgf.labeling.profile import load_profile

OPENING_RATIO = 0.10


@dataclass(frozen=True)
class VideoPlacement:
    opening_seconds: float
    opening_char_height: int
    mark_char_height: int
    width: int
    height: int


def add_video_label(
    src: Path | str,
    dst: Path | str | None = None,
    *,
    text: str | None = None,
    opening_seconds: float | None = None,
) -> VideoPlacement:
    """Label a video; the opening label lasts max(profile minimum, `opening_seconds`)."""
    src = Path(src)
    dst = Path(dst) if dst else src
    spec = load_profile().explicit
    text = text or spec.video.default_text
    seconds = max(spec.video.min_opening_seconds, opening_seconds or 0.0)
    info = ffmpeg.probe(src)
    if "width" not in info:
        raise InvalidInput("file has no video stream", where=str(src))
    w, h = int(info["width"]), int(info["height"])  # type: ignore[call-overload]
    shorter = min(w, h)
    mark_min = math.ceil(spec.image.min_char_height_ratio * shorter)
    with tempfile.TemporaryDirectory(prefix="aisgf-video-") as tmpdir:
        banner, _, banner_h = render_tile(text, math.ceil(OPENING_RATIO * shorter))
        mark, _, mark_h = render_tile(text, mark_min)
        bpath, mpath = Path(tmpdir) / "banner.png", Path(tmpdir) / "mark.png"
        banner.save(bpath)
        mark.save(mpath)
        margin = max(2, shorter // 50)
        graph = (
            f"[0:v][1:v]overlay=(W-w)/2:(H-h)/2:enable='lt(t,{seconds})'[v1];"
            f"[v1][2:v]overlay=W-w-{margin}:H-h-{margin}[v]"
        )
        codec = (
            ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]
            if dst.suffix.lower() in (".mp4", ".mov", ".m4v", ".mkv")
            else []
        )
        with atomic_output(dst) as tmp:
            out = tmp.with_suffix(dst.suffix)
            try:
                ffmpeg.run(
                    [
                        "-i",
                        str(src),
                        "-loop",
                        "1",
                        "-i",
                        str(bpath),
                        "-loop",
                        "1",
                        "-i",
                        str(mpath),
                        "-filter_complex",
                        graph,
                        "-map",
                        "[v]",
                        "-map",
                        "0:a?",
                        "-c:a",
                        "copy",
                        *codec,
                        "-shortest",
                        "-map_metadata",
                        "0",
                        str(out),
                    ],
                    str(src),
                )
                out.replace(tmp)
            finally:
                out.unlink(missing_ok=True)
    return VideoPlacement(seconds, banner_h, mark_h, w, h)
