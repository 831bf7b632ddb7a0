"""The in-memory catalog: items in document order, primary-text choice, lookup and search.

Why separate from the YAML schema: the files store every known wording of an item; the rest of
the platform asks one question, "what is the best text of 6.2.e in Chinese, and how good is
it?", and must get the same answer everywhere. That choice lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from aisgf.catalog.normalize import fold
from aisgf.catalog.schema import (
    LANGS,
    ORGANISATION_ADDRESSEES,
    STATUS_ORDER,
    ItemRecord,
    Lang,
    RiskLink,
    SourceRecord,
    TextVersion,
    TitleVersion,
)
from aisgf.errors import InvalidInput, NotFound, register_messages

# Message ID → English text of the errors a reader can meet on the catalog's pages and API (pages
# translate them by ID).
MESSAGES = register_messages({
    "catalog.unknown_language": "unknown language {value!r}; accepted: zh, en",
    "catalog.other_framework": "{ref!r} belongs to framework {prefix!r}, not {framework!r}",
    "catalog.no_item": "no item {ref!r} in catalog {framework} (IDs look like 6.2.e, 4.1.2, 3.1.1.b)",
    "catalog.empty_search": "empty search text",
    "catalog.unknown_choice": "unknown {field} {value!r}; accepted: {accepted}",
    "catalog.no_framework": "no framework {framework!r} (available: {available})",
})

_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}

ELLIPSIS = "…"

#: What a reader is told when the text shown is in the other language because the one asked for is
#: missing, keyed by (asked, shown) and written in the language asked (the reader's).
FALLBACK_NOTES: dict[tuple[str, str], str] = {("zh", "en"): "仅有英文文本", ("en", "zh"): "Chinese text only"}


def with_cut_marks(text: str, cut: str | None) -> str:
    """The text as a person sees it: a cut excerpt starts (cut at its start) or ends with "…".

    The stored text keeps the source's exact bytes, so the mark is added only when shown; a cut in
    the middle has no place to mark and is left to the `cut` field.
    """
    if cut in ("start", "both") and not text.startswith(ELLIPSIS):
        text = ELLIPSIS + text
    if cut in ("end", "both") and not text.endswith(ELLIPSIS):
        text = text + ELLIPSIS
    return text


@dataclass(frozen=True)
class Shown:
    """What to show a reader who asked for `asked`: the text (cut marks added) and in which language.

    Why a value and not a string: wherever the catalog falls back to the other language, the reader
    must be told (``fallback``, ``note``), and the CLI, the API and the pages must tell it the same way.
    """

    asked: str
    text: str | None
    lang: str | None
    status: str
    cut: str | None = None

    @property
    def fallback(self) -> bool:
        return self.lang is not None and self.lang != self.asked

    @property
    def note(self) -> str | None:
        """仅有英文文本 / "Chinese text only" when the text is in the other language, else None."""
        return FALLBACK_NOTES[(self.asked, self.lang)] if self.fallback and self.lang else None

    def shortened(self, width: int) -> Shown:
        if self.text is None or len(self.text) <= width:
            return self
        return Shown(self.asked, self.text[: width - 1] + ELLIPSIS, self.lang, self.status, self.cut)


def _check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise InvalidInput.coded("catalog.unknown_language", where="lang", value=lang)
    return lang  # type: ignore[return-value]


@dataclass(frozen=True)
class CatalogItem:
    """One section or numbered item of a framework, with every known wording of it."""

    record: ItemRecord
    framework: str

    # -- identity ---------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.record.id

    @property
    def qualified_id(self) -> str:
        """The ID with its framework, e.g. ``aisgf-1.0:6.2.e``; what exports and citations use."""
        return f"{self.framework}:{self.record.id}"

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def parent(self) -> str | None:
        return self.record.parent

    @property
    def number(self) -> str:
        return self.record.number

    @property
    def addressees(self) -> list[str]:
        """Whom the item is addressed to (state, developer, provider, key_sector_user, public)."""
        return list(self.record.addressees)

    @property
    def addressees_basis(self) -> str | None:
        """framework_text, official_table or editorial: why the catalog says so."""
        return self.record.addressees_basis

    @property
    def addresses_organisations(self) -> bool:
        """True if a company can owe the item: it is addressed to a developer, provider or key-sector user.

        Items addressed only to the state (the standards and systems of section 5) or only to the
        public (6.4) are context for an organisation, not its obligations.
        """
        return any(a in ORGANISATION_ADDRESSEES for a in self.record.addressees)

    @property
    def roles(self) -> list[str]:
        """Deprecated alias of `addressees` (``regulator`` is now ``state``), kept while callers move over."""
        return self.addressees

    @property
    def roles_basis(self) -> str | None:
        """Deprecated alias of `addressees_basis`."""
        return self.addressees_basis

    @property
    def addresses(self) -> list[RiskLink]:
        return list(self.record.addresses)

    @property
    def tags(self) -> list[str]:
        return list(self.record.tags)

    @property
    def note(self) -> str | None:
        return self.record.note

    @property
    def section(self) -> str:
        """The top-level section number ("6" for 6.2.e)."""
        return self.record.id.split(".", 1)[0]

    # -- texts -------------------------------------------------------------------------------
    @property
    def texts(self) -> list[TextVersion]:
        return list(self.record.texts)

    @property
    def titles(self) -> list[TitleVersion]:
        return list(self.record.titles)

    def versions(self, lang: str) -> list[TextVersion]:
        """All wordings in `lang`, best first: by status, then overlay before shipped, then file order."""
        _check_lang(lang)
        indexed = [(i, t) for i, t in enumerate(self.record.texts) if t.lang == lang]
        indexed.sort(key=lambda it: (_RANK[it[1].status], 0 if it[1].overlay else 1, it[0]))
        return [t for _, t in indexed]

    def primary(self, lang: str) -> TextVersion | None:
        """The best wording in `lang` that has text (None if every version is missing)."""
        for version in self.versions(lang):
            if version.status != "missing":
                return version
        return None

    def text(self, lang: str) -> str | None:
        version = self.primary(lang)
        return version.text if version else None

    def text_status(self, lang: str) -> str:
        version = self.primary(lang)
        return version.status if version else "missing"

    def title(self, lang: str) -> str | None:
        version = self.primary_title(lang)
        return version.text if version else None

    def primary_title(self, lang: str) -> TitleVersion | None:
        _check_lang(lang)
        candidates = [(i, t) for i, t in enumerate(self.record.titles) if t.lang == lang]
        if not candidates:
            return None
        candidates.sort(key=lambda it: (_RANK[it[1].status], it[0]))
        return candidates[0][1]

    def shown(self, lang: str) -> Shown:
        """The primary text for a reader of `lang`, falling back to the other language (and saying so)."""
        _check_lang(lang)
        for candidate in (lang, _other(lang)):
            version = self.primary(candidate)
            if version is not None and version.text:
                return Shown(lang, with_cut_marks(version.text, version.cut), candidate, version.status, version.cut)
        return Shown(lang, None, None, "missing")

    def shown_title(self, lang: str) -> Shown:
        """The title for a reader of `lang`, falling back to the other language's (and saying so)."""
        _check_lang(lang)
        for candidate in (lang, _other(lang)):
            version = self.primary_title(candidate)
            if version is not None:
                return Shown(lang, with_cut_marks(version.text, version.cut), candidate, version.status, version.cut)
        return Shown(lang, None, None, "missing")

    def shown_label(self, lang: str, width: int = 60) -> Shown:
        """Something short to show a person: the title, else the start of the text (either in `lang`
        first, then in the other language), else the ID."""
        for shown in (self.shown_title(lang), self.shown(lang)):
            if shown.text and not shown.fallback:
                return shown.shortened(width)
        for shown in (self.shown_title(lang), self.shown(lang)):
            if shown.text:
                return shown.shortened(width)
        return Shown(lang, self.id, None, "missing")

    def label(self, lang: str, width: int = 60) -> str:
        """`shown_label` as plain text (callers that show the fallback note use `shown_label`)."""
        return self.shown_label(lang, width).text or self.id

    def with_extra_texts(self, extra: Iterable[TextVersion]) -> CatalogItem:
        record = self.record.model_copy(update={"texts": [*extra, *self.record.texts]})
        return CatalogItem(record=record, framework=self.framework)


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


@dataclass(frozen=True)
class SearchHit:
    item: CatalogItem
    lang: str
    field: str  # "text" or "title"
    status: str
    snippet: str
    score: int


@dataclass
class Catalog:
    """One framework's items (e.g. aisgf-1.0), overlays applied, in document order."""

    framework: str
    version: str
    title: dict[str, str]
    items: dict[str, CatalogItem]
    sources: dict[str, SourceRecord]
    digest: str
    overlays: list[str] = field(default_factory=list)
    preamble: list[TextVersion] = field(default_factory=list)
    _children: dict[str | None, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        children: dict[str | None, list[str]] = {}
        for item in self.items.values():
            children.setdefault(item.parent, []).append(item.id)
        self._children = children

    # -- lookup --------------------------------------------------------------------------------
    def local_id(self, item_id: str) -> str:
        """Strip this framework's prefix (``aisgf-1.0:6.2.e`` → ``6.2.e``); reject another framework's."""
        item_id = item_id.strip()
        if ":" in item_id:
            prefix, _, rest = item_id.partition(":")
            if prefix != self.framework:
                raise NotFound.coded("catalog.other_framework", where="id", ref=item_id, prefix=prefix,
                                     framework=self.framework)
            return rest
        return item_id

    def has(self, item_id: str) -> bool:
        try:
            return self.local_id(item_id) in self.items
        except NotFound:
            return False

    def get(self, item_id: str) -> CatalogItem:
        local = self.local_id(item_id)
        try:
            return self.items[local]
        except KeyError:
            raise NotFound.coded("catalog.no_item", where="id", ref=item_id, framework=self.framework) from None

    def qualify(self, item_id: str) -> str:
        return f"{self.framework}:{self.local_id(item_id)}"

    def children(self, item_id: str | None) -> list[CatalogItem]:
        """Direct children in document order; `None` gives the top-level sections."""
        if item_id is not None:
            item_id = self.get(item_id).id
        return [self.items[c] for c in self._children.get(item_id, [])]

    def descendants(self, item_id: str) -> list[CatalogItem]:
        out: list[CatalogItem] = []
        for child in self.children(item_id):
            out.append(child)
            out.extend(self.descendants(child.id))
        return out

    def expand(self, pattern: str) -> list[CatalogItem]:
        """``6.2.e`` → that item; ``4.1.2.*`` → everything under 4.1.2; ``*`` → every item.

        Rules and obligations cite patterns, so an unknown base is an error, not an empty list.
        """
        pattern = pattern.strip()
        if pattern in ("*", f"{self.framework}:*"):
            return list(self.items.values())
        if pattern.endswith(".*"):
            return self.descendants(pattern[:-2])
        return [self.get(pattern)]

    def __iter__(self) -> Iterator[CatalogItem]:
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    def sections(self) -> list[CatalogItem]:
        return self.children(None)

    # -- search -------------------------------------------------------------------------------
    def search(self, text: str, lang: str | None = None, limit: int | None = None,
               folder: Callable[[str], str] = fold) -> list[SearchHit]:
        """Find items whose titles or text versions contain the query, punctuation- and width-blind.

        A hit on the whole folded phrase ranks above a hit on all its words; titles rank above
        texts and better statuses above worse. One hit per item (its best one). `folder` folds the
        query and the texts alike (the service passes one that keeps %, _ and \\ as themselves).
        """
        if lang is not None:
            _check_lang(lang)
        needle = folder(text)
        words = [w for w in needle.split(" ") if w]
        if not needle:
            raise InvalidInput.coded("catalog.empty_search", where="q")
        best: dict[str, SearchHit] = {}
        if self.has(text):
            exact = self.get(text)
            best[exact.id] = SearchHit(exact, lang or "en", "id", exact.text_status(lang or "en"), exact.id, 1000)
        for item in self.items.values():
            fields: list[tuple[str, str, str, str]] = [("title", t.lang, t.status, t.text) for t in item.record.titles]
            fields += [("text", t.lang, t.status, t.text) for t in item.record.texts if t.text]
            for kind, tlang, status, value in fields:
                if lang and tlang != lang:
                    continue
                hay = folder(value)
                if needle in hay:
                    score = 100
                elif len(words) > 1 and all(w in hay for w in words):
                    score = 50
                else:
                    continue
                score += 10 if kind == "title" else 0
                score -= _RANK[status]
                hit = SearchHit(item, tlang, kind, status, value, score)
                prev = best.get(item.id)
                if prev is None or hit.score > prev.score:
                    best[item.id] = hit
        order = {item_id: i for i, item_id in enumerate(self.items)}
        hits = sorted(best.values(), key=lambda h: (-h.score, order[h.item.id]))
        return hits[:limit] if limit else hits
