"""Locate ffmpeg: the system binary, else the one shipped by the ``imageio-ffmpeg`` package."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from aisgf.errors import InvalidInput, NotFound


def ffmpeg_exe() -> str:
    exe = shutil.which("ffmpeg")
    if exe:
        return exe
    try:
        import imageio_ffmpeg  # type: ignore[import-not-found]

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:
        raise NotFound("ffmpeg not found: install Debian ffmpeg or the imageio-ffmpeg package") from exc


def run(args: list[str], where: str, timeout: float = 600) -> str:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        raise InvalidInput("ffmpeg failed: " + " | ".join(tail), where=where)
    return proc.stderr


def probe(path: Path) -> dict[str, object]:
    """Size, duration, audio presence from ``ffmpeg -i`` (no ffprobe needed)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    err = proc.stderr
    info: dict[str, object] = {"has_audio": "Audio:" in err, "has_video": "Video:" in err}
    m = re.search(r"Video:.*?(\d{2,5})x(\d{2,5})", err)
    if m:
        info["width"], info["height"] = int(m.group(1)), int(m.group(2))
    d = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", err)
    if d:
        info["duration"] = int(d.group(1)) * 3600 + int(d.group(2)) * 60 + float(d.group(3))
    a = re.search(r"Audio: .*?(\d+) Hz, (mono|stereo)", err)
    if a:
        info["sample_rate"], info["channels"] = int(a.group(1)), 1 if a.group(2) == "mono" else 2
    if not info["has_audio"] and not info["has_video"]:
        raise InvalidInput("ffmpeg finds no audio or video stream", where=str(path))
    return info
