"""Cleaned-copy step: each document again, personal information and secrets masked, in its format.

Why placeholders and not blanks: the same value always gets the same keyed placeholder within a
run (``[CN_MOBILE_1a2b3c4d]``), so a model trained on the copy still sees that two mentions are
one, and nobody can reverse it without the key. A document whose findings carry a ``--drop``
label is left out. A range of a split file writes its own part; the merger joins the parts in
order (:func:`append_part`), so the copy is the same file however the corpus was split.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.redaction import redact
from aisgf.screening.pipeline.shards import Shard
from aisgf.screening.pipeline.step import Part, Step
from aisgf.screening.readers import Doc, open_binary_write, split_format


@dataclass
class CleanPart(Part):
    """Documents written to and dropped from the cleaned copy (in ``counts``)."""


class CleanCopy(Step):
    name = "clean"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.writer = _CleanWriter(ctx.shard, self.cfg)
        self.drop = set(self.cfg.drop)
        self.written = self.dropped = 0

    def process(self, batch: Batch) -> None:
        ctx, writer, drop, key = self.ctx, self.writer, self.drop, self.cfg.redact_key
        labels, nf = batch.labels(ctx), batch.n_findings
        for j, doc in enumerate(batch.readable):
            if labels[j] & drop:
                self.dropped += 1
                continue
            text = batch.texts[j]
            writer.write(doc, redact(text, batch.findings(ctx, j), key) if nf[j] else text)
            self.written += 1

    def result(self) -> CleanPart:
        self.writer.close()
        part = CleanPart()
        for name, n in (("dropped", self.dropped), ("written", self.written)):
            if n:
                part.counts[name] = n
        return part

    def close(self) -> None:
        self.writer.close()


class _CleanWriter:
    """Writes the cleaned copy of one shard in its own format and compression."""

    def __init__(self, shard: Shard, cfg: ScreenConfig) -> None:
        assert cfg.redact_to is not None
        self.fmt, comp = split_format(shard.path)
        self.path = Path(cfg.redact_to) / shard.out_rel
        if shard.parts > 1:  # a byte range writes its own part; the merger joins them in order
            self.path = part_path(self.path, shard.part)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.cfg = cfg
        self.rows: list[dict[str, Any]] = []
        self.pq_writer: Any = None
        self.csv_writer: csv.DictWriter[str] | None = None
        self.fh = None if self.fmt == "parquet" else open_binary_write(str(self.path), comp)
        self.text_fh: io.TextIOWrapper | None = None
        self.src = shard.path
        self.closed = False

    def write(self, doc: Doc, text: str) -> None:
        if self.fmt == "parquet":
            assert doc.record is not None
            self.rows.append({**doc.record, self.cfg.field: text})
            if len(self.rows) >= 2048:
                self._flush_parquet()
            return
        assert self.fh is not None
        if self.fmt == "jsonl":
            assert doc.record is not None
            rec = {**doc.record, self.cfg.field: text}
            self.fh.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        elif self.fmt == "csv":
            assert doc.record is not None
            if self.csv_writer is None:
                self.text_fh = io.TextIOWrapper(self.fh, encoding="utf-8", newline="")  # type: ignore[arg-type]
                delim = "\t" if ".tsv" in Path(self.src).suffixes else ","
                self.csv_writer = csv.DictWriter(self.text_fh, fieldnames=list(doc.record), delimiter=delim)
                self.csv_writer.writeheader()
            self.csv_writer.writerow({**doc.record, self.cfg.field: text})
        elif self.cfg.lines:
            self.fh.write(text.encode("utf-8") + b"\n")
        else:
            self.fh.write(text.encode("utf-8"))

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.rows:
            return
        if self.pq_writer is None:
            schema = pq.ParquetFile(self.src).schema_arrow
            self.pq_writer = pq.ParquetWriter(str(self.path), schema)
        self.pq_writer.write_table(pa.Table.from_pylist(self.rows, schema=self.pq_writer.schema))
        self.rows = []

    def close(self) -> None:
        """Finish the file; a second call does nothing (the step closes on success and on failure)."""
        if self.closed:
            return
        self.closed = True
        if self.fmt == "parquet":
            self._flush_parquet()
            if self.pq_writer is not None:
                self.pq_writer.close()
            return
        if self.text_fh is not None:
            self.text_fh.flush()
            self.text_fh.detach()
        assert self.fh is not None
        self.fh.close()


def part_path(path: Path, part: int) -> Path:
    return path.with_name(f".{path.name}.part{part:06d}")


def append_part(path: Path, part: int, parts: int) -> None:
    """Append the cleaned copy of range ``part`` to the file's cleaned copy.

    Text ranges (JSONL, lines) are appended byte for byte as they arrive. Parquet ranges are
    joined at the last one, batch by batch into one file with one schema; a range whose rows
    were all dropped wrote no part.
    """
    if split_format(str(path))[0] == "parquet":
        if part == parts - 1:
            _join_parquet_parts(path, parts)
        return
    src = part_path(path, part)
    with open(path, "wb" if part == 0 else "ab") as out, open(src, "rb") as fh:
        shutil.copyfileobj(fh, out, 1 << 20)
    src.unlink()


def _join_parquet_parts(path: Path, parts: int) -> None:
    import pyarrow.parquet as pq

    writer: Any = None
    try:
        for k in range(parts):
            src = part_path(path, k)
            if not src.exists():
                continue
            pf = pq.ParquetFile(src)
            if writer is None:
                writer = pq.ParquetWriter(str(path), pf.schema_arrow)
            for batch in pf.iter_batches(batch_size=4096):
                writer.write_batch(batch)
            pf.close()
            src.unlink()
    finally:
        if writer is not None:
            writer.close()
