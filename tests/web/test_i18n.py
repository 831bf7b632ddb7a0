"""Chinese is complete: every text for people, in templates and code, has a zh_CN translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

import aisgf
from aisgf.web.i18n import catalog, translator

# Pages and their templates live beside their concern: read every module and template of aisgf.
SRC = Path(aisgf.__file__).parent
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def test_every_message_has_a_chinese_translation() -> None:
    ids = {msg[2] for msg in extract_from_dir(str(SRC), METHODS, keywords={"_": None, "N_": None})}
    assert len(ids) > 200
    zh = catalog("zh")
    missing = sorted(i for i in ids if isinstance(i, str) and not zh.get(i))
    assert not missing, f"untranslated (run pybabel update, see aisgf.web.i18n): {missing}"
    for msgid, text in zh.items():  # placeholders survive translation
        for ph in ("%(n)s", "%(q)s", "%(d)s", "%(h)s", "%(until)s"):
            assert (ph in msgid) == (ph in text), msgid


def test_translator_falls_back_to_english_and_fills_values() -> None:
    _ = translator("zh")
    assert _("Dashboard") == "总览"
    assert _("assessment %(n)s", n=3) == "第 3 次评估"
    assert _("no such message") == "no such message"
    assert translator("en")("assessment %(n)s", n=3) == "assessment 3"


def test_chinese_text_uses_full_width_punctuation() -> None:
    """Chinese prose uses ，；：（）？！ — not ASCII , ; : ( ) ? ! next to Chinese characters (placeholders,
    URLs and a quoted single character such as “(” are left alone)."""
    import re

    cjk = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”"
    protect = re.compile(r"“[,;:()?!]”|\{[^{}]*\}|%\([a-z_]+\)s|https?://\S+")
    ascii_next_to_chinese = re.compile(rf"[{cjk}] ?[,;:?!()]|[,;:?!()] ?[{cjk}]|\([^()]*[{cjk}][^()]*\)")
    offending = [text for text in catalog("zh").values()
                 if ascii_next_to_chinese.search(protect.sub("x", text))]
    assert not offending, offending
