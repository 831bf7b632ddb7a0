"""JSON sidecar ``<file>.aigc.json``: the fallback for formats without a metadata container.

The sidecar holds exactly the Appendix E value (exiftool reads it as ``JSON:AIGCLabel`` etc.).
Content hash (scheme ``file-bytes-v1``): SHA-256 of the whole labeled file, since the label
lives outside it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, hash_stream

SUFFIX = ".aigc.json"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


class SidecarHandler(FormatHandler):
    name = "sidecar"
    media = "other"
    hash_scheme = "file-bytes-v1"
    hash_doc = __doc__ or ""
    locations = ("sidecar:" + SUFFIX,)

    def read(self, path: Path) -> list[Found]:
        side = sidecar_path(path)
        if not side.exists():
            return []
        return [Found(f"sidecar:{side.name}", side.read_text(encoding="utf-8", errors="replace"))]

    def write(self, src: Path, dst: Path, value: str) -> None:
        dst.write_text(value + "\n", encoding="utf-8")

    def content_hash(self, path: Path) -> ContentHash:
        with path.open("rb") as f:
            h = hash_stream(f, path.stat().st_size, hashlib.sha256())
        return ContentHash(self.hash_scheme, h.hexdigest())
