"""The typed catalog shapes print exactly what the hand-written serializers printed (key order, keys
left out vs null), checked against an independent spelling of those serializers for every item,
every search hit and the operating model."""

from __future__ import annotations

import json
from typing import Any

from aisgf.catalog import load_catalog
from aisgf.catalog.loader import load_operating_model
from aisgf.catalog.model import Catalog, CatalogItem, SearchHit, Shown
from aisgf.catalog.schemas import CatalogItemOut, OperatingModel, SearchHitOut


def _version(d: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    d["language"] = d.pop("lang")
    src = catalog.sources.get(d["source"])
    if src is not None:
        d["source_title"] = src.title
        if "url" not in d and src.url:
            d["url"] = src.url
    return d


def _primary_source(item: CatalogItem, lang: str, catalog: Catalog) -> str | None:
    version = item.primary(lang)
    if version is None:
        return None
    src = catalog.sources.get(version.source)
    return src.title if src else version.source


def _item(item: CatalogItem, catalog: Catalog) -> dict[str, Any]:
    return {
        "id": item.qualified_id, "local_id": item.id, "framework": item.framework, "kind": item.kind,
        "parent": catalog.qualify(item.parent) if item.parent else None, "number": item.number,
        "title_zh": item.title("zh"), "title_en": item.title("en"), "text_zh": item.text("zh"),
        "text_en": item.text("en"), "status_zh": item.text_status("zh"), "status_en": item.text_status("en"),
        "addressees": item.addressees, "addressees_basis": item.addressees_basis,
        "addresses_organisations": item.addresses_organisations,
        "roles": item.addressees, "roles_basis": item.addressees_basis,
        "shown": {lang: _shown(item.shown(lang)) for lang in ("zh", "en")},
        "tags": {
            "addresses": [{"risk": catalog.qualify(link.risk), "basis": link.basis, "editorial": link.editorial,
                           **({"note": link.note} if link.note else {})} for link in item.addresses],
            "topics": item.tags,
        },
        "titles": [_version(t.model_dump(exclude_none=True), catalog) for t in item.titles],
        "texts": [_version(t.model_dump(exclude_none=True), catalog) for t in item.texts],
        "provenance": {"note": item.note, "number": item.number,
                       "primary_source_zh": _primary_source(item, "zh", catalog),
                       "primary_source_en": _primary_source(item, "en", catalog)},
    }


def _shown(shown: Shown) -> dict[str, Any]:
    return {"text": shown.text, "lang": shown.lang, "status": shown.status, "fallback": shown.fallback,
            "fallback_note": shown.note}


def _hit(hit: SearchHit) -> dict[str, Any]:
    return {"id": hit.item.qualified_id, "local_id": hit.item.id, "kind": hit.item.kind, "lang": hit.lang,
            "field": hit.field, "status": hit.status, "match": hit.snippet, "title_zh": hit.item.title("zh"),
            "title_en": hit.item.title("en"), "score": hit.score}


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_every_item_prints_as_before() -> None:
    cat = load_catalog()
    items = list(cat.items.values())
    assert len(items) > 100
    differ = [i.id for i in items if not _same(CatalogItemOut.of(i, cat).model_dump(mode="json"), _item(i, cat))]
    assert not differ, differ[:10]
    # both url cases occur, so the check covers them: a version's own url and the source's fallback
    texts = [t for i in items for t in _item(i, cat)["texts"]]
    assert any(list(t)[-1] == "url" for t in texts) and any("url" in t and list(t)[-1] != "url" for t in texts)


def test_search_hits_print_as_before() -> None:
    cat = load_catalog()
    hits = cat.search("数据", limit=50) + cat.search("personal information", lang="en", limit=50)
    assert hits
    assert all(_same(SearchHitOut.of(h).model_dump(mode="json"), _hit(h)) for h in hits)


def test_the_operating_model_prints_as_before() -> None:
    model = load_operating_model()
    data = model.model_dump(exclude_none=True)
    for element in data["elements"]:
        for link in element["implements"]:
            link["item"] = f"{model.framework}:{link['item']}"
            link["editorial"] = link["basis"] == "editorial"
    assert _same(OperatingModel.of(model).model_dump(mode="json"), data)
