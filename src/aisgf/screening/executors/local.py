"""The local executor: shards screened in this process, or in a pool of processes on this machine.

Why fork when it can: the scanner is compiled once, in the parent; a forked worker starts in
milliseconds with it already in memory. Forking is only safe while this process runs a single
thread (a Dask client or another library may have started some); otherwise workers are spawned and
handed the serialised databases through a file (never recompiled). Workers count the bytes they
read in a shared counter, so the progress bar moves within a file. The parts that grow with a
shard (findings lines, duplicate keys) go to files in the run's spill directory, so memory stays
bounded however big one file is.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

from aisgf.screening.executors.base import Executor, ProgressFn
from aisgf.screening.pipeline.config import ScreenConfig, install_scanner, scanner_for
from aisgf.screening.pipeline.shard import ShardResult, screen_shard
from aisgf.screening.pipeline.shards import Shard, shard_bytes
from aisgf.screening.quality import MinHasher, doc_stats


def screen_counted(shard: Shard, cfg: ScreenConfig, add: ProgressFn, spill_dir: str | None = None) -> ShardResult:
    """screen_shard that reports bytes as it reads, and tops up to the shard's size at the end."""
    seen = 0

    def on_bytes(n: int) -> None:
        nonlocal seen
        seen += n
        add(n)

    r = screen_shard(shard, cfg, on_bytes, spill_dir)
    rest = shard_bytes(shard) - seen
    if rest > 0:
        add(rest)
    return r


class LocalExecutor(Executor):
    """``workers`` processes on this machine; 1 (or a single shard) runs in this process."""

    def __init__(self, workers: int = 1, spill_dir: str | None = None) -> None:
        self.workers = max(1, workers)
        self.parallel = self.workers
        self.spill_parent = spill_dir
        self.spill: tempfile.TemporaryDirectory[str] | None = None
        self.results: Any = None

    def mode(self) -> dict[str, Any]:
        return {"engine": "processes" if self.workers > 1 else "single-process", "workers": self.workers}

    def run(self, shards: list[Shard], cfg: ScreenConfig, advance: ProgressFn) -> Iterator[ShardResult]:
        """Results in shard order. The pool starts *now* (before a progress bar adds its thread)."""
        self.spill = tempfile.TemporaryDirectory(prefix="aisgf-spill-", dir=self.spill_parent)
        spill_dir = self.spill.name
        if self.workers <= 1 or len(shards) == 1:
            self.results = (screen_counted(s, cfg, advance, spill_dir) for s in shards)
        else:
            self.results = _start_pool(shards, cfg, self.workers, advance, spill_dir)
        return self.results

    def close(self) -> None:
        close = getattr(self.results, "close", None)
        if close is not None:
            close()  # stops a pool that is still running when the merge failed
        if self.spill is not None:
            self.spill.cleanup()
            self.spill = None


_WORKER: dict[str, Any] = {}


def _warm_up(scanner: Any, cfg: ScreenConfig) -> None:
    """Call every native kernel once (numba loads machine code from its cache on first call, ~0.5 s)."""
    text = "警告 sarin 13812345678 a@b.cn 1.2.3.4 fe80::1 2001:db8::1 6222021234567890128 (010)62345678 ok"
    scanner.scan_columns([text, ""])
    encoded = [text.encode("utf-8")]
    doc_stats([text], encoded)
    if cfg.near_dups:
        MinHasher().band_keys(text)


_FORKED: tuple[ScreenConfig, Any] | None = None  # set just before forking workers


def _init_worker(blob: str | None, counter: Any, spill_dir: str | None = None) -> None:
    """Pool worker start: configuration and compiled scanner (serialised databases) from a file.

    Why a file and not the initializer arguments: those travel through the pipe that starts the
    process, and the parent blocks writing megabytes (10,000 keywords) until the child has
    imported everything — so the workers would start one after another instead of together.
    """
    if blob is None:  # forked: the parent's compiled scanner is already in this process's memory
        assert _FORKED is not None
        cfg, scanner = _FORKED
    else:
        with open(blob, "rb") as fh:
            cfg, scanner = pickle.load(fh)
    install_scanner(cfg, scanner)
    _WORKER.update(cfg=cfg, counter=counter, spill=spill_dir)


def _worker_add(n: int) -> None:
    counter = _WORKER["counter"]
    with counter.get_lock():
        counter.value += n


def _work(shard: Shard) -> ShardResult:
    return screen_counted(shard, _WORKER["cfg"], _worker_add, _WORKER.get("spill"))


def _start_pool(
    shards: list[Shard], cfg: ScreenConfig, workers: int, advance: ProgressFn, spill_dir: str | None
) -> _PoolResults:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED
    # fork starts a worker in milliseconds with the compiled scanner already in memory, but is
    # only safe while this process runs a single thread (a Dask client or another library may
    # have started some); otherwise spawn, which imports afresh (~0.3 s per worker) and loads
    # the serialised databases from a file. The scanner is compiled once, here.
    use_fork = sys.platform == "linux" and threading.active_count() == 1
    ctx = mp.get_context("fork" if use_fork else "spawn")
    counter = ctx.Value("q", 0)
    scanner = scanner_for(cfg)
    if use_fork:
        _warm_up(scanner, cfg)  # the children inherit the loaded machine code instead of each loading it
    tmp = tempfile.TemporaryDirectory(prefix="aisgf-screen-")
    blob: str | None = None
    if use_fork:
        _FORKED = (cfg, scanner)
    else:
        blob = os.path.join(tmp.name, "scanner.pickle")
        with open(blob, "wb") as fh:
            pickle.dump((cfg, scanner), fh, protocol=pickle.HIGHEST_PROTOCOL)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(blob, counter, spill_dir)
    )
    it = iter(shards)
    if use_fork:
        # The children's garbage collector would otherwise walk (and so copy, page by page) every
        # object they inherit; frozen objects are left alone. The parent unfreezes after forking.
        gc.freeze()
    try:
        pending = deque(pool.submit(_work, s) for s in itertools.islice(it, workers * 2))
    finally:
        if use_fork:
            gc.unfreeze()
    _FORKED = None  # a fork pool starts all its workers at the first submit; they hold their copy
    return _PoolResults(pool, tmp, _drain(pool, tmp, pending, it, counter, advance))


class _PoolResults:
    """The pool's results; ``close()`` stops the pool even if iteration never began."""

    def __init__(self, pool: Any, tmp: tempfile.TemporaryDirectory[str], results: Iterator[ShardResult]) -> None:
        self.pool, self.tmp, self.results = pool, tmp, results

    def __iter__(self) -> Iterator[ShardResult]:
        return self.results

    def __next__(self) -> ShardResult:
        return next(self.results)

    def close(self) -> None:
        self.results.close()  # type: ignore[attr-defined]
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.tmp.cleanup()


def _drain(
    pool: Any,
    tmp: tempfile.TemporaryDirectory[str],
    pending: deque[Any],
    it: Iterator[Shard],
    counter: Any,
    advance: ProgressFn,
) -> Iterator[ShardResult]:
    """Yield pool results in order, keeping two shards per worker queued; poll the byte counter."""
    from concurrent.futures import FIRST_COMPLETED, wait

    shown = 0

    def show() -> None:
        nonlocal shown
        now = counter.value
        if now > shown:
            advance(now - shown)
            shown = now

    try:
        while pending:
            fut = pending[0]
            while not fut.done():
                wait([fut], timeout=0.25, return_when=FIRST_COMPLETED)
                show()
            pending.popleft()
            r = fut.result()
            show()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_work, nxt))
            yield r
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        tmp.cleanup()
