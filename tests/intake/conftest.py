"""Shared fixtures for the intake tests: the shipped questionnaire and ruleset, the real catalog,
a tiny fake catalog (for engine logic independent of catalog content), and answer builders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aisgf.errors import NotFound
from aisgf.intake.questionnaire import Questionnaire, load_questionnaire
from aisgf.intake.ruleset import Ruleset, load_ruleset


@dataclass
class FakeItem:
    id: str
    roles: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    kind: str = "guideline"

    def title(self, lang: str) -> str | None:
        return self.titles.get(lang)


class FakeCatalog:
    """Implements the catalog protocol the engine relies on (has/get/expand + fingerprints)."""

    framework = "aisgf-1.0"

    def __init__(self, items: list[FakeItem], version: str = "fake-1", digest: str = "f" * 64):
        self.items = {i.id: i for i in items}
        self.version = version
        self.digest = digest
        self.expand_calls = 0

    def has(self, item_id: str) -> bool:
        return item_id in self.items

    def get(self, item_id: str) -> FakeItem:
        try:
            return self.items[item_id]
        except KeyError:
            raise NotFound(f"no item {item_id!r}", where=item_id) from None

    def expand(self, pattern: str) -> list[FakeItem]:
        self.expand_calls += 1
        if pattern.endswith(".*"):
            prefix = pattern[:-1]
            found = [i for i in self.items.values() if i.id.startswith(prefix)]
            if not found:
                raise NotFound(f"no items under {pattern!r}", where=pattern)
            return found
        return [self.get(pattern)]


@pytest.fixture
def fake_catalog() -> FakeCatalog:
    return FakeCatalog(
        [
            FakeItem("5.1", ["regulator"], {"en": "Tiered management", "zh": "分类分级管理"}),
            FakeItem("6.2.a", ["provider"], {"en": "Publicize capabilities"}),
            FakeItem("6.2.d", ["provider"], {"en": "Explanation plans", "zh": "解释说明预案"}),
            FakeItem("6.1.a", ["developer"], {"en": "People-centred"}),
            FakeItem("6.1.b", ["developer"], {"zh": "数据安全"}),
            FakeItem("6.3.i", ["key_sector_user"], {"en": "Manual fallback"}),
            FakeItem("4.1.2.d", ["developer"], {}),
        ]
    )


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture(scope="session")
def catalog() -> Any:
    from aisgf.catalog import load_catalog

    return load_catalog(use_overlays=False)


@pytest.fixture(scope="session")
def ruleset(questionnaire: Questionnaire, catalog: Any) -> Ruleset:
    from aisgf.intake.questionnaire import shipped_path

    return load_ruleset(shipped_path("ruleset.yaml"), questionnaire=questionnaire, catalog=catalog)


#: An internal productivity tool: the seed's example of a low-risk project. The answers of
#: questionnaire 1.0.0 (the required questions): a file written for it still assesses, with warnings.
INTERNAL_TOOL_1_0: dict[str, Any] = {
    "public_facing": False,
    "generates_content": True,
    "personal_information": "none",
    "important_data": False,
    "high_impact_decisions": False,
    "model_source": "third_party_model",
    "sector": "general",
    "org_roles": [],
    "cross_border_data": False,
    "export_controlled": False,
}

#: The same tool with every question of today's questionnaire answered.
INTERNAL_TOOL: dict[str, Any] = {
    **INTERNAL_TOOL_1_0,
    "service_region": "china",
    "user_scale": "internal",
    "deep_synthesis": False,
    "recommendation": False,
    "public_opinion": False,
    "automated_decisions": False,
    "shares_personal_information": False,
    "upstream_filed": True,
    "multiple_models": False,
    "trains_or_fine_tunes": False,
    "deployment": "own_use",
    "cii_operator": False,
    "state_organ": False,
    "autonomy": "advises",
    "physical_safety": False,
    "minors_among_users": False,
}


@pytest.fixture
def answers() -> Callable[..., dict[str, Any]]:
    """Build answers from the internal-tool baseline with some answers changed."""

    def build(**changes: Any) -> dict[str, Any]:
        return {**INTERNAL_TOOL, **changes}

    return build


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
