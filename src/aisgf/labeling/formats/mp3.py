"""MP3: ID3v2.4 ``TXXX:AIGC`` (read by exiftool and ffprobe), written with mutagen.

Content hash (scheme ``mp3-frames-v2``): SHA-256 over the bytes between the leading ID3v2 tag
and a trailing ID3v1 (``TAG``) / APEv2 tag, i.e. the MPEG audio frames, without a leading
Xing/Info/VBRI header frame. That frame carries no samples (it is silence holding the stream's
length, seek table and encoder tag) and muxers rewrite it on a remux (``ffmpeg -c copy`` did, and
v1, which hashed it, broke there). Tag edits by any tool leave the hash unchanged; any change to
the audio frames changes it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex, truncated


def id3v2_size(data: bytes) -> int:
    """Total size of the ID3v2 tag(s) at the start of `data` (0 if none)."""
    pos = 0
    while data[pos : pos + 3] == b"ID3" and len(data) >= pos + 10:
        sz = 0
        for b in data[pos + 6 : pos + 10]:
            sz = (sz << 7) | (b & 0x7F)
        footer = 10 if data[pos + 5] & 0x10 else 0
        pos += 10 + sz + footer
    return pos


def audio_span(data: bytes, where: str) -> bytes:
    start = id3v2_size(data)
    end = len(data)
    if start > end:
        raise truncated(where, "ID3v2 tag runs past the end of the file")
    if end - start >= 128 and data[end - 128 : end - 125] == b"TAG":
        end -= 128
    if end - start >= 32 and data[end - 32 : end - 24] == b"APETAGEX":
        size = int.from_bytes(data[end - 20 : end - 16], "little")
        end -= size + (32 if data[end - 9] & 0x80 else 0)
    return data[start : max(start, end)]


_L3_KBPS = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def layer3_frame_length(head: bytes) -> int | None:
    """Length of the MPEG Layer III frame whose 4-byte header is `head`, or None if it is not one."""
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0 or (head[1] >> 1) & 3 != 1:
        return None
    version = (head[1] >> 3) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    br_index, sr_index, padding = head[2] >> 4, (head[2] >> 2) & 3, (head[2] >> 1) & 1
    if version == 1 or br_index in (0, 15) or sr_index == 3:
        return None
    kbps = _L3_KBPS[1 if version == 3 else 2][br_index]
    rate = _RATES[version][sr_index]
    return (144000 if version == 3 else 72000) * kbps // rate + padding


def without_info_frame(frames: bytes) -> bytes:
    """`frames` minus a leading Xing/Info/VBRI header frame (it holds no audio)."""
    length = layer3_frame_length(frames[:4])
    if length and length <= len(frames) and any(tag in frames[4:64] for tag in (b"Xing", b"Info", b"VBRI")):
        return frames[length:]
    return frames


class Mp3Handler(FormatHandler):
    name = "mp3"
    extensions = (".mp3",)
    media = "audio"
    hash_scheme = "mp3-frames-v2"
    hash_doc = __doc__ or ""
    locations = ("mp3:ID3:TXXX:AIGC",)

    def read(self, path: Path) -> list[Found]:
        import mutagen.id3

        try:
            tags = mutagen.id3.ID3(path)
        except mutagen.id3.ID3NoHeaderError:
            return []
        except Exception as exc:
            raise InvalidInput(f"ID3 tag is unreadable: {exc}", where=str(path)) from exc
        found = [
            Found(f"mp3:ID3:TXXX:{f.desc}", str(f.text[0]) if f.text else "")
            for f in tags.getall("TXXX")
            if "AIGC" in f.desc.upper()
        ]
        found += [
            Found("mp3:ID3:COMM", str(f.text[0]))
            for f in tags.getall("COMM")
            if f.text and '"Label"' in str(f.text[0])
        ]
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        import mutagen.id3

        shutil.copyfile(src, dst)
        try:
            try:
                tags = mutagen.id3.ID3(dst)
            except mutagen.id3.ID3NoHeaderError:
                tags = mutagen.id3.ID3()
            for frame in [f for f in tags.getall("TXXX") if "AIGC" in f.desc.upper()]:
                tags.delall(frame.HashKey)
            tags.add(mutagen.id3.TXXX(encoding=3, desc="AIGC", text=[value]))
            tags.save(dst, v2_version=4)
        except Exception as exc:
            raise InvalidInput(f"could not write the ID3 tag: {exc}", where=str(src)) from exc

    def content_hash(self, path: Path) -> ContentHash:
        return ContentHash(
            self.hash_scheme, sha256_hex(without_info_frame(audio_span(read_bytes(path), str(path))))
        )
