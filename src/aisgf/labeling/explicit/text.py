"""Explicit text labels at the start, end or both, for plain text, Markdown and HTML.

Why idempotent: a pipeline may run twice; a second run must not stack a second label.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.text import split_front_matter
from aisgf.labeling.profile import load_profile

Position = Literal["start", "end", "both"]
Kind = Literal["plain", "markdown", "html"]


def default_label() -> str:
    t = load_profile().explicit.text
    return f"{t.label_zh} / {t.label_en}"


def has_text_label(text: str, window: int = 400) -> bool:
    """True if a label phrase (e.g. 人工智能, AI生成) appears near the start or end of the text."""
    _, _, body = split_front_matter(text)
    spec = load_profile().explicit.text
    phrases = [*spec.must_contain_any, spec.label_zh, spec.label_en]
    ends = body[:window] + "\n" + body[-window:]
    return any(p in ends for p in phrases)


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
    if not any(p in label for p in spec.must_contain_any):
        raise InvalidInput(
            f"label text must contain one of {spec.must_contain_any} (rule explicit.text-wording)",
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
