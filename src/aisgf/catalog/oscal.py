"""Export the catalog as an OSCAL catalog (OSCAL 1.2.1, as modelled by compliance-trestle 5.2).

Why OSCAL: GRC tools ingest controls as OSCAL; publishing the framework this way lets an
organisation map its existing control library onto TC260 items without copying text by hand.
Sections become groups, numbered items become controls; both languages are statement sub-parts
that carry their status and source as props, and risk links are `addresses` links. UUIDs are
uuid5 values derived from the framework id, the item ID and the catalog digest, so the same data
always gives the same file (and changed data a new document UUID).
"""

from __future__ import annotations

import uuid
from typing import Any

from aisgf.catalog.model import Catalog, CatalogItem
from aisgf.catalog.schema import LANGS

OSCAL_VERSION = "1.2.1"
NS = "https://aisgf.dev/ns/oscal"
_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://aisgf.dev/oscal")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUID_NS, "/".join(parts)))


def _token(prefix: str, item_id: str) -> str:
    # OSCAL ids are tokens that must start with a letter; "6.2.e" becomes "item-6.2.e".
    return f"{prefix}-{item_id}"


def _prop(name: str, value: str, *, ns: bool = True, cls: str | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "value": value}
    if ns:
        p["ns"] = NS
    if cls:
        p["class"] = cls
    return p


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _title(item: CatalogItem) -> str:
    en, zh = item.title("en"), item.title("zh")
    if en and zh:
        return _one_line(f"{zh} / {en}")
    if en or zh:
        return _one_line(en or zh or "")
    return _one_line(f"{item.id} {item.label('en', 80)}")


def _href(catalog: Catalog, target_id: str) -> str:
    target = catalog.get(target_id)
    return "#" + _token("sec" if target.kind == "section" else "item", target.id)


def _statement(catalog: Catalog, item: CatalogItem, base: str) -> dict[str, Any] | None:
    parts: list[dict[str, Any]] = []
    for lang in LANGS:
        for n, version in enumerate(item.versions(lang)):
            if version.status == "missing":
                continue
            props = [
                _prop("lang", lang),
                _prop("text-status", version.status),
                _prop(
                    "source",
                    catalog.sources[version.source].title if version.source in catalog.sources else version.source,
                ),
                _prop("primary", "true" if version is item.primary(lang) else "false"),
            ]
            if version.cut:
                props.append(_prop("cut", version.cut))
            if version.page:
                props.append(_prop("page", str(version.page)))
            part: dict[str, Any] = {
                "id": f"{base}_smt.{lang}.{n + 1}",
                "name": "item",
                "ns": NS,
                "props": props,
                "prose": version.text,
            }
            if version.url:
                part["links"] = [{"href": version.url, "rel": "reference"}]
            parts.append(part)
    if not parts:
        return None
    return {"id": f"{base}_smt", "name": "statement", "parts": parts}


def _common_props(item: CatalogItem) -> list[dict[str, Any]]:
    props = [
        _prop("label", item.id, ns=False),
        _prop("qualified-id", item.qualified_id),
        _prop("kind", item.kind),
        _prop("number", item.number),
    ]
    # the class carries why the catalog says so (framework_text, official_table or editorial)
    props += [_prop("addressee", who, cls=item.addressees_basis) for who in item.addressees]
    props += [_prop("text-status", item.text_status(lang), cls=lang) for lang in LANGS]
    props += [_prop("tag", tag) for tag in item.tags]
    return props


def _parts(catalog: Catalog, item: CatalogItem, base: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    statement = _statement(catalog, item, base)
    if statement:
        parts.append(statement)
    if item.note:
        parts.append({"id": f"{base}_prov", "name": "provenance", "ns": NS, "prose": item.note})
    return parts


def _links(catalog: Catalog, item: CatalogItem) -> list[dict[str, Any]]:
    return [
        {"href": _href(catalog, link.risk), "rel": "addresses", "text": f"basis: {link.basis}"}
        for link in item.addresses
    ]


def _control(catalog: Catalog, item: CatalogItem) -> dict[str, Any]:
    base = _token("item", item.id)
    control: dict[str, Any] = {
        "id": base,
        "class": item.kind,
        "title": _title(item),
        "props": _common_props(item),
    }
    links = _links(catalog, item)
    if links:
        control["links"] = links
    parts = _parts(catalog, item, base)
    if parts:
        control["parts"] = parts
    children = [_control(catalog, c) for c in catalog.children(item.id) if c.kind != "section"]
    if children:
        control["controls"] = children
    return control


def _group(catalog: Catalog, section: CatalogItem) -> dict[str, Any]:
    base = _token("sec", section.id)
    group: dict[str, Any] = {
        "id": base,
        "class": "section",
        "title": _title(section),
        "props": _common_props(section),
    }
    links = _links(catalog, section)
    if links:
        group["links"] = links
    parts = _parts(catalog, section, base)
    if parts:
        group["parts"] = parts
    groups = [_group(catalog, c) for c in catalog.children(section.id) if c.kind == "section"]
    controls = [_control(catalog, c) for c in catalog.children(section.id) if c.kind != "section"]
    if groups and controls:
        # OSCAL 1.2 lets a group hold sub-groups or controls, not both; keep the items in their own group.
        groups.append({"id": f"{base}-items", "class": "items", "title": f"{section.id} items", "controls": controls})
        controls = []
    if groups:
        group["groups"] = groups
    if controls:
        group["controls"] = controls
    return group


def export_oscal(catalog: Catalog, *, released: str = "2026-11-28T00:00:00+00:00") -> dict[str, Any]:
    """The whole catalog as an OSCAL catalog document (``{"catalog": …}``)."""
    resources = [
        {
            "uuid": _uuid(catalog.framework, "source", key),
            "title": _one_line(src.title),
            "props": [_prop("source-key", key)],
            **({"rlinks": [{"href": src.url}]} if src.url else {}),
        }
        for key, src in catalog.sources.items()
    ]
    title = catalog.title.get("en", catalog.framework)
    if catalog.title.get("zh"):
        title = f"{catalog.title['zh']} / {title}"
    return {
        "catalog": {
            "uuid": _uuid(catalog.framework, "catalog", catalog.digest),
            "metadata": {
                "title": f"{title} ({catalog.framework})",
                "last-modified": released,
                "version": catalog.version,
                "oscal-version": OSCAL_VERSION,
                "props": [
                    _prop("framework-id", catalog.framework),
                    _prop("catalog-digest", catalog.digest),
                    *[_prop("overlay", name) for name in catalog.overlays],
                ],
                "remarks": (
                    "Every text carries its status (official, official_excerpt, close_paraphrase, "
                    "third_party_translation, secondary, commentary) and source as props; each item's "
                    "addressees (state, developer, provider, key_sector_user, public) are 'addressee' props "
                    "whose class is the basis; risk links and addressees with basis 'editorial' are "
                    "aisgf's reading, not the framework's."
                ),
            },
            "groups": [_group(catalog, s) for s in catalog.sections()],
            "back-matter": {"resources": resources},
        }
    }
