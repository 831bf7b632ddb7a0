"""Sampling step (TC260-003 §9.2): the technical sample's verdicts and the manual sample's draw.

Why a point per document: ``sample_point(seed, file, index)`` depends on the document alone, so
the technical sample (points below ``technical_rate``) and the manual one (the ``sample_n``
lowest points, ties to the earlier document) are the same however the corpus is split; two
stretches merge by adding their counts and a stable sort of their draws by point.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Self

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.redaction import redact
from aisgf.screening.pipeline.step import Part, Step
from aisgf.screening.sampling import sample_point


@dataclass
class SamplingPart(Part):
    """``tech_selected`` / ``tech_passed``: the technical sample; ``manual``: (point, row), drawn first."""

    n: int = 0
    tech_selected: int = 0
    tech_passed: int = 0
    manual: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.tech_selected += later.tech_selected
        self.tech_passed += later.tech_passed
        if later.manual:
            self.manual = sorted(self.manual + later.manual, key=lambda e: e[0])[: self.n]
        return self


class Sampling(Step):
    name = "sampling"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.part = SamplingPart(n=self.cfg.sample_n)
        self.heap: list[tuple[float, int, dict[str, Any]]] = []  # (-point, -index, row): kept are the largest
        self.fail_on = set(self.cfg.fail_on)

    def process(self, batch: Batch) -> None:
        ctx, cfg, part, manual, fail_on = self.ctx, self.cfg, self.part, self.heap, self.fail_on
        file, seed, rate, n = ctx.file, cfg.seed, cfg.technical_rate, cfg.sample_n
        labels = batch.labels(ctx)
        for j, doc in enumerate(batch.readable):
            point = sample_point(seed, file, doc.index)
            if point < rate:
                part.tech_selected += 1
                part.tech_passed += 0 if labels[j] & fail_on else 1
            key = (-point, -doc.index)
            if len(manual) < n or key > manual[0][:2]:
                cats = set(batch.categories(ctx, j)) if batch.n_findings[j] else set()
                entry = (
                    -point,
                    -doc.index,
                    {
                        "point": point,
                        "file": file,
                        "doc": doc.key,
                        "detector_categories": " ".join(sorted(cats | set(batch.qualities[j]))),
                        "text": redact(batch.texts[j], batch.findings(ctx, j), None)[:4000],
                    },
                )
                if len(manual) < n:
                    heapq.heappush(manual, entry)
                else:
                    heapq.heapreplace(manual, entry)

    def result(self) -> SamplingPart:
        ranked = sorted(self.heap, key=lambda e: e[:2], reverse=True)
        self.part.manual = [(-neg_point, row) for neg_point, _, row in ranked]
        return self.part
