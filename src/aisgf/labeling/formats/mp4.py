"""MP4/M4A/MOV: iTunes freeform atom ``----:com.apple.iTunes:AIGC`` (exiftool and ffprobe read it).

Content hash (scheme ``mp4-mdat-v1``): SHA-256 over the payload of every top-level ``mdat`` box,
streamed. Tag edits rewrite ``moov`` (and may shift chunk offsets) but never the media bytes.
Limit: the sample tables in ``moov`` are not covered, so re-timing samples without changing
their bytes is not detected.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, hash_stream, truncated

FREEFORM = "----:com.apple.iTunes:AIGC"


class Mp4Handler(FormatHandler):
    name = "mp4"
    extensions = (".mp4", ".m4a", ".m4v", ".mov", ".m4b")
    media = "video"
    hash_scheme = "mp4-mdat-v1"
    hash_doc = __doc__ or ""
    locations = ("mp4:ilst:----:com.apple.iTunes:AIGC",)

    def _open(self, path: Path):  # type: ignore[no-untyped-def]
        import mutagen.mp4

        try:
            return mutagen.mp4.MP4(path)
        except Exception as exc:
            raise InvalidInput(f"MP4 structure is unreadable: {exc}", where=str(path)) from exc

    def read(self, path: Path) -> list[Found]:
        audio = self._open(path)
        found: list[Found] = []
        for key, values in (audio.tags or {}).items():
            if key.startswith("----:") and "AIGC" in key.upper():
                for v in values:
                    found.append(Found(f"mp4:ilst:{key}", bytes(v).decode("utf-8", errors="replace")))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        import mutagen.mp4

        shutil.copyfile(src, dst)
        audio = self._open(dst)
        if audio.tags is None:
            audio.add_tags()
        assert audio.tags is not None
        for key in [k for k in audio.tags if k.startswith("----:") and "AIGC" in k.upper()]:
            del audio.tags[key]
        audio.tags[FREEFORM] = [
            mutagen.mp4.MP4FreeForm(value.encode("utf-8"), dataformat=mutagen.mp4.AtomDataType.UTF8)
        ]
        try:
            audio.save()
        except Exception as exc:
            raise InvalidInput(f"could not write MP4 tags: {exc}", where=str(src)) from exc

    def content_hash(self, path: Path) -> ContentHash:
        h = hashlib.sha256()
        size = path.stat().st_size
        seen = False
        with path.open("rb") as f:
            pos = 0
            while pos + 8 <= size:
                f.seek(pos)
                head = f.read(8)
                box_size, btype = struct.unpack(">I4s", head)
                header = 8
                if box_size == 1:
                    box_size = struct.unpack(">Q", f.read(8))[0]
                    header = 16
                elif box_size == 0:
                    box_size = size - pos
                if box_size < header or pos + box_size > size:
                    raise truncated(path, f"MP4 box {btype!r} at byte {pos} runs past the end")
                if btype == b"mdat":
                    seen = True
                    hash_stream(f, box_size - header, h)
                pos += box_size
        if not seen:
            raise InvalidInput("MP4 file has no mdat box (no media data)", where=str(path))
        return ContentHash(self.hash_scheme, h.hexdigest())
