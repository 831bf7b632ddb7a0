"""Sources step: documents, documents with findings and findings per source field value.

Why a cap: a source field that differs per document (a URL) must not grow the report; the first
``MAX_SOURCES`` sources in corpus order are listed one by one, the rest counted together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Self

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.step import Part, Step

MAX_SOURCES = 1000  # sources listed one by one in a report; the rest are counted together
OTHER_SOURCES = "(other sources)"


def _entry(sources: dict[str, Counter[str]], name: str) -> Counter[str]:
    """The counters of source ``name``, or of the rest once ``MAX_SOURCES`` are listed."""
    src = sources.get(name)
    if src is None:
        name = name if len(sources) < MAX_SOURCES else OTHER_SOURCES
        src = sources.get(name) or sources.setdefault(name, Counter())
    return src


@dataclass
class SourcesPart(Part):
    sources: dict[str, Counter[str]] = field(default_factory=dict)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        mine = self.sources
        for s, c in later.sources.items():
            if s not in mine and len(mine) >= MAX_SOURCES:
                s = OTHER_SOURCES
            mine.setdefault(s, Counter()).update(c)
        return self


class Sources(Step):
    name = "sources"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.sources: dict[str, Counter[str]] = {}

    def process(self, batch: Batch) -> None:
        sources = self.sources
        # Counted per distinct source in order of first appearance: the same sources get listed
        # as when counting document by document, since only a first appearance can add one.
        for name, n in Counter(d.source for d in batch.docs).items():
            _entry(sources, name)["documents"] += n
        if batch.n_hits:
            with_findings: Counter[str] = Counter()
            findings: Counter[str] = Counter()
            for doc, n in zip(batch.readable, batch.n_findings, strict=True):
                if n:
                    with_findings[doc.source] += 1
                    findings[doc.source] += n
            for name, n in with_findings.items():
                src = _entry(sources, name)
                src["documents_with_findings"] += n
                src["findings"] += findings[name]

    def result(self) -> SourcesPart:
        return SourcesPart(sources=self.sources)
