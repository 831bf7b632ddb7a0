"""PNG: XMP in an iTXt ``XML:com.adobe.xmp`` chunk and a tEXt ``AIGC`` chunk, written chunk by chunk.

Content hash (scheme ``png-chunks-v1``): SHA-256 over type+data of every chunk except the
textual/metadata ones (tEXt, zTXt, iTXt, eXIf, tIME, caBX), in file order. Pixels, palette,
gamma and colour profile are covered; metadata edits by any tool leave it unchanged, while any
change to the image data (IDAT) changes it. No pixel is decoded or re-encoded.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling import xmp
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex, truncated

SIGNATURE = b"\x89PNG\r\n\x1a\n"
METADATA_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"caBX"}
XMP_KEYWORD = b"XML:com.adobe.xmp"
MAX_TEXT = 8 * 1024 * 1024


def chunk_spans(data: bytes, where: str) -> list[tuple[bytes, int, int]]:
    """(type, start, end) of every chunk, `end` past its CRC: lets a writer copy chunks verbatim."""
    if not data.startswith(SIGNATURE):
        raise InvalidInput("not a PNG file (bad signature)", where=where)
    out: list[tuple[bytes, int, int]] = []
    pos = len(SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise truncated(where, f"PNG chunk header at byte {pos}")
        length, ctype = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            raise truncated(where, f"PNG chunk {ctype!r} at byte {pos} runs past the end of the file")
        out.append((ctype, pos, end))
        pos = end
        if ctype == b"IEND":
            break
    if not out or out[0][0] != b"IHDR" or out[-1][0] != b"IEND":
        raise truncated(where, "PNG has no IHDR or IEND chunk")
    return out


def chunks(data: bytes, where: str) -> list[tuple[bytes, bytes]]:
    return [(ctype, data[start + 8 : end - 4]) for ctype, start, end in chunk_spans(data, where)]


def make_chunk(ctype: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I4s", len(body), ctype)
        + body
        + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)
    )


def _inflate(blob: bytes, where: str) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(blob, MAX_TEXT)
    except zlib.error as exc:
        raise InvalidInput(f"compressed PNG text chunk is corrupt: {exc}", where=where) from exc
    if d.unconsumed_tail:
        raise InvalidInput(f"compressed PNG text chunk inflates past {MAX_TEXT} bytes", where=where)
    return out


def text_chunk(ctype: bytes, body: bytes, where: str) -> tuple[bytes, str]:
    """Decode a tEXt/zTXt/iTXt chunk into (keyword, text)."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep:
        raise InvalidInput(f"PNG {ctype.decode()} chunk has no keyword separator", where=where)
    if ctype == b"tEXt":
        return keyword, rest.decode("latin-1")
    if ctype == b"zTXt":
        return keyword, _inflate(rest[1:], where).decode("latin-1")
    if len(rest) < 2:
        raise InvalidInput("PNG iTXt chunk is too short", where=where)
    compressed, rest = rest[0], rest[2:]
    _lang, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        text = _inflate(text, where)
    return keyword, text.decode("utf-8", errors="replace")


class PngHandler(FormatHandler):
    name = "png"
    extensions = (".png",)
    media = "image"
    hash_scheme = "png-chunks-v1"
    hash_doc = __doc__ or ""
    locations = ("png:XMP:TC260:AIGC", "png:tEXt:AIGC")

    def read(self, path: Path) -> list[Found]:
        where = str(path)
        found: list[Found] = []
        for ctype, body in chunks(read_bytes(path), where):
            if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
                continue
            keyword, text = text_chunk(ctype, body, where)
            if keyword == XMP_KEYWORD:
                for qname, val in xmp.read_values(text.encode("utf-8"), where=where):
                    found.append(Found(f"png:XMP:{xmp.short_name(qname)}", val))
            elif b"AIGC" in keyword.upper():
                found.append(Found(f"png:{ctype.decode()}:{keyword.decode('latin-1')}", text))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        where = str(src)
        data = read_bytes(src)
        view = memoryview(data)
        existing_xmp: bytes | None = None
        kept: list[tuple[int, int]] = []
        for ctype, start, end in chunk_spans(data, where):
            if ctype in (b"tEXt", b"zTXt", b"iTXt"):
                keyword, text = text_chunk(ctype, data[start + 8 : end - 4], where)
                if keyword == XMP_KEYWORD:
                    if existing_xmp is None:
                        existing_xmp = text.encode("utf-8")
                    continue
                if b"AIGC" in keyword.upper():
                    continue
            kept.append((start, end))
        packet = xmp.build_packet(value, existing_xmp, where=where)
        new = [
            (b"iTXt", XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + packet),
            (
                b"tEXt" if value.isascii() else b"iTXt",
                b"AIGC\x00" + value.encode("latin-1")
                if value.isascii()
                else b"AIGC\x00\x00\x00\x00\x00" + value.encode("utf-8"),
            ),
        ]
        # Image chunks are copied byte for byte (CRC included): nothing is re-encoded or recomputed.
        with open(dst, "wb") as out:
            out.write(SIGNATURE)
            out.write(view[kept[0][0] : kept[0][1]])
            for t, b in new:
                out.write(make_chunk(t, b))
            for start, end in kept[1:]:
                out.write(view[start:end])

    def content_hash(self, path: Path) -> ContentHash:
        parts = chunks(read_bytes(path), str(path))
        return ContentHash(
            self.hash_scheme,
            sha256_hex(*(t + struct.pack(">I", len(b)) + b for t, b in parts if t not in METADATA_CHUNKS)),
        )
