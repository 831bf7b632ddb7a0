"""Typed shapes of what the catalog gives out: items, search hits, coverage, the operating model, OSCAL.

Why typed models instead of hand-built dicts: the REST API declares them as response models, so the
OpenAPI document describes every field, and the CLI's `--json`, the export and the pages print the
same models with `model_dump(mode="json")`, so the shape is written once. Field order is the order
people have always seen in the JSON; a field marked `_omit` is left out when it has no value (the
export never printed `null` for those), everything else prints `null` when empty.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aisgf.catalog.model import Catalog, CatalogItem, SearchHit, Shown
from aisgf.catalog.schema import ImplementsLink, OMElement, OMText, OperatingModelFile, RiskLink, SourceRecord


def _none(value: Any) -> bool:
    return value is None


def _empty(value: Any) -> bool:
    return not value


def _omit(**kw: Any) -> Any:
    """A field left out of the JSON when it is None (as the export always did), documented as optional."""
    return Field(default=None, exclude_if=_none, **kw)


class _Out(BaseModel):
    # by alias everywhere, so `model_dump` and the API print the same key names
    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)


# --------------------------------------------------------------------------- items


class RiskLinkOut(_Out):
    """A risk the item answers, and on what basis (``editorial``: aisgf's reading, not the framework's)."""

    risk: str = Field(description="qualified risk ID, e.g. aisgf-1.0:3.1.1.b")
    basis: str
    editorial: bool
    note: str | None = Field(default=None, exclude_if=_empty)

    @classmethod
    def of(cls, link: RiskLink, catalog: Catalog) -> RiskLinkOut:
        return cls(risk=catalog.qualify(link.risk), basis=link.basis, editorial=link.editorial, note=link.note)


class TagsOut(_Out):
    addresses: list[RiskLinkOut]
    topics: list[str]


#: Both `url` fields print as `url`: the version's own address where it has one (in its place), else
#: its source's (after `source_title`), which is where the export has always put them.
_URL = "the version's own address, else its source's"


def _source_extras(source: str, has_url: bool, catalog: Catalog) -> dict[str, Any]:
    src = catalog.sources.get(source)
    if src is None:
        return {}
    return {"source_title": src.title, "source_url": None if has_url else src.url}


class TitleOut(_Out):
    """One heading version with its provenance; ``url`` falls back to the source's address."""

    text: str
    status: str
    source: str
    url: str | None = _omit(description=_URL)
    cut: str | None = _omit()
    language: str
    source_title: str | None = _omit()
    source_url: str | None = _omit(serialization_alias="url", description=_URL)

    @classmethod
    def of(cls, t: Any, catalog: Catalog) -> TitleOut:
        return cls(text=t.text, status=t.status, source=t.source, url=t.url, cut=t.cut, language=t.lang,
                   **_source_extras(t.source, t.url is not None, catalog))


class TextOut(_Out):
    """One text version with its provenance; ``url`` falls back to the source's address."""

    status: str
    source: str
    text: str | None = _omit()
    url: str | None = _omit(description=_URL)
    page: int | None = _omit()
    cut: str | None = _omit()
    note: str | None = _omit()
    overlay: str | None = _omit(description="the overlay file the version comes from")
    language: str
    source_title: str | None = _omit()
    source_url: str | None = _omit(serialization_alias="url", description=_URL)

    @classmethod
    def of(cls, t: Any, catalog: Catalog) -> TextOut:
        return cls(status=t.status, source=t.source, text=t.text, url=t.url, page=t.page, cut=t.cut, note=t.note,
                   overlay=t.overlay, language=t.lang, **_source_extras(t.source, t.url is not None, catalog))


class ProvenanceOut(_Out):
    note: str | None
    number: str
    primary_source_zh: str | None
    primary_source_en: str | None


class ShownOut(_Out):
    """What a reader of one language is shown: the text, in which language, and a note if it is the other one."""

    text: str | None = Field(description="as displayed: a cut excerpt starts or ends with …")
    lang: str | None = Field(description="language of the text shown (None: no text in either language)")
    status: str
    fallback: bool = Field(description="true when the asked language has no text and the other one is shown")
    fallback_note: str | None = Field(description="仅有英文文本 / Chinese text only, when fallback is true")

    @classmethod
    def of(cls, shown: Shown) -> ShownOut:
        return cls(text=shown.text, lang=shown.lang, status=shown.status, fallback=shown.fallback,
                   fallback_note=shown.note)


def _primary_source(item: CatalogItem, lang: str, catalog: Catalog) -> str | None:
    version = item.primary(lang)
    if version is None:
        return None
    src = catalog.sources.get(version.source)
    return src.title if src else version.source


class CatalogItemOut(_Out):
    """The export shape of one item: qualified IDs, both primary texts, every version with its
    provenance, and the risk links with their basis."""

    id: str = Field(description="qualified ID, e.g. aisgf-1.0:6.2.e")
    local_id: str
    framework: str
    kind: str
    parent: str | None
    number: str = Field(description="confirmed, inferred or assigned")
    title_zh: str | None
    title_en: str | None
    text_zh: str | None
    text_en: str | None
    status_zh: str
    status_en: str
    addressees: list[str] = Field(description="state, developer, provider, key_sector_user, public")
    addressees_basis: str | None = Field(description="framework_text, official_table or editorial")
    addresses_organisations: bool = Field(description="addressed to a developer, provider or key-sector user")
    roles: list[str] = Field(description="deprecated: the same list as addressees")
    roles_basis: str | None = Field(description="deprecated: the same as addressees_basis")
    shown: dict[str, ShownOut] = Field(description="per reader language (zh, en): the text shown, with the "
                                       "fallback to the other language marked")
    tags: TagsOut
    titles: list[TitleOut]
    texts: list[TextOut]
    provenance: ProvenanceOut

    @classmethod
    def of(cls, item: CatalogItem, catalog: Catalog) -> CatalogItemOut:
        return cls(**cls._fields_of(item, catalog))

    @staticmethod
    def _fields_of(item: CatalogItem, catalog: Catalog) -> dict[str, Any]:
        return {
            "id": item.qualified_id, "local_id": item.id, "framework": item.framework, "kind": item.kind,
            "parent": catalog.qualify(item.parent) if item.parent else None, "number": item.number,
            "title_zh": item.title("zh"), "title_en": item.title("en"),
            "text_zh": item.text("zh"), "text_en": item.text("en"),
            "status_zh": item.text_status("zh"), "status_en": item.text_status("en"),
            "addressees": item.addressees, "addressees_basis": item.addressees_basis,
            "addresses_organisations": item.addresses_organisations,
            "roles": item.addressees, "roles_basis": item.addressees_basis,
            "shown": {lang: ShownOut.of(item.shown(lang)) for lang in ("zh", "en")},
            "tags": TagsOut(addresses=[RiskLinkOut.of(link, catalog) for link in item.addresses], topics=item.tags),
            "titles": [TitleOut.of(t, catalog) for t in item.titles],
            "texts": [TextOut.of(t, catalog) for t in item.texts],
            "provenance": ProvenanceOut(note=item.note, number=item.number,
                                        primary_source_zh=_primary_source(item, "zh", catalog),
                                        primary_source_en=_primary_source(item, "en", catalog)),
        }


class CatalogItemDetail(CatalogItemOut):
    """One item as `GET /api/catalog/items/{id}` gives it: the export shape plus its children's IDs."""

    children: list[str]

    @classmethod
    def of(cls, item: CatalogItem, catalog: Catalog) -> CatalogItemDetail:
        return cls(**cls._fields_of(item, catalog), children=[c.qualified_id for c in catalog.children(item.id)])


class ItemsPage(_Out):
    items: list[CatalogItemOut]
    total: int
    limit: int
    offset: int
    warnings: list[str] = Field(default_factory=list, description="e.g. a deprecated filter value that was accepted")


class SearchHitOut(_Out):
    id: str
    local_id: str
    kind: str
    lang: str
    field: str = Field(description="text or title")
    status: str
    match: str = Field(description="the matching snippet")
    title_zh: str | None
    title_en: str | None
    score: int

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        return cls(id=hit.item.qualified_id, local_id=hit.item.id, kind=hit.item.kind, lang=hit.lang,
                   field=hit.field, status=hit.status, match=hit.snippet, title_zh=hit.item.title("zh"),
                   title_en=hit.item.title("en"), score=hit.score)


class SearchResult(_Out):
    q: str
    items: list[SearchHitOut]
    total: int


class CatalogInfo(_Out):
    """Which framework and data version is loaded, its digest and overlays."""

    framework: str
    version: str
    digest: str
    title: dict[str, str]
    items: int
    overlays: list[str]
    frameworks: list[str] = Field(default_factory=list, description="every shipped framework (coverage?framework=…)")

    @classmethod
    def of(cls, catalog: Catalog, frameworks: list[str] | None = None) -> CatalogInfo:
        return cls(framework=catalog.framework, version=catalog.version, digest=catalog.digest,
                   title=catalog.title, items=len(catalog), overlays=catalog.overlays, frameworks=frameworks or [])


# --------------------------------------------------------------------------- coverage


class CoverageSection(_Out):
    section: str
    title: str | None
    lang: str
    items: int
    counts: dict[str, int] = Field(description="items by primary-text status")


class CoverageTotal(_Out):
    scope: str = Field(description="all: every entry; items: numbered items only (kind != section)")
    lang: str
    items: int
    counts: dict[str, int]


class Coverage(_Out):
    framework: str
    version: str
    digest: str
    in_force: bool = Field(description="true for the framework the decisions (intake, obligations) cite")
    overlays: list[str]
    statuses: list[str]
    sections: list[CoverageSection]
    totals: list[CoverageTotal]


class CoverageReport(_Out):
    """Coverage of every shipped framework, and which one the decisions use."""

    decisions_use: str = Field(description="framework the intake decisions cite, e.g. aisgf-1.0")
    decisions_version: str = Field(description="data version of that framework's catalog")
    frameworks: list[Coverage]


# --------------------------------------------------------------------------- operating model


class SourceOut(_Out):
    title: str
    url: str | None = _omit()
    note: str | None = _omit()

    @classmethod
    def of(cls, src: SourceRecord) -> SourceOut:
        return cls(title=src.title, url=src.url, note=src.note)


class ImplementsOut(_Out):
    item: str = Field(description="qualified framework item ID (or pattern)")
    basis: str
    note: str | None = _omit()
    editorial: bool

    @classmethod
    def of(cls, link: ImplementsLink, framework: str) -> ImplementsOut:
        return cls(item=f"{framework}:{link.item}", basis=link.basis, note=link.note,
                   editorial=link.basis == "editorial")


class OMElementOut(_Out):
    id: str
    kind: str
    title: list[OMText]
    texts: list[OMText]
    implements: list[ImplementsOut]
    attributes: dict[str, str | int | list[str]]
    note: str | None = _omit()

    @classmethod
    def of(cls, el: OMElement, framework: str) -> OMElementOut:
        return cls(id=el.id, kind=el.kind, title=el.title, texts=el.texts,
                   implements=[ImplementsOut.of(i, framework) for i in el.implements], attributes=el.attributes,
                   note=el.note)


class OperatingModel(_Out):
    """The seed's operating model (intake questions, tiers, lanes, practices, scenarios): not framework text."""

    catalog: str
    version: str
    framework: str
    description: str
    statuses: dict[str, str]
    sources: dict[str, SourceOut]
    elements: list[OMElementOut]

    @classmethod
    def of(cls, model: OperatingModelFile) -> OperatingModel:
        return cls(catalog=model.catalog, version=model.version, framework=model.framework,
                   description=model.description, statuses=model.statuses,
                   sources={k: SourceOut.of(v) for k, v in model.sources.items()},
                   elements=[OMElementOut.of(e, model.framework) for e in model.elements])


# --------------------------------------------------------------------------- OSCAL


class OscalMetadata(_Out):
    title: str
    last_modified: str = Field(alias="last-modified")
    version: str
    oscal_version: str = Field(alias="oscal-version")
    props: list[dict[str, str]]
    remarks: str


class OscalBackMatter(_Out):
    resources: list[dict[str, Any]]


class OscalCatalog(_Out):
    uuid: str
    metadata: OscalMetadata
    groups: list[dict[str, Any]] = Field(description="one OSCAL group per top-level section, controls inside")
    back_matter: OscalBackMatter = Field(alias="back-matter")


class OscalDocument(_Out):
    """An OSCAL 1.x catalog document (``{"catalog": …}``)."""

    catalog: OscalCatalog
