"""The organisation's reference data and the USCC check (GB 32100-2015), with real published codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisgf.errors import InvalidInput
from aisgf.organisation.choices import FilingKind, ReporterType, values
from aisgf.organisation.reference import (
    load_filing_kinds,
    load_provinces,
    load_reporter_types,
    load_uscc_rules,
)
from aisgf.organisation.uscc import WEIGHTS, check_character, describe_uscc, normal_uscc

# Codes their holders publish (company registers, Wikipedia's infobox, invoice headers): each one's
# 18th character is the check character of the other 17.
PUBLISHED = {
    "914403001922038216": "华为技术有限公司",                 # Huawei Technologies Co., Ltd. (zh.wikipedia)
    "91440300708461136T": "腾讯科技(深圳)有限公司",            # Tencent Technology (Shenzhen)
    "91330100799655058B": "阿里巴巴(中国)有限公司",             # Alibaba (China)
    "91110108551385082Q": "小米科技有限责任公司",               # Xiaomi
    "12100000400000624D": "清华大学",                          # Tsinghua University (事业单位, 机构编制)
    "1210000042500615X0": "复旦大学",                          # Fudan University: check character 0
    "12440300455752807L": "清华大学深圳国际研究生院",
}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_published_codes_are_valid(code: str) -> None:
    assert normal_uscc(code) == code
    assert check_character(code[:17]) == code[17]


def test_the_weights_are_the_standards() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_spaces_and_lower_case_are_normalised() -> None:
    assert normal_uscc(" 9144 0300 7084 6113 6t ") == "91440300708461136T"


@pytest.mark.parametrize(("code", "expected"), [
    ("914403001922038217", "6"),   # Huawei's with the last digit off by one
    ("91440300708461136U", "T"),
    ("12100000400000624E", "D"),
    ("914403001922038261", None),  # two characters swapped: the check catches transpositions too
])
def test_a_wrong_check_character_names_the_expected_one(code: str, expected: str | None) -> None:
    with pytest.raises(InvalidInput) as err:
        normal_uscc(code)
    e = err.value
    assert e.code == "organisation.uscc_check" and e.where == "uscc"
    assert e.params["given"] == code[17]
    if expected is not None:
        assert e.params["expected"] == expected and f"but {expected!r} is expected" in e.message


@pytest.mark.parametrize(("code", "message_id", "needle"), [
    ("", "organisation.uscc_empty", "required"),
    ("91440300708461136", "organisation.uscc_length", "has 17"),
    ("9144030070846113 6TX", "organisation.uscc_length", "has 19"),
    ("91440300708461136I", "organisation.uscc_bad_char", "character 18 ('I')"),
    ("9144030070846O136T", "organisation.uscc_bad_char", "character 14 ('O')"),
    ("Z14403001922038216", "organisation.uscc_bad_char", "character 1 ('Z')"),
    ("B14403001922038216", "organisation.uscc_authority", "character 1 ('B') is not a registration-authority"),
    ("9144A3001922038216", "organisation.uscc_area", "characters 3-8 ('44A300')"),
    ("91-403001922038216", "organisation.uscc_bad_char", "character 3 ('-')"),
])
def test_malformed_codes_say_what_is_wrong(code: str, message_id: str, needle: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normal_uscc(code)
    assert err.value.code == message_id and needle in err.value.message, err.value.message


def test_describe_reads_authority_category_and_area() -> None:
    parts = describe_uscc("914403001922038216")
    assert (parts.authority.zh, parts.category.zh if parts.category else None) == ("工商", "企业")
    assert parts.area == "440300" and parts.organisation_code == "192203821"
    assert describe_uscc("12100000400000624D").category.en == "Public institution"  # type: ignore[union-attr]


def test_the_uscc_table_has_the_standards_authorities() -> None:
    rules = load_uscc_rules()
    assert [a.code for a in rules.authorities] == list("123456789ANY")
    assert rules.charset == "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_the_34_provinces() -> None:
    p = load_provinces()
    assert len(p.provinces) == 34
    assert len({x.code for x in p.provinces}) == 34 and all(x.code.endswith("0000") for x in p.provinces)
    kinds = [x.kind for x in p.provinces]
    assert (kinds.count("province"), kinds.count("autonomous_region"), kinds.count("municipality"),
            kinds.count("special_administrative_region")) == (23, 5, 4, 2)
    gd = p.get("440000")
    assert gd is not None and (gd.zh, gd.en) == ("广东省", "Guangdong")
    for text in ("440000", "44", "广东省", "广东", "guangdong", " Guangdong "):
        assert p.find(text) == gd, text
    assert p.find("新疆").code == "650000" and p.find("香港").code == "810000"  # type: ignore[union-attr]
    assert p.find("Atlantis") is None and p.find("") is None


def test_reporter_types_are_article_4s() -> None:
    rt = load_reporter_types()
    assert [r.id for r in rt.reporter_types] == values(ReporterType)
    assert {r.id: r.hours for r in rt.reporter_types} == {"cii_operator": 1, "state_organ": 2, "other": 4}
    assert rt.get("cii_operator").addressee.zh == "保护工作部门和公安机关"
    assert rt.get("state_organ").addressee.zh == "本部门网信工作机构"
    assert rt.get("other").addressee.zh == "属地省级网信部门"
    assert rt.article == "4" and "国家网络安全事件报告管理办法" in rt.instrument.zh


def test_filing_kinds_cover_the_vocabulary() -> None:
    fk = load_filing_kinds()
    assert [k.id for k in fk.kinds] == values(FilingKind)
    assert fk.get("generative_ai_registration").upstream == "required"
    assert fk.get("algorithm_filing").name.zh == "算法备案"


def test_a_broken_data_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "reporter-types.yaml"
    text = Path(load_reporter_types.__defaults__[0]).read_text(encoding="utf-8")  # type: ignore[index]
    bad.write_text(text.replace("hours: 2", "hours: two"), encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_reporter_types(bad)
    assert "reporter_types[1].hours" in err.value.message and err.value.where.startswith(f"{bad}:")  # type: ignore[union-attr]
    missing = tmp_path / "kinds.yaml"
    kinds = Path(load_filing_kinds.__defaults__[0]).read_text(encoding="utf-8")  # type: ignore[index]
    missing.write_text(kinds.split("  - id: other")[0], encoding="utf-8")
    with pytest.raises(InvalidInput, match="no entry for other"):
        load_filing_kinds(missing)
    twice = tmp_path / "provinces.yaml"
    prov = Path(load_provinces.__defaults__[0]).read_text(encoding="utf-8")  # type: ignore[index]
    twice.write_text(prov.replace('code: "120000"', 'code: "110000"'), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"'110000' appears twice"):
        load_provinces(twice)
