"""The built-in detectors: personal information, secrets and IP/licence markers.

Why: §4.1.2(b) (intellectual property) and §4.1.2(d) (personal and sensitive personal
information) of the framework need concrete, named signals. Each detector is a small record: a
category name that appears in reports and findings files, its group and PIPL sensitivity, the
loose candidate patterns handed to Hyperscan, the bytes that may not touch the match on either
side (ASCII letters/digits — never CJK, so "手机13812345678请联系" is found where a Unicode `\\b`
would miss it), and a validator that confirms the candidate. The patterns are deliberately
permissive; precision comes from the validators. Which categories are *sensitive* personal
information (PIPL Art. 28, GB/T 45574-2025) is data: ``pi-sensitivity.yaml`` (aisgf.screening.sensitivity).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aisgf.screening import sensitivity
from aisgf.screening import validators as v

SENSITIVE = sensitivity.SENSITIVE  # PIPL Art. 28 / GB/T 45574-2025: see pi-sensitivity.yaml
PERSONAL = sensitivity.PERSONAL
CREDENTIAL = "credential"
SIGNAL = "signal"

_DIGITS = b"0123456789"
_ALNUM = _DIGITS + b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HEX_COLON = b"0123456789ABCDEFabcdef:" + _ALNUM
_EMAIL_CHARS = _ALNUM + b"._%+-"


@dataclass(frozen=True)
class Detector:
    """One category of finding; see the module docstring for the meaning of each field."""

    category: str
    group: str
    sensitivity: str
    patterns: tuple[str, ...]
    validate: Callable[[str], bool]
    description: str
    left: bytes = _ALNUM
    right: bytes = _ALNUM
    priority: int = 50  # lower wins when two personal-information spans overlap
    caseless: bool = False
    utf8: bool = False
    extend: bytes = b""  # after a fixed-length candidate, grow the match over these bytes (≤ 512)
    # The native rule (aisgf.screening.native.KINDS) that checks a candidate exactly as
    # ``validate`` does, for whole batches; "python" = call ``validate`` on each candidate.
    kind: str = "python"
    # The scan reports only the end; the start is found by walking back from the last of these
    # bytes over ``left`` bytes (≤ 64). Why: a leading unbounded repeat ("local part" of an
    # e-mail) makes Hyperscan's start-of-match mode six times slower than the rest together.
    walk_back_from: bytes = b""


def _pi(category: str) -> str:
    """A personal-information detector's sensitivity, from the table (never written here by hand)."""
    return sensitivity.load_table().reading(category).sensitivity


def _strip_sep(s: str) -> str:
    return s.replace(" ", "").replace("-", "")


def _resident_id(s: str) -> bool:
    return v.is_valid_resident_id(s)


def _mobile(s: str) -> bool:
    s = _strip_sep(s)
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return v.is_valid_mobile(s)


# A landline as written in real text: domestic "(021) 5080-1234", "010-6552 9988", or international
# "+86 10 6552 9988", "+86-21-5080-1234", "0086 755 8888 6666", "+86 (0)21 5080 1234" (the area code
# loses its trunk 0 after +86; "(0)" is the common way of showing it anyway). The subscriber number may
# be split once, after its third or fourth digit, by a space or hyphen.
_LANDLINE = re.compile(
    r"(?:(?:\+|00)86[\s-]?(?:\(0\)[\s-]?)?\(?(?P<intl>10|2\d|[3-9]\d{2})\)?|\(?(?P<area>0\d{2,3})\)?)"
    r"[\s-]?(?P<a>\d{3,4})[\s-]?(?P<b>\d{3,4})"
)


def _landline(s: str) -> bool:
    m = _LANDLINE.fullmatch(s)
    if m is None:
        return False
    area = "0" + m.group("intl") if m.group("intl") else m.group("area")
    return v.is_valid_landline(area, m.group("a") + m.group("b"))


def _bank_card(s: str) -> bool:
    return v.is_valid_bank_card(_strip_sep(s))


def _always(_s: str) -> bool:
    return True


_HKID = re.compile(r"([A-Z]{1,2})(\d{6})\(?([0-9A])\)?")


def _hk_id(s: str) -> bool:
    m = _HKID.fullmatch(s)
    return m is not None and v.is_valid_hk_id(m.group(1), m.group(2), m.group(3))


def _email(s: str) -> bool:
    local, _, domain = s.rpartition("@")
    if not local or local[0] == "." or local[-1] == "." or ".." in s or len(local) > 64:
        return False
    labels = domain.split(".")
    return all(lab and not lab.startswith("-") and not lab.endswith("-") for lab in labels) and labels[-1].isalpha()


_SECRET_VALUE = re.compile(r"[:=]\s*[\"']?(.+)$")


def _password_assignment(s: str) -> bool:
    m = _SECRET_VALUE.search(s)
    if not m:
        return False
    val = m.group(1)
    # Placeholders ("********", "<your-password>", "xxxxxxxx") are not secrets.
    return len(set(val)) >= 4 and not val.lower().startswith(("xxxx", "your", "changeme", "example", "${"))


DETECTORS: tuple[Detector, ...] = (
    Detector(
        "cn_resident_id",
        "personal_information",
        _pi("cn_resident_id"),
        (r"\d{17}[\dXx]",),
        _resident_id,
        "Mainland resident ID (GB 11643: province, birth date, check digit)",
        priority=10,
        kind="resident_id",
    ),
    Detector(
        "cn_uscc",
        "personal_information",
        _pi("cn_uscc"),
        (r"[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}",),
        v.is_valid_uscc,
        "Unified social credit code (GB 32100 check character); identifies a person for 个体工商户",
        priority=20,
        kind="uscc",
    ),
    Detector(
        "bank_card",
        "personal_information",
        _pi("bank_card"),
        # One fixed-width pattern per length (no start-of-match tracking needed), each starting
        # with the issuer prefixes that validators.card_scheme accepts at that length: an
        # 18-digit resident ID that cannot be a card never even becomes a card candidate.
        (
            r"4\d{12}",
            r"3[47]\d{13}",
            r"(?:4\d|5[1-5]|2[2-7]|35|6[0245])\d{14}",
            r"(?:35|6[0245])\d{15}",
            r"(?:35|6[0245])\d{16}",
            r"(?:4\d|35|6[0245])\d{17}",
            r"\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}(?:[ -]?\d{1,3})?",
            r"3[47]\d\d[ -]\d{6}[ -]\d{5}",
        ),
        _bank_card,
        "Payment card number (scheme BIN and length, Luhn)",
        priority=30,
        kind="bank_card",
    ),
    Detector(
        "cn_resident_id_old",
        "personal_information",
        _pi("cn_resident_id_old"),
        (r"\d{15}",),
        v.is_valid_old_resident_id,
        "First-generation 15-digit resident ID (no check digit: province and 19YYMMDD birth date)",
        priority=35,
        kind="resident_id_old",
    ),
    Detector(
        "cn_landline",
        "personal_information",
        _pi("cn_landline"),
        (
            r"\(0\d{2,3}\)\s?[2-9]\d{6,7}",
            r"0\d{2,3}[ -][2-9]\d{6,7}",
            r"(?:\(0\d{2,3}\)\s?|0\d{2,3}[ -])[2-9]\d{2,3}[ -]\d{4}",
            r"(?:\+|00)86[ -]?(?:\(0\)[ -]?)?(?:\((?:10|2\d|[3-9]\d\d)\)|10|2\d|[3-9]\d\d)[ -]?[2-9]\d{2,3}[ -]?\d{4}",
        ),
        _landline,
        "Mainland landline with area code (010/02x/0xxx): domestic, or +86/0086 without the trunk 0",
        priority=40,
        kind="landline",
    ),
    Detector(
        "cn_mobile",
        "personal_information",
        _pi("cn_mobile"),
        (r"(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}",),
        _mobile,
        "Mainland mobile number with an allocated network segment",
        priority=45,
        left=_ALNUM + b"+",
        kind="mobile",
    ),
    Detector(
        "passport",
        "personal_information",
        _pi("passport"),
        # E + 8 digits (e-passports until 2017-04-05), then E + a letter (I and O skipped) + 7 digits;
        # G (old ordinary), D/S/P + 8; diplomatic DE, service SE, public-affairs PE + 7.
        (r"[EGDSP]\d{8}", r"E[A-HJ-NP-Z]\d{7}", r"[DSP]E\d{7}"),
        _always,
        "PRC passport number (E, EA-EZ, G, D/S/P, DE/SE/PE series)",
        # Before hk_id (15): "EF1234567" is also a two-letter HKID without its parentheses, and in
        # mainland text the passport reading is the likely one; "EF123456(7)" stays an HKID.
        priority=12,
        kind="always",
    ),
    Detector(
        "hk_macau_permit",
        "personal_information",
        _pi("hk_macau_permit"),
        (r"C\d{8}", r"C[A-HJ-NP-Z]\d{7}", r"[HM]\d{8}(?:\d{2})?"),
        _always,
        "Exit-entry permit for HK/Macau (往来港澳通行证) or Home Return Permit (回乡证)",
        priority=50,
        kind="always",
    ),
    Detector(
        "tw_permit",
        "personal_information",
        _pi("tw_permit"),
        (r"L\d{8}",),
        _always,
        "Mainland travel permit for Taiwan (往来台湾通行证)",
        priority=50,
        kind="always",
    ),
    Detector(
        "hk_id",
        "personal_information",
        _pi("hk_id"),
        (r"[A-Z]{1,2}\d{6}\(?[0-9A]\)?",),
        _hk_id,
        "Hong Kong identity card (MOD 11 check digit)",
        priority=15,
        kind="hk_id",
    ),
    Detector(
        "tw_id",
        "personal_information",
        _pi("tw_id"),
        (r"[A-Z][12]\d{8}",),
        v.is_valid_tw_id,
        "Taiwan national ID (weighted MOD 10 checksum)",
        priority=15,
        kind="tw_id",
    ),
    Detector(
        "email",
        "personal_information",
        _pi("email"),
        (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}",),
        _email,
        "E-mail address",
        left=_EMAIL_CHARS,
        right=_ALNUM + b"-@",
        priority=60,
        walk_back_from=b"@",
        kind="email",
    ),
    Detector(
        "ipv4",
        "personal_information",
        _pi("ipv4"),
        (r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",),
        v.is_valid_ipv4,
        "IPv4 address (octets 0-255)",
        left=_ALNUM + b".",
        priority=60,
        kind="ipv4",
    ),
    Detector(
        "ipv6",
        "personal_information",
        _pi("ipv6"),
        (
            r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}",
            # RFC 4291 2.2 form 3: the last 32 bits as a dotted quad (::ffff:192.0.2.1, 64:ff9b::192.0.2.33)
            r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",
        ),
        v.is_valid_ipv6,
        "IPv6 address (RFC 4291/5952 text forms, embedded IPv4 included)",
        # ":" may stand before an address ("IP:2001:db8::1", "地址:fe80::1"), a letter or digit may not;
        # native.candidates drops a separating colon and refuses a start inside a longer run of groups.
        left=_ALNUM,
        right=_HEX_COLON,
        priority=60,
        kind="ipv6",
    ),
    Detector(
        "cn_licence_plate",
        "personal_information",
        _pi("cn_licence_plate"),
        ("[" + v.PLATE_PROVINCES + r"][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]",),
        v.is_valid_plate,
        "Mainland vehicle licence plate",
        left=b"",
        priority=60,
        utf8=True,
    ),
    # --- secrets and credentials ------------------------------------------------------------
    Detector(
        "secret_private_key",
        "secret",
        CREDENTIAL,
        (r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",),
        _always,
        "PEM/OpenSSH/PGP private key block",
        left=b"",
        right=b"",
        kind="always",
    ),
    Detector(
        "secret_aws_access_key",
        "secret",
        CREDENTIAL,
        (r"(?:AKIA|ASIA)[0-9A-Z]{16}",),
        _always,
        "AWS access key ID",
        kind="always",
    ),
    Detector(
        "secret_github_token",
        "secret",
        CREDENTIAL,
        (r"gh[pousr]_[A-Za-z0-9]{36}", r"github_pat_[A-Za-z0-9_]{82}"),
        _always,
        "GitHub token",
        kind="always",
    ),
    Detector(
        "secret_slack_token",
        "secret",
        CREDENTIAL,
        (r"xox[abposr]-[A-Za-z0-9-]{10,72}",),
        _always,
        "Slack token",
        right=_ALNUM + b"-",
        kind="always",
    ),
    Detector(
        "secret_google_api_key",
        "secret",
        CREDENTIAL,
        (r"AIza[0-9A-Za-z_-]{35}",),
        _always,
        "Google API key",
        kind="always",
    ),
    Detector(
        "secret_api_key",
        "secret",
        CREDENTIAL,
        (r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32}",),
        _always,
        "OpenAI/Anthropic-style secret key",
        right=b"",
        extend=_ALNUM + b"-_",
        kind="always",
    ),
    Detector(
        "secret_jwt",
        "secret",
        CREDENTIAL,
        (r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",),
        _always,
        "JSON Web Token",
        right=_ALNUM + b"-_.",
        kind="always",
    ),
    Detector(
        "secret_password_assignment",
        "secret",
        CREDENTIAL,
        (
            r"(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|密码)[\"']?\s{0,3}[:=]\s{0,3}"
            r"[\"']?[A-Za-z0-9/+_.!@#$%^&*-]{8}",
        ),
        _password_assignment,
        "A password or key assigned in text or code",
        caseless=True,
        utf8=True,
        right=b"",
        extend=_ALNUM + b"/+_.!@#$%^&*-",
    ),
    # --- intellectual property / licence markers (§4.1.2(b)) ------------------------------------
    Detector(
        "copyright_notice",
        "ip_marker",
        SIGNAL,
        (
            r"copyright\s{0,3}(?:\(c\)|©)?\s{0,3}(?:19|20)\d\d",
            r"©\s{0,3}(?:19|20)\d\d",
            r"all rights reserved",
            "版权所有",
            r"未经(?:许可|授权)[，,]?\s{0,2}(?:不得|禁止)转载",
            "转载请注明出处",
        ),
        _always,
        "Copyright notice",
        caseless=True,
        utf8=True,
        kind="always",
    ),
    Detector(
        "licence_header",
        "ip_marker",
        SIGNAL,
        (
            r"SPDX-License-Identifier:\s{0,3}[A-Za-z0-9.+-]+",
            r"Licensed under the Apache License",
            r"GNU (?:Lesser |Affero )?General Public License",
            r"Permission is hereby granted, free of charge",
            r"Creative Commons (?:Attribution|Zero|CC0)",
            r"CC BY(?:-NC)?(?:-SA|-ND)? \d\.\d",
        ),
        _always,
        "Licence header or licence grant",
        caseless=True,
        right=b"",
        kind="always",
    ),
)

BY_CATEGORY: dict[str, Detector] = {d.category: d for d in DETECTORS}
PI_CATEGORIES = frozenset(d.category for d in DETECTORS if d.group == "personal_information")
SENSITIVE_CATEGORIES = frozenset(d.category for d in DETECTORS if d.sensitivity == SENSITIVE)
SECRET_CATEGORIES = frozenset(d.category for d in DETECTORS if d.group == "secret")
