"""Detection over files and directories, and the batch report (JSON, HTML, a readable table).

Why its own module: a platform checks thousands of received files; one bad file must become one
row with an error, never stop the run, and the summary must say what is implicit, explicit, both.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from aisgf.errors import AisgfError
from aisgf.labeling import implicit
from aisgf.labeling.formats import SIDECAR_SUFFIX
from aisgf.labeling.profile import load_profile


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files under `paths` (recursive, sorted), skipping sidecars of existing files and temp files."""
    for p in map(Path, paths):
        candidates = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in candidates:
            if f.name.endswith(".aisgf-tmp"):
                continue
            if f.name.endswith(SIDECAR_SUFFIX) and f.with_name(f.name[: -len(SIDECAR_SUFFIX)]).exists():
                continue
            yield f


def detect_all(
    paths: Iterable[Path | str],
    *,
    public_keys: list[Ed25519PublicKey] | None = None,
    progress: Callable[[Path], None] | None = None,
    c2pa_trust: bytes | None = None,
) -> list[implicit.FileLabels]:
    """detect (or verify, with keys) every file; a failure is that file's row, never the run's end."""
    results = []
    for f in iter_files(paths):
        if not f.exists():
            r = implicit.FileLabels(path=f, format=None)
            r.problems.append(implicit.Problem("unreadable", "error", "no such file"))
        elif public_keys is not None:
            r = implicit.verify(f, public_keys, c2pa_trust=c2pa_trust)
        else:
            r = _detect_guarded(f, c2pa_trust)
        results.append(r)
        if progress:
            progress(f)
    return results


def _detect_guarded(f: Path, c2pa_trust: bytes | None) -> implicit.FileLabels:
    """detect, with a last net: an unexpected library error on a hostile file becomes its row."""
    try:
        return implicit.detect(f, c2pa_trust=c2pa_trust)
    except (AisgfError, OSError, ValueError, MemoryError, RecursionError) as exc:
        r = implicit.FileLabels(path=f, format=None)
        r.problems.append(implicit.Problem("unreadable", "error", f"cannot check file: {exc}"))
        return r


def summarize(results: list[implicit.FileLabels]) -> dict[str, Any]:
    """Counts: valid implicit label, explicit label (text only), both, none; per status and format."""
    profile = load_profile()
    by_format: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for r in results:
        implicit_ok = r.status == "labeled"
        explicit_ok = bool(r.explicit)
        kind = (
            "both"
            if implicit_ok and explicit_ok
            else "implicit_only"
            if implicit_ok
            else "explicit_only"
            if explicit_ok
            else "none"
        )
        totals[kind] += 1
        totals[f"status:{r.status}"] += 1
        by_format.setdefault(r.format or "unknown", Counter())[r.status] += 1
    rules = sorted({(p.rule, p.rule_status) for r in results for p in r.problems if p.rule})
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "profile": {"id": profile.profile, "version": profile.version},
        "files": len(results),
        "valid_implicit": sum(1 for r in results if r.status == "labeled"),
        "explicit": {
            "detected": sum(1 for r in results if r.explicit),
            "note": "explicit labels are detected in text files only; images, audio and video "
            "would need OCR/ASR, so they count as not detected",
        },
        "kinds": {k: totals.get(k, 0) for k in ("both", "implicit_only", "explicit_only", "none")},
        "c2pa": sum(1 for r in results if r.c2pa),
        "status": {k.split(":", 1)[1]: v for k, v in totals.items() if k.startswith("status:")},
        "by_format": {f: dict(c) for f, c in sorted(by_format.items())},
        "rules_cited": [{"rule": r, "status": s} for r, s in rules],
    }


def c2pa_note(r: implicit.FileLabels) -> str:
    """A short 'C2PA manifest: Trusted' note for tables; empty when the file has no manifest."""
    return f" (C2PA manifest: {r.c2pa.get('validation_state') or 'unreadable'})" if r.c2pa else ""


def to_json(results: list[implicit.FileLabels]) -> str:
    return json.dumps(
        {"summary": summarize(results), "files": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2
    )


def to_html(results: list[implicit.FileLabels]) -> str:
    s = summarize(results)
    e = html.escape
    rows = "".join(
        f"<tr class='{e(r.status)}'><td>{e(str(r.path))}</td><td>{e(r.format or '')}</td>"
        f"<td>{e(r.status)}</td>"
        f"<td>{e(', '.join(c.location for c in r.copies))}{e(c2pa_note(r))}</td>"
        f"<td>{e('; '.join(f'{p.severity}: {p.message}' + (f' [{p.rule}, {p.rule_status}]' if p.rule else '') for p in r.problems))}</td></tr>"  # noqa: E501
        for r in results
    )
    fmt_rows = "".join(
        f"<tr><td>{e(f)}</td><td>{e(json.dumps(c, ensure_ascii=False))}</td></tr>"
        for f, c in s["by_format"].items()
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>AIGC label report</title>
<style>body{{font-family:sans-serif}}td,th{{border:1px solid #ccc;padding:4px}}
table{{border-collapse:collapse}}.invalid,.unreadable{{background:#fdd}}.labeled{{background:#dfd}}</style></head>
<body><h1>AIGC label report / 生成合成内容标识检测报告</h1>
<p>Profile {e(s["profile"]["id"])} {e(s["profile"]["version"])}; {s["files"]} files; valid implicit label:
{s["valid_implicit"]}; both: {s["kinds"]["both"]}; implicit only: {s["kinds"]["implicit_only"]};
explicit only: {s["kinds"]["explicit_only"]}; none: {s["kinds"]["none"]}; with a C2PA manifest: {s["c2pa"]}.</p>
<p>{e(s["explicit"]["note"])}</p>
<h2>By format</h2><table><tr><th>format</th><th>status counts</th></tr>{fmt_rows}</table>
<h2>Files</h2><table><tr><th>file</th><th>format</th><th>status</th><th>locations</th><th>problems</th></tr>
{rows}</table></body></html>"""
