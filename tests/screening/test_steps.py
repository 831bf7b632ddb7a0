"""The steps' merges: a shard's parts merged in any split give what one pass over it gives.

Why: the report is the same however a corpus is cut (ranges, processes, Dask) only because every
step's part merges associatively, in corpus order. Here one file is screened as one shard and as
many byte ranges; the ranges' parts are then merged left to right, right to left and in random
contiguous groups, and each step's merged part must equal the one-pass part, field by field.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from collections import Counter
from functools import reduce
from pathlib import Path
from typing import Any

import pytest

from aisgf.screening.keywords import load_library
from aisgf.screening.pipeline import ScreenConfig, ShardResult, plan_shards, run_screen, screen_shard
from aisgf.screening.pipeline.batch import ShardContext
from aisgf.screening.pipeline.step import Part
from aisgf.screening.pipeline.steps import (
    DedupPart,
    FindingsPart,
    SourcesPart,
    WorstPart,
    sources,
    steps_for,
)

from .conftest import make_card, make_resident_id

MOBILE = "13812345678"


def _corpus(tmp_path: Path, n: int = 600) -> Path:
    """Findings of every kind, ties in score, duplicates, bad lines, many sources, ids on some lines."""
    rng = random.Random(5)
    lines: list[str] = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            text = f"用户{i}的手机号{MOBILE}，身份证{make_resident_id(rng)}。"
        elif kind == 1:
            text = f"Document {i} on sarin; mail ops{i % 9}@example.cn about it."
        elif kind == 2:
            text = (
                "重复的一行文本，出现多次，用于跨分片的重复检测。"
                if i % 3 == 0
                else f"普通的中文语料第{i}条，足够长的文字。"
            )
        elif kind == 3:
            text = f"Card {make_card(rng)} at shop {i}; sarin sarin."
        else:
            text = "short" if i % 2 else ""
        rec: dict[str, Any] = {"text": text, "source": f"site{i % 23}"}
        if i % 7:
            rec["id"] = f"d{i}"
        if i % 97 == 11:
            lines.append("not json at all")
        lines.append(json.dumps(rec, ensure_ascii=False))
    path = tmp_path / "one.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cfg(tmp_path: Path, **kw: Any) -> ScreenConfig:
    kws = tmp_path / "kw.txt"
    kws.write_text("sarin\n", encoding="utf-8")
    base: dict[str, Any] = dict(
        libraries=[load_library(kws)],
        near_dups=True,
        sample_n=40,
        seed=3,
        technical_rate=0.3,
        worst_k=7,
        samples_per_category=3,
        batch_docs=16,  # many batches per range: the steps' state carries across batches too
        redact_key=b"k",
    )
    base.update(kw)
    return ScreenConfig(**base)


def _plain(part: Part) -> dict[str, Any]:
    """A part's content as comparable data (stream parts: their lines / entries in order)."""
    if isinstance(part, FindingsPart):
        return {"lines": part.jsonl()}
    if isinstance(part, DedupPart):
        return {"entries": list(part.entries(delete=False))}
    return dataclasses.asdict(part)


def _merged(results: list[ShardResult], name: str, groups: list[int]) -> Part:
    """Merge the parts of step ``name`` in contiguous groups of the given sizes, then the groups."""
    parts = [copy.deepcopy(r.parts[name]) for r in results]
    folded, i = [], 0
    for size in groups:
        folded.append(reduce(lambda a, b: a.merge(b), parts[i : i + size]))
        i += size
    assert i == len(parts)
    return reduce(lambda a, b: a.merge(b), folded)


def _splits(n: int, rng: random.Random) -> list[list[int]]:
    """Left fold, one group (right-leaning), pairs, and random contiguous groupings of ``n`` parts."""
    out = [[1] * n, [n], [2] * (n // 2) + [1] * (n % 2)]
    for _ in range(4):
        sizes, left = [], n
        while left:
            k = rng.randint(1, left)
            sizes.append(k)
            left -= k
        out.append(sizes)
    return out


@pytest.mark.parametrize("spill", [False, True])
def test_step_merges_in_any_split_equal_one_pass(tmp_path: Path, spill: bool) -> None:
    path = _corpus(tmp_path)
    cfg = _cfg(tmp_path)
    spill_dir = None
    if spill:
        spill_dir = str(tmp_path / "spill")
        Path(spill_dir).mkdir()
    whole = screen_shard(plan_shards([str(path)], cfg=cfg)[0], cfg, spill_dir=spill_dir)
    shards = plan_shards([str(path)], cfg=cfg, split_bytes=2500)
    assert len(shards) >= 8
    parts = [screen_shard(s, cfg, spill_dir=spill_dir) for s in shards]
    assert set(whole.parts) == {
        "scan", "quality", "documents", "sources", "findings", "dedup", "samples", "worst", "sampling",
    }  # fmt: skip
    # the corpus exercises every part: otherwise equality would prove little
    assert whole.counts["unreadable"] > 0 and whole.cat_findings["keyword"] > 0
    worst = whole.parts["worst"]
    assert isinstance(worst, WorstPart) and len(worst.worst) == cfg.worst_k
    assert len({s for s, _ in worst.worst}) < cfg.worst_k  # ties in score, decided by corpus order
    rng = random.Random(1)
    for name in whole.parts:
        want = _plain(whole.parts[name])
        for groups in _splits(len(parts), rng):
            assert _plain(_merged(parts, name, groups)) == want, (name, groups)


def test_sources_over_the_cap_keep_names_and_totals_in_any_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the cap, any split lists the same first sources and counts every document once.

    What does *not* hold over the cap (as before the steps existed): a listed source's documents in
    a later shard whose own first ``MAX_SOURCES`` sources did not include it are counted under
    ``(other sources)``, so per-source figures then depend on the split. Below the cap (the case of
    :func:`test_step_merges_in_any_split_equal_one_pass`) they do not.
    """
    monkeypatch.setattr(sources, "MAX_SOURCES", 5)
    path = _corpus(tmp_path)
    cfg = _cfg(tmp_path)
    whole = screen_shard(plan_shards([str(path)], cfg=cfg)[0], cfg)
    shards = plan_shards([str(path)], cfg=cfg, split_bytes=2500)
    parts = [screen_shard(s, cfg) for s in shards]
    got = whole.parts["sources"]
    assert isinstance(got, SourcesPart)
    assert list(got.sources) == ["site0", "site1", "site2", "site3", "site4", sources.OTHER_SOURCES]
    for groups in _splits(len(parts), random.Random(2)):
        merged = _merged(parts, "sources", groups)
        assert isinstance(merged, SourcesPart)
        assert list(merged.sources) == list(got.sources), groups
        for key in ("documents", "documents_with_findings", "findings"):
            assert sum(c[key] for c in merged.sources.values()) == sum(c[key] for c in got.sources.values())


def test_merge_adds_counters_and_keeps_order_of_limited_lists() -> None:
    a = Part(counts=Counter(documents=2), cat_findings=Counter(email=1), cat_docs=Counter(email=1))
    b = Part(counts=Counter(documents=3, bytes=9), cat_findings=Counter(email=2, ipv4=1))
    assert a.merge(b) is a
    assert a.counts == Counter(documents=5, bytes=9) and a.cat_findings == Counter(email=3, ipv4=1)
    early = WorstPart(k=2, worst=[(5, {"doc": "a"}), (1, {"doc": "b"})])
    late = WorstPart(k=2, worst=[(5, {"doc": "c"}), (3, {"doc": "d"})])
    assert [i["doc"] for _, i in early.merge(late).worst] == ["a", "c"]  # a tie goes to the earlier


def test_steps_follow_the_configuration(tmp_path: Path) -> None:
    path = _corpus(tmp_path, 20)
    shard = plan_shards([str(path)])[0]
    bare = ScreenConfig(exact_dups=False, worst_k=0)
    assert [s.name for s in steps_for(ShardContext(shard, bare))] == [
        "scan", "quality", "documents", "sources", "findings", "samples",
    ]  # fmt: skip
    full = ScreenConfig(near_dups=True, sample_n=5, redact_to=str(tmp_path / "clean"))
    steps = steps_for(ShardContext(shard, full))
    try:
        assert [s.name for s in steps] == [
            "scan", "quality", "documents", "sources", "findings", "dedup", "samples", "worst", "sampling", "clean",
        ]  # fmt: skip
    finally:
        for s in steps:
            s.close()


def test_report_is_the_same_for_any_split_and_executor(tmp_path: Path) -> None:
    """End to end: the merger over ranges (in process and in a pool) gives the one-shard report."""
    path = _corpus(tmp_path)
    out: dict[str, Any] = {}
    for name, workers, shard_bytes in (("one", 1, 0), ("ranges", 2, 2500), ("pool", 2, 1 << 20)):
        d = tmp_path / name
        d.mkdir()
        cfg = _cfg(tmp_path, shard_bytes=shard_bytes, redact_to=str(d / "clean"), drop=("keyword",))
        rep = run_screen([str(path)], cfg, workers=workers, findings_path=str(d / "f.jsonl"))
        rep.pop("run")
        out[name] = (rep, (d / "f.jsonl").read_bytes(), (d / "clean" / "one.jsonl").read_bytes())
    assert out["one"][0]["totals"]["dropped"] > 0 and out["one"][0]["categories"]["near_duplicate"]["findings"] > 0
    assert out["ranges"] == out["one"] and out["pool"] == out["one"]
