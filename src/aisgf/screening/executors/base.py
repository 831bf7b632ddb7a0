"""What every executor offers the run: how many shards it screens at once, and results in order."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any

from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.shard import ShardResult
from aisgf.screening.pipeline.shards import Shard

ProgressFn = Callable[[int], None]


class Executor(ABC):
    #: shards screened at once (the run cuts big files so that each of them is kept busy)
    parallel: int = 1

    @abstractmethod
    def mode(self) -> dict[str, Any]:
        """How the run was executed, for the report's ``run`` section."""

    @abstractmethod
    def run(self, shards: list[Shard], cfg: ScreenConfig, advance: ProgressFn) -> Iterator[ShardResult]:
        """The shards' results in shard order; ``advance(n)`` as ``n`` more input bytes are read.

        Work may start before the iterator is first advanced (a pool starts its workers at once);
        :meth:`close` stops it either way.
        """

    def close(self) -> None:
        """Stop any work still running and release what the run held."""
        return None
