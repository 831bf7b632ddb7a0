"""The screening pipeline: shards in, one merged report out — on one core, all cores, or Dask.

Why this shape: a shard (one input file, a byte range of a big uncompressed JSONL/lines file, cut
after a newline, with its line numbers counted up front, or a range of row groups of a big Parquet
file) is screened by a pure function, :func:`screen_shard`, that returns everything the report needs
as plain data (on this machine, the parts that grow with the shard — findings lines, duplicate-
detection entries — as files in the run's spill directory). The parent merges shard results *in
corpus order*, so exact/near-duplicate decisions, worst-document ties, samples, the findings file
and the cleaned copy are byte-for-byte the same whether the shards ran in this process, in a process
pool or on a Dask cluster, split or not. The only global state — the duplicate digests — lives in
the merging process, in a set that spills to disk.

Process pool: the scanner is compiled once, in the parent; workers are forked with it in memory
when the parent runs a single thread, else spawned and handed its serialised databases through a
file (never recompiled). Workers count the bytes they read in a shared counter, so the progress
bar moves within a file.

Bad input decision: a malformed document (invalid JSON, missing field, oversized line, truncated
compressed stream) is *not* an exception: it becomes an ``unreadable`` finding naming file and
line, is counted in the report, left out of the cleaned copy, and the run goes on. Mistakes the
user must fix first (a bad keyword library, a missing input) raise :mod:`aisgf.errors`.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import hashlib
import heapq
import hmac
import io
import itertools
import json
import os
import pickle
import secrets
import shutil
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from aisgf.errors import InvalidInput
from aisgf.screening import detectors as dets
from aisgf.screening.engine import Finding, Hits, Scanner
from aisgf.screening.keywords import KeywordLibrary
from aisgf.screening.quality import (
    MinHasher,
    SpillingMap,
    doc_stats,
    languages_from_counts,
    quality_flags_batch,
    text_digest,
)
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
MAX_SOURCES = 1000  # sources listed one by one in a report; the rest are counted together
OTHER_SOURCES = "(other sources)"


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


@dataclass(frozen=True)
class Shard:
    """One unit of work: a file, or a byte range of a big uncompressed line-oriented file."""

    path: str
    root: str
    out_rel: str  # path of the cleaned copy relative to --redact-to
    start: int = 0  # byte range [start, end) of the file; end -1 = to the end
    end: int = -1
    first_index: int = 0  # lines (rows) of the file before ``start``
    part: int = 0  # index of this range among the file's ranges
    parts: int = 1
    # A Parquet range is a range of row groups [start, end); ``nbytes`` is its size in the file.
    nbytes: int = -1


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
    # On this machine (one process or a pool) the two that grow with the shard go to files in the
    # run's spill directory instead, so memory stays bounded however big one file is: the raw
    # findings lines, and the dedup entries as pickled batches. The merger reads and deletes them.
    findings_file: str | None = None
    dedup_file: str | None = None
    worst: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)
    manual: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    tech_selected: int = 0
    tech_passed: int = 0


_SCANNERS: dict[str, Scanner] = {}
# per scanner: the findings-line tail and the rule labels of each keyword found so far
_KW_PIECES: dict[str, tuple[dict[int, str], dict[int, tuple[str, str]]]] = {}


def _scanner(cfg: ScreenConfig) -> Scanner:
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
        if shard.parts > 1:  # a byte range writes its own part; the merger joins them in order
            self.path = _part_path(self.path, shard.part)
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


def _part_path(path: Path, part: int) -> Path:
    return path.with_name(f".{path.name}.part{part:06d}")


def _append_part(path: Path, part: int, parts: int) -> None:
    """Append the cleaned copy of range ``part`` to the file's cleaned copy.

    Text ranges (JSONL, lines) are appended byte for byte as they arrive. Parquet ranges are
    joined at the last one, batch by batch into one file with one schema; a range whose rows
    were all dropped wrote no part.
    """
    if split_format(str(path))[0] == "parquet":
        if part == parts - 1:
            _join_parquet_parts(path, parts)
        return
    src = _part_path(path, part)
    with open(path, "wb" if part == 0 else "ab") as out, open(src, "rb") as fh:
        shutil.copyfileobj(fh, out, 1 << 20)
    src.unlink()


def _join_parquet_parts(path: Path, parts: int) -> None:
    import pyarrow.parquet as pq

    writer: Any = None
    try:
        for k in range(parts):
            src = _part_path(path, k)
            if not src.exists():
                continue
            pf = pq.ParquetFile(src)
            if writer is None:
                writer = pq.ParquetWriter(str(path), pf.schema_arrow)
            for batch in pf.iter_batches(batch_size=4096):
                writer.write_batch(batch)
            pf.close()
            src.unlink()
    finally:
        if writer is not None:
            writer.close()


def _batches(docs: Iterator[Doc], size: int) -> Iterator[list[Doc]]:
    batch: list[Doc] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def _json_key(key: str | int) -> str:
    """``json.dumps(key, ensure_ascii=False)`` without its cost for the usual plain ids."""
    if type(key) is int:
        return str(key)
    if type(key) is str and key.isprintable() and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return _json(key)


@dataclass
class _Columns:
    """One batch's findings as plain lists (from :class:`Hits`), turned into objects per document on demand."""

    texts: list[str | None]
    names: list[str]
    keywords: list[Any]
    bounds: list[int]  # findings of text j: positions bounds[j]..bounds[j+1]
    codes: list[int]
    refs: list[int]
    starts: list[int]
    ends: list[int]

    def findings(self, j: int) -> list[Finding]:
        text = self.texts[j]
        assert text is not None
        out: list[Finding] = []
        for k in range(self.bounds[j], self.bounds[j + 1]):
            s, e, r = self.starts[k], self.ends[k], self.refs[k]
            detail = self.keywords[r].category if r >= 0 else None
            out.append(Finding(self.names[self.codes[k]], s, e, detail, text[s:e], r))
        return out

    def categories(self, j: int) -> Counter[str]:
        return Counter(self.names[self.codes[k]] for k in range(self.bounds[j], self.bounds[j + 1]))


def screen_shard(
    shard: Shard, cfg: ScreenConfig, on_bytes: Callable[[int], None] | None = None, spill_dir: str | None = None
) -> ShardResult:
    """Screen one file or byte range of a file. Pure: the result depends on this shard alone.

    Why it looks hand-tuned: at 150 MB/s a core has ~13 µs per document for everything. So
    findings stay numpy columns (:meth:`Scanner.scan_columns`): counts are ``bincount``s, the
    findings lines are formatted from pre-encoded pieces in one comprehension per batch (the bytes
    are what ``json.dumps`` of the record gives) and compressed once per batch, and ``Finding``
    objects are built only for the few documents that need them (samples, worst documents, the
    manual sample, the cleaned copy). Language and control characters come from one native pass.
    """
    scanner = _scanner(cfg)
    res = ShardResult(shard)
    out = io.BytesIO()
    comp = zlib.compressobj(1)  # only to ship results between processes: speed over size
    findings_fh: IO[bytes] | None = None
    dedup_fh: IO[bytes] | None = None
    if spill_dir is not None:
        findings_fh = tempfile.NamedTemporaryFile(dir=spill_dir, prefix="findings-", delete=False)  # noqa: SIM115
        res.findings_file = findings_fh.name
        if cfg.exact_dups or cfg.near_dups:
            dedup_fh = tempfile.NamedTemporaryFile(dir=spill_dir, prefix="dedup-", delete=False)  # noqa: SIM115
            res.dedup_file = dedup_fh.name
    hasher = MinHasher() if cfg.near_dups else None
    writer = _CleanWriter(shard, cfg) if cfg.redact_to else None
    drop = set(cfg.drop)
    fail_on = set(cfg.fail_on)
    kw = scanner.keywords
    worst: list[tuple[int, int, dict[str, Any]]] = []
    manual: list[tuple[float, int, dict[str, Any]]] = []
    file = shard.path
    head = '{"file": ' + _json(file) + ', "doc": '
    names = scanner.categories  # finding code -> category; the last code is "keyword"
    n_codes = len(names)
    by_cat = dets.BY_CATEGORY
    code_tail = [
        f', "group": {_json(by_cat[c].group)}, "sensitivity": {_json(by_cat[c].sensitivity)}}}\n' for c in names[:-1]
    ]
    code_labels = [(c, by_cat[c].group, by_cat[c].sensitivity) for c in names[:-1]]
    code_score = np.array([_score(Finding(c, 0, 0)) for c in names[:-1]] + [SCORE["keyword"]], dtype=np.int64)
    # filled as keywords are found (a library may hold 1,000,000), kept with the scanner
    kw_tail, kw_labels = _KW_PIECES.setdefault(cfg.fingerprint(), ({}, {}))
    want_labels = writer is not None or bool(cfg.sample_n)
    samples = res.samples
    full_samples: set[str] = set()
    counts = Counter[str]()
    cat_findings, cat_docs, library_categories = res.cat_findings, res.cat_docs, res.library_categories
    sources = res.sources
    languages = res.languages
    n_docs = n_bytes = n_chars = n_unreadable = n_with_findings = n_quality = n_written = n_dropped = 0

    docs = read_docs(
        file,
        shard.root,
        field=cfg.field,
        id_field=cfg.id_field,
        source_field=cfg.source_field,
        lines=cfg.lines,
        max_doc_bytes=cfg.max_doc_bytes,
        start=shard.start,
        end=shard.end,
        first_index=shard.first_index,
        on_bytes=on_bytes,
    )
    for batch in _batches(docs, cfg.batch_docs):
        readable = [d for d in batch if d.text is not None]
        texts = [d.text for d in readable]
        encoded = [t.encode("utf-8", "replace") for t in texts]  # type: ignore[union-attr]
        nt = len(texts)
        hits = scanner.scan_columns(texts, encoded) if texts else Hits.empty()  # type: ignore[arg-type]
        cont, letters, control = doc_stats(texts, encoded)  # type: ignore[arg-type]
        qualities = quality_flags_batch(texts, encoded, cfg.min_chars, control.tolist())  # type: ignore[arg-type]
        langs = languages_from_counts(cont, letters)
        n_bytes += sum(map(len, encoded))
        n_chars += sum(map(len, texts))  # type: ignore[arg-type]

        # --- the findings, as columns --------------------------------------------------------
        h_doc, h_code, h_ref = hits.doc, hits.code, hits.ref
        per_doc = np.bincount(h_doc, minlength=nt) if len(hits) else np.zeros(nt, dtype=np.int64)
        bounds = np.zeros(nt + 1, dtype=np.int64)
        np.cumsum(per_doc, out=bounds[1:])
        nf = per_doc.tolist()
        bnd = bounds.tolist()
        key_json = [_json_key(d.key) if n else "" for d, n in zip(readable, nf, strict=True)]
        flines: list[str] = []
        score_doc: list[int] = [0] * nt
        docs_l: list[int] = []
        codes_l: list[int] = []
        refs_l: list[int] = []
        starts_l: list[int] = []
        ends_l: list[int] = []
        if len(hits):
            docs_l, codes_l, refs_l = h_doc.tolist(), h_code.tolist(), h_ref.tolist()
            starts_l, ends_l = hits.start.tolist(), hits.end.tolist()
            kw_sel = h_ref[h_ref >= 0]
            if kw_sel.shape[0]:
                per_kw = np.bincount(kw_sel)
                for k in np.flatnonzero(per_kw).tolist():
                    kwd = kw[k]
                    library_categories[kwd.category] += int(per_kw[k])
                    if k not in kw_tail:
                        kw_tail[k] = (
                            f', "library_category": {_json_key(kwd.category)}, '
                            f'"risk_class": {_json_key(kwd.risk_class)}, "library": {_json_key(kwd.library)}}}\n'
                        )
                        kw_labels[k] = ("keyword", f"keyword:{kwd.category}")
            flines = [
                f'{head}{key_json[d]}, "category": "{names[c]}", "start": {s}, "end": {e}'
                + (code_tail[c] if r < 0 else kw_tail[r])
                for d, c, r, s, e in zip(docs_l, codes_l, refs_l, starts_l, ends_l, strict=True)
            ]
            per_code = np.bincount(h_code, minlength=n_codes)
            pairs = np.unique(h_doc * n_codes + h_code)
            docs_per_code = np.bincount(pairs % n_codes, minlength=n_codes)
            for c in np.flatnonzero(per_code).tolist():
                cat_findings[names[c]] += int(per_code[c])
                cat_docs[names[c]] += int(docs_per_code[c])
            score_arr = np.bincount(h_doc, weights=code_score[h_code], minlength=nt).astype(np.int64)
            score_doc = score_arr.tolist()
        cols = _Columns(texts, names, kw, bnd, codes_l, refs_l, starts_l, ends_l)
        doc_findings, doc_cats = cols.findings, cols.categories
        # samples: the first few findings per category (in corpus order), redacted
        if len(hits) and len(full_samples) < n_codes:
            present, first = np.unique(h_code, return_index=True)
            for c in present[np.argsort(first)].tolist():
                cat = names[c]
                if cat in full_samples:
                    continue
                lst = samples.setdefault(cat, [])
                for k in np.flatnonzero(h_code == c)[: max(0, cfg.samples_per_category - len(lst))].tolist():
                    j = docs_l[k]
                    fs = doc_findings(j)
                    lst.append(_snippet(texts[j], fs, fs[k - bnd[j]]))  # type: ignore[arg-type]
                if len(lst) >= cfg.samples_per_category:
                    full_samples.add(cat)

        # --- per document: quality, language, duplicates, sources, sampling, cleaned copy ----
        lines: list[str] = []
        dedup = res.dedup if dedup_fh is None else []
        i = 0  # index of the next readable document in texts
        for doc in batch:
            n_docs += 1
            src = sources.get(doc.source)
            if src is None:
                # a source field that differs per document (a URL) must not grow the report
                name = doc.source if len(sources) < MAX_SOURCES else OTHER_SOURCES
                src = sources.get(name) or sources.setdefault(name, Counter())
            src["documents"] += 1
            if doc.text is None:
                n_unreadable += 1
                cat_findings["unreadable"] += 1
                cat_docs["unreadable"] += 1
                if len(res.errors) < 50:
                    res.errors.append({"doc": doc.key, "line": doc.index + 1, "error": doc.error})
                rec = {"file": file, "doc": doc.key, "category": "unreadable", "start": None, "end": None}
                lines.append(_json({**rec, "error": doc.error}) + "\n")
                continue
            text = doc.text
            j = i
            i += 1
            n = nf[j]
            if n:
                lines.extend(flines[bnd[j] : bnd[j + 1]])
                n_with_findings += 1
                src["documents_with_findings"] += 1
                src["findings"] += n
            qflags = qualities[j]
            if doc.invalid_utf8:
                qflags.append("invalid_utf8")
            lang = "other" if qflags and qflags[0] == "empty" else langs[j]
            languages[lang] += 1
            if lang == "mixed":
                qflags.append("language_mix")
            if qflags:
                n_quality += 1
                kj = key_json[j] or _json_key(doc.key)
                end = len(text)
                for q in qflags:
                    cat_findings[q] += 1
                    cat_docs[q] += 1
                    lines.append(f'{head}{kj}, "category": "{q}", "start": 0, "end": {end}}}\n')
            if cfg.exact_dups or cfg.near_dups:
                digest = text_digest(text, encoded[j]) if cfg.exact_dups and qflags[:1] != ["empty"] else b""
                bands = hasher.band_keys(text) if hasher is not None else []
                dedup.append((doc.index, doc.key, len(text), digest, bands))
            if want_labels:
                labels: set[str] = set()
                for k in range(bnd[j], bnd[j + 1]):
                    r = refs_l[k]
                    labels.update(code_labels[codes_l[k]] if r < 0 else kw_labels[r])
            if cfg.sample_n:
                point = sample_point(cfg.seed, file, doc.index)
                failed = bool(labels & fail_on)
                if point < cfg.technical_rate:
                    res.tech_selected += 1
                    res.tech_passed += 0 if failed else 1
                key = (-point, -doc.index)
                if len(manual) < cfg.sample_n or key > manual[0][:2]:
                    cats = set(doc_cats(j)) if n else set()
                    entry = (
                        -point,
                        -doc.index,
                        {
                            "point": point,
                            "file": file,
                            "doc": doc.key,
                            "detector_categories": " ".join(sorted(cats | set(qflags))),
                            "text": redact(text, doc_findings(j), None)[:4000],
                        },
                    )
                    if len(manual) < cfg.sample_n:
                        heapq.heappush(manual, entry)
                    else:
                        heapq.heapreplace(manual, entry)
            if writer is not None:
                if labels & drop:
                    n_dropped += 1
                    continue
                writer.write(doc, redact(text, doc_findings(j), cfg.redact_key) if n else text)
                n_written += 1

        # --- the worst documents of the batch enter the shard's top list ----------------------
        if cfg.worst_k and len(hits):
            # only documents that can enter the list are ranked: score above the list's lowest
            # (when full), and among the batch's best worst_k scores (ties kept: the index decides)
            floor = worst[0][0] if len(worst) >= cfg.worst_k else 1
            cand = np.flatnonzero(score_arr >= floor)
            if cand.shape[0] > cfg.worst_k:
                kth = np.partition(score_arr[cand], -cfg.worst_k)[-cfg.worst_k]
                cand = cand[score_arr[cand] >= kth]
            ranked = sorted(((score_doc[i], -readable[i].index, i) for i in cand.tolist()), reverse=True)
            ranked = ranked[: cfg.worst_k]
            for score, neg_index, j in ranked:
                if len(worst) >= cfg.worst_k and (score, neg_index) <= worst[0][:2]:
                    break
                fs = doc_findings(j)
                counted = doc_cats(j)
                counted.update(qualities[j])
                item = (
                    score,
                    neg_index,
                    {
                        "file": file,
                        "doc": readable[j].key,
                        "score": score,
                        "categories": dict(sorted(counted.items())),
                        "snippet": _snippet(texts[j], fs, fs[0]),  # type: ignore[arg-type]
                    },
                )
                if len(worst) < cfg.worst_k:
                    heapq.heappush(worst, item)
                else:
                    heapq.heapreplace(worst, item)
        if lines:
            if findings_fh is not None:
                findings_fh.write("".join(lines).encode("utf-8"))
            else:
                out.write(comp.compress("".join(lines).encode("utf-8")))
        if dedup_fh is not None and dedup:
            pickle.dump(dedup, dedup_fh, protocol=pickle.HIGHEST_PROTOCOL)
    if writer is not None:
        writer.close()
    for name, n in (
        ("documents", n_docs),
        ("unreadable", n_unreadable),
        ("bytes", n_bytes),
        ("chars", n_chars),
        ("documents_with_findings", n_with_findings),
        ("documents_with_quality_issues", n_quality),
        ("dropped", n_dropped),
        ("written", n_written),
    ):
        if n:
            counts[name] = n
    res.counts = counts
    for fh in (findings_fh, dedup_fh):
        if fh is not None:
            fh.close()
    if findings_fh is None:
        out.write(comp.flush())
        res.findings = out.getvalue()
    res.worst = worst
    res.manual = manual
    return res


def _dedup_entries(r: ShardResult) -> Iterator[tuple[int, str | int, int, bytes, list[bytes]]]:
    """A shard's dedup entries in order, from memory or from its spill file (then deleted)."""
    if r.dedup_file is None:
        yield from r.dedup
        return
    try:
        with open(r.dedup_file, "rb") as fh:
            while True:
                try:
                    batch = pickle.load(fh)  # our own file, written by this run's worker
                except EOFError:
                    break
                yield from batch
    finally:
        os.unlink(r.dedup_file)


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
        self._dup_parts: IO[bytes] | None = None
        self.shard_no = 0

    def add(self, r: ShardResult) -> None:
        no = self.shard_no
        self.shard_no += 1
        file = r.shard.path
        if r.findings_file is not None:
            if self.findings_fh is not None:
                with open(r.findings_file, "rb") as fh:
                    shutil.copyfileobj(fh, self.findings_fh, 1 << 20)
            os.unlink(r.findings_file)
        elif self.findings_fh is not None and r.findings:
            self.findings_fh.write(zlib.decompress(r.findings))
        dup_out: IO[bytes] | None = self.findings_fh
        if dup_out is not None and r.shard.parts > 1:
            # An unsplit file lists its duplicates after all its other findings: hold the
            # duplicates of a split file's ranges in a temporary file until its last range.
            if r.shard.part == 0 or self._dup_parts is None:
                self._dup_parts = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
            dup_out = self._dup_parts
        dup_counts: Counter[str] = Counter()
        where_head = "[" + _json(file) + ", "
        for _index, key, nchars, digest, bands in _dedup_entries(r):
            # the json.dumps([file, key]) text, built from pieces: this runs once per document
            where = where_head + _json_key(key) + "]"
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
                if dup_out is not None:
                    ref = json.loads(of)
                    rec = {
                        "file": file,
                        "doc": key,
                        "category": cat,
                        "start": 0,
                        "end": nchars,
                        "of": {"file": ref[0], "doc": ref[1]},
                    }
                    dup_out.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
        if self.findings_fh is not None and self._dup_parts is not None and r.shard.part == r.shard.parts - 1:
            self._dup_parts.seek(0)
            shutil.copyfileobj(self._dup_parts, self.findings_fh, 1 << 20)
            self._dup_parts.close()
            self._dup_parts = None
        self.totals.update(r.counts)
        self.cat_findings.update(r.cat_findings)
        self.cat_findings.update(dup_counts)
        self.cat_docs.update(r.cat_docs)
        self.cat_docs.update(dup_counts)
        self.library_categories.update(r.library_categories)
        self.languages.update(r.languages)
        for s, c in r.sources.items():
            if s not in self.sources and len(self.sources) >= MAX_SOURCES:
                s = OTHER_SOURCES
            self.sources.setdefault(s, Counter()).update(c)
        fc = Counter(r.cat_findings)
        fc.update(dup_counts)
        entry: Any = self.files.get(file)  # then reused for the heap entries below
        if entry is None:
            entry = self.files[file] = {
                "documents": 0,
                "bytes": 0,
                "documents_with_findings": 0,
                "rate": 0.0,
                "unreadable": 0,
                "findings": {},
                "errors": [],
            }
        # a file split into byte ranges arrives as several results, in order: sum them up
        for name in ("documents", "bytes", "documents_with_findings", "unreadable"):
            entry[name] += r.counts[name]
        entry["rate"] = _rate(entry["documents_with_findings"], entry["documents"])
        fc.update(entry["findings"])
        entry["findings"] = dict(sorted(fc.items()))
        entry["errors"].extend(r.errors[: max(0, 50 - len(entry["errors"]))])
        if self.cfg.redact_to and r.shard.parts > 1:
            _append_part(Path(self.cfg.redact_to) / r.shard.out_rel, r.shard.part, r.shard.parts)
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
        if self._dup_parts is not None:
            self._dup_parts.close()
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
def plan_shards(paths: list[str], *, cfg: ScreenConfig | None = None, split_bytes: int = 0) -> list[Shard]:
    """Shards in corpus order; cleaned-copy names are relative to the argument they came from.

    A file is one shard, except an uncompressed JSONL file (or a text file read with ``--lines``)
    larger than ``split_bytes`` (0 = never split): it becomes byte ranges that start right after
    a newline, so that one big file keeps every worker busy. The results do not depend on the
    split (the line numbers of each range are counted here, once, at memory speed).
    """
    shards: list[Shard] = []
    used: set[str] = set()
    for path, root in expand_inputs(paths):
        rel = os.path.relpath(path, root) if os.path.isdir(root) else os.path.basename(path)
        if rel in used:
            rel = f"{len(shards):05d}-{rel.replace(os.sep, '_')}"
        used.add(rel)
        if split_bytes > 0 and split_format(path)[0] == "parquet":
            groups = _split_row_groups(path, split_bytes)
            for k, (start, end, first, nbytes) in enumerate(groups if len(groups) > 1 else []):
                shards.append(Shard(path, root, rel, start, end, first, k, len(groups), nbytes))
            if len(groups) <= 1:
                shards.append(Shard(path, root, rel))
            continue
        ranges = _split_ranges(path, split_bytes, cfg) if split_bytes > 0 else []
        if len(ranges) <= 1:
            shards.append(Shard(path, root, rel))
            continue
        for k, (start, end, first) in enumerate(ranges):
            shards.append(Shard(path, root, rel, start, end, first, k, len(ranges)))
    return shards


def _split_row_groups(path: str, target: int) -> list[tuple[int, int, int, int]]:
    """(first row group, end row group, rows before, bytes) of ranges of about ``target`` bytes.

    Why row groups: they are Parquet's own unit of independent reading, so a range of them is read
    without touching the rest of the file. An unreadable footer means no split (the reader reports it).
    """
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # a broken file is reported by the reader, per document
        return []
    out: list[tuple[int, int, int, int]] = []
    start = rows_before = rows = size = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        rows += rg.num_rows
        size += sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
        if size >= target or g == meta.num_row_groups - 1:
            out.append((start, g + 1, rows_before, size))
            start, rows_before, size = g + 1, rows, 0
    return out


def _split_ranges(path: str, target: int, cfg: ScreenConfig | None) -> list[tuple[int, int, int]]:
    """(start, end, lines before start) of ranges of about ``target`` bytes, cut after newlines."""
    fmt, comp = split_format(path)
    lines_mode = cfg.lines if cfg is not None else False
    if comp is not None or not (fmt == "jsonl" or (fmt == "text" and lines_mode)):
        return []
    try:
        size = os.path.getsize(path)
    except OSError:
        return []
    if size <= target:
        return []
    cuts: list[tuple[int, int]] = [(0, 0)]  # (byte offset, lines before it)
    next_cut = target
    lines = pos = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(1 << 24)
            if not chunk:
                break
            while next_cut < pos + len(chunk):
                i = chunk.find(b"\n", next_cut - pos)
                if i < 0:  # no newline in the rest of this chunk: look on in the next one
                    next_cut = pos + len(chunk)
                    break
                cut = pos + i + 1
                if cut >= size:
                    break
                cuts.append((cut, lines + chunk.count(b"\n", 0, i + 1)))
                next_cut = cut + target
            lines += chunk.count(b"\n")
            pos += len(chunk)
    ends = [c for c, _ in cuts[1:]] + [size]
    return [(start, end, first) for (start, first), end in zip(cuts, ends, strict=True)]


ProgressFn = Callable[[int], None]


def _shard_bytes(s: Shard) -> int:
    """Bytes of the file that the shard covers (what the progress bar counts)."""
    if s.nbytes >= 0:
        return s.nbytes
    if s.end >= 0:
        return s.end - s.start
    try:
        return os.path.getsize(s.path) - s.start
    except OSError:
        return 0


def _screen_counted(shard: Shard, cfg: ScreenConfig, add: ProgressFn, spill_dir: str | None = None) -> ShardResult:
    """screen_shard that reports bytes as it reads, and tops up to the shard's size at the end."""
    seen = 0

    def on_bytes(n: int) -> None:
        nonlocal seen
        seen += n
        add(n)

    r = screen_shard(shard, cfg, on_bytes, spill_dir)
    rest = _shard_bytes(shard) - seen
    if rest > 0:
        add(rest)
    return r


_WORKER: dict[str, Any] = {}


def _warm_up(scanner: Scanner, cfg: ScreenConfig) -> None:
    """Call every native kernel once (numba loads machine code from its cache on first call, ~0.5 s)."""
    text = "警告 sarin 13812345678 a@b.cn 1.2.3.4 fe80::1 2001:db8::1 6222021234567890128 (010)62345678 ok"
    scanner.scan_columns([text, ""])
    encoded = [text.encode("utf-8")]
    doc_stats([text], encoded)
    if cfg.near_dups:
        MinHasher().band_keys(text)


_FORKED: tuple[ScreenConfig, Scanner] | None = None  # set just before forking workers


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
    _SCANNERS.clear()
    _SCANNERS[cfg.fingerprint()] = scanner
    _WORKER.update(cfg=cfg, counter=counter, spill=spill_dir)


def _worker_add(n: int) -> None:
    counter = _WORKER["counter"]
    with counter.get_lock():
        counter.value += n


def _work(shard: Shard) -> ShardResult:
    return _screen_counted(shard, _WORKER["cfg"], _worker_add, _WORKER.get("spill"))


def _run_local(
    shards: list[Shard], cfg: ScreenConfig, workers: int, advance: ProgressFn, spill_dir: str | None = None
) -> Iterator[ShardResult]:
    """Results in shard order. The pool starts *now* (before a progress bar adds its thread)."""
    if workers <= 1 or len(shards) == 1:
        return (_screen_counted(s, cfg, advance, spill_dir) for s in shards)
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
    scanner = _scanner(cfg)
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


def _run_dask(shards: list[Shard], cfg: ScreenConfig, client: Any, advance: ProgressFn) -> Iterator[ShardResult]:
    """Results in shard order, with at most two shards per worker submitted and not yet merged.

    Why a window: results wait on the workers until the merger takes them in corpus order; all
    shards of a big corpus submitted at once would pile their results up in the cluster's memory.
    """
    cfg_future = client.scatter(cfg, broadcast=True)
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    it = iter(shards)
    pending: deque[tuple[Shard, Any]] = deque()

    def submit(s: Shard) -> None:
        pending.append((s, client.submit(screen_shard, s, cfg=cfg_future, pure=False)))

    for s in itertools.islice(it, window):
        submit(s)
    try:
        while pending:
            s, fut = pending.popleft()
            r = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                submit(nxt)
            advance(_shard_bytes(s))
            yield r
    finally:
        for _s, fut in pending:  # a failed merge: do not leave work running on the cluster
            fut.cancel()


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
    client = None
    own_client = False
    if dask is not None:
        from dask.distributed import Client

        client = dask if isinstance(dask, Client) else Client(dask)
        own_client = client is not dask
        parallel = max(1, len(client.scheduler_info().get("workers", {})))
    else:
        parallel = max(1, workers)
    shards = plan_shards(paths, cfg=cfg)
    total = sum(_shard_bytes(s) for s in shards)
    if parallel > 1 and cfg.shard_bytes > 0:
        # about two ranges per worker for a single big file, never more than shard_bytes each
        target = min(cfg.shard_bytes, max(1 << 20, -(-total // (2 * parallel))))
        shards = plan_shards(paths, cfg=cfg, split_bytes=target)
    merger = Merger(cfg, findings_path)
    prog: Any = None
    task: Any = None

    def advance(n: int) -> None:
        if prog is not None:
            prog.advance(task, n)

    results: Iterator[ShardResult] = iter(())
    spill: tempfile.TemporaryDirectory[str] | None = None
    try:
        if client is not None:
            results = _run_dask(shards, cfg, client, advance)
            mode = {"engine": "dask", "workers": len(client.scheduler_info().get("workers", {}))}
        else:  # the pool starts here, before a progress bar's thread exists (see _run_local)
            spill = tempfile.TemporaryDirectory(prefix="aisgf-spill-", dir=cfg.spill_dir)
            results = _run_local(shards, cfg, workers, advance, spill.name)
            mode = {"engine": "processes" if workers > 1 else "single-process", "workers": max(1, workers)}
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
        for r in results:
            merger.add(r)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops a pool that is still running when the merge failed
        merger.close()
        if spill is not None:
            spill.cleanup()
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
