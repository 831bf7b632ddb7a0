"""What a finding means for the rules and for people: labels, weight, masks and snippets.

Why one module: the cleaned copy, the samples, the worst documents and the manual sample all
mask the same way, and ``--drop`` / ``fail_on`` name findings by the same labels.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from aisgf.screening import detectors as dets
from aisgf.screening.engine import Finding

REDACT_GROUPS = frozenset({"personal_information", "secret"})
SCORE = {"keyword": 10, "secret": 8, "sensitive_personal": 5, "personal": 1, "ip_marker": 1}
SNIPPET = 40


def labels_of(f: Finding) -> tuple[str, ...]:
    """The names a rule (--drop, fail_on) can use for a finding: category, group, sensitivity."""
    det = dets.BY_CATEGORY.get(f.category)
    if det is None:
        return (f.category, f"keyword:{f.detail}") if f.category == "keyword" else (f.category,)
    return (f.category, det.group, det.sensitivity)


def score_of(f: Finding) -> int:
    """Weight of a finding when ranking the worst documents (keywords and secrets first)."""
    det = dets.BY_CATEGORY.get(f.category)
    if det is None:
        return SCORE["keyword"] if f.category == "keyword" else 0
    return SCORE.get(det.group, SCORE.get(det.sensitivity, 0))


def placeholder(key: bytes, category: str, value: str) -> str:
    """The same value always gets the same placeholder within a run (keyed hash, not reversible)."""
    tag = hmac.new(key, f"{category}\x00{value}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:8]
    return f"[{category.upper()}_{tag}]"


def redact(text: str, findings: Iterable[Finding], key: bytes | None) -> str:
    """Mask personal information and secrets; ``key=None`` gives bare ``[CATEGORY]`` markers."""
    parts: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        det = dets.BY_CATEGORY.get(f.category)
        if det is None or det.group not in REDACT_GROUPS or f.start < pos:
            continue
        parts.append(text[pos : f.start])
        parts.append(placeholder(key, f.category, f.value) if key else f"[{f.category.upper()}]")
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


def snippet(text: str, findings: list[Finding], f: Finding) -> str:
    """``SNIPPET`` characters either side of ``f``, on one line, with every finding in it masked."""
    lo, hi = max(0, f.start - SNIPPET), min(len(text), f.end + SNIPPET)
    window = [
        Finding(x.category, x.start - lo, x.end - lo, x.detail, x.value)
        for x in findings
        if x.start >= lo and x.end <= hi
    ]
    body = redact(text[lo:hi], window, None)
    return ("…" if lo > 0 else "") + body.replace("\n", " ") + ("…" if hi < len(text) else "")
