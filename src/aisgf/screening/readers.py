"""Streaming readers: JSONL, Parquet, CSV and plain text; gzip, zstd and bz2; files, dirs, globs.

Why: a corpus is far larger than memory, so every reader yields one document at a time and never
holds more than one line (capped at ``max_doc_bytes``) or one Parquet batch. Bad input is data,
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import zstandard

from aisgf.errors import InvalidInput, NotFound

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


def _bounded_lines(fh: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """Lines of at most ``max_bytes``; an oversized line is skipped in chunks and yields None."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # discard the rest of the line without holding it
                chunk = fh.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _key(rec: dict[str, Any], id_field: str, index: int) -> str | int:
    v = rec.get(id_field)
    if isinstance(v, str | int) and not isinstance(v, bool):
        return v
    return index


def read_docs(
    path: str,
    root: str,
    *,
    field: str = "text",
    id_field: str = "id",
    source_field: str = "source",
    lines: bool = False,
    max_doc_bytes: int = 16 << 20,
) -> Iterator[Doc]:
    """Yield the documents of one file; errors become ``Doc(error=...)`` (see module docstring)."""
    fmt, comp = split_format(path)
    index = -1
    try:
        if fmt == "parquet":
            yield from _read_parquet(path, root, field, id_field, source_field)
            return
        with open_binary(path, comp) as fh:
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
            for index, raw_line in enumerate(_bounded_lines(fh, max_doc_bytes)):
                if raw_line is None:
                    yield Doc(index, index, None, root, error=f"line longer than {max_doc_bytes} bytes")
                    continue
                text, bad = _decode(raw_line)
                if fmt == "text":
                    yield Doc(index, index, text.rstrip("\r\n"), root, invalid_utf8=bad)
                    continue
                if not text.strip():
                    yield Doc(index, index, None, root, error="blank line")
                    continue
                try:
                    rec = json.loads(text)
                except ValueError as exc:
                    yield Doc(index, index, None, root, error=f"invalid JSON: {exc.args[0][:120]}")
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


def _read_parquet(path: str, root: str, field: str, id_field: str, source_field: str) -> Iterator[Doc]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    if field not in names:
        yield Doc(0, 0, None, root, error=f"Parquet file has no column {field!r} (columns: {names})")
        return
    index = 0
    for batch in pf.iter_batches(batch_size=2048):
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
