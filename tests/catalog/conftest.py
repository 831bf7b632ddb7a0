"""Fixtures for the catalog tests: the shipped catalog, isolated settings, overlay files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aisgf.catalog import Catalog, build_catalog, clear_cache
from aisgf.catalog.loader import DATA_DIR
from aisgf.config import Settings, get_settings

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.txt"

OVERLAY = """\
# Test fixture. The texts below are placeholders, NOT the official wording.
framework: aisgf-1.0
source: "ACME's licensed copy of the TC260 PDF (test fixture)"
url: https://example.invalid/tc260-1.0.pdf
texts:
  - id: 6.2.e
    lang: en
    text: "TEST PLACEHOLDER for the official English of 6.2(e)."
    page: 23
  - id: aisgf-1.0:4.1.2.a
    lang: zh
    text: "测试占位文本，并非官方原文（4.1.2(a)）。"
  - id: 4.1.2.a
    lang: en
    text: "TEST PLACEHOLDER for the official English of 4.1.2(a)."
"""


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog without any overlay."""
    return build_catalog()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings pointing at a fresh data folder (SQLite file, overlay folder) under tmp_path."""
    for name in ("AISGF_CONFIG", "AISGF_OVERLAY_DIR", "AISGF_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISGF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AISGF_ACTOR", "test:catalog")
    get_settings.cache_clear()
    clear_cache()
    yield get_settings()
    get_settings.cache_clear()
    clear_cache()


@pytest.fixture
def overlay_file(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "acme-official.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(OVERLAY, encoding="utf-8")
    return path


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped framework-1.0 folder, to break in schema tests."""
    target = tmp_path / "framework-1.0"
    shutil.copytree(DATA_DIR / "framework-1.0", target)
    return target
