"""REST routes for the catalog under /api/catalog (read-only).

Why read-only here: overlays change what counts as the official text, so they go through
`aisgf catalog import`, which validates, copies atomically and writes the audit event. Every
route only parses the query, calls `catalog.service` and returns the typed shapes of
`catalog.schemas` (the OpenAPI document describes each); unknown IDs raise `NotFound`, which the
app turns into an RFC 9457 problem.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Request

from aisgf.catalog import service
from aisgf.catalog.loader import available_frameworks, load_catalog
from aisgf.catalog.model import Catalog
from aisgf.catalog.oscal import export_oscal
from aisgf.catalog.schema import ADDRESSEES, DEPRECATED_ADDRESSEES, KINDS
from aisgf.catalog.schemas import (
    CatalogInfo,
    CatalogItemDetail,
    CatalogItemOut,
    Coverage,
    ItemsPage,
    OperatingModel,
    OscalDocument,
    SearchHitOut,
    SearchResult,
)
from aisgf.errors import MAX_JSON_INT, MAX_PAGE
from aisgf.web.schemas import problems

router = APIRouter(prefix="/api/catalog", tags=["catalog"], responses=problems(401, 403, 422, 503))


def _catalog(request: Request) -> Catalog:
    settings = getattr(request.app.state, "settings", None)
    return load_catalog(settings.resolved_overlay_dir if settings is not None else None)


@router.get("", response_model=CatalogInfo)
def catalog_info(request: Request) -> CatalogInfo:
    """Which framework and data version is loaded, its digest and overlays."""
    return CatalogInfo.of(_catalog(request), available_frameworks())


@router.get("/items", response_model=ItemsPage, responses=problems(404))
def list_items(
    request: Request,
    section: str | None = Query(None, max_length=100, description="Section and everything under it, e.g. 6.2 "
                                "(an unknown section is a 404)"),
    role: str | None = Query(
        None,
        description="Only items addressed to: state, developer, provider, key_sector_user, public "
        "(regulator: deprecated name of state, answered with a warning; empty: every addressee)",
        json_schema_extra={"enum": [*ADDRESSEES, *DEPRECATED_ADDRESSEES, ""]},
    ),
    kind: str | None = Query(None, description="principle, section, risk, countermeasure, measure, guideline",
                             json_schema_extra={"enum": list(KINDS)}),
    lang: Literal["zh", "en"] | None = Query(None, description="Only items with some text in this language"),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_JSON_INT),
) -> ItemsPage:
    cat = _catalog(request)
    _, warning = service.resolve_addressee(role)
    items = service.filter_items(cat, section=section, role=role, kind=kind, lang=lang)
    page = items[offset : offset + limit]
    return ItemsPage(items=[CatalogItemOut.of(i, cat) for i in page], total=len(items), limit=limit, offset=offset,
                     warnings=[warning] if warning else [])


@router.get("/items/{item_id}", response_model=CatalogItemDetail, responses=problems(404))
def get_item(request: Request, item_id: str = Path(max_length=200)) -> CatalogItemDetail:
    """One item by ID (``6.2.e`` or ``aisgf-1.0:6.2.e``), with its children's IDs."""
    cat = _catalog(request)
    return CatalogItemDetail.of(cat.get(item_id), cat)


@router.get("/search", response_model=SearchResult)
def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=200,
                   description="Chinese or English; punctuation and width do not matter, except that %, _ and \\ "
                   "are searched for as themselves. A query of other punctuation only finds nothing."),
    lang: Literal["zh", "en"] | None = None,
    limit: int = Query(20, ge=1, le=200),
) -> SearchResult:
    cat = _catalog(request)
    hits = service.search(cat, q, lang=lang, limit=limit)
    return SearchResult(q=q, items=[SearchHitOut.of(h) for h in hits], total=len(hits))


@router.get("/coverage", response_model=Coverage, responses=problems(404))
def coverage(
    request: Request,
    framework: str | None = Query(None, max_length=100,
                                  description="e.g. aisgf-2.0; default: the framework decisions use (an unknown "
                                  "framework is a 404)"),
) -> Coverage:
    """Coverage of one framework's texts; ``in_force`` says whether decisions use it."""
    cat = _catalog(request)
    if framework is None or framework == cat.framework:
        return service.coverage(cat)
    return service.coverage(load_catalog(framework=framework, use_overlays=False))


@router.get("/export", response_model=list[CatalogItemOut] | OscalDocument)
def export(request: Request, format: Literal["json", "oscal"] = "json") -> list[CatalogItemOut] | OscalDocument:
    """The whole catalog: a flat item list (``json``) or an OSCAL catalog document (``oscal``)."""
    cat = _catalog(request)
    if format == "json":
        return service.export_json(cat)
    return OscalDocument.model_validate(export_oscal(cat))


@router.get("/operating-model", response_model=OperatingModel)
def operating_model() -> OperatingModel:
    return service.operating_model()
