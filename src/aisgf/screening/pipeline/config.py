"""The screening configuration, and the compiled scanner each process keeps for it.

Why apart: every step, executor and the merger read the configuration; it is plain data so it
pickles to pool and Dask workers. Compiling the scanner takes 0.1-1 s (10,000+ keywords), so each
process keeps one per configuration, keyed by a fingerprint of what it was compiled from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from aisgf.errors import InvalidInput
from aisgf.screening import detectors as dets
from aisgf.screening.engine import Scanner
from aisgf.screening.keywords import KeywordLibrary
from aisgf.screening.sampling import (
    MANUAL_MIN_ITEMS,
    MANUAL_MIN_PASS_RATE,
    TECHNICAL_MIN_FRACTION,
    TECHNICAL_MIN_PASS_RATE,
)


@dataclass
class ScreenConfig:
    """Everything a shard worker needs; plain data so it pickles to processes and Dask workers."""

    field: str = "text"
    id_field: str = "id"
    source_field: str = "source"
    lines: bool = False
    libraries: list[KeywordLibrary] = dataclasses.field(default_factory=list)
    categories: list[str] | None = None  # built-in detectors to run; None = all
    min_chars: int = 20
    max_doc_bytes: int = 16 << 20
    exact_dups: bool = True
    near_dups: bool = False
    sample_n: int = 0  # manual sample size; 0 = no sampling assessment
    seed: int = 0
    technical_rate: float = 0.105  # draw a bit over 10 % so the realised sample meets the 10 % floor
    manual_min: int = MANUAL_MIN_ITEMS
    manual_threshold: float = MANUAL_MIN_PASS_RATE
    technical_min_fraction: float = TECHNICAL_MIN_FRACTION
    technical_threshold: float = TECHNICAL_MIN_PASS_RATE
    fail_on: tuple[str, ...] = ("keyword", "secret", "sensitive_personal")
    redact_to: str | None = None
    redact_key: bytes = b""
    drop: tuple[str, ...] = ()
    samples_per_category: int = 5
    worst_k: int = 20
    batch_docs: int = 512
    # With several workers, an uncompressed JSONL/--lines file bigger than this is split into
    # byte ranges, a Parquet file into row-group ranges (smaller, down to 1 MB, when there are
    # few files); 0 = never split. Compressed files cannot be cut: each is one shard.
    shard_bytes: int = 64 << 20
    spill_limit: int = 5_000_000
    spill_dir: str | None = None

    def __post_init__(self) -> None:
        if self.categories is not None:
            unknown = sorted(set(self.categories) - set(dets.BY_CATEGORY))
            if unknown:
                raise InvalidInput(f"unknown detector categories {unknown}; known: {sorted(dets.BY_CATEGORY)}")
        if not self.redact_key:
            self.redact_key = secrets.token_bytes(16)

    def fingerprint(self) -> str:
        """Identifies the compiled scanner this configuration needs (cached: 10,000+ keywords)."""
        key = (tuple(map(id, self.libraries)), sum(len(lib.keywords) for lib in self.libraries), str(self.categories))
        cached: tuple[Any, str] | None = self.__dict__.get("_fingerprint")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_fingerprint"] = (key, self._compute_fingerprint())
        return cached[1]

    def _compute_fingerprint(self) -> str:
        h = hashlib.blake2b(digest_size=12)
        h.update(json.dumps(self.categories).encode())
        for lib in self.libraries:
            for k in lib.keywords:
                h.update(f"{k.text}\x00{k.category}\x00{k.risk_class}\x00{k.library}\x01".encode())
        return h.hexdigest()


_SCANNERS: dict[str, Scanner] = {}
# per scanner: the findings-line tail and the rule labels of each keyword found so far
_KW_PIECES: dict[str, tuple[dict[int, str], dict[int, tuple[str, str]]]] = {}


def scanner_for(cfg: ScreenConfig) -> Scanner:
    """One compiled scanner per process and configuration (compiling takes ~0.1-1 s)."""
    fp = cfg.fingerprint()
    sc = _SCANNERS.get(fp)
    if sc is None:
        chosen = [d for d in dets.DETECTORS if cfg.categories is None or d.category in cfg.categories]
        sc = Scanner(chosen, cfg.libraries)
        _SCANNERS.clear()
        _KW_PIECES.clear()
        _SCANNERS[fp] = sc
    return sc


def install_scanner(cfg: ScreenConfig, scanner: Scanner) -> None:
    """Make ``scanner`` (compiled elsewhere: the parent of a pool worker) this process's for ``cfg``."""
    _SCANNERS.clear()
    _SCANNERS[cfg.fingerprint()] = scanner


def keyword_pieces(cfg: ScreenConfig) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """Per keyword found so far: its findings-line tail and its rule labels.

    Filled as keywords are found (a library may hold 1,000,000) and kept with the scanner, so a
    keyword's pieces are formatted once per process, not once per shard.
    """
    return _KW_PIECES.setdefault(cfg.fingerprint(), ({}, {}))
