"""Format handlers and content sniffing.

Why sniff instead of trusting extensions: files arrive renamed; the handler is chosen from the
first bytes and a mismatching extension becomes a warning, not a crash or a corrupted write.
"""

from __future__ import annotations

from pathlib import Path

from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found
from aisgf.labeling.formats.docx import DocxHandler
from aisgf.labeling.formats.jpeg import JpegHandler
from aisgf.labeling.formats.mp3 import Mp3Handler
from aisgf.labeling.formats.mp4 import Mp4Handler
from aisgf.labeling.formats.pdf import PdfHandler
from aisgf.labeling.formats.png import PngHandler
from aisgf.labeling.formats.sidecar import SUFFIX as SIDECAR_SUFFIX
from aisgf.labeling.formats.sidecar import SidecarHandler, sidecar_path
from aisgf.labeling.formats.text import TextHandler
from aisgf.labeling.formats.vorbis import FlacHandler, OggHandler
from aisgf.labeling.formats.wav import WavHandler
from aisgf.labeling.formats.webp import WebpHandler

HANDLERS: dict[str, FormatHandler] = {
    h.name: h
    for h in (
        PngHandler(),
        JpegHandler(),
        WebpHandler(),
        Mp3Handler(),
        WavHandler(),
        Mp4Handler(),
        FlacHandler(),
        OggHandler(),
        PdfHandler(),
        DocxHandler(),
        TextHandler(),
    )
}
SIDECAR = SidecarHandler()

__all__ = [
    "HANDLERS",
    "SIDECAR",
    "SIDECAR_SUFFIX",
    "ContentHash",
    "FormatHandler",
    "Found",
    "by_extension",
    "sidecar_path",
    "sniff",
]


def sniff(path: Path) -> FormatHandler | None:
    """The handler for the file's actual content, or None if aisgf has no container for it."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return HANDLERS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return HANDLERS["jpeg"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return HANDLERS["webp"]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return HANDLERS["wav"]
    if head[4:8] == b"ftyp":
        return HANDLERS["mp4"]
    if head.startswith(b"fLaC"):
        return HANDLERS["flac"]
    if head.startswith(b"OggS"):
        return HANDLERS["ogg"]
    if head.startswith(b"%PDF-"):
        return HANDLERS["pdf"]
    if head.startswith(b"PK\x03\x04") and (
        path.suffix.lower() in DocxHandler.extensions or b"[Content_Types].xml" in _zip_names(path)
    ):
        return HANDLERS["docx"]
    if head.startswith(b"ID3"):
        # FLAC files sometimes carry a leading ID3 tag too.
        from aisgf.labeling.formats.mp3 import id3v2_size

        with path.open("rb") as f:
            f.seek(id3v2_size(head) if len(head) >= 10 else 0)
            after = f.read(4)
        return HANDLERS["flac"] if after == b"fLaC" else HANDLERS["mp3"]
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and path.suffix.lower() == ".mp3":
        return HANDLERS["mp3"]
    if path.suffix.lower() in TextHandler.extensions and b"\x00" not in head:
        return HANDLERS["text"]
    return None


def _zip_names(path: Path) -> bytes:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.namelist()).encode()
    except (zipfile.BadZipFile, OSError):
        return b""


def by_extension(path: Path) -> FormatHandler | None:
    ext = path.suffix.lower()
    return next((h for h in HANDLERS.values() if ext in h.extensions), None)
