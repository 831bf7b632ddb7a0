"""JPEG: XMP (TC260:AIGC) in an APP1 segment, written segment by segment without re-encoding.

Content hash (scheme ``jpeg-segments-v1``): SHA-256 over every marker segment before the scan
except APP0-APP13, APP15 and COM (tables, frame header and Adobe APP14 colour transform are in),
plus all bytes from the first SOS to the end (entropy-coded data). Exif, XMP, IPTC, ICC and C2PA
edits leave it unchanged; any change to the compressed image data changes it.
EXIF: aisgf does not write EXIF UserComment (it is a user field and no source says readers look
there), but `read` reports an AIGC label found in UserComment or in a COM segment, and `write`
removes both (the COM segment is dropped, the UserComment value is blanked in place, see
``formats.exif``), so re-labeling leaves exactly one label in the file.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from aisgf.errors import InvalidInput, TooLarge
from aisgf.labeling import xmp
from aisgf.labeling.formats import exif
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex, truncated

XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_HEADER = b"Exif\x00\x00"
MAX_SEGMENT = 65533
APP14 = 0xEE


def segments(data: bytes, where: str) -> tuple[list[tuple[int, bytes]], bytes]:
    """Split into (marker, payload) segments before SOS, and the rest from SOS on."""
    if not data.startswith(b"\xff\xd8"):
        raise InvalidInput("not a JPEG file (no SOI marker)", where=where)
    pos = 2
    segs: list[tuple[int, bytes]] = []
    while True:
        while pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes
        if pos + 4 > len(data):
            raise truncated(where, f"JPEG ends inside the header at byte {pos}")
        if data[pos] != 0xFF:
            raise truncated(where, f"JPEG marker expected at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xDA:
            return segs, data[pos:]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            segs.append((marker, b""))
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise truncated(where, f"JPEG segment 0xFF{marker:02X} at byte {pos} runs past the end")
        segs.append((marker, data[pos + 4 : pos + 2 + length]))
        pos += 2 + length


def _segment(marker: int, payload: bytes, where: str) -> bytes:
    if len(payload) > MAX_SEGMENT:
        raise TooLarge(
            f"JPEG segment would be {len(payload)} bytes (limit {MAX_SEGMENT}); "
            "extended XMP is not supported",
            where=where,
        )
    if 0xD0 <= marker <= 0xD7 or marker == 0x01:
        return bytes((0xFF, marker))
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _is_label_comment(payload: bytes) -> bool:
    return b'"AIGC"' in payload or b'"Label"' in payload


class JpegHandler(FormatHandler):
    name = "jpeg"
    extensions = (".jpg", ".jpeg", ".jpe")
    media = "image"
    hash_scheme = "jpeg-segments-v1"
    hash_doc = __doc__ or ""
    locations = ("jpeg:XMP:TC260:AIGC",)

    def read(self, path: Path) -> list[Found]:
        where = str(path)
        segs, _ = segments(read_bytes(path), where)
        found: list[Found] = []
        for marker, payload in segs:
            if marker == 0xE1 and payload.startswith(XMP_HEADER):
                for qname, val in xmp.read_values(payload[len(XMP_HEADER) :], where=where):
                    found.append(Found(f"jpeg:XMP:{xmp.short_name(qname)}", val))
            elif marker == 0xE1 and payload.startswith(EXIF_HEADER) and b"AIGC" in payload:
                comment = exif.read_label(payload)
                if comment:
                    found.append(Found("jpeg:EXIF:UserComment", comment))
            elif marker == 0xFE and _is_label_comment(payload):
                found.append(Found("jpeg:COM", payload.decode("utf-8", errors="replace")))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        where = str(src)
        segs, scan = segments(read_bytes(src), where)
        existing: bytes | None = None
        kept: list[tuple[int, bytes]] = []
        for marker, payload in segs:
            if marker == 0xE1 and payload.startswith(XMP_HEADER):
                existing = existing or payload[len(XMP_HEADER) :]
                continue
            if marker == 0xFE and _is_label_comment(payload):
                continue
            if marker == 0xE1 and payload.startswith(EXIF_HEADER):
                payload = exif.blank_label(payload)
            kept.append((marker, payload))
        packet = XMP_HEADER + xmp.build_packet(value, existing, where=where)
        insert_at = 0
        while insert_at < len(kept) and (
            kept[insert_at][0] == 0xE0
            or (kept[insert_at][0] == 0xE1 and kept[insert_at][1].startswith(EXIF_HEADER))
        ):
            insert_at += 1
        kept.insert(insert_at, (0xE1, packet))
        buf = io.BytesIO()
        buf.write(b"\xff\xd8")
        for marker, payload in kept:
            buf.write(_segment(marker, payload, where))
        buf.write(scan)
        dst.write_bytes(buf.getvalue())

    def content_hash(self, path: Path) -> ContentHash:
        segs, scan = segments(read_bytes(path), str(path))
        parts = [
            bytes((m,)) + struct.pack(">I", len(p)) + p
            for m, p in segs
            if not ((0xE0 <= m <= 0xEF and m != APP14) or m == 0xFE)
        ]
        return ContentHash(self.hash_scheme, sha256_hex(*parts, scan))
