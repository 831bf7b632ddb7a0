"""Quality checks of §4.1.2(e): empty or too short, garbled, duplicated, mixed-language text.

Why: the framework asks that invalid and wrong data be filtered out. These checks are per
document and cheap, except the two that need the whole corpus: exact duplicates (a digest set
that spills to an SQLite file on disk once it outgrows memory, so memory stays bounded) and near
duplicates (MinHash signatures computed in the workers, LSH band keys looked up in the same kind
of spilling set by the single process that merges results in corpus order, so the answer does not
depend on how the work was split).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Typical UTF-8-read-as-Latin-1/GBK sequences, the replacement character and the classic
# "锟斤拷"/"烫烫烫"/"屯屯屯" debugger fill patterns.
_MOJIBAKE = re.compile(r"\ufffd|Ã[\x80-\xbf©¨¤§¶¼½¾]|â€[™œ\x9d“”˜¦]|锟斤拷|烫烫烫|屯屯屯|Â[\xa0-\xbf]")


_NOT_LETTERS = bytes(c for c in range(128) if not (65 <= c <= 90 or 97 <= c <= 122))


_NOT_LETTERS_ANY = bytes(c for c in range(256) if not (65 <= c <= 90 or 97 <= c <= 122))


def language_of(text: str, encoded: bytes | None = None) -> str:
    """'zh', 'en', 'mixed' (both scripts ≥ 20 % of weight) or 'other' — a script count, not a model.

    Counted with C-level string operations only: multi-byte UTF-8 characters in the opening 2,000
    characters stand for CJK (each adds two bytes), ASCII letters for Latin. ``encoded`` (the
    text in UTF-8, when the caller has it) spares the encoding for texts of ≤ 2,000 characters.
    """
    if encoded is not None and len(text) <= 2000:
        cjk = (len(encoded) - len(text)) / 2
        latin = len(encoded.translate(None, _NOT_LETTERS_ANY))
    else:
        sample = text[:2000]
        cjk = (len(sample.encode("utf-8", "replace")) - len(sample)) / 2
        latin = len(sample.encode("ascii", "ignore").translate(None, _NOT_LETTERS))
    return _language(cjk, latin)


def _language(cjk: float, latin: float) -> str:
    # A Chinese character carries roughly a word; weigh Latin letters by an average word length.
    latin_w = latin / 5
    total = cjk + latin_w
    if total == 0:
        return "other"
    if cjk / total >= 0.8:
        return "zh"
    if latin_w / total >= 0.8:
        return "en"
    return "mixed"


LANGUAGE_SAMPLE = 2000  # code points of a document that :func:`language_of` looks at


def doc_stats(texts: Sequence[str], encoded: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document of a batch: (UTF-8 continuation bytes, ASCII letters) in its first
    :data:`LANGUAGE_SAMPLE` code points, and whether it holds a control character (one native pass)."""
    from aisgf.screening import native

    lens = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    starts = np.zeros(len(encoded), dtype=np.int64)
    if len(encoded) > 1:
        np.cumsum(lens[:-1] + 1, out=starts[1:])
    buf = np.frombuffer(b"\x00".join(encoded), dtype=np.uint8)
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return native.doc_stats(buf, starts, lens, chars, LANGUAGE_SAMPLE)  # type: ignore[no-any-return]


def languages_from_counts(continuation: np.ndarray, letters: np.ndarray) -> list[str]:
    """:func:`language_of` for a batch, from the counts ``native.doc_stats`` gives per document.

    The same float arithmetic as the scalar function, so the answers are identical.
    """
    cjk = continuation / 2
    latin_w = letters / 5
    total = cjk + latin_w
    with np.errstate(divide="ignore", invalid="ignore"):
        zh = cjk / total >= 0.8
        en = latin_w / total >= 0.8
    codes = np.where(total == 0, 0, np.where(zh, 1, np.where(en, 2, 3)))
    names = ("other", "zh", "en", "mixed")
    return [names[c] for c in codes.tolist()]


_MOJIBAKE_MARKERS = ("\ufffd", "Ã", "â€", "Â", "锟斤拷", "烫烫烫", "屯屯屯")


def quality_flags(text: str, min_chars: int, *, control: bool = True, markers: bool = True) -> list[str]:
    """Document-level quality categories for one text.

    ``control=False`` / ``markers=False`` say that the caller already knows the text has no
    control character / no mojibake marker (see :func:`quality_flags_batch`).
    """
    stripped = text.strip()
    if not stripped:
        return ["empty"]
    flags: list[str] = []
    if len(stripped) < min_chars:
        flags.append("too_short")
    if control and _CONTROL.search(text):
        flags.append("control_chars")
    if not markers or not any(m in text for m in _MOJIBAKE_MARKERS):  # cheap pre-check; the regex runs rarely
        return flags
    bad = len(_MOJIBAKE.findall(text[:100000]))
    if bad and (bad >= 3 or bad * 50 >= len(stripped)):
        flags.append("mojibake")
    return flags


_NOT_CONTROL = bytes(c for c in range(256) if not _CONTROL.match(chr(c)))
_MARKER_DB: Any = None


def _marker_db() -> Any:
    global _MARKER_DB
    if _MARKER_DB is None:
        import hyperscan as hs

        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        exprs = [m.encode("utf-8") for m in _MOJIBAKE_MARKERS]
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=0, literal=True)
        _MARKER_DB = db
    return _MARKER_DB


def quality_flags_batch(
    texts: list[str], encoded: list[bytes], min_chars: int, control: Sequence[bool] | None = None
) -> list[list[str]]:
    """:func:`quality_flags` for a batch: the same answers, with two batch-wide gates.

    Why: per document, a control-character search and seven marker searches cost more than
    everything else the quality step does. Over the whole batch, one C ``translate`` tells whether
    any control character occurs at all, and one Hyperscan pass which documents hold a mojibake
    marker; only those documents get the per-document checks. ``control`` (per document, from
    ``native.doc_stats``) replaces the batch-wide control-character gate.
    """
    buf = b"\n".join(encoded)  # "\n" is neither a control character nor part of a marker
    any_control = control is None and bool(buf.translate(None, _NOT_CONTROL))
    marked: set[int] = set()
    if buf:
        ends: list[int] = []

        def on_marker(_id: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
            ends.append(to)

        _marker_db().scan(buf, match_event_handler=on_marker)
        if ends:
            starts = list(itertools.accumulate((len(e) + 1 for e in encoded[:-1]), initial=0))
            marked = {bisect.bisect_right(starts, to - 1) - 1 for to in ends}
    controls = control if control is not None else itertools.repeat(any_control)
    return [
        quality_flags(t, min_chars, control=c, markers=i in marked)
        for i, (t, c) in enumerate(zip(texts, controls, strict=False))
    ]


def text_digest(text: str, encoded: bytes | None = None) -> bytes:
    """16-byte digest of the normalised text: exact duplicates modulo surrounding whitespace and NFC.

    ``encoded`` (the text in UTF-8) is hashed as it is when stripping and NFC change nothing, the
    usual case; ``strip`` and ``normalize`` return their argument itself then. XXH3-128, not a
    cryptographic hash: duplicates are a quality signal (nothing is dropped for being one) and it
    hashes at ~20 GB/s where BLAKE2b took a tenth of the whole pipeline's time.
    """
    norm = unicodedata.normalize("NFC", text.strip())
    data = encoded if encoded is not None and norm is text else norm.encode("utf-8", "replace")
    return xxhash.xxh3_128_digest(data)


# ---- MinHash (numpy, universal hashing over 64-bit shingle hashes) -----------------------------
_MERSENNE = np.uint64((1 << 61) - 1)


class MinHasher:
    """Character 5-gram MinHash with `bands` × `rows` permutations; returns LSH band keys.

    Why our own: datasketch's MinHash is correct but allocates per update; here one vectorised numpy
    pass per document gives the same estimator. Defaults (16 bands × 8 rows) put the LSH threshold
    near Jaccard 0.7; candidates are reported without pairwise verification (documented).
    """

    def __init__(self, bands: int = 16, rows: int = 8, shingle: int = 5, seed: int = 1) -> None:
        self.bands, self.rows, self.shingle = bands, rows, shingle
        rng = np.random.RandomState(seed)
        n = bands * rows
        # a, b span the whole field (as datasketch does); uint64 wrap-around keeps the mixing
        self.a = rng.randint(1, (1 << 61) - 1, size=n, dtype=np.int64).astype(np.uint64)
        self.b = rng.randint(0, (1 << 61) - 1, size=n, dtype=np.int64).astype(np.uint64)

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The MinHash signature of unique shingle hashes (native; see ``native.minhash_signature``)."""
        from aisgf.screening import native

        return native.minhash_signature(shingles, self.a, self.b)  # type: ignore[no-any-return]

    def signature_of_bytes(self, data: bytes) -> np.ndarray:
        """The signature of the byte k-grams of ``data`` (hashing and minimum in one native pass)."""
        from aisgf.screening import native

        arr = np.frombuffer(data, dtype=np.uint8)
        return native.minhash_bytes(arr, self.shingle, self.a, self.b)  # type: ignore[no-any-return]

    def shingle_hashes(self, data: bytes) -> np.ndarray:
        """Unique 32-bit polynomial hashes of the byte k-grams (numpy; the reference for the tests)."""
        k = self.shingle
        arr = np.frombuffer(data, dtype=np.uint8).astype(np.uint64)
        h = np.zeros(len(arr) - k + 1, dtype=np.uint64)
        for j in range(k):
            h = h * np.uint64(257) + arr[j : len(arr) - k + 1 + j]
        return np.unique(h & np.uint64((1 << 32) - 1))

    def signature_numpy(self, shingles: np.ndarray) -> np.ndarray:
        """The same signature with numpy only: the reference the native one is tested against."""
        sig = np.full(len(self.a), np.iinfo(np.uint64).max, dtype=np.uint64)
        for i in range(0, len(shingles), 2048):  # chunks keep the permutation matrix small
            part = ((np.outer(self.a, shingles[i : i + 2048]) + self.b[:, None]) % _MERSENNE).min(axis=1)
            np.minimum(sig, part, out=sig)
        return sig

    def band_keys(self, text: str) -> list[bytes]:
        norm = " ".join(text.lower().split())
        if len(norm) < self.shingle:
            return []
        data = norm.encode("utf-8", "replace")
        if len(data) > 200_000:
            data = data[:200_000]
        sig = self.signature_of_bytes(data).reshape(self.bands, self.rows)
        return [bytes([i]) + hashlib.blake2b(sig[i].tobytes(), digest_size=8).digest() for i in range(self.bands)]


class SpillingMap:
    """Short byte keys → where first seen; `memory_limit` keys in RAM, then moved to SQLite on disk.

    ``first(key, where)`` returns None when the key is new (and records `where`), else the
    `where` of its first occurrence. The on-disk table is a temporary file removed on
    ``close()``; its directory may be chosen (``spill_dir``) so a big corpus spills to a big disk.
    """

    def __init__(self, memory_limit: int = 5_000_000, spill_dir: str | None = None) -> None:
        self.memory_limit = memory_limit
        self.spill_dir = spill_dir
        self._mem: dict[bytes, str] = {}
        self._db: sqlite3.Connection | None = None
        self._path: Path | None = None
        self.spilled = False

    def _spill(self) -> None:
        fd, name = tempfile.mkstemp(prefix="aisgf-dedup-", suffix=".sqlite", dir=self.spill_dir)
        import os

        os.close(fd)
        self._path = Path(name)
        self._db = sqlite3.connect(name)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE k (key BLOB PRIMARY KEY, at TEXT) WITHOUT ROWID")
        self._db.executemany("INSERT INTO k VALUES (?, ?)", self._mem.items())
        self._mem = {}
        self.spilled = True

    def first(self, key: bytes, where: str) -> str | None:
        if self._db is None:
            prev = self._mem.get(key)
            if prev is not None:
                return prev
            self._mem[key] = where
            if len(self._mem) > self.memory_limit:
                self._spill()
            return None
        row = self._db.execute("SELECT at FROM k WHERE key=?", (key,)).fetchone()
        if row is not None:
            return str(row[0])
        self._db.execute("INSERT INTO k VALUES (?, ?)", (key, where))
        return None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None
