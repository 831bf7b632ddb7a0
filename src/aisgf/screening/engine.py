"""The native multi-pattern scan: every detector and every keyword, one pass over a batch of texts.

Why: a corpus of billions of tokens cannot be screened by running one Python regular expression
per detector per document. Hyperscan compiles all candidate patterns (and, separately, all
keywords as literals) into automata that scan a whole batch of documents, joined by NUL bytes, in
native code. Python only runs for the *candidates* it reports: boundary checks on the neighbouring
bytes and the validators of :mod:`aisgf.screening.validators`. Offsets are converted from UTF-8
bytes to Unicode code points only for documents that have findings.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import hyperscan as hs

from aisgf.errors import InvalidInput
from aisgf.screening.detectors import DETECTORS, Detector
from aisgf.screening.keywords import Keyword, KeywordLibrary

_ASCII_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


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
        self._pattern_owner: list[Detector] = []
        exprs: list[bytes] = []
        flags: list[int] = []
        for det in self.detectors:
            for pat in det.patterns:
                self._pattern_owner.append(det)
                exprs.append(pat.encode("utf-8"))
                f = hs.HS_FLAG_SOM_LEFTMOST
                if det.caseless:
                    f |= hs.HS_FLAG_CASELESS
                if det.utf8 or not pat.isascii():
                    f |= hs.HS_FLAG_UTF8
                flags.append(f)
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
    def scan_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings per text, sorted by (start, end, category)."""
        encoded = [t.encode("utf-8", "replace") for t in texts]
        buf = b"\x00".join(encoded)
        starts: list[int] = []
        pos = 0
        for e in encoded:
            starts.append(pos)
            pos += len(e) + 1
        regex_hits: list[tuple[int, int, int]] = []
        kw_hits: list[tuple[int, int]] = []
        if self._regex_db is not None and buf:

            def on_regex(pid: int, frm: int, to: int, _flags: int, _ctx: object) -> None:
                regex_hits.append((pid, frm, to))

            self._regex_db.scan(buf, match_event_handler=on_regex)
        if self._kw_db is not None and buf:

            def on_kw(kid: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
                kw_hits.append((kid, to))

            self._kw_db.scan(buf, match_event_handler=on_kw)

        per_doc: list[list[tuple[int, int, str, str | None, int]]] = [[] for _ in texts]
        if regex_hits:
            self._validate_regex(buf, starts, encoded, regex_hits, per_doc)
        if kw_hits:
            self._validate_keywords(buf, starts, kw_hits, per_doc)
        out: list[list[Finding]] = []
        for i, hits in enumerate(per_doc):
            if not hits:
                out.append([])
                continue
            out.append(_to_codepoints(texts[i], encoded[i], hits))
        return out

    def scan(self, text: str) -> list[Finding]:
        return self.scan_batch([text])[0]

    # ------------------------------------------------------------------------------------------
    def _validate_regex(
        self,
        buf: bytes,
        starts: list[int],
        encoded: list[bytes],
        hits: list[tuple[int, int, int]],
        per_doc: list[list[tuple[int, int, str, str | None, int]]],
    ) -> None:
        # Longest candidate per (detector, start) that passes: shorter ends are prefixes
        # (".co" of ".com") which the right-boundary check rejects anyway.
        best: dict[tuple[int, str, int], tuple[int, Detector]] = {}
        n = len(buf)
        for pid, frm, to in hits:
            det = self._pattern_owner[pid]
            if det.left and frm > 0 and buf[frm - 1] in det.left:
                continue
            if det.right and to < n and buf[to] in det.right:
                continue
            if det.extend:
                limit = min(n, to + 512)
                while to < limit and buf[to] in det.extend:
                    to += 1
            if det.category == "email" and to + 1 < n and buf[to] == 0x2E and buf[to + 1] in _ASCII_ALNUM:
                continue
            if det.category == "ipv4" and to + 1 < n and buf[to] == 0x2E and 48 <= buf[to + 1] <= 57:
                continue
            doc = bisect.bisect_right(starts, frm) - 1
            key = (doc, det.category, frm)
            prev = best.get(key)
            if prev is not None and prev[0] >= to:
                continue
            try:
                value = buf[frm:to].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if det.validate(value):
                best[key] = (to, det)
        if not best:
            return
        # Resolve overlaps among personal-information spans: the stronger (validated by a
        # checksum with more structure) wins, e.g. a resident ID over a bank card reading.
        by_doc: dict[int, list[tuple[int, int, Detector]]] = {}
        for (doc, _cat, frm), (to, det) in best.items():
            by_doc.setdefault(doc, []).append((frm, to, det))
        for doc, spans in by_doc.items():
            base = starts[doc]
            spans.sort(key=lambda s: (s[2].priority, s[0] - s[1], s[0]))
            taken: list[tuple[int, int]] = []
            for frm, to, det in spans:
                if det.group == "personal_information":
                    if any(frm < t_to and t_frm < to for t_frm, t_to in taken):
                        continue
                    taken.append((frm, to))
                per_doc[doc].append((frm - base, to - base, det.category, None, 0))

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


def _to_codepoints(text: str, enc: bytes, hits: list[tuple[int, int, str, str | None, int]]) -> list[Finding]:
    hits.sort()
    out: list[Finding] = []
    if len(enc) == len(text):  # pure ASCII: bytes are code points
        for frm, to, cat, detail, _k in hits:
            out.append(Finding(cat, frm, to, detail, text[frm:to], _k - 1))
        return out
    # Map byte offsets to code points incrementally (hits are sorted by start byte).
    cache: dict[int, int] = {0: 0}
    offsets = sorted({h[0] for h in hits} | {h[1] for h in hits})
    prev_b, prev_c = 0, 0
    for b in offsets:
        prev_c += len(enc[prev_b:b].decode("utf-8", "replace"))
        prev_b = b
        cache[b] = prev_c
    for frm, to, cat, detail, _k in hits:
        s, e = cache[frm], cache[to]
        out.append(Finding(cat, s, e, detail, text[s:e], _k - 1))
    out.sort(key=lambda f: (f.start, f.end, f.category))
    return out
