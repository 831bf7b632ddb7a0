"""One-off extraction of the operating-model catalog from the seed.

Why: the seed's own recommendations (intake questions, tiers, fast/slow lanes, nine practices,
five scenarios) drive intake and tiering, so they are data with the seed's exact words. They
are not framework text: their status is `commentary` (the seed author's words) or `editorial`
(aisgf's words, e.g. the "standard" lane the seed does not name). Links to framework items are
aisgf's reading and are all `editorial`. After generation the YAML is the source of truth.

Usage: python extract_operating_model.py SEED_FILE OUT_FILE
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from extract_framework_1_0 import dump

SEED = ""


def seed_line(prefix: str) -> str:
    lines = [ln for ln in SEED.splitlines() if ln.startswith(prefix)]
    if len(lines) != 1:
        raise SystemExit(f"expected one seed line starting {prefix!r}, found {len(lines)}")
    return lines[0]


def next_line(line: str) -> str:
    lines = SEED.splitlines()
    return lines[lines.index(line) + 1]


def c(text: str) -> dict[str, Any]:
    assert text in SEED, text
    return {"lang": "en", "text": text, "status": "commentary", "source": "seed"}


def ed(text: str) -> dict[str, Any]:
    return {"lang": "en", "text": text, "status": "editorial", "source": "aisgf"}


def links(*ids: str, note: str | None = None) -> list[dict[str, Any]]:
    out = []
    for i in ids:
        d: dict[str, Any] = {"item": i, "basis": "editorial"}
        if note:
            d["note"] = note
        out.append(d)
    return out


PRACTICES = [
    # (id, heading prefix in the seed, implements, note)
    ("practice.intake", "Move Safety Governance to Project Intake", ["5.1", "6.3.a"], None),
    (
        "practice.tiering",
        'Build a "Tiered Governance',
        ["5.1"],
        'The seed: "The framework expressly calls for classified and tiered management of AI applications."',
    ),
    ("practice.data", "Treat Data Governance as the Foundation", ["4.1.2.*", "5.3", "6.1.b"], None),
    ("practice.responsibility_chain", 'Conduct "Responsibility Chain" Review', ["6.2.e"], None),
    (
        "practice.transparency",
        "Put Transparency, Labeling & Explainability",
        ["4.1.3.a", "5.2", "6.2.a", "6.2.d"],
        None,
    ),
    ("practice.key_sectors", "In Key Sectors, Insist on Human Control", ["6.3.h", "6.3.i", "4.2.4.b"], None),
    (
        "practice.integrated_security",
        "Integrate Cybersecurity, Supply-Chain Security",
        ["4.1.3.d", "5.5", "6.3.e"],
        None,
    ),
    (
        "practice.incidents",
        "Build Incident Response and Reporting Readiness",
        ["6.2.h", "5.7", "6.2.f"],
        None,
    ),
    ("practice.localization", "Keep Global Principles, but Localize", ["4.1.2.f", "6.2.e", "6.3.*"], None),
]

QUESTIONS = [
    ("q.public_facing", ["5.2", "4.1.3.a", "6.2.a"]),
    ("q.personal_or_important_data", ["4.1.2.d", "4.2.1.b", "5.3"]),
    ("q.high_impact_decisions", ["6.2.d", "6.3.i"]),
    ("q.foundation_or_third_party_model", ["6.2.e"]),
    ("q.sensitive_sector", ["6.3.*", "4.2.4.b"]),
    ("q.cross_border_or_export_control", ["4.1.2.f"]),
]

SCENARIOS = [
    ("scenario.foundation_models", "1. ", ["4.1.1.*", "6.1.*"]),
    ("scenario.training_data", "2. ", ["4.1.2.*", "5.3"]),
    ("scenario.public_services", "3. ", ["5.2", "4.1.3.a", "6.2.*"]),
    ("scenario.key_sectors", "4. ", ["6.3.*", "4.2.4.b"]),
    ("scenario.cross_border_supply_chain", "5. ", ["4.1.2.f", "4.1.3.d", "6.2.e"]),
]


def build() -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    intake_head = seed_line(PRACTICES[0][1])
    intake_body = next_line(intake_head)
    m = re.search(r"intake questions at the outset: (.*?) The earlier", intake_body)
    assert m, intake_body
    questions = re.findall(r"[^?]+\?", m.group(1))
    assert len(questions) == len(QUESTIONS), questions
    for (qid, impl), q in zip(QUESTIONS, questions, strict=True):
        elements.append(
            {
                "id": qid,
                "kind": "intake_question",
                "texts": [c(q.strip())],
                "implements": links(*impl),
                "attributes": {"answer": "yes_no"},
            }
        )

    tier_head = seed_line(PRACTICES[1][1])
    tier_body = next_line(tier_head)
    parts = [p.strip() for p in tier_body.split(";")]
    low = parts[0].split("Stratify projects by risk. ", 1)[1]
    medium = parts[1]
    high = parts[2].split(". The framework", 1)[0] + "."
    tiers = [
        ("tier.low", "low", low, "fast", {}),
        (
            "tier.medium",
            "medium",
            medium,
            "standard",
            {"reviewers": ["business", "data", "legal", "information_security"]},
        ),
        (
            "tier.high",
            "high",
            high,
            "slow",
            {
                "requires": [
                    "testing",
                    "logging",
                    "explainability",
                    "human_intervention",
                    "rollback_design",
                    "senior_sign_off",
                ]
            },
        ),
    ]
    for tid, level, text, lane, extra in tiers:
        elements.append(
            {
                "id": tid,
                "kind": "tier",
                "title": [ed(f"{level.capitalize()} risk")],
                "texts": [c(text)],
                "implements": links("5.1"),
                "attributes": {"level": level, "lane": lane, **extra},
            }
        )

    closing = seed_line("AI compliance in China should not be treated only")
    fast = re.search(r"so that (low-risk projects move quickly)", closing).group(1)
    slow = re.search(r"while (higher-risk ones are identified early and subjected to deeper review)", closing).group(1)
    elements.append(
        {
            "id": "lane.fast",
            "kind": "lane",
            "title": [c("Fast")],
            "texts": [c(fast)],
            "implements": links("5.1"),
            "attributes": {"tier": "low"},
        }
    )
    elements.append(
        {
            "id": "lane.standard",
            "kind": "lane",
            "title": [ed("Standard")],
            "texts": [
                ed(
                    "Joint review by business, data, legal and information-security teams for medium-tier projects. "
                    "The seed names only a fast and a slow lane; this middle lane is aisgf's."
                )
            ],
            "implements": links("5.1"),
            "attributes": {"tier": "medium"},
        }
    )
    elements.append(
        {
            "id": "lane.slow",
            "kind": "lane",
            "title": [c("Slow")],
            "texts": [c(slow)],
            "implements": links("5.1"),
            "attributes": {"tier": "high"},
        }
    )

    for n, (pid, prefix, impl, note) in enumerate(PRACTICES, 1):
        head = seed_line(prefix)
        body = next_line(head)
        el: dict[str, Any] = {
            "id": pid,
            "kind": "practice",
            "title": [c(head)],
            "texts": [c(body)],
            "implements": links(*impl),
            "attributes": {"order": n},
        }
        if note:
            el["note"] = note
        elements.append(el)

    for sid, prefix, impl in SCENARIOS:
        head = seed_line(prefix)
        body = next_line(head)
        elements.append(
            {
                "id": sid,
                "kind": "scenario",
                "title": [c(head[len(prefix) :])],
                "texts": [c(body)],
                "implements": links(*impl, note="the scenario makes these items relevant"),
            }
        )
    return {
        "catalog": "operating-model",
        "version": "1.0-data.1",
        "framework": "aisgf-1.0",
        "description": (
            "The seed's operating model for the framework: intake questions, risk tiers, review lanes, "
            "nine recommended practices and five enterprise scenarios. Not framework text."
        ),
        "statuses": {
            "commentary": "The seed author's own words about the framework (asiagrowthpartners.com), copied verbatim. "
            "Not framework text and not a translation of it.",
            "editorial": "aisgf's own wording, where the seed is silent (e.g. the standard lane, tier titles).",
        },
        "sources": {
            "seed": {
                "title": "Project seed (asiagrowthpartners.com page on the AI Safety Governance Framework)",
                "url": "https://asiagrowthpartners.com/china-ai-regulations/ai-safety-governance-framework",
            },
            "aisgf": {"title": "aisgf project (editorial)"},
        },
        "elements": elements,
    }


def main(argv: list[str]) -> None:
    global SEED
    SEED = Path(argv[1]).read_text(encoding="utf-8")
    out = Path(argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Generated once by tools/catalog_extract/extract_operating_model.py from the seed; texts are byte-exact.\n"
        "# Edit this file directly from now on. Links to framework items are all aisgf's reading (editorial).\n"
    )
    data = build()
    out.write_text(header + dump(data), encoding="utf-8")
    print(f"{out}: {len(data['elements'])} elements")


if __name__ == "__main__":
    main(sys.argv)
