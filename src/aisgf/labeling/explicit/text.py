"""Explicit text labels at the start, end or both, for plain text, Markdown and HTML.

Why idempotent: a pipeline may run twice; a second run must not stack a second label.
Why a phrase rule and not a word list: GB 45438 5.1 (rule explicit.text-wording) makes a text label
an AI element *and* a generation element, so "AI合成内容" is a label and "人工智能客服" is not; a
text that merely mentions 人工智能 near its start must never be counted as labeled.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Literal

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.text import split_front_matter
from aisgf.labeling.profile import TextSpec, load_profile

Position = Literal["start", "end", "both"]
Kind = Literal["plain", "markdown", "html"]

# Clause punctuation (after NFKC, so full-width ，；： are their ASCII twins): a label phrase never
# spans it, so "人工智能客服已上线，报告生成于周一" is not a label.
_BREAKS = "。．！？；，、,.!?;:\n\r\t|"
_HTML_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]*>")


def default_label() -> str:
    t = load_profile().explicit.text
    return f"{t.label_zh} / {t.label_en}"


def _phrase(spec: TextSpec) -> re.Pattern[str]:
    """AI element, then at most ``max_gap`` characters without clause punctuation, then a generation element."""
    return _compile(
        tuple(spec.ai_elements), tuple(spec.generation_elements), tuple(spec.generation_not_followed_by), spec.max_gap
    )


@lru_cache(maxsize=8)
def _compile(
    ai: tuple[str, ...], gen: tuple[str, ...], not_followed_by: tuple[str, ...], max_gap: int
) -> re.Pattern[str]:
    def alt(words: list[str]) -> str:
        parts = []
        for w in sorted(words, key=len, reverse=True):
            e = re.escape(unicodedata.normalize("NFKC", w))
            if w.isascii() and w[:1].isalpha():  # "AI" alone, not inside "SAID" or "AIR"
                e = f"(?<![A-Za-z]){e}(?![A-Za-z])"
            parts.append(e)
        return "(?:" + "|".join(parts) + ")"

    not_after = "".join(f"(?!{re.escape(x)})" for x in not_followed_by)
    gap = f"[^{re.escape(_BREAKS)}]{{0,{max_gap}}}?"
    return re.compile(alt(list(ai)) + gap + alt(list(gen)) + not_after)


def is_label_phrase(text: str) -> bool:
    """True if ``text`` holds a label phrase: an AI element followed closely by a generation element."""
    spec = load_profile().explicit.text
    return _phrase(spec).search(unicodedata.normalize("NFKC", text)) is not None


def visible_text(text: str) -> str:
    """What a reader sees: no front matter; for HTML, no head, scripts or tags, entities decoded."""
    _, _, body = split_front_matter(text)
    if _HTML_TAG.search(body) and re.search(r"<(?:html|body|p|div|span)\b", body, re.I):
        body = html.unescape(_HTML_TAG.sub(" ", _HTML_HIDDEN.sub(" ", body)))
    return body.strip()


def has_text_label(text: str, window: int | None = None) -> bool:
    """True if a label phrase stands in the first or last ``window`` characters of the visible text.

    ``window`` defaults to the profile's (64 characters): a label opens or closes the text, it is not
    a phrase somewhere in its first paragraphs.
    """
    spec = load_profile().explicit.text
    body = visible_text(text)
    n = window or spec.window
    pattern = _phrase(spec)
    return any(
        pattern.search(unicodedata.normalize("NFKC", part)) is not None for part in (body[:n], body[-n:])
    )


def _render(kind: Kind, label: str) -> str:
    if kind == "html":
        return f'<p class="aigc-label" role="note" data-aigc="explicit">{html.escape(label)}</p>'
    if kind == "markdown":
        return f"> {label}"
    return f"【{label}】"


def add_text_label(
    text: str, *, kind: Kind = "plain", position: Position = "start", label: str | None = None
) -> str:
    """Return `text` with the label at `position`; unchanged if that position is already labeled."""
    label = label or default_label()
    spec = load_profile().explicit.text
    if not is_label_phrase(label):
        raise InvalidInput(
            f"label text {label!r} must contain an AI element ({' or '.join(spec.ai_elements)}) followed by a "
            f"generation element ({' or '.join(spec.generation_elements)}), e.g. 'AI生成' or '本内容由人工智能生成' "
            "(rule explicit.text-wording)",
            where="label",
        )
    mark = _render(kind, label)
    prefix, fm, body = split_front_matter(text)
    head = prefix + fm + "---\n" if fm is not None else ""
    if kind == "html":
        if position in ("start", "both"):
            m = re.search(r"<body[^>]*>", body, re.I)
            at = m.end() if m else 0
            if not body[at:].lstrip().startswith(mark):
                body = body[:at] + "\n" + mark + body[at:]
        if position in ("end", "both"):
            ends = list(re.finditer(r"</body\s*>", body, re.I))
            at = ends[-1].start() if ends else len(body)
            if not body[:at].rstrip().endswith(mark):
                body = body[:at] + mark + "\n" + body[at:]
        return head + body
    if position in ("start", "both") and not body.lstrip().startswith(mark):
        body = mark + "\n\n" + body
    if position in ("end", "both") and not body.rstrip().endswith(mark):
        body = body.rstrip("\n") + "\n\n" + mark + "\n"
    return head + body
