"""What every format handler provides, and the helpers they share.

Why a handler per format: each container hides the label somewhere else and has its own idea of
"the content" that an integrity code must bind; the rest of aisgf only sees this interface.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar

from aisgf.errors import InvalidInput, TooLarge

MAX_IN_MEMORY = 512 * 1024 * 1024


@dataclass(frozen=True)
class Found:
    """One stored copy of a label: where it sits (e.g. ``png:iTXt:XML:com.adobe.xmp``) and its raw value."""

    location: str
    raw: str


@dataclass(frozen=True)
class ContentHash:
    """A content digest and the scheme that says which bytes or samples it covers."""

    scheme: str
    sha256: str


class FormatHandler:
    """Base class: subclasses implement `read`, `write` and `content_hash` for one container family."""

    name: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()
    media: ClassVar[str] = "other"
    hash_scheme: ClassVar[str] = ""
    hash_doc: ClassVar[str] = ""
    locations: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path) -> list[Found]:
        raise NotImplementedError

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Write a copy of `src` to `dst` carrying exactly one label `value` in every location."""
        raise NotImplementedError

    def content_hash(self, path: Path) -> ContentHash:
        raise NotImplementedError


def read_bytes(path: Path, limit: int = MAX_IN_MEMORY) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise TooLarge(
            f"file is {size} bytes; this format is processed in memory up to {limit}", where=str(path)
        )
    return path.read_bytes()


def truncated(path: Path | str, what: str) -> InvalidInput:
    return InvalidInput(f"file is truncated or corrupt: {what}", where=str(path))


def sha256_hex(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()


def hash_stream(f: BinaryIO, length: int, h: hashlib._Hash | None = None) -> hashlib._Hash:
    h = h or hashlib.sha256()
    left = length
    while left > 0:
        block = f.read(min(left, 1 << 20))
        if not block:
            raise InvalidInput("file ended inside a data block (truncated)")
        h.update(block)
        left -= len(block)
    return h


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; rename over it only if the block succeeds.

    Why: a file must never be left half-written when a writer fails or the process is killed.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".aisgf-tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with suppress(FileNotFoundError):
            os.chmod(tmp_path, target.stat().st_mode & 0o7777)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
