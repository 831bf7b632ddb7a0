"""Generators of valid identifiers, made from the standards' algorithms written out here.

Why separate from aisgf's validators: a test that derives its expected values from the code under
test proves nothing, so check digits are computed here independently.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

PROVINCES = [11, 12, 13, 31, 32, 33, 44, 51, 62, 65]


def make_resident_id(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 20000))
    body = f"{rng.choice(PROVINCES)}{rng.randrange(0, 10000):04d}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11, i from 18 down
    s = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[s % 11]


def luhn_complete(prefix_and_body: str) -> str:
    digits = [int(c) for c in prefix_and_body][::-1]
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:  # these will be doubled once the check digit is appended
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return prefix_and_body + str((10 - total % 10) % 10)


def make_card(rng: random.Random, prefix: str = "6222", length: int = 19) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return luhn_complete(body)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random) -> str:
    body = (
        "91"
        + f"{rng.choice(PROVINCES)}{rng.randrange(0, 10000):04d}"
        + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    )
    weights = [3**i % 31 for i in range(17)]
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + USCC_CHARS[(31 - s % 31) % 31]


def make_mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "186", "150", "177", "199"]) + f"{rng.randrange(0, 10**8):08d}"


def judge_all(sample: Path, verdict: str = "pass") -> None:
    """Fill in the verdict column of a manual-sample CSV, as the reviewing people would."""
    rows = list(csv.DictReader(sample.open(encoding="utf-8-sig")))
    for row in rows:
        row["verdict"] = verdict
    with sample.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
