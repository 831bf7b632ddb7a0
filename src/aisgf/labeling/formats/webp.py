"""WebP: XMP (TC260:AIGC) in the ``XMP `` chunk of an extended (VP8X) file; no re-encoding.

Content hash (scheme ``webp-chunks-v1``): SHA-256 over id+data of every RIFF chunk except
``VP8X`` (its flags change when metadata is added), ``EXIF`` and ``XMP ``. The bitstream
(VP8/VP8L/ALPH/ANIM/ANMF) and the ICC profile are covered.
"""

from __future__ import annotations

import struct
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling import xmp
from aisgf.labeling.formats import riff
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex
from aisgf.labeling.formats.jpeg import exif_user_comment

XMP_FLAG = 0x04
ALPHA_FLAG = 0x10
EXCLUDED = {b"VP8X", b"EXIF", b"XMP "}


def _canvas(data: bytes, where: str) -> tuple[int, int, bool]:
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.width, im.height, "A" in im.mode or "transparency" in im.info
    except Exception as exc:
        raise InvalidInput(f"WebP bitstream header is unreadable: {exc}", where=where) from exc


class WebpHandler(FormatHandler):
    name = "webp"
    extensions = (".webp",)
    media = "image"
    hash_scheme = "webp-chunks-v1"
    hash_doc = __doc__ or ""
    locations = ("webp:XMP:TC260:AIGC",)

    def read(self, path: Path) -> list[Found]:
        where = str(path)
        found: list[Found] = []
        for cid, body in riff.parse(read_bytes(path), b"WEBP", where):
            if cid == b"XMP ":
                for qname, val in xmp.read_values(body, where=where):
                    found.append(Found(f"webp:XMP:{xmp.short_name(qname)}", val))
            elif cid == b"EXIF" and b"AIGC" in body:
                comment = exif_user_comment(body)
                if comment:
                    found.append(Found("webp:EXIF:UserComment", comment))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        where = str(src)
        data = read_bytes(src)
        chunks = riff.parse(data, b"WEBP", where)
        existing = next((b for c, b in chunks if c == b"XMP "), None)
        kept = [(c, b) for c, b in chunks if c != b"XMP "]
        if kept and kept[0][0] == b"VP8X":
            flags = kept[0][1][0] | XMP_FLAG
            kept[0] = (b"VP8X", bytes((flags,)) + kept[0][1][1:])
        else:
            w, h, alpha = _canvas(data, where)
            flags = XMP_FLAG | (ALPHA_FLAG if alpha else 0)
            vp8x = struct.pack("<B3x", flags) + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
            kept.insert(0, (b"VP8X", vp8x))
        kept.append((b"XMP ", xmp.build_packet(value, existing, where=where)))
        dst.write_bytes(riff.build(b"WEBP", kept))

    def content_hash(self, path: Path) -> ContentHash:
        chunks = riff.parse(read_bytes(path), b"WEBP", str(path))
        return ContentHash(
            self.hash_scheme,
            sha256_hex(*(c + struct.pack("<I", len(b)) + b for c, b in chunks if c not in EXCLUDED)),
        )
