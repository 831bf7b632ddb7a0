"""Detectors on real text: found when glued to Chinese, look-alikes not flagged, offsets in code points."""

from __future__ import annotations

import random

import pytest

from aisgf.screening.engine import Scanner
from aisgf.screening.keywords import load_library

from .conftest import luhn_complete, make_card, make_mobile, make_resident_id, make_uscc


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(libraries=[load_library("example:cbrn")])


def cats(sc: Scanner, text: str) -> list[tuple[str, str]]:
    return [(f.category, f.value) for f in sc.scan(text)]


def test_glued_to_chinese(scanner: Scanner) -> None:
    rng = random.Random(7)
    rid, card, uscc, mob = make_resident_id(rng), make_card(rng), make_uscc(rng), make_mobile(rng)
    assert cats(scanner, "我的手机号13812345678请联系") == [("cn_mobile", "13812345678")]
    assert cats(scanner, f"身份证号{rid}已登记") == [("cn_resident_id", rid)]
    assert cats(scanner, f"卡号{card}转账") == [("bank_card", card)]
    assert cats(scanner, f"信用代码{uscc}的公司") == [("cn_uscc", uscc)]
    assert cats(scanner, f"电话{mob}，邮箱zhang.san@example.cn谢谢") == [
        ("cn_mobile", mob),
        ("email", "zhang.san@example.cn"),
    ]
    assert cats(scanner, "服务器192.168.10.20出错，IPv6地址2001:db8::1可用") == [
        ("ipv4", "192.168.10.20"),
        ("ipv6", "2001:db8::1"),
    ]
    assert cats(scanner, "座机010-62345678找我") == [("cn_landline", "010-62345678")]
    assert cats(scanner, "车牌粤B12345违章") == [("cn_licence_plate", "粤B12345")]
    assert cats(scanner, "护照号E12345678办理") == [("passport", "E12345678")]
    assert cats(scanner, "香港身份证A123456(3)和台湾A123456789") == [
        ("hk_id", "A123456(3)"),
        ("tw_id", "A123456789"),
    ]
    assert cats(scanner, "通行证C12345678与L12345678") == [
        ("hk_macau_permit", "C12345678"),
        ("tw_permit", "L12345678"),
    ]


def test_decoys_are_not_flagged(scanner: Scanner) -> None:
    rng = random.Random(8)
    rid = make_resident_id(rng)
    bad_rid = rid[:-1] + ("0" if rid[-1] != "0" else "1")
    card = make_card(rng)
    bad_card = card[:-1] + str((int(card[-1]) + 1) % 10)
    for text in (
        f"身份证号{bad_rid}已登记",
        f"卡号{bad_card}转账",
        "号码12012345678不存在",  # 120 is not a mobile segment
        "订单号138123456789012345",  # a mobile-looking prefix inside a longer number
        "版本1.2.3.4.5和地址256.1.1.1",
        "时间12:30:45开会",
        "编号A123456(4)错误",
    ):
        assert [c for c, _ in cats(scanner, text)] == [], text


def test_offsets_are_code_points(scanner: Scanner) -> None:
    text = "😀中文 sarin and 沙林, call 13912345678."
    found = scanner.scan(text)
    for f in found:
        assert text[f.start : f.end] == f.value
    assert [f.category for f in found] == ["keyword", "keyword", "cn_mobile"]
    kw = [f for f in found if f.category == "keyword"]
    assert {f.detail for f in kw} == {"cbrn.chemical"}


def test_keyword_word_boundaries_for_latin_only(scanner: Scanner) -> None:
    assert cats(scanner, "quarantine caesarin") == []
    assert cats(scanner, "SARIN!") == [("keyword", "SARIN")]
    assert cats(scanner, "讨论沙林毒气") == [("keyword", "沙林")]


def test_secrets_and_ip_markers(scanner: Scanner) -> None:
    text = (
        "-----BEGIN RSA PRIVATE KEY-----\nAKIAIOSFODNN7EXAMPLE\npassword = 'S3cr3t!Pass'\n"
        "// SPDX-License-Identifier: Apache-2.0\nCopyright (c) 2023 Example Ltd. 版权所有，未经许可不得转载"
    )
    found = {f.category for f in scanner.scan(text)}
    assert {
        "secret_private_key",
        "secret_aws_access_key",
        "secret_password_assignment",
        "licence_header",
        "copyright_notice",
    } <= found
    assert cats(scanner, "password = ********") == []


def test_batch_equals_single(scanner: Scanner) -> None:
    texts = ["手机13812345678", "", "sarin", "nothing", "邮件a@b.cn"]
    assert scanner.scan_batch(texts) == [scanner.scan(t) for t in texts]


def test_full_width_digits_found_with_original_offsets(scanner: Scanner) -> None:
    text = "电话：１３９１２３４５６７８，邮箱ｗａｎｇ@example.org谢谢"
    found = scanner.scan(text)
    assert [(f.category, f.value) for f in found] == [
        ("cn_mobile", "１３９１２３４５６７８"),
        ("email", "ｗａｎｇ@example.org"),
    ]
    for f in found:
        assert text[f.start : f.end] == f.value
    assert cats(scanner, "号码１２０１２３４５６７８不存在") == []  # normalised, then validated as usual


def test_old_fifteen_digit_resident_id(scanner: Scanner) -> None:
    assert cats(scanner, "旧身份证110105491231002作废") == [("cn_resident_id_old", "110105491231002")]
    assert cats(scanner, "编号110105491331002") == []  # month 13
    assert cats(scanner, "编号990105491231002") == []  # no such province
    # a 15-digit American Express number wins over an old-ID reading of the same digits
    amex = luhn_complete("37123485061512")  # digits 7-12 read as 1985-06-15
    assert cats(scanner, f"旧号{amex[:-1]}0x") == []  # glued to a letter: not a candidate at all
    assert cats(scanner, f"card {amex} ok") == [("bank_card", amex)]


def test_scanner_pickles_with_serialised_databases(scanner: Scanner) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(scanner))
    text = "手机13812345678，讨论沙林，卡号" + make_card(random.Random(3))
    assert copy.scan(text) == scanner.scan(text)


def test_card_patterns_cover_every_scheme_prefix() -> None:
    """The bank-card patterns carry issuer prefixes; none that card_scheme accepts may be left out."""
    import re

    from aisgf.screening.detectors import BY_CATEGORY
    from aisgf.screening.validators import card_scheme

    plain = [re.compile(p) for p in BY_CATEGORY["bank_card"].patterns if " " not in p]
    for n in range(13, 20):
        for prefix in range(10000):  # card_scheme looks at the first four digits and the length
            digits = f"{prefix:04d}" + "0" * (n - 4)
            if card_scheme(digits):
                assert any(p.fullmatch(digits) for p in plain), digits


def test_custom_detector_without_native_rule_is_validated_in_python() -> None:
    """A team's own detector (kind "python") runs through the same scan; its validator decides."""
    from aisgf.errors import InvalidInput
    from aisgf.screening.detectors import DETECTORS, Detector

    seen: list[str] = []

    def even_employee_number(value: str) -> bool:
        seen.append(value)
        return int(value[3:]) % 2 == 0

    emp = Detector(
        "employee_id",
        "personal_information",
        "personal",
        (r"EMP\d{6}",),
        even_employee_number,
        "Our employee numbers (even ones are real)",
    )
    sc = Scanner([*DETECTORS, emp])
    found = sc.scan("工号EMP123456和EMP123457，手机13812345678")
    assert [(f.category, f.value) for f in found] == [("employee_id", "EMP123456"), ("cn_mobile", "13812345678")]
    assert sorted(seen) == ["EMP123456", "EMP123457"]  # candidates only, each once
    with pytest.raises(InvalidInput, match="unknown kind"):
        Scanner([Detector("x", "secret", "credential", ("x",), bool, "x", kind="luhn")])


def test_keywords_alone_match_full_width_letters() -> None:
    sc = Scanner([], [load_library("example:cbrn")])
    text = "资料提到ｓａｒｉｎ毒剂"
    found = sc.scan(text)
    assert [(f.category, f.value) for f in found] == [("keyword", "ｓａｒｉｎ")]
    assert text[found[0].start : found[0].end] == "ｓａｒｉｎ"
