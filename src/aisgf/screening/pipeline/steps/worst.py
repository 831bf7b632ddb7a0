"""Worst-documents step: the ``worst_k`` documents with the highest finding score.

Why a list best-first: ties go to the earlier document in corpus order, so merging two stretches
is a stable sort of the earlier's list then the later's by score, cut to ``worst_k``; the same
list comes out however the corpus is split.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.redaction import snippet
from aisgf.screening.pipeline.step import Part, Step


@dataclass
class WorstPart(Part):
    k: int = 20
    worst: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (score, item), best first

    def merge(self, later: Self) -> Self:
        super().merge(later)
        if later.worst:
            self.worst = sorted(self.worst + later.worst, key=lambda e: e[0], reverse=True)[: self.k]
        return self


class Worst(Step):
    name = "worst"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.heap: list[tuple[int, int, dict[str, Any]]] = []  # (score, -index, item), lowest first

    def process(self, batch: Batch) -> None:
        worst_k, worst, score_arr = self.cfg.worst_k, self.heap, batch.score
        if score_arr is None:
            return
        ctx, readable, score_doc = self.ctx, batch.readable, batch.score_doc
        # only documents that can enter the list are ranked: score above the list's lowest
        # (when full), and among the batch's best worst_k scores (ties kept: the index decides)
        floor = worst[0][0] if len(worst) >= worst_k else 1
        cand = np.flatnonzero(score_arr >= floor)
        if cand.shape[0] > worst_k:
            kth = np.partition(score_arr[cand], -worst_k)[-worst_k]
            cand = cand[score_arr[cand] >= kth]
        ranked = sorted(((score_doc[i], -readable[i].index, i) for i in cand.tolist()), reverse=True)
        for score, neg_index, j in ranked[:worst_k]:
            if len(worst) >= worst_k and (score, neg_index) <= worst[0][:2]:
                break
            fs = batch.findings(ctx, j)
            counted = batch.categories(ctx, j)
            counted.update(batch.qualities[j])
            item = (
                score,
                neg_index,
                {
                    "file": ctx.file,
                    "doc": readable[j].key,
                    "score": score,
                    "categories": dict(sorted(counted.items())),
                    "snippet": snippet(batch.texts[j], fs, fs[0]),
                },
            )
            if len(worst) < worst_k:
                heapq.heappush(worst, item)
            else:
                heapq.heapreplace(worst, item)

    def result(self) -> WorstPart:
        ranked = sorted(self.heap, key=lambda e: e[:2], reverse=True)
        return WorstPart(k=self.cfg.worst_k, worst=[(score, item) for score, _, item in ranked])
