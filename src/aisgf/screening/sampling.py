"""TC260-003 sampling assessments: technical sample, manual sample, pass rates and verdicts.

Why: TC260-003 §9.2 judges a corpus by samples — a manual sample of at least 4,000 items with a
pass rate of at least 96 %, and a technical sample (keywords, classifiers) of at least 10 % of the
corpus with at least 98 %. The selection must be random yet reproducible (a seed), and the same
whatever the number of workers: a document is chosen by a keyed hash of (seed, file, position),
never by the order in which workers finish. The manual sample is a CSV with an empty verdict
column that people fill in; :func:`read_verdicts` reads it back and judges it.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisgf.errors import InvalidInput, NotFound

MANUAL_MIN_ITEMS = 4000
MANUAL_MIN_PASS_RATE = 0.96
TECHNICAL_MIN_FRACTION = 0.10
TECHNICAL_MIN_PASS_RATE = 0.98
PASS_WORDS = {"pass", "passed", "ok", "yes", "y", "1", "合格", "通过", "是"}
FAIL_WORDS = {"fail", "failed", "no", "n", "0", "不合格", "不通过", "否"}
MANUAL_COLUMNS = ["sample_id", "file", "doc", "detector_categories", "text", "verdict", "note"]


def sample_point(seed: int, file: str, index: int) -> float:
    """A uniform number in [0, 1) fixed by (seed, file, position): the document's lottery ticket."""
    h = hashlib.blake2b(f"{seed}\x00{file}\x00{index}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64


def wilson_interval(passed: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion (95 % by default); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = passed / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Assessment:
    """One sampling assessment judged against the standard's (or the team's) thresholds."""

    kind: str
    size: int
    passed: int
    min_size: int
    min_pass_rate: float
    unjudged: int = 0
    population: int | None = None

    def as_dict(self) -> dict[str, Any]:
        rate = self.passed / self.size if self.size else None
        low, high = wilson_interval(self.passed, self.size)
        enough = self.size >= self.min_size
        verdict = (
            "incomplete"
            if self.unjudged
            else ("pass" if enough and rate is not None and rate >= self.min_pass_rate else "fail")
        )
        doc: dict[str, Any] = {
            "kind": self.kind,
            "size": self.size,
            "passed": self.passed,
            "failed": self.size - self.passed,
            "unjudged": self.unjudged,
            "pass_rate": rate,
            "confidence_interval_95": [low, high],
            "required_size": self.min_size,
            "required_pass_rate": self.min_pass_rate,
            "size_ok": enough,
            "verdict": verdict,
        }
        if self.population is not None:
            doc["population"] = self.population
            doc["fraction_of_corpus"] = self.size / self.population if self.population else 0.0
        return doc


def write_manual_sample(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """The manual-review sheet: UTF-8 with BOM so spreadsheet programs show Chinese correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=MANUAL_COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in MANUAL_COLUMNS})


def read_verdicts(
    path: str | Path, *, min_items: int = MANUAL_MIN_ITEMS, min_pass_rate: float = MANUAL_MIN_PASS_RATE
) -> dict[str, Any]:
    """Read a filled-in manual sample; an unknown verdict word is refused with its line."""
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"verdict file {str(path)!r} does not exist", where=str(path))
    passed = failed = unjudged = 0
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "verdict" not in reader.fieldnames:
            raise InvalidInput("the file has no 'verdict' column; is it a manual sample from --sample?", where=f"{p}:1")
        for row in reader:
            word = (row.get("verdict") or "").strip().lower()
            if not word:
                unjudged += 1
            elif word in PASS_WORDS:
                passed += 1
            elif word in FAIL_WORDS:
                failed += 1
            else:
                raise InvalidInput(
                    f"verdict {word!r} is not understood; use pass/fail (合格/不合格) or leave it empty",
                    where=f"{p}:{reader.line_num}",
                )
    a = Assessment("manual", passed + failed, passed, min_items, min_pass_rate, unjudged=unjudged)
    return a.as_dict()
