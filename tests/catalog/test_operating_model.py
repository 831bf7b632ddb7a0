"""The seed's operating model as its own catalog, verbatim, cross-linked (editorially) to the framework."""

from __future__ import annotations

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
