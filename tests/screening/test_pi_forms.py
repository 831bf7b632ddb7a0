"""Personal information in the forms real text has: a table of positives and negatives per detector.

Each row is scanned end to end (Hyperscan, the native kernels, the Python fall-back for unusual
shapes) inside surrounding text, glued to CJK characters or punctuation as real documents have it.
A positive must be found whole and in its own category; a negative must not be found at all in
that category.
"""

from __future__ import annotations

import random

import pytest

from aisgf.screening.detectors import BY_CATEGORY
from aisgf.screening.engine import Scanner

from .conftest import luhn_complete, make_card

SCANNER = Scanner()


def _found(text: str, category: str) -> list[str]:
    return [f.value for f in SCANNER.scan(text) if f.category == category]


LANDLINE_YES = [
    ("联系电话：+86 10 6552 9988。", "+86 10 6552 9988"),
    ("Tel: +86-21-5080-1234, fax below", "+86-21-5080-1234"),
    ("深圳办公室+86 755 8888 6666转分机", "+86 755 8888 6666"),
    ("Phone +86 (0)21 5080 1234 (office)", "+86 (0)21 5080 1234"),
    ("总机0086 10 65529988", "0086 10 65529988"),
    ("E.164: +862150801234 ok", "+862150801234"),
    ("+86 571 888 6666", "+86 571 888 6666"),  # 3-digit area code, 7-digit subscriber split 3-4
    ("电话021-50801234。", "021-50801234"),
    ("北京 010-6552 9988", "010-6552 9988"),
    ("上海 (021) 5080-1234 总机", "(021) 5080-1234"),
    ("杭州(0571)88886666", "(0571)88886666"),
]
LANDLINE_NO = [
    "手机 +86 138 1234 5678",  # a mobile number, not a landline
    "+86 10 1552 9988",  # a subscriber number never starts with 1
    "+86 11 6552 9988",  # no area code 011
    "编号 021 5080 12345",  # goes on: not a phone number
    "日期 2024-05-20 上午",
]


@pytest.mark.parametrize(("text", "value"), LANDLINE_YES)
def test_landline_found(text: str, value: str) -> None:
    assert _found(text, "cn_landline") == [value]
    assert BY_CATEGORY["cn_landline"].validate(value)


@pytest.mark.parametrize("text", LANDLINE_NO)
def test_landline_not_found(text: str) -> None:
    assert _found(text, "cn_landline") == []


def test_international_mobile_stays_a_mobile() -> None:
    assert _found("手机 +86 138 1234 5678", "cn_mobile") == ["+86 138 1234 5678"]


# E-passports: E + 8 digits until the series ran out (2017-04-05), then E + a letter other than I
# and O + 7 digits (EA..EZ); older G + 8, D/S/P + 8, and DE/SE/PE + 7.
PASSPORT_YES = [
    "E12345678",
    *[f"E{c}1234567" for c in "ABCDEFGHJKLMNPQRSTUVWXYZ"],
    "G12345678",
    "D12345678",
    "S12345678",
    "P12345678",
    "DE1234567",
    "SE1234567",
    "PE1234567",
]
PASSPORT_NO = ["EI1234567", "EO1234567", "E1234567", "E123456789", "EA123456", "EA12345678", "XE1234567", "DE12345678"]


@pytest.mark.parametrize("number", PASSPORT_YES)
def test_passport_found(number: str) -> None:
    assert _found(f"护照号码{number}，有效期十年。", "passport") == [number]
    assert _found(f"passport no. {number}.", "passport") == [number]


@pytest.mark.parametrize("number", PASSPORT_NO)
def test_passport_not_found(number: str) -> None:
    assert _found(f"编号{number}。", "passport") == []


# RFC 4291 2.2 (the three text forms) and RFC 5952 (the canonical one), glued to text as found.
IPV6_YES = [
    ("地址2001:db8::1。", "2001:db8::1"),
    ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:0db8:0000:0000:0000:0000:0000:0001"),  # leading zeros
    ("full 2001:DB8:0:0:8:800:200C:417A here", "2001:DB8:0:0:8:800:200C:417A"),
    ("2001:db8::8:800:200c:417a", "2001:db8::8:800:200c:417a"),  # "::" in the middle
    ("前缀2001:db8:85a3::，", "2001:db8:85a3::"),  # "::" at the end
    ("::ffff:c000:280 is mapped", "::ffff:c000:280"),  # "::" at the start
    ("映射地址::ffff:192.0.2.128。", "::ffff:192.0.2.128"),  # embedded IPv4
    ("NAT64 64:ff9b::192.0.2.33 works", "64:ff9b::192.0.2.33"),
    ("0:0:0:0:0:ffff:192.0.2.1", "0:0:0:0:0:ffff:192.0.2.1"),
    ("IP:2001:db8::1", "2001:db8::1"),  # after a label and a colon
    ("IPv6地址:fe80::1ff:fe23:4567:890a%eth0", "fe80::1ff:fe23:4567:890a"),  # zone index not included
    ("（2001:db8::2）", "2001:db8::2"),
    ("服务器2001:db8:0:1::5地址", "2001:db8:0:1::5"),  # CJK on both sides
]
IPV6_NO = [
    "会议12:30:45开始",  # a time
    "a::b",  # below aisgf's floor of four hex digits (documented in validators.is_valid_ipv6)
    "::1",  # loopback, below the same floor: not a person's address
    "2001:db8::1::2",  # two "::"
    "1:2:3:4:5:6:7",  # seven groups and no "::"
    "2001:db8:0:0:1:0:0:1:9",  # nine groups
    "::ffff:192.0.2.256",  # not a dotted quad
    "MAC 00:1a:2b:3c:4d:5e",  # six groups and no "::"
    "2001:db8::g1",
]


@pytest.mark.parametrize(("text", "value"), IPV6_YES)
def test_ipv6_found(text: str, value: str) -> None:
    assert _found(text, "ipv6") == [value]
    assert _found(text, "ipv4") == []  # an embedded dotted quad is part of the IPv6 finding


@pytest.mark.parametrize("text", IPV6_NO)
def test_ipv6_not_found(text: str) -> None:
    assert _found(text, "ipv6") == []


def _fail_luhn(card: str) -> str:
    """The same digits with a wrong check digit (every other last digit fails Luhn)."""
    return card[:-1] + str((int(card[-1]) + 1) % 10)


_rng = random.Random(20250901)
CARDS = [
    make_card(_rng, "6222", 19),  # UnionPay
    make_card(_rng, "6212", 16),
    make_card(_rng, "4", 16),  # Visa
    make_card(_rng, "51", 16),  # Mastercard
    make_card(_rng, "2221", 16),
    "378282246310005",  # American Express test number
    "4111111111111111",
]


@pytest.mark.parametrize("card", CARDS)
def test_card_found_plain_and_grouped(card: str) -> None:
    assert _found(f"卡号{card}，请核对。", "bank_card") == [card]
    if len(card) == 16:
        grouped = " ".join(card[i : i + 4] for i in range(0, 16, 4))
        assert _found(f"card {grouped} ok", "bank_card") == [grouped]


@pytest.mark.parametrize("card", CARDS)
def test_card_failing_luhn_is_never_a_card(card: str) -> None:
    # No rule exempts any scheme from Luhn (validators.is_valid_bank_card, native._bank_card).
    bad = _fail_luhn(card)
    assert _found(f"卡号{bad}，请核对。", "bank_card") == []
    if len(bad) == 16:
        grouped = "-".join(bad[i : i + 4] for i in range(0, 16, 4))
        assert _found(f"card {grouped} ok", "bank_card") == []


def test_luhn_valid_number_without_a_scheme_is_not_a_card() -> None:
    number = luhn_complete("123456789012345")  # 16 digits, Luhn-valid, no issuer starts with 1
    assert _found(f"编号{number}。", "bank_card") == []


def _hkid(prefix: str, digits: str) -> str:
    """A Hong Kong ID with its MOD 11 check digit, computed here (A=10 … Z=35, space = 36)."""
    values = [36] * (2 - len(prefix)) + [ord(c) - 55 for c in prefix] + [int(d) for d in digits]
    check = (11 - sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True)) % 11) % 11
    return f"{prefix}{digits}({'A' if check == 10 else check})"


def test_two_letter_hkid_with_parentheses_is_still_an_hkid() -> None:
    hkid = _hkid("EF", "123456")
    assert _found(f"香港身份证{hkid}。", "hk_id") == [hkid]
    assert _found(f"香港身份证{hkid}。", "passport") == []
