"""The screening pipeline: shards in, one merged report out — on one core, all cores, or Dask.

Why this shape: a shard (one input file) is screened by a pure function, :func:`screen_shard`,
that returns everything the report needs as plain data. The parent merges shard results *in
corpus order*, so exact/near-duplicate decisions, worst-document ties and samples are the same
whether the shards ran in this process, in a process pool or on a Dask cluster. The only global
state — the duplicate digests — lives in the merging process, in a set that spills to disk.

Bad input decision: a malformed document (invalid JSON, missing field, oversized line, truncated
compressed stream) is *not* an exception: it becomes an ``unreadable`` finding naming file and
line, is counted in the report, left out of the cleaned copy, and the run goes on. Mistakes the
user must fix first (a bad keyword library, a missing input) raise :mod:`aisgf.errors`.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import heapq
import hmac
import io
import json
import os
import secrets
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisgf.errors import InvalidInput
from aisgf.screening import detectors as dets
from aisgf.screening.engine import Finding, Scanner
from aisgf.screening.keywords import KeywordLibrary
from aisgf.screening.quality import MinHasher, SpillingMap, language_of, quality_flags, text_digest
from aisgf.screening.readers import Doc, expand_inputs, open_binary_write, read_docs, split_format
from aisgf.screening.sampling import (
    MANUAL_MIN_ITEMS,
    MANUAL_MIN_PASS_RATE,
    TECHNICAL_MIN_FRACTION,
    TECHNICAL_MIN_PASS_RATE,
    Assessment,
    sample_point,
    write_manual_sample,
)

QUALITY_CATEGORIES = (
    "empty",
    "too_short",
    "control_chars",
    "mojibake",
    "invalid_utf8",
    "language_mix",
    "exact_duplicate",
    "near_duplicate",
    "unreadable",
)
REDACT_GROUPS = frozenset({"personal_information", "secret"})
SCORE = {"keyword": 10, "secret": 8, "sensitive_personal": 5, "personal": 1, "ip_marker": 1}
SNIPPET = 40


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
        h = hashlib.blake2b(digest_size=12)
        h.update(json.dumps(self.categories).encode())
        for lib in self.libraries:
            for k in lib.keywords:
                h.update(f"{k.text}\x00{k.category}\x00{k.risk_class}\x00{k.library}\x01".encode())
        return h.hexdigest()


@dataclass(frozen=True)
class Shard:
    path: str
    root: str
    out_rel: str  # path of the cleaned copy relative to --redact-to


@dataclass
class ShardResult:
    shard: Shard
    counts: Counter[str] = field(default_factory=Counter)
    cat_findings: Counter[str] = field(default_factory=Counter)
    cat_docs: Counter[str] = field(default_factory=Counter)
    library_categories: Counter[str] = field(default_factory=Counter)
    sources: dict[str, Counter[str]] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    findings: bytes = b""  # zlib-compressed JSON Lines
    dedup: list[tuple[int, str | int, int, bytes, list[bytes]]] = field(default_factory=list)
    worst: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)
    manual: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    tech_selected: int = 0
    tech_passed: int = 0


_SCANNERS: dict[str, Scanner] = {}


def _scanner(cfg: ScreenConfig) -> Scanner:
    """One compiled scanner per process and configuration (compiling takes ~0.1-1 s)."""
    fp = cfg.fingerprint()
    sc = _SCANNERS.get(fp)
    if sc is None:
        chosen = [d for d in dets.DETECTORS if cfg.categories is None or d.category in cfg.categories]
        sc = Scanner(chosen, cfg.libraries)
        _SCANNERS.clear()
        _SCANNERS[fp] = sc
    return sc


def labels_of(f: Finding) -> tuple[str, ...]:
    """The names a rule (--drop, fail_on) can use for a finding: category, group, sensitivity."""
    det = dets.BY_CATEGORY.get(f.category)
    if det is None:
        return (f.category, f"keyword:{f.detail}") if f.category == "keyword" else (f.category,)
    return (f.category, det.group, det.sensitivity)


def _score(f: Finding) -> int:
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


def _snippet(text: str, findings: list[Finding], f: Finding) -> str:
    lo, hi = max(0, f.start - SNIPPET), min(len(text), f.end + SNIPPET)
    window = [
        Finding(x.category, x.start - lo, x.end - lo, x.detail, x.value)
        for x in findings
        if x.start >= lo and x.end <= hi
    ]
    body = redact(text[lo:hi], window, None)
    return ("…" if lo > 0 else "") + body.replace("\n", " ") + ("…" if hi < len(text) else "")


class _CleanWriter:
    """Writes the cleaned copy of one shard in its own format and compression."""

    def __init__(self, shard: Shard, cfg: ScreenConfig) -> None:
        assert cfg.redact_to is not None
        self.fmt, comp = split_format(shard.path)
        self.path = Path(cfg.redact_to) / shard.out_rel
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.cfg = cfg
        self.rows: list[dict[str, Any]] = []
        self.pq_writer: Any = None
        self.csv_writer: csv.DictWriter[str] | None = None
        self.fh = None if self.fmt == "parquet" else open_binary_write(str(self.path), comp)
        self.text_fh: io.TextIOWrapper | None = None
        self.src = shard.path

    def write(self, doc: Doc, text: str) -> None:
        if self.fmt == "parquet":
            assert doc.record is not None
            self.rows.append({**doc.record, self.cfg.field: text})
            if len(self.rows) >= 2048:
                self._flush_parquet()
            return
        assert self.fh is not None
        if self.fmt == "jsonl":
            assert doc.record is not None
            rec = {**doc.record, self.cfg.field: text}
            self.fh.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        elif self.fmt == "csv":
            assert doc.record is not None
            if self.csv_writer is None:
                self.text_fh = io.TextIOWrapper(self.fh, encoding="utf-8", newline="")  # type: ignore[arg-type]
                delim = "\t" if ".tsv" in Path(self.src).suffixes else ","
                self.csv_writer = csv.DictWriter(self.text_fh, fieldnames=list(doc.record), delimiter=delim)
                self.csv_writer.writeheader()
            self.csv_writer.writerow({**doc.record, self.cfg.field: text})
        elif self.cfg.lines:
            self.fh.write(text.encode("utf-8") + b"\n")
        else:
            self.fh.write(text.encode("utf-8"))

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.rows:
            return
        if self.pq_writer is None:
            schema = pq.ParquetFile(self.src).schema_arrow
            self.pq_writer = pq.ParquetWriter(str(self.path), schema)
        self.pq_writer.write_table(pa.Table.from_pylist(self.rows, schema=self.pq_writer.schema))
        self.rows = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush_parquet()
            if self.pq_writer is not None:
                self.pq_writer.close()
            return
        if self.text_fh is not None:
            self.text_fh.flush()
            self.text_fh.detach()
        assert self.fh is not None
        self.fh.close()


def _batches(docs: Iterator[Doc], size: int) -> Iterator[list[Doc]]:
    batch: list[Doc] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def screen_shard(shard: Shard, cfg: ScreenConfig) -> ShardResult:
    """Screen one file. Pure with respect to the corpus: the result depends on this file alone."""
    scanner = _scanner(cfg)
    res = ShardResult(shard)
    out = io.BytesIO()
    comp = zlib.compressobj(6)
    hasher = MinHasher() if cfg.near_dups else None
    writer = _CleanWriter(shard, cfg) if cfg.redact_to else None
    drop = set(cfg.drop)
    fail_on = set(cfg.fail_on)
    kw = scanner.keywords
    worst: list[tuple[int, int, dict[str, Any]]] = []
    manual: list[tuple[float, int, dict[str, Any]]] = []
    file = shard.path

    def emit(rec: dict[str, Any]) -> None:
        out.write(comp.compress(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n"))

    docs = read_docs(
        file,
        shard.root,
        field=cfg.field,
        id_field=cfg.id_field,
        source_field=cfg.source_field,
        lines=cfg.lines,
        max_doc_bytes=cfg.max_doc_bytes,
    )
    for batch in _batches(docs, cfg.batch_docs):
        texts = [d.text for d in batch if d.text is not None]
        scanned = iter(scanner.scan_batch(texts)) if texts else iter(())
        for doc in batch:
            res.counts["documents"] += 1
            src = res.sources.setdefault(doc.source, Counter())
            src["documents"] += 1
            if doc.text is None:
                res.counts["unreadable"] += 1
                res.cat_findings["unreadable"] += 1
                res.cat_docs["unreadable"] += 1
                if len(res.errors) < 50:
                    res.errors.append({"doc": doc.key, "line": doc.index + 1, "error": doc.error})
                emit(
                    {
                        "file": file,
                        "doc": doc.key,
                        "category": "unreadable",
                        "start": None,
                        "end": None,
                        "error": doc.error,
                    }
                )
                continue
            text = doc.text
            findings = next(scanned)
            nbytes = len(text.encode("utf-8", "replace"))
            res.counts["bytes"] += nbytes
            res.counts["chars"] += len(text)
            doc_cats: Counter[str] = Counter()
            labels: set[str] = set()
            for f in findings:
                doc_cats[f.category] += 1
                labels.update(labels_of(f))
                rec: dict[str, Any] = {
                    "file": file,
                    "doc": doc.key,
                    "category": f.category,
                    "start": f.start,
                    "end": f.end,
                }
                if f.category == "keyword":
                    k = kw[f.ref]
                    rec.update(library_category=k.category, risk_class=k.risk_class, library=k.library)
                    res.library_categories[k.category] += 1
                else:
                    det = dets.BY_CATEGORY[f.category]
                    rec.update(group=det.group, sensitivity=det.sensitivity)
                emit(rec)
            qflags = quality_flags(text, cfg.min_chars)
            if doc.invalid_utf8:
                qflags.append("invalid_utf8")
            lang = language_of(text) if text.strip() else "other"
            res.languages[lang] += 1
            if lang == "mixed":
                qflags.append("language_mix")
            for q in qflags:
                doc_cats[q] += 1
                emit({"file": file, "doc": doc.key, "category": q, "start": 0, "end": len(text)})
            for cat, n in doc_cats.items():
                res.cat_findings[cat] += n
                res.cat_docs[cat] += 1
            serious = [f for f in findings if f.category in dets.BY_CATEGORY or f.category == "keyword"]
            if serious:
                res.counts["documents_with_findings"] += 1
                src["documents_with_findings"] += 1
                src["findings"] += len(serious)
            if qflags:
                res.counts["documents_with_quality_issues"] += 1
            # samples: first few per category, redacted
            for f in findings:
                lst = res.samples.setdefault(f.category, [])
                if len(lst) < cfg.samples_per_category:
                    lst.append(_snippet(text, findings, f))
            score = sum(_score(f) for f in findings)
            if score > 0 and (len(worst) < cfg.worst_k or (score, -doc.index) > worst[0][:2]):
                # the redacted snippet is built only for documents that enter the top list
                item = (
                    score,
                    -doc.index,
                    {
                        "file": file,
                        "doc": doc.key,
                        "score": score,
                        "categories": dict(sorted(doc_cats.items())),
                        "snippet": _snippet(text, findings, serious[0]) if serious else text[: 2 * SNIPPET],
                    },
                )
                if len(worst) < cfg.worst_k:
                    heapq.heappush(worst, item)
                else:
                    heapq.heapreplace(worst, item)
            if cfg.exact_dups or cfg.near_dups:
                digest = text_digest(text) if cfg.exact_dups and text.strip() else b""
                bands = hasher.band_keys(text) if hasher is not None else []
                res.dedup.append((doc.index, doc.key, len(text), digest, bands))
            if cfg.sample_n:
                point = sample_point(cfg.seed, file, doc.index)
                failed = bool(labels & fail_on)
                if point < cfg.technical_rate:
                    res.tech_selected += 1
                    res.tech_passed += 0 if failed else 1
                entry = (
                    -point,
                    -doc.index,
                    {
                        "point": point,
                        "file": file,
                        "doc": doc.key,
                        "detector_categories": " ".join(sorted(doc_cats)),
                        "text": redact(text, findings, None)[:4000],
                    },
                )
                if len(manual) < cfg.sample_n:
                    heapq.heappush(manual, entry)
                elif entry > manual[0]:
                    heapq.heapreplace(manual, entry)
            if writer is not None:
                if labels & drop:
                    res.counts["dropped"] += 1
                    continue
                writer.write(doc, redact(text, findings, cfg.redact_key))
                res.counts["written"] += 1
    if writer is not None:
        writer.close()
    out.write(comp.flush())
    res.findings = out.getvalue()
    res.worst = worst
    res.manual = manual
    return res


# ---------------------------------------------------------------------------------------------
class Merger:
    """Folds shard results, in corpus order, into the report and the findings file."""

    def __init__(self, cfg: ScreenConfig, findings_path: str | None) -> None:
        self.cfg = cfg
        self.totals: Counter[str] = Counter()
        self.cat_findings: Counter[str] = Counter()
        self.cat_docs: Counter[str] = Counter()
        self.library_categories: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.sources: dict[str, Counter[str]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.samples: dict[str, list[str]] = {}
        self.worst: list[tuple[int, int, int, dict[str, Any]]] = []
        self.manual: list[tuple[float, int, int, dict[str, Any]]] = []
        self.tech_selected = self.tech_passed = 0
        self.exact = SpillingMap(cfg.spill_limit, cfg.spill_dir) if cfg.exact_dups else None
        self.near = SpillingMap(cfg.spill_limit, cfg.spill_dir) if cfg.near_dups else None
        self.findings_fh = open(findings_path, "wb") if findings_path else None  # noqa: SIM115
        self.shard_no = 0

    def add(self, r: ShardResult) -> None:
        no = self.shard_no
        self.shard_no += 1
        file = r.shard.path
        if self.findings_fh is not None and r.findings:
            self.findings_fh.write(zlib.decompress(r.findings))
        dup_counts: Counter[str] = Counter()
        for _index, key, nchars, digest, bands in r.dedup:
            where = json.dumps([file, key], ensure_ascii=False)
            cat, of = None, None
            if self.exact is not None and digest:
                of = self.exact.first(digest, where)
                cat = "exact_duplicate" if of is not None else None
            if self.near is not None and bands:
                near_of = None
                for b in bands:
                    prev = self.near.first(b, where)
                    if near_of is None and prev is not None and prev != where:
                        near_of = prev
                if cat is None and near_of is not None:
                    cat, of = "near_duplicate", near_of
            if cat is not None and of is not None:
                dup_counts[cat] += 1
                if self.findings_fh is not None:
                    ref = json.loads(of)
                    rec = {
                        "file": file,
                        "doc": key,
                        "category": cat,
                        "start": 0,
                        "end": nchars,
                        "of": {"file": ref[0], "doc": ref[1]},
                    }
                    self.findings_fh.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        self.totals.update(r.counts)
        self.cat_findings.update(r.cat_findings)
        self.cat_findings.update(dup_counts)
        self.cat_docs.update(r.cat_docs)
        self.cat_docs.update(dup_counts)
        self.library_categories.update(r.library_categories)
        self.languages.update(r.languages)
        for s, c in r.sources.items():
            self.sources.setdefault(s, Counter()).update(c)
        fc = Counter(r.cat_findings)
        fc.update(dup_counts)
        self.files[file] = {
            "documents": r.counts["documents"],
            "bytes": r.counts["bytes"],
            "documents_with_findings": r.counts["documents_with_findings"],
            "rate": _rate(r.counts["documents_with_findings"], r.counts["documents"]),
            "unreadable": r.counts["unreadable"],
            "findings": dict(sorted(fc.items())),
            "errors": r.errors,
        }
        for cat, lst in r.samples.items():
            mine = self.samples.setdefault(cat, [])
            mine.extend(lst[: max(0, self.cfg.samples_per_category - len(mine))])
        for score, neg_index, item in r.worst:
            entry = (score, -no, neg_index, item)
            if len(self.worst) < self.cfg.worst_k:
                heapq.heappush(self.worst, entry)
            else:
                heapq.heappushpop(self.worst, entry)
        for neg_point, neg_index, item in r.manual:
            entry = (neg_point, -no, neg_index, item)
            if len(self.manual) < self.cfg.sample_n:
                heapq.heappush(self.manual, entry)
            elif entry > self.manual[0]:
                heapq.heapreplace(self.manual, entry)
        self.tech_selected += r.tech_selected
        self.tech_passed += r.tech_passed

    def close(self) -> None:
        if self.findings_fh is not None:
            self.findings_fh.close()
        for m in (self.exact, self.near):
            if m is not None:
                m.close()

    def manual_rows(self) -> list[dict[str, Any]]:
        rows = [e[3] for e in sorted(self.manual, key=lambda e: (-e[0], -e[1], -e[2]))]
        return [{**r, "sample_id": i + 1} for i, r in enumerate(rows)]

    def report(self) -> dict[str, Any]:
        docs = self.totals["documents"]
        cats: dict[str, Any] = {}
        for cat in sorted(set(self.cat_findings) | set(self.cat_docs)):
            det = dets.BY_CATEGORY.get(cat)
            group = det.group if det else ("keyword" if cat == "keyword" else "quality")
            cats[cat] = {
                "group": group,
                "sensitivity": det.sensitivity if det else None,
                "description": det.description if det else None,
                "findings": self.cat_findings[cat],
                "documents": self.cat_docs[cat],
                "rate": _rate(self.cat_docs[cat], docs),
            }
        rep: dict[str, Any] = {
            "tool": "aisgf.screening",
            "format_version": 1,
            "framework_refs": ["AI Safety Governance Framework 1.0 §4.1.2(b)-(e)", "TC260-003 §9.2"],
            "config": {
                "field": self.cfg.field,
                "lines": self.cfg.lines,
                "detectors": self.cfg.categories or [d.category for d in dets.DETECTORS],
                "libraries": [lib.summary() for lib in self.cfg.libraries],
                "keywords": sum(len(lib.keywords) for lib in self.cfg.libraries),
                "min_chars": self.cfg.min_chars,
                "exact_duplicates": self.cfg.exact_dups,
                "near_duplicates": self.cfg.near_dups,
                "drop": list(self.cfg.drop),
                "fail_on": list(self.cfg.fail_on),
            },
            "totals": {
                "files": len(self.files),
                "documents": docs,
                "bytes": self.totals["bytes"],
                "chars": self.totals["chars"],
                "documents_with_findings": self.totals["documents_with_findings"],
                "rate_with_findings": _rate(self.totals["documents_with_findings"], docs),
                "documents_with_quality_issues": self.totals["documents_with_quality_issues"],
                "unreadable": self.totals["unreadable"],
                "written": self.totals["written"],
                "dropped": self.totals["dropped"],
            },
            "categories": cats,
            "keyword_library_categories": dict(sorted(self.library_categories.items())),
            "languages": dict(sorted(self.languages.items())),
            "files": self.files,
            "sources": {
                s: {**dict(sorted(c.items())), "rate": _rate(c["documents_with_findings"], c["documents"])}
                for s, c in sorted(self.sources.items())
            },
            "worst_documents": [e[3] for e in sorted(self.worst, reverse=True)],
            "samples": dict(sorted(self.samples.items())),
        }
        if self.cfg.sample_n:
            tech = Assessment(
                "technical",
                self.tech_selected,
                self.tech_passed,
                min_size=int(-(-docs * self.cfg.technical_min_fraction // 1)),
                min_pass_rate=self.cfg.technical_threshold,
                population=docs,
            ).as_dict()
            tech["judged_by"] = "detectors and keyword libraries; fails on " + ", ".join(self.cfg.fail_on)
            tech["seed"] = self.cfg.seed
            rep["sampling"] = {
                "technical": tech,
                "manual": {
                    "size": len(self.manual),
                    "required_size": self.cfg.manual_min,
                    "required_pass_rate": self.cfg.manual_threshold,
                    "seed": self.cfg.seed,
                    "status": "awaiting verdicts (aisgf screen verdicts FILE)",
                },
            }
        return rep


def _rate(n: int, d: int) -> float:
    return round(n / d, 6) if d else 0.0


# ---------------------------------------------------------------------------------------------
def plan_shards(paths: list[str]) -> list[Shard]:
    """One shard per input file; cleaned-copy names are relative to the argument they came from."""
    shards: list[Shard] = []
    used: set[str] = set()
    for path, root in expand_inputs(paths):
        rel = os.path.relpath(path, root) if os.path.isdir(root) else os.path.basename(path)
        if rel in used:
            rel = f"{len(shards):05d}-{rel.replace(os.sep, '_')}"
        used.add(rel)
        shards.append(Shard(path, root, rel))
    return shards


ProgressFn = Callable[[int], None]


def _run_local(shards: list[Shard], cfg: ScreenConfig, workers: int, on_done: ProgressFn) -> Iterator[ShardResult]:
    if workers <= 1 or len(shards) == 1:
        for s in shards:
            r = screen_shard(s, cfg)
            on_done(_size(s))
            yield r
        return
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        pending: deque[tuple[Shard, Future[ShardResult]]] = deque()
        it = iter(shards)
        for s in it:
            pending.append((s, pool.submit(screen_shard, s, cfg)))
            if len(pending) >= workers * 2:
                break
        while pending:
            s, fut = pending.popleft()
            r = fut.result()
            on_done(_size(s))
            nxt = next(it, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(screen_shard, nxt, cfg)))
            yield r


def _run_dask(shards: list[Shard], cfg: ScreenConfig, client: Any, on_done: ProgressFn) -> Iterator[ShardResult]:
    cfg_future = client.scatter(cfg, broadcast=True)
    futures = client.map(screen_shard, shards, cfg=cfg_future, pure=False)
    for s, fut in zip(shards, futures, strict=True):
        r = fut.result()
        fut.release()
        on_done(_size(s))
        yield r


def _size(s: Shard) -> int:
    try:
        return os.path.getsize(s.path)
    except OSError:
        return 0


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
    shards = plan_shards(paths)
    t0 = time.perf_counter()
    merger = Merger(cfg, findings_path)
    total = sum(_size(s) for s in shards)
    prog: Any = None
    task: Any = None
    if progress:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        prog = Progress(
            TextColumn("screening"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            transient=False,
        )
        prog.start()
        task = prog.add_task("screen", total=total)

    def on_done(n: int) -> None:
        if prog is not None:
            prog.advance(task, n)

    client = None
    own_client = False
    try:
        if dask is not None:
            from dask.distributed import Client

            client = dask if isinstance(dask, Client) else Client(dask)
            own_client = client is not dask
            results = _run_dask(shards, cfg, client, on_done)
            mode = {"engine": "dask", "workers": len(client.scheduler_info().get("workers", {}))}
        else:
            results = _run_local(shards, cfg, workers, on_done)
            mode = {"engine": "processes" if workers > 1 else "single-process", "workers": max(1, workers)}
        for r in results:
            merger.add(r)
    finally:
        merger.close()
        if prog is not None:
            prog.stop()
        if own_client and client is not None:
            client.close()
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
