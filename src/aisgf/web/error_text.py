"""Service errors in the reader's language: translated by message ID through the gettext catalog.

Why by ID: services raise `AisgfError`s whose `message` is English (for the CLI, the API and the
logs); those with a `code` (see `aisgf.errors.MESSAGES`) have a catalog entry whose msgid is the
code and whose msgstr is the text with the same `{name}` placeholders. Parameters that are
vocabulary (tier, lane, status, reviewer function, role) read as their display names; an error
without a code, or a code without a translation, shows the English message.
"""

from __future__ import annotations

from typing import Any

from aisgf.errors import AisgfError
from aisgf.web.i18n import catalog, translator
from aisgf.web.labels import LABELS

# Parameters whose values are codes with a display name in `LABELS`
VOCABULARY = frozenset({"status", "old", "new", "lane", "tier", "function", "decision", "role", "accepted",
                        "required", "mine", "state", "to"})
#: Label prefixes tried after the plain code: the lineage's words are prefixed in `LABELS` ("open" data is
#: not an "open" obligation), so a vendor's admission state reads as its name too.
_PREFIXES = ("", "lineage.")
_SUFFIXES = ("_code", "_params", "_zh")
_LIST_SEP = {"zh": "、"}


def localized(code: str, params: dict[str, Any], lang: str) -> str | None:
    """The text for message ID `code` in `lang`, or None if the catalog has none (use the English)."""
    template = catalog(lang).get(code)
    if not template:
        return None
    tr = translator(lang)
    sep = _LIST_SEP.get(lang, ", ")

    def show(name: str, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return sep.join(str(show(name, v)) for v in value)
        if name in VOCABULARY and isinstance(value, str):
            for prefix in _PREFIXES:
                if prefix + value in LABELS:
                    return tr(LABELS[prefix + value])
        return value

    values: dict[str, Any] = {}
    for name, value in params.items():
        if name.endswith(_SUFFIXES):
            continue
        nested = params.get(f"{name}_code")
        text = localized(nested, params.get(f"{name}_params") or {}, lang) if nested else None
        if text is None and lang == "zh" and params.get(f"{name}_zh"):
            text = params[f"{name}_zh"]
        values[name] = text if text is not None else show(name, value)
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a catalog entry that does not fit its parameters
        return None


def error_text(exc: AisgfError, lang: str) -> str:
    """What a page shows for `exc`: translated where a message ID allows, else the English message."""
    if lang == "en":
        return exc.message
    problem_codes = getattr(exc, "problem_codes", None)
    if problem_codes:  # several problems in one error (intake answers): translate each
        errors = exc.extra.get("errors") or []
        parts: list[str] = []
        for i, problem in enumerate(problem_codes):
            english = errors[i] if i < len(errors) else {}
            text = (localized(problem[0], problem[1], lang) if problem else None) or english.get("message", "")
            parts.append(text if i == 0 else f"\n  {english.get('where', '')}: {text}")
        return "".join(parts)
    code = getattr(exc, "code", None)
    if code:
        text = localized(code, getattr(exc, "params", {}), lang)
        if text is not None:
            return text
    return exc.message
