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
* candidates are validated per detector in one call (numpy check digits for resident IDs and
  credit codes), and overlapping spans are resolved only where spans actually overlap;
* offsets are converted from UTF-8 bytes to Unicode code points only for documents with findings;
* full-width digits and Latin letters are scanned as their ASCII twins, one code point for one,
  so the code-point offsets into the original text stay exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from re import _parser as sre_parse  # the width of a pattern, as `re` computes it
from typing import Any, NamedTuple

import hyperscan as hs

from aisgf.errors import InvalidInput
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
class _KwInfo:
    category: str
    risk_class: str
    library: str
    nbytes: int
    bound_left: bool
    bound_right: bool


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
        # (detector, end - start, end - candidate end) for patterns that need no check in Python
        self._fast: list[tuple[int, int, int] | None] = [
            (p.det, p.width - p.lead, p.trail)
            if p.width
            and p.lead == int(bool(self.detectors[p.det].left))
            and p.trail
            and not self.detectors[p.det].extend
            else None
            for p in self._patterns
        ]
        self._regex_db: hs.Database | None = None
        if exprs:
            self._regex_db = hs.Database(mode=hs.HS_MODE_BLOCK)
            self._regex_db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        self.keywords: list[Keyword] = [k for lib in libraries for k in lib.keywords]
        self._kw_info: list[_KwInfo] = []
        self._kw_db: hs.Database | None = None
        if self.keywords:
            kexprs: list[bytes] = []
            kflags: list[int] = []
            for k in self.keywords:
                raw = k.text.encode("utf-8")
                kexprs.append(raw)
                caseless = k.text.isascii()
                kflags.append(hs.HS_FLAG_CASELESS if caseless else 0)
                self._kw_info.append(
                    _KwInfo(
                        k.category,
                        k.risk_class,
                        k.library,
                        len(raw),
                        raw[0] in _ASCII_ALNUM,
                        raw[-1] in _ASCII_ALNUM,
                    )
                )
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

    # ------------------------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """Pickle with the compiled databases serialised: a worker loads them instead of compiling."""
        state = dict(self.__dict__)
        for name in ("_regex_db", "_kw_db"):
            db = state[name]
            state[name] = hs.dumpb(db) if db is not None else None
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
        The texts are joined into one buffer with a NUL before, between and after them, so every
        candidate has a neighbouring byte on both sides and one native call scans the batch.
        """
        enc = list(encoded) if encoded is not None else [t.encode("utf-8", "replace") for t in texts]
        buf = b"\x00" + b"\x00".join(enc) + b"\x00"
        if _FULLWIDTH_UTF8.search(buf):
            for i, e in enumerate(enc):
                if _FULLWIDTH_UTF8.search(e):
                    enc[i] = texts[i].translate(_FULLWIDTH).encode("utf-8", "replace")
            buf = b"\x00" + b"\x00".join(enc) + b"\x00"
        starts: list[int] = []
        pos = 1
        for e in enc:
            starts.append(pos)
            pos += len(e) + 1
        regex_hits: list[tuple[int, int, int]] = []
        kw_hits: list[tuple[int, int]] = []
        if self._regex_db is not None:
            add = regex_hits.append

            def on_regex(pid: int, frm: int, to: int, _flags: int, _ctx: object) -> None:
                add((pid, frm, to))

            self._regex_db.scan(buf, match_event_handler=on_regex)
        if self._kw_db is not None:
            kadd = kw_hits.append

            def on_kw(kid: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
                kadd((kid, to))

            self._kw_db.scan(buf, match_event_handler=on_kw)

        per_doc: list[list[tuple[int, int, str, str | None, int]]] = [[] for _ in texts]
        if regex_hits:
            self._validate_regex(buf, starts, regex_hits, per_doc)
        if kw_hits:
            self._validate_keywords(buf, starts, kw_hits, per_doc)
        out: list[list[Finding]] = []
        for i, hits in enumerate(per_doc):
            if not hits:
                out.append([])
                continue
            out.append(_to_codepoints(texts[i], enc[i], hits))
        return out

    def scan(self, text: str) -> list[Finding]:
        return self.scan_batch([text])[0]

    # ------------------------------------------------------------------------------------------
    def _validate_regex(
        self,
        buf: bytes,
        starts: list[int],
        hits: list[tuple[int, int, int]],
        per_doc: list[list[tuple[int, int, str, str | None, int]]],
    ) -> None:
        # 1. Turn reports into candidate spans, per detector, dropping those with a bad neighbour.
        detectors = self.detectors
        cands: list[list[tuple[int, int]]] = [[] for _ in detectors]
        fast = self._fast
        patterns = self._patterns
        for pid, frm, to in hits:
            f = fast[pid]
            if f is not None:  # fixed width, both boundaries in the pattern: nothing to check
                cands[f[0]].append((to - f[1], to - f[2]))
                continue
            p = patterns[pid]
            det = detectors[p.det]
            if p.width:
                frm = to - p.width
            elif det.walk_back_from:
                frm = buf.rfind(det.walk_back_from, 0, to)
                stop = frm - 65
                while frm > stop and buf[frm - 1] in det.left:
                    frm -= 1
                if frm == stop:
                    continue  # longer than any valid candidate (an e-mail local part is ≤ 64)
            frm += p.lead
            to -= p.trail
            if not p.lead and det.left and buf[frm - 1] in det.left:
                continue
            if not p.trail and det.right and buf[to] in det.right:
                continue
            if det.extend:
                limit = min(len(buf), to + 512)
                while to < limit and buf[to] in det.extend:
                    to += 1
            if buf[to] == 0x2E and (
                (det.category == "email" and buf[to + 1] in _ASCII_ALNUM)
                or (det.category == "ipv4" and 48 <= buf[to + 1] <= 57)
            ):
                continue  # the address goes on past this candidate (".com.cn", a fifth octet)
            cands[p.det].append((frm, to))
        # 2. Validate each detector's candidates in one go.
        valid: list[tuple[int, int, int]] = []  # (start, -end, detector)
        for di, spans in enumerate(cands):
            if not spans:
                continue
            det = detectors[di]
            spans = list(set(spans))
            values = [buf[f:t] for f, t in spans]
            oks = (
                det.validate_many(values) if det.validate_many is not None else [_validate_one(det, v) for v in values]
            )
            valid.extend((f, -t, di) for (f, t), ok in zip(spans, oks, strict=True) if ok)
        if not valid:
            return
        # 3. Sweep the valid spans in buffer order. A span that overlaps no other one is a finding
        # as it is; a cluster of overlapping spans (never across documents: NUL separates them)
        # is resolved by _resolve: the longest span per (category, start), and among personal
        # information the stronger detector, e.g. a resident ID over a bank-card reading.
        valid.sort()
        n_docs = len(starts)
        doc = 0
        cluster: list[tuple[int, int, int]] = []
        cluster_end = -1
        for item in [*valid, (len(buf), -len(buf), -1)]:
            frm = item[0]
            if frm < cluster_end:
                cluster.append(item)
                cluster_end = max(cluster_end, -item[1])
                continue
            if cluster:
                while doc + 1 < n_docs and starts[doc + 1] <= cluster[0][0]:
                    doc += 1
                base = starts[doc]
                out = per_doc[doc]
                if len(cluster) == 1:
                    c = cluster[0]
                    out.append((c[0] - base, -c[1] - base, detectors[c[2]].category, None, 0))
                else:
                    for f, t, det in self._resolve(cluster):
                        out.append((f - base, t - base, det.category, None, 0))
            cluster = [item]
            cluster_end = -item[1]

    def _resolve(self, cluster: list[tuple[int, int, int]]) -> list[tuple[int, int, Detector]]:
        """Overlapping valid spans → findings (the rules of step 3 of :meth:`_validate_regex`)."""
        best: dict[tuple[str, int], tuple[int, Detector]] = {}
        for f, neg_t, di in cluster:
            det = self.detectors[di]
            prev = best.get((det.category, f))
            if prev is None or prev[0] < -neg_t:
                best[(det.category, f)] = (-neg_t, det)
        spans = sorted(
            ((f, t, det) for (_c, f), (t, det) in best.items()), key=lambda s: (s[2].priority, s[0] - s[1], s[0])
        )
        taken: list[tuple[int, int]] = []
        kept: list[tuple[int, int, Detector]] = []
        for frm, to, det in spans:
            if det.group == "personal_information":
                if any(frm < t_to and t_frm < to for t_frm, t_to in taken):
                    continue
                taken.append((frm, to))
            kept.append((frm, to, det))
        return kept

    def _validate_keywords(
        self,
        buf: bytes,
        starts: list[int],
        hits: list[tuple[int, int]],
        per_doc: list[list[tuple[int, int, str, str | None, int]]],
    ) -> None:
        n = len(buf)
        for kid, to in hits:
            info = self._kw_info[kid]
            frm = to - info.nbytes
            if info.bound_left and frm > 0 and buf[frm - 1] in _ASCII_ALNUM:
                continue
            if info.bound_right and to < n and buf[to] in _ASCII_ALNUM:
                continue
            doc = bisect.bisect_right(starts, frm) - 1
            base = starts[doc]
            per_doc[doc].append((frm - base, to - base, "keyword", info.category, kid + 1))


def _validate_one(det: Detector, value: bytes) -> bool:
    try:
        return det.validate(value.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _to_codepoints(text: str, enc: bytes, hits: list[tuple[int, int, str, str | None, int]]) -> list[Finding]:
    """Findings in code points; ``hits`` in UTF-8 byte offsets of ``enc`` (the text, maybe normalised).

    Hits are sorted by start byte, so start offsets are converted incrementally (each byte of the
    document is decoded at most once more) and ends from the length of the match. The mapping is
    monotonic, so the byte order is already the (start, end, category) order of the result.
    """
    hits.sort()
    if len(enc) == len(text):  # pure ASCII: bytes are code points
        return [Finding(cat, frm, to, detail, text[frm:to], k - 1) for frm, to, cat, detail, k in hits]
    out: list[Finding] = []
    prev_b = prev_c = 0
    for frm, to, cat, detail, k in hits:
        if frm != prev_b:
            prev_c += len(enc[prev_b:frm].decode("utf-8", "replace"))
            prev_b = frm
        end = prev_c + len(enc[frm:to].decode("utf-8", "replace"))
        out.append(Finding(cat, prev_c, end, detail, text[prev_c:end], k - 1))
    return out
