"""Content-addressed evidence files (SHA-256), written atomically.

Why content-addressed: the same report attached to five obligations is stored once, a stored file
can be re-hashed at any time to prove it was not altered, and a backup copies each blob once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from aisgf.errors import IntegrityFailure, NotFound, TooLarge, register_messages

MESSAGES = register_messages({
    "evidence.bad_digest": "not a SHA-256 digest: {value!r}",
    "evidence.too_large": "file is larger than the limit of {limit} MB",
    "evidence.no_filename": "the uploaded file has no name",
    "evidence.is_uri": "this evidence is a URI, not a stored file",
    "evidence.file_not_found": "evidence file not found",
    "evidence.file_missing": "evidence file is missing from the store",
    "evidence.file_changed": "evidence file content does not match its SHA-256",
})

CHUNK = 1024 * 1024
MB = 1024 * 1024


def megabytes(n: int) -> str:
    """A size limit as people read it in a message: 50 MB, 0.5 MB, 0.00391 MB (MB of 1024 × 1024 bytes)."""
    value = n / MB
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


class EvidenceStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound.coded("evidence.bad_digest", value=sha256)
        return self.root / sha256[:2] / sha256

    def put(self, stream: BinaryIO, *, max_bytes: int, name: str = "upload") -> tuple[str, int]:
        """Copy a stream into the store; refuse (and keep nothing) past `max_bytes`."""
        self.root.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge.coded("evidence.too_large", where=name, limit=megabytes(max_bytes),
                                             extra={"limit_bytes": max_bytes})
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = h.hexdigest()
            dest = self.path(digest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                os.unlink(tmp)
            else:
                os.replace(tmp, dest)
                os.chmod(dest, 0o444)
            return digest, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def put_file(self, path: Path, *, max_bytes: int) -> tuple[str, int]:
        try:
            with open(path, "rb") as f:
                return self.put(f, max_bytes=max_bytes, name=str(path))
        except FileNotFoundError as exc:
            raise NotFound.coded("evidence.file_not_found", where=str(path)) from exc

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def check(self, sha256: str) -> None:
        """Re-hash a stored blob; raise if it is missing or its bytes changed."""
        p = self.path(sha256)
        if not p.exists():
            raise IntegrityFailure.coded("evidence.file_missing", where=str(p))
        h = hashlib.sha256()
        with open(p, "rb") as f:
            while chunk := f.read(CHUNK):
                h.update(chunk)
        if h.hexdigest() != sha256:
            raise IntegrityFailure.coded("evidence.file_changed", where=str(p))
