"""Benchmark of aisgf.screening against its peers: MB/s, documents/s, precision and recall per category.

Why: issue 4 sets aims (personal information + a 10,000-keyword library at ≥ 150 MB/s per core,
precision and recall ≥ 0.99 per category, scaling with cores). This script measures where we are,
on this machine, in one run, and prints one table:

* the floor: raw read + ``json.loads`` (stdlib) and aisgf's own readers;
* aisgf: the scan alone (Hyperscan + validators), the full pipeline on one core (reading, scan,
  quality, duplicates, findings file) and on N processes;
* peers on the same slice of the corpus: Presidio (its *pattern recognizers* called directly —
  Presidio's AnalyzerEngine needs a spaCy model, which is not installable here, so no NER runs;
  its phone recognizer is given the CN region to be fair), scrubadub (default detectors, locale
  zh_CN) and a plain-Python ``re`` scanner with the same patterns and validators as aisgf;
* the same tools on a small hand-labelled fixture of realistic text
  (``benchmarks/fixtures/screening_labelled.jsonl``: each line has its expected findings).

Presidio and scrubadub are installed by this script into their own venv
(``benchmarks/out/peers-venv``, ignored by git) with pinned versions, so they never touch the
project's environment; ``--no-peers`` skips them.

The corpus is generated with Faker's zh_CN/en_US providers (values independent of aisgf's code):
mixed Chinese/English filler, planted personal information (valid check digits), decoys with a
wrong check digit / bad prefix / out-of-range octet, keywords from a generated 10,000-keyword
library, many matches glued to Chinese characters with no space. Faker's ``jcb16`` provider is
not used: it emits 3500-3599 prefixes, outside the real JCB range 3528-3589.

Single-core figures pin the process to one CPU; each aisgf figure is the best and the median of
``--repeat`` runs (the machine is shared, so the best is the cleaner figure). Values are compared
after removing separators (so "+86 138 0013 8000" and "13800138000" are the same phone number).

    .venv/bin/python benchmarks/screening.py [--mb 40] [--workers 2] [--repeat 3] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from faker import Faker

from aisgf.screening import validators as v
from aisgf.screening.detectors import DETECTORS
from aisgf.screening.engine import Scanner
from aisgf.screening.keywords import load_library
from aisgf.screening.pipeline import ScreenConfig, run_screen, scanner_for
from aisgf.screening.readers import read_docs

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "screening_labelled.jsonl"
PEERS_VENV = HERE / "out" / "peers-venv"
PEER_PINS = ["presidio-analyzer==2.2.366", "scrubadub==2.0.1"]
CATS = ("cn_resident_id", "cn_mobile", "bank_card", "email", "ipv4", "ipv6", "keyword")
FIXTURE_CATS = ("cn_resident_id_old", "cn_uscc", "cn_landline", "cn_licence_plate", "passport")
SHORT = {
    "cn_resident_id": "res_id",
    "cn_mobile": "mobile",
    "bank_card": "card",
    "email": "email",
    "ipv4": "ipv4",
    "ipv6": "ipv6",
    "keyword": "keyword",
    "cn_resident_id_old": "old_id",
    "cn_uscc": "uscc",
    "cn_landline": "landline",
    "cn_licence_plate": "plate",
    "passport": "passport",
}
Found = dict[str, set[tuple[str, str]]]


# ---- corpus ---------------------------------------------------------------------------------
def make_keywords(rng: random.Random, n: int = 10_000) -> list[str]:
    cjk = [chr(c) for c in range(0x4E00, 0x9FA5)]
    out: set[str] = set()
    while len(out) < n:
        if rng.random() < 0.5:
            out.add("".join(rng.choice(cjk) for _ in range(4)))
        else:
            out.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(8, 12))))
    return sorted(out)


def _decoy(rng: random.Random, zh: Faker) -> str | None:
    val = rng.choice(
        [
            zh.ssn()[:-1] + "Z",  # not a check character at all
            (lambda x: x[:-1] + str((int(x[-1]) + 1) % 10) if x[-1].isdigit() else x[:-1] + "0")(zh.ssn()),
            "12" + str(rng.randrange(10**9)).zfill(9),  # 120-129: no mobile segment
            f"{rng.randint(256, 999)}." + ".".join(str(rng.randint(0, 255)) for _ in range(3)),
        ]
    )
    return None if v.is_valid_resident_id(val) else val


def make_corpus(
    dirpath: Path, target_mb: int, shards: int, keywords: list[str], seed: int = 1, plant: float = 0.5
) -> Found:
    """Write `shards` JSONL files; return {doc_id: {(category, value)}} ground truth.

    ``plant`` is the chance that a filler paragraph is followed by a planted value or decoy (0 =
    filler only: the speed when findings are rare, as in most real corpora).
    """
    rng = random.Random(seed)
    Faker.seed(seed)
    zh, en = Faker("zh_CN"), Faker("en_US")
    filler = [zh.text(200) for _ in range(1500)] + [en.text(200) for _ in range(1500)]
    truth: Found = {}
    per_shard = target_mb * 1_000_000 // shards
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
                    r = rng.random() if plant else 1.0
                    r = r * 0.5 / plant if plant else r
                    cat: str | None
                    if r < 0.08:
                        val, cat = zh.ssn(), "cn_resident_id"
                    elif r < 0.16:
                        val, cat = zh.phone_number(), "cn_mobile"
                    elif r < 0.22:
                        val, cat = en.credit_card_number(rng.choice(["visa16", "mastercard", "amex"])), "bank_card"
                    elif r < 0.28:
                        val, cat = en.email(), "email"
                    elif r < 0.32:
                        val, cat = zh.ipv4(), "ipv4"
                    elif r < 0.34:
                        val, cat = zh.ipv6(), "ipv6"
                    elif r < 0.44:
                        val, cat = rng.choice(keywords), "keyword"
                    elif r < 0.50:  # decoys: must NOT be found
                        decoy = _decoy(rng, zh)
                        if decoy is None:
                            continue
                        val, cat = decoy, None
                    else:
                        continue
                    glue = rng.random() < 0.5 or (cat == "keyword" and val.isascii())
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


# ---- scoring --------------------------------------------------------------------------------
def norm(cat: str, value: str) -> tuple[str, str]:
    """Compare values without separators, full-width forms or a +86/0086 prefix; keywords casefolded."""
    val = unicodedata.normalize("NFKC", value)
    if cat == "keyword":
        return cat, val.casefold()
    val = re.sub(r"[\s\-()]", "", val)
    if cat == "cn_mobile":
        val = re.sub(r"^(\+86|0086)", "", val)
    return cat, val.lower()


def score(found: Found, truth: Found, cats: tuple[str, ...]) -> dict[str, tuple[float | None, float | None]]:
    """(precision, recall) per category; None where there was nothing to measure."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for doc, planted in truth.items():
        want = {norm(*x) for x in planted if x[0] in cats}
        got = {norm(*x) for x in found.get(doc, set()) if x[0] in cats}
        for c, _ in got & want:
            tp[c] += 1
        for c, _ in got - want:
            fp[c] += 1
        for c, _ in want - got:
            fn[c] += 1
    return {
        c: (
            tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else None,
            tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else None,
        )
        for c in cats
    }


# ---- the tools --------------------------------------------------------------------------------
class ReBaseline:
    """Plain Python `re`: the same detector patterns with lookaround boundaries, the same validators."""

    def __init__(self, keywords: list[str], cats: tuple[str, ...]) -> None:
        self.pats = []
        for d in DETECTORS:
            if d.category not in cats:
                continue
            for p in d.patterns:
                self.pats.append((d, re.compile(r"(?<![0-9A-Za-z])(?:" + p + r")(?![0-9A-Za-z])")))
        alt = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
        self.kw = re.compile(alt, re.IGNORECASE) if keywords else None

    def scan(self, text: str) -> set[tuple[str, str]]:
        out = set()
        for d, rx in self.pats:
            for m in rx.finditer(text):
                if d.validate(m.group()):
                    out.add((d.category, m.group()))
        if self.kw is not None:
            for m in self.kw.finditer(text):
                out.add(("keyword", m.group()))
        return out


def scan_columns(sc: Scanner, texts: list[str]) -> int:
    """The scan the pipeline runs: texts in, findings out as numpy columns (no object per finding)."""
    n = 0
    for i in range(0, len(texts), 512):
        n += len(sc.scan_columns(texts[i : i + 512]))
    return n


def scan_objects(sc: Scanner, texts: list[str]) -> int:
    """The same scan with a ``Finding`` object per finding (the Python API's ``scan_batch``)."""
    n = 0
    for i in range(0, len(texts), 512):
        n += sum(map(len, sc.scan_batch(texts[i : i + 512])))
    return n


def aisgf_scan(sc: Scanner, docs: list[tuple[str, str]]) -> Found:
    found: Found = {}
    for i in range(0, len(docs), 512):
        chunk = docs[i : i + 512]
        for (k, _), fs in zip(chunk, sc.scan_batch([t for _, t in chunk]), strict=True):
            found[k] = {(f.category, f.value) for f in fs}
    return found


PEER_SCRIPT = r"""
import json, sys, time, logging
logging.disable(logging.CRITICAL)
tool, path = sys.argv[1], sys.argv[2]
docs = [json.loads(line) for line in open(path, encoding="utf-8")]

def phone_cat(value):
    digits = "".join(c for c in value if c.isdigit())
    for p in ("0086", "86"):
        if digits.startswith(p) and len(digits) - len(p) == 11:
            digits = digits[len(p):]
    return "cn_mobile" if len(digits) == 11 and digits.startswith("1") else "cn_landline"

if tool == "presidio":
    import tldextract, tldextract.tldextract as tx
    tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())  # offline: bundled suffix list
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer, EmailRecognizer, IpRecognizer, PhoneRecognizer)
    recs = [CreditCardRecognizer(), EmailRecognizer(), IpRecognizer(),
            PhoneRecognizer(supported_regions=("CN", "US", "UK", "DE"))]
    def scan(text):
        out = set()
        for r in recs:
            for x in r.analyze(text, entities=r.supported_entities, nlp_artifacts=None):
                val = text[x.start:x.end]
                cat = {"CREDIT_CARD": "bank_card", "EMAIL_ADDRESS": "email",
                       "IP_ADDRESS": "ipv6" if ":" in val else "ipv4"}.get(x.entity_type)
                if x.entity_type == "PHONE_NUMBER":
                    cat = phone_cat(val)
                if cat:
                    out.add((cat, val))
        return out
else:
    import scrubadub
    scrubber = scrubadub.Scrubber(locale="zh_CN")
    def scan(text):
        out = set()
        for f in scrubber.iter_filth(text):
            cat = {"credit_card": "bank_card", "email": "email"}.get(f.type)
            if f.type == "phone":
                cat = phone_cat(f.text)
            if cat:
                out.add((cat, f.text))
        return out

scan(docs[0]["text"])  # warm-up (lazy imports, compiled patterns)
t = time.perf_counter()
found = {d["id"]: sorted(scan(d["text"])) for d in docs}
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "found": found}, ensure_ascii=False))
"""


def ensure_peers_venv() -> Path | None:
    """Create benchmarks/out/peers-venv with the pinned peers (PyPI only); None if that fails."""
    py = PEERS_VENV / "bin" / "python"
    check = [str(py), "-c", "import presidio_analyzer, scrubadub"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py
    print(f"installing peers into {PEERS_VENV} ({', '.join(PEER_PINS)}) ...", flush=True)
    try:
        subprocess.run(["python3", "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PEER_PINS], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"peers not installed: {exc}")
        return None
    return py if subprocess.run(check, capture_output=True).returncode == 0 else None


def run_peer(py: Path, tool: str, docs: list[tuple[str, str]], tmp: Path, cpu: int) -> tuple[float, Found] | None:
    src = tmp / f"peer-{tool}.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}, ensure_ascii=False) + "\n" for k, t in docs), "utf-8")
    script = tmp / "peer.py"
    script.write_text(PEER_SCRIPT, encoding="utf-8")
    cmd = ["taskset", "-c", str(cpu), str(py), str(script), tool, str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{tool} failed: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return out["seconds"], {k: {(c, val) for c, val in vals} for k, vals in out["found"].items()}


# ---- measuring --------------------------------------------------------------------------------
def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) wall seconds of ``repeat`` runs."""
    secs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        secs.append(time.perf_counter() - t)
    return min(secs), statistics.median(secs)


def pin(cpu: int | None) -> None:
    """Pin this process to one CPU (single-core figures) or release it (None)."""
    if not hasattr(os, "sched_setaffinity"):
        return
    os.sched_setaffinity(0, {cpu} if cpu is not None else set(range(os.cpu_count() or 1)))


def _busy(n: int) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i % 7
    return time.perf_counter() - t


_FORK_SCAN: tuple[Scanner, list[str]] | None = None  # set before forking: the children scan from it


def _scan_slice(bounds: tuple[int, int]) -> int:
    assert _FORK_SCAN is not None
    sc, texts = _FORK_SCAN
    return scan_columns(sc, texts[bounds[0] : bounds[1]])


def scan_processes(sc: Scanner, texts: list[str], workers: int) -> Callable[[], object]:
    """The scan on ``workers`` forked processes, each over its share of the texts (no pickling of texts)."""
    import multiprocessing as mp

    global _FORK_SCAN
    _FORK_SCAN = (sc, texts)
    pool = mp.get_context("fork").Pool(workers)
    pool.map(_scan_slice, [(0, 512)] * workers)  # start the workers before timing
    step = -(-len(texts) // (4 * workers))
    chunks = [(i, i + step) for i in range(0, len(texts), step)]

    def run() -> object:
        return pool.map(_scan_slice, chunks)

    run.pool = pool  # type: ignore[attr-defined]
    return run


def breakdown(files: list[str], cfg: ScreenConfig, mb: float, fpath: str, repeat: int) -> str:
    """Milliseconds per MB of one core's pipeline, by turning parts off one at a time."""
    import dataclasses

    def ms(c: ScreenConfig, findings: str | None) -> float:
        scanner_for(c)
        return timed(lambda: run_screen(files, c, workers=1, findings_path=findings), repeat)[0] * 1000 / mb

    full = ms(cfg, fpath)
    parts = {
        "findings file": ms(cfg, None),
        "exact duplicates": ms(dataclasses.replace(cfg, exact_dups=False), fpath),
        "keyword library": ms(dataclasses.replace(cfg, libraries=[]), fpath),
        "detectors + keywords": ms(dataclasses.replace(cfg, libraries=[], categories=[]), fpath),
    }
    read = timed(lambda: [0 for f in files for _ in read_docs(f, f)], repeat)[0] * 1000 / mb
    lines = [f"breakdown, one core, ms per MB of JSONL: full pipeline {full:.2f}; reading + JSON decoding {read:.2f}"]
    lines += [f"  without {name}: {v:.2f} (so it costs {full - v:.2f})" for name, v in parts.items()]
    return "\n".join(lines)


def parallel_capacity(workers: int) -> str:
    """How much faster N busy processes are than one on this machine (shared or SMT cores show < N)."""
    import multiprocessing as mp

    n = 3_000_000
    one = min(_busy(n) for _ in range(2))
    with mp.get_context("fork").Pool(workers) as pool:
        t = time.perf_counter()
        pool.map(_busy, [n] * workers * 2)
        many = time.perf_counter() - t
    return (
        f"machine: {workers} busy pure-Python processes do {2 * workers * one / many:.2f}x the work of one "
        "(the ceiling for any process-level scaling here)"
    )


def cell(pr: tuple[float | None, float | None] | None) -> str:
    """'P/R' in percent; 100 only when exact, '—' where the tool made no prediction / there was no truth."""
    if pr is None:
        return ""

    def pct(x: float | None) -> str:
        if x is None:
            return "—"
        return "100" if x == 1.0 else f"{min(99.9, 100 * x):.1f}"

    return f"{pct(pr[0])}/{pct(pr[1])}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=40)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--slice-mb", type=float, default=0.3, help="slice of the corpus for the slow peers")
    ap.add_argument("--no-peers", action="store_true", help="skip Presidio and scrubadub")
    ap.add_argument("--cpu", type=int, default=0, help="CPU for the single-core figures (and the peers)")
    ap.add_argument(
        "--breakdown", action="store_true", help="also: where one core's time goes (the pipeline with parts turned off)"
    )
    args = ap.parse_args()
    keywords = make_keywords(random.Random(0))
    rows: list[tuple[str, str, float | None, float | None, float | None, dict[str, tuple[float | None, float | None]]]]
    rows = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        d = Path(tmpdir)
        (d / "kw.txt").write_text("\n".join(keywords), encoding="utf-8")
        t = time.perf_counter()
        truth = make_corpus(d, args.mb, args.shards, keywords)
        print(f"corpus: {args.mb} MB in {args.shards} shards, {len(truth)} documents ({time.perf_counter() - t:.1f} s)")
        files = sorted(str(p) for p in d.glob("part-*.jsonl"))
        lib = load_library(d / "kw.txt")
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        docs = [(str(doc.key), doc.text or "") for f in files for doc in read_docs(f, f)]
        n = len(docs)
        text_mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6

        pin(args.cpu)

        def floor_stdlib() -> None:
            for f in files:
                with open(f, encoding="utf-8") as fh:
                    for line in fh:
                        json.loads(line)

        best, med = timed(floor_stdlib, args.repeat)
        rows.append(("floor: read + json.loads (stdlib)", "corpus", mb / best, mb / med, n / best, {}))
        best, med = timed(lambda: [0 for f in files for _ in read_docs(f, f)], args.repeat)
        rows.append(("floor: aisgf readers (orjson, blocks)", "corpus", mb / best, mb / med, n / best, {}))

        sc = Scanner(list(DETECTORS), [lib])
        texts = [t for _, t in docs]
        scan_columns(sc, texts[:512])  # load the compiled kernels (numba's cache) before timing
        corpus_score = score(aisgf_scan(sc, docs), truth, CATS)
        best, med = timed(lambda: scan_columns(sc, texts), args.repeat)
        rows.append(
            ("aisgf scan: Hyperscan + native checks", "corpus", text_mb / best, text_mb / med, n / best, corpus_score)
        )
        best, med = timed(lambda: scan_objects(sc, texts), args.repeat)
        rows.append(("aisgf scan, as Finding objects", "corpus", text_mb / best, text_mb / med, n / best, {}))

        cfg = ScreenConfig(libraries=[lib], redact_key=b"bench")
        scanner_for(cfg)  # compiled once per process, as a long run would
        fpath = str(d / "findings.jsonl")
        best, med = timed(lambda: run_screen(files, cfg, workers=1, findings_path=fpath), args.repeat)
        rows.append(("aisgf full pipeline, 1 core", "corpus", mb / best, mb / med, n / best, corpus_score))
        pin(None)
        best, med = timed(lambda: run_screen(files, cfg, workers=args.workers, findings_path=fpath), args.repeat)
        rows.append(
            (f"aisgf full pipeline, {args.workers} processes", "corpus", mb / best, mb / med, n / best, corpus_score)
        )
        scan_many = scan_processes(sc, texts, args.workers)
        best, med = timed(scan_many, args.repeat)
        scan_many.pool.close()  # type: ignore[attr-defined]
        rows.append((f"aisgf scan, {args.workers} processes", "corpus", text_mb / best, text_mb / med, n / best, {}))
        notes.append(parallel_capacity(args.workers))
        pin(args.cpu)
        if args.breakdown:
            notes.append(breakdown(files, cfg, mb, fpath, args.repeat))

        # the same filler with nothing planted: the speed when findings are rare
        clean_dir = d / "clean"
        clean_dir.mkdir()
        make_corpus(clean_dir, min(args.mb, 10), 2, keywords, plant=0.0)
        cfiles = sorted(str(p) for p in clean_dir.glob("part-*.jsonl"))
        cmb = sum(os.path.getsize(f) for f in cfiles) / 1e6
        cdocs = [(str(doc.key), doc.text or "") for f in cfiles for doc in read_docs(f, f)]
        ctext_mb = sum(len(t.encode("utf-8")) for _, t in cdocs) / 1e6
        ctexts = [t for _, t in cdocs]
        best, med = timed(lambda: scan_columns(sc, ctexts), args.repeat)
        rows.append(
            (
                "aisgf scan: Hyperscan + native checks",
                "filler only",
                ctext_mb / best,
                ctext_mb / med,
                len(cdocs) / best,
                {},
            )
        )
        best, med = timed(lambda: run_screen(cfiles, cfg, workers=1, findings_path=fpath), args.repeat)
        rows.append(("aisgf full pipeline, 1 core", "filler only", cmb / best, cmb / med, len(cdocs) / best, {}))

        # the slice, for the slow tools
        slice_docs: list[tuple[str, str]] = []
        acc = 0
        for k, text in docs:
            slice_docs.append((k, text))
            acc += len(text.encode("utf-8"))
            if acc > args.slice_mb * 1e6:
                break
        smb = acc / 1e6
        slice_truth = {k: truth[k] for k, _ in slice_docs}
        tag = f"slice {smb:.1f} MB"
        stexts = [t for _, t in slice_docs]
        best, med = timed(lambda: scan_columns(sc, stexts), args.repeat)
        sscore = score(aisgf_scan(sc, slice_docs), slice_truth, CATS)
        rows.append(("aisgf scan", tag, smb / best, smb / med, len(slice_docs) / best, sscore))
        for label, kws in (("peer: stdlib re + same validators", keywords), ("peer: stdlib re, no keywords", [])):
            base = ReBaseline(kws, CATS)
            t = time.perf_counter()
            bfound = {k: base.scan(text) for k, text in slice_docs}
            secs = time.perf_counter() - t
            rows.append((label, tag, smb / secs, None, len(slice_docs) / secs, score(bfound, slice_truth, CATS)))

        fixture = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
        fdocs = [(x["id"], x["text"]) for x in fixture]
        ftruth: Found = {x["id"]: {(c, val) for c, val in x["expected"]} for x in fixture}
        fcats = CATS + FIXTURE_CATS
        fmb = sum(len(t.encode("utf-8")) for _, t in fdocs) / 1e6
        fsc = Scanner(list(DETECTORS), [load_library("example:cbrn")])
        peers_py = None if args.no_peers else ensure_peers_venv()
        peer_rows: list[tuple[str, str, float | None, float | None, float | None, dict]] = []  # type: ignore[type-arg]
        fixture_rows: list[tuple[str, str, float | None, float | None, float | None, dict]] = []  # type: ignore[type-arg]
        fixture_rows.append(("aisgf scan", "fixture", None, None, None, score(aisgf_scan(fsc, fdocs), ftruth, fcats)))
        fbase = ReBaseline(["sarin", "沙林", "芥子气", "化学武器", "VX nerve agent", "mustard gas"], fcats)
        fixture_rows.append(
            ("peer: stdlib re", "fixture", None, None, None, score({k: fbase.scan(t) for k, t in fdocs}, ftruth, fcats))
        )
        if peers_py is not None:
            for tool, label in (
                ("presidio", "peer: Presidio 2.2.366 (patterns)"),
                ("scrubadub", "peer: scrubadub 2.0.1"),
            ):
                res = run_peer(peers_py, tool, slice_docs, d, args.cpu)
                if res is not None:
                    secs, pfound = res
                    peer_rows.append(
                        (label, tag, smb / secs, None, len(slice_docs) / secs, score(pfound, slice_truth, CATS))
                    )
                res = run_peer(peers_py, tool, fdocs, d, args.cpu)
                if res is not None:
                    fixture_rows.append((label, "fixture", None, None, None, score(res[1], ftruth, fcats)))
            notes.append(
                "Presidio: pattern recognizers called directly (credit card, e-mail, IP, phone with CN region); "
                "its AnalyzerEngine needs a spaCy model, which is not installable here, so no NER ran."
            )
        else:
            notes.append("Presidio / scrubadub: not run (--no-peers, or their venv could not be installed).")
        rows += peer_rows + fixture_rows
        pin(None)

    print(
        f"\nmachine: {os.cpu_count()} cores; {len(keywords)} keywords; corpus {mb:.1f} MB JSONL "
        f"({text_mb:.1f} MB of text), {n} documents; fixture {len(fdocs)} hand-labelled documents ({fmb * 1e3:.1f} kB)"
    )
    head = f"{'what':<38}{'data':<14}{'MB/s best':>10}{'median':>8}{'docs/s':>9}  "
    head += "".join(f"{SHORT[c]:>10}" for c in fcats)
    print(head)
    print("-" * len(head))
    for what, data, best_mb, med_mb, dps, sc_ in rows:
        line = f"{what:<38}{data:<14}"
        line += f"{best_mb:>10.{1 if best_mb >= 10 else 2}f}" if best_mb is not None else f"{'':>10}"
        line += f"{med_mb:>8.1f}" if med_mb is not None else f"{'':>8}"
        line += f"{dps:>9.0f}  " if dps is not None else f"{'':>9}  "
        line += "".join(f"{cell(sc_.get(c)):>10}" for c in fcats)
        print(line)
    print(
        "\ncells: precision/recall in %, '—' = no prediction (P) or nothing planted (R); "
        "1 core = pinned to one CPU (--cpu)."
    )
    print("aisgf scan MB/s counts text bytes; the other corpus rows count JSONL bytes. Single runs: peers, stdlib re.")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
