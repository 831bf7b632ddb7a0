"""Screening one shard: read it in batches, hand each batch to the steps, collect their parts.

Why a pure function: the result depends on the shard alone, so the same function runs in this
process, in a pool worker or on a Dask worker, and the merger need not know which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.shards import Shard
from aisgf.screening.pipeline.step import Part
from aisgf.screening.pipeline.steps import steps_for
from aisgf.screening.pipeline.steps.findings import FindingsPart
from aisgf.screening.readers import Doc, read_docs


@dataclass
class ShardResult:
    """The parts of one shard's steps, by step name (plain data: it pickles between processes)."""

    shard: Shard
    parts: dict[str, Part] = field(default_factory=dict)

    def _sum(self, attr: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for p in self.parts.values():
            out.update(getattr(p, attr))
        return out

    @property
    def counts(self) -> Counter[str]:
        """The report's totals for this shard (documents, bytes, written, …), over all steps."""
        return self._sum("counts")

    @property
    def cat_findings(self) -> Counter[str]:
        """Findings per category, over all steps (duplicates are decided later, by the merger)."""
        return self._sum("cat_findings")

    @property
    def findings(self) -> bytes:
        """The shard's findings lines (read from memory or the spill file, which stays)."""
        part = self.parts.get("findings")
        return part.jsonl() if isinstance(part, FindingsPart) else b""


def _batches(docs: Iterator[Doc], size: int) -> Iterator[list[Doc]]:
    batch: list[Doc] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def screen_shard(
    shard: Shard, cfg: ScreenConfig, on_bytes: Callable[[int], None] | None = None, spill_dir: str | None = None
) -> ShardResult:
    """Screen one file, or a range of a file. Pure: the result depends on this shard alone.

    ``spill_dir`` (on this machine): the steps whose output grows with the shard (findings lines,
    duplicate keys) write it to files there instead of memory; the merger reads and deletes them.
    """
    ctx = ShardContext(shard, cfg, spill_dir)
    steps = steps_for(ctx)
    try:
        docs = read_docs(
            shard.path,
            shard.root,
            field=cfg.field,
            id_field=cfg.id_field,
            source_field=cfg.source_field,
            lines=cfg.lines,
            max_doc_bytes=cfg.max_doc_bytes,
            start=shard.start,
            end=shard.end,
            first_index=shard.first_index,
            on_bytes=on_bytes,
        )
        for docs_batch in _batches(docs, cfg.batch_docs):
            batch = Batch.of(docs_batch)
            for step in steps:
                step.process(batch)
        return ShardResult(shard, {step.name: step.result() for step in steps})
    finally:
        for step in steps:
            step.close()
