"""Executors: where a run's shards are screened — this process, a local process pool, or Dask.

Why apart from the steps: a step knows one batch of one shard; an executor knows processes and
clusters. Each yields :class:`ShardResult` in shard order (the merger needs corpus order), moves
the progress bar by bytes, and stops its workers on ``close()`` even if the merge failed.
"""

from __future__ import annotations

from aisgf.screening.executors.base import Executor, ProgressFn
from aisgf.screening.executors.local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "ProgressFn"]
