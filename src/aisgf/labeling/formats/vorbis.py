"""FLAC, Ogg Vorbis and Opus: a Vorbis comment ``AIGC`` (exiftool and ffprobe read it), via mutagen.

Content hash:
- FLAC (scheme ``flac-frames-v1``): SHA-256 over the STREAMINFO block and every byte after the
  last metadata block (the audio frames); comments, padding, pictures are excluded.
- Ogg (scheme ``ogg-packets-v2``): SHA-256 over every logical-stream packet except packet 1
  (the comment header), ignoring page headers, which a comment edit renumbers. Streams are
  numbered by order of appearance, not by their serial number: a remux (``ffmpeg -c copy``)
  picks a new random serial without touching a sample (v1 hashed the serial and broke there).
"""

from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path
from typing import Any

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, truncated
from aisgf.labeling.formats.mp3 import id3v2_size


class _VorbisCommentHandler(FormatHandler):
    media = "audio"

    def _open(self, path: Path) -> Any:
        raise NotImplementedError

    def _load(self, path: Path) -> Any:
        try:
            return self._open(path)
        except Exception as exc:
            raise InvalidInput(
                f"{self.name.upper()} structure is unreadable: {exc}", where=str(path)
            ) from exc

    def read(self, path: Path) -> list[Found]:
        audio = self._load(path)
        found: list[Found] = []
        # Raw (key, value) pairs, so two AIGC comments show up as two labels.
        for key, value in list(audio.tags) if audio.tags else []:
            if "AIGC" in key.upper():
                found.append(Found(f"{self.name}:VorbisComment:{key}", value))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        shutil.copyfile(src, dst)
        audio = self._load(dst)
        if audio.tags is None:
            audio.add_tags()
        for key in {k for k, _ in list(audio.tags) if "AIGC" in k.upper()}:
            del audio.tags[key]
        audio.tags["AIGC"] = value
        try:
            audio.save()
        except Exception as exc:
            raise InvalidInput(f"could not write the Vorbis comment: {exc}", where=str(src)) from exc


class FlacHandler(_VorbisCommentHandler):
    name = "flac"
    extensions = (".flac",)
    hash_scheme = "flac-frames-v1"
    hash_doc = __doc__ or ""
    locations = ("flac:VorbisComment:AIGC",)

    def _open(self, path: Path) -> Any:
        import mutagen.flac

        return mutagen.flac.FLAC(path)

    def content_hash(self, path: Path) -> ContentHash:
        data = read_bytes(path)
        pos = id3v2_size(data)
        if data[pos : pos + 4] != b"fLaC":
            raise InvalidInput("not a FLAC stream", where=str(path))
        pos += 4
        h = hashlib.sha256()
        while True:
            if pos + 4 > len(data):
                raise truncated(path, "FLAC metadata blocks run past the end")
            head = data[pos]
            length = int.from_bytes(data[pos + 1 : pos + 4], "big")
            if (head & 0x7F) == 0:
                h.update(data[pos + 4 : pos + 4 + length])
            pos += 4 + length
            if head & 0x80:
                break
        h.update(data[pos:])
        return ContentHash(self.hash_scheme, h.hexdigest())


def ogg_packets(data: bytes, where: str) -> list[tuple[int, int, bytes]]:
    """(serial, packet index, packet bytes) for every complete packet in an Ogg file."""
    pos = 0
    partial: dict[int, bytearray] = {}
    index: dict[int, int] = {}
    out: list[tuple[int, int, bytes]] = []
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS" or pos + 27 > len(data):
            raise truncated(where, f"Ogg page expected at byte {pos}")
        serial = struct.unpack("<I", data[pos + 14 : pos + 18])[0]
        nseg = data[pos + 26]
        lacing = data[pos + 27 : pos + 27 + nseg]
        body = pos + 27 + nseg
        if body + sum(lacing) > len(data):
            raise truncated(where, f"Ogg page at byte {pos} runs past the end")
        buf = partial.setdefault(serial, bytearray())
        for lace in lacing:
            buf += data[body : body + lace]
            body += lace
            if lace < 255:
                out.append((serial, index.get(serial, 0), bytes(buf)))
                index[serial] = index.get(serial, 0) + 1
                buf.clear()
        pos = body
    return out


class OggHandler(_VorbisCommentHandler):
    name = "ogg"
    extensions = (".ogg", ".oga", ".opus")
    hash_scheme = "ogg-packets-v2"
    hash_doc = __doc__ or ""
    locations = ("ogg:VorbisComment:AIGC",)

    def _open(self, path: Path) -> Any:
        import mutagen.oggopus
        import mutagen.oggvorbis

        with path.open("rb") as f:
            head = f.read(64)
        if b"OpusHead" in head:
            return mutagen.oggopus.OggOpus(path)
        return mutagen.oggvorbis.OggVorbis(path)

    def content_hash(self, path: Path) -> ContentHash:
        h = hashlib.sha256()
        order: dict[int, int] = {}
        for serial, idx, packet in ogg_packets(read_bytes(path), str(path)):
            stream = order.setdefault(serial, len(order))
            if idx != 1:
                h.update(struct.pack("<IIQ", stream, idx, len(packet)))
                h.update(packet)
        return ContentHash(self.hash_scheme, h.hexdigest())
