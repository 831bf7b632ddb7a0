"""Text folding for search and comparison.

Why: the sources mix full-width and ASCII punctuation (the seed writes "规范,尽可能" with an ASCII
comma, the official PDF uses "，"), curly and straight quotes, and CJK text has no spaces. Stored
text keeps its exact bytes; only comparisons go through `fold`, so "nuclear, biological" and
"核生化导武器" find the same item whatever punctuation or width the query or the text used.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2A6DF
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF
    )


def _is_punct(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat.startswith("P") or cat in ("Sk", "Sm", "So") or ch in "|~`^"


def fold(text: str) -> str:
    """NFKC, case-fold, punctuation → space, then drop spaces that touch CJK characters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if _is_punct(ch) else ch for ch in text)
    text = _SPACE_RE.sub(" ", text).strip()
    if not text:
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " ":
            prev = text[i - 1] if i > 0 else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if _is_cjk(prev) or _is_cjk(nxt):
                continue
        out.append(ch)
    return "".join(out)

