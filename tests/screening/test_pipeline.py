"""The pipeline on real files: formats, compression, bad input, cleaned copy, findings, sampling."""

from __future__ import annotations

import bz2
import csv
import gzip
import itertools
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from aisgf.errors import InvalidInput, NotFound, TooLarge
from aisgf.screening.keywords import load_libraries, load_library
from aisgf.screening.pipeline import ScreenConfig, plan_shards, run_screen, screen_shard
from aisgf.screening.quality import SpillingMap
from aisgf.screening.readers import read_docs
from aisgf.screening.report import render_html
from aisgf.screening.sampling import read_verdicts, sample_point, wilson_interval

from .conftest import make_card, make_resident_id

MOBILE = "13812345678"


def _records(n: int, rng: random.Random) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            text = f"用户{i}的手机号{MOBILE}请联系，身份证{make_resident_id(rng)}。"
        elif kind == 1:
            text = f"Document {i} discusses sarin production, which must be screened out of the corpus."
        elif kind == 2:
            text = f"普通的中文训练语料第{i}条，没有任何个人信息，只是一段足够长的文字。"
        else:
            text = f"Card {make_card(rng)} was used at shop {i}; the receipt is attached for audit."
        out.append({"id": f"d{i}", "text": text, "source": "crawl" if i % 2 else "books"})
    return out


def _jsonl(recs: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    rng = random.Random(42)
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.jsonl.gz").write_bytes(gzip.compress(_jsonl(_records(40, rng))))
    (d / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(_jsonl(_records(40, rng))))
    (d / "c.txt.bz2").write_bytes(bz2.compress(f"纯文本文件，联系{MOBILE}。\nsecond line".encode()))
    with (d / "d.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "text"])
        w.writeheader()
        for r in _records(12, rng):
            w.writerow({"id": r["id"], "text": r["text"]})
    recs = _records(20, rng)
    pq.write_table(pa.Table.from_pylist(recs), d / "e.parquet")
    return d


def test_all_formats_and_compressions(corpus: Path, tmp_path: Path) -> None:
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], redact_key=b"k")
    findings = tmp_path / "findings.jsonl"
    rep = run_screen([str(corpus)], cfg, findings_path=str(findings))
    assert rep["totals"]["files"] == 5
    assert rep["totals"]["documents"] == 40 + 40 + 1 + 12 + 20
    assert rep["totals"]["unreadable"] == 0
    per_file = {Path(k).name: v for k, v in rep["files"].items()}
    assert per_file["c.txt.bz2"]["findings"]["cn_mobile"] == 1
    assert per_file["e.parquet"]["findings"]["cn_resident_id"] == 5
    assert rep["categories"]["cn_resident_id"]["sensitivity"] == "personal"  # alone: GB/T 45574-2025
    assert rep["categories"]["bank_card"]["sensitivity"] == "sensitive_personal"  # financial account
    assert rep["categories"]["cn_mobile"]["sensitivity"] == "personal"
    assert rep["categories"]["bank_card"]["findings"] == 28  # 10+10+3+5 cards, all Luhn-valid
    assert rep["keyword_library_categories"] == {"cbrn.chemical": 28}
    assert set(rep["sources"]) >= {"crawl", "books"}
    lines = [json.loads(x) for x in findings.read_text(encoding="utf-8").splitlines()]
    first = next(x for x in lines if x["category"] == "cn_mobile")
    assert set(first) >= {"file", "doc", "category", "start", "end"}
    assert first["doc"] == "d0"
    kw = next(x for x in lines if x["category"] == "keyword")
    assert kw["library_category"] == "cbrn.chemical"
    assert MOBILE not in json.dumps(rep, ensure_ascii=False)  # samples are redacted
    txt_doc = next(x for x in lines if x["file"].endswith("c.txt.bz2"))
    assert txt_doc["doc"] == 0


def test_bad_input_is_counted_not_fatal(tmp_path: Path) -> None:
    good = _jsonl(_records(30, random.Random(1)))
    (tmp_path / "trunc.jsonl.gz").write_bytes(gzip.compress(good)[:-40])
    huge = b'{"text": "' + b"x" * 3_000_000 + b'"}\n'
    bad = b'{"text": "ok fine text here"}\nnot json\n{"other": 1}\n\xff\xfe{"text": 1}\n' + huge
    bad += '{"text": "最后一行13812345678"}\n'.encode()
    (tmp_path / "bad.jsonl").write_bytes(bad)
    cfg = ScreenConfig(max_doc_bytes=1_000_000)
    rep = run_screen([str(tmp_path / "*.jsonl*")], cfg)
    errs = {Path(k).name: v for k, v in rep["files"].items()}
    bad_errors = [e["error"] for e in errs["bad.jsonl"]["errors"]]
    assert any("invalid JSON" in e for e in bad_errors)
    assert any("missing field 'text'" in e for e in bad_errors)
    assert any("longer than 1000000 bytes" in e for e in bad_errors)
    assert errs["bad.jsonl"]["findings"]["cn_mobile"] == 1  # the line after the huge one was read
    assert errs["bad.jsonl"]["errors"][0]["line"] == 2
    trunc = errs["trunc.jsonl.gz"]
    assert trunc["unreadable"] >= 1 and "truncated" in trunc["errors"][-1]["error"]
    assert trunc["documents"] >= 2


def test_cleaned_copy_consistent_placeholders_and_drop(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    cfg = ScreenConfig(
        libraries=[load_library("example:cbrn")],
        redact_to=str(out),
        drop=("keyword",),
        redact_key=b"secret-key",
    )
    rep = run_screen([str(corpus)], cfg, workers=1)
    cleaned = [json.loads(x) for x in gzip.decompress((out / "a.jsonl.gz").read_bytes()).decode().splitlines()]
    assert len(cleaned) == 30  # 10 keyword documents dropped
    assert all("sarin" not in r["text"] for r in cleaned)
    mobiles = {r["text"].split("手机号")[1][:22] for r in cleaned if "手机号" in r["text"]}
    assert len(mobiles) == 1 and next(iter(mobiles)).startswith("[CN_MOBILE_")  # same value, same placeholder
    assert all(MOBILE not in r["text"] for r in cleaned)
    table = pq.read_table(out / "e.parquet").to_pylist()
    assert len(table) == 15 and table[0]["source"] in ("books", "crawl")
    assert MOBILE not in (out / "d.csv").read_text(encoding="utf-8")
    assert MOBILE not in bz2.decompress((out / "c.txt.bz2").read_bytes()).decode()
    assert rep["totals"]["dropped"] == 10 + 10 + 3 + 5


def test_duplicates_spill_to_disk_and_near_dups(tmp_path: Path) -> None:
    base = "这是一段用于测试近似重复检测的较长中文文本，包含足够多的字符以形成很多不同的五字片段。" * 3
    recs = [
        {"text": base},
        {"text": base},
        {"text": base + "多了几个字"},
        {"text": "完全不同的另一段内容，和前面没有关系。" * 3},
    ]
    rng = random.Random(5)
    words = [
        "alpha",
        "river",
        "stone",
        "cloud",
        "paper",
        "green",
        "seven",
        "table",
        "light",
        "north",
        "quiet",
    ]
    uniques = [" ".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(12)) for _ in range(20)]
    recs += [{"text": u} for u in uniques] + [{"text": uniques[3]}]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
    cfg = ScreenConfig(near_dups=True, spill_limit=5, spill_dir=str(tmp_path))
    f = tmp_path / "f.jsonl"
    rep = run_screen([str(tmp_path / "d.jsonl")], cfg, findings_path=str(f))
    assert rep["categories"]["exact_duplicate"]["documents"] == 2
    assert rep["categories"]["near_duplicate"]["documents"] == 1
    dup = [json.loads(x) for x in f.read_text().splitlines() if "duplicate" in x]
    assert dup[0]["of"] == {"file": str(tmp_path / "d.jsonl"), "doc": 0}
    assert not list(tmp_path.glob("aisgf-dedup-*"))  # spill file removed


def test_spilling_map_survives_memory_limit(tmp_path: Path) -> None:
    m = SpillingMap(memory_limit=10, spill_dir=str(tmp_path))
    for i in range(100):
        assert m.first(i.to_bytes(4, "big"), f"w{i}") is None
    assert m.spilled
    assert m.first((42).to_bytes(4, "big"), "again") == "w42"
    m.close()


def test_sampling_and_verdicts(tmp_path: Path) -> None:
    recs = [
        {"id": i, "text": f"line {i} " + ("sarin" if i % 50 == 0 else "clean text with enough length")}
        for i in range(2000)
    ]
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=100, seed=7)
    sample = tmp_path / "manual.csv"
    rep = run_screen([str(tmp_path / "s.jsonl")], cfg, sample_path=str(sample))
    tech = rep["sampling"]["technical"]
    # The sample depends on (seed, file path, line): recompute which lines it drew (the path, and
    # so the sample, changes from run to run; a fixed bound on its size would fail now and then).
    drawn = [i for i in range(2000) if sample_point(7, str(tmp_path / "s.jsonl"), i) < cfg.technical_rate]
    assert tech["population"] == 2000 and tech["fraction_of_corpus"] == len(drawn) / 2000
    assert tech["size"] == len(drawn) and tech["failed"] == sum(1 for i in drawn if i % 50 == 0)
    assert tech["pass_rate_verdict"] == ("pass" if tech["pass_rate"] >= 0.98 and tech["size_ok"] else "fail")
    # the example library is far short of TC260-003 §8.1, so whatever the rate, no pass
    assert tech["verdict"] == rep["verdict"] == "keyword_library_insufficient"
    rep2 = run_screen([str(tmp_path / "s.jsonl")], cfg, sample_path=str(tmp_path / "m2.csv"))
    assert sample.read_bytes() == (tmp_path / "m2.csv").read_bytes()  # reproducible by seed
    rows = list(csv.DictReader(sample.open(encoding="utf-8-sig")))
    assert len(rows) == 100 and rows[0]["verdict"] == ""
    assert rep2["sampling"]["technical"] == tech
    for i, row in enumerate(rows):
        row["verdict"] = "不合格" if i < 3 else "合格"
    with sample.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = read_verdicts(sample, min_items=100)
    assert res["passed"] == 97 and res["verdict"] == "pass"
    assert read_verdicts(sample)["verdict"] == "fail"  # fewer than 4000 items
    rows[5]["verdict"] = "maybe"
    with sample.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(InvalidInput) as exc:
        read_verdicts(sample)
    assert exc.value.where == f"{sample}:7"


def test_wilson_interval() -> None:
    low, high = wilson_interval(3920, 4000)
    assert 0.975 < low < 0.98 < high < 0.985
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_keyword_library_formats_and_errors(tmp_path: Path) -> None:
    (tmp_path / "k.csv").write_text(
        "keyword,category,risk_class,language\n炭疽,team.bio,A.1,zh\nanthrax,team.bio,A.1,en\n"
    )
    (tmp_path / "k.txt").write_text("# comment\nfoo bar\n\n毒剂\n")
    (tmp_path / "k.yaml").write_text("keywords:\n  - abc\n  - {keyword: def, risk_class: A.9}\n")
    (tmp_path / "broken.yaml").write_text("keywords: [abc\n  - x: :\n")
    libs = load_libraries([str(tmp_path / "k.csv"), str(tmp_path / "k.txt")])
    assert [len(lb.keywords) for lb in libs] == [2, 2]
    assert libs[1].keywords[1].language == "zh" and libs[1].keywords[0].category == "k"
    with pytest.raises(InvalidInput) as exc:
        load_library(tmp_path / "k.yaml")
    assert exc.value.where == f"{tmp_path / 'k.yaml'}:3" and "A.9" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        load_library(tmp_path / "broken.yaml")
    assert str(tmp_path / "broken.yaml") in str(exc.value)
    (tmp_path / "big.txt").write_text("".join(f"kw{i}\n" for i in range(1_000_000)))
    with pytest.raises(TooLarge) as exc2:
        load_library(tmp_path / "big.txt")
    assert exc2.value.where == f"{tmp_path / 'big.txt'}:250001"
    with pytest.raises(NotFound):
        load_library(tmp_path / "missing.yaml")
    example = load_library("example:cbrn")
    assert len(example.keywords) >= 20 and {k.risk_class for k in example.keywords} == {"§4.1.2(c)"}


def test_ten_thousand_keywords(tmp_path: Path) -> None:
    words = [f"risk{i:05d}" for i in range(9000)] + [f"风险词{i:04d}" for i in range(1000)]
    (tmp_path / "big.txt").write_text("\n".join(words))
    (tmp_path / "t.jsonl").write_text(
        json.dumps({"text": "含有风险词0042和 risk08888 以及risk00001x"}, ensure_ascii=False)
    )
    cfg = ScreenConfig(libraries=[load_library(tmp_path / "big.txt")])
    f = tmp_path / "f.jsonl"
    run_screen([str(tmp_path / "t.jsonl")], cfg, findings_path=str(f))
    hits = [json.loads(x) for x in f.read_text().splitlines() if '"keyword"' in x]
    assert [(h["start"], h["end"]) for h in hits] == [(2, 9), (11, 20)]


def test_html_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text(json.dumps({"text": "<script>alert(1)</script> call 13812345678 now please"}))
    rep = run_screen([str(tmp_path / "x.jsonl")], ScreenConfig(sample_n=5))
    html = render_html(rep)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "TC260-003 sampling" in html


def test_processes_match_single_process(corpus: Path) -> None:
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=20, redact_key=b"k")
    one = run_screen([str(corpus)], cfg, workers=1)
    two = run_screen([str(corpus)], cfg, workers=2)
    one.pop("run"), two.pop("run")
    assert one == two


def _big_corpus(tmp_path: Path) -> Path:
    """One JSONL file with PI, keywords, duplicates, ids on some lines only, and bad lines."""
    rng = random.Random(9)
    lines: list[str] = []
    for i, rec in enumerate(_records(400, rng)):
        if i % 7 == 0:
            rec.pop("id")  # the key becomes the line number, which a range must count right
        if i % 50 == 3:
            lines.append("not json at all")
        lines.append(json.dumps(rec, ensure_ascii=False))
        if i % 40 == 5:
            lines.append(json.dumps({"text": "重复的一行文本，出现多次，用于跨分片的重复检测。"}, ensure_ascii=False))
    d = tmp_path / "big"
    d.mkdir()
    (d / "one.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "lines.txt").write_text("\n".join(f"第{i}行 联系{MOBILE} sarin" for i in range(300)) + "\n", encoding="utf-8")
    return d


def test_byte_range_plan_covers_the_file(tmp_path: Path) -> None:
    d = _big_corpus(tmp_path)
    path = str(d / "one.jsonl")
    shards = plan_shards([path], split_bytes=5000)
    assert len(shards) > 5 and [s.part for s in shards] == list(range(len(shards)))
    data = (d / "one.jsonl").read_bytes()
    assert shards[0].start == 0 and shards[-1].end == len(data)
    for a, b in itertools.pairwise(shards):
        assert a.end == b.start and data[b.start - 1 : b.start] == b"\n"
        assert b.first_index == data[: b.start].count(b"\n")
    whole = [(x.index, x.key, x.text, x.error) for x in read_docs(path, path)]
    parts = [
        (x.index, x.key, x.text, x.error)
        for s in shards
        for x in read_docs(path, path, start=s.start, end=s.end, first_index=s.first_index)
    ]
    assert parts == whole
    assert len(plan_shards([path], split_bytes=len(data))) == 1  # small enough: not split


def test_split_files_give_the_same_results(tmp_path: Path) -> None:
    d = _big_corpus(tmp_path)
    cfg = ScreenConfig(
        libraries=[load_library("example:cbrn")],
        lines=False,
        sample_n=30,
        redact_key=b"k",
        shard_bytes=4000,
    )
    runs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        out.mkdir()
        cfg.redact_to = str(out / "clean")
        rep = run_screen(
            [str(d / "one.jsonl")],
            cfg,
            workers=workers,
            findings_path=str(out / "f.jsonl"),
            sample_path=str(out / "m.csv"),
            progress=False,
        )
        rep.pop("run")
        rep["sampling"]["manual"].pop("file")
        runs.append((rep, out))
    (one, o1), (two, o2) = runs
    assert one == two
    assert one["totals"]["unreadable"] == 8 and one["categories"]["exact_duplicate"]["documents"] == 9
    for name in ("f.jsonl", "m.csv", "clean/one.jsonl"):
        assert (o1 / name).read_bytes() == (o2 / name).read_bytes(), name
    assert not list((o2 / "clean").glob(".*part*"))  # the parts were joined and removed


def test_split_text_lines_in_process(tmp_path: Path) -> None:
    d = _big_corpus(tmp_path)
    path = str(d / "lines.txt")
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], lines=True, exact_dups=False)
    shards = plan_shards([path], cfg=cfg, split_bytes=3000)
    assert len(shards) > 3
    whole = screen_shard(plan_shards([path], cfg=cfg)[0], cfg)
    parts = [screen_shard(s, cfg) for s in shards]
    assert sum(p.counts["documents"] for p in parts) == whole.counts["documents"] == 300
    joined = b"".join(p.findings for p in parts)
    assert joined == whole.findings


def test_progress_moves_within_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aisgf.screening import readers
    from aisgf.screening.executors.local import LocalExecutor, screen_counted

    d = _big_corpus(tmp_path)
    path = d / "one.jsonl"
    gz = tmp_path / "one.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    monkeypatch.setattr(readers, "BLOCK", 4096)
    cfg = ScreenConfig()
    for f in (path, gz):
        steps: list[int] = []
        screen_counted(plan_shards([str(f)])[0], cfg, steps.append)
        assert len(steps) > 3 and sum(steps) == f.stat().st_size  # compressed bytes for the .gz
    steps = []
    shards = plan_shards([str(path)], split_bytes=20_000)
    executor = LocalExecutor(2)
    try:
        results = list(executor.run(shards, cfg, steps.append))
    finally:
        executor.close()
    assert len(results) == len(shards) and sum(steps) == path.stat().st_size


def test_json_key_matches_json_dumps() -> None:
    from aisgf.screening.pipeline.batch import json_key

    for key in ["a-1", 'x"y', "back\\slash", "tab\there", "中文", 5, -3, "line\u2028sep", "\x7f", ""]:
        assert json_key(key) == json.dumps(key, ensure_ascii=False)


def test_json_lines_read_exactly_as_json_does(tmp_path: Path) -> None:
    """orjson is only a fast path: big integers, NaN and lone surrogates read as ``json`` reads them."""
    lines = [
        '{"id": 123456789012345678901234, "text": "big integer id", "meta": {"n": [1, 99999999999999999999]}}',
        '{"id": "nan", "text": "a NaN score", "score": NaN}',
        '{"id": "sur", "text": "lone \\ud800 surrogate"}',
        '{"id": 7, "text": "plain", "score": 0.25}',
    ]
    (tmp_path / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(read_docs(str(tmp_path / "x.jsonl"), str(tmp_path)))
    assert [d.key for d in docs] == [123456789012345678901234, "nan", "sur", 7]
    assert docs[0].record == json.loads(lines[0])  # ints stay ints (orjson alone gives floats here)
    assert docs[1].record is not None and docs[1].record["score"] != docs[1].record["score"]  # NaN
    assert docs[2].text == "lone \ud800 surrogate" and docs[3].record == {"id": 7, "text": "plain", "score": 0.25}


def test_split_parquet_row_groups_give_the_same_results(tmp_path: Path) -> None:
    """One Parquet file of 8 row groups, screened whole in one process and as row-group ranges by two."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(21)
    rows = []
    for i in range(800):
        text = rng.choice(
            [
                f"客户{i}身份证{make_resident_id(rng)}，卡号{make_card(rng)}，手机{MOBILE}。",
                "这条是重复的语料，用来测试跨分片的重复检测功能是否一致。",
                f"plain english line {i} about sarin and nothing else of note",
                None,
            ]
        )
        rows.append({"id": f"p{i}", "text": text, "lang": "zh"})
    path = tmp_path / "big.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=100)
    assert pq.ParquetFile(path).metadata.num_row_groups == 8
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=40, redact_key=b"k", shard_bytes=2000)
    shards = plan_shards([str(path)], cfg=cfg, split_bytes=2000)
    assert len(shards) >= 4 and [s.first_index for s in shards][:2] == [0, shards[1].start * 100]
    runs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        out.mkdir()
        cfg.redact_to = str(out / "clean")
        rep = run_screen(
            [str(path)], cfg, workers=workers, findings_path=str(out / "f.jsonl"), sample_path=str(out / "m.csv")
        )
        assert rep["run"]["workers"] == workers
        rep.pop("run")
        rep["sampling"]["manual"].pop("file")
        runs.append((rep, out))
    (one, o1), (two, o2) = runs
    assert one == two
    assert one["totals"]["documents"] == 800 and one["totals"]["unreadable"] > 100
    assert one["categories"]["exact_duplicate"]["documents"] > 100
    for name in ("f.jsonl", "m.csv"):
        assert (o1 / name).read_bytes() == (o2 / name).read_bytes(), name
    whole = pq.read_table(o1 / "clean" / "big.parquet")
    joined = pq.read_table(o2 / "clean" / "big.parquet")
    assert joined.schema == whole.schema and joined.to_pylist() == whole.to_pylist()
    assert MOBILE not in json.dumps(joined.to_pylist(), ensure_ascii=False)
    assert not list((o2 / "clean").glob(".*part*"))  # the parts were joined and removed


def test_broken_parquet_is_counted_not_fatal_and_split_independent(tmp_path: Path) -> None:
    """A Parquet file cut in half (no footer) and one with a corrupt row group: errors, not crashes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ok = tmp_path / "ok.parquet"
    pq.write_table(
        pa.Table.from_pylist([{"id": i, "text": f"文本{i} 联系{MOBILE}"} for i in range(1000)]), ok, row_group_size=100
    )
    data = ok.read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    corrupt = bytearray(data)
    for i in range(2000, 2400):  # inside the second row group's data pages
        corrupt[i] ^= 0x5A
    (tmp_path / "bad.parquet").write_bytes(bytes(corrupt))
    ok.unlink()
    reports = []
    for workers in (1, 2):
        rep = run_screen([str(tmp_path / "*.parquet")], ScreenConfig(shard_bytes=500), workers=workers)
        rep.pop("run")
        reports.append(rep)
    assert reports[0] == reports[1]  # the same documents whole or as row-group ranges
    files = {Path(k).name: v for k, v in reports[0]["files"].items()}
    assert (
        files["cut.parquet"]["documents"] == 1
        and "unreadable Parquet file" in files["cut.parquet"]["errors"][0]["error"]
    )
    bad = files["bad.parquet"]
    assert bad["unreadable"] == 1 and bad["documents"] == 901  # the other 9 row groups were read
    assert "row group 1" in bad["errors"][0]["error"] and bad["findings"]["cn_mobile"] == 900


def test_zstd_truncated_is_reported_and_concatenated_frames_are_read(tmp_path: Path) -> None:
    """A .zst cut inside a frame is an error (the stream reader alone ends quietly); frames after the first count."""
    import zstandard

    body = _jsonl(_records(4000, random.Random(5)))  # several 128 KB blocks
    frame = zstandard.ZstdCompressor(write_checksum=True).compress(body)
    (tmp_path / "cut.jsonl.zst").write_bytes(frame[: len(frame) * 2 // 3])
    (tmp_path / "two.jsonl.zst").write_bytes(frame + zstandard.ZstdCompressor().compress(body))
    rep = run_screen([str(tmp_path / "*.zst")], ScreenConfig(exact_dups=False))
    files = {Path(k).name: v for k, v in rep["files"].items()}
    assert files["two.jsonl.zst"]["documents"] == 8000 and files["two.jsonl.zst"]["unreadable"] == 0
    cut = files["cut.jsonl.zst"]
    assert cut["unreadable"] == 1 and "truncated zstd stream" in cut["errors"][-1]["error"]
    assert 0 < cut["documents"] - 1 < 4000  # what came before the cut was screened
