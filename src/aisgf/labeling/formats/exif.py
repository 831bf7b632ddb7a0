"""EXIF UserComment: find an AIGC label another tool left there, and blank it in place.

Why in place: aisgf writes the label to XMP only, but exiftool users and some generators put the
Appendix E JSON into EXIF UserComment, where `detect` finds it. Re-labeling must leave one label
per file, so a stale copy has to go. Rewriting the TIFF structure (as Pillow's ``Exif.tobytes``
does) would move every offset and can break maker notes and thumbnails; overwriting only the
value bytes with NULs keeps every offset and every other tag byte-identical. An all-NUL
UserComment reads as empty in exiftool and Pillow.
"""

from __future__ import annotations

import struct

EXIF_HEADER = b"Exif\x00\x00"
EXIF_IFD_POINTER = 0x8769
USER_COMMENT = 0x9286
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


def _entries(tiff: bytes, offset: int, bo: str) -> list[tuple[int, int, int, int]]:
    """(tag, type, count, position of the value or of its offset field) for one IFD."""
    if offset + 2 > len(tiff):
        return []
    (n,) = struct.unpack(bo + "H", tiff[offset : offset + 2])
    out = []
    for i in range(min(n, 4096)):
        pos = offset + 2 + 12 * i
        if pos + 12 > len(tiff):
            break
        tag, typ, count = struct.unpack(bo + "HHI", tiff[pos : pos + 8])
        out.append((tag, typ, count, pos + 8))
    return out


def user_comment_span(tiff: bytes) -> tuple[int, int] | None:
    """(start, end) of the UserComment value inside a TIFF/EXIF block, or None if there is none."""
    if tiff.startswith(EXIF_HEADER):
        span = user_comment_span(tiff[len(EXIF_HEADER) :])
        return (span[0] + len(EXIF_HEADER), span[1] + len(EXIF_HEADER)) if span else None
    if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    bo = "<" if tiff[:2] == b"II" else ">"
    (ifd0,) = struct.unpack(bo + "I", tiff[4:8])
    exif_ifd = next(
        (
            struct.unpack(bo + "I", tiff[p : p + 4])[0]
            for tag, _t, _c, p in _entries(tiff, ifd0, bo)
            if tag == EXIF_IFD_POINTER
        ),
        None,
    )
    if exif_ifd is None:
        return None
    for tag, typ, count, p in _entries(tiff, exif_ifd, bo):
        if tag != USER_COMMENT:
            continue
        size = count * TYPE_SIZES.get(typ, 1)
        start = p if size <= 4 else struct.unpack(bo + "I", tiff[p : p + 4])[0]
        if start + size > len(tiff):
            return None
        return start, start + size
    return None


def decode_user_comment(raw: bytes) -> str:
    """The text of a UserComment value (8-byte character-code prefix, then the text)."""
    head, body = raw[:8], raw[8:]
    if head.startswith(b"UNICODE"):
        # Exif says UCS-2 in the file's byte order; guess it from where the NULs of ASCII text fall.
        codec = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
        return body.decode(codec, errors="replace").rstrip("\x00 ")
    if head.startswith((b"ASCII", b"\x00" * 8)):
        return body.decode("utf-8", errors="replace").rstrip("\x00 ")
    return raw.decode("utf-8", errors="replace").rstrip("\x00 ")


def is_label(text: str) -> bool:
    return '"Label"' in text or '"AIGC"' in text


def read_label(block: bytes) -> str | None:
    """The AIGC label in the block's UserComment, if it holds one."""
    span = user_comment_span(block)
    if span is None:
        return None
    text = decode_user_comment(block[span[0] : span[1]])
    return text if is_label(text) else None


def blank_label(block: bytes) -> bytes:
    """The block with a UserComment that holds an AIGC label overwritten by NULs; else unchanged."""
    span = user_comment_span(block)
    if span is None or not is_label(decode_user_comment(block[span[0] : span[1]])):
        return block
    return block[: span[0]] + b"\x00" * (span[1] - span[0]) + block[span[1] :]
