"""The unified social credit code (统一社会信用代码, USCC) checked under GB 32100-2015.

Why its own module: the code is what a filing, an incident report and a contract name the
organisation by, and a typo in it makes a report go nowhere; so a code is checked the way the
standard builds it (charset, registration-authority code, area digits, the check character over
the first 17) and a wrong one says which character is wrong and what was expected. The tables of
authorities and categories are data (`data/uscc.yaml`); the arithmetic is here. No database.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisgf.errors import InvalidInput, register_messages
from aisgf.organisation.reference import Bilingual, load_uscc_rules

MESSAGES = register_messages({
    "organisation.uscc_empty": "the unified social credit code (统一社会信用代码) is required: 18 characters",
    "organisation.uscc_length": "a unified social credit code has 18 characters; {given!r} has {n}",
    "organisation.uscc_bad_char": "character {position} ({char!r}) is not used in a unified social credit code; "
                                  "accepted: 0-9 and A-Z without I, O, Z, S, V",
    "organisation.uscc_authority": "character 1 ({char!r}) is not a registration-authority code "
                                   "(登记管理部门代码); accepted: {accepted}",
    "organisation.uscc_area": "characters 3-8 ({area!r}) are the registering authority's area code "
                              "(GB/T 2260): six digits",
    "organisation.uscc_check": "the check character (the 18th) is {given!r}, but {expected!r} is expected for "
                               "{body}; look for a mistyped character",
})

#: The weight of positions 1-17: 3^(i-1) mod 31 (GB 32100-2015, 4.4).
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the charset)."""
    charset = load_uscc_rules().charset
    total = sum(charset.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return charset[(31 - total % 31) % 31]


def normal_uscc(text: str, where: str = "uscc") -> str:
    """The code, checked: uppercase, spaces removed; an `InvalidInput` naming the wrong character otherwise."""
    rules = load_uscc_rules()
    code = "".join((text or "").split()).upper()
    if not code:
        raise InvalidInput.coded("organisation.uscc_empty", where=where)
    if len(code) != 18:
        raise InvalidInput.coded("organisation.uscc_length", where=where, given=code[:40], n=len(code))
    for i, c in enumerate(code, start=1):
        if c not in rules.charset:
            raise InvalidInput.coded("organisation.uscc_bad_char", where=where, position=i, char=c)
    if rules.authority(code[0]) is None:
        raise InvalidInput.coded("organisation.uscc_authority", where=where, char=code[0],
                                 accepted=[a.code for a in rules.authorities])
    if not code[2:8].isdigit():
        raise InvalidInput.coded("organisation.uscc_area", where=where, area=code[2:8])
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidInput.coded("organisation.uscc_check", where=where, given=code[17], expected=expected,
                                 body=code[:17])
    return code


@dataclass(frozen=True)
class UsccParts:
    """What a (valid) code says about its holder."""

    code: str
    authority: Bilingual
    category: Bilingual | None  # None: a category the table does not list for that authority
    area: str                   # the registering authority's GB/T 2260 area code
    organisation_code: str      # 主体标识码 (组织机构代码, positions 9-17)


def describe_uscc(text: str) -> UsccParts:
    code = normal_uscc(text)
    authority = load_uscc_rules().authority(code[0])
    assert authority is not None
    return UsccParts(code=code, authority=authority.name, category=authority.categories.get(code[1]),
                     area=code[2:8], organisation_code=code[8:17])
