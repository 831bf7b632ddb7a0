"""The seed's operating model as its own catalog, verbatim, cross-linked (editorially) to the framework."""

from __future__ import annotations

import re

from aisgf.catalog import Catalog, load_operating_model
from tests.catalog.conftest import SEED

PRACTICE_HEADINGS = [
    "Move Safety Governance to Project Intake, Not Pre-Launch",
    'Build a "Tiered Governance + Fast/Slow Lane" Operating Model',
    "Treat Data Governance as the Foundation of AI Governance",
    'Conduct "Responsibility Chain" Review for Third-Party Models & Vendors',
    "Put Transparency, Labeling & Explainability into Product Design",
    "In Key Sectors, Insist on Human Control and Manual Fallback",
    "Integrate Cybersecurity, Supply-Chain Security & AI Safety into One View",
    "Build Incident Response and Reporting Readiness Before Launch",
    "Keep Global Principles, but Localize the China Implementation Layer",
]


def by_kind(kind: str) -> list:
    return [e for e in load_operating_model().elements if e.kind == kind]


def test_nine_practices_with_the_seed_headings() -> None:
    practices = by_kind("practice")
    assert [p.title[0].text for p in practices] == PRACTICE_HEADINGS
    assert [p.attributes["order"] for p in practices] == list(range(1, 10))


def test_texts_are_verbatim_seed_commentary() -> None:
    seed = SEED.read_text(encoding="utf-8")
    model = load_operating_model()
    assert set(model.statuses) == {"commentary", "editorial"}
    for element in model.elements:
        for text in [*element.title, *element.texts]:
            assert text.status in ("commentary", "editorial"), element.id
            if text.status == "commentary":
                assert text.source == "seed" and text.text in seed, element.id
            else:
                assert text.source == "aisgf"


def test_intake_questions_tiers_lanes() -> None:
    questions = by_kind("intake_question")
    assert [q.texts[0].text for q in questions] == [
        "Is it public-facing?",
        "Does it process personal information or important data?",
        "Does it affect high-impact decisions?",
        "Does it rely on a foundation model or third-party model?",
        "Is it used in a sensitive sector?",
        "Are there cross-border data or export-control implications?",
    ]
    tiers = {t.attributes["level"]: t for t in by_kind("tier")}
    assert list(tiers) == ["low", "medium", "high"]
    assert "light-touch review templates and fast approval" in tiers["low"].texts[0].text
    assert "senior sign-off" in tiers["high"].texts[0].text
    assert {t.attributes["lane"] for t in tiers.values()} == {"fast", "standard", "slow"}
    lanes = {lane.id: lane for lane in by_kind("lane")}
    assert list(lanes) == ["lane.fast", "lane.standard", "lane.slow"]
    assert lanes["lane.standard"].texts[0].status == "editorial"


def test_links_resolve_and_are_editorial(catalog: Catalog) -> None:
    model = load_operating_model()
    assert model.framework == catalog.framework
    links = {e.id: [link.item for link in e.implements] for e in model.elements}
    assert links["practice.responsibility_chain"] == ["6.2.e"]
    assert {"6.3.h", "6.3.i", "4.2.4.b"} <= set(links["practice.key_sectors"])
    assert {"4.1.3.a", "5.2"} <= set(links["practice.transparency"])
    assert links["practice.tiering"] == ["5.1"]
    assert {"6.2.h", "5.7"} <= set(links["practice.incidents"])
    assert "4.1.2.*" in links["practice.data"]
    for element in model.elements:
        for link in element.implements:
            assert link.basis == "editorial"
            assert catalog.expand(link.item)


# --- every sentence the seed writes before the framework text is in the catalog -----------------

#: A sentence ends at . ? or ! followed by a space and a capital or a quote.
_SENTENCE_END = re.compile(r'(?<=[.?!])\s+(?=[A-Z"])')
#: List markers the seed puts before a line: "- " (risk labels) and "1. " (scenario headings); the
#: catalog keeps the text without them (a scenario's number is its order).
_MARKER = re.compile(r"^(- |[1-9]\. )")


def seed_sentences() -> tuple[str, list[str]]:
    """The seed's own prose: its title line, then every sentence up to "Complete Framework Text".

    Lines are the seed's paragraphs, headings and list items; a list item's text is the line without
    its marker. This is how `tools/catalog_extract/extract_operating_model.py` reads them: one
    element per heading, paragraph or label, texts copied whole.
    """
    text = SEED.read_text(encoding="utf-8")
    lines = [ln for ln in text[: text.index("\nComplete Framework Text\n")].splitlines() if ln.strip()]
    title, body = lines[0], lines[1:]
    out: list[str] = []
    for line in body:
        line = _MARKER.sub("", line)
        out.extend(s for s in _SENTENCE_END.split(line) if s)
    return title, out


def test_the_catalog_holds_every_seed_sentence_before_the_framework_text() -> None:
    title, sentences = seed_sentences()
    assert title == "Overview & Analysis"
    assert len(sentences) == 96
    assert sum(1 for s in sentences if s.startswith("Stratify projects by risk.")) == 1
    model = load_operating_model()
    texts = [t.text for e in model.elements for t in [*e.title, *e.texts] if t.status == "commentary"]
    assert title in texts
    missing = [s for s in sentences if not any(s in t for t in texts)]
    assert missing == [], missing
    # and every commentary text is a whole line of the seed (a heading, paragraph, label or question)
    seed = SEED.read_text(encoding="utf-8")
    assert all(t in seed for t in texts)


def test_risk_summary_labels_link_to_the_risks_they_summarise(catalog: Catalog) -> None:
    groups = by_kind("risk_group")
    assert [g.texts[0].text for g in groups] == [
        "Intrinsic AI Risks", "Data Security Risks", "System & Supply Chain Risks", "Application Risks",
    ]
    labels = {e.id: e for e in by_kind("risk_label")}
    assert len(labels) == 20
    assert sum(len(g.attributes["labels"]) for g in groups) == 20  # type: ignore[misc, arg-type]
    for group in groups:
        for label_id in group.attributes["labels"]:  # type: ignore[union-attr]
            assert labels[label_id].attributes["group"] == group.id
    assert [link.item for link in labels["risk_label.poor_interpretability"].implements] == ["3.1.1.a"]
    assert [link.item for link in labels["risk_label.cognitive_warfare"].implements] == ["3.2.3.b"]
    for label in labels.values():
        assert label.implements and all(catalog.get(link.item).kind == "risk" for link in label.implements)
