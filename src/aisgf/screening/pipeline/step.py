"""A pipeline step: one job of screening a shard, with its own counters and its own merge.

Why this contract: a shard is screened by a list of steps, each fed every batch in corpus order
(:meth:`Step.process`), and each hands back its :class:`Part` at the end: plain data that pickles
to the merging process. A part knows how to absorb the part of the stretch of corpus right after
its own (:meth:`Part.merge`), so the report is the same whether the corpus ran as one shard or as
many, in this process, a pool or on Dask: merging is associative, and the merger folds parts in
corpus order. The steps that write files (findings, cleaned copy) leave their output beside the
part; the merger joins those in order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Self

from aisgf.screening.pipeline.batch import Batch, ShardContext


@dataclass
class Part:
    """A step's result for a stretch of the corpus: its report counters, merged by adding them.

    ``counts`` feed the report's totals, ``cat_findings`` / ``cat_docs`` its categories (findings
    and documents per category). Subclasses add what else they keep, and extend :meth:`merge`.
    """

    counts: Counter[str] = field(default_factory=Counter)
    cat_findings: Counter[str] = field(default_factory=Counter)
    cat_docs: Counter[str] = field(default_factory=Counter)

    def merge(self, later: Self) -> Self:
        """Absorb the part of the stretch right after this one (in corpus order); returns ``self``."""
        self.counts.update(later.counts)
        self.cat_findings.update(later.cat_findings)
        self.cat_docs.update(later.cat_docs)
        return self


class Step(ABC):
    """One job over a shard's batches; ``name`` keys its part in a :class:`ShardResult`."""

    name: ClassVar[str]

    def __init__(self, ctx: ShardContext) -> None:
        self.ctx = ctx
        self.cfg = ctx.cfg

    @abstractmethod
    def process(self, batch: Batch) -> None:
        """Take one batch (documents in corpus order); earlier steps have filled their columns."""

    @abstractmethod
    def result(self) -> Part:
        """The shard's part, once every batch went through; files it wrote are complete."""

    def close(self) -> None:
        """Release open files (called after :meth:`result`, or when the shard failed)."""
        return None
