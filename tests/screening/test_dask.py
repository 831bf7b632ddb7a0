"""The same pipeline on a real Dask cluster (2 worker processes, 4+ shards) gives the same answer."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from aisgf.screening.keywords import load_library
from aisgf.screening.pipeline import ScreenConfig, run_screen

from .conftest import make_card, make_resident_id


@pytest.mark.slow  # > 3 s: `pytest -m 'not slow'` leaves it out of the quick loop
def test_dask_local_cluster_matches_single_machine(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    rng = random.Random(11)
    for shard in range(5):
        lines = []
        for i in range(60):
            text = rng.choice(
                [
                    f"客户{i}身份证{make_resident_id(rng)}，卡号{make_card(rng)}。",
                    "这条是重复的语料，用来测试跨分片的重复检测功能是否一致。",
                    f"plain english line {rng.random()} about sarin and nothing else of note",
                    f"普通语料{rng.random()}，没有敏感内容，长度足够。",
                ]
            )
            lines.append(json.dumps({"id": f"s{shard}-{i}", "text": text}, ensure_ascii=False))
        (tmp_path / f"shard-{shard}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=50, near_dups=True, redact_key=b"k")
    local_findings, dask_findings = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    local = run_screen(
        [str(tmp_path / "shard-*.jsonl")],
        cfg,
        workers=1,
        findings_path=str(local_findings),
        sample_path=str(tmp_path / "m1.csv"),
    )
    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_screen(
            [str(tmp_path / "shard-*.jsonl")],
            cfg,
            dask=client,
            findings_path=str(dask_findings),
            sample_path=str(tmp_path / "m2.csv"),
        )
    assert remote["run"]["engine"] == "dask" and remote["run"]["workers"] == 2
    local.pop("run")
    remote.pop("run")
    local["sampling"]["manual"].pop("file")
    remote["sampling"]["manual"].pop("file")
    assert remote == local
    assert local["totals"]["files"] == 5 and local["categories"]["exact_duplicate"]["documents"] > 5
    assert local_findings.read_bytes() == dask_findings.read_bytes()
    assert (tmp_path / "m1.csv").read_bytes() == (tmp_path / "m2.csv").read_bytes()
