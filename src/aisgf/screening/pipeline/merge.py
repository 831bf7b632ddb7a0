"""The merger: shard results in, in corpus order; the report, the findings file and the cleaned copy out.

Why in corpus order: duplicates (the first occurrence is the original), the findings file and the
cleaned copy of a split file all depend on order; with parts merged in that order, the report is
byte-for-byte the same whether the shards ran here, in a pool or on Dask, split or not. The only
global state, the duplicate keys, lives here (:class:`Duplicates`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import IO, Any

from aisgf.screening import detectors as dets
from aisgf.screening import sensitivity
from aisgf.screening.keywords import check_tc260_003
from aisgf.screening.pipeline.config import ScreenConfig
from aisgf.screening.pipeline.shard import ShardResult
from aisgf.screening.pipeline.step import Part
from aisgf.screening.pipeline.steps import (
    DedupPart,
    DocumentsPart,
    Duplicates,
    FindingsPart,
    QualityPart,
    SamplesPart,
    SamplingPart,
    ScanPart,
    SourcesPart,
    WorstPart,
    append_part,
)
from aisgf.screening.sampling import Assessment

#: parts that are output streams, written out as they arrive rather than kept in the totals
_STREAMS = ("findings", "dedup")


class Merger:
    """Folds shard results, in corpus order, into the report and the findings file."""

    def __init__(self, cfg: ScreenConfig, findings_path: str | None) -> None:
        self.cfg = cfg
        self.parts: dict[str, Part] = {}  # step name -> the merged part of every shard so far
        self.files: dict[str, dict[str, Any]] = {}
        self.duplicates = Duplicates(cfg) if cfg.exact_dups or cfg.near_dups else None
        self.findings_fh = open(findings_path, "wb") if findings_path else None  # noqa: SIM115
        self._dup_parts: IO[bytes] | None = None

    def add(self, r: ShardResult) -> None:
        shard, file = r.shard, r.shard.path
        findings = r.parts.get("findings")
        if isinstance(findings, FindingsPart):
            findings.write_to(self.findings_fh)
        dup_out: IO[bytes] | None = self.findings_fh
        if dup_out is not None and shard.parts > 1:
            # An unsplit file lists its duplicates after all its other findings: hold the
            # duplicates of a split file's ranges in a temporary file until its last range.
            if shard.part == 0 or self._dup_parts is None:
                self._dup_parts = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
            dup_out = self._dup_parts
        dups = Part()
        dedup = r.parts.get("dedup")
        if isinstance(dedup, DedupPart) and self.duplicates is not None:
            dups = self.duplicates.resolve(file, dedup.entries(), dup_out)
        if self.findings_fh is not None and self._dup_parts is not None and shard.part == shard.parts - 1:
            self._dup_parts.seek(0)
            shutil.copyfileobj(self._dup_parts, self.findings_fh, 1 << 20)
            self._dup_parts.close()
            self._dup_parts = None
        self._add_file(r, dups)
        if self.cfg.redact_to and shard.parts > 1:
            append_part(Path(self.cfg.redact_to) / shard.out_rel, shard.part, shard.parts)
        for name, part in r.parts.items():
            if name in _STREAMS:
                continue
            mine = self.parts.get(name)
            self.parts[name] = part if mine is None else mine.merge(part)
        mine = self.parts.get("duplicates")
        self.parts["duplicates"] = dups if mine is None else mine.merge(dups)

    def _add_file(self, r: ShardResult, dups: Part) -> None:
        """A file's line in the report; a file split into ranges arrives as several results, in order."""
        counts = r.counts
        fc = r.cat_findings
        fc.update(dups.cat_findings)
        entry = self.files.get(r.shard.path)
        if entry is None:
            entry = self.files[r.shard.path] = {
                "documents": 0,
                "bytes": 0,
                "documents_with_findings": 0,
                "rate": 0.0,
                "unreadable": 0,
                "findings": {},
                "errors": [],
            }
        for name in ("documents", "bytes", "documents_with_findings", "unreadable"):
            entry[name] += counts[name]
        entry["rate"] = _rate(entry["documents_with_findings"], entry["documents"])
        fc.update(entry["findings"])
        entry["findings"] = dict(sorted(fc.items()))
        documents = r.parts.get("documents")
        errors = documents.errors if isinstance(documents, DocumentsPart) else []
        entry["errors"].extend(errors[: max(0, 50 - len(entry["errors"]))])

    def close(self) -> None:
        if self._dup_parts is not None:
            self._dup_parts.close()
        if self.findings_fh is not None:
            self.findings_fh.close()
        if self.duplicates is not None:
            self.duplicates.close()

    def _part(self, name: str, kind: type[Any]) -> Any:
        part = self.parts.get(name)
        return part if isinstance(part, kind) else kind()

    def manual_rows(self) -> list[dict[str, Any]]:
        rows = [row for _point, row in self._part("sampling", SamplingPart).manual]
        return [{**r, "sample_id": i + 1} for i, r in enumerate(rows)]

    def report(self) -> dict[str, Any]:
        totals: Counter[str] = Counter()
        cat_findings: Counter[str] = Counter()
        cat_docs: Counter[str] = Counter()
        for part in self.parts.values():
            totals.update(part.counts)
            cat_findings.update(part.cat_findings)
            cat_docs.update(part.cat_docs)
        docs = totals["documents"]
        sampling: SamplingPart = self._part("sampling", SamplingPart)
        sources: dict[str, Counter[str]] = self._part("sources", SourcesPart).sources
        table = sensitivity.load_table()
        cats: dict[str, Any] = {}
        for cat in sorted(set(cat_findings) | set(cat_docs)):
            det = dets.BY_CATEGORY.get(cat)
            group = det.group if det else ("keyword" if cat == "keyword" else "quality")
            cats[cat] = {
                "group": group,
                "sensitivity": det.sensitivity if det else None,
                "description": det.description if det else None,
                "findings": cat_findings[cat],
                "documents": cat_docs[cat],
                "rate": _rate(cat_docs[cat], docs),
            }
            if cat in table.categories:  # why it is (not) sensitive, with the sources: see the report section
                cats[cat]["sensitivity_why"] = table.categories[cat].why
        ran = self.cfg.categories or [d.category for d in dets.DETECTORS]
        library = check_tc260_003(self.cfg.libraries)
        rep: dict[str, Any] = {
            "tool": "aisgf.screening",
            "format_version": 1,
            "framework_refs": ["AI Safety Governance Framework 1.0 §4.1.2(b)-(e)", "TC260-003 §8.1, §9.2"],
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
                "bytes": totals["bytes"],
                "chars": totals["chars"],
                "documents_with_findings": totals["documents_with_findings"],
                "rate_with_findings": _rate(totals["documents_with_findings"], docs),
                "documents_with_quality_issues": totals["documents_with_quality_issues"],
                "unreadable": totals["unreadable"],
                "written": totals["written"],
                "dropped": totals["dropped"],
            },
            "categories": cats,
            "sensitive_personal_information": table.report([c for c in ran if c in dets.PI_CATEGORIES]),
            "keyword_library": library,
            "keyword_library_categories": dict(sorted(self._part("scan", ScanPart).library_categories.items())),
            "languages": dict(sorted(self._part("quality", QualityPart).languages.items())),
            "files": self.files,
            "sources": {
                s: {**dict(sorted(c.items())), "rate": _rate(c["documents_with_findings"], c["documents"])}
                for s, c in sorted(sources.items())
            },
            "worst_documents": [item for _score, item in self._part("worst", WorstPart).worst],
            "samples": dict(sorted(self._part("samples", SamplesPart).samples.items())),
        }
        if self.cfg.sample_n:
            tech = Assessment(
                "technical",
                sampling.tech_selected,
                sampling.tech_passed,
                min_size=int(-(-docs * self.cfg.technical_min_fraction // 1)),
                min_pass_rate=self.cfg.technical_threshold,
                population=docs,
            ).as_dict()
            tech["judged_by"] = "detectors and keyword libraries; fails on " + ", ".join(self.cfg.fail_on)
            tech["seed"] = self.cfg.seed
            # Judged with a keyword library short of TC260-003 §8.1, the sample cannot pass: the rate
            # verdict stays visible, the verdict says why it does not count.
            tech["pass_rate_verdict"] = tech["verdict"]
            if not library["meets_tc260_003"]:
                tech["verdict"] = KEYWORD_LIBRARY_INSUFFICIENT
            rep["sampling"] = {
                "technical": tech,
                "manual": {
                    "size": len(sampling.manual),
                    "required_size": self.cfg.manual_min,
                    "required_pass_rate": self.cfg.manual_threshold,
                    "seed": self.cfg.seed,
                    "status": "awaiting verdicts (aisgf screen verdicts FILE)",
                },
            }
        rep["verdict"] = _verdict(rep)
        return rep


KEYWORD_LIBRARY_INSUFFICIENT = "keyword_library_insufficient"


def _verdict(rep: dict[str, Any]) -> str:
    """The run's one word: never "pass" with a keyword library short of TC260-003 §8.1.

    ``keyword_library_insufficient`` (the library falls short, whatever the sample says), else the
    technical sample's verdict (``pass``/``fail``), else ``not_sampled`` (no --sample: nothing judged).
    The manual sample is judged apart (``aisgf screen verdicts``).
    """
    if not rep["keyword_library"]["meets_tc260_003"]:
        return KEYWORD_LIBRARY_INSUFFICIENT
    if "sampling" in rep:
        return str(rep["sampling"]["technical"]["verdict"])
    return "not_sampled"


def _rate(n: int, d: int) -> float:
    return round(n / d, 6) if d else 0.0
