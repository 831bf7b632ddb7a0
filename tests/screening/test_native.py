"""The native validation rules agree with their scalar twins on valid values and look-alikes.

Why: the kernels in ``aisgf.screening.native`` are a second implementation of each rule, written
for speed. Each case below feeds the same candidate to the kernel and to the detector's Python
``validate`` and demands the same verdict, over thousands of generated values per rule: valid
ones, single-character mutations, and random strings of the candidate pattern's shape.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import numpy as np
import pytest

from aisgf.screening import native
from aisgf.screening.detectors import BY_CATEGORY, DETECTORS

from .conftest import make_card, make_mobile, make_resident_id, make_uscc

TODAY = dt.date.today()
TODAY_INT = TODAY.year * 10000 + TODAY.month * 100 + TODAY.day


def _native(kind: str, value: str) -> int:
    return int(native.validate_one(native.KINDS[kind], np.frombuffer(value.encode(), dtype=np.uint8), TODAY_INT))


def _mutations(rng: random.Random, value: str, alphabet: str, n: int = 3) -> list[str]:
    out = []
    for _ in range(n):
        i = rng.randrange(len(value))
        out.append(value[:i] + rng.choice(alphabet) + value[i + 1 :])
    return out


def _rand(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


DIGITS = "0123456789"


def _resident_ids(rng: random.Random) -> list[str]:
    v = make_resident_id(rng)
    future = f"11010{TODAY.year + 1}0101123"
    return [
        v,
        v[:-1] + "x",
        *_mutations(rng, v, DIGITS + "X"),
        _rand(rng, DIGITS, 17, 17) + rng.choice("0123456789Xx"),
        f"110101{rng.choice([1900, 1999, 2000, 2004, 2023])}02{rng.choice([28, 29, 30])}123" + rng.choice(DIGITS),
        future + rng.choice(DIGITS + "X"),
    ]


def _old_ids(rng: random.Random) -> list[str]:
    return [
        _rand(rng, DIGITS, 15, 15),
        f"{rng.choice([11, 44, 99])}0101{rng.randrange(100):02d}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}123",
    ]


def _usccs(rng: random.Random) -> list[str]:
    v = make_uscc(rng)
    return [v, *_mutations(rng, v, "0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ"), _rand(rng, "0123456789ABCDEFGHJKY", 18, 18)]


def _cards(rng: random.Random) -> list[str]:
    prefix = rng.choice(["4", "51", "2221", "2720", "34", "37", "3528", "3589", "6011", "65", "644", "62", "35", "60"])
    v = make_card(rng, prefix, rng.randint(13, 19))
    spaced = " ".join(v[i : i + 4] for i in range(0, len(v), 4))
    return [v, spaced, spaced.replace(" ", "-"), *_mutations(rng, v, DIGITS), _rand(rng, DIGITS, 13, 19)]


def _mobiles(rng: random.Random) -> list[str]:
    v = make_mobile(rng)
    return [
        v,
        "+86" + v,
        "+86 " + v,
        "0086-" + v,
        f"{v[:3]} {v[3:7]} {v[7:]}",
        f"{v[:3]}-{v[3:7]}-{v[7:]}",
        "1" + _rand(rng, DIGITS, 10, 10),
        "0086" + "1" + _rand(rng, DIGITS, 10, 10),
    ]


def _landlines(rng: random.Random) -> list[str]:
    area = rng.choice(["010", "021", "0755", "0311", "011", "0211", "0155"])
    local = _rand(rng, DIGITS, 7, 8)
    return [f"({area}){local}", f"({area}) {local}", f"{area}-{local}", f"{area} {local}"]


def _hk_ids(rng: random.Random) -> list[str]:
    letters = _rand(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, 2)
    body = _rand(rng, DIGITS, 6, 6)
    check = rng.choice(DIGITS + "A")
    return [
        f"{letters}{body}({check})",
        f"{letters}{body}{check}",
        f"{letters}{body}({check}",
        f"{letters}{body}{check})",
    ]


def _tw_ids(rng: random.Random) -> list[str]:
    return [rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rng.choice("12") + _rand(rng, DIGITS, 8, 8)]


def _emails(rng: random.Random) -> list[str]:
    local = _rand(rng, "abc.-_%+9", 1, 8)
    domain = ".".join(_rand(rng, "ab-9", 0, 4) for _ in range(rng.randint(1, 3)))
    return [f"{local}@{domain}.{_rand(rng, 'comn9', 2, 3)}", f"{'a' * rng.randint(60, 70)}@example.com"]


def _ipv4s(rng: random.Random) -> list[str]:
    return [".".join(_rand(rng, "0123456789", 1, 3) for _ in range(4))]


def _ipv6s(rng: random.Random) -> list[str]:
    groups = [_rand(rng, "0123456789abcdefABCDEF", 0, 4) for _ in range(rng.randint(1, 9))]
    return [
        ":".join(groups),
        "::" + ":".join(groups),
        ":".join(groups) + "::",
        "2001:db8::1",
        "::",
        "a::b",
        "1:2:3:4:5:6:7:8",
    ]


CASES: dict[str, tuple[str, Callable[[random.Random], list[str]]]] = {
    "resident_id": ("cn_resident_id", _resident_ids),
    "resident_id_old": ("cn_resident_id_old", _old_ids),
    "uscc": ("cn_uscc", _usccs),
    "bank_card": ("bank_card", _cards),
    "mobile": ("cn_mobile", _mobiles),
    "landline": ("cn_landline", _landlines),
    "hk_id": ("hk_id", _hk_ids),
    "tw_id": ("tw_id", _tw_ids),
    "email": ("email", _emails),
    "ipv4": ("ipv4", _ipv4s),
    "ipv6": ("ipv6", _ipv6s),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_native_rule_agrees_with_python(kind: str) -> None:
    category, gen = CASES[kind]
    det = BY_CATEGORY[category]
    assert det.kind == kind
    rng = random.Random(kind)
    seen = {native.VALID: 0, native.DROP: 0}
    for _ in range(2000):
        for value in gen(rng):
            got = _native(kind, value)
            if got == native.ASK_PYTHON:
                assert kind == "landline", value  # only an unusual landline shape is handed back
                continue
            assert got == (native.VALID if det.validate(value) else native.DROP), (kind, value)
            seen[got] += 1
    # the generators reach both verdicts often, so agreement is not agreement on one answer
    assert seen[native.VALID] > 50 and seen[native.DROP] > 50, seen


def test_every_builtin_detector_has_a_known_kind() -> None:
    assert {d.kind for d in DETECTORS} <= set(native.KINDS)
    python_checked = sorted(d.category for d in DETECTORS if d.kind == "python")
    assert python_checked == ["cn_licence_plate", "secret_password_assignment"]
    for d in DETECTORS:  # "always" must mean that the Python rule accepts any candidate too
        if d.kind == "always":
            assert d.validate("x") and d.validate("ABC-123"), d.category


def test_resolve_prefers_the_stronger_detector() -> None:
    """A resident ID and a bank-card reading of the same 18 digits: the ID (priority 10) wins."""
    frm = np.array([5, 5, 30], dtype=np.int64)
    to = np.array([23, 23, 41], dtype=np.int64)
    det = np.array([0, 2, 5], dtype=np.int64)
    priority = np.array([10, 20, 30, 35, 40, 45], dtype=np.int64)
    is_pi = np.ones(6, dtype=np.bool_)
    assert native.resolve(frm, to, det, priority, is_pi).tolist() == [True, False, True]
    is_pi[2] = False  # a non-personal-information span is kept beside the winner
    assert native.resolve(frm, to, det, priority, is_pi).tolist() == [True, True, True]
