"""Model artifact benchmark: hashing a model directory against `sha256sum`, and pickle scanning speed.

Why: `read_model_dir` hashes every byte of a model (tens of GB for a 7B model in 16-bit), so its hashing
must run near the speed of the system's own tool, or people skip the check; the target is at least 80 %
of `sha256sum` on the same files. Pickle scanning runs over every checkpoint of a model zoo, so files/s
and MB/s over a few hundred pickles are printed too, then over a few large ones (above
`MAX_PICKLE_OPCODES` bytes, so their opcodes are counted before picklescan is given them), and the time
and traced peak memory of refusing a 50 MB opcode flood (which picklescan alone holds as 5 GB).

Files are written to a temporary directory first and each side is timed on a warm page cache (best of
`--repeat` runs, alternating), so the figures compare hashing, not the disk.

    .venv/bin/python benchmarks/model_artifacts.py                  # ~2 GB of weights, 300 pickles
    .venv/bin/python benchmarks/model_artifacts.py --size-gb 0.5 --pickles 200 --flood-mb 10
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from aisgf.lineage.artifacts import MAX_PICKLE_OPCODES, read_model_dir, scan_pickle

MB = 1024 * 1024


def write_model(d: Path, size_gb: float) -> int:
    """Shards of pseudo-random bytes (as weights look to a hash) plus a few small files; returns bytes."""
    d.mkdir(parents=True)
    total = int(size_gb * 1024 * MB)
    shard = min(512 * MB, max(MB, total // 4))
    block = os.urandom(8 * MB)
    written, i = 0, 0
    while written < total:
        n = min(shard, total - written)
        with open(d / f"model-{i:05d}.safetensors", "wb") as f:
            left = n
            while left:
                f.write(block[:min(left, len(block))])
                left -= min(left, len(block))
        written += n
        i += 1
    for name in ("config.json", "tokenizer.json", "README.md"):
        (d / name).write_text("{}\n")
    return written + 9


def time_ours(d: Path) -> float:
    t = time.perf_counter()
    read_model_dir(d)
    return time.perf_counter() - t


def time_sha256sum(d: Path) -> float:
    files = sorted(str(p) for p in d.iterdir() if p.is_file())
    t = time.perf_counter()
    subprocess.run(["sha256sum", *files], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def write_pickles(d: Path, n: int) -> int:
    """Pickles the size of optimizer states and tokenizer dumps (dicts of lists of floats, 10 KB–1 MB)."""
    d.mkdir(parents=True)
    total = 0
    for i in range(n):
        data = {f"layer{j}": [float(k) for k in range(50 * (1 + i % 40))] for j in range(20)}
        raw = pickle.dumps(data, protocol=4 if i % 2 else 2)
        (d / f"state-{i:04d}.pkl").write_bytes(raw)
        total += len(raw)
    return total


def write_large_pickles(d: Path, n: int) -> int:
    """Pickles of about 5–8 MB as a training script leaves them: a long list of floats (a loss curve, about 600,000
    opcodes) beside raw bytes (an array pickled as one BINBYTES); each is above the size under which the
    opcode count is skipped, so each is counted before it is scanned."""
    d.mkdir(parents=True)
    total = 0
    for i in range(n):
        data = {"losses": [float(k) / 7 for k in range(300_000)], "buffer": os.urandom((2 + i % 4) * MB)}
        raw = pickle.dumps(data, protocol=4)
        (d / f"large-{i:02d}.pkl").write_bytes(raw)
        total += len(raw)
    return total


def write_flood(path: Path, size_mb: float) -> int:
    """EMPTY_TUPLE + POP pairs: the smallest opcodes, the most per byte; returns the opcode count."""
    pairs = int(size_mb * MB) // 2
    with open(path, "wb") as f:
        f.write(b"\x80\x04")
        chunk = b")0" * 65536
        for _ in range(pairs // 65536):
            f.write(chunk)
        f.write(b")0" * (pairs % 65536) + b"N.")
    return 2 * pairs + 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0, help="size of the generated model directory")
    parser.add_argument("--pickles", type=int, default=300, help="number of generated pickles to scan")
    parser.add_argument("--large-pickles", type=int, default=5, help="number of large (about 5-8 MB) pickles to scan")
    parser.add_argument("--flood-mb", type=float, default=50.0, help="size of the opcode flood to refuse")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (best is kept)")
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        raise SystemExit("sha256sum (GNU coreutils) is not on PATH")
    tmp = Path(tempfile.mkdtemp(prefix="aisgf-bench-artifacts-"))
    try:
        model = tmp / "model"
        size = write_model(model, args.size_gb)
        time_ours(model)  # warm the page cache
        ours, theirs = [], []
        for _ in range(args.repeat):
            ours.append(time_ours(model))
            theirs.append(time_sha256sum(model))
        ours_mbs, theirs_mbs = size / MB / min(ours), size / MB / min(theirs)
        print(f"hashing {size / MB / 1024:.2f} GB in {len(list(model.iterdir()))} files (best of {args.repeat}):")
        print(f"  read_model_dir  {ours_mbs:8.0f} MB/s")
        print(f"  sha256sum       {theirs_mbs:8.0f} MB/s")
        print(f"  ratio           {ours_mbs / theirs_mbs:8.0%}  (target >= 80%)")

        for title, folder, write, count, fmt in (
                ("pickle scanning", "pickles", write_pickles, args.pickles, "8.0f"),
                ("large pickles (opcodes counted first)", "large", write_large_pickles, args.large_pickles, "8.1f")):
            written = write(tmp / folder, count)
            paths = sorted((tmp / folder).iterdir())
            t = time.perf_counter()
            findings = [scan_pickle(p) for p in paths]
            elapsed = time.perf_counter() - t
            assert all(f.safe for f in findings), [f for f in findings if not f.safe][:3]
            print(f"{title}, {len(paths)} files, {written / MB:.1f} MB:")
            print(f"  {len(paths) / elapsed:{fmt}} files/s  {written / MB / elapsed:8.1f} MB/s")

        flood = tmp / "flood.pkl"
        ops = write_flood(flood, args.flood_mb)
        t = time.perf_counter()
        finding = scan_pickle(flood)
        elapsed = time.perf_counter() - t
        tracemalloc.start()
        scan_pickle(flood)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert not finding.safe and (finding.error or "").startswith("too large to scan"), finding
        print(f"opcode flood, {flood.stat().st_size / MB:.0f} MB, {ops:,} opcodes (cap {MAX_PICKLE_OPCODES:,}):")
        print(f"  refused in {elapsed:.2f} s, traced peak {peak / MB:.1f} MB (the file itself is read into memory)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
