"""A screening run: plan the shards, screen them with an executor, merge the results in order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from aisgf.screening.executors.base import Executor
from aisgf.screening.executors.local import LocalExecutor
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.merge import Merger
from aisgf.screening.pipeline.shard import ShardResult
from aisgf.screening.pipeline.shards import plan_shards, shard_bytes
from aisgf.screening.sampling import write_manual_sample


def run_screen(
    paths: list[str],
    cfg: ScreenConfig,
    *,
    workers: int = 1,
    dask: Any = None,
    findings_path: str | None = None,
    sample_path: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Screen files/dirs/globs and return the report (also writing findings / sample / clean copy).

    ``dask`` is a ``dask.distributed.Client`` or a scheduler address; otherwise ``workers``
    processes on this machine (1 = in this process).
    """
    t0 = time.perf_counter()
    executor: Executor
    if dask is not None:
        from aisgf.screening.executors.dask import DaskExecutor

        executor = DaskExecutor(dask)
    else:
        executor = LocalExecutor(workers, cfg.spill_dir)
    try:
        shards = plan_shards(paths, cfg=cfg)
        total = sum(shard_bytes(s) for s in shards)
        if executor.parallel > 1 and cfg.shard_bytes > 0:
            # about two ranges per worker for a single big file, never more than shard_bytes each
            target = min(cfg.shard_bytes, max(1 << 20, -(-total // (2 * executor.parallel))))
            shards = plan_shards(paths, cfg=cfg, split_bytes=target)
        merger = Merger(cfg, findings_path)
    except BaseException:
        executor.close()
        raise
    prog: Any = None
    task: Any = None

    def advance(n: int) -> None:
        if prog is not None:
            prog.advance(task, n)

    try:
        # the pool starts here, before a progress bar's thread exists (see executors.local)
        results: Iterator[ShardResult] = executor.run(shards, cfg, advance)
        mode = executor.mode()
        if progress:
            prog = _progress_bar()
            prog.start()
            task = prog.add_task("screen", total=total)
        for r in results:
            merger.add(r)
    finally:
        executor.close()
        merger.close()
        if prog is not None:
            prog.stop()
    rep = merger.report()
    if cfg.sample_n and sample_path:
        write_manual_sample(sample_path, merger.manual_rows())
        rep["sampling"]["manual"]["file"] = sample_path
    secs = time.perf_counter() - t0
    rep["run"] = {
        **mode,
        "seconds": round(secs, 3),
        "input_bytes": total,
        "mb_per_s": round(rep["totals"]["bytes"] / 1e6 / secs, 2) if secs > 0 else None,
    }
    return rep


def _progress_bar() -> Any:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return Progress(
        TextColumn("screening"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )
