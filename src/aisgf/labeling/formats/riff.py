"""RIFF containers (WebP, WAV): chunk parsing and rebuilding shared by both formats."""

from __future__ import annotations

import struct

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.base import truncated


def parse(data: bytes, form: bytes, where: str) -> list[tuple[bytes, bytes]]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != form:
        raise InvalidInput(f"not a RIFF/{form.decode()} file", where=where)
    (size,) = struct.unpack("<I", data[4:8])
    end = min(len(data), 8 + size)
    if 8 + size > len(data):
        raise truncated(where, f"RIFF header says {8 + size} bytes, file has {len(data)}")
    pos = 12
    out: list[tuple[bytes, bytes]] = []
    while pos + 8 <= end:
        cid, length = struct.unpack("<4sI", data[pos : pos + 8])
        if pos + 8 + length > end:
            raise truncated(where, f"RIFF chunk {cid!r} at byte {pos} runs past the end")
        out.append((cid, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length & 1)
    return out


def chunk(cid: bytes, body: bytes) -> bytes:
    return struct.pack("<4sI", cid, len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def build(form: bytes, chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = form + b"".join(chunk(c, b) for c, b in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def info_items(body: bytes) -> list[tuple[bytes, bytes]]:
    """Items of a LIST chunk body that starts with ``INFO``."""
    items: list[tuple[bytes, bytes]] = []
    pos = 4
    while pos + 8 <= len(body):
        cid, length = struct.unpack("<4sI", body[pos : pos + 8])
        items.append((cid, body[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length & 1)
    return items
