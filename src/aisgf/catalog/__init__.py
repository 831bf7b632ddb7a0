"""The framework as data: bilingual, versioned, with provenance for every wording.

Public API (other concerns depend on it)::

    from aisgf.catalog import load_catalog, Catalog, CatalogItem
    cat = load_catalog()                 # overlays from settings.resolved_overlay_dir
    item = cat.get("6.2.e")              # or "aisgf-1.0:6.2.e"; NotFound if unknown
    item.qualified_id, item.text("zh"), item.text_status("en"), item.addressees
    cat.expand("4.1.2.*"), cat.search("核生化导武器")
    load_operating_model()               # the seed's intake questions, tiers, lanes, practices
"""

from aisgf.catalog.loader import (
    DEFAULT_FRAMEWORK,
    available_frameworks,
    build_catalog,
    clear_cache,
    load_catalog,
    load_operating_model,
)
from aisgf.catalog.model import Catalog, CatalogItem, SearchHit
from aisgf.catalog.schema import ADDRESSEES, KINDS, LANGS, ROLES, STATUS_ORDER, TextVersion

__all__ = [
    "ADDRESSEES",
    "DEFAULT_FRAMEWORK",
    "KINDS",
    "LANGS",
    "ROLES",
    "STATUS_ORDER",
    "Catalog",
    "CatalogItem",
    "SearchHit",
    "TextVersion",
    "available_frameworks",
    "build_catalog",
    "clear_cache",
    "load_catalog",
    "load_operating_model",
]
