"""Load the shipped framework data, apply overlays, cache the result.

Why a loader with cross-checks: the YAML schema checks one file at a time; only here can we see
that a parent is missing, an ID appears twice across files, a risk link points nowhere, or an
overlay names an item that does not exist. Frameworks sit side by side under `data/` (one
folder each, keyed by framework id such as ``aisgf-1.0``), so a 2.0 data set can be added
without touching 1.0.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aisgf.catalog.model import Catalog, CatalogItem
from aisgf.catalog.schema import (
    SECTION_FILE_TYPES,
    EvidenceToolsFile,
    FrameworkFile,
    ItemRecord,
    OperatingModelFile,
    OverlayFile,
    SourceRecord,
    TextVersion,
)
from aisgf.catalog.yamlsrc import error_at, load_file
from aisgf.errors import InvalidInput, NotFound

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_FRAMEWORK = "aisgf-1.0"
OPERATING_MODEL_FILE = DATA_DIR / "operating-model" / "operating-model.yaml"
EVIDENCE_TOOLS_FILE = DATA_DIR / "evidence-tools.yaml"


@dataclass(frozen=True)
class FrameworkData:
    """A framework as shipped, before overlays: validated items plus the bytes they came from."""

    meta: FrameworkFile
    items: tuple[ItemRecord, ...]
    blobs: tuple[tuple[str, bytes], ...]


def framework_dirs() -> dict[str, Path]:
    """Every shipped framework data folder, keyed by framework id (read from its framework.yaml).

    Frameworks first (aisgf-1.0, aisgf-2.0), then implementation layers (cn-impl-1.0), each by id.
    """
    found: list[tuple[bool, str, Path]] = []
    for meta_path in DATA_DIR.glob("*/framework.yaml"):
        meta, _ = load_file(FrameworkFile, meta_path, _rel(meta_path))
        found.append((meta.layer != "framework", meta.framework, meta_path.parent))
    return {framework: folder for _, framework, folder in sorted(found)}


def available_frameworks() -> list[str]:
    return list(framework_dirs())


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(DATA_DIR.parent))
    except ValueError:
        return str(path)


@lru_cache(maxsize=8)
def _load_base(framework: str) -> FrameworkData:
    dirs = framework_dirs()
    if framework not in dirs:
        raise NotFound.coded("catalog.no_framework", where="framework", framework=framework,
                             available=list(dirs) or "none")
    return load_framework_folder(dirs[framework])


def load_framework_folder(folder: Path) -> FrameworkData:
    """Read and cross-check one framework folder (framework.yaml plus the section files it lists)."""
    meta_path = folder / "framework.yaml"
    meta, _ = load_file(FrameworkFile, meta_path, _rel(meta_path))
    blobs: list[tuple[str, bytes]] = [(meta_path.name, meta_path.read_bytes())]
    items: list[ItemRecord] = []
    seen: dict[str, str] = {}
    risk_links: list[tuple[str, dict, tuple, str]] = []
    for name in meta.files:
        path = folder / name
        where = _rel(path)
        section_file, lines = load_file(SECTION_FILE_TYPES[meta.layer], path, where)
        blobs.append((name, path.read_bytes()))
        if section_file.framework != meta.framework:
            raise error_at(where, lines, ("framework",), f"is {section_file.framework!r}, expected {meta.framework!r}")
        for i, record in enumerate(section_file.items):
            loc = ("items", i)
            if record.id in seen:
                raise error_at(
                    where,
                    lines,
                    (*loc, "id"),
                    f"duplicate item ID {record.id!r} (already in {seen[record.id]})",
                )
            if record.id != section_file.section and not record.id.startswith(section_file.section + "."):
                raise error_at(
                    where,
                    lines,
                    (*loc, "id"),
                    f"{record.id!r} does not belong in section {section_file.section}",
                )
            if record.parent is not None and record.parent not in seen:
                raise error_at(
                    where,
                    lines,
                    (*loc, "parent"),
                    f"parent {record.parent!r} is not defined before item {record.id!r}",
                )
            if record.parent is None and "." in record.id:
                raise error_at(where, lines, (*loc, "parent"), f"item {record.id!r} needs a parent")
            for j, text in enumerate(record.texts):
                if text.source not in meta.sources:
                    raise error_at(
                        where,
                        lines,
                        (*loc, "texts", j, "source"),
                        f"unknown source {text.source!r} (defined in framework.yaml: {', '.join(meta.sources)})",
                    )
            for j, title in enumerate(record.titles):
                if title.source not in meta.sources:
                    raise error_at(where, lines, (*loc, "titles", j, "source"), f"unknown source {title.source!r}")
            for j, link in enumerate(record.addresses):
                risk_links.append((link.risk, lines, (*loc, "addresses", j, "risk"), where))
            seen[record.id] = where
            items.append(record)
    by_id = {r.id: r for r in items}
    for risk, lines, link_loc, where in risk_links:
        target = by_id.get(risk)
        if target is None:
            raise error_at(where, lines, link_loc, f"links to unknown risk {risk!r}")
        if target.kind not in ("risk", "section"):
            raise error_at(where, lines, link_loc, f"{risk!r} is a {target.kind}, not a risk")
    return FrameworkData(meta=meta, items=tuple(items), blobs=tuple(blobs))


def read_overlay(path: Path, catalog_ids: set[str], framework: str, where: str | None = None) -> OverlayFile:
    """Validate one overlay file against the catalog: schema, framework and every item ID."""
    label = where or str(path)
    overlay, lines = load_file(OverlayFile, path, label)
    if overlay.framework != framework:
        raise error_at(label, lines, ("framework",), f"is {overlay.framework!r}; this catalog is {framework!r}")
    for i, text in enumerate(overlay.texts):
        local = text.id.split(":", 1)[1] if text.id.startswith(framework + ":") else text.id
        if local not in catalog_ids:
            raise error_at(label, lines, ("texts", i, "id"), f"unknown item ID {text.id!r} in {framework}")
    return overlay


def overlay_versions(overlay: OverlayFile, name: str, framework: str) -> dict[str, list[TextVersion]]:
    out: dict[str, list[TextVersion]] = {}
    for text in overlay.texts:
        local = text.id.split(":", 1)[1] if text.id.startswith(framework + ":") else text.id
        out.setdefault(local, []).append(
            TextVersion(
                lang=text.lang,
                status=text.status,
                source=f"overlay:{name}",
                text=text.text,
                url=overlay.url,
                page=text.page,
                cut=text.cut,
                note=text.note,
                overlay=name,
            )
        )
    return out


def overlay_files(overlay_dir: Path | None) -> list[Path]:
    if overlay_dir is None or not overlay_dir.is_dir():
        return []
    return sorted(p for p in overlay_dir.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def build_catalog(framework: str = DEFAULT_FRAMEWORK, overlays: list[Path] | None = None) -> Catalog:
    """Build a fresh (uncached) catalog from the shipped data plus the given overlay files."""
    base = _load_base(framework)
    ids = {r.id for r in base.items}
    extra: dict[str, list[TextVersion]] = {}
    sources: dict[str, SourceRecord] = dict(base.meta.sources)
    digest = hashlib.sha256()
    for name, blob in base.blobs:
        digest.update(f"{framework}/{name}\n".encode())
        digest.update(hashlib.sha256(blob).digest())
    applied: list[str] = []
    for path in overlays or []:
        overlay = read_overlay(path, ids, framework)
        if overlay.framework != framework:
            continue
        for item_id, versions in overlay_versions(overlay, path.name, framework).items():
            extra.setdefault(item_id, []).extend(versions)
        sources[f"overlay:{path.name}"] = SourceRecord(title=overlay.source, url=overlay.url, note="overlay")
        digest.update(f"overlay/{path.name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
        applied.append(path.name)
    items: dict[str, CatalogItem] = {}
    for record in base.items:
        item = CatalogItem(record=record, framework=framework)
        if record.id in extra:
            item = item.with_extra_texts(extra[record.id])
        items[record.id] = item
    return Catalog(
        framework=framework,
        version=base.meta.version,
        title=dict(base.meta.title),  # type: ignore[arg-type]  # Lang keys are str
        items=items,
        sources=sources,
        digest=digest.hexdigest(),
        overlays=applied,
        preamble=list(base.meta.preamble),
    )


_cache: dict[tuple, Catalog] = {}
_cache_lock = threading.Lock()


def _default_overlay_dir() -> Path:
    """The overlay folder in force: the application context's settings (`aisgf.context`)."""
    from aisgf.context import current

    return current().overlay_dir


def load_catalog(
    overlay_dir: Path | None = None,
    *,
    framework: str = DEFAULT_FRAMEWORK,
    use_overlays: bool = True,
) -> Catalog:
    """The catalog of `framework` with the overlays in `overlay_dir` applied.

    `overlay_dir` defaults to ``settings.resolved_overlay_dir``. Results are cached per framework,
    overlay folder and the names, sizes and mtimes of its files, so an import is seen at once.
    """
    files: list[Path] = []
    key_dir = ""
    if use_overlays:
        directory = overlay_dir if overlay_dir is not None else _default_overlay_dir()
        key_dir = str(Path(directory).resolve())
        files = overlay_files(Path(directory))
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    key = (framework, key_dir, stamp)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    catalog = build_catalog(framework, files)
    with _cache_lock:
        if len(_cache) > 32:
            _cache.clear()
        _cache[key] = catalog
    return catalog


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
    _load_base.cache_clear()
    _load_operating_model_file.cache_clear()
    load_evidence_tools.cache_clear()


# --- operating model ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _load_operating_model_file() -> OperatingModelFile:
    model, lines = load_file(OperatingModelFile, OPERATING_MODEL_FILE, _rel(OPERATING_MODEL_FILE))
    catalog = build_catalog(model.framework, [])
    seen: set[str] = set()
    where = _rel(OPERATING_MODEL_FILE)
    for i, element in enumerate(model.elements):
        if element.id in seen:
            raise error_at(where, lines, ("elements", i, "id"), f"duplicate element ID {element.id!r}")
        seen.add(element.id)
        for j, link in enumerate(element.implements):
            try:
                catalog.expand(link.item)
            except NotFound as exc:
                raise error_at(
                    where,
                    lines,
                    ("elements", i, "implements", j, "item"),
                    f"unknown framework item {link.item!r}",
                ) from exc
        for j, text in enumerate([*element.title, *element.texts]):
            if text.source not in model.sources:
                raise error_at(where, lines, ("elements", i), f"text {j}: unknown source {text.source!r}")
    return model


def load_operating_model() -> OperatingModelFile:
    """The seed's operating model (intake questions, tiers, lanes, practices), cross-checked."""
    return _load_operating_model_file()


@lru_cache(maxsize=1)
def load_evidence_tools() -> EvidenceToolsFile:
    """Which obligations each tool's report is evidence for (`data/evidence-tools.yaml`), cross-checked.

    Data, not a constant in the tool: the screener and the label checker know nothing of the
    framework's obligations; the registry asks this file where their reports belong.
    """
    model, lines = load_file(EvidenceToolsFile, EVIDENCE_TOOLS_FILE, _rel(EVIDENCE_TOOLS_FILE))
    catalog = build_catalog(model.framework, [])
    where = _rel(EVIDENCE_TOOLS_FILE)
    for tool, spec in model.tools.items():
        for j, item in enumerate(spec.obligations):
            if not catalog.has(item):
                raise error_at(where, lines, ("tools", tool, "obligations", j), f"unknown framework item {item!r}")
            if not catalog.get(item).addresses_organisations:
                raise error_at(where, lines, ("tools", tool, "obligations", j),
                               f"{item} is addressed to the state or the public, not an obligation a report can meet")
    return model


def check_overlay(path: Path, framework: str = DEFAULT_FRAMEWORK) -> OverlayFile:
    """Validate an overlay file without applying it (used by import before copying)."""
    base = _load_base(framework)
    if not path.is_file():
        raise InvalidInput(f"overlay file not found: {path}", where=str(path))
    return read_overlay(path, {r.id for r in base.items}, framework)
