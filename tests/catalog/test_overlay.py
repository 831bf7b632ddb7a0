"""Overlays: an organisation's official texts become primary, are validated, copied and audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from aisgf.audit.models import AuditEvent
from aisgf.audit.service import verify_chain
from aisgf.catalog import load_catalog
from aisgf.catalog.schemas import Coverage, CoverageSection, CoverageTotal
from aisgf.catalog.service import coverage, import_overlay
from aisgf.config import Settings
from aisgf.db import open_database
from aisgf.errors import InvalidInput


def official_count(cov: Coverage, lang: str, section: str | None = None) -> int:
    row: CoverageSection | CoverageTotal
    if section is None:
        row = next(r for r in cov.totals if r.scope == "all" and r.lang == lang)
    else:
        row = next(r for r in cov.sections if r.section == section and r.lang == lang)
    return row.counts["official"]


def test_import_makes_official_text_primary_and_updates_coverage(settings: Settings, overlay_file: Path) -> None:
    before = load_catalog()
    assert before.get("6.2.e").text_status("en") == "close_paraphrase"
    assert before.get("4.1.2.a").text_status("zh") == "missing"
    cov_before = coverage(before)

    result = import_overlay(overlay_file, actor="test:lead")

    assert result.path == settings.resolved_overlay_dir / "acme-official.yaml"
    assert result.path.read_bytes() == overlay_file.read_bytes()
    assert result.items == ["aisgf-1.0:4.1.2.a", "aisgf-1.0:6.2.e"]
    assert result.digest_before != result.digest_after

    after = load_catalog()  # picks the overlay folder from settings
    assert after.overlays == ["acme-official.yaml"]
    assert after.digest == result.digest_after
    item = after.get("6.2.e")
    assert item.text_status("en") == "official"
    assert item.text("en") == "TEST PLACEHOLDER for the official English of 6.2(e)."
    assert item.primary("en").page == 23 and item.primary("en").source == "overlay:acme-official.yaml"
    # the shipped versions are still there, ranked below
    assert [v.status for v in item.versions("en")] == [
        "official",
        "close_paraphrase",
        "third_party_translation",
    ]
    assert after.get("4.1.2.a").text_status("zh") == "official"
    # the overlay's Chinese uses the full-width comma; an ASCII-comma query still finds it
    assert "，" in after.get("4.1.2.a").text("zh")
    assert [h.item.id for h in after.search("测试占位文本,并非官方原文")] == ["4.1.2.a"]
    assert after.sources["overlay:acme-official.yaml"].title.startswith("ACME")

    cov_after = coverage(after)
    assert official_count(cov_after, "en") == official_count(cov_before, "en") + 2
    assert official_count(cov_after, "zh") == official_count(cov_before, "zh") + 1
    assert official_count(cov_after, "en", "6") == official_count(cov_before, "en", "6") + 1
    assert cov_after.overlays == ["acme-official.yaml"]


def test_import_appends_an_audit_event(settings: Settings, overlay_file: Path) -> None:
    result = import_overlay(overlay_file, actor="test:lead")
    db = open_database(settings)
    try:
        with db.session() as s:
            events = (
                s.execute(select(AuditEvent).where(AuditEvent.action == "catalog.overlay_imported")).scalars().all()
            )
            assert len(events) == 1
            ev = events[0]
            assert ev.seq == result.audit_seq
            assert ev.actor == "test:lead"
            assert ev.entity_type == "catalog" and ev.entity_id == "aisgf-1.0:acme-official.yaml"
            payload = json.loads(ev.payload)
        assert payload["sha256"] == result.sha256
        assert payload["items"] == ["aisgf-1.0:4.1.2.a", "aisgf-1.0:6.2.e"]
        assert payload["catalog_digest_after"] == result.digest_after
        assert verify_chain(db.engine).ok
    finally:
        db.dispose()


def test_reimport_replaces_and_is_audited_again(settings: Settings, overlay_file: Path) -> None:
    import_overlay(overlay_file, actor="a")
    overlay_file.write_text(overlay_file.read_text(encoding="utf-8").replace("page: 23", "page: 24"), encoding="utf-8")
    second = import_overlay(overlay_file, actor="b")
    assert second.replaced
    assert load_catalog().get("6.2.e").primary("en").page == 24


def test_unknown_id_is_rejected_with_file_line_field_and_nothing_is_copied(
    settings: Settings, overlay_file: Path
) -> None:
    text = overlay_file.read_text(encoding="utf-8").replace("- id: aisgf-1.0:4.1.2.a", "- id: 4.1.2.z")
    overlay_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: 4.1.2.z") + 1
    with pytest.raises(InvalidInput) as exc:
        import_overlay(overlay_file, actor="t")
    err = exc.value
    assert "4.1.2.z" in err.message
    assert err.extra == {"file": str(overlay_file), "line": line, "field": "texts[1].id"}
    assert str(err).startswith(f"{overlay_file}:{line}: texts[1].id:")
    assert not (settings.resolved_overlay_dir / "acme-official.yaml").exists()


def test_bad_yaml_is_rejected_with_file_and_line(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('source: x\ntexts:\n  - id: 6.2.e\n    lang: en\n    text: "unterminated\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        import_overlay(bad, actor="t")
    assert "not valid YAML" in exc.value.message
    assert exc.value.extra["file"] == str(bad) and exc.value.extra["line"] is not None
    assert not settings.resolved_overlay_dir.exists() or not any(settings.resolved_overlay_dir.iterdir())


def test_wrong_framework_and_missing_file(settings: Settings, overlay_file: Path, tmp_path: Path) -> None:
    overlay_file.write_text(
        overlay_file.read_text(encoding="utf-8").replace("framework: aisgf-1.0", "framework: aisgf-2.0"),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match=r"aisgf-2\.0") as exc:
        import_overlay(overlay_file, actor="t")
    assert exc.value.extra["field"] == "framework"
    with pytest.raises(InvalidInput, match="not found"):
        import_overlay(tmp_path / "nope.yaml", actor="t")


def test_broken_file_in_overlay_dir_fails_loudly(settings: Settings) -> None:
    folder = settings.resolved_overlay_dir
    folder.mkdir(parents=True)
    (folder / "hand-edited.yaml").write_text("source: x\ntexts:\n  - id: 6.2.e\n    lang: fr\n    text: t\n")
    with pytest.raises(InvalidInput) as exc:
        load_catalog()
    assert exc.value.extra["field"] == "texts[0].lang" and exc.value.extra["line"] == 4
