"""Explicit audio labels: a spoken prompt (espeak-ng, Mandarin) or the short-long-short-short rhythm.

The label clip is resampled to the content's rate and layout and concatenated before and/or after
it with ffmpeg; the output keeps the input's container (its codec is re-encoded, which a change
of the audio itself requires).
"""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Literal

from aisgf.errors import InvalidInput, NotFound
from aisgf.labeling.explicit import ffmpeg
from aisgf.labeling.formats.base import atomic_output
from aisgf.labeling.profile import load_profile

Mode = Literal["voice", "rhythm", "clip"]
Position = Literal["start", "end", "both"]


def rhythm_wav(path: Path, rate: int = 44100) -> float:
    """Write the profile's rhythm (e.g. short-long-short-short tones) as 16-bit mono WAV; return seconds."""
    spec = load_profile().explicit.audio
    frames = bytearray()
    fade = int(rate * 0.005)

    def tone(seconds: float) -> None:
        n = int(rate * seconds)
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)
            frames.extend(
                struct.pack("<h", int(0.6 * 32767 * env * math.sin(2 * math.pi * spec.tone_hz * i / rate)))
            )

    def silence(seconds: float) -> None:
        frames.extend(b"\x00\x00" * int(rate * seconds))

    for beat in spec.rhythm:
        tone(spec.short_s if beat == "short" else spec.long_s)
        silence(spec.gap_s)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return len(frames) / 2 / rate


def voice_wav(path: Path, text: str | None = None) -> None:
    """Speak the label in Mandarin with espeak-ng (voice ``cmn``)."""
    exe = shutil.which("espeak-ng")
    if not exe:
        raise NotFound("espeak-ng not found: install Debian espeak-ng, or use --mode rhythm or --clip")
    text = text or load_profile().explicit.audio.spoken_text
    proc = subprocess.run(
        [exe, "-v", "cmn", "-s", "160", "-w", str(path), text], capture_output=True, timeout=60, check=False
    )
    if proc.returncode != 0 or not path.exists():
        raise InvalidInput(f"espeak-ng failed: {proc.stderr.decode(errors='replace').strip()}")


def add_audio_label(
    src: Path | str,
    dst: Path | str | None = None,
    *,
    mode: Mode = "voice",
    position: Position = "start",
    clip: Path | None = None,
    text: str | None = None,
) -> float:
    """Prepend/append the label; returns the label clip's duration in seconds."""
    src = Path(src)
    dst = Path(dst) if dst else src
    info = ffmpeg.probe(src)
    if not info.get("has_audio"):
        raise InvalidInput("file has no audio stream", where=str(src))
    rate = int(info.get("sample_rate", 44100))  # type: ignore[call-overload]
    layout = "mono" if info.get("channels") == 1 else "stereo"
    with tempfile.TemporaryDirectory(prefix="aisgf-audio-") as tmpdir:
        label = Path(tmpdir) / "label.wav"
        if mode == "clip":
            if clip is None or not clip.is_file():
                raise NotFound("label clip not found", where=str(clip))
            label = clip
        elif mode == "voice":
            voice_wav(label, text)
        else:
            rhythm_wav(label, rate)
        seconds = float(ffmpeg.probe(label).get("duration", 0.0))  # type: ignore[arg-type]
        fmt = f"aresample={rate},aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts={layout}"
        gap = "apad=pad_dur=0.3"
        if position == "start":
            graph = f"[0:a]{fmt},{gap}[l];[1:a]{fmt}[c];[l][c]concat=n=2:v=0:a=1[out]"
        elif position == "end":
            graph = f"[0:a]{fmt}[l];[1:a]{fmt},{gap}[c];[c][l]concat=n=2:v=0:a=1[out]"
        else:
            graph = (
                f"[0:a]{fmt},asplit=2[l1][l2];[l1]{gap}[a];[1:a]{fmt},{gap}[c];"
                f"[a][c][l2]concat=n=3:v=0:a=1[out]"
            )
        with atomic_output(dst) as tmp:
            out = tmp.with_suffix(dst.suffix)
            try:
                ffmpeg.run(
                    [
                        "-i",
                        str(label),
                        "-i",
                        str(src),
                        "-filter_complex",
                        graph,
                        "-map",
                        "[out]",
                        "-map_metadata",
                        "1",
                        str(out),
                    ],
                    str(src),
                )
                out.replace(tmp)
            finally:
                out.unlink(missing_ok=True)
    return seconds
