"""Intake micro-benchmark: how long one assessment (answers → decision) takes.

Why: every registration, reassessment, `aisgf assess`, `aisgf check` and `aisgf rules diff` (once per
registered system) runs the engine, so the target is <= 5 ms per assessment. Conditions are
compiled when the ruleset loads and catalog lookups are bound once per catalog, so an assessment
is answer validation, a few closures and building the Pydantic decision.

Prints the cold cost of loading and checking the shipped ruleset, then the median / p99 / mean of
one assessment over N random valid answer sets: with a ruleset and catalog in hand, and with the
defaults (`evaluate(answers)`, which also asks the config for the ruleset and catalog in force).

    .venv/bin/python benchmarks/intake.py              # 5,000 assessments
    .venv/bin/python benchmarks/intake.py --runs 20000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from aisgf.catalog import load_catalog
from aisgf.intake import evaluate, load_questionnaire, load_ruleset, validate_answers
from aisgf.intake.questionnaire import Questionnaire, shipped_path


def random_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, Any]:
    """One valid answer set, every question answered, values drawn uniformly."""
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        if q.type == "bool":
            answers[q.id] = rng.random() < 0.5
        elif q.type == "enum":
            answers[q.id] = rng.choice(q.option_values)
        elif q.type == "multi":
            answers[q.id] = [v for v in q.option_values if rng.random() < 0.4]
        else:
            answers[q.id] = "text"
    return answers


def timed(fn: Any, inputs: list[dict[str, Any]]) -> list[float]:
    out = []
    for answers in inputs:
        start = time.perf_counter()
        fn(answers)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    ms_sorted = sorted(ms)
    p99 = ms_sorted[min(len(ms_sorted) - 1, int(len(ms_sorted) * 0.99))]
    print(
        f"{label:<44} median {statistics.median(ms):.3f} ms   p99 {p99:.3f} ms   "
        f"mean {statistics.fmean(ms):.3f} ms   ({len(ms)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    catalog = load_catalog()
    questionnaire = load_questionnaire()
    start = time.perf_counter()
    ruleset = load_ruleset(shipped_path("ruleset.yaml"), questionnaire=questionnaire, catalog=catalog)
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    ruleset.bind(catalog)
    bind_ms = (time.perf_counter() - start) * 1000
    print(
        f"ruleset {ruleset.id} {ruleset.version}: {len(ruleset.rules)} rules, catalog {catalog.framework} "
        f"{catalog.version} ({len(catalog)} items)"
    )
    label = "load + check ruleset (cold, once)"
    print(f"{label:<44} {load_ms:.1f} ms; bind to catalog (once) {bind_ms:.1f} ms")

    rng = random.Random(args.seed)
    inputs = [random_answers(questionnaire, rng) for _ in range(args.runs)]
    evaluate(inputs[0])  # warm the default caches

    report("validate_answers", timed(lambda a: validate_answers(a, questionnaire), inputs))
    report(
        "evaluate(ruleset=, catalog=)", timed(lambda a: evaluate(a, ruleset=ruleset, catalog=catalog), inputs)
    )
    decisions = timed(lambda a: evaluate(a), inputs)
    report("evaluate(answers) with defaults in force", decisions)
    tiers: dict[str, int] = {}
    for answers in inputs[:1000]:
        tier = evaluate(answers, ruleset=ruleset, catalog=catalog).tier
        tiers[tier] = tiers.get(tier, 0) + 1
    print("tiers over the first 1000 random answer sets:", dict(sorted(tiers.items())))
    target = statistics.fmean(decisions)
    print(f"target <= 5 ms per assessment: {'met' if target <= 5 else 'NOT met'} (mean {target:.3f} ms)")


if __name__ == "__main__":
    main()
