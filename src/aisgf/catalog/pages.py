"""The catalog browser: the framework as a tree by section, search in 中文 and English, filters by
addressee and kind, and each item with every wording and its provenance.

Why read-only and here: the catalog changes only through audited overlays (`aisgf catalog import`);
the pages show what is loaded, the way `catalog.service` presents it to the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisgf.catalog import service
from aisgf.catalog.loader import load_catalog
from aisgf.catalog.model import Catalog, with_cut_marks
from aisgf.catalog.schema import ADDRESSEES, KINDS
from aisgf.catalog.schemas import CatalogItemOut
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def _catalog(request: Request) -> Catalog:
    return load_catalog(request.app.state.settings.resolved_overlay_dir)


@router.get("/catalog")
def browse(request: Request, q: str = "", role: str = "", kind: str = "", section: str = "") -> Response:
    cat = _catalog(request)
    q = q.strip()[:200]
    hits = service.search(cat, q, limit=100) if q else None
    filtered = None
    addressee, warning = service.resolve_addressee(role or None)
    if addressee or kind or section:
        filtered = service.filter_items(cat, role=addressee, kind=kind or None, section=section or None)
    return render(request, "catalog.html", cat=cat, q=q, role=addressee or "", kind=kind, section=section, hits=hits,
                  filtered=filtered, roles=ADDRESSEES, kinds=KINDS, top=cat.children(None), warning=warning)


@router.get("/catalog/items/{item_id}")
def item(request: Request, item_id: str) -> Response:
    cat = _catalog(request)
    it = cat.get(item_id)
    data = CatalogItemOut.of(it, cat).model_dump(mode="json")
    return render(request, "catalog_item.html", cat=cat, item=it, data=data, with_cut_marks=with_cut_marks,
                  children=cat.children(it.id), parent=cat.get(it.parent) if it.parent else None)
