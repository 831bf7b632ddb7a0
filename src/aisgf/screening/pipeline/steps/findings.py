"""Findings step: the findings file's lines, one JSON object per finding, in corpus order.

Why lines are built from pieces: this runs once per finding, so a line is the document's head,
its key and the finding's pre-formatted tail (see :class:`ShardContext`), with the bytes that
``json.dumps`` of the record gives. Per document: its findings, then its quality flags; an
unreadable document gets one ``unreadable`` line with the error. On this machine the lines go to
a file in the run's spill directory (memory stays bounded however big one file is); for Dask they
travel in the part, compressed (speed over size: they only cross the network once).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Self

from aisgf.screening.pipeline.batch import Batch, ShardContext, json_key, to_json
from aisgf.screening.pipeline.step import Part, Step


@dataclass
class FindingsPart(Part):
    """The findings lines of a stretch: zlib streams (bytes) or spill files (paths), in order."""

    chunks: list[bytes | str] = field(default_factory=list)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.chunks.extend(later.chunks)
        return self

    def write_to(self, out: IO[bytes] | None) -> None:
        """Copy the lines to ``out`` (None: only discard them); spill files are deleted."""
        for chunk in self.chunks:
            if isinstance(chunk, str):
                if out is not None:
                    with open(chunk, "rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 20)
                os.unlink(chunk)
            elif out is not None and chunk:
                out.write(zlib.decompress(chunk))
        self.chunks = []

    def jsonl(self) -> bytes:
        """The lines in memory (for tests and small runs); spill files are read, not deleted."""
        out: list[bytes] = []
        for chunk in self.chunks:
            if isinstance(chunk, str):
                with open(chunk, "rb") as fh:
                    out.append(fh.read())
            elif chunk:
                out.append(zlib.decompress(chunk))
        return b"".join(out)


class FindingsLines(Step):
    name = "findings"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.fh: IO[bytes] | None = None
        self.comp = None
        if ctx.spill_dir is not None:
            self.fh = tempfile.NamedTemporaryFile(dir=ctx.spill_dir, prefix="findings-", delete=False)  # noqa: SIM115
        else:
            self.comp = zlib.compressobj(1)
            self.compressed: list[bytes] = []

    def process(self, batch: Batch) -> None:
        ctx = self.ctx
        head, names, code_tail, kw_tail = ctx.head, ctx.names, ctx.code_tail, ctx.kw_tail
        key_json, bnd, qualities, nf = batch.key_json, batch.bounds, batch.qualities, batch.n_findings
        flines = [
            f'{head}{key_json[d]}, "category": "{names[c]}", "start": {s}, "end": {e}'
            + (code_tail[c] if r < 0 else kw_tail[r])
            for d, c, r, s, e in zip(batch.docs_l, batch.codes, batch.refs, batch.starts, batch.ends, strict=True)
        ]
        lines: list[str] = []
        i = 0  # index of the next readable document
        for doc in batch.docs:
            if doc.text is None:
                rec = {"file": ctx.file, "doc": doc.key, "category": "unreadable", "start": None, "end": None}
                lines.append(to_json({**rec, "error": doc.error}) + "\n")
                continue
            j = i
            i += 1
            if nf[j]:
                lines.extend(flines[bnd[j] : bnd[j + 1]])
            qflags = qualities[j]
            if qflags:
                kj = key_json[j] or json_key(doc.key)
                end = len(doc.text)
                for q in qflags:
                    lines.append(f'{head}{kj}, "category": "{q}", "start": 0, "end": {end}}}\n')
        if lines:
            data = "".join(lines).encode("utf-8")
            if self.fh is not None:
                self.fh.write(data)
            else:
                assert self.comp is not None
                self.compressed.append(self.comp.compress(data))

    def result(self) -> FindingsPart:
        part = FindingsPart()
        if self.fh is not None:
            self.fh.close()
            part.chunks.append(self.fh.name)
        else:
            assert self.comp is not None
            self.compressed.append(self.comp.flush())
            part.chunks.append(b"".join(self.compressed))
        return part

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
