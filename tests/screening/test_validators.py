"""Property-style checks: generated valid identifiers pass, every one-character mutation fails."""

from __future__ import annotations

import random

import pytest

from aisgf.screening import validators as v

from .conftest import make_card, make_resident_id, make_uscc


@pytest.mark.parametrize("seed", range(5))
def test_resident_ids_valid_and_check_digit_mutations_rejected(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        rid = make_resident_id(rng)
        assert v.is_valid_resident_id(rid), rid
        for wrong in "0123456789X":
            if wrong != rid[-1]:
                assert not v.is_valid_resident_id(rid[:-1] + wrong)


def test_resident_id_date_and_region() -> None:
    rid = make_resident_id(random.Random(1))
    assert not v.is_valid_resident_id("99" + rid[2:])  # no province 99
    body = "11010519900230123"  # 30 February
    assert not v.is_valid_resident_id(body + v.resident_id_check_char(body))
    future = "11010530000101123"
    assert not v.is_valid_resident_id(future + v.resident_id_check_char(future))
    assert v.is_valid_resident_id("11010519491231002X")  # the GB 11643 worked example


@pytest.mark.parametrize(("prefix", "length"), [("6222", 19), ("62", 16), ("4", 16), ("51", 16), ("34", 15)])
def test_bank_cards_luhn_and_bin(prefix: str, length: int) -> None:
    rng = random.Random(length)
    for _ in range(100):
        card = make_card(rng, prefix, length)
        assert v.is_valid_bank_card(card), card
        bad = card[:-1] + str((int(card[-1]) + 1) % 10)
        assert not v.is_valid_bank_card(bad)
    assert not v.is_valid_bank_card(make_card(rng, "9", 16))  # no scheme starts with 9
    assert not v.is_valid_bank_card(make_card(rng, "4", 17))  # Visa has no 17-digit cards


def test_uscc_check_character() -> None:
    rng = random.Random(3)
    for _ in range(200):
        code = make_uscc(rng)
        assert v.is_valid_uscc(code), code
        for wrong in "0A":
            if wrong != code[-1]:
                assert not v.is_valid_uscc(code[:-1] + wrong)
    assert v.is_valid_uscc("91110000600037341L")


def test_mobile_prefixes_and_landlines() -> None:
    assert v.is_valid_mobile("13812345678")
    assert not v.is_valid_mobile("12012345678")  # no 120 segment
    assert not v.is_valid_mobile("15412345678")  # 154 is not allocated
    assert v.is_valid_landline("010", "62345678")
    assert v.is_valid_landline("0755", "2345678")
    assert not v.is_valid_landline("010", "02345678")


def test_hk_tw_ids_and_ips_and_plates() -> None:
    assert v.is_valid_hk_id("A", "123456", "3")
    assert not v.is_valid_hk_id("A", "123456", "4")
    assert v.is_valid_tw_id("A123456789")
    assert not v.is_valid_tw_id("A123456788")
    assert v.is_valid_ipv4("192.168.0.1")
    for bad in ("256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5"):
        assert not v.is_valid_ipv4(bad)
    assert v.is_valid_ipv6("2001:db8::8a2e:370:7334")
    assert v.is_valid_ipv6("fe80::1")
    for bad in ("12:30:45", "::", "a::b", "2001:db8:::1"):
        assert not v.is_valid_ipv6(bad)
    assert v.is_valid_plate("京A12345")
    assert v.is_valid_plate("粤BD12345")
    assert not v.is_valid_plate("京AABCDE")
