"""Training-data screening (framework §4.1.2(b)-(e); TC260-003 §8.1 and §9.2), usable with no database.

Why a library first: the same engine runs from Python, from ``aisgf screen`` and inside a Dask job;
the registry only stores its JSON report as evidence. Typical use::

    from aisgf.screening import ScreenConfig, load_library, run_screen
    cfg = ScreenConfig(field="text", libraries=[load_library("example:cbrn")], sample_n=4000)
    report = run_screen(["corpus/*.jsonl.zst"], cfg, workers=4, findings_path="findings.jsonl")
"""

from aisgf.screening.engine import Finding, Scanner
from aisgf.screening.keywords import KeywordLibrary, load_libraries, load_library
from aisgf.screening.pipeline import ScreenConfig, redact, run_screen, screen_shard
from aisgf.screening.report import render_html, write_html, write_json
from aisgf.screening.sampling import read_verdicts, wilson_interval

__all__ = [
    "Finding",
    "KeywordLibrary",
    "Scanner",
    "ScreenConfig",
    "load_libraries",
    "load_library",
    "read_verdicts",
    "redact",
    "render_html",
    "run_screen",
    "screen_shard",
    "wilson_interval",
    "write_html",
    "write_json",
]
