"""Benchmark of aisgf.screening: MB/s, documents/s, precision and recall per category.

Why: issue 4 sets aims (personal information + a 10,000-keyword library at ≥ 150 MB/s per core,
precision and recall ≥ 0.99). This script measures where we are, on this machine, against a named
peer on the same slice: a plain-Python `re` scanner of the same detectors with the same validators
and a 10,000-keyword alternation (the "stdlib re" baseline of the issue), and the raw
read + JSON-decode floor. Presidio and scrubadub are NOT run here (not installed in this venv);
the figures the issue quotes for them are not re-measured by this script.

Faker's ``jcb16`` provider is not used: it emits 3500-3599 prefixes, outside the real JCB range
3528-3589, which aisgf's BIN check rightly rejects.

The corpus is generated with Faker's zh_CN/en_US providers (values independent of aisgf's code):
mixed Chinese/English filler, planted personal information (valid check digits), decoys with a
wrong check digit / bad prefix / out-of-range octet, keywords from a generated 10,000-keyword
library, many matches glued to Chinese characters with no space.

    .venv/bin/python benchmarks/screening.py [--mb 40] [--workers 2]   (needs: pip install faker)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from faker import Faker

from aisgf.screening import validators as v
from aisgf.screening.detectors import DETECTORS
from aisgf.screening.engine import Scanner
from aisgf.screening.keywords import load_library
from aisgf.screening.pipeline import ScreenConfig, run_screen, screen_shard
from aisgf.screening.readers import read_docs

CATS = ("cn_resident_id", "cn_mobile", "bank_card", "email", "ipv4", "ipv6", "keyword")


def make_keywords(rng: random.Random, n: int = 10_000) -> list[str]:
    cjk = [chr(c) for c in range(0x4E00, 0x9FA5)]
    out: set[str] = set()
    while len(out) < n:
        if rng.random() < 0.5:
            out.add("".join(rng.choice(cjk) for _ in range(4)))
        else:
            out.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(8, 12))))
    return sorted(out)


def make_corpus(dirpath: Path, target_mb: int, shards: int, keywords: list[str], seed: int = 1) -> dict[str, set]:
    """Write `shards` JSONL files; return {doc_id: {(category, value)}} ground truth."""
    rng = random.Random(seed)
    Faker.seed(seed)
    zh, en = Faker("zh_CN"), Faker("en_US")
    filler = [zh.text(200) for _ in range(1500)] + [en.text(200) for _ in range(1500)]
    truth: dict[str, set] = {}
    target = target_mb * 1_000_000
    per_shard = target // shards
    for s in range(shards):
        size = 0
        with (dirpath / f"part-{s:03d}.jsonl").open("w", encoding="utf-8") as fh:
            i = 0
            while size < per_shard:
                doc_id = f"{s}-{i}"
                parts: list[str] = []
                planted: set[tuple[str, str]] = set()
                for _ in range(rng.randint(3, 8)):
                    parts.append(rng.choice(filler))
                    r = rng.random()
                    if r < 0.08:
                        val, cat = zh.ssn(), "cn_resident_id"
                    elif r < 0.16:
                        val, cat = zh.phone_number(), "cn_mobile"
                    elif r < 0.22:
                        val, cat = (
                            en.credit_card_number(rng.choice(["visa16", "mastercard", "amex"])),
                            "bank_card",
                        )
                    elif r < 0.28:
                        val, cat = en.email(), "email"
                    elif r < 0.32:
                        val, cat = zh.ipv4(), "ipv4"
                    elif r < 0.34:
                        val, cat = zh.ipv6(), "ipv6"
                    elif r < 0.44:
                        val, cat = rng.choice(keywords), "keyword"
                    elif r < 0.50:  # decoys: must NOT be found
                        val, cat = (
                            rng.choice(
                                [
                                    zh.ssn()[:-1] + "Z",  # not a check character at all
                                    (
                                        lambda x: (
                                            x[:-1] + str((int(x[-1]) + 1) % 10) if x[-1].isdigit() else x[:-1] + "0"
                                        )
                                    )(zh.ssn()),
                                    "12" + str(rng.randrange(10**9)).zfill(9),
                                    f"{rng.randint(256, 999)}." + ".".join(str(rng.randint(0, 255)) for _ in range(3)),
                                ]
                            ),
                            None,
                        )
                        if cat is None and v.is_valid_resident_id(val):
                            continue
                    else:
                        continue
                    glue = rng.random() < 0.5
                    if cat == "keyword" and val.isascii():
                        glue = True  # Latin keywords are matched on ASCII word boundaries
                    parts.append(("联系" + val + "谢谢") if glue else (" " + val + " "))
                    if cat is not None:
                        planted.add((cat, val))
                text = "".join(parts)
                truth[doc_id] = planted
                line = json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                i += 1
    return truth


class ReBaseline:
    """Plain Python `re`: the same detector patterns with lookaround boundaries, the same validators."""

    def __init__(self, keywords: list[str]) -> None:
        self.pats = []
        for d in DETECTORS:
            if d.category not in CATS:
                continue
            for p in d.patterns:
                self.pats.append((d, re.compile(r"(?<![0-9A-Za-z])(?:" + p + r")(?![0-9A-Za-z])")))
        alt = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
        self.kw = re.compile(alt, re.IGNORECASE)

    def scan(self, text: str) -> set[tuple[str, str]]:
        out = set()
        for d, rx in self.pats:
            for m in rx.finditer(text):
                if d.validate(m.group()):
                    out.add((d.category, m.group()))
        for m in self.kw.finditer(text):
            out.add(("keyword", m.group()))
        return out


def score(found: dict[str, set], truth: dict[str, set]) -> dict[str, tuple[float, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for doc, planted in truth.items():
        got = {x for x in found.get(doc, set()) if x[0] in CATS}
        for x in got & planted:
            tp[x[0]] += 1
        for x in got - planted:
            fp[x[0]] += 1
        for x in planted - got:
            fn[x[0]] += 1
    return {c: (tp[c] / max(1, tp[c] + fp[c]), tp[c] / max(1, tp[c] + fn[c])) for c in CATS}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=40)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--baseline-mb", type=float, default=0.3, help="slice size for the slow `re` baseline")
    args = ap.parse_args()
    rng = random.Random(0)
    keywords = make_keywords(rng)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "kw.txt").write_text("\n".join(keywords), encoding="utf-8")
        t = time.perf_counter()
        truth = make_corpus(d, args.mb, args.shards, keywords)
        print(f"corpus: {args.mb} MB in {args.shards} shards, {len(truth)} documents ({time.perf_counter() - t:.1f} s)")
        files = sorted(str(p) for p in d.glob("part-*.jsonl"))
        lib = load_library(d / "kw.txt")
        total_bytes = sum(os.path.getsize(f) for f in files)
        mb = total_bytes / 1e6

        # floor: read + JSON decode
        t = time.perf_counter()
        texts: dict[str, str] = {}
        for f in files:
            for doc in read_docs(f, f):
                texts[str(doc.key)] = doc.text or ""
        floor = time.perf_counter() - t
        t = time.perf_counter()
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    json.loads(line)
        raw = time.perf_counter() - t

        # scan only (Hyperscan + validation), one core
        sc = Scanner([dd for dd in DETECTORS], [lib])
        keys = list(texts)
        t = time.perf_counter()
        found: dict[str, set] = {}
        for i in range(0, len(keys), 512):
            chunk = keys[i : i + 512]
            for k, fs in zip(chunk, sc.scan_batch([texts[k] for k in chunk]), strict=True):
                found[k] = {(f.category, f.value) for f in fs}
        scan = time.perf_counter() - t

        # full pipeline on one core (reading, scan, quality, findings), then all workers
        cfg = ScreenConfig(libraries=[lib], redact_key=b"bench")
        t = time.perf_counter()
        for f in files:
            screen_shard(
                __import__("aisgf.screening.pipeline", fromlist=["Shard"]).Shard(f, f, os.path.basename(f)),
                cfg,
            )
        full1 = time.perf_counter() - t
        t = time.perf_counter()
        run_screen(files, cfg, workers=args.workers, findings_path=str(d / "findings.jsonl"))
        fullw = time.perf_counter() - t

        # peer: plain Python re on a slice
        base = ReBaseline(keywords)
        slice_keys: list[str] = []
        acc = 0
        for k in keys:
            slice_keys.append(k)
            acc += len(texts[k].encode("utf-8"))
            if acc > args.baseline_mb * 1e6:
                break
        t = time.perf_counter()
        bfound = {k: base.scan(texts[k]) for k in slice_keys}
        bsecs = time.perf_counter() - t
        bmb = acc / 1e6

        text_mb = sum(len(x.encode("utf-8")) for x in texts.values()) / 1e6
        print(
            f"\nmachine: {os.cpu_count()} cores; {len(keywords)} keywords; "
            f"text bytes {text_mb:.1f} MB of {mb:.1f} MB JSONL"
        )
        print(f"{'what':<52}{'MB/s':>10}{'docs/s':>12}")
        rows = [
            ("floor: read + json.loads (stdlib, 1 core)", mb / raw, len(keys) / raw),
            ("floor: aisgf readers (bounded lines, 1 core)", mb / floor, len(keys) / floor),
            ("aisgf scan only: Hyperscan + validators (1 core)", text_mb / scan, len(keys) / scan),
            ("aisgf full pipeline, 1 core", mb / full1, len(keys) / full1),
            (f"aisgf full pipeline, {args.workers} processes", mb / fullw, len(keys) / fullw),
            (
                f"peer: stdlib `re` + same validators ({bmb:.1f} MB slice)",
                bmb / bsecs,
                len(slice_keys) / bsecs,
            ),
        ]
        for name, a, b in rows:
            print(f"{name:<52}{a:>10.1f}{b:>12.0f}")
        print(f"\n{'category':<18}{'aisgf P':>9}{'aisgf R':>9}{'re P':>8}{'re R':>8}   (re on its slice)")
        s1 = score(found, truth)
        s2 = score(bfound, {k: truth[k] for k in slice_keys})
        for c in CATS:
            print(f"{c:<18}{s1[c][0]:>9.4f}{s1[c][1]:>9.4f}{s2[c][0]:>8.4f}{s2[c][1]:>8.4f}")
        print("\nPresidio / scrubadub: not run (not installed in this environment).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
