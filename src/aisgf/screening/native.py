"""Candidate validation and finding assembly in native code (numba), for whole scan batches.

Why: Hyperscan reports about 1,500 candidates per MB on a dense corpus. Turning each report into
a span, checking its neighbours, its check digit or Luhn sum, resolving overlaps and converting
UTF-8 byte offsets to code points cost ~5 µs per candidate in Python — three times the native
scan itself. These kernels do the same work over the whole batch buffer in one call each, so
Python only sees (a) the rare candidates of detectors without a native rule (IPv6, licence
plates, password assignments, custom detectors) and (b) the final findings.

Every rule here has a scalar twin in :mod:`aisgf.screening.validators` or
:mod:`aisgf.screening.detectors`, the reference the tests compare these kernels against.
Compiled once per machine (``cache=True`` writes the machine code next to this file, or to
``NUMBA_CACHE_DIR``); a fresh process loads it in well under a second.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Native validation rules, by detector (``Detector.kind``). PYTHON = call ``Detector.validate``.
PYTHON = 0
ALWAYS = 1
RESIDENT_ID = 2
RESIDENT_ID_OLD = 3
USCC = 4
BANK_CARD = 5
MOBILE = 6
LANDLINE = 7
HK_ID = 8
TW_ID = 9
EMAIL = 10
IPV4 = 11
IPV6 = 12
KINDS = {
    "python": PYTHON,
    "always": ALWAYS,
    "resident_id": RESIDENT_ID,
    "resident_id_old": RESIDENT_ID_OLD,
    "uscc": USCC,
    "bank_card": BANK_CARD,
    "mobile": MOBILE,
    "landline": LANDLINE,
    "hk_id": HK_ID,
    "tw_id": TW_ID,
    "email": EMAIL,
    "ipv4": IPV4,
    "ipv6": IPV6,
}

# Candidate status returned by :func:`candidates`.
DROP, VALID, ASK_PYTHON = 0, 1, 2


def _tables() -> dict[str, np.ndarray]:
    from aisgf.screening import validators as v

    province = np.zeros(100, dtype=np.bool_)
    province[sorted(v.PROVINCE_CODES)] = True
    mobile = np.zeros(1000, dtype=np.bool_)
    mobile[sorted(v.MOBILE_PREFIXES)] = True
    uscc = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate(v.USCC_CHARSET):
        uscc[ord(c)] = i
    uscc_first = np.zeros(256, dtype=np.bool_)
    uscc_first[list(b"123456789ANY")] = True
    tw = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO"):
        tw[ord(c)] = 10 + i
    return {
        "province": province,
        "mobile": mobile,
        "uscc": uscc,
        "uscc_first": uscc_first,
        "uscc_w": np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64),
        "id_w": np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64),
        "id_check": np.frombuffer(b"10X98765432", dtype=np.uint8).copy(),
        "tw": tw,
        "dim": np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64),
    }


T = _tables()
_PROVINCE = T["province"]
_MOBILE = T["mobile"]
_USCC = T["uscc"]
_USCC_FIRST = T["uscc_first"]
_USCC_W = T["uscc_w"]
_ID_W = T["id_w"]
_ID_CHECK = T["id_check"]
_TW = T["tw"]
_DIM = T["dim"]


@njit(cache=True, nogil=True)
def _digit(c: int) -> bool:
    return 48 <= c <= 57


@njit(cache=True, nogil=True)
def _alnum(c: int) -> bool:
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)


@njit(cache=True, nogil=True)
def _alpha(c: int) -> bool:
    return (65 <= c <= 90) or (97 <= c <= 122)


@njit(cache=True, nogil=True)
def _num(buf: np.ndarray, a: int, b: int) -> int:
    n = 0
    for i in range(a, b):
        n = n * 10 + (buf[i] - 48)
    return n


@njit(cache=True, nogil=True)
def _date_ok(y: int, m: int, d: int, lowest_year: int, today: int, dim: np.ndarray) -> bool:
    if y < lowest_year or m < 1 or m > 12 or d < 1:
        return False
    n = dim[m]
    if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
        n += 1
    return d <= n and y * 10000 + m * 100 + d <= today


@njit(cache=True, nogil=True)
def _resident_id(buf: np.ndarray, a: int, b: int, today: int) -> bool:
    if b - a != 18:
        return False
    total = 0
    for i in range(17):
        c = buf[a + i]
        if not _digit(c):
            return False
        total += (c - 48) * _ID_W[i]
    if not _PROVINCE[_num(buf, a, a + 2)]:
        return False
    if not _date_ok(_num(buf, a + 6, a + 10), _num(buf, a + 10, a + 12), _num(buf, a + 12, a + 14), 1900, today, _DIM):
        return False
    last = buf[a + 17]
    if last == 120:  # "x"
        last = 88
    return _ID_CHECK[total % 11] == last


@njit(cache=True, nogil=True)
def _resident_id_old(buf: np.ndarray, a: int, b: int, today: int) -> bool:
    if b - a != 15:
        return False
    for i in range(a, b):
        if not _digit(buf[i]):
            return False
    if not _PROVINCE[_num(buf, a, a + 2)]:
        return False
    y = 1900 + _num(buf, a + 6, a + 8)
    return _date_ok(y, _num(buf, a + 8, a + 10), _num(buf, a + 10, a + 12), 0, today, _DIM)


@njit(cache=True, nogil=True)
def _uscc(buf: np.ndarray, a: int, b: int) -> bool:
    if b - a != 18:
        return False
    total = 0
    for i in range(18):
        c = buf[a + i]
        if 97 <= c <= 122:
            c -= 32  # the scalar rule upper-cases first
        val = _USCC[c]
        if val < 0:
            return False
        if i == 0 and not _USCC_FIRST[c]:
            return False
        if 2 <= i < 8 and not _digit(c):
            return False
        if i < 17:
            total += val * _USCC_W[i]
        else:
            if not _PROVINCE[_num(buf, a + 2, a + 4)]:
                return False
            return (31 - total % 31) % 31 == val
    return False


@njit(cache=True, nogil=True)
def _strip(buf: np.ndarray, a: int, b: int, out: np.ndarray) -> int:
    """Copy buf[a:b] without spaces and hyphens into ``out``; -1 when it does not fit."""
    n = 0
    for i in range(a, b):
        c = buf[i]
        if c == 32 or c == 45:
            continue
        if n == out.shape[0]:
            return -1
        out[n] = c
        n += 1
    return n


@njit(cache=True, nogil=True)
def _card_scheme(tmp: np.ndarray, n: int) -> bool:
    """A scheme's BIN range and length fit (the order of ``validators.card_scheme``)."""
    d0 = tmp[0] - 48
    p2 = d0 * 10 + tmp[1] - 48
    p3 = p2 * 10 + tmp[2] - 48
    p4 = p3 * 10 + tmp[3] - 48
    if p2 == 62 and 16 <= n <= 19:
        return True  # UnionPay
    if d0 == 4 and (n == 13 or n == 16 or n == 19):
        return True  # Visa
    if n == 16 and (51 <= p2 <= 55 or 2221 <= p4 <= 2720):
        return True  # Mastercard
    if n == 15 and (p2 == 34 or p2 == 37):
        return True  # American Express
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return True  # JCB
    return (p4 == 6011 or p2 == 65 or 644 <= p3 <= 649) and 16 <= n <= 19  # Discover


@njit(cache=True, nogil=True)
def _bank_card(buf: np.ndarray, a: int, b: int, tmp: np.ndarray) -> bool:
    n = _strip(buf, a, b, tmp)
    if n < 13 or n > 19:
        return False
    for i in range(n):
        if not _digit(tmp[i]):
            return False
    if not _card_scheme(tmp, n):
        return False
    total = 0
    for i in range(n):
        d = tmp[n - 1 - i] - 48
        if i % 2 == 1:
            d = 2 * d if d < 5 else 2 * d - 9
        total += d
    return total % 10 == 0


@njit(cache=True, nogil=True)
def _mobile(buf: np.ndarray, a: int, b: int, tmp: np.ndarray) -> bool:
    n = _strip(buf, a, b, tmp)
    s = 0
    if n >= 3 and tmp[0] == 43 and tmp[1] == 56 and tmp[2] == 54:  # "+86"
        s = 3
    elif n >= 4 and tmp[0] == 48 and tmp[1] == 48 and tmp[2] == 56 and tmp[3] == 54:  # "0086"
        s = 4
    if n - s != 11:
        return False
    for i in range(s, n):
        if not _digit(tmp[i]):
            return False
    return _MOBILE[(tmp[s] - 48) * 100 + (tmp[s + 1] - 48) * 10 + tmp[s + 2] - 48]


@njit(cache=True, nogil=True)
def _landline(buf: np.ndarray, a: int, b: int) -> int:
    """(0\\d{2,3}) or 0\\d{2,3}, one optional separator, 7-8 digits; an unusual shape asks Python."""
    i = a
    if i < b and buf[i] == 40:  # "("
        i += 1
    s = i
    while i < b and _digit(buf[i]):
        i += 1
    area_len = i - s
    if i < b and buf[i] == 41:  # ")"
        i += 1
    if i < b and (buf[i] == 32 or buf[i] == 45 or 9 <= buf[i] <= 13):
        i += 1
    t = i
    while i < b and _digit(buf[i]):
        i += 1
    local_len = i - t
    if i != b or not (3 <= area_len <= 4) or buf[s] != 48 or not (7 <= local_len <= 8) or t == s + area_len:
        return ASK_PYTHON
    second = buf[s + 1]
    area_ok = (area_len == 3 and (second == 50 or (second == 49 and buf[s + 2] == 48))) or (
        area_len == 4 and 51 <= second <= 57
    )
    return VALID if area_ok and 50 <= buf[t] <= 57 else DROP


@njit(cache=True, nogil=True)
def _hk_id(buf: np.ndarray, a: int, b: int) -> bool:
    i = a
    while i < b and 65 <= buf[i] <= 90:
        i += 1
    letters = i - a
    if letters < 1 or letters > 2 or b - i < 7:
        return False
    total = 0
    w = 9
    if letters == 1:
        total += 36 * w
        w -= 1
    for j in range(a, i):
        total += (buf[j] - 55) * w
        w -= 1
    for j in range(i, i + 6):
        if not _digit(buf[j]):
            return False
        total += (buf[j] - 48) * w
        w -= 1
    i += 6
    if i < b and buf[i] == 40:
        i += 1
    if i >= b:
        return False
    check = buf[i]
    i += 1
    if i < b and buf[i] == 41:
        i += 1
    if i != b:
        return False
    expected = (11 - total % 11) % 11
    return check == (65 if expected == 10 else 48 + expected)


@njit(cache=True, nogil=True)
def _tw_id(buf: np.ndarray, a: int, b: int) -> bool:
    if b - a != 10:
        return False
    code = _TW[buf[a]]
    if code < 0 or not (buf[a + 1] == 49 or buf[a + 1] == 50):
        return False
    total = code // 10 + (code % 10) * 9
    for k in range(1, 10):
        if not _digit(buf[a + k]):
            return False
    for k in range(1, 9):
        total += (buf[a + k] - 48) * (9 - k)
    return (total + buf[a + 9] - 48) % 10 == 0


@njit(cache=True, nogil=True)
def _email(buf: np.ndarray, a: int, b: int) -> bool:
    at = -1
    for i in range(b - 1, a - 1, -1):
        if buf[i] == 64:
            at = i
            break
    if at <= a or at - a > 64 or buf[a] == 46 or buf[at - 1] == 46:
        return False
    for i in range(a + 1, b):
        if buf[i] == 46 and buf[i - 1] == 46:
            return False
    # domain labels: non-empty, no leading/trailing hyphen; the last one letters only
    start = at + 1
    last_start = start
    for i in range(at + 1, b + 1):
        if i == b or buf[i] == 46:
            if i == start or buf[start] == 45 or buf[i - 1] == 45:
                return False
            last_start = start
            start = i + 1
    for i in range(last_start, b):
        if not _alpha(buf[i]):
            return False
    return True


@njit(cache=True, nogil=True)
def _ipv4(buf: np.ndarray, a: int, b: int) -> bool:
    parts = 0
    s = a
    for i in range(a, b + 1):
        if i == b or buf[i] == 46:
            n = i - s
            if n < 1 or n > 3:
                return False
            for j in range(s, i):
                if not _digit(buf[j]):
                    return False
            if n > 1 and buf[s] == 48:
                return False
            if _num(buf, s, i) > 255:
                return False
            parts += 1
            s = i + 1
    return parts == 4


@njit(cache=True, nogil=True)
def _hex(c: int) -> bool:
    return (48 <= c <= 57) or (65 <= c <= 70) or (97 <= c <= 102)


@njit(cache=True, nogil=True)
def _ipv6(buf: np.ndarray, a: int, b: int) -> bool:
    """``validators.is_valid_ipv6``: our own floor, then the rules of ``ipaddress.IPv6Address``."""
    lens = np.zeros(10, dtype=np.int64)
    starts = np.zeros(10, dtype=np.int64)
    nparts = 1
    for i in range(a, b):
        if buf[i] == 58:  # ":"
            if nparts == 10:
                return False  # more than 9 parts: more than 8 colons
            starts[nparts] = i + 1
            nparts += 1
        elif _hex(buf[i]):
            lens[nparts - 1] += 1
        else:
            return False
    starts[0] = a
    groups = 0
    digits = 0
    for p in range(nparts):
        if lens[p]:
            groups += 1
            digits += lens[p]
    if nparts < 3 or groups < 2 or digits < 4 or nparts > 9:
        return False
    skip = -1
    for p in range(1, nparts - 1):
        if lens[p] == 0:
            if skip >= 0:
                return False  # at most one "::"
            skip = p
    if skip >= 0:
        hi = skip
        lo = nparts - skip - 1
        if lens[0] == 0:
            hi -= 1
            if hi:
                return False
        if lens[nparts - 1] == 0:
            lo -= 1
            if lo:
                return False
        if 8 - (hi + lo) < 1:
            return False
    else:
        if nparts != 8 or lens[0] == 0 or lens[nparts - 1] == 0:
            return False
        hi = nparts
        lo = 0
    for p in range(nparts):
        if (p < hi or p >= nparts - lo) and not (1 <= lens[p] <= 4):
            return False
    return True


@njit(cache=True, nogil=True)
def _status(kind: int, buf: np.ndarray, a: int, b: int, today: int, tmp: np.ndarray) -> int:
    if kind == ALWAYS:
        return VALID
    if kind == RESIDENT_ID:
        return VALID if _resident_id(buf, a, b, today) else DROP
    if kind == RESIDENT_ID_OLD:
        return VALID if _resident_id_old(buf, a, b, today) else DROP
    if kind == USCC:
        return VALID if _uscc(buf, a, b) else DROP
    if kind == BANK_CARD:
        return VALID if _bank_card(buf, a, b, tmp) else DROP
    if kind == MOBILE:
        return VALID if _mobile(buf, a, b, tmp) else DROP
    if kind == LANDLINE:
        return _landline(buf, a, b)
    if kind == HK_ID:
        return VALID if _hk_id(buf, a, b) else DROP
    if kind == TW_ID:
        return VALID if _tw_id(buf, a, b) else DROP
    if kind == EMAIL:
        return VALID if _email(buf, a, b) else DROP
    if kind == IPV4:
        return VALID if _ipv4(buf, a, b) else DROP
    if kind == IPV6:
        for i in range(a, b):
            if buf[i] == 46:  # "." : an embedded IPv4 tail, checked by ipaddress in Python (rare)
                return ASK_PYTHON
        return VALID if _ipv6(buf, a, b) else DROP
    return ASK_PYTHON


@njit(cache=True, nogil=True)
def validate_one(kind: int, value: np.ndarray, today: int) -> int:
    """The status of one candidate value (for tests and the scalar API)."""
    return _status(kind, value, 0, value.shape[0], today, np.empty(32, dtype=np.uint8))


@njit(cache=True, nogil=True)
def candidates(
    buf: np.ndarray,
    hits: np.ndarray,
    pat_det: np.ndarray,
    pat_width: np.ndarray,
    pat_lead: np.ndarray,
    pat_trail: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    extend: np.ndarray,
    det_walk: np.ndarray,
    det_kind: np.ndarray,
    today: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hyperscan reports ``(pattern, from, to)`` → candidate spans with a status each.

    The span rules are those documented in :mod:`aisgf.screening.engine`: fixed-width patterns
    start ``width`` bytes before their end, e-mail starts where the walk back from "@" stops, a
    left/right neighbour in the detector's class disqualifies, ``extend`` grows the span, and an
    e-mail, IPv4 or IPv6 that goes on after a "." is not a candidate.
    """
    n = hits.shape[0]
    size = buf.shape[0]
    out_det = np.empty(n, dtype=np.int64)
    out_frm = np.empty(n, dtype=np.int64)
    out_to = np.empty(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int8)
    tmp = np.empty(32, dtype=np.uint8)
    for k in range(n):
        pid, frm, to = hits[k, 0], hits[k, 1], hits[k, 2]
        d = pat_det[pid]
        out_det[k] = d
        kind = det_kind[d]
        width = pat_width[pid]
        if width:
            frm = to - width
        elif det_walk[d] >= 0:
            at = to - 1
            while at >= 0 and buf[at] != det_walk[d]:
                at -= 1
            if at < 0:
                continue
            stop = at - 65
            frm = at
            while frm > stop and frm > 0 and left[d, buf[frm - 1]]:
                frm -= 1
            if frm == stop:
                continue  # longer than any valid candidate (an e-mail local part is ≤ 64)
        lead, trail = pat_lead[pid], pat_trail[pid]
        frm += lead
        to -= trail
        if not lead and frm > 0 and left[d, buf[frm - 1]]:
            continue
        if not trail and to < size and right[d, buf[to]]:
            continue
        if kind == IPV6:
            # ":" may stand before an address ("IP:2001:db8::1"), so the leftmost start can take a
            # single colon that only separates it from a CJK or punctuation neighbour: drop it. A
            # colon right after a hex digit means the run of groups goes on to the left (nine
            # groups, say): no candidate inside it.
            if frm + 1 < to and buf[frm] == 58 and buf[frm + 1] != 58:
                frm += 1
            if frm >= 2 and buf[frm - 1] == 58 and _hex(buf[frm - 2]):
                continue
        if extend[d, 256]:
            limit = min(size, to + 512)
            while to < limit and extend[d, buf[to]]:
                to += 1
        if to + 1 < size and buf[to] == 46:
            nxt = buf[to + 1]
            if (kind == EMAIL and _alnum(nxt)) or (kind in (IPV4, IPV6) and _digit(nxt)):
                # the address goes on past this candidate (".com.cn", a fifth octet, or the dotted
                # quad of an IPv6 address: "::ffff:192" of "::ffff:192.0.2.1" is not an address)
                continue
        out_frm[k] = frm
        out_to[k] = to
        status[k] = _status(kind, buf, frm, to, today, tmp)
    return out_det, out_frm, out_to, status


@njit(cache=True, nogil=True)
def resolve(frm: np.ndarray, to: np.ndarray, det: np.ndarray, priority: np.ndarray, is_pi: np.ndarray) -> np.ndarray:
    """Which of the valid spans (sorted by start, then longest first, unique) are findings.

    A span overlapping no other is kept. In a cluster of overlapping spans the longest span per
    (detector, start) survives, then personal-information spans are taken greedily by detector
    priority, length and position, skipping any that overlaps one already taken (e.g. a resident
    ID wins over a bank-card reading of the same digits); other groups are all kept.
    """
    n = frm.shape[0]
    keep = np.zeros(n, dtype=np.bool_)
    i = 0
    while i < n:
        j = i + 1
        end = to[i]
        while j < n and frm[j] < end:
            end = max(end, to[j])
            j += 1
        if j == i + 1:
            keep[i] = True
            i = j
            continue
        # the cluster i..j-1: first (= longest) span per (detector, start)
        cand = np.empty(j - i, dtype=np.int64)
        m = 0
        for a in range(i, j):
            dup = False
            for b in range(i, a):
                if frm[b] == frm[a] and det[b] == det[a]:
                    dup = True
                    break
            if not dup:
                cand[m] = a
                m += 1
        cand = cand[:m]
        # order: priority, longer first, earlier first; ties keep cluster order (stable)
        keys = np.empty(m, dtype=np.int64)
        for x in range(m):
            a = cand[x]
            keys[x] = ((priority[det[a]] * (1 << 20) - (to[a] - frm[a])) * (1 << 20) + (frm[a] - frm[i])) * 64 + x
        order = np.argsort(keys)
        taken_f = np.empty(m, dtype=np.int64)
        taken_t = np.empty(m, dtype=np.int64)
        nt = 0
        for x in order:
            a = cand[x]
            if is_pi[det[a]]:
                clash = False
                for y in range(nt):
                    if frm[a] < taken_t[y] and taken_f[y] < to[a]:
                        clash = True
                        break
                if clash:
                    continue
                taken_f[nt] = frm[a]
                taken_t[nt] = to[a]
                nt += 1
            keep[a] = True
        i = j
    return keep


@njit(cache=True, nogil=True)
def keyword_spans(
    buf: np.ndarray, hits: np.ndarray, nbytes: np.ndarray, bound_left: np.ndarray, bound_right: np.ndarray
) -> np.ndarray:
    """Keyword reports ``(keyword, to)`` → a mask of those with no Latin letter/digit glued to a Latin edge."""
    n = hits.shape[0]
    size = buf.shape[0]
    ok = np.ones(n, dtype=np.bool_)
    for k in range(n):
        kid, to = hits[k, 0], hits[k, 1]
        frm = to - nbytes[kid]
        left_glued = bound_left[kid] and frm > 0 and _alnum(buf[frm - 1])
        ok[k] = not (left_glued or (bound_right[kid] and to < size and _alnum(buf[to])))
    return ok


@njit(cache=True, nogil=True)
def to_codepoints(
    buf: np.ndarray, doc_start: np.ndarray, doc: np.ndarray, frm: np.ndarray, to: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Buffer byte offsets → code-point offsets within each document.

    Findings are sorted by (document, start), so each document's bytes are counted once, up to
    its last finding: a code point starts at every byte that is not a UTF-8 continuation byte.
    """
    n = frm.shape[0]
    start_cp = np.empty(n, dtype=np.int64)
    end_cp = np.empty(n, dtype=np.int64)
    cur_doc = -1
    pos = 0
    cp = 0
    for k in range(n):
        if doc[k] != cur_doc:
            cur_doc = doc[k]
            pos = doc_start[cur_doc]
            cp = 0
        f = frm[k]
        while pos < f:
            cp += (buf[pos] & 0xC0) != 0x80
            pos += 1
        start_cp[k] = cp
        e = cp
        for i in range(f, to[k]):
            e += (buf[i] & 0xC0) != 0x80
        end_cp[k] = e
    return start_cp, end_cp


@njit(cache=True, nogil=True)
def _counts(buf: np.ndarray, a: int, b: int) -> tuple[int, int, int]:
    """(control characters, UTF-8 continuation bytes, ASCII letters) in buf[a:b], branch-free."""
    bad = 0
    cont = 0
    letters = 0
    for p in range(a, b):
        c = np.int32(buf[p])
        bad += (c < 9) | (c == 11) | (c == 12) | ((c > 13) & (c < 32)) | (c == 127)
        cont += (c & 0xC0) == 0x80
        low = (c | 32) - 97
        letters += (low >= 0) & (low < 26)  # type: ignore[assignment]
    return bad, cont, letters


@njit(cache=True, nogil=True)
def doc_stats(
    buf: np.ndarray, starts: np.ndarray, lens: np.ndarray, chars: np.ndarray, sample_chars: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document: UTF-8 continuation bytes and ASCII letters in its first ``sample_chars``
    code points (the inputs of ``quality.language_of``), and whether it holds a control character
    (``quality._CONTROL``: C0 except tab, newline and carriage return, and DEL).

    Why: counted per document in Python these cost two new byte strings each; here one call
    covers the batch and the loop over a document is branch-free. ``chars`` (code points per
    document) spares the search for the sample's end in documents no longer than the sample.
    """
    n = starts.shape[0]
    cont = np.zeros(n, dtype=np.int64)
    letters = np.zeros(n, dtype=np.int64)
    control = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        a = starts[i]
        b = a + lens[i]
        end = b
        if chars[i] > sample_chars:  # find where the sample's last code point ends
            seen = 0
            end = a
            while end < b:
                if (buf[end] & 0xC0) != 0x80:
                    seen += 1
                    if seen > sample_chars:
                        break
                end += 1
        bad, cont[i], letters[i] = _counts(buf, a, end)
        if end < b:
            bad += _counts(buf, end, b)[0]
        control[i] = bad != 0
    return cont, letters, control


_MERSENNE61 = np.uint64((1 << 61) - 1)


@njit(cache=True, nogil=True, inline="always")
def _minhash_fold(sig: np.ndarray, h: np.uint64, a: np.ndarray, b: np.ndarray) -> None:
    """sig[i] = min(sig[i], ((a[i]·h + b[i]) mod 2^64) mod (2^61 − 1)) for every permutation i.

    The Mersenne modulus as a fold and one subtraction; the loop over permutations vectorises.
    """
    m = _MERSENNE61
    for i in range(a.shape[0]):
        y = a[i] * h + b[i]
        r = (y & m) + (y >> np.uint64(61))
        r = r - m if r >= m else r
        sig[i] = min(sig[i], r)


@njit(cache=True, nogil=True)
def minhash_signature(shingles: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """min over shingles of ((a·h + b) mod 2^64) mod (2^61 − 1), per permutation (a, b).

    The same numbers as the numpy outer product it replaces (uint64 wrap-around, then the
    Mersenne modulus), with the modulus as a fold and a subtraction instead of a division.
    """
    sig = np.full(a.shape[0], np.iinfo(np.uint64).max, dtype=np.uint64)
    for h in shingles:
        _minhash_fold(sig, h, a, b)
    return sig


@njit(cache=True, nogil=True)
def minhash_bytes(data: np.ndarray, k: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The MinHash signature of a text's byte k-grams, hashed as ``MinHasher.band_keys`` does.

    Each k-gram's hash is the polynomial Σ byte·257^(k-1-j) (mod 2^64) keeping its low 32 bits;
    the signature is the minimum over k-grams, so repeated k-grams need no de-duplication first.
    """
    n = data.shape[0] - k + 1
    sig = np.full(a.shape[0], np.iinfo(np.uint64).max, dtype=np.uint64)
    mult = np.uint64(257)
    low = np.uint64(0xFFFFFFFF)
    for p in range(n):
        h = np.uint64(0)
        for j in range(k):
            h = h * mult + np.uint64(data[p + j])
        _minhash_fold(sig, h & low, a, b)
    return sig
