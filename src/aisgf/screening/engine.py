"""The native multi-pattern scan: every detector and every keyword, one pass over a batch of texts.

Why: a corpus of billions of tokens cannot be screened by running one Python regular expression
per detector per document. Hyperscan compiles all candidate patterns (and, separately, all
keywords as literals) into automata that scan a whole batch of documents, joined by NUL bytes, in
native code. Python only runs for the *candidates* it reports, so the design keeps that number
and the work per candidate small:

* the boundary bytes (no ASCII letter/digit may touch a number) are part of the compiled pattern,
  so a run of digits is reported once, at its true end, instead of once per possible end;
  fixed-width patterns then need no start-of-match tracking (Hyperscan's costly mode), and the
  e-mail detector finds its start by walking back from the "@" instead;
* the reports of a whole batch are turned into findings by the numba kernels of
  :mod:`aisgf.screening.native` — span rules, check digits, Luhn sums, overlap resolution and
  UTF-8 → code-point offsets — so Python touches only candidates of detectors with no native
  rule (licence plates, password assignments, custom detectors) and the final findings;
* :meth:`Scanner.scan_columns` hands those findings over as numpy columns, so the pipeline can
  count them without a Python object per finding;
* full-width digits and Latin letters are scanned as their ASCII twins, one code point for one,
  so the code-point offsets into the original text stay exact.
"""

from __future__ import annotations

import datetime as _dt
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the width of a pattern, as `re` computes it
from typing import Any, NamedTuple

import hyperscan as hs
import numpy as np

from aisgf.errors import InvalidInput
from aisgf.screening import native
from aisgf.screening.detectors import DETECTORS, Detector
from aisgf.screening.keywords import Keyword, KeywordLibrary

_ASCII_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

# Full-width digits and Latin letters (U+FF10-FF19, FF21-FF3A, FF41-FF5A) are scanned as their
# ASCII twins. One code point maps to one code point, so offsets in code points do not move.
_FULLWIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)}
_FULLWIDTH_UTF8 = re.compile(rb"\xef\xbc[\x90-\x99\xa1-\xba]|\xef\xbd[\x81-\x9a]")


def _byte_class(chars: bytes) -> str:
    """A Hyperscan class matching one byte *not* in ``chars`` (the boundary of a candidate)."""
    return "[^" + "".join(f"\\x{b:02x}" for b in sorted(set(chars))) + "]"


@dataclass(frozen=True)
class _Pattern:
    """How to read a Hyperscan report of one compiled pattern back into the candidate span."""

    det: int  # index into Scanner.detectors
    width: int  # total matched bytes when fixed (start = end - width); 0 = reported by SOM
    lead: int  # 1 when the pattern starts with the left-boundary byte
    trail: int  # 1 when the pattern ends with the right-boundary byte


class Finding(NamedTuple):
    """One match in one document. ``start``/``end`` are code-point offsets into the text."""

    category: str
    start: int
    end: int
    detail: str | None = None  # keyword: the library category
    value: str = ""  # the matched text: used for redaction and samples, never written to findings files
    ref: int = -1  # keyword: index into Scanner.keywords


@dataclass(frozen=True)
class Hits:
    """The findings of one batch as columns, sorted by (document, start, end, category).

    ``code`` indexes ``Scanner.categories`` (the detectors, then "keyword"); ``ref`` is the
    keyword's index into ``Scanner.keywords`` (-1 for detectors); ``start``/``end`` are code-point
    offsets into the document's text.
    """

    doc: np.ndarray
    code: np.ndarray
    ref: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @staticmethod
    def empty() -> Hits:
        z = np.zeros(0, dtype=np.int64)
        return Hits(z, z, z, z, z)

    def __len__(self) -> int:
        return int(self.doc.shape[0])


_NO_HITS3 = np.zeros((0, 3), dtype=np.int64)
_NO_HITS2 = np.zeros((0, 2), dtype=np.int64)


def _today() -> int:
    """Today as YYYYMMDD: a birth date after it is not plausible."""
    t = _dt.date.today()
    return t.year * 10000 + t.month * 100 + t.day


class Scanner:
    """Compiled detectors + keyword libraries. Build once per process; scan many batches."""

    def __init__(self, detectors: Sequence[Detector] = DETECTORS, libraries: Iterable[KeywordLibrary] = ()) -> None:
        self.detectors = list(detectors)
        self._patterns: list[_Pattern] = []
        exprs: list[bytes] = []
        flags: list[int] = []
        for di, det in enumerate(self.detectors):
            for pat in det.patterns:
                f = hs.HS_FLAG_CASELESS if det.caseless else 0
                lo, hi = sre_parse.parse(pat).getwidth()
                if det.utf8 or not pat.isascii():
                    # Boundaries stay a Python check here: in UTF-8 mode a class is a code point.
                    f |= hs.HS_FLAG_UTF8 | hs.HS_FLAG_SOM_LEFTMOST
                    self._patterns.append(_Pattern(di, 0, 0, 0))
                    exprs.append(pat.encode("utf-8"))
                else:
                    # The boundary bytes are part of the pattern, so a run of digits reports once
                    # (at its true end) instead of once per possible end; fixed-width patterns then
                    # need no start-of-match tracking, which is Hyperscan's costly mode.
                    lead, trail = int(bool(det.left) and not det.walk_back_from), int(bool(det.right))
                    expr = (_byte_class(det.left) if lead else "") + "(?:" + pat + ")"
                    expr += _byte_class(det.right) if trail else ""
                    width = lo + lead + trail if lo == hi else 0
                    if not width and not det.walk_back_from:
                        f |= hs.HS_FLAG_SOM_LEFTMOST
                    self._patterns.append(_Pattern(di, width, lead, trail))
                    exprs.append(expr.encode("ascii"))
                flags.append(f)
        # One more pattern, reported once per scan: full-width digits/letters are somewhere in the
        # batch, so those texts are scanned again as their ASCII twins (rare; costs nothing otherwise).
        # (Compiled even without detectors: keywords are matched on the ASCII twins as well.)
        self._fw_pid = len(exprs)
        exprs.append(_FULLWIDTH_UTF8.pattern)
        flags.append(hs.HS_FLAG_SINGLEMATCH)
        self._regex_db = hs.Database(mode=hs.HS_MODE_BLOCK)
        self._regex_db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        self._native_tables()
        self.keywords: list[Keyword] = [k for lib in libraries for k in lib.keywords]
        self._kw_db: hs.Database | None = None
        n_kw = len(self.keywords)
        self._kw_nbytes = np.zeros(n_kw, dtype=np.int64)
        self._kw_bound_left = np.zeros(n_kw, dtype=np.bool_)
        self._kw_bound_right = np.zeros(n_kw, dtype=np.bool_)
        # keyword findings at the same span sort by library category, then library order
        self._kw_rank = np.zeros(n_kw + 1, dtype=np.int64)  # [-1]: detectors, 0
        self._kw_rank[sorted(range(n_kw), key=lambda i: (self.keywords[i].category, i))] = np.arange(n_kw)
        self._kw_detail: list[str] = [k.category for k in self.keywords]
        if self.keywords:
            kexprs: list[bytes] = []
            kflags: list[int] = []
            for i, k in enumerate(self.keywords):
                raw = k.text.encode("utf-8")
                kexprs.append(raw)
                kflags.append(hs.HS_FLAG_CASELESS if k.text.isascii() else 0)
                self._kw_nbytes[i] = len(raw)
                self._kw_bound_left[i] = raw[0] in _ASCII_ALNUM
                self._kw_bound_right[i] = raw[-1] in _ASCII_ALNUM
            self._kw_db = hs.Database(mode=hs.HS_MODE_BLOCK)
            try:
                self._kw_db.compile(
                    expressions=kexprs,
                    ids=list(range(len(kexprs))),
                    elements=len(kexprs),
                    flags=kflags,
                    literal=True,
                )
            except hs.error as exc:  # pragma: no cover - literals always compile; kept for a clear message
                raise InvalidInput(f"keyword library does not compile: {exc}") from exc

    def _native_tables(self) -> None:
        """The pattern and detector facts the native kernels read, as arrays indexed by id."""
        dets = self.detectors
        pats = self._patterns
        self._pat_det = np.array([p.det for p in pats] or [0], dtype=np.int64)
        self._pat_width = np.array([p.width for p in pats] or [0], dtype=np.int64)
        self._pat_lead = np.array([p.lead for p in pats] or [0], dtype=np.int64)
        self._pat_trail = np.array([p.trail for p in pats] or [0], dtype=np.int64)
        nd = max(len(dets), 1)
        self._left = np.zeros((nd, 256), dtype=np.bool_)
        self._right = np.zeros((nd, 256), dtype=np.bool_)
        self._extend = np.zeros((nd, 257), dtype=np.bool_)  # column 256: the detector extends at all
        self._walk = np.full(nd, -1, dtype=np.int64)
        self._kind = np.zeros(nd, dtype=np.int64)
        self._priority = np.zeros(nd, dtype=np.int64)
        self._is_pi = np.zeros(nd, dtype=np.bool_)
        for i, d in enumerate(dets):
            self._left[i, list(d.left)] = True
            self._right[i, list(d.right)] = True
            if d.extend:
                self._extend[i, list(d.extend)] = True
                self._extend[i, 256] = True
            if d.walk_back_from:
                self._walk[i] = d.walk_back_from[-1]
            if d.kind not in native.KINDS:
                raise InvalidInput(f"detector {d.category!r}: unknown kind {d.kind!r}; known: {sorted(native.KINDS)}")
            self._kind[i] = native.KINDS[d.kind]
            self._priority[i] = d.priority
            self._is_pi[i] = d.group == "personal_information"
        # codes: detectors 0..n-1, then "keyword"; findings at one span sort by category name
        self.categories: list[str] = [d.category for d in dets] + ["keyword"]
        names = sorted(set(self.categories))
        self._code_rank = np.array([names.index(c) for c in self.categories], dtype=np.int64)

    # ------------------------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """Pickle with the compiled databases serialised: a worker loads them instead of compiling."""
        state = dict(self.__dict__)
        for name in ("_regex_db", "_kw_db"):
            db = state[name]
            state[name] = hs.dumpb(db) if db is not None else None  # no keywords: no keyword database
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in ("_regex_db", "_kw_db"):
            raw = state[name]
            db = None
            if raw is not None:
                db = hs.loadb(raw, hs.HS_MODE_BLOCK)
                db.scratch = hs.Scratch(db)  # a loaded database has no scratch space yet
            state[name] = db
        self.__dict__.update(state)

    def scan_batch(self, texts: Sequence[str], encoded: Sequence[bytes] | None = None) -> list[list[Finding]]:
        """Findings per text, sorted by (start, end, category).

        ``encoded`` (the texts in UTF-8, if the caller has them already) saves one encoding pass.
        """
        hits = self.scan_columns(texts, encoded)
        out: list[list[Finding]] = [[] for _ in texts]
        names, details = self.categories, self._kw_detail
        for d, code, ref, s, e in zip(
            hits.doc.tolist(),
            hits.code.tolist(),
            hits.ref.tolist(),
            hits.start.tolist(),
            hits.end.tolist(),
            strict=True,
        ):
            out[d].append(Finding(names[code], s, e, details[ref] if ref >= 0 else None, texts[d][s:e], ref))
        return out

    def scan(self, text: str) -> list[Finding]:
        return self.scan_batch([text])[0]

    def scan_columns(self, texts: Sequence[str], encoded: Sequence[bytes] | None = None) -> Hits:
        """Findings of a batch as columns (numpy arrays), sorted by (document, start, end, category).

        The texts are joined into one buffer with a NUL before, between and after them, so every
        candidate has a neighbouring byte on both sides and one native call scans the batch; the
        reports are turned into findings by the kernels of :mod:`aisgf.screening.native`.
        """
        enc = list(encoded) if encoded is not None else [t.encode("utf-8", "replace") for t in texts]
        buf = b"\x00" + b"\x00".join(enc) + b"\x00"
        regex_hits, kw_hits = self._raw_scan(buf)
        if regex_hits.shape[0] and (regex_hits[:, 0] == self._fw_pid).any():
            # full-width digits/letters somewhere: scan those texts as their ASCII twins
            for i, e in enumerate(enc):
                if _FULLWIDTH_UTF8.search(e):
                    enc[i] = texts[i].translate(_FULLWIDTH).encode("utf-8", "replace")
            buf = b"\x00" + b"\x00".join(enc) + b"\x00"
            regex_hits, kw_hits = self._raw_scan(buf)
        regex_hits = regex_hits[regex_hits[:, 0] != self._fw_pid] if regex_hits.shape[0] else regex_hits
        lens = np.fromiter(map(len, enc), dtype=np.int64, count=len(enc))
        starts = np.empty(len(enc), dtype=np.int64)
        if len(enc):
            starts[0] = 1
            np.cumsum(lens[:-1] + 1, out=starts[1:])
            starts[1:] += 1
        arr = np.frombuffer(buf, dtype=np.uint8)
        parts_frm: list[np.ndarray] = []
        parts_to: list[np.ndarray] = []
        parts_code: list[np.ndarray] = []
        parts_ref: list[np.ndarray] = []
        if regex_hits.shape[0]:
            frm, to, det = self._validate_regex(buf, arr, regex_hits)
            parts_frm.append(frm)
            parts_to.append(to)
            parts_code.append(det)
            parts_ref.append(np.full(det.shape[0], -1, dtype=np.int64))
        if kw_hits.shape[0]:
            ok = native.keyword_spans(arr, kw_hits, self._kw_nbytes, self._kw_bound_left, self._kw_bound_right)
            kid = kw_hits[ok, 0]
            kto = kw_hits[ok, 1]
            parts_frm.append(kto - self._kw_nbytes[kid])
            parts_to.append(kto)
            parts_code.append(np.full(kid.shape[0], len(self.detectors), dtype=np.int64))
            parts_ref.append(kid)
        if not parts_frm:
            return Hits.empty()
        frm = np.concatenate(parts_frm)
        to = np.concatenate(parts_to)
        code = np.concatenate(parts_code)
        ref = np.concatenate(parts_ref)
        doc = np.searchsorted(starts, frm, side="right") - 1
        sub = self._kw_rank[ref]
        order = np.lexsort((sub, self._code_rank[code], to, frm, doc))
        doc, frm, to, code, ref = doc[order], frm[order], to[order], code[order], ref[order]
        start_cp, end_cp = native.to_codepoints(arr, starts, doc, frm, to)
        return Hits(doc, code, ref, start_cp, end_cp)

    # ------------------------------------------------------------------------------------------
    def _raw_scan(self, buf: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Both Hyperscan databases over one buffer: (pattern, from, to) and (keyword, to) rows."""
        rh = array("q")
        kh = array("q")
        radd = rh.extend

        def on_regex(pid: int, frm: int, to: int, _flags: int, _ctx: object) -> None:
            radd((pid, frm, to))

        self._regex_db.scan(buf, match_event_handler=on_regex)
        if self._kw_db is not None:
            kadd = kh.extend

            def on_kw(kid: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
                kadd((kid, to))

            self._kw_db.scan(buf, match_event_handler=on_kw)
        return (
            np.frombuffer(rh, dtype=np.int64).reshape(-1, 3) if rh else _NO_HITS3,
            np.frombuffer(kh, dtype=np.int64).reshape(-1, 2) if kh else _NO_HITS2,
        )

    def _validate_regex(self, buf: bytes, arr: np.ndarray, hits: np.ndarray) -> tuple[np.ndarray, ...]:
        """Reports → valid, unique, resolved spans (buffer byte offsets) with their detector."""
        det, frm, to, status = native.candidates(
            arr,
            hits,
            self._pat_det,
            self._pat_width,
            self._pat_lead,
            self._pat_trail,
            self._left,
            self._right,
            self._extend,
            self._walk,
            self._kind,
            _today(),
        )
        ask = np.flatnonzero(status == native.ASK_PYTHON)
        if ask.shape[0]:
            # detectors with no native rule (IPv6, plates, assignments): few candidates, each in Python
            for k, d, f, t in zip(ask.tolist(), det[ask].tolist(), frm[ask].tolist(), to[ask].tolist(), strict=True):
                status[k] = native.VALID if _validate_one(self.detectors[d], buf[f:t]) else native.DROP
        sel = status == native.VALID
        frm, to, det = frm[sel], to[sel], det[sel]
        if frm.shape[0] > 1:
            order = np.lexsort((det, -to, frm))
            frm, to, det = frm[order], to[order], det[order]
            new = np.ones(frm.shape[0], dtype=bool)
            new[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1]) | (det[1:] != det[:-1])
            if not new.all():
                frm, to, det = frm[new], to[new], det[new]
            keep = native.resolve(frm, to, det, self._priority, self._is_pi)
            if not keep.all():
                frm, to, det = frm[keep], to[keep], det[keep]
        return frm, to, det


def _validate_one(det: Detector, value: bytes) -> bool:
    try:
        return det.validate(value.decode("utf-8"))
    except UnicodeDecodeError:
        return False
