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

# The seed's risk summary (before the scenarios): four group headings, each followed by its labels
# as "- " bullets; each label is linked to the section-3 risks it summarises (aisgf's reading).
RISK_GROUPS = [
    ("risk_group.intrinsic", "Intrinsic AI Risks"),
    ("risk_group.data", "Data Security Risks"),
    ("risk_group.system_supply_chain", "System & Supply Chain Risks"),
    ("risk_group.application", "Application Risks"),
]
RISK_LABELS = {
    "Poor interpretability": ["3.1.1.a"],
    "Bias & discrimination": ["3.1.1.b"],
    "Weak robustness": ["3.1.1.c"],
    "Theft & tampering": ["3.1.1.d"],
    "Unreliable / hallucinated output": ["3.1.1.e"],
    "Adversarial attacks": ["3.1.1.f"],
    "Illegal data collection & use": ["3.1.2.a"],
    "Training data poisoning": ["3.1.2.b"],
    "Non-standard annotation": ["3.1.2.c"],
    "Data leakage": ["3.1.2.d"],
    "IP infringement in training data": ["3.1.2.b"],
    "Defects & backdoors": ["3.1.3.a"],
    "Computing power security": ["3.1.3.b"],
    "Global supply chain disruption": ["3.1.3.c"],
    "Cross-boundary compute-layer risks": ["3.1.3.b"],
    "Misinformation & authentication bypass": ["3.2.1.a", "3.2.1.b"],
    "Cyberattack misuse": ["3.2.1.d"],
    "Defect propagation via model reuse": ["3.2.1.e"],
    "Cognitive warfare": ["3.2.3.b"],
    "Social discrimination & loss of control": ["3.2.4.a", "3.2.4.c"],
}

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
    elements.extend(prose_elements())
    return {
        "catalog": "operating-model",
        "version": "1.0-data.2",
        "framework": "aisgf-1.0",
        "description": (
            "The seed's operating model for the framework: intake questions, risk tiers, review lanes, "
            "nine recommended practices and five enterprise scenarios, with the seed's prose around them "
            "(overview, risk summary, closing). Not framework text."
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


def label_id(label: str) -> str:
    return "risk_label." + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def prose_elements() -> list[dict[str, Any]]:
    """The seed's sentences around the questions, tiers, practices and scenarios, so the catalog holds
    every sentence the seed writes before the framework text: the two overview paragraphs, the risk
    summary (group headings and labels), the paragraphs that open the scenarios and the practices,
    and the closing paragraph."""
    lines = SEED.splitlines()
    title = seed_line("Overview & Analysis")
    first, second = lines[lines.index(title) + 1], lines[lines.index(title) + 2]
    out: list[dict[str, Any]] = [
        {"id": "overview.framework", "kind": "overview", "title": [c(title)], "texts": [c(first)]},
        {
            "id": "overview.importance",
            "kind": "overview",
            "texts": [c(second)],
            "implements": links("5.1", "5.2", "5.3", "5.5", "5.6", "5.7", "5.9",
                                note="the paragraph names the mechanism this measure sets up"),
        },
    ]
    for n, (gid, heading) in enumerate(RISK_GROUPS, 1):
        at = lines.index(seed_line(heading))
        labels = []
        for line in lines[at + 1 :]:
            if not line.startswith("- "):
                break
            labels.append(line[2:])
        assert labels and all(lb in RISK_LABELS for lb in labels), labels
        out.append(
            {
                "id": gid,
                "kind": "risk_group",
                "texts": [c(heading)],
                "attributes": {"order": n, "labels": [label_id(lb) for lb in labels]},
            }
        )
        for m, label in enumerate(labels, 1):
            out.append(
                {
                    "id": label_id(label),
                    "kind": "risk_label",
                    "texts": [c(label)],
                    "implements": links(*RISK_LABELS[label], note="the label summarises this risk"),
                    "attributes": {"group": gid, "order": m},
                }
            )
    out.append(
        {
            "id": "overview.scenarios",
            "kind": "overview",
            "texts": [c(seed_line("The framework is relevant in most major enterprise AI scenarios"))],
            "implements": links("6.1", "6.2", "6.3", "6.4", note="the paragraph names this guideline's addressee"),
        }
    )
    out.append(
        {
            "id": "overview.practices",
            "kind": "overview",
            "texts": [c(seed_line("AI compliance in China should not be treated only"))],
            "implements": links("5.1"),
        }
    )
    out.append(
        {
            "id": "overview.closing",
            "kind": "overview",
            "texts": [c(seed_line("The most practical value of this framework"))],
        }
    )
    return out


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
