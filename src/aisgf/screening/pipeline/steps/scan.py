"""Scan step: the detectors and keyword libraries over a batch, as columns; their counters.

Why it fills the batch: every later step reads the findings, so they are computed once here, as
plain lists (one ``tolist`` per column per batch) and ``bincount``s, never an object per finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Self

import numpy as np

from aisgf.screening.engine import Hits
from aisgf.screening.pipeline.batch import Batch, ShardContext, json_key
from aisgf.screening.pipeline.step import Part, Step


@dataclass
class ScanPart(Part):
    """Findings and documents per detector category; keyword findings per library category."""

    library_categories: Counter[str] = field(default_factory=Counter)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.library_categories.update(later.library_categories)
        return self


class Scan(Step):
    name = "scan"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.part = ScanPart()
        self.n_with_findings = 0

    def process(self, batch: Batch) -> None:
        ctx = self.ctx
        texts, nt = batch.texts, len(batch.texts)
        hits = ctx.scanner.scan_columns(texts, batch.encoded) if texts else Hits.empty()
        h_doc, h_code, h_ref = hits.doc, hits.code, hits.ref
        per_doc = np.bincount(h_doc, minlength=nt) if len(hits) else np.zeros(nt, dtype=np.int64)
        bounds = np.zeros(nt + 1, dtype=np.int64)
        np.cumsum(per_doc, out=bounds[1:])
        nf = per_doc.tolist()
        batch.n_findings, batch.bounds = nf, bounds.tolist()
        batch.key_json = [json_key(d.key) if n else "" for d, n in zip(batch.readable, nf, strict=True)]
        batch.score_doc = [0] * nt
        if not len(hits):
            return
        batch.hits_doc, batch.hits_code = h_doc, h_code
        batch.docs_l, batch.codes, batch.refs = h_doc.tolist(), h_code.tolist(), h_ref.tolist()
        batch.starts, batch.ends = hits.start.tolist(), hits.end.tolist()
        self.n_with_findings += nt - nf.count(0)
        part, names, n_codes = self.part, ctx.names, len(ctx.names)
        kw_sel = h_ref[h_ref >= 0]
        if kw_sel.shape[0]:
            kw, kw_tail, kw_labels = ctx.scanner.keywords, ctx.kw_tail, ctx.kw_labels
            per_kw = np.bincount(kw_sel)
            for k in np.flatnonzero(per_kw).tolist():
                kwd = kw[k]
                part.library_categories[kwd.category] += int(per_kw[k])
                if k not in kw_tail:
                    kw_tail[k] = (
                        f', "library_category": {json_key(kwd.category)}, '
                        f'"risk_class": {json_key(kwd.risk_class)}, "library": {json_key(kwd.library)}}}\n'
                    )
                    kw_labels[k] = ("keyword", f"keyword:{kwd.category}")
        per_code = np.bincount(h_code, minlength=n_codes)
        pairs = np.unique(h_doc * n_codes + h_code)
        docs_per_code = np.bincount(pairs % n_codes, minlength=n_codes)
        for c in np.flatnonzero(per_code).tolist():
            part.cat_findings[names[c]] += int(per_code[c])
            part.cat_docs[names[c]] += int(docs_per_code[c])
        batch.score = np.bincount(h_doc, weights=ctx.code_score[h_code], minlength=nt).astype(np.int64)
        batch.score_doc = batch.score.tolist()

    def result(self) -> ScanPart:
        if self.n_with_findings:
            self.part.counts["documents_with_findings"] = self.n_with_findings
        return self.part
