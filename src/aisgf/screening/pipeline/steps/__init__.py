"""The steps that screen a shard, in the order they see each batch.

Why this order: the scan and quality steps fill the batch's columns (findings, flags) that the
others read; the rest are independent of each other. A step the configuration does not ask for
(no duplicates, no sampling, no cleaned copy, no worst list) is not in the list at all.
"""

from __future__ import annotations

from aisgf.screening.pipeline.batch import ShardContext
from aisgf.screening.pipeline.step import Part, Step
from aisgf.screening.pipeline.steps.clean import CleanCopy, CleanPart, append_part
from aisgf.screening.pipeline.steps.dedup import Dedup, DedupPart, Duplicates
from aisgf.screening.pipeline.steps.documents import Documents, DocumentsPart
from aisgf.screening.pipeline.steps.findings import FindingsLines, FindingsPart
from aisgf.screening.pipeline.steps.quality import Quality, QualityPart
from aisgf.screening.pipeline.steps.samples import Samples, SamplesPart
from aisgf.screening.pipeline.steps.sampling import Sampling, SamplingPart
from aisgf.screening.pipeline.steps.scan import Scan, ScanPart
from aisgf.screening.pipeline.steps.sources import MAX_SOURCES, OTHER_SOURCES, Sources, SourcesPart
from aisgf.screening.pipeline.steps.worst import Worst, WorstPart


def steps_for(ctx: ShardContext) -> list[Step]:
    """The steps ``ctx.cfg`` asks for, annotators first."""
    cfg = ctx.cfg
    kinds: list[type[Step]] = [Scan, Quality, Documents, Sources, FindingsLines]
    if cfg.exact_dups or cfg.near_dups:
        kinds.append(Dedup)
    kinds.append(Samples)
    if cfg.worst_k:
        kinds.append(Worst)
    if cfg.sample_n:
        kinds.append(Sampling)
    if cfg.redact_to:
        kinds.append(CleanCopy)
    steps: list[Step] = []
    try:
        for kind in kinds:
            steps.append(kind(ctx))
    except BaseException:
        for s in steps:
            s.close()
        raise
    return steps


__all__ = [
    "MAX_SOURCES",
    "OTHER_SOURCES",
    "CleanCopy",
    "CleanPart",
    "Dedup",
    "DedupPart",
    "Documents",
    "DocumentsPart",
    "Duplicates",
    "FindingsLines",
    "FindingsPart",
    "Part",
    "Quality",
    "QualityPart",
    "Samples",
    "SamplesPart",
    "Sampling",
    "SamplingPart",
    "Scan",
    "ScanPart",
    "Sources",
    "SourcesPart",
    "Step",
    "Worst",
    "WorstPart",
    "append_part",
    "steps_for",
]
