"""The screening pipeline: shards in, one merged report out — on one core, all cores, or Dask.

Why this shape: a shard (a file, or a range of a big one: :mod:`.shards`) is screened by a pure
function, :func:`screen_shard`, that reads it in batches and hands each batch, as columns
(:mod:`.batch`), to a list of small steps (:mod:`.steps`: scan, quality, documents, sources,
findings lines, duplicate keys, samples, worst documents, sampling, cleaned copy). Each step keeps
its own counters and returns them as a *part* that knows how to merge with the part of the next
stretch of corpus (:mod:`.step`). The :class:`Merger` folds parts *in corpus order*, so exact/near
duplicate decisions, worst-document ties, samples, the findings file and the cleaned copy are
byte-for-byte the same whether the shards ran in this process, in a process pool or on a Dask
cluster (:mod:`aisgf.screening.executors`), split or not. The only global state — the duplicate
digests — lives in the merging process, in a set that spills to disk.

Bad input decision: a malformed document (invalid JSON, missing field, oversized line, truncated
compressed stream) is *not* an exception: it becomes an ``unreadable`` finding naming file and
line, is counted in the report, left out of the cleaned copy, and the run goes on. Mistakes the
user must fix first (a bad keyword library, a missing input) raise :mod:`aisgf.errors`.
"""

from aisgf.screening.pipeline.config import ScreenConfig, scanner_for
from aisgf.screening.pipeline.merge import Merger
from aisgf.screening.pipeline.redaction import labels_of, placeholder, redact
from aisgf.screening.pipeline.run import run_screen
from aisgf.screening.pipeline.shard import ShardResult, screen_shard
from aisgf.screening.pipeline.shards import Shard, plan_shards, shard_bytes
from aisgf.screening.pipeline.steps.sources import MAX_SOURCES, OTHER_SOURCES

QUALITY_CATEGORIES = (
    "empty",
    "too_short",
    "control_chars",
    "mojibake",
    "invalid_utf8",
    "language_mix",
    "exact_duplicate",
    "near_duplicate",
    "unreadable",
)

__all__ = [
    "MAX_SOURCES",
    "OTHER_SOURCES",
    "QUALITY_CATEGORIES",
    "Merger",
    "ScreenConfig",
    "Shard",
    "ShardResult",
    "labels_of",
    "placeholder",
    "plan_shards",
    "redact",
    "run_screen",
    "scanner_for",
    "screen_shard",
    "shard_bytes",
]
