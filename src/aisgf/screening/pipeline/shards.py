"""Shards: the units of work, planned in corpus order.

Why: a shard (one input file, a byte range of a big uncompressed JSONL/lines file, cut after a
newline, with its line numbers counted up front, or a range of row groups of a big Parquet file)
is screened alone, anywhere; the merger takes the results back in this order, so nothing in the
report depends on how the corpus was cut.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisgf.screening.readers import expand_inputs, split_format

if TYPE_CHECKING:
    from aisgf.screening.pipeline.config import ScreenConfig


@dataclass(frozen=True)
class Shard:
    """One unit of work: a file, or a byte range of a big uncompressed line-oriented file."""

    path: str
    root: str
    out_rel: str  # path of the cleaned copy relative to --redact-to
    start: int = 0  # byte range [start, end) of the file; end -1 = to the end
    end: int = -1
    first_index: int = 0  # lines (rows) of the file before ``start``
    part: int = 0  # index of this range among the file's ranges
    parts: int = 1
    # A Parquet range is a range of row groups [start, end); ``nbytes`` is its size in the file.
    nbytes: int = -1


def plan_shards(paths: list[str], *, cfg: ScreenConfig | None = None, split_bytes: int = 0) -> list[Shard]:
    """Shards in corpus order; cleaned-copy names are relative to the argument they came from.

    A file is one shard, except an uncompressed JSONL file (or a text file read with ``--lines``)
    larger than ``split_bytes`` (0 = never split): it becomes byte ranges that start right after
    a newline, so that one big file keeps every worker busy. The results do not depend on the
    split (the line numbers of each range are counted here, once, at memory speed).
    """
    shards: list[Shard] = []
    used: set[str] = set()
    for path, root in expand_inputs(paths):
        rel = os.path.relpath(path, root) if os.path.isdir(root) else os.path.basename(path)
        if rel in used:
            rel = f"{len(shards):05d}-{rel.replace(os.sep, '_')}"
        used.add(rel)
        if split_bytes > 0 and split_format(path)[0] == "parquet":
            groups = _split_row_groups(path, split_bytes)
            for k, (start, end, first, nbytes) in enumerate(groups if len(groups) > 1 else []):
                shards.append(Shard(path, root, rel, start, end, first, k, len(groups), nbytes))
            if len(groups) <= 1:
                shards.append(Shard(path, root, rel))
            continue
        ranges = _split_ranges(path, split_bytes, cfg) if split_bytes > 0 else []
        if len(ranges) <= 1:
            shards.append(Shard(path, root, rel))
            continue
        for k, (start, end, first) in enumerate(ranges):
            shards.append(Shard(path, root, rel, start, end, first, k, len(ranges)))
    return shards


def _split_row_groups(path: str, target: int) -> list[tuple[int, int, int, int]]:
    """(first row group, end row group, rows before, bytes) of ranges of about ``target`` bytes.

    Why row groups: they are Parquet's own unit of independent reading, so a range of them is read
    without touching the rest of the file. An unreadable footer means no split (the reader reports it).
    """
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # a broken file is reported by the reader, per document
        return []
    out: list[tuple[int, int, int, int]] = []
    start = rows_before = rows = size = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        rows += rg.num_rows
        size += sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
        if size >= target or g == meta.num_row_groups - 1:
            out.append((start, g + 1, rows_before, size))
            start, rows_before, size = g + 1, rows, 0
    return out


def _split_ranges(path: str, target: int, cfg: ScreenConfig | None) -> list[tuple[int, int, int]]:
    """(start, end, lines before start) of ranges of about ``target`` bytes, cut after newlines."""
    fmt, comp = split_format(path)
    lines_mode = cfg.lines if cfg is not None else False
    if comp is not None or not (fmt == "jsonl" or (fmt == "text" and lines_mode)):
        return []
    try:
        size = os.path.getsize(path)
    except OSError:
        return []
    if size <= target:
        return []
    cuts: list[tuple[int, int]] = [(0, 0)]  # (byte offset, lines before it)
    next_cut = target
    lines = pos = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(1 << 24)
            if not chunk:
                break
            while next_cut < pos + len(chunk):
                i = chunk.find(b"\n", next_cut - pos)
                if i < 0:  # no newline in the rest of this chunk: look on in the next one
                    next_cut = pos + len(chunk)
                    break
                cut = pos + i + 1
                if cut >= size:
                    break
                cuts.append((cut, lines + chunk.count(b"\n", 0, i + 1)))
                next_cut = cut + target
            lines += chunk.count(b"\n")
            pos += len(chunk)
    ends = [c for c, _ in cuts[1:]] + [size]
    return [(start, end, first) for (start, first), end in zip(cuts, ends, strict=True)]


def shard_bytes(s: Shard) -> int:
    """Bytes of the file that the shard covers (what the progress bar counts)."""
    if s.nbytes >= 0:
        return s.nbytes
    if s.end >= 0:
        return s.end - s.start
    try:
        return os.path.getsize(s.path) - s.start
    except OSError:
        return 0
