"""Samples step: the first few findings of each category, in corpus order, as masked snippets.

Why the first ones: they are the same however the corpus is split (a merge keeps the earlier
stretch's and tops up from the later one), and a reader sees real context for each category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import numpy as np

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.redaction import snippet
from aisgf.screening.pipeline.step import Part, Step


@dataclass
class SamplesPart(Part):
    limit: int = 5
    samples: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        for cat, lst in later.samples.items():
            mine = self.samples.setdefault(cat, [])
            mine.extend(lst[: max(0, self.limit - len(mine))])
        return self


class Samples(Step):
    name = "samples"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.part = SamplesPart(limit=self.cfg.samples_per_category)
        self.full: set[str] = set()  # categories with all their samples

    def process(self, batch: Batch) -> None:
        ctx = self.ctx
        if not batch.n_hits or len(self.full) >= len(ctx.names):
            return
        samples, limit, h_code = self.part.samples, self.part.limit, batch.hits_code
        docs_l, bnd = batch.docs_l, batch.bounds
        present, first = np.unique(h_code, return_index=True)
        for c in present[np.argsort(first)].tolist():
            cat = ctx.names[c]
            if cat in self.full:
                continue
            lst = samples.setdefault(cat, [])
            for k in np.flatnonzero(h_code == c)[: max(0, limit - len(lst))].tolist():
                j = docs_l[k]
                fs = batch.findings(ctx, j)
                lst.append(snippet(batch.texts[j], fs, fs[k - bnd[j]]))
            if len(lst) >= limit:
                self.full.add(cat)

    def result(self) -> SamplesPart:
        return self.part
