"""Streaming readers: JSONL, Parquet, CSV and plain text; gzip, zstd and bz2; files, dirs, globs.

Why: a corpus is far larger than memory, so every reader yields one document at a time and never
holds more than one 4 MB block plus one line (capped at ``max_doc_bytes``) or one Parquet batch.
Lines are split from blocks in C and JSON lines parsed with orjson where it is installed (falling
back to ``json`` line by line, so results never depend on it): reading is not the bottleneck. Bad input is data,
not a crash: an undecodable or invalid line, a missing field, an oversized line or a truncated
compressed stream becomes a :class:`Doc` with ``error`` set, which the scan counts as an
``unreadable`` finding and moves on (decision recorded in the module docs of ``pipeline``).
"""

from __future__ import annotations

import bz2
import csv
import glob
import gzip
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import zstandard

from aisgf.errors import InvalidInput, NotFound

try:  # orjson parses a JSON line ~3x faster than json; json stays the reference (see _parse_json)
    import orjson

    _fast_loads: Any = orjson.loads
except ImportError:  # pragma: no cover - optional
    _fast_loads = None

COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd", ".bz2": "bz2"}
FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "text",
    ".md": "text",
    ".text": "text",
}
_SKIP_SUFFIXES = {".lock", ".crc", ".pyc"}


@dataclass
class Doc:
    """One document: a JSONL line, a CSV/Parquet row, or a text file (or line with ``--lines``)."""

    index: int  # 0-based line/row number (or 0 for a whole text file)
    key: str | int  # the record's id field where present, else ``index``
    text: str | None
    source: str
    record: dict[str, Any] | None = None
    error: str | None = None
    invalid_utf8: bool = False


def split_format(path: str) -> tuple[str, str | None]:
    """(format, compression) from the file name; unknown extensions are read as plain text."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    comp = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if comp:
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1], "text") if suffixes else "text"
    return fmt, comp


def open_binary(path: str, compression: str | None) -> IO[bytes]:
    """A buffered binary stream over the decompressed bytes."""
    if compression == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if compression == "zstd":
        raw = open(path, "rb")  # noqa: SIM115 - closed by the wrapper below
        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type]
    return open(path, "rb", buffering=1 << 20)


def open_binary_write(path: str, compression: str | None) -> IO[bytes]:
    if compression == "gzip":
        return gzip.open(path, "wb", compresslevel=6)  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.open(path, "wb")  # type: ignore[return-value]
    if compression == "zstd":
        raw = open(path, "wb")  # noqa: SIM115
        return zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=True)  # type: ignore[return-value]
    return open(path, "wb")


READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zstandard.ZstdError)


def expand_inputs(paths: list[str]) -> list[tuple[str, str]]:
    """(file, root label) for every file under the given files, directories and glob patterns.

    Sorted within each argument so that the corpus order — and so duplicate detection and the
    report — never depend on the file system's listing order.
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for arg in paths:
        if any(c in arg for c in "*?[") and not os.path.exists(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            if not files:
                raise NotFound(f"no file matches the pattern {arg!r}", where=arg)
        elif os.path.isdir(arg):
            files = sorted(
                str(p)
                for p in Path(arg).rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.suffix not in _SKIP_SUFFIXES
            )
        elif os.path.isfile(arg):
            files = [arg]
        else:
            raise NotFound(f"input {arg!r} does not exist", where=arg)
        for f in files:
            if f not in seen:
                seen.add(f)
                out.append((f, arg))
    if not out:
        raise InvalidInput("no input files found", where=", ".join(paths))
    return out


def _decode(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), True


BLOCK = 1 << 22


def _bounded_lines(
    fh: IO[bytes], max_bytes: int, limit: int = -1, on_bytes: Callable[[int], None] | None = None
) -> Iterator[bytes | None]:
    """Lines (without the newline) of at most ``max_bytes``; an oversized line yields None.

    Why blocks: reading 4 MB at a time and splitting in C is several times faster than a
    ``readline`` per line, and memory stays bounded (one block plus one partial line of at most
    ``max_bytes``; the rest of an oversized line is skipped, never held). ``limit`` stops after
    that many bytes (a byte-range shard); ``on_bytes`` is told how many bytes each block had.
    """
    rest = b""
    skipping = False  # inside a line that is already known to be too long
    remaining = limit
    while remaining != 0:
        # read1: what one underlying read gives, so that the lines before a truncated compressed
        # stream's end are still yielded before the error surfaces on the next call
        block = fh.read1(BLOCK if remaining < 0 else min(BLOCK, remaining))  # type: ignore[attr-defined]
        if not block:
            break
        if remaining > 0:
            remaining -= len(block)
        if on_bytes is not None:
            on_bytes(len(block))
        lines = block.split(b"\n")
        tail = lines.pop()
        if lines:
            first = lines[0]
            if skipping:
                skipping = False
                yield None
            else:
                first = rest + first if rest else first
                yield first if len(first) <= max_bytes else None
            rest = b""
            for line in lines[1:]:
                yield line if len(line) <= max_bytes else None
            rest = tail
        elif not skipping:
            rest += tail
        if not skipping and len(rest) > max_bytes:
            skipping, rest = True, b""
    if skipping:
        yield None
    elif rest:
        yield rest


def _key(rec: dict[str, Any], id_field: str, index: int) -> str | int:
    v = rec.get(id_field)
    if isinstance(v, str | int) and not isinstance(v, bool):
        return v
    return index


def _parse_json(raw: bytes) -> tuple[Any, bool, str | None]:
    """(record, invalid_utf8, error) of one JSONL line.

    orjson first; whatever it refuses (invalid UTF-8, lone surrogates, NaN, huge integers, a
    syntax error) goes through the stdlib path of before, so the records and error messages are
    exactly what ``json`` gives — the fast path never changes a result.
    """
    if _fast_loads is not None:
        try:
            rec = _fast_loads(raw)
        except ValueError:
            pass
        else:
            if not _maybe_big_int(rec):
                return rec, False, None
    text, bad = _decode(raw)
    if not text.strip():
        return None, bad, "blank line"
    try:
        return json.loads(text), bad, None
    except ValueError as exc:
        return None, bad, f"invalid JSON: {exc.args[0][:120]}"


def _maybe_big_int(obj: Any) -> bool:
    """True when orjson may have read an integer beyond 64 bits as a float (``json`` keeps an int).

    That is the one case where orjson accepts a line and returns something else than ``json``;
    such a float has a magnitude of at least 2**63, so the few lines with one are re-read.
    """
    stack = [obj]
    while stack:
        o = stack.pop()
        values = o.values() if type(o) is dict else o if type(o) is list else ()
        for v in values:
            t = type(v)
            if t is float:
                if not abs(v) < 9.2e18:
                    return True
            elif t is dict or t is list:
                stack.append(v)
    return False


_ZSTD_MAGIC = 0xFD2FB528


def zstd_framing_error(path: str) -> str | None:
    """Why a zstd file is cut short (it ends inside a frame), or None when every frame is whole.

    Why: python-zstandard's stream reader returns a clean end of stream when the input stops in
    the middle of a frame, so a truncated ``.zst`` would silently lose its tail. Walking the frame
    and block headers (RFC 8878 §3.1) only reads a few bytes per 128 KB block; a file that is not
    zstd at all is left to the decompressor, which refuses it with its own error.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size

        def skip(n: int) -> bool:
            fh.seek(n, os.SEEK_CUR)
            return fh.tell() <= size

        while True:
            magic = fh.read(4)
            if not magic:
                return None
            if len(magic) < 4:
                return "the file ends inside a zstd frame header"
            m = int.from_bytes(magic, "little")
            if 0x184D2A50 <= m <= 0x184D2A5F:  # skippable frame: 4-byte size, then its content
                n = fh.read(4)
                if len(n) < 4 or not skip(int.from_bytes(n, "little")):
                    return "the file ends inside a skippable zstd frame"
                continue
            if m != _ZSTD_MAGIC:
                return None
            d = fh.read(1)
            if not d:
                return "the file ends inside a zstd frame header"
            desc = d[0]
            single = (desc >> 5) & 1
            header = (0 if single else 1) + (0, 1, 2, 4)[desc & 3] + (single, 2, 4, 8)[desc >> 6]
            if not skip(header):
                return "the file ends inside a zstd frame header"
            while True:
                h = fh.read(3)
                if len(h) < 3:
                    return "the file ends inside a zstd frame (a block header is missing)"
                v = int.from_bytes(h, "little")
                if not skip(1 if (v >> 1) & 3 == 1 else v >> 3):
                    return "the file ends inside a zstd block"
                if v & 1:  # last block of the frame
                    break
            if (desc >> 2) & 1 and not skip(4):
                return "the file ends inside a zstd frame checksum"


class _ZstdChecked(io.RawIOBase):
    """A zstd stream reader that raises at its end when the file was cut inside a frame."""

    def __init__(self, reader: Any, truncated: str | None) -> None:
        self.reader = reader
        self.truncated = truncated

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = int(self.reader.readinto(b))
        if n == 0 and self.truncated:
            raise EOFError(f"truncated zstd stream: {self.truncated}")
        return n


class _Opened:
    """A decompressing reader over a file, and how many bytes of the file itself were consumed."""

    def __init__(self, path: str, compression: str | None, start: int = 0) -> None:
        self.raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in close()
        if start:
            self.raw.seek(start)
        self.start = start
        self.fh: IO[bytes]
        if compression == "gzip":
            self.fh = gzip.GzipFile(fileobj=self.raw, mode="rb")  # type: ignore[assignment]
        elif compression == "bz2":
            self.fh = bz2.BZ2File(self.raw)  # type: ignore[assignment]
        elif compression == "zstd":
            reader = zstandard.ZstdDecompressor().stream_reader(self.raw, closefd=False, read_across_frames=True)
            checked = _ZstdChecked(reader, zstd_framing_error(path))
            self.fh = io.BufferedReader(checked, buffer_size=1 << 20)
        else:
            self.fh = io.BufferedReader(self.raw, buffer_size=1 << 20)
        self.reported = start

    def consumed(self) -> int:
        """File bytes consumed since the last call (for a progress bar that moves within a file)."""
        try:
            pos = self.raw.tell()
        except (OSError, ValueError):  # pragma: no cover - closed or unseekable
            return 0
        delta, self.reported = pos - self.reported, pos
        return max(0, delta)

    def close(self) -> None:
        try:
            self.fh.close()
        finally:
            self.raw.close()


def read_docs(
    path: str,
    root: str,
    *,
    field: str = "text",
    id_field: str = "id",
    source_field: str = "source",
    lines: bool = False,
    max_doc_bytes: int = 16 << 20,
    start: int = 0,
    end: int = -1,
    first_index: int = 0,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[Doc]:
    """Yield the documents of one file; errors become ``Doc(error=...)`` (see module docstring).

    ``start``/``end`` select a byte range of an uncompressed line-oriented file (a shard that
    starts right after a newline; ``first_index`` is the number of lines before it), so one big
    file can be screened by many workers. ``on_bytes`` receives the file bytes consumed as the
    reading goes on (compressed bytes for a compressed file), for a progress bar.
    """
    fmt, comp = split_format(path)
    index = first_index - 1
    opened: _Opened | None = None
    try:
        if fmt == "parquet":  # start/end: a range of row groups (see pipeline.plan_shards)
            groups = range(start, end) if end >= 0 else None
            yield from _read_parquet(path, root, field, id_field, source_field, groups, first_index)
            return
        opened = _Opened(path, comp, start)
        fh = opened.fh
        if fmt == "csv":
            yield from _read_csv(fh, path, root, field, id_field, source_field, max_doc_bytes)
            return
        if fmt == "text" and not lines:
            raw = fh.read(max_doc_bytes + 1)
            if len(raw) > max_doc_bytes:
                yield Doc(0, 0, None, root, error=f"document larger than {max_doc_bytes} bytes (use --lines)")
                return
            text, bad = _decode(raw)
            yield Doc(0, 0, text, root, invalid_utf8=bad)
            return
        report = None if on_bytes is None else (lambda _n: on_bytes(opened.consumed()))  # type: ignore[union-attr]
        limit = end - start if end >= 0 else -1
        for index, raw_line in enumerate(_bounded_lines(fh, max_doc_bytes, limit, report), first_index):
            if raw_line is None:
                yield Doc(index, index, None, root, error=f"line longer than {max_doc_bytes} bytes")
                continue
            if fmt == "text":
                text, bad = _decode(raw_line)
                yield Doc(index, index, text.rstrip("\r\n"), root, invalid_utf8=bad)
                continue
            rec, bad, error = _parse_json(raw_line)
            if error is not None:
                yield Doc(index, index, None, root, error=error)
                continue
            if not isinstance(rec, dict):
                yield Doc(index, index, None, root, error="JSON line is not an object")
                continue
            key = _key(rec, id_field, index)
            value = rec.get(field)
            src = rec.get(source_field)
            source = src if isinstance(src, str) and src else root
            if not isinstance(value, str):
                why = f"missing field {field!r}" if value is None else f"field {field!r} is not a string"
                yield Doc(index, key, None, source, error=why)
                continue
            yield Doc(index, key, value, source, record=rec, invalid_utf8=bad)
    except READ_ERRORS as exc:
        yield Doc(index + 1, index + 1, None, root, error=f"unreadable or truncated file: {exc}")
    finally:
        if opened is not None:
            if on_bytes is not None:
                on_bytes(opened.consumed())
            opened.close()


def _read_csv(
    fh: IO[bytes], path: str, root: str, field: str, id_field: str, source_field: str, max_doc_bytes: int
) -> Iterator[Doc]:
    text_fh = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace", newline="")
    delimiter = "\t" if ".tsv" in Path(path).suffixes else ","
    csv.field_size_limit(max_doc_bytes)
    reader = csv.DictReader(text_fh, delimiter=delimiter)
    index = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Doc(index, index, None, root, error=f"CSV error: {exc}")
            index += 1
            continue
        if index == 0 and field not in (reader.fieldnames or []):
            yield Doc(0, 0, None, root, error=f"CSV has no column {field!r} (columns: {reader.fieldnames})")
            return
        rec = {k: v for k, v in row.items() if k is not None}
        value = rec.get(field)
        src = rec.get(source_field)
        source = src if isinstance(src, str) and src else root
        key = _key(rec, id_field, index)
        if value is None:
            yield Doc(index, key, None, source, error=f"missing field {field!r}")
        else:
            yield Doc(index, key, value, source, record=rec, invalid_utf8="\ufffd" in value)
        index += 1


def _read_parquet(
    path: str,
    root: str,
    field: str,
    id_field: str,
    source_field: str,
    row_groups: range | None = None,
    first_index: int = 0,
) -> Iterator[Doc]:
    """Rows of a Parquet file (or of the row groups ``row_groups``, whose first row is ``first_index``).

    Read one row group at a time: a corrupt row group becomes one ``unreadable`` document and the
    next row group is read as usual, so a file gives the same documents whole or split into
    row-group ranges. A file whose footer cannot be read is one ``unreadable`` document.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    errors = (pa.ArrowException, OSError, ValueError)
    try:
        pf = pq.ParquetFile(path)
        meta = pf.metadata
        names = pf.schema_arrow.names
    except errors as exc:
        if first_index == 0:
            yield Doc(0, 0, None, root, error=f"unreadable Parquet file: {exc}")
        return
    if field not in names:
        if first_index == 0:  # one error per file, not one per row-group range
            yield Doc(0, 0, None, root, error=f"Parquet file has no column {field!r} (columns: {names})")
        return
    index = first_index
    for g in row_groups if row_groups is not None else range(meta.num_row_groups):
        next_index = index + meta.row_group(g).num_rows
        try:
            for batch in pf.iter_batches(batch_size=2048, row_groups=[g]):
                cols = batch.to_pydict()
                texts = cols[field]
                ids = cols.get(id_field)
                srcs = cols.get(source_field)
                for i, value in enumerate(texts):
                    key: str | int = index
                    if ids is not None and isinstance(ids[i], str | int) and not isinstance(ids[i], bool):
                        key = ids[i]
                    src = srcs[i] if srcs is not None else None
                    source = src if isinstance(src, str) and src else root
                    if not isinstance(value, str):
                        yield Doc(index, key, None, source, error=f"field {field!r} is null or not a string")
                    else:
                        yield Doc(index, key, value, source, record={k: cols[k][i] for k in cols})
                    index += 1
        except errors as exc:
            yield Doc(index, index, None, root, error=f"unreadable Parquet row group {g}: {exc}")
        index = next_index
