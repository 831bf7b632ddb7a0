"""REST routes for the catalog under /api/catalog (read-only).

Why read-only here: overlays change what counts as the official text, so they go through
`aisgf catalog import`, which validates, copies atomically and writes the audit event. Every
route only parses the query, calls `catalog.service` and returns its dicts; unknown IDs raise
`NotFound`, which the app turns into an RFC 9457 problem.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from aisgf.catalog import service
from aisgf.catalog.loader import load_catalog
from aisgf.catalog.model import Catalog
from aisgf.catalog.oscal import export_oscal

router = APIRouter(prefix="/api/catalog", tags=["catalog"])


def _catalog(request: Request) -> Catalog:
    settings = getattr(request.app.state, "settings", None)
    return load_catalog(settings.resolved_overlay_dir if settings is not None else None)


@router.get("")
def catalog_info(request: Request) -> dict[str, Any]:
    """Which framework and data version is loaded, its digest and overlays."""
    cat = _catalog(request)
    return {
        "framework": cat.framework,
        "version": cat.version,
        "digest": cat.digest,
        "title": cat.title,
        "items": len(cat),
        "overlays": cat.overlays,
    }


@router.get("/items")
def list_items(
    request: Request,
    section: str | None = Query(None, description="Section and everything under it, e.g. 6.2"),
    role: str | None = Query(None, description="developer, provider, key_sector_user, public, regulator"),
    kind: str | None = Query(None, description="principle, section, risk, countermeasure, measure, guideline"),
    lang: Literal["zh", "en"] | None = Query(None, description="Only items with some text in this language"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    cat = _catalog(request)
    items = service.filter_items(cat, section=section, role=role, kind=kind, lang=lang)
    page = items[offset : offset + limit]
    return {
        "items": [service.item_dict(i, cat) for i in page],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }


@router.get("/items/{item_id}")
def get_item(request: Request, item_id: str) -> dict[str, Any]:
    """One item by ID (``6.2.e`` or ``aisgf-1.0:6.2.e``), with its children's IDs."""
    cat = _catalog(request)
    item = cat.get(item_id)
    data = service.item_dict(item, cat)
    data["children"] = [c.qualified_id for c in cat.children(item.id)]
    return data


@router.get("/search")
def search(
    request: Request,
    q: str = Query(..., min_length=1, description="Chinese or English; punctuation and width do not matter"),
    lang: Literal["zh", "en"] | None = None,
    limit: int = Query(20, ge=1, le=200),
) -> dict[str, Any]:
    cat = _catalog(request)
    hits = cat.search(q, lang=lang, limit=limit)
    return {"q": q, "items": [service.hit_dict(h, cat) for h in hits], "total": len(hits)}


@router.get("/coverage")
def coverage(request: Request) -> dict[str, Any]:
    return service.coverage(_catalog(request))


@router.get("/export")
def export(request: Request, format: Literal["json", "oscal"] = "json") -> Any:
    cat = _catalog(request)
    return service.export_json(cat) if format == "json" else export_oscal(cat)


@router.get("/operating-model")
def operating_model() -> dict[str, Any]:
    return service.operating_model_dict()
