"""The label profile is data: it loads, validates and says which rules are confirmed or practice."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisgf.errors import InvalidInput
from aisgf.labeling.profile import load_profile


def test_shipped_profile_has_statuses() -> None:
    p = load_profile()
    assert p.implicit.namespace == "http://www.tc260.org.cn/ns/AIGC/1.0/"
    assert set(p.implicit.label_values) == {"1", "2", "3"}
    assert p.rule("E.value-shape").status == "confirmed"
    assert p.rule("explicit.image-5pct").status == "secondary"
    assert p.rule("placement.xmp-tc260").status == "practice"
    assert p.rule("placement.annex").status == "unknown"
    assert p.explicit.image.min_char_height_ratio == 0.05
    assert p.explicit.video.min_opening_seconds == 2.0
    assert p.explicit.audio.rhythm == ["short", "long", "short", "short"]


def test_broken_profile_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("profile: x\nversion: 1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        load_profile(bad)
    assert "label profile field" in str(exc.value)
