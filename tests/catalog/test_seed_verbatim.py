"""Every numbered sentence of the seed, Chinese and English, is in the catalog verbatim under the right ID.

The seed numbers items (1), (2)… (Chinese) or (b), (c)… (English) and shows each list only from
its second item, so the official IDs are given here in seed order and checked against the text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aisgf.catalog import Catalog
from tests.catalog.conftest import SEED

EN_IDS = (
    ["4.1.1.b"]
    + [f"4.1.2.{c}" for c in "bcdef"]
    + [f"4.1.3.{c}" for c in "bcd"]
    + ["4.2.1.b", "4.2.2.b", "4.2.3.b", "4.2.3.c", "4.2.4.a", "4.2.4.b"]
    + [f"6.2.{c}" for c in "bcdefghij"]
    + [f"6.3.{c}" for c in "bcdefghi"]
    + [f"6.4.{c}" for c in "bcdef"]
)
# The Chinese list also carries 4.2.2(a) and 4.2.3(a), which the seed's English leaves out.
ZH_IDS = (
    ["4.1.1.b"]
    + [f"4.1.2.{c}" for c in "bcdef"]
    + [f"4.1.3.{c}" for c in "bcd"]
    + ["4.2.1.b", "4.2.2.a", "4.2.2.b", "4.2.3.a", "4.2.3.b", "4.2.3.c", "4.2.4.a", "4.2.4.b"]
    + [f"6.2.{c}" for c in "bcdefghij"]
    + [f"6.3.{c}" for c in "bcdefghi"]
    + [f"6.4.{c}" for c in "bcdef"]
)
LINE = re.compile(r"^\((?P<n>[a-z]|[0-9]+)\)(?P<text>.+)$")


def seed_lines() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    text = SEED.read_text(encoding="utf-8")
    split = text.index("\n人工智能安全治理框架\n")
    en = [(m["n"], m["text"].strip()) for m in map(LINE.match, text[:split].splitlines()) if m]
    zh = [(m["n"], m["text"]) for m in map(LINE.match, text[split:].splitlines()) if m]
    return en, zh


SEED_NAME = "seeds/000_f6e8521d8ee9f4c6.txt"
REPO = Path(__file__).resolve().parents[2]


def project_seed() -> Path | None:
    """The project's seed in $AISGF_SHARED_DIR, else in the shared folder beside the checkout."""
    folders = [Path(os.environ["AISGF_SHARED_DIR"])] if os.environ.get("AISGF_SHARED_DIR") else []
    folders.append(REPO.parent / "shared")
    return next((f / SEED_NAME for f in folders if (f / SEED_NAME).is_file()), None)


def test_fixture_is_the_project_seed() -> None:
    shared = project_seed()
    if shared is None:
        where = f"$AISGF_SHARED_DIR/{SEED_NAME} or {REPO.parent / 'shared' / SEED_NAME}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must compare the fixture with the project seed, but there is none at {where}")
        pytest.skip(f"the project seed is not here ({where}); set AISGF_SHARED_DIR to compare the fixture")
    assert SEED.read_bytes() == shared.read_bytes(), f"{SEED} differs from the project seed {shared}"


def test_seed_lists_have_the_expected_lengths() -> None:
    en, zh = seed_lines()
    assert len(en) == len(EN_IDS) == 37
    assert len(zh) == len(ZH_IDS) == 39


def test_letters_of_the_english_list_match_the_ids() -> None:
    en, _ = seed_lines()
    for (label, _text), item_id in zip(en, EN_IDS, strict=True):
        if item_id.startswith("4.2.4"):
            # The seed letters the ethical-domain items (d), (e), continuing 4.2.3.
            assert label == {"4.2.4.a": "d", "4.2.4.b": "e"}[item_id]
        elif label.isalpha():
            assert item_id.endswith("." + label), (label, item_id)
        else:
            assert item_id.endswith("." + "abcdefghij"[int(label) - 1]), (label, item_id)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_seed_sentence_is_a_text_version_of_its_item(catalog: Catalog, lang: str) -> None:
    en, zh = seed_lines()
    lines, ids = (en, EN_IDS) if lang == "en" else (zh, ZH_IDS)
    expected_status = "third_party_translation" if lang == "en" else "official"
    for (_label, sentence), item_id in zip(lines, ids, strict=True):
        item = catalog.get(item_id)
        versions = [v for v in item.versions(lang) if v.text == sentence]
        assert versions, f"seed {lang} sentence not under {item_id}: {sentence}"
        assert versions[0].source == "seed"
        assert versions[0].status == expected_status
        # and nowhere else in the catalog
        others = [i.id for i in catalog if i.id != item_id and any(v.text == sentence for v in i.texts)]
        assert others == []


def test_seed_chinese_is_primary_and_seed_english_is_not_official(catalog: Catalog) -> None:
    _, zh = seed_lines()
    for (_label, sentence), item_id in zip(zh, ZH_IDS, strict=True):
        item = catalog.get(item_id)
        assert item.text("zh") == sentence
        assert item.text_status("zh") == "official"
    assert all(v.status != "official" for i in catalog for v in i.texts if v.source == "seed" and v.lang == "en")
