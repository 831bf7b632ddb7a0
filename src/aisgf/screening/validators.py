"""Check-digit and plausibility validators for the personal-information detectors.

Why: a shape-only regular expression flags every 18-digit order number as an ID card and every
16-digit serial as a bank card. The framework asks that sensitive data be *found* (§4.1.2(d)),
and a screening report full of false alarms is ignored, so each candidate that the native
multi-pattern scan proposes is confirmed here with the checksum or range rule of its standard
(GB 11643, GB 32100, ISO/IEC 7812 Luhn, the HK/Taiwan ID algorithms, IP octet ranges).
These functions are pure and cheap; they only ever see candidate spans, never whole documents.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress

# GB/T 2260 province-level codes (first two digits of a resident ID / USCC region code).
# 71 Taiwan, 81 Hong Kong, 82 Macau, 83 residence permits for Taiwan residents.
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """GB 11643-1999 ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(value: str, *, today: _dt.date | None = None) -> bool:
    """18-character mainland resident ID: province code, real birth date, GB 11643 check digit."""
    if len(value) != 18 or not value[:17].isdigit() or not value[:17].isascii():
        return False
    if int(value[:2]) not in PROVINCE_CODES:
        return False
    try:
        born = _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or _dt.date.today()):
        return False
    return resident_id_check_char(value[:17]) == value[17].upper()


# Three-digit mobile network segments allocated by MIIT for voice numbers (data-only 140-144 and
# 146/148 IoT segments with 13 digits are excluded on purpose).
MOBILE_PREFIXES = frozenset(
    {
        *range(130, 140),
        145,
        147,
        149,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        162,
        165,
        166,
        167,
        170,
        171,
        172,
        173,
        175,
        176,
        177,
        178,
        *range(180, 190),
        190,
        191,
        192,
        193,
        195,
        196,
        197,
        198,
        199,
    }
)


def is_valid_mobile(digits: str) -> bool:
    """11-digit mainland mobile number whose first three digits are an allocated segment."""
    return len(digits) == 11 and digits.isdigit() and int(digits[:3]) in MOBILE_PREFIXES


def is_valid_landline(area: str, local: str) -> bool:
    """Area code 010/02x/0[3-9]xx with a 7-8 digit subscriber number that starts with 2-9."""
    if not (area.isdigit() and local.isdigit()):
        return False
    area_ok = area == "010" or (len(area) == 3 and area[1] == "2") or (len(area) == 4 and area[1] in "3456789")
    return area_ok and 7 <= len(local) <= 8 and local[0] in "23456789"


_LUHN_DOUBLE = {str(d): (2 * d if d < 5 else 2 * d - 9) for d in range(10)}


def luhn_ok(digits: str) -> bool:
    """ISO/IEC 7812 Luhn checksum (C-level slicing and sums: called for every card candidate)."""
    total = sum(map(int, digits[-1::-2])) + sum(map(_LUHN_DOUBLE.__getitem__, digits[-2::-2]))
    return total % 10 == 0


def card_scheme(digits: str) -> str | None:
    """The card scheme whose BIN range and length fit, or None (no scheme = not a card)."""
    n = len(digits)
    if digits.startswith("62") and 16 <= n <= 19:
        return "unionpay"
    if digits.startswith("4") and n in (13, 16, 19):
        return "visa"
    p2, p4 = int(digits[:2]), int(digits[:4])
    if n == 16 and (51 <= p2 <= 55 or 2221 <= p4 <= 2720):
        return "mastercard"
    if n == 15 and p2 in (34, 37):
        return "amex"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (digits.startswith("6011") or digits.startswith("65") or 644 <= int(digits[:3]) <= 649) and 16 <= n <= 19:
        return "discover"
    return None


def is_valid_bank_card(digits: str) -> bool:
    """A plausible payment card: known scheme BIN and length, and a correct Luhn digit."""
    if not (digits.isdigit() and digits.isascii() and 13 <= len(digits) <= 19):
        return False
    return card_scheme(digits) is not None and luhn_ok(digits)


USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character (MOD 31) for the first 17 characters."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    """18-character unified social credit code: alphabet, region code and GB 32100 check char."""
    value = value.upper()
    if len(value) != 18 or any(c not in _USCC_VALUE for c in value):
        return False
    if value[0] not in "123456789ANY" or not value[2:8].isdigit() or int(value[2:4]) not in PROVINCE_CODES:
        return False
    return uscc_check_char(value[:17]) == value[17]


_HK_LETTER = {chr(c): c - 55 for c in range(65, 91)}  # A=10 .. Z=35


def is_valid_hk_id(prefix: str, digits: str, check: str) -> bool:
    """Hong Kong identity card: 1-2 letters, 6 digits, MOD 11 check digit (A stands for 10)."""
    if not (1 <= len(prefix) <= 2 and prefix.isalpha() and prefix.isupper() and len(digits) == 6 and digits.isdigit()):
        return False
    chars = [36] * (2 - len(prefix)) + [_HK_LETTER[c] for c in prefix] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(chars, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check.upper() == ("A" if expected == 10 else str(expected))


_TW_LETTER = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def is_valid_tw_id(value: str) -> bool:
    """Taiwan national ID: letter + 1/2 (sex) + 8 digits with the MOD 10 weighted checksum."""
    if len(value) != 10 or value[0] not in _TW_LETTER or value[1] not in "12" or not value[1:].isdigit():
        return False
    code = _TW_LETTER[value[0]]
    total = code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in zip(value[1:9], range(8, 0, -1), strict=True))
    return (total + int(value[9])) % 10 == 0


def is_valid_ipv4(value: str) -> bool:
    """Dotted quad with octets 0-255 and no leading zeros (which would be octal look-alikes)."""
    parts = value.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isdigit() or not p.isascii() or len(p) > 3 or (len(p) > 1 and p[0] == "0") or int(p) > 255:
            return False
    return True


def is_valid_ipv6(value: str) -> bool:
    """A real IPv6 address with two or more groups and 4+ hex digits (so '::' and 'a::b' are not)."""
    groups = [g for g in value.split(":") if g]
    if value.count(":") < 2 or len(groups) < 2 or sum(len(g) for g in groups) < 4:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def is_valid_plate(value: str) -> bool:
    """Mainland licence plate: province + issuing letter + 5 (fuel) or 6 (new-energy D/F) characters."""
    if len(value) not in (7, 8) or value[0] not in PLATE_PROVINCES or value[1] not in _PLATE_LETTERS:
        return False
    tail = value[2:]
    if len(tail) == 5:
        if tail[-1] in "挂学警港澳":
            tail = tail[:-1]
        if not all(c.isascii() and (c.isdigit() or c in _PLATE_LETTERS) for c in tail):
            return False
        return sum(c.isdigit() for c in tail) >= 3 or (len(tail) == 4 and sum(c.isdigit() for c in tail) >= 2)
    # new-energy plates: D/F first (small cars) or last (large vehicles), the rest digits mostly
    if not all(c.isascii() and (c.isdigit() or c in _PLATE_LETTERS) for c in tail):
        return False
    if tail[0] in "DF" and tail[1] in _PLATE_LETTERS + "0123456789" and tail[2:].isdigit():
        return True
    return tail[-1] in "DF" and tail[:-1].isdigit()


def is_valid_old_resident_id(value: str, *, today: _dt.date | None = None) -> bool:
    """15-digit first-generation resident ID (issued until 2004): province and a 19YYMMDD birth date.

    There is no check digit in this format, so the rule is shape + province + real date only;
    it is a separate, lower-priority category so that a 15-digit payment card wins an overlap.
    """
    if len(value) != 15 or not value.isdigit() or not value.isascii() or int(value[:2]) not in PROVINCE_CODES:
        return False
    try:
        born = _dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return born <= (today or _dt.date.today())
