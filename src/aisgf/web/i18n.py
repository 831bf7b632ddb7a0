"""Text for people in 中文 and English through gettext catalogs (Babel).

Why .po at runtime: the catalogs are edited by people (`locales/zh_CN/LC_MESSAGES/messages.po`),
and reading the .po with Babel at start-up means no compile step can be forgotten; English is the
source language, so a missing translation shows the English text rather than nothing.

Update the catalog after changing templates::

    pybabel extract -F src/aisgf/web/babel.cfg -o /tmp/messages.pot src/aisgf
    pybabel update -i /tmp/messages.pot -d src/aisgf/web/locales -D messages

Service errors are translated by message ID (`aisgf.errors.MESSAGES`, see `aisgf.web.error_text`):
those catalog entries have the ID as msgid and are not extracted, so `pybabel update` marks them
obsolete (`#~`); keep them live (tests/test_errors.py fails on any ID without a translation).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_LOCALE_DIR = Path(__file__).parent / "locales"
_FOLDERS = {"zh": "zh_CN"}


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """msgid → msgstr for `lang` (empty for the source language)."""
    folder = _FOLDERS.get(lang)
    if folder is None:
        return {}
    path = _LOCALE_DIR / folder / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        po = read_po(fh, locale=folder)
    return {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


def translator(lang: str) -> Callable[..., str]:
    """A `_("text", name=value)` function: translate, then fill `%(name)s` placeholders."""
    table = catalog(lang if lang in LANGS else DEFAULT_LANG)

    def _(text: str, **values: object) -> str:
        out = table.get(text, text)
        return out % values if values else out

    return _


def pick_language(cookie: str | None, user_pref: str | None, accept: str | None) -> str:
    """An explicit switch (cookie) wins, then the person's saved preference, then the browser."""
    for cand in (cookie, user_pref):
        if cand in LANGS:
            return cand  # type: ignore[return-value]
    if accept and accept.strip().lower().startswith("en"):
        return "en"
    return DEFAULT_LANG
