"""Bounded memory: one big compressed file (a single shard) costs about as much memory as a small one.

Why: a shard is a whole file when it cannot be split (compressed, or one process); its findings
lines and duplicate-detection entries grow with the file, so on this machine they go to the run's
spill directory instead of memory. Measured as the peak RSS of a fresh process screening 10,000
versus 200,000 documents (about 6 and 120 MB of JSONL, gzip-compressed), each with findings.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import resource, sys
from aisgf.screening.pipeline import ScreenConfig, run_screen
cfg = ScreenConfig(spill_limit=5000, spill_dir=sys.argv[3])
rep = run_screen([sys.argv[1]], cfg, workers=1, findings_path=sys.argv[2])
assert rep["totals"]["documents"] == int(sys.argv[4]), rep["totals"]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_rss_mb(tmp: Path, n: int) -> float:
    path = tmp / f"c{n}.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for i in range(n):
            text = f"第{i}号记录：联系人电话1381234{i % 10000:04d}，邮箱user{i}@example.com，其余是正文内容{i * 7919}。"
            fh.write(json.dumps({"id": f"d{i}", "text": text * 3, "source": f"https://example.com/{i}"}) + "\n")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), str(tmp / f"f{n}.jsonl"), str(tmp), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    findings = (tmp / f"f{n}.jsonl").stat().st_size
    assert findings > n * 100  # every document has findings, all written
    return int(out.stdout.split()[-1]) / 1024


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_one_big_shard_in_bounded_memory(tmp_path: Path) -> None:
    small = _peak_rss_mb(tmp_path, 10_000)
    big = _peak_rss_mb(tmp_path, 200_000)
    # kept in memory, the 190,000 extra documents' dedup entries and findings would add ~50 MB
    assert big - small < 15, (small, big)
