"""Catalog services: filtering, coverage, JSON export and overlay import.

Why here and not in the CLI or the routes: the CLI, the REST API and other concerns (reports,
intake) ask the same questions of the catalog, and an import must always validate, copy
atomically and append its audit event in one place, whatever the entry point.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisgf.catalog.loader import (
    DEFAULT_FRAMEWORK,
    available_frameworks,
    check_overlay,
    load_catalog,
    load_operating_model,
)
from aisgf.catalog.model import Catalog, CatalogItem, SearchHit
from aisgf.catalog.normalize import fold
from aisgf.catalog.schema import ADDRESSEES, DEPRECATED_ADDRESSEES, KINDS, LANGS, STATUS_ORDER, TextVersion
from aisgf.catalog.schemas import (
    CatalogItemOut,
    Coverage,
    CoverageReport,
    CoverageSection,
    CoverageTotal,
    OperatingModel,
)
from aisgf.errors import InvalidInput

#: The statuses a framework text can have (the coverage columns). `editorial` is aisgf's own
#: wording and never stands for framework text; `commentary` does where the seed describes an item
#: whose text no source holds (4.1.2(a)); `secondary` is what framework 2.0 mostly has.
FRAMEWORK_STATUSES: tuple[str, ...] = tuple(s for s in STATUS_ORDER if s != "editorial")


def _check_choice(value: str | None, accepted: tuple[str, ...], field: str) -> None:
    if value is not None and value not in accepted:
        raise InvalidInput.coded("catalog.unknown_choice", where=field, field=field, value=value,
                                 accepted=list(accepted))


def resolve_addressee(value: str | None, field: str = "role") -> tuple[str | None, str | None]:
    """The addressee a filter asks for, and a deprecation message if it used an old name.

    ``regulator`` (before the rename) still works and means ``state``, so a saved link or a script
    keeps finding the same items, but the caller is told to move over.
    """
    if value is None or value == "":
        return None, None
    if value in DEPRECATED_ADDRESSEES:
        new = DEPRECATED_ADDRESSEES[value]
        return new, (
            f"{field} {value!r} is deprecated and now means {new!r} (items addressed to the government side); "
            f"use {new!r}"
        )
    _check_choice(value, ADDRESSEES, field)
    return value, None


def filter_items(
    catalog: Catalog,
    *,
    section: str | None = None,
    role: str | None = None,
    kind: str | None = None,
    lang: str | None = None,
) -> list[CatalogItem]:
    """Items in document order. `role` keeps items addressed to that addressee (``regulator`` is
    read as ``state``, see `resolve_addressee`); `section` keeps the section and everything under
    it; `lang` keeps items that have some (non-missing) text in that language."""
    role, _ = resolve_addressee(role)
    _check_choice(kind, KINDS, "kind")
    _check_choice(lang, LANGS, "lang")
    items = list(catalog.items.values())
    if section:
        base = catalog.get(section)
        keep = {base.id} | {d.id for d in catalog.descendants(base.id)}
        items = [i for i in items if i.id in keep]
    if role:
        items = [i for i in items if role in i.addressees]
    if kind:
        items = [i for i in items if i.kind == kind]
    if lang:
        items = [i for i in items if i.text_status(lang) != "missing"]
    return items


#: Characters a search takes as themselves. Other punctuation is folded away (`normalize.fold`), but
#: someone who types "100%", "a_b" or a backslash looks for exactly that, not for "100" or "a b" —
#: and these are the wildcard and escape characters of SQL LIKE, which must never match everything.
LITERAL_CHARACTERS = "%_\\"
# Stand-ins from the private use area: `fold` keeps them (they are not punctuation) and no text has them.
_TO_STAND_IN = str.maketrans({c: chr(0xE000 + i) for i, c in enumerate(LITERAL_CHARACTERS)})


def _fold_literal(text: str) -> str:
    # NFKC first, so the full-width forms (％ ＿ ＼) are the same characters as the ASCII ones.
    return fold(unicodedata.normalize("NFKC", text).translate(_TO_STAND_IN))


def search(catalog: Catalog, text: str, *, lang: str | None = None, limit: int | None = None) -> list[SearchHit]:
    """Search the catalog (`Catalog.search`: punctuation- and width-blind), except that %, _ and \\ in
    the query are searched for literally, as characters the text must contain. A query of other
    punctuation only looks for nothing, and finds nothing."""
    _check_choice(lang, LANGS, "lang")
    if not _fold_literal(text):
        return []
    literal = any(c in unicodedata.normalize("NFKC", text) for c in LITERAL_CHARACTERS)
    return catalog.search(text, lang=lang, limit=limit, folder=_fold_literal if literal else fold)


def export_json(catalog: Catalog) -> list[CatalogItemOut]:
    """Flat list of every item, document order; IDs carry the framework (``aisgf-1.0:6.2.e``)."""
    return [CatalogItemOut.of(i, catalog) for i in catalog.items.values()]


def _preamble_status(versions: list[TextVersion], lang: str) -> str:
    ranked = sorted((v for v in versions if v.lang == lang), key=lambda v: STATUS_ORDER.index(v.status))
    return next((v.status for v in ranked if v.status != "missing"), "missing")


def coverage(catalog: Catalog) -> Coverage:
    """How good the texts are: per top-level section and language, items by primary-text status.

    This is the honest answer to "how much of the framework do we have verbatim?" and is what an
    overlay import improves. Section rows count every entry (headings and lead-ins included); the
    preamble (text before section 1, not an item) is a row of its own, outside the totals; the
    totals are given twice, for all items and for numbered items only (kind != section).
    """

    def count(items: list[CatalogItem], lang: str) -> dict[str, int]:
        counts = dict.fromkeys(FRAMEWORK_STATUSES, 0)
        for item in items:
            status = item.text_status(lang)
            counts[status] = counts.get(status, 0) + 1
        return counts

    sections: list[CoverageSection] = []
    if catalog.preamble:
        for lang in LANGS:
            counts = dict.fromkeys(FRAMEWORK_STATUSES, 0)
            counts[_preamble_status(catalog.preamble, lang)] += 1
            sections.append(CoverageSection(section="preamble", title=None, lang=lang, items=1, counts=counts))
    for top in catalog.sections():
        members = [top, *catalog.descendants(top.id)]
        for lang in LANGS:
            sections.append(
                CoverageSection(
                    section=top.id,
                    title=top.title(lang) or top.title("en" if lang == "zh" else "zh"),
                    lang=lang,
                    items=len(members),
                    counts=count(members, lang),
                )
            )
    everything = list(catalog.items.values())
    numbered = [i for i in everything if i.kind != "section"]
    totals = [
        CoverageTotal(scope=scope, lang=lang, items=len(members), counts=count(members, lang))
        for scope, members in (("all", everything), ("items", numbered))
        for lang in LANGS
    ]
    return Coverage(
        framework=catalog.framework,
        version=catalog.version,
        digest=catalog.digest,
        in_force=catalog.framework == DEFAULT_FRAMEWORK,
        overlays=list(catalog.overlays),
        statuses=list(FRAMEWORK_STATUSES),
        sections=sections,
        totals=totals,
    )


def coverage_report(in_force: Catalog | None = None) -> CoverageReport:
    """Coverage of every shipped framework, saying which one the decisions use.

    Decisions (intake, obligations) cite the catalog in force, `load_catalog()` of the default
    framework with the organisation's overlays; other frameworks (2.0) are shown for what the
    public sources hold of them, without overlays, and change no decision.
    """
    current = in_force if in_force is not None else load_catalog()
    reports = []
    for framework in available_frameworks():
        cat = current if framework == current.framework else load_catalog(framework=framework, use_overlays=False)
        reports.append(coverage(cat))
    return CoverageReport(decisions_use=current.framework, decisions_version=current.version, frameworks=reports)


def operating_model() -> OperatingModel:
    """The seed's operating model with qualified item IDs and each link's `editorial` flag spelled out."""
    return OperatingModel.of(load_operating_model())


# --- overlay import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did: where the file went, what it adds, and coverage before and after."""

    path: Path
    replaced: bool
    sha256: str
    texts: int
    items: list[str]
    digest_before: str
    digest_after: str
    coverage_before: Coverage
    coverage_after: Coverage
    audit_seq: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "replaced": self.replaced,
            "sha256": self.sha256,
            "texts": self.texts,
            "items": self.items,
            "digest_before": self.digest_before,
            "digest_after": self.digest_after,
            "audit_seq": self.audit_seq,
            "coverage_totals_before": self.coverage_before.model_dump(mode="json")["totals"],
            "coverage_totals_after": self.coverage_after.model_dump(mode="json")["totals"],
        }


def _atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_overlay(
    path: Path,
    *,
    overlay_dir: Path | None = None,
    actor: str,
    database: Any | None = None,
    settings: Any | None = None,
    framework: str = DEFAULT_FRAMEWORK,
) -> ImportResult:
    """Validate an overlay file, copy it into the overlay folder and record it in the audit trail.

    The file is validated against the catalog first (schema, framework, every item ID), so a bad
    file never reaches the folder that every later `load_catalog` reads. The audit event is
    appended in its own transaction right after the copy; if the database is unreachable the copy
    is undone, so there is no overlay in force without its audit event.
    """
    from aisgf.config import get_settings

    settings = settings or get_settings()
    target_dir = Path(overlay_dir) if overlay_dir is not None else settings.resolved_overlay_dir
    source = Path(path)
    overlay = check_overlay(source, framework)
    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    target = target_dir / (source.stem + ".yaml")
    before = load_catalog(target_dir, framework=framework)
    previous = target.read_bytes() if target.exists() else None
    _atomic_write(target, data)
    try:
        after = load_catalog(target_dir, framework=framework)
        order = {item_id: n for n, item_id in enumerate(after.items)}
        local_ids = sorted({after.local_id(t.id) for t in overlay.texts}, key=order.__getitem__)
        item_ids = [after.qualify(i) for i in local_ids]
        payload = {
            "file": target.name,
            "source": overlay.source,
            "url": overlay.url,
            "sha256": sha,
            "texts": len(overlay.texts),
            "items": item_ids,
            "replaced": previous is not None,
            "catalog_digest_before": before.digest,
            "catalog_digest_after": after.digest,
        }
        seq = _audit(payload, actor=actor, entity_id=f"{framework}:{target.name}", database=database, settings=settings)
    except BaseException:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            _atomic_write(target, previous)
        raise
    return ImportResult(
        path=target,
        replaced=previous is not None,
        sha256=sha,
        texts=len(overlay.texts),
        items=item_ids,
        digest_before=before.digest,
        digest_after=after.digest,
        coverage_before=coverage(before),
        coverage_after=coverage(after),
        audit_seq=seq,
    )


def _audit(payload: dict[str, Any], *, actor: str, entity_id: str, database: Any | None, settings: Any) -> int | None:
    from aisgf.audit.service import append_event
    from aisgf.db import open_database

    db = database or open_database(settings)
    try:
        with db.session() as s:
            ev = append_event(
                s,
                actor=actor,
                action="catalog.overlay_imported",
                entity_type="catalog",
                entity_id=entity_id,
                payload=payload,
            )
            return int(ev.seq)
    finally:
        if database is None:
            db.dispose()
