"""WebP: XMP (TC260:AIGC) in the ``XMP `` chunk of an extended (VP8X) file; no re-encoding.

Content hash (scheme ``webp-chunks-v1``): SHA-256 over id+data of every RIFF chunk except
``VP8X`` (its flags change when metadata is added), ``EXIF``, ``XMP `` and ``C2PA`` (a C2PA
manifest store, added after the label). The bitstream (VP8/VP8L/ALPH/ANIM/ANMF) and the ICC
profile are covered.
EXIF: aisgf writes XMP only; an AIGC label left in EXIF UserComment by another tool is blanked
in place on re-labeling (see ``formats.exif``), so the file keeps one label.
"""

from __future__ import annotations

import struct
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling import xmp
from aisgf.labeling.formats import exif, riff
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex

XMP_FLAG = 0x04
ALPHA_FLAG = 0x10
EXCLUDED = {b"VP8X", b"EXIF", b"XMP ", b"C2PA"}


def _canvas(chunks: list[tuple[bytes, bytes]], where: str) -> tuple[int, int, bool]:
    """Canvas size and alpha of a simple (VP8/VP8L) WebP, read from the bitstream header.

    Why not Pillow: opening the image there checks its decompression-bomb limit and can refuse a
    huge canvas; adding metadata never decodes pixels, so the header is all that is needed.
    """
    for cid, body in chunks:
        if cid == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
            w, h = struct.unpack("<HH", body[6:10])
            return w & 0x3FFF, h & 0x3FFF, False
        if cid == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
            bits = int.from_bytes(body[1:5], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool((bits >> 28) & 1)
    raise InvalidInput("WebP has no readable VP8/VP8L bitstream header", where=where)


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
                comment = exif.read_label(body)
                if comment:
                    found.append(Found("webp:EXIF:UserComment", comment))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        where = str(src)
        data = read_bytes(src)
        chunks = riff.parse(data, b"WEBP", where)
        existing = next((b for c, b in chunks if c == b"XMP "), None)
        kept = [(c, exif.blank_label(b) if c == b"EXIF" else b) for c, b in chunks if c != b"XMP "]
        if kept and kept[0][0] == b"VP8X":
            flags = kept[0][1][0] | XMP_FLAG
            kept[0] = (b"VP8X", bytes((flags,)) + kept[0][1][1:])
        else:
            w, h, alpha = _canvas(chunks, where)
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
