"""The Dask executor: shards screened on a ``dask.distributed`` cluster.

Why a window: results wait on the workers until the merger takes them in corpus order; all shards
of a big corpus submitted at once would pile their results up in the cluster's memory. So at most
two shards per worker are submitted and not yet merged. A worker has no spill directory shared
with the merger, so findings lines and duplicate keys travel inside the result.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from typing import Any

from aisgf.screening.executors.base import Executor, ProgressFn
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.shard import ShardResult, screen_shard
from aisgf.screening.pipeline.shards import Shard, shard_bytes


class DaskExecutor(Executor):
    """``dask`` is a ``dask.distributed.Client`` or a scheduler address (then closed at the end)."""

    def __init__(self, dask: Any) -> None:
        from dask.distributed import Client

        self.client = dask if isinstance(dask, Client) else Client(dask)
        self.own_client = self.client is not dask
        self.parallel = max(1, self._workers())
        self.results: Iterator[ShardResult] | None = None

    def _workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def mode(self) -> dict[str, Any]:
        return {"engine": "dask", "workers": self._workers()}

    def run(self, shards: list[Shard], cfg: ScreenConfig, advance: ProgressFn) -> Iterator[ShardResult]:
        self.results = _windowed(self.client, shards, cfg, advance)
        return self.results

    def close(self) -> None:
        if self.results is not None:
            self.results.close()  # type: ignore[attr-defined]
        if self.own_client:
            self.client.close()


def _windowed(client: Any, shards: list[Shard], cfg: ScreenConfig, advance: ProgressFn) -> Iterator[ShardResult]:
    """Results in shard order, with at most two shards per worker submitted and not yet merged."""
    cfg_future = client.scatter(cfg, broadcast=True)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    it = iter(shards)
    pending: deque[tuple[Shard, Any]] = deque()

    def submit(s: Shard) -> None:
        pending.append((s, client.submit(screen_shard, s, cfg=cfg_future, pure=False)))

    for s in itertools.islice(it, window):
        submit(s)
    try:
        while pending:
            s, fut = pending.popleft()
            r = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                submit(nxt)
            advance(shard_bytes(s))
            yield r
    finally:
        for _s, fut in pending:  # a failed merge: do not leave work running on the cluster
            fut.cancel()
