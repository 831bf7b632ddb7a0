"""WAV: a ``LIST/INFO`` item ``AIGC`` (ffprobe reads it) and an ``id3 `` chunk with TXXX:AIGC (exiftool).

Two copies of one value, because no single WAV container is read by both common tools.
Content hash (scheme ``wav-chunks-v1``): SHA-256 over the ``fmt `` and ``data`` chunks (id, size
and bytes); LIST, id3, bext and every other chunk are metadata and excluded.
"""

from __future__ import annotations

import struct
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling.formats import riff
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex


def _id3_values(path: Path) -> list[Found]:
    import mutagen.wave

    try:
        tags = mutagen.wave.WAVE(path).tags
    except Exception as exc:
        raise InvalidInput(f"WAV id3 chunk is unreadable: {exc}", where=str(path)) from exc
    if not tags:
        return []
    return [
        Found(f"wav:ID3:TXXX:{f.desc}", str(f.text[0]) if f.text else "")
        for f in tags.getall("TXXX")
        if "AIGC" in f.desc.upper()
    ]


class WavHandler(FormatHandler):
    name = "wav"
    extensions = (".wav", ".wave")
    media = "audio"
    hash_scheme = "wav-chunks-v1"
    hash_doc = __doc__ or ""
    locations = ("wav:LIST/INFO:AIGC", "wav:ID3:TXXX:AIGC")

    def read(self, path: Path) -> list[Found]:
        where = str(path)
        found: list[Found] = []
        has_id3 = False
        for cid, body in riff.parse(read_bytes(path), b"WAVE", where):
            if cid == b"LIST" and body[:4] == b"INFO":
                for iid, val in riff.info_items(body):
                    if b"AIGC" in iid.upper():
                        found.append(
                            Found(
                                f"wav:LIST/INFO:{iid.decode('latin-1')}",
                                val.rstrip(b"\x00").decode("utf-8", errors="replace"),
                            )
                        )
            elif cid in (b"id3 ", b"ID3 "):
                has_id3 = True
        if has_id3:
            found.extend(_id3_values(path))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        import mutagen.id3
        import mutagen.wave

        where = str(src)
        chunks = riff.parse(read_bytes(src), b"WAVE", where)
        if not any(c == b"data" for c, _ in chunks):
            raise InvalidInput("WAV file has no data chunk", where=where)
        item = value.encode("utf-8") + b"\x00"
        out: list[tuple[bytes, bytes]] = []
        placed = False
        for cid, body in chunks:
            if cid == b"LIST" and body[:4] == b"INFO":
                items = [(i, v) for i, v in riff.info_items(body) if b"AIGC" not in i.upper()]
                if not placed:
                    items.append((b"AIGC", item))
                    placed = True
                body = b"INFO" + b"".join(riff.chunk(i, v) for i, v in items)
            out.append((cid, body))
        if not placed:
            out.append((b"LIST", b"INFO" + riff.chunk(b"AIGC", item)))
        dst.write_bytes(riff.build(b"WAVE", out))
        try:
            audio = mutagen.wave.WAVE(dst)
            if audio.tags is None:
                audio.add_tags()
            assert audio.tags is not None
            audio.tags.delall("TXXX:AIGC")
            for frame in [f for f in audio.tags.getall("TXXX") if "AIGC" in f.desc.upper()]:
                audio.tags.delall(frame.HashKey)
            audio.tags.add(mutagen.id3.TXXX(encoding=3, desc="AIGC", text=[value]))
            audio.save()
        except Exception as exc:
            raise InvalidInput(f"could not write the WAV id3 chunk: {exc}", where=where) from exc

    def content_hash(self, path: Path) -> ContentHash:
        chunks = riff.parse(read_bytes(path), b"WAVE", str(path))
        return ContentHash(
            self.hash_scheme,
            sha256_hex(*(c + struct.pack("<I", len(b)) + b for c, b in chunks if c in (b"fmt ", b"data"))),
        )
