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


# Rules that rest on one source (or on summaries that do not quote the text) are "secondary".
SINGLE_SOURCE = {
    "E.note1-propagator-equals-producer": "one implementation (a Java record)",
    "6.1c.one-label": "one implementation",
    "explicit.text": "one English summary of the Measures",
    "explicit.text-wording": "implementers' statements, not a quote",
    "propagation.unlabeled-file": "one reprint of the Measures",
}


@pytest.mark.parametrize("rule_id", sorted(SINGLE_SOURCE))
def test_single_source_rules_are_secondary(rule_id: str) -> None:
    assert load_profile().rule(rule_id).status == "secondary", SINGLE_SOURCE[rule_id]


def test_one_label_rule_says_should_and_warns() -> None:
    r = load_profile().rule("6.1c.one-label")
    assert r.zh is not None and "宜" in r.zh and "should" in r.en
    assert r.severity == "warning"  # 宜 is a recommendation: a duplicate is a warning, not an error


def test_every_confirmed_rule_names_its_sources() -> None:
    confirmed = [r for r in load_profile().rules if r.status == "confirmed"]
    assert confirmed and all(r.source for r in confirmed)


def test_confirmed_rule_without_source_is_refused(tmp_path: Path) -> None:
    import yaml

    from aisgf.labeling.profile import DEFAULT_PROFILE

    doc = yaml.safe_load(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    doc["rules"].append({"id": "x.unsourced", "status": "confirmed", "en": "no source"})
    bad = tmp_path / "p.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInput, match="confirmed rule must name its sources"):
        load_profile(bad)
