# ruff: noqa: E501  (long literal source strings and notes are kept on one line for grep-ability)
"""One-off extraction of the framework-1.0 YAML files from the seed and the reference file.

Why a script: the texts must be byte-exact copies of the sources (which mix full-width and ASCII
punctuation). Every text below is sliced out of the two input files by anchors that must be
found there (an anchor that is not found stops the script), never retyped. The metadata (kinds,
roles, risk links, notes) is aisgf's and is written here once; after generation the YAML files
are the source of truth and are edited directly. Kept for provenance and for re-runs when the
reference file gains text.

Usage: python extract_framework_1_0.py SEED_FILE REFERENCE_FILE OUT_DIR
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

SEED_URL = "https://asiagrowthpartners.com/china-ai-regulations/ai-safety-governance-framework"
W = "https://www.wenku.it/search?duration=three_month&page=1&wd="
W2 = "https://wenku.it/search?duration=three_month&page=1&wd="
ITW = "https://www.itwenku.com/search?duration=month&page=1&wd="
ITW3 = "https://www.itwenku.com/search?duration=three_month&page=1&wd="
URL_SOFTWARE = ITW + "%E8%BD%AF%E4%BB%B6"
URL_PRETRAIN = W + "%E9%A2%84%E8%AE%AD%E7%BB%83"
URL_EXT = W2 + "%E6%89%A9%E5%B1%95%E5%8A%9F%E8%83%BD"
URL_OPENSTD = W + "%E5%BC%80%E6%94%BE%E6%A0%87%E5%87%86"
URL_MULTI = W2 + "%E5%A4%9A%E7%BB%B4%E5%BA%A6%E5%88%86%E6%9E%90"
URL_HEART = ITW3 + "%E5%BF%83%E8%B7%B3%E6%9C%BA%E5%88%B6"
URL_EXPERT = W + "%E4%B8%93%E5%AE%B6%E7%82%B9%E8%AF%84"
URL_SCENE = W + "%E5%9C%BA%E6%99%AF%E5%9B%BE%E5%BA%93"
URL_FACE = W + "%E4%BA%BA%E8%84%B8%E8%AF%86%E5%88%AB"
URL_REL = W + "%E7%9B%B8%E5%AF%B9%E6%80%A7%E5%88%A4%E6%96%AD"
URL_SLSA = ITW3 + "SLSA%E8%AF%84%E4%BC%B0"
URL_SRCMAP = W + "%E6%BA%90%E6%98%A0%E5%B0%84"
URL_DTRACE = ITW + "%E5%88%86%E5%B8%83%E5%BC%8F%E8%B7%9F%E8%B8%AA%E9%93%BE"
URL_ENC = W2 + "%E6%96%87%E4%BB%B6%E5%8A%A0%E5%AF%86"
URL_REPORT = ITW + "%E6%8A%A5%E5%91%8A"
URL_PERM = "https://wenku.it/search?duration=month&page=1&wd=%E6%9D%83%E9%99%90%E7%AE%A1%E7%90%86"
AIRI_M = "https://www.airi-navigator.com/mitigations-v2/"
AGC_URL = "https://aigovernancecompass.com/newsinfo/999785.html"
AGORA_URL = (
    "https://zenodo.org/api/records/15430288/files-archive:/tmp/tarfile_extract_wzglls55/agora/fulltext/1802.txt"
)

REF = ""
SEED = ""


def find(anchor: str, text: str | None = None) -> int:
    src = REF if text is None else text
    i = src.find(anchor)
    if i < 0:
        raise SystemExit(f"anchor not found: {anchor!r}")
    return i


def between(start: str, end: str, *, after: str | None = None, keep_start: bool = False) -> str:
    """REF text after `start` (first occurrence after `after`) up to `end`."""
    base = find(after) if after else 0
    i = REF.find(start, base)
    if i < 0:
        raise SystemExit(f"anchor not found: {start!r}")
    j = REF.find(end, i + len(start))
    if j < 0:
        raise SystemExit(f"end anchor not found after {start!r}: {end!r}")
    return REF[i if keep_start else i + len(start) : j]


def present(s: str) -> str:
    """Assert `s` occurs in REF or SEED byte for byte and return it (for titles)."""
    if s not in REF and s not in SEED:
        raise SystemExit(f"not in sources: {s!r}")
    return s


def tv(lang: str, status: str, source: str, text: str | None = None, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"lang": lang, "status": status, "source": source}
    if text is not None:
        if status in ("official", "official_excerpt"):
            assert text == text.strip(), text
        d["text"] = text
    for k, v in kw.items():
        if v is not None:
            d[k] = v
    return d


def missing(lang: str, note: str | None = None) -> dict[str, Any]:
    return tv(lang, "missing", "none", note=note)


def title(lang: str, text: str, status: str, source: str, **kw: Any) -> dict[str, Any]:
    d = {"lang": lang, "text": text, "status": status, "source": source}
    d.update({k: v for k, v in kw.items() if v is not None})
    return d


# --- seed -------------------------------------------------------------------------------------

SEED_EN_IDS = (
    ["4.1.1.b"]
    + [f"4.1.2.{c}" for c in "bcdef"]
    + [f"4.1.3.{c}" for c in "bcd"]
    + ["4.2.1.b", "4.2.2.b", "4.2.3.b", "4.2.3.c", "4.2.4.a", "4.2.4.b"]
    + [f"6.2.{c}" for c in "bcdefghij"]
    + [f"6.3.{c}" for c in "bcdefghi"]
    + [f"6.4.{c}" for c in "bcdef"]
)
SEED_ZH_IDS = (
    ["4.1.1.b"]
    + [f"4.1.2.{c}" for c in "bcdef"]
    + [f"4.1.3.{c}" for c in "bcd"]
    + ["4.2.1.b", "4.2.2.a", "4.2.2.b", "4.2.3.a", "4.2.3.b", "4.2.3.c", "4.2.4.a", "4.2.4.b"]
    + [f"6.2.{c}" for c in "bcdefghij"]
    + [f"6.3.{c}" for c in "bcdefghi"]
    + [f"6.4.{c}" for c in "bcdef"]
)
ITEM_LINE = re.compile(r"^\(([a-z]|[0-9]+)\)(.*)$")


def seed_lines() -> tuple[list[str], list[str]]:
    zh_start = SEED.index("人工智能安全治理框架\n")
    en_part, zh_part = SEED[:zh_start], SEED[zh_start:]
    en = [m.group(2).strip() for m in map(ITEM_LINE.match, en_part.splitlines()) if m]
    zh = [m.group(2) for m in map(ITEM_LINE.match, zh_part.splitlines()) if m]
    assert len(en) == len(SEED_EN_IDS), (len(en), len(SEED_EN_IDS))
    assert len(zh) == len(SEED_ZH_IDS), (len(zh), len(SEED_ZH_IDS))
    return en, zh


# --- reference tables -------------------------------------------------------------------------

ROW = re.compile(r"^\| (\d\.\d(?:\.\d)?)\(([a-j])\)[^|]*\| (.*) \| (.*) \| (.*) \|$")


def table_rows() -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for line in REF.splitlines():
        m = ROW.match(line)
        if m and not m.group(1).startswith("3."):
            out[f"{m.group(1)}.{m.group(2)}"] = (m.group(3), m.group(4), m.group(5))
    return out


def parse_en(cell: str) -> list[tuple[str, str]]:
    parts = []
    for chunk in cell.split("<br>"):
        chunk = chunk.strip()
        if chunk.startswith("**—**"):
            continue
        m = re.match(r'^(.*?): "(.*)"$', chunk)
        if not m:
            raise SystemExit(f"cannot parse EN cell: {chunk!r}")
        parts.append((m.group(1), m.group(2)))
    return parts


RISK_ROW = re.compile(r'^\| (3\.\d\.\d)\(([a-f])\) \| (.*?) \| "(.*)" \(p\. (\d+)\) \| (.*) \|$')


def build() -> dict[str, dict[str, Any]]:
    en_seed, zh_seed = seed_lines()
    seed_en = dict(zip(SEED_EN_IDS, en_seed, strict=True))
    seed_zh = dict(zip(SEED_ZH_IDS, zh_seed, strict=True))
    rows = table_rows()
    files: dict[str, dict[str, Any]] = {}

    # ---------------- section 1 ----------------
    items: list[dict[str, Any]] = []
    items.append(
        {
            "id": "1",
            "kind": "section",
            "titles": [
                title("zh", present("人工智能安全治理原则"), "official", "lixiangbaogao"),
                title("en", present("Principles for AI safety governance"), "official", "agora", url=AGORA_URL),
                title("en", present("Principles of AI Security Governance"), "third_party_translation", "seed"),
            ],
            "texts": [
                missing("zh", "The Chinese text of the section-1 lead was not found in any source."),
                missing("en", "The English lead is the bullet list, kept as items 1.p01–1.p11."),
            ],
            "note": "Lead: the official English renders it as a bullet list (items 1.p01–1.p11). Its Chinese is missing.",
        }
    )
    block = between("> 1. Principles for AI safety governance\n", ">\n> 1.1")
    bullets = [ln[len("> -") :] for ln in block.splitlines() if ln.startswith("> -")]
    assert len(bullets) == 11, bullets
    for n, b in enumerate(bullets, 1):
        items.append(
            {
                "id": f"1.p{n:02d}",
                "kind": "principle",
                "parent": "1",
                "number": "assigned",
                "texts": [missing("zh"), tv("en", "official", "agora", b, url=AGORA_URL)],
                "note": "Unnumbered bullet of section 1 in the official English (AGORA); the ID is aisgf's positional label.",
            }
        )
    zh11 = between("> 1.1 包容审慎、确保安全。", "\n")
    en11 = between("> 1.1 Be inclusive and prudent to ensure safety\n> ", " … [excerpt ends]")
    items.append(
        {
            "id": "1.1",
            "kind": "principle",
            "parent": "1",
            "titles": [
                title("zh", present("包容审慎、确保安全"), "official", "zh-wenku"),
                title(
                    "en",
                    present("Be inclusive and prudent to ensure safety"),
                    "official",
                    "agora",
                    url=AGORA_URL,
                ),
            ],
            "texts": [
                tv("zh", "official", "zh-wenku", zh11),
                tv("en", "official_excerpt", "agora", en11, url=AGORA_URL, cut="end"),
            ],
            "note": "English ends where the AGORA excerpt ends.",
        }
    )
    for num, t in (("1.2", "风险导向、敏捷治理"), ("1.3", "技管结合、协同应对")):
        body = between(f"> {num} {t}。", "\n")
        items.append(
            {
                "id": num,
                "kind": "principle",
                "parent": "1",
                "titles": [title("zh", present(t), "official", "zh-wenku")],
                "texts": [
                    tv("zh", "official", "zh-wenku", body),
                    missing("en", "Official English not retrieved."),
                ],
                "note": "English title and text not retrieved.",
            }
        )
    zh14 = between("> (1.4, fragment) …", "\n")
    items.append(
        {
            "id": "1.4",
            "kind": "principle",
            "parent": "1",
            "texts": [tv("zh", "official_excerpt", "zh-wenku", zh14, cut="start"), missing("en")],
            "note": "Only the tail of the Chinese text is known; the title (both languages) and the English are missing.",
        }
    )
    files["01-principles.yaml"] = {"section": "1", "items": items}

    # ---------------- section 2 ----------------
    items = []
    items.append(
        {
            "id": "2",
            "kind": "section",
            "titles": [
                title("zh", present("人工智能安全治理框架构成"), "official", "zh-wenku"),
                title(
                    "en",
                    present("Structure of the AI Security Governance Framework"),
                    "third_party_translation",
                    "seed",
                ),
            ],
            "texts": [
                tv("zh", "official", "zh-wenku", between("> 2. 人工智能安全治理框架构成 ", "\n")),
                missing("en"),
            ],
            "note": "Official English of section 2 not retrieved; the English title is the seed's table of contents.",
        }
    )
    for num, t, status, cut in (
        ("2.1", "安全风险方面", "official", None),
        ("2.2", "技术应对措施方面", "official_excerpt", "end"),
        ("2.4", "安全开发应用指引方面", "official", None),
    ):
        body = between(f"> {num} {t}。", "\n")
        if body.endswith("…"):
            body = body[:-1]
        items.append(
            {
                "id": num,
                "kind": "section",
                "parent": "2",
                "titles": [title("zh", present(t), "official", "zh-wenku")],
                "texts": [tv("zh", status, "zh-wenku", body, cut=cut), missing("en")],
            }
        )
        if num == "2.2":
            head = between("> 2.3 综合治理措施方面。", " […]")
            tail = between("[…]", '" (ZH-part', after="> 2.3, tail")
            items.append(
                {
                    "id": "2.3",
                    "kind": "section",
                    "parent": "2",
                    "titles": [title("zh", present("综合治理措施方面"), "official", "zh-wenku", url=URL_SOFTWARE)],
                    "texts": [
                        tv("zh", "official_excerpt", "zh-wenku", head, url=URL_SOFTWARE, cut="end"),
                        tv("zh", "official_excerpt", "zh-wenku", tail, url=URL_PRETRAIN, cut="start"),
                        missing("en"),
                    ],
                    "note": "Chinese: head and tail known, the middle is missing. English not retrieved.",
                }
            )
    files["02-structure.yaml"] = {"section": "2", "items": items}

    # ---------------- section 3 ----------------
    items = []
    items.append(
        {
            "id": "3",
            "kind": "section",
            "titles": [
                title("zh", present("人工智能安全风险分类"), "official", "lixiangbaogao"),
                title("en", present("Classification of AI Security Risks"), "third_party_translation", "seed"),
            ],
            "texts": [
                tv("zh", "official", "zh-wenku", between('"3. 人工智能安全风险分类 ', '"')),
                missing("en"),
            ],
            "note": "Official English heading and lead of section 3 not retrieved; the English title is the seed's table of contents.",
        }
    )
    heads = {
        "3.1": ("人工智能内生安全风险", "AI's inherent safety risks", None),
        "3.1.1": ("模型算法安全风险", "Risks from models and algorithms", "3.1"),
        "3.1.2": ("数据安全风险", "Risks from data", "3.1"),
        "3.1.3": ("系统安全风险", "Risks from AI systems", "3.1"),
        "3.2": ("人工智能应用安全风险", "Safety risks in AI applications", None),
        "3.2.1": ("网络域安全风险", "Cyberspace risks", "3.2"),
        "3.2.2": ("现实域安全风险", "Real-world risks", "3.2"),
        "3.2.3": ("认知域安全风险", "Cognitive risks", "3.2"),
        "3.2.4": ("伦理域安全风险", "Ethical risks", "3.2"),
    }
    risk_zh = risk_chinese()
    risk_rows = {}
    for line in REF.splitlines():
        m = RISK_ROW.match(line)
        if m:
            risk_rows[f"{m.group(1)}.{m.group(2)}"] = m
    assert len(risk_rows) == 26, len(risk_rows)

    def add_head(num: str) -> None:
        zh, en, parent = heads[num]
        items.append(
            {
                "id": num,
                "kind": "section",
                "parent": parent or "3",
                "titles": [
                    title("zh", present(zh), "official", "lixiangbaogao" if len(num) == 3 else "zh-wenku"),
                    title("en", present(en), "close_paraphrase", "reference-heading"),
                ],
                "texts": [missing("zh"), missing("en")],
                "note": "English heading as given by the reference (AIRI category wording); not checked against the official PDF.",
            }
        )

    for num in heads:
        add_head(num)
        if num.count(".") < 2:
            continue
        for rid in [r for r in risk_rows if r.rsplit(".", 1)[0] == num]:
            m = risk_rows[rid]
            src_cell = m.group(6)
            rec = re.search(r"45\.0\d\.\d\d", src_cell)
            airr = "AIRR-X" in src_cell and "page number and same text" not in src_cell
            if airr or "AIRR-X" in src_cell:
                en_v = tv(
                    "en",
                    "official",
                    "airr-x",
                    m.group(4),
                    page=int(m.group(5)),
                    note=f"AI Risk Repository V3, record {rec.group(0)}" if rec else None,
                )
            else:
                en_v = tv(
                    "en",
                    "official",
                    "airi-risk",
                    m.group(4),
                    page=int(m.group(5)),
                    url=f"https://www.airi-navigator.com/risk/{rec.group(0)}" if rec else None,
                )
            titles = [title("en", m.group(3), "official", en_v["source"])]
            texts = []
            zh_info = risk_zh.get(rid)
            if zh_info:
                if zh_info.get("title"):
                    titles.insert(
                        0,
                        title("zh", present(zh_info["title"]), "official", "zh-wenku", url=zh_info.get("url")),
                    )
                for body, status, cut, url in zh_info["texts"]:
                    texts.append(tv("zh", status, "zh-wenku", body, cut=cut, url=url))
            if not texts:
                texts.append(missing("zh", "Chinese text not retrieved."))
            texts.append(en_v)
            note = RISK_NOTES.get(rid)
            inferred = rid in RISK_LETTER_INFERRED
            if inferred:
                extra = "Letter inferred from the AIRI/AIRR-X order (no snippet prints it)."
                note = f"{note} {extra}" if note else extra
            items.append(
                {
                    "id": rid,
                    "kind": "risk",
                    "parent": num,
                    **({"number": "inferred"} if inferred else {}),
                    "titles": titles,
                    "texts": texts,
                    "tags": RISK_TAGS.get(rid, []),
                    **({"note": note} if note else {}),
                }
            )
    files["03-risks.yaml"] = {"section": "3", "items": items}

    # ---------------- section 4 ----------------
    items = []
    items.append(
        {
            "id": "4",
            "kind": "section",
            "titles": [
                title("zh", present("技术应对措施"), "official", "lixiangbaogao"),
                title("en", present("Technological measures to address risks"), "official", "rrd"),
            ],
            "texts": [
                tv("zh", "official", "zh-wenku", between('"4. 技术应对措施 ', '"'), url=URL_SCENE),
                tv(
                    "en",
                    "official",
                    "airi-mitigation",
                    between('also A1181/A1150/A1155): "', '"'),
                    url=AIRI_M + "A1116",
                ),
            ],
            "roles": ["developer", "provider", "key_sector_user"],
            "roles_basis": "framework_text",
        }
    )
    sub = {
        "4.1": ("针对人工智能内生安全风险", "Addressing AI's inherent safety risks", "4", None, None),
        "4.1.1": (
            "模型算法安全风险应对",
            "Addressing risks from models and algorithms",
            "4.1",
            "3.1.1",
            "confirmed",
        ),
        "4.1.2": ("数据安全风险应对", "Addressing risks from data", "4.1", "3.1.2", "confirmed"),
        "4.1.3": ("系统安全风险应对", "Addressing risks from AI systems", "4.1", "3.1.3", "confirmed"),
        "4.2": ("针对人工智能应用安全风险", "Addressing safety risks in AI applications", "4", None, None),
        "4.2.1": ("网络域风险应对", None, "4.2", "3.2.1", "confirmed"),
        "4.2.2": ("现实域风险应对", None, "4.2", "3.2.2", "confirmed"),
        "4.2.3": ("认知域风险应对", None, "4.2", "3.2.3", "confirmed"),
        "4.2.4": (None, None, "4.2", "3.2.4", "inferred"),
    }
    for num, (zh, en, parent, risk_sec, numbering) in sub.items():
        titles = []
        if zh:
            titles.append(title("zh", present(zh), "official", "lixiangbaogao" if len(num) == 3 else "zh-wenku"))
        if en:
            titles.append(
                title(
                    "en",
                    present(en),
                    "official" if len(num) == 3 else "third_party_translation",
                    "rrd" if len(num) == 3 else "reference-gloss",
                )
            )
        rec: dict[str, Any] = {"id": num, "kind": "section", "parent": parent}
        if numbering == "inferred":
            rec["number"] = "inferred"
        rec["titles"] = titles
        rec["texts"] = [missing("zh"), missing("en")]
        if risk_sec:
            rec["addresses"] = [
                {
                    "risk": risk_sec,
                    "basis": "editorial" if numbering == "inferred" else "framework_text",
                    "editorial": numbering == "inferred",
                    "note": "heading parallels the risk section",
                }
            ]
        if num == "4.2.4":
            rec["note"] = (
                "The two ethical-domain countermeasures come only from the seed, whose English letters them (d), (e) "
                "after 4.2.3. No snippet shows a separate 4.2.4 heading; number and title are unconfirmed "
                "(aisgf assumes an ethical-domain subsection parallel to 3.2.4)."
            )
        elif num in ("4.1.1", "4.1.2", "4.1.3"):
            rec["note"] = "The English heading is a gloss of the Chinese heading (reference), not a source text."
            if num == "4.1.1":
                rec["note"] += (
                    " Only items (a) and (b) are known: the seed's list ends at (b) and no other source "
                    "shows more, so the item count of 4.1.1 is inferred."
                )
        items.append(rec)
        # items of the subsection
        for iid in [k for k in CM if k.rsplit(".", 1)[0] == num]:
            items.append(countermeasure(iid, rows.get(iid), seed_en, seed_zh))
    files["04-countermeasures.yaml"] = {"section": "4", "items": items}

    # ---------------- section 5 ----------------
    files["05-measures.yaml"] = {"section": "5", "items": section5()}
    # ---------------- section 6 ----------------
    files["06-guidelines.yaml"] = {"section": "6", "items": section6(rows, seed_en, seed_zh)}
    return files


# --- section 3 Chinese ---------------------------------------------------------------------------


def risk_chinese() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def full(rid: str, t: str, end: str, url: str | None, after: str | None = None) -> None:
        body = between(f"({rid[-1]}){t}。", end, after=after)
        out[rid] = {"title": t, "url": url, "texts": [(body, "official", None, url)]}

    a_after = "Chinese 3.1.1(a)–(c), verbatim"
    full("3.1.1.a", "可解释性差的风险", "\n", None, after=a_after)
    full("3.1.1.b", "偏见、歧视风险", "\n", None, after=a_after)
    c_after = "3.1.1(c)–(e), source"
    full("3.1.1.c", "鲁棒性弱风险", " (d)", URL_EXT, after=c_after)
    full("3.1.1.d", "被窃取、篡改的风险", " (e)", URL_EXT, after=c_after)
    e = between("(e)输出不可靠风险。", " […]", after=c_after)
    out["3.1.1.e"] = {
        "title": "输出不可靠风险",
        "url": URL_EXT,
        "texts": [(e, "official_excerpt", "end", URL_EXT)],
    }
    d_after = "3.1.2(d) and 3.1.3(a), verbatim"
    full("3.1.2.d", "数据泄露风险", " 3.1.3", URL_OPENSTD, after=d_after)
    full("3.1.3.a", "缺陷、后门被攻击利用风险", "\n", URL_OPENSTD, after=d_after)
    b_after = "3.1.3(b)/(c) (ZH"
    full("3.1.3.b", "算力安全风险", " (c)", URL_MULTI, after=b_after)
    full("3.1.3.c", "供应链安全风险", "\n", URL_SOFTWARE, after=b_after)
    a_after = "3.2.1(a), the name is now confirmed"
    head = between("(a)信息内容安全风险。", " […]", after=a_after)
    tail = between("[…] ", "\n", after=a_after)
    out["3.2.1.a"] = {
        "title": "信息内容安全风险",
        "url": URL_SOFTWARE,
        "texts": [
            (head, "official_excerpt", "end", URL_SOFTWARE),
            (tail, "official_excerpt", "start", URL_HEART),
        ],
    }
    f_after = "Chinese 3.2.1(b)–(d), fragments"
    tail_b = between('"…', " (c)", after=f_after)
    out["3.2.1.b"] = {"title": None, "texts": [(tail_b, "official_excerpt", "start", None)]}
    full("3.2.1.c", "不当使用引发信息泄露风险", " (d)", None, after=f_after)
    d_head = between("(d)滥用于网络攻击的风险。", "…", after=f_after)
    out["3.2.1.d"] = {"title": "滥用于网络攻击的风险", "texts": [(d_head, "official_excerpt", "end", None)]}
    g_after = "3.2.2(b) tail, 3.2.2(c), 3.2.3(a) head"
    tail22b = between("> […]", " (c)", after=g_after)
    out["3.2.2.b"] = {"title": None, "texts": [(tail22b, "official_excerpt", "start", URL_EXPERT)]}
    full("3.2.2.c", "两用物项和技术滥用风险", " 3.2.3", URL_EXPERT, after=g_after)
    h23a = between('(a)加剧"信息茧房"效应风险。', " […]", after=g_after)
    out["3.2.3.a"] = {
        "title": '加剧"信息茧房"效应风险',
        "url": URL_EXPERT,
        "texts": [(h23a, "official_excerpt", "end", URL_EXPERT)],
    }
    t24c = between('"…', '"', after="3.2.4(c), tail")
    out["3.2.4.c"] = {"title": None, "texts": [(t24c, "official_excerpt", "start", URL_SCENE)]}
    return out


RISK_NOTES = {
    "3.1.3.a": 'Chinese: the reference leaves out a page break ("- 5 - 人工智能安全治理框架") inside the snippet.',
    "3.2.1.b": "Chinese: only the tail is known; the Chinese title is missing.",
    "3.2.2.b": "Chinese: only the tail is known; the Chinese title is missing.",
    "3.2.4.c": "Chinese: only the tail is known; the Chinese title is missing.",
}
# The reference: Chinese snippets confirm the letters of 3.1.1(a)-(e), 3.1.2(d), 3.1.3(a)-(c),
# 3.2.1(a)-(d), 3.2.2(c) and 3.2.3(a); the remaining letters follow from the AIRI ordering.
RISK_LETTER_INFERRED = {
    "3.1.1.f",
    "3.1.2.a",
    "3.1.2.b",
    "3.1.2.c",
    "3.2.1.e",
    "3.2.2.a",
    "3.2.2.b",
    "3.2.3.b",
    "3.2.4.a",
    "3.2.4.b",
    "3.2.4.c",
}
RISK_TAGS = {
    "3.1.1.a": ["explainability"],
    "3.1.1.b": ["bias"],
    "3.1.1.c": ["robustness"],
    "3.1.1.d": ["model-security", "ip"],
    "3.1.1.e": ["hallucination"],
    "3.1.1.f": ["adversarial"],
    "3.1.2.a": ["data", "personal-information"],
    "3.1.2.b": ["data", "poisoning"],
    "3.1.2.c": ["data", "annotation"],
    "3.1.2.d": ["data", "leakage"],
    "3.1.3.a": ["vulnerability"],
    "3.1.3.b": ["compute"],
    "3.1.3.c": ["supply-chain"],
    "3.2.1.a": ["content"],
    "3.2.1.b": ["labeling", "deepfake"],
    "3.2.1.c": ["leakage"],
    "3.2.1.d": ["cyberattack"],
    "3.2.1.e": ["model-reuse", "responsibility-chain"],
    "3.2.2.a": ["safety"],
    "3.2.2.b": ["crime"],
    "3.2.2.c": ["dual-use", "cbrn"],
    "3.2.3.a": ["information-cocoon"],
    "3.2.3.b": ["cognitive-warfare"],
    "3.2.4.a": ["discrimination"],
    "3.2.4.b": ["social-order"],
    "3.2.4.c": ["loss-of-control"],
}

# --- section 4 ------------------------------------------------------------------------------------

E, FT, OT = "editorial", "framework_text", "official_table"
D, P, K, U, R = "developer", "provider", "key_sector_user", "public", "regulator"

#: id → (roles, [(risk, basis)], tags)
CM: dict[str, tuple[list[str], list[tuple[str, str]], list[str]]] = {
    "4.1.1.a": ([D], [("3.1.1.a", FT)], ["explainability", "transparency"]),
    "4.1.1.b": ([D], [("3.1.1.b", FT), ("3.1.1.c", FT), ("3.1.3.a", E)], ["secure-development"]),
    "4.1.2.a": ([D], [], ["data"]),
    "4.1.2.b": ([D, P], [("3.1.2.b", E), ("3.1.1.d", E)], ["data", "ip"]),
    "4.1.2.c": ([D], [("3.1.2.b", E), ("3.2.2.c", E)], ["data", "screening", "cbrn"]),
    "4.1.2.d": ([D], [("3.1.2.a", E), ("3.1.2.d", E)], ["data", "personal-information"]),
    "4.1.2.e": ([D], [("3.1.2.b", E), ("3.1.1.b", E)], ["data", "screening", "data-quality"]),
    "4.1.2.f": ([D, P], [("3.1.2.a", E), ("3.2.2.c", E)], ["data", "cross-border", "export-control"]),
    "4.1.3.a": ([D, P], [("3.1.1.a", E), ("3.2.1.b", E)], ["transparency", "labeling"]),
    "4.1.3.b": ([P], [("3.1.3.a", E)], ["platform"]),
    "4.1.3.c": ([P], [("3.1.3.b", OT)], ["compute"]),
    "4.1.3.d": ([D, P, K], [("3.1.3.c", OT), ("3.1.3.a", E)], ["supply-chain", "vulnerability"]),
    "4.2.1.a": ([D, P], [("3.2.1.a", OT)], ["content", "model-security"]),
    "4.2.1.b": ([P], [("3.1.2.d", E), ("3.2.1.c", E)], ["data", "personal-information", "guardrail"]),
    "4.2.2.a": ([P], [("3.2.2.b", E), ("3.2.2.a", E)], ["scope-limits"]),
    "4.2.2.b": ([P], [("3.2.2.c", E)], ["end-use", "traceability", "cbrn"]),
    "4.2.3.a": ([P], [("3.1.1.e", E), ("3.2.3.b", E)], ["output-validation"]),
    "4.2.3.b": ([P], [("3.2.3.a", E)], ["profiling"]),
    "4.2.3.c": ([D, P], [("3.2.3.b", FT)], ["synthetic-content-detection", "labeling"]),
    "4.2.4.a": ([D, P], [("3.2.4.a", E), ("3.1.1.b", E)], ["discrimination", "screening"]),
    "4.2.4.b": (
        [P, K],
        [("3.2.2.a", E), ("3.2.4.c", E)],
        ["key-sector", "emergency-control", "human-control"],
    ),
}
CM_URL = {"4.1.1.a": URL_SCENE, "4.1.3.a": URL_SCENE, "4.2.1.a": URL_DTRACE}
CM_NOTES = {
    "4.1.1.a": "English not found in any source.",
    "4.1.1.b": "The seed's 4.1.1 list ends at (b); 4.1.1 probably has only (a) and (b) (not confirmed by another source).",
    "4.1.2.a": "Item (a) exists (the lists start at (b) in the seed) but its text was not found in either language.",
    "4.1.3.a": "No English in any source. Also in ZH-W 人脸识别.",
    "4.2.1.a": "Chinese cut after 输出不可; English not found.",
    "4.2.2.a": 'No English in any source (the seed\'s English omits it). Chinese also in ZH-W 扩展功能 as "4.2.2 现实域风险应对 (a)".',
    "4.2.3.a": 'No English in any source (the seed\'s English omits it). Chinese also in ZH-W 相对性判断 as "4.2.3 认知域风险应对 (a)".',
    "4.2.4.a": "Number inferred: the seed's English letters it (d) after 4.2.3; no snippet confirms a 4.2.4 heading.",
    "4.2.4.b": "Number inferred: the seed's English letters it (e) after 4.2.3; no snippet confirms a 4.2.4 heading.",
}
OT_NOTE = "Appendix risk-to-measure table (安全风险与技术应对措施、综合治理措施映射表), fragment"


def links(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for risk, basis in pairs:
        d: dict[str, Any] = {"risk": risk, "basis": basis, "editorial": basis == E}
        if basis == OT:
            d["note"] = OT_NOTE
        elif basis == FT:
            d["note"] = "the item's own words name the risk"
        out.append(d)
    return out


def countermeasure(
    iid: str, row: tuple[str, str, str] | None, seed_en: dict[str, str], seed_zh: dict[str, str]
) -> dict[str, Any]:
    roles, risk_pairs, tags = CM[iid]
    texts: list[dict[str, Any]] = []
    if iid in seed_zh:
        texts.append(tv("zh", "official", "seed", seed_zh[iid], url=SEED_URL))
        if row:
            ref_zh = row[1].strip()
            assert ref_zh == seed_zh[iid], (iid, ref_zh, seed_zh[iid])
    elif row and not row[1].startswith("**—**"):
        zh = row[1]
        if zh.endswith("[…] (ZH-part)"):
            texts.append(
                tv(
                    "zh",
                    "official_excerpt",
                    "zh-wenku",
                    zh[: -len("[…] (ZH-part)")],
                    url=CM_URL.get(iid),
                    cut="end",
                )
            )
        else:
            texts.append(tv("zh", "official", "zh-wenku", zh, url=CM_URL.get(iid)))
    else:
        texts.append(missing("zh", "Chinese text not found."))
    if iid in seed_en:
        texts.append(tv("en", "third_party_translation", "seed", seed_en[iid], url=SEED_URL))
        if row:
            parts = parse_en(row[0])
            assert parts and parts[-1] == ("T3", seed_en[iid]), (iid, parts)
    else:
        texts.append(missing("en", "Official English not found in any source."))
    rec: dict[str, Any] = {"id": iid, "kind": "countermeasure", "parent": iid.rsplit(".", 1)[0]}
    if iid.startswith("4.2.4"):
        rec["number"] = "inferred"
    rec.update(
        {
            "roles": roles,
            "roles_basis": "editorial",
            "texts": texts,
            "addresses": links(risk_pairs),
            "tags": tags,
        }
    )
    if iid in CM_NOTES:
        rec["note"] = CM_NOTES[iid]
    return rec


# --- section 5 ------------------------------------------------------------------------------------


def section5() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    lead_en = between('**Lead-in.** EN **V** (AGC; AIRI-A1140 lists the same measures): "', '"')
    zh_head = between('ZH, two fragments: "综合治理措施 ', '[…]"')
    zh_tail = between('and "[…]', '" (', after="ZH, two fragments")
    items.append(
        {
            "id": "5",
            "kind": "section",
            "titles": [
                title("zh", present("综合治理措施"), "official", "lixiangbaogao"),
                title("en", present("Comprehensive governance measures"), "official", "rrd"),
            ],
            "texts": [
                tv("zh", "official_excerpt", "zh-wenku", zh_head, url=URL_EXT, cut="end"),
                tv("zh", "official_excerpt", "zh-wenku", zh_tail, url=URL_SLSA, cut="start"),
                tv("en", "official", "agc", lead_en, url=AGC_URL),
            ],
            "roles": [R, D, P, K, U],
            "roles_basis": "framework_text",
            "note": "The seed's table of contents counts 10 measures.",
        }
    )
    after51 = "**5.1 To implement"
    en51 = between('- EN **V** (AGC; AIRI-A1116/A1140/A1181): "', '"', after=after51)
    zh51 = between("5.1 实施人工智能应用分类分级管理。", "[…]", after=after51)
    en52 = between('- EN **V** (AGC; AIRI-A1140): "', '"', after="**5.2 To develop")
    zh52 = between("建立人工智能服务可追溯管理制度。", '"', after="**5.2 To develop")
    en53 = between('- EN **V** (AGC; AIRI-A1140): "', '"', after="**5.3 To improve")
    zh53 = between("5.3 完善人工智能数据安全和个人信息保护规范。", '"', after="**5.3 To improve")
    en54 = between('"5.4 To create a responsible AI R&D and application system. ', ' […]"')
    zh54 = between('%E5%B0%84`): "[…]', '"', after="**5.4 To create")
    zh55 = between("5.5 强化人工智能供应链安全保障。", '"', after="**5.5 (ZH title")
    zh56 = between("5.6 推进人工智能可解释性研究。", "[…]", after="**5.6 (ZH title")
    en59 = between('(AIRI-A1149, via the research file): "', '"')
    en510 = between('(AIRI-A1150, `https://www.airi-navigator.com/mitigations-v2/A1150`): "', '"')

    def m(
        num: str,
        titles: list[dict[str, Any]],
        texts: list[dict[str, Any]],
        roles: list[str],
        risks: list[tuple[str, str]],
        tags: list[str],
        note: str | None = None,
        number: str = "confirmed",
    ) -> None:
        rec: dict[str, Any] = {"id": num, "kind": "measure", "parent": "5"}
        if number != "confirmed":
            rec["number"] = number
        rec.update(
            {
                "roles": roles,
                "roles_basis": "editorial",
                "titles": titles,
                "texts": texts,
                "addresses": links(risks),
                "tags": tags,
            }
        )
        if note:
            rec["note"] = note
        items.append(rec)

    m(
        "5.1",
        [
            title("zh", present("实施人工智能应用分类分级管理"), "official", "zh-wenku", url=URL_SLSA),
            title(
                "en",
                present("To implement a tiered and category-based management for AI application."),
                "official",
                "agc",
                url=AGC_URL,
            ),
        ],
        [
            tv("zh", "official_excerpt", "zh-wenku", zh51, url=URL_SLSA, cut="end"),
            tv(
                "en",
                "official",
                "agc",
                en51,
                url=AGC_URL,
                note='AGC prints "enduse"; this text, as the reference gives it (also quoted by AIRI A1116/A1140/A1181), has "end-use".',
            ),
        ],
        [R, D, P, K],
        [("3.2.2.b", E), ("3.2.2.c", E)],
        ["tiering", "registration", "end-use"],
        note="Chinese cut after 要求其.",
    )
    m(
        "5.2",
        [
            title("zh", present("建立人工智能服务可追溯管理制度"), "official", "zh-wenku", url=URL_FACE),
            title(
                "en",
                present("To develop a traceability management system for AI services."),
                "official",
                "agc",
                url=AGC_URL,
            ),
        ],
        [
            tv("zh", "official", "zh-wenku", zh52, url=URL_FACE),
            tv("en", "official", "agc", en52, url=AGC_URL),
        ],
        [R, P],
        [("3.2.1.b", E), ("3.2.3.b", E)],
        ["labeling", "traceability"],
    )
    m(
        "5.3",
        [
            title("zh", present("完善人工智能数据安全和个人信息保护规范"), "official", "zh-wenku", url=URL_REL),
            title(
                "en",
                present("To improve AI data security and personal information protection regulations."),
                "official",
                "agc",
                url=AGC_URL,
            ),
        ],
        [tv("zh", "official", "zh-wenku", zh53, url=URL_REL), tv("en", "official", "agc", en53, url=AGC_URL)],
        [R, D, P],
        [("3.1.2.a", E), ("3.1.2.d", E), ("3.1.2.c", E)],
        ["data", "personal-information"],
    )
    m(
        "5.4",
        [
            title(
                "en",
                present("To create a responsible AI R&D and application system."),
                "official",
                "agc",
                url=AGC_URL,
            )
        ],
        [
            tv("zh", "official_excerpt", "zh-wenku", zh54, url=URL_SRCMAP, cut="start"),
            tv("en", "official_excerpt", "agc", en54, url=AGC_URL, cut="end"),
        ],
        [R, D],
        [("3.2.4", E), ("3.1.2.b", E)],
        ["ethics-review", "data-quality"],
        note='English: title and the words "We should propose" only. Chinese: the tail only; the Chinese title and the start of the body are missing.',
    )
    m(
        "5.5",
        [
            title("zh", present("强化人工智能供应链安全保障"), "official", "zh-wenku", url=URL_SRCMAP),
            title(
                "en",
                present("Strengthen AI supply-chain security safeguards"),
                "third_party_translation",
                "reference-gloss",
            ),
        ],
        [
            tv("zh", "official", "zh-wenku", zh55, url=URL_SRCMAP),
            missing("en", "Official English not retrieved."),
        ],
        [R, D, P],
        [("3.1.3.c", FT)],
        ["supply-chain", "open-source"],
        note="The English title is the reference's gloss of the Chinese title, not a source text.",
    )
    m(
        "5.6",
        [title("zh", present("推进人工智能可解释性研究"), "official", "zh-wenku", url=URL_SRCMAP)],
        [tv("zh", "official_excerpt", "zh-wenku", zh56, url=URL_SRCMAP, cut="end"), missing("en")],
        [R, D],
        [("3.1.1.a", FT)],
        ["explainability", "research"],
        note="Chinese: the head only. English: nothing retrieved.",
    )
    m(
        "5.7",
        [
            title(
                "zh",
                present("人工智能安全风险威胁信息共享和应急处置机制"),
                "official_excerpt",
                "zh-wenku",
                url=URL_SRCMAP,
                cut="start",
            )
        ],
        [missing("zh", "Body not retrieved."), missing("en", "Title and body not retrieved.")],
        [R, P, K],
        [],
        ["incident", "information-sharing", "emergency-response"],
        note=(
            "Title fragment from a cell of the appendix mapping table (a verb before it may be cut). The number follows "
            'the order of the table cells and is inferred. The seed: "risk-threat information sharing and emergency '
            'response mechanisms for AI security incidents".'
        ),
        number="inferred",
    )
    m(
        "5.8",
        [title("zh", present("加大人工智能安全人才培养力度"), "official", "zh-wenku", url=URL_SRCMAP)],
        [missing("zh", "Body not retrieved."), missing("en", "Title and body not retrieved.")],
        [R],
        [],
        ["talent"],
        note="Title from a cell of the appendix mapping table; the number follows the table order and is inferred.",
        number="inferred",
    )
    m(
        "5.9",
        [
            title(
                "zh",
                present("建立健全人工智能安全宣传教育、"),
                "official_excerpt",
                "zh-wenku",
                url=URL_SRCMAP,
                cut="end",
            )
        ],
        [
            missing("zh", "Body not retrieved."),
            tv("en", "official", "airi-mitigation", en59, url=AIRI_M + "A1149"),
        ],
        [R, D, P, U],
        [("3.2.1.c", E)],
        ["education", "self-regulation", "public-supervision"],
        note=(
            "Number inferred: the body matches the cut Chinese title from the appendix table (education, "
            "self-regulation, supervision) and the AIRI IDs run A1140 (section 5) → A1150. The English title was not retrieved."
        ),
        number="inferred",
    )
    m(
        "5.10",
        [],
        [
            missing("zh", "Title and body not retrieved."),
            tv("en", "official", "airi-mitigation", en510, url=AIRI_M + "A1150"),
        ],
        [R, D, P],
        [],
        ["international-cooperation"],
        note=(
            "Number and theme (international cooperation) inferred: the seed counts 10 measures and this is the last AIRI ID "
            "of the section-5 run. Title not retrieved in either language."
        ),
        number="inferred",
    )
    return items


# --- section 6 ------------------------------------------------------------------------------------

G_ROLE = {"6.1": D, "6.2": P, "6.3": K, "6.4": U}
G_AIRI = {"6.1": "A1152", "6.2": "A1153", "6.3": "A1154", "6.4": "A1155"}
G_RISKS: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "6.1.a": ([("3.2.4", E)], ["ethics-review"]),
    "6.1.b": ([("3.1.2.a", E), ("3.1.2.d", E), ("3.1.1.d", E)], ["data", "ip", "personal-information"]),
    "6.1.c": ([("3.1.2.d", E), ("3.1.3.a", E)], ["training-environment"]),
    "6.1.d": ([("3.1.1.b", E), ("3.1.2.b", E), ("3.2.4.a", E)], ["bias", "alignment", "data-quality"]),
    "6.1.e": ([], ["maturity"]),
    "6.1.f": ([], ["version-management", "rollback"]),
    "6.1.g": ([("3.1.1.c", E), ("3.1.1.f", E)], ["testing"]),
    "6.1.h": ([("3.1.1.c", E), ("3.1.1.f", E)], ["testing"]),
    "6.1.i": ([("3.1.1.c", E)], ["robustness", "disclosure"]),
    "6.1.j": ([], ["testing", "reporting"]),
    "6.2.a": ([("3.2.1.b", E)], ["transparency", "disclosure"]),
    "6.2.b": ([("3.2.1.c", E)], ["disclosure", "contract"]),
    "6.2.c": ([("3.2.2.a", E)], ["human-control", "contract"]),
    "6.2.d": ([("3.1.1.a", E), ("3.1.1.e", E)], ["explainability"]),
    "6.2.e": ([("3.2.1.e", E)], ["responsibility-chain", "third-party-model"]),
    "6.2.f": ([("3.2.2.a", E)], ["monitoring"]),
    "6.2.g": ([("3.1.1.c", E), ("3.1.1.f", E)], ["resilience"]),
    "6.2.h": ([("3.1.3.a", E)], ["incident", "reporting"]),
    "6.2.i": ([("3.2.2.b", E)], ["misuse", "contract"]),
    "6.2.j": ([("3.2.2.a", E)], ["user-impact"]),
    "6.3.a": ([("3.2.2.a", E)], ["key-sector", "risk-assessment", "tiering"]),
    "6.3.b": ([("3.2.2.a", E)], ["key-sector", "audit"]),
    "6.3.c": ([("3.1.2.d", E)], ["key-sector", "privacy"]),
    "6.3.d": ([("3.1.2.d", E), ("3.2.1.d", E)], ["key-sector", "access-control"]),
    "6.3.e": ([("3.1.3.c", E), ("3.1.2.d", E)], ["key-sector", "supply-chain"]),
    "6.3.f": ([("3.1.2.d", E)], ["key-sector", "data", "backup"]),
    "6.3.g": ([("3.1.2.d", E), ("3.2.1.c", E)], ["key-sector", "encryption"]),
    "6.3.h": ([("3.2.4.c", E), ("3.2.2.a", E)], ["key-sector", "human-control"]),
    "6.3.i": (
        [("3.2.2.a", E), ("3.1.1.e", E)],
        ["key-sector", "human-control", "manual-fallback", "decision-log"],
    ),
    "6.4.a": ([], ["awareness"]),
    "6.4.b": ([("3.1.1.e", E)], ["awareness"]),
    "6.4.c": ([("3.2.1.c", E), ("3.1.2.d", E)], ["personal-information"]),
    "6.4.d": ([("3.1.2.a", E)], ["privacy"]),
    "6.4.e": ([("3.2.1.d", E)], ["cybersecurity"]),
    "6.4.f": ([("3.2.3.a", E)], ["minors"]),
}
G_COUNT = {"6.1": "abcdefghij", "6.2": "abcdefghij", "6.3": "abcdefghi", "6.4": "abcdef"}


def section6(
    rows: dict[str, tuple[str, str, str]], seed_en: dict[str, str], seed_zh: dict[str, str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {
            "id": "6",
            "kind": "section",
            "titles": [
                title("zh", present("人工智能安全开发应用指引"), "official", "lixiangbaogao"),
                title("en", present("Safety guidelines for AI development and application"), "official", "rrd"),
            ],
            "texts": [
                missing("zh", "Lead-in not retrieved (there may be none)."),
                missing("en", "Lead-in not retrieved (there may be none)."),
            ],
            "roles": [D, P, K, U],
            "roles_basis": "framework_text",
        }
    ]
    heads = {
        "6.1": ("模型算法研发者安全开发指引", "Safety guidelines for model algorithm developers"),
        "6.2": ("人工智能服务提供者安全指引", "Safety guidelines for AI service providers"),
        "6.3": ("重点领域使用者安全应用指引", "Safety guidelines for users in key areas"),
        "6.4": ("社会公众安全应用指引", "Safety guidelines for general users"),
    }
    for sec, (zh, en) in heads.items():
        items.append(
            {
                "id": sec,
                "kind": "section",
                "parent": "6",
                "roles": [G_ROLE[sec]],
                "roles_basis": "framework_text",
                "titles": [
                    title("zh", present(zh), "official", "lixiangbaogao"),
                    title("en", present(en), "official", "rrd"),
                ],
                "texts": [missing("zh"), missing("en")],
                "note": {
                    "6.1": "Not in the seed. 10 items (a)–(j): the Chinese snippet runs from (d) to (j) and goes straight into 6.2.",
                    "6.4": "Six items: AIRI-A1155 lists exactly six.",
                }.get(sec),
            }
        )
        if items[-1]["note"] is None:
            del items[-1]["note"]
        for letter in G_COUNT[sec]:
            iid = f"{sec}.{letter}"
            items.append(guideline(iid, rows[f"{sec}.{letter}"], seed_en, seed_zh))
    return items


ZH_URLS = {  # the first ZH source URL of each row, when the text is not from the seed
    "6.1.a": URL_EXPERT,
    "6.1.c": URL_ENC,
    "6.1.d": URL_SLSA,
    "6.1.e": URL_SLSA,
    "6.1.f": URL_SLSA,
    "6.1.g": URL_SLSA,
    "6.1.h": URL_SLSA,
    "6.1.i": URL_SLSA,
    "6.1.j": URL_SLSA,
    "6.2.a": URL_REPORT,
}


def guideline(iid: str, row: tuple[str, str, str], seed_en: dict[str, str], seed_zh: dict[str, str]) -> dict[str, Any]:
    sec = iid[:3]
    en_cell, zh_cell, _src = row
    texts: list[dict[str, Any]] = []
    notes: list[str] = []
    if iid in seed_zh:
        assert zh_cell.strip() == seed_zh[iid], (iid, zh_cell, seed_zh[iid])
        texts.append(tv("zh", "official", "seed", seed_zh[iid], url=SEED_URL))
    elif zh_cell.startswith("**—**"):
        texts.append(missing("zh", "Chinese text not found."))
        notes.append("Chinese not found.")
    elif "[…gap…]" in zh_cell:
        head, rest = zh_cell.split("[…gap…]")
        tail = rest.split(" (ZH-part")[0]
        texts.append(tv("zh", "official_excerpt", "zh-wenku", head, url=URL_EXPERT, cut="end"))
        texts.append(tv("zh", "official_excerpt", "zh-wenku", tail, url=URL_ENC, cut="start"))
        notes.append("Chinese: head and tail known from two snippets; the middle is missing.")
    else:
        texts.append(tv("zh", "official", "zh-wenku", zh_cell, url=ZH_URLS.get(iid)))
    en_parts = parse_en(en_cell)
    for label, text in en_parts:
        if label == "T3":
            assert seed_en.get(iid) == text, (iid, text)
            texts.append(tv("en", "third_party_translation", "seed", text, url=SEED_URL))
        elif label == "AIRI label only":
            notes.append(f'AIRI gives only a label for this item: "{text}".')
        else:
            cut = None
            t = text
            if "(cut)" in label:
                assert t.endswith("[…]"), t
                t = t[: -len("[…]")]
                cut = "end"
            note = None
            if "[sic] " in t:
                t = t.replace("[sic] ", "")
                note = '"should strengthening" [sic] as in the source.'
            lab = re.search(r'AIRI label "([^"]*)"', label)
            if lab:
                notes.append(f'AIRI label: "{lab.group(1)}".')
            texts.append(
                tv(
                    "en",
                    "close_paraphrase",
                    "airi-mitigation",
                    t,
                    url=AIRI_M + G_AIRI[sec],
                    cut=cut,
                    note=note,
                )
            )
    if iid in seed_en and not any(t.get("source") == "seed" and t["lang"] == "en" for t in texts):
        raise SystemExit(f"seed English for {iid} not in reference row")
    if not any(t["lang"] == "en" for t in texts):
        texts.append(missing("en", "English not found in any source."))
        notes.append("English not found.")
    if any(t["lang"] == "en" and t["status"] == "close_paraphrase" for t in texts):
        notes.append(
            'AIRI~ wording ("… should …"), probably close to the official English but unchecked against the PDF.'
        )
    risks, tags = G_RISKS[iid]
    rec: dict[str, Any] = {
        "id": iid,
        "kind": "guideline",
        "parent": sec,
        "roles": [G_ROLE[sec]],
        "roles_basis": "framework_text",
        "texts": sorted(texts, key=lambda t: t["lang"] != "zh"),
        "addresses": links(risks),
        "tags": tags,
    }
    if notes:
        rec["note"] = " ".join(notes)
    return rec


def framework_meta() -> dict[str, Any]:
    preamble = between("### Preamble and section 1 (English, verbatim; AGORA 1802.txt, opening excerpt)\n> ", "\n")
    return {
        "framework": "aisgf-1.0",
        "version": "1.0-data.1",
        "title": {"zh": present("人工智能安全治理框架"), "en": "AI Safety Governance Framework"},
        "publisher": {
            "zh": present("全国网络安全标准化技术委员会"),
            "en": "National Technical Committee 260 on Cybersecurity of SAC (TC260)",
        },
        "published": "2024-09",
        "files": [
            "01-principles.yaml",
            "02-structure.yaml",
            "03-risks.yaml",
            "04-countermeasures.yaml",
            "05-measures.yaml",
            "06-guidelines.yaml",
        ],
        "sources": {
            "seed": {
                "title": "Project seed (identical to the asiagrowthpartners.com page on the framework): Chinese = "
                "original text renumbered (1),(2)…; English = third-party translation, not the official one",
                "url": SEED_URL,
            },
            "zh-wenku": {
                "title": "Snippets of the official Chinese PDF (TC260, 2024-09) on wenku.it / itwenku.com search pages",
                "url": "https://www.wenku.it/",
            },
            "lixiangbaogao": {
                "title": "Table of contents of the official Chinese PDF (lixiangbaogao.com snippet)",
                "url": "http://lixiangbaogao.com/_aibin__/8242.html",
            },
            "agora": {
                "title": "AGORA full text 1802.txt (official English), opening excerpt",
                "url": AGORA_URL,
            },
            "agc": {
                "title": "aigovernancecompass.com copy of the official English (section 5 lead-in to 5.4 head)",
                "url": AGC_URL,
            },
            "rrd": {
                "title": "Official English PDF on renrendoc.com (table of contents only)",
                "url": "https://renrendoc.com/paper/347312135.html",
            },
            "airi-risk": {
                "title": "MIT AI Risk Repository risk pages (airi-navigator), verbatim quotes of the official English with PDF page",
                "url": "https://www.airi-navigator.com/",
            },
            "airr-x": {
                "title": "MIT AI Risk Repository V3 spreadsheet (26 March 2025), sheet 'AI Risk Database v3', source TC2602024",
                "url": "https://github.com/davidturturean/airi-chatbot-class/blob/main/data/info_files/The_AI_Risk_Repository_V3_26_03_2025.xlsx",
            },
            "airi-mitigation": {
                "title": "MIT AI Risk Repository mitigation pages (airi-navigator); guideline texts rewritten as 'X should …'",
                "url": AIRI_M,
            },
            "reference-heading": {
                "title": "Heading as given in the aisgf reference file (AIRI category wording), not checked against the PDF"
            },
            "reference-gloss": {"title": "aisgf/reference gloss of the Chinese title; not a source text"},
            "none": {"title": "No source found; the text is missing"},
        },
        "preamble": [
            tv("zh", "missing", "none", note="Chinese preamble not retrieved."),
            tv("en", "official", "agora", preamble, url=AGORA_URL),
        ],
        "note": (
            "Assembled from stored public copies only (see the reference file framework-1.0-text.md); every text "
            "carries its source and status. Official texts supplied by an organisation go in overlays."
        ),
    }


LANG_NAME = {"zh": "Chinese", "en": "English"}
RANK = ["official", "official_excerpt", "close_paraphrase", "third_party_translation", "missing"]


def gap_note(item: dict[str, Any]) -> str | None:
    """A provenance note: what is missing or only approximate, per language not already covered by
    the item's own note (which names the language it talks about)."""
    existing = item.get("note") or ""
    what = "lead-in text" if item["kind"] == "section" else "text"
    statuses = {}
    for lang in ("zh", "en"):
        versions = [t for t in item["texts"] if t["lang"] == lang]
        statuses[lang] = RANK[min((RANK.index(t["status"]) for t in versions), default=RANK.index("missing"))]
    if item["kind"] == "section" and statuses == {"zh": "missing", "en": "missing"} and not existing:
        return "No lead-in text retrieved in either language (the section may have none)."
    parts = []
    for lang, status in statuses.items():
        name = LANG_NAME[lang]
        if name in existing:
            continue
        if status == "missing":
            parts.append(f"{name} {what} not retrieved.")
        elif status == "official_excerpt":
            parts.append(f"{name}: official excerpt only (cut); the rest not retrieved.")
        elif status == "close_paraphrase":
            parts.append(f"{name}: AIRI paraphrase only, unchecked against the official text.")
        elif status == "third_party_translation":
            parts.append(f"{name}: only the seed's third-party translation; the official {name} not retrieved.")
    auto = " ".join(parts)
    return " ".join(p for p in (existing, auto) if p) or None


# --- output ----------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"' if _needs_quotes(data) else None)


def _needs_quotes(s: str) -> bool:
    return len(s) > 60 or any(ch in s for ch in ":#'\"[]{},&*!|>%@`") or s != s.strip()


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def main(argv: list[str]) -> None:
    global REF, SEED
    seed, ref, out = (Path(a) for a in argv[1:4])
    SEED = seed.read_text(encoding="utf-8")
    REF = ref.read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    header = (
        "# Generated once by tools/catalog_extract/extract_framework_1_0.py from the seed and the reference file;\n"
        "# texts are byte-exact copies. Edit this file directly from now on (it is the source of truth).\n"
    )
    (out / "framework.yaml").write_text(header + dump(framework_meta()), encoding="utf-8")
    for name, content in build().items():
        order = [
            "id",
            "kind",
            "parent",
            "number",
            "roles",
            "roles_basis",
            "titles",
            "texts",
            "addresses",
            "tags",
            "note",
        ]
        for it in content["items"]:
            note = gap_note(it)
            if note:
                it["note"] = note
        ordered = [{k: it[k] for k in order if k in it} for it in content["items"]]
        assert all(len(o) == len(it) for o, it in zip(ordered, content["items"], strict=True))
        body = {"framework": "aisgf-1.0", "section": content["section"], "items": ordered}
        (out / name).write_text(header + dump(body), encoding="utf-8")
        print(f"{name}: {len(content['items'])} items")


if __name__ == "__main__":
    main(sys.argv)
