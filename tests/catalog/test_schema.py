"""Malformed catalog data is rejected with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisgf.catalog.loader import load_framework_folder
from aisgf.catalog.schema import OverlayFile, SectionFile
from aisgf.catalog.yamlsrc import load_file
from aisgf.errors import InvalidInput


def line_of(path: Path, needle: str, start: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[start:], start + 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_folder_loads(data_copy: Path) -> None:
    data = load_framework_folder(data_copy)
    assert len(data.items) > 100


def test_bad_yaml_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "06-guidelines.yaml"
    line = line_of(path, "- id: 6.2.e")
    replace_once(path, "- id: 6.2.e\n  kind: guideline", "- id: 6.2.e\n  kind: [guideline")
    with pytest.raises(InvalidInput) as exc:
        load_framework_folder(data_copy)
    err = exc.value
    assert "06-guidelines.yaml" in str(err) and "not valid YAML" in err.message
    assert err.extra["line"] is not None and err.extra["line"] >= line


def test_wrong_type_names_field_and_line(data_copy: Path) -> None:
    path = data_copy / "06-guidelines.yaml"
    start = line_of(path, "- id: 6.2.e")
    replace_once(
        path,
        "- id: 6.2.e\n  kind: guideline\n  parent: '6.2'\n  addressees:\n  - provider",
        "- id: 6.2.e\n  kind: guideline\n  parent: '6.2'\n  addressees: provider",
    )
    with pytest.raises(InvalidInput) as exc:
        load_framework_folder(data_copy)
    err = exc.value
    index = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- id: ")].index(
        "- id: 6.2.e"
    )
    assert err.extra["field"] == f"items[{index}].addressees"
    assert err.extra["line"] == start + 3
    assert err.where == f"{err.extra['file']}:{start + 3}"
    assert "06-guidelines.yaml" in err.extra["file"]


def test_unknown_status_value_is_named(data_copy: Path) -> None:
    path = data_copy / "03-risks.yaml"
    replace_once(path, "status: official\n    source: airi-risk", "status: verbatim\n    source: airi-risk")
    with pytest.raises(InvalidInput) as exc:
        load_framework_folder(data_copy)
    assert exc.value.extra["field"].endswith(".status")
    assert "'verbatim'" in exc.value.message and "official" in exc.value.message


def test_unknown_field_is_rejected_with_accepted_fields(data_copy: Path) -> None:
    path = data_copy / "05-measures.yaml"
    replace_once(path, "- id: '5.3'\n", "- id: '5.3'\n  colour: red\n")
    line = line_of(path, "colour: red")
    with pytest.raises(InvalidInput) as exc:
        load_framework_folder(data_copy)
    err = exc.value
    assert err.extra["line"] == line
    assert err.extra["field"].endswith(".colour")
    assert "unknown field" in err.message and "addresses" in err.message


def test_duplicate_id_is_rejected(data_copy: Path) -> None:
    path = data_copy / "06-guidelines.yaml"
    replace_once(path, "- id: 6.2.f\n", "- id: 6.2.e\n")
    line = line_of(path, "- id: 6.2.e", line_of(path, "- id: 6.2.e"))
    with pytest.raises(InvalidInput) as exc:
        load_framework_folder(data_copy)
    err = exc.value
    assert "duplicate item ID '6.2.e'" in err.message
    assert err.extra["line"] == line and err.extra["field"].endswith(".id")


def test_duplicate_yaml_key_is_rejected(data_copy: Path) -> None:
    path = data_copy / "05-measures.yaml"
    replace_once(path, "- id: '5.3'\n  kind: measure\n", "- id: '5.3'\n  kind: measure\n  kind: risk\n")
    with pytest.raises(InvalidInput, match="duplicate key 'kind'"):
        load_framework_folder(data_copy)


def test_bad_item_id_and_missing_language(data_copy: Path) -> None:
    path = data_copy / "05-measures.yaml"
    replace_once(path, "- id: '5.3'\n", "- id: 5.three\n")
    with pytest.raises(InvalidInput, match="not an item ID"):
        load_framework_folder(data_copy)


def test_link_to_a_non_risk_is_rejected(data_copy: Path) -> None:
    path = data_copy / "04-countermeasures.yaml"
    replace_once(path, "- risk: 3.1.3.b\n", "- risk: 3.9.9.z\n")
    with pytest.raises(InvalidInput, match=r"unknown risk '3\.9\.9\.z'") as exc:
        load_framework_folder(data_copy)
    assert exc.value.extra["field"].endswith(".risk")


def test_unknown_source_is_rejected(data_copy: Path) -> None:
    path = data_copy / "06-guidelines.yaml"
    replace_once(path, "source: seed", "source: blog")
    with pytest.raises(InvalidInput, match="unknown source 'blog'"):
        load_framework_folder(data_copy)


def test_text_must_match_status(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "framework: aisgf-1.0\nsection: '9'\nitems:\n- id: '9'\n  kind: section\n  texts:\n"
        "  - {lang: zh, status: official, source: seed}\n  - {lang: en, status: missing, source: none}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="needs a non-empty text") as exc:
        load_file(SectionFile, path)
    assert exc.value.extra["line"] == 7


def test_every_item_needs_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "framework: aisgf-1.0\nsection: '9'\nitems:\n- id: '9'\n  kind: section\n  texts:\n"
        "  - {lang: zh, status: missing, source: none}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="no en text version"):
        load_file(SectionFile, path)


def test_overlay_schema_rejects_non_official_status(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    path.write_text(
        "source: x\ntexts:\n  - id: 6.2.e\n    lang: en\n    text: t\n    status: close_paraphrase\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as exc:
        load_file(OverlayFile, path)
    assert exc.value.extra["line"] == 6 and exc.value.extra["field"] == "texts[0].status"
