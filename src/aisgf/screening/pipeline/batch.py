"""The columnar batch the steps work on, and what a shard's steps share.

Why columns: at 150 MB/s a core has ~13 µs per document for everything. So a batch keeps its
findings as the scanner's numpy columns turned into plain lists once (counts are ``bincount``s,
findings lines are formatted in one comprehension), and ``Finding`` objects are built only for the
few documents that need them (samples, worst documents, the manual sample, the cleaned copy).
Steps fill the batch in order: the scan step its findings columns, the quality step its flags and
languages; the steps after them only read.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aisgf.screening import detectors as dets
from aisgf.screening.engine import Finding, Scanner
from aisgf.screening.pipeline.config import ScreenConfig, keyword_pieces, scanner_for
from aisgf.screening.pipeline.redaction import SCORE, score_of
from aisgf.screening.pipeline.shards import Shard
from aisgf.screening.readers import Doc


def to_json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def json_key(key: str | int) -> str:
    """``json.dumps(key, ensure_ascii=False)`` without its cost for the usual plain ids."""
    if type(key) is int:
        return str(key)
    if type(key) is str and key.isprintable() and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return to_json(key)


class ShardContext:
    """What every step of one shard reads: configuration, scanner, and pre-formatted line pieces.

    The pieces make a findings line by concatenation: its bytes are what ``json.dumps`` of the
    record gives, at a fraction of the cost.
    """

    def __init__(self, shard: Shard, cfg: ScreenConfig, spill_dir: str | None = None) -> None:
        self.shard, self.cfg, self.spill_dir = shard, cfg, spill_dir
        self.scanner: Scanner = scanner_for(cfg)
        self.file = shard.path
        self.head = '{"file": ' + to_json(self.file) + ', "doc": '
        names = self.scanner.categories  # finding code -> category; the last code is "keyword"
        self.names = names
        by_cat = dets.BY_CATEGORY
        self.code_tail = [
            f', "group": {to_json(by_cat[c].group)}, "sensitivity": {to_json(by_cat[c].sensitivity)}}}\n'
            for c in names[:-1]
        ]
        self.code_labels = [(c, by_cat[c].group, by_cat[c].sensitivity) for c in names[:-1]]
        scores = [score_of(Finding(c, 0, 0)) for c in names[:-1]] + [SCORE["keyword"]]
        self.code_score = np.array(scores, dtype=np.int64)
        self.kw_tail, self.kw_labels = keyword_pieces(cfg)


@dataclass
class Batch:
    """Up to ``batch_docs`` documents in corpus order; per readable document, its columns.

    ``j`` indexes the readable documents (``readable``, ``texts``, ``encoded`` and every per-document
    list); the findings of document ``j`` are positions ``bounds[j]..bounds[j + 1]`` of the
    per-finding lists.
    """

    docs: list[Doc]
    readable: list[Doc]
    texts: list[str]
    encoded: list[bytes]
    # the scan step
    hits_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hits_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    n_findings: list[int] = field(default_factory=list)  # per document
    bounds: list[int] = field(default_factory=list)
    docs_l: list[int] = field(default_factory=list)  # per finding
    codes: list[int] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    key_json: list[str] = field(default_factory=list)  # per document with findings, else ""
    score: np.ndarray | None = None  # per document, when there are findings
    score_doc: list[int] = field(default_factory=list)
    # the quality step
    qualities: list[list[str]] = field(default_factory=list)
    _labels: list[set[str]] | None = None

    @staticmethod
    def of(docs: list[Doc]) -> Batch:
        readable = [d for d in docs if d.text is not None]
        texts: list[str] = [d.text for d in readable]  # type: ignore[misc]
        encoded = [t.encode("utf-8", "replace") for t in texts]
        return Batch(docs, readable, texts, encoded)

    @property
    def n_hits(self) -> int:
        return len(self.docs_l)

    def findings(self, ctx: ShardContext, j: int) -> list[Finding]:
        text = self.texts[j]
        names, kw = ctx.names, ctx.scanner.keywords
        out: list[Finding] = []
        for k in range(self.bounds[j], self.bounds[j + 1]):
            s, e, r = self.starts[k], self.ends[k], self.refs[k]
            detail = kw[r].category if r >= 0 else None
            out.append(Finding(names[self.codes[k]], s, e, detail, text[s:e], r))
        return out

    def categories(self, ctx: ShardContext, j: int) -> Counter[str]:
        names = ctx.names
        return Counter(names[self.codes[k]] for k in range(self.bounds[j], self.bounds[j + 1]))

    def labels(self, ctx: ShardContext) -> list[set[str]]:
        """Per document, the rule labels of its findings (``--drop``, ``fail_on``); computed once."""
        if self._labels is None:
            code_labels, kw_labels = ctx.code_labels, ctx.kw_labels
            bnd, refs, codes = self.bounds, self.refs, self.codes
            out: list[set[str]] = []
            for j in range(len(self.texts)):
                labels: set[str] = set()
                for k in range(bnd[j], bnd[j + 1]):
                    r = refs[k]
                    labels.update(code_labels[codes[k]] if r < 0 else kw_labels[r])
                out.append(labels)
            self._labels = out
        return self._labels
