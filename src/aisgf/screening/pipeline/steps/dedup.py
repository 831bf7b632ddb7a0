"""Duplicates: per document, a digest (exact) and MinHash band keys (near), decided in corpus order.

Why two halves: whether a document repeats an earlier one depends on the whole corpus before it,
so a shard only computes its documents' keys (:class:`Dedup`, the step), and the merging process
decides, shard after shard in corpus order, against the one global set of keys
(:class:`Duplicates`, a set that spills to disk). So the first occurrence is the same, and the
duplicate lines are the same, however the corpus was split.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Self

from aisgf.screening.pipeline.batch import Batch, ShardContext, json_key, to_json
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.step import Part, Step
from aisgf.screening.quality import MinHasher, SpillingMap, text_digest

#: (document index, key, characters, exact digest or b"", near-duplicate band keys)
Entry = tuple[int, str | int, int, bytes, list[bytes]]


@dataclass
class DedupPart(Part):
    """A stretch's entries in corpus order: lists in memory, or spill files of pickled batches."""

    chunks: list[list[Entry] | str] = field(default_factory=list)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.chunks.extend(later.chunks)
        return self

    def entries(self, *, delete: bool = True) -> Iterator[Entry]:
        """The entries in order; a spill file is deleted once read (unless ``delete=False``)."""
        for chunk in self.chunks:
            if not isinstance(chunk, str):
                yield from chunk
                continue
            try:
                with open(chunk, "rb") as fh:
                    while True:
                        try:
                            batch = pickle.load(fh)  # our own file, written by this run's worker
                        except EOFError:
                            break
                        yield from batch
            finally:
                if delete:
                    os.unlink(chunk)


class Dedup(Step):
    name = "dedup"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.hasher = MinHasher() if self.cfg.near_dups else None
        self.entries: list[Entry] = []
        self.fh: IO[bytes] | None = None
        if ctx.spill_dir is not None:
            self.fh = tempfile.NamedTemporaryFile(dir=ctx.spill_dir, prefix="dedup-", delete=False)  # noqa: SIM115

    def process(self, batch: Batch) -> None:
        exact, hasher = self.cfg.exact_dups, self.hasher
        out: list[Entry] = self.entries if self.fh is None else []
        for doc, text, enc, qflags in zip(batch.readable, batch.texts, batch.encoded, batch.qualities, strict=True):
            digest = text_digest(text, enc) if exact and qflags[:1] != ["empty"] else b""
            bands = hasher.band_keys(text) if hasher is not None else []
            out.append((doc.index, doc.key, len(text), digest, bands))
        if self.fh is not None and out:
            pickle.dump(out, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def result(self) -> DedupPart:
        if self.fh is not None:
            self.fh.close()
            return DedupPart(chunks=[self.fh.name])
        return DedupPart(chunks=[self.entries])

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


class Duplicates:
    """The merging half: the first occurrence of every digest and band key so far, in corpus order."""

    def __init__(self, cfg: ScreenConfig) -> None:
        self.exact = SpillingMap(cfg.spill_limit, cfg.spill_dir) if cfg.exact_dups else None
        self.near = SpillingMap(cfg.spill_limit, cfg.spill_dir) if cfg.near_dups else None

    def resolve(self, file: str, entries: Iterator[Entry], out: IO[bytes] | None) -> Part:
        """Decide a shard's entries (of ``file``); write a line per duplicate to ``out``; count them."""
        dup_counts: Counter[str] = Counter()
        where_head = "[" + to_json(file) + ", "
        for _index, key, nchars, digest, bands in entries:
            # the json.dumps([file, key]) text, built from pieces: this runs once per document
            where = where_head + json_key(key) + "]"
            cat, of = None, None
            if self.exact is not None and digest:
                of = self.exact.first(digest, where)
                cat = "exact_duplicate" if of is not None else None
            if self.near is not None and bands:
                near_of = None
                for b in bands:
                    prev = self.near.first(b, where)
                    if near_of is None and prev is not None and prev != where:
                        near_of = prev
                if cat is None and near_of is not None:
                    cat, of = "near_duplicate", near_of
            if cat is not None and of is not None:
                dup_counts[cat] += 1
                if out is not None:
                    ref = json.loads(of)
                    rec = {
                        "file": file,
                        "doc": key,
                        "category": cat,
                        "start": 0,
                        "end": nchars,
                        "of": {"file": ref[0], "doc": ref[1]},
                    }
                    out.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        return Part(cat_findings=Counter(dup_counts), cat_docs=dup_counts)

    def close(self) -> None:
        for m in (self.exact, self.near):
            if m is not None:
                m.close()
