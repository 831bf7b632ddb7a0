"""Reading model directories: real safetensors, GGUF, pickle and PyTorch-zip files written by the tests,
and Hugging Face cache snapshots laid out with real symlinks as huggingface_hub makes them.

The malicious pickles are built with `pickle.dumps` of objects whose ``__reduce__`` names a dangerous
callable (never called); each would create a marker file if anything unpickled it, and every test that
scans one checks that the marker is still absent.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import struct
import subprocess
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

from aisgf.errors import InvalidInput, NotFound
from aisgf.lineage import artifacts
from aisgf.lineage.artifacts import read_gguf_header, read_model_dir, read_safetensors_header, scan_pickle
from aisgf.lineage.artifacts_types import HubSnapshot

# --- writers (by the formats' specs) ---------------------------------------------------------------------


def write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int], int]],
                      metadata: dict[str, str] | None = None) -> None:
    """tensors: name → (dtype, shape, bytes); the header is padded with spaces to 8 bytes, as the spec says."""
    header: dict[str, Any] = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name, (dtype, shape, nbytes) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(offset))


def _gstr(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(b)) + b


def gguf_kv(key: str, vtype: int, value: Any) -> bytes:
    fmts = {0: "<B", 4: "<I", 5: "<i", 6: "<f", 10: "<Q"}
    if vtype == 8:
        body = _gstr(value)
    elif vtype == 7:
        body = b"\x01" if value else b"\x00"
    elif vtype == 9:
        etype, items = value
        body = struct.pack("<IQ", etype, len(items)) + b"".join(
            _gstr(i) if etype == 8 else struct.pack(fmts[etype], i) for i in items)
    else:
        body = struct.pack(fmts[vtype], value)
    return _gstr(key) + struct.pack("<I", vtype) + body


def write_gguf(path: Path, kvs: list[bytes], tensors: list[tuple[str, list[int], int]]) -> None:
    """A GGUF v3 file: header, metadata, tensor infos, padding to 32 bytes and zeroed tensor data."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kvs)
    offset = 0
    for name, dims, ggml_type in tensors:
        out += _gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", ggml_type, offset)
        offset += 64
    out += bytes(-len(out) % 32) + bytes(offset)
    path.write_bytes(out)


class Reduces:
    """An object that pickles as a call of `fn(*args)`; pickling it calls nothing."""

    def __init__(self, fn: Any, *args: Any):
        self.fn, self.args = fn, args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.fn, self.args


def malicious_pickles(d: Path, marker: Path) -> dict[str, bytes]:
    """Each kind of payload, all of which would create `marker` if unpickled."""
    touch = f"touch {marker}"
    return {
        "os_system.pkl": pickle.dumps(Reduces(os.system, touch), protocol=4),
        # Protocol 2 with Python 3's default fix_imports writes subprocess.Popen as `commands Popen`.
        "popen.pickle": pickle.dumps(Reduces(subprocess.Popen, ["touch", str(marker)]), protocol=2),
        "eval.pt": pickle.dumps(Reduces(eval, f"open({str(marker)!r}, 'w')"), protocol=4),
        "exec.ckpt": pickle.dumps(Reduces(exec, f"open({str(marker)!r}, 'w')"), protocol=2),
    }


def torch_zip(path: Path, payload: bytes) -> None:
    """A PyTorch-style checkpoint: a zip with archive/data.pkl (and the version record torch writes)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")
        z.writestr("archive/data/0", bytes(16))


BENIGN = {"weights": [[0.5, 1.5], [2.5]], "labels": ["a", "b"]}


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    m = tmp_path / "UNPICKLED"
    yield m
    assert not m.exists(), "something unpickled a test payload"


# --- safetensors -----------------------------------------------------------------------------------------


def test_safetensors_header_counts_tensors_dtypes_and_parameters(tmp_path: Path) -> None:
    f = tmp_path / "model.safetensors"
    write_safetensors(f, {"embed": ("F32", [4, 3], 48), "norm": ("BF16", [4], 8), "step": ("I64", [], 8)},
                      metadata={"format": "pt"})
    s = read_safetensors_header(f, name="model.safetensors")
    assert (s.format, s.tensors, s.parameters) == ("safetensors", 3, 12 + 4 + 1)
    assert s.dtypes == {"BF16": 1, "F32": 1, "I64": 1}
    assert s.metadata == {"format": "pt"} and s.error is None


def _st(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


@pytest.mark.parametrize(("raw", "needle"), [
    (b"\x10\x00\x00", "header length"),  # truncated before the 8-byte length
    (struct.pack("<Q", 2**63) + b"{}", "above the format's limit"),
    (struct.pack("<Q", 4096) + b"{}", "claims 4096 bytes but only 2"),
    (struct.pack("<Q", 4) + b"\xff\xfe{}", "not UTF-8"),
    (struct.pack("<Q", 4) + b"{{{{", "not valid JSON"),
    (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
    (_st(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8000]}}'), "do not lie within"),
    (_st(b'{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', bytes(8)), "needs 12 bytes"),
    (_st(b'{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'), "non-negative"),
    (_st(b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', bytes(8)), "do not lie within"),
    (_st(b'{"w":[1]}'), "entry is not an object"),
])
def test_hostile_safetensors_headers_are_refused_naming_the_file(tmp_path: Path, raw: bytes, needle: str) -> None:
    f = tmp_path / "bad.safetensors"
    f.write_bytes(raw)
    with pytest.raises(InvalidInput) as caught:
        read_safetensors_header(f, name="sub/bad.safetensors")
    assert caught.value.where == "sub/bad.safetensors"
    assert needle in caught.value.message


# --- GGUF ------------------------------------------------------------------------------------------------


def _gguf_model(path: Path) -> None:
    write_gguf(path, [
        gguf_kv("general.architecture", 8, "llama"),
        gguf_kv("general.name", 8, "Tiny Llama Q8"),
        gguf_kv("general.base_model.count", 4, 1),
        gguf_kv("general.base_model.0.name", 8, "Tiny Llama"),
        gguf_kv("general.base_model.0.repo_url", 8, "https://huggingface.co/example/tiny-llama"),
        gguf_kv("llama.context_length", 4, 2048),
        gguf_kv("llama.rope.freq_base", 6, 10000.0),
        gguf_kv("tokenizer.ggml.add_bos_token", 7, True),
        gguf_kv("tokenizer.ggml.tokens", 9, (8, [f"tok{i}" for i in range(100)])),
        gguf_kv("tokenizer.ggml.token_type", 9, (5, [1, 2, 3])),
    ], [("token_embd.weight", [8, 4], 8), ("output_norm.weight", [8], 0), ("blk.0.attn_q.weight", [8, 8], 8)])


def test_gguf_header_metadata_and_tensors(tmp_path: Path) -> None:
    f = tmp_path / "tiny.Q8_0.gguf"
    _gguf_model(f)
    s = read_gguf_header(f)
    assert (s.format, s.tensors, s.parameters) == ("gguf", 3, 32 + 8 + 64)
    assert s.dtypes == {"F32": 1, "Q8_0": 2}
    m = s.metadata
    assert m["gguf.version"] == 3 and m["general.architecture"] == "llama" and m["general.name"] == "Tiny Llama Q8"
    assert m["general.base_model.0.repo_url"] == "https://huggingface.co/example/tiny-llama"
    assert m["llama.context_length"] == 2048 and m["tokenizer.ggml.add_bos_token"] is True
    assert m["tokenizer.ggml.token_type"] == [1, 2, 3]
    assert m["tokenizer.ggml.tokens"] == {"type": "string", "length": 100}  # summarised, not copied


def _gguf_head(n_tensors: int, n_kv: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, n_tensors, n_kv)


@pytest.mark.parametrize(("raw", "needle"), [
    (_gguf_head(0, 2**60) + bytes(64), "2^60"),
    (_gguf_head(2**40, 0), "tensors"),
    (b"GGUF\x03\x00", "the GGUF version"),  # truncated
    (b"GGML" + bytes(20), "not a GGUF file"),
    (b"GGUF" + struct.pack("<IQQ", 1, 0, 0), "version 1 is not supported"),
    (_gguf_head(0, 1) + struct.pack("<Q", 2**62) + b"key" + bytes(16), "claims 4611686018427387904 bytes"),
    (_gguf_head(0, 1) + _gstr("k") + struct.pack("<IIQ", 9, 4, 2**50) + bytes(8), "claims 1125899906842624 elem"),
    (_gguf_head(0, 1) + _gstr("k") + struct.pack("<I", 99) + bytes(8), "unknown value type 99"),
    (_gguf_head(0, 1) + _gstr("k") + struct.pack("<I", 9) + struct.pack("<IQ", 9, 1) * 40 + bytes(64),
     "nested more than"),
    (_gguf_head(0, 1) + _gstr(b"\xff\xfe") + struct.pack("<IB", 0, 1) + bytes(16), "not UTF-8"),
    (_gguf_head(1, 0) + _gstr("t") + struct.pack("<I", 9) + bytes(96), "at most 4"),
])
def test_hostile_gguf_headers_are_refused_without_big_allocations(tmp_path: Path, raw: bytes, needle: str) -> None:
    f = tmp_path / "bad.gguf"
    f.write_bytes(raw)
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as caught:
            read_gguf_header(f, name="bad.gguf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.where == "bad.gguf"
    assert needle.replace("2^60", str(2**60)) in caught.value.message
    assert peak < 4 * 1024 * 1024


def test_big_endian_gguf_is_read(tmp_path: Path) -> None:
    f = tmp_path / "be.gguf"
    key = b"general.architecture"
    f.write_bytes(b"GGUF" + struct.pack(">IQQ", 3, 0, 1) + struct.pack(">Q", len(key)) + key
                  + struct.pack(">IQ", 8, 4) + b"qwen")
    assert read_gguf_header(f).metadata["general.architecture"] == "qwen"


# --- pickles ---------------------------------------------------------------------------------------------


def test_each_malicious_pickle_is_flagged_and_never_unpickled(tmp_path: Path, marker: Path) -> None:
    expected = {"os_system.pkl": "posix system", "popen.pickle": "commands Popen", "eval.pt": "builtins eval",
                "exec.ckpt": "__builtin__ exec"}
    for name, data in malicious_pickles(tmp_path, marker).items():
        f = tmp_path / name
        f.write_bytes(data)
        finding = scan_pickle(f, name=name)
        assert not finding.safe, name
        assert expected[name] in finding.dangerous, (name, finding)
        assert finding.scanner.startswith("picklescan ")


def test_pytorch_zip_with_malicious_data_pkl_is_flagged(tmp_path: Path, marker: Path) -> None:
    f = tmp_path / "pytorch_model.bin"
    torch_zip(f, pickle.dumps(Reduces(os.system, f"touch {marker}"), protocol=2))
    finding = scan_pickle(f)
    assert finding.dangerous == ["posix system"] and finding.error is None


def test_benign_pickle_is_clean_and_garbage_is_not(tmp_path: Path) -> None:
    good = tmp_path / "state.pkl"
    good.write_bytes(pickle.dumps(BENIGN, protocol=4))
    finding = scan_pickle(good)
    assert finding.safe and finding.dangerous == [] and finding.suspicious == []
    junk = tmp_path / "weights.bin"
    junk.write_bytes(b"\x00\xffnot a pickle at all" * 10)
    bad = scan_pickle(junk)
    assert not bad.safe and bad.error is not None and "not a pickle" in bad.error
    empty_zip = tmp_path / "model.pt"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("readme.txt", "no pickle here")
    assert scan_pickle(empty_zip).error == "a zip archive with no pickle inside (no data.pkl)"


def test_unlisted_import_is_suspicious_not_dangerous(tmp_path: Path) -> None:
    f = tmp_path / "custom.pkl"
    f.write_bytes(b"\x80\x02cmylib.models\nTinyNet\nq\x00)\x81q\x01.")
    finding = scan_pickle(f)
    assert finding.safe and finding.suspicious == ["mylib.models TinyNet"]


def test_pickle_claiming_a_huge_byte_string_is_an_error_not_an_allocation(tmp_path: Path) -> None:
    f = tmp_path / "huge.pkl"
    f.write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**40) + b"abc.")  # BINBYTES8 of 1 TiB
    tracemalloc.start()
    try:
        finding = scan_pickle(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert finding.error is not None and not finding.safe
    assert peak < 16 * 1024 * 1024


# --- the directory ---------------------------------------------------------------------------------------

CARD = """---
license: apache-2.0
base_model:
  - example/base-7b
  - example/other-7b
base_model_relation: merge
datasets: example/instructions
language: [zh, en]
model_name: merged-7b
---
# merged-7b

Text after the front matter, with --- a dash line that is not a fence.
"""


def _model_dir(root: Path) -> Path:
    d = root / "model"
    (d / "sub").mkdir(parents=True)
    (d / "README.md").write_text(CARD, encoding="utf-8")
    (d / "config.json").write_text(json.dumps({"_name_or_path": "ignored-name", "model_type": "llama"}))
    write_safetensors(d / "model-00001-of-00002.safetensors", {"a": ("F16", [2, 2], 8)})
    write_safetensors(d / "sub" / "model-00002-of-00002.safetensors", {"b": ("F32", [3], 12), "c": ("F32", [1], 4)})
    _gguf_model(d / "tiny.gguf")
    (d / "optimizer.pkl").write_bytes(pickle.dumps(BENIGN))
    (d / "big.dat").write_bytes(os.urandom(artifacts.CHUNK + 12345))  # more than one read
    return d


def test_read_model_dir_reads_card_config_headers_and_hashes(tmp_path: Path) -> None:
    d = _model_dir(tmp_path)
    calls: list[tuple[int, int, str]] = []
    info = read_model_dir(d, progress=lambda done, total, name: calls.append((done, total, name)))
    assert info.name == "merged-7b"
    # the card's two, then tiny.gguf's general.base_model.0 (its huggingface.co repo_url gives the ID)
    assert info.base_models == ["example/base-7b", "example/other-7b", "example/tiny-llama"]
    assert info.base_model_sources == {"example/base-7b": ["README.md"], "example/other-7b": ["README.md"],
                                       "example/tiny-llama": ["tiny.gguf"]}
    assert info.base_model_relation == "merge" and info.hub_snapshot is None
    assert (info.license, info.datasets, info.languages) == ("apache-2.0", ["example/instructions"], ["zh", "en"])
    assert info.config["model_type"] == "llama"
    paths = [f.path for f in info.files]
    assert paths == sorted(paths) and "sub/model-00002-of-00002.safetensors" in paths and len(paths) == 7
    for f in info.files:
        data = (d / f.path).read_bytes()
        assert (f.size, f.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert info.parameters == 4 + 3 + 1 + 104
    assert {t.path: t.format for t in info.tensors} == {
        "model-00001-of-00002.safetensors": "safetensors", "sub/model-00002-of-00002.safetensors": "safetensors",
        "tiny.gguf": "gguf"}
    assert [p.path for p in info.pickles] == ["optimizer.pkl"] and info.unsafe_pickles == []
    assert info.refused == [] and info.errors == [] and info.unchecked == []
    total = sum(f.size for f in info.files)
    assert calls[-1][:2] == (total, total) and all(c[1] == total for c in calls)


def test_name_falls_back_to_config_then_directory(tmp_path: Path) -> None:
    d = tmp_path / "bare-model"
    d.mkdir()
    assert read_model_dir(d).name == "bare-model"
    (d / "configuration.json").write_text('{"_name_or_path": "ms/model"}')  # ModelScope's name
    assert read_model_dir(d).name == "ms/model"


def test_malicious_files_in_a_directory_are_reported(tmp_path: Path, marker: Path) -> None:
    d = tmp_path / "evil"
    d.mkdir()
    for name, data in malicious_pickles(d, marker).items():
        (d / name).write_bytes(data)
    torch_zip(d / "checkpoint.zip", pickle.dumps(Reduces(os.system, f"touch {marker}")))  # found by content
    info = read_model_dir(d)
    assert sorted(p.path for p in info.unsafe_pickles) == sorted([*malicious_pickles(d, marker), "checkpoint.zip"])


def test_symlinks_out_of_the_directory_fifos_and_dangling_links_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bin").write_bytes(pickle.dumps(BENIGN))
    d = tmp_path / "model"
    d.mkdir()
    (d / "weights.bin").write_bytes(pickle.dumps(BENIGN))
    (d / "escape.bin").symlink_to(outside / "secret.bin")
    (d / "relative-escape.bin").symlink_to("../outside/secret.bin")
    (d / "dir-link").symlink_to(outside, target_is_directory=True)
    (d / "dangling").symlink_to(d / "missing")
    (d / "alias.bin").symlink_to("weights.bin")  # stays inside: read
    os.mkfifo(d / "pipe")  # reading it would block forever
    info = read_model_dir(d)
    assert info.refused == ["dangling", "dir-link", "escape.bin", "pipe", "relative-escape.bin"]
    assert [f.path for f in info.files] == ["alias.bin", "weights.bin"]
    assert [p.path for p in info.pickles] == ["alias.bin", "weights.bin"]


def test_hostile_files_in_a_directory_are_recorded_not_raised(tmp_path: Path) -> None:
    d = tmp_path / "model"
    d.mkdir()
    (d / "a.safetensors").write_bytes(struct.pack("<Q", 2**62))
    (d / "b.gguf").write_bytes(_gguf_head(0, 2**60))
    (d / "config.json").write_bytes(b'{"name": "\xff"}')
    (d / "README.md").write_text("---\na: &x [1, 2]\nb: *x\n---\n")
    info = read_model_dir(d)
    errors = {t.path: t.error for t in info.tensors}
    assert "above the format's limit" in (errors["a.safetensors"] or "")
    assert str(2**60) in (errors["b.gguf"] or "")
    assert all(t.tensors == 0 and t.parameters == 0 for t in info.tensors)
    assert any(e.startswith("config.json: the config is not UTF-8") for e in info.errors)
    assert any(e.startswith("README.md:") and "aliases are not accepted" in e for e in info.errors)
    assert len(info.files) == 4 and info.card == {} and info.config == {}


@pytest.mark.parametrize(("text", "needle"), [
    ("---\nlicense: [unclosed\n---\n", "not valid YAML at line"),
    ("---\nlicense: mit\n", "no closing '---'"),
    ("---\n- a list\n---\n", "not a mapping"),
])
def test_bad_card_front_matter_is_an_error_naming_the_card(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "README.md"
    f.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        artifacts.read_card(f, name="README.md")
    assert needle in caught.value.message and caught.value.where == "README.md"


def test_card_without_front_matter_is_empty(tmp_path: Path) -> None:
    f = tmp_path / "README.md"
    f.write_text("# just a title\n")
    assert artifacts.read_card(f) == {}


def test_missing_directory_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        read_model_dir(tmp_path / "nope")


def test_bounded_reader_caps_claimed_lengths_at_the_file_size(tmp_path: Path) -> None:
    f = tmp_path / "big.pkl"
    f.write_bytes(b"\x80\x04" + b"x" * 100 + b"no newline")
    raw = io.FileIO(str(f), "rb")
    tracemalloc.start()
    try:
        with artifacts._Bounded(raw, f.stat().st_size) as r:
            assert r.read(2) == b"\x80\x04"
            assert r.read(2**40) == b"x" * 100 + b"no newline"  # a short read, no 1 TiB buffer
            assert r.read(5) == b""
            r.seek(0)
            assert r.readline() == f.read_bytes()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


# --- opcode floods ---------------------------------------------------------------------------------------


def _flood(n_pairs: int) -> bytes:
    """A valid pickle of `n_pairs` EMPTY_TUPLE + POP opcode pairs (two opcodes in two bytes), then None."""
    return b"\x80\x04" + b")0" * n_pairs + b"N."


def test_an_opcode_flood_is_refused_unscanned_in_bounded_memory(tmp_path: Path) -> None:
    f = tmp_path / "flood.pkl"
    f.write_bytes(_flood(4 * 1024 * 1024))  # 8 MiB, 8.4 million opcodes: picklescan alone would hold ~800 MB
    tracemalloc.start()
    try:
        finding = scan_pickle(f, name="flood.pkl")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not finding.safe and finding.dangerous == []
    assert finding.error is not None and finding.error.startswith("too large to scan: more than 2,000,000 pickle")
    assert "not scanned" in finding.error
    assert peak < 64 * 1024 * 1024  # the file is read into memory once (8 MiB); nothing is kept per opcode


def test_a_flood_deflated_into_a_zip_member_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "pytorch_model.bin"
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("archive/data.pkl", _flood(3 * 1024 * 1024))
        z.writestr("archive/version", "3\n")
    assert f.stat().st_size < 100_000  # small on disk: only the member's own stream shows the flood
    finding = scan_pickle(f)
    assert not finding.safe and (finding.error or "").startswith("too large to scan")


def test_the_opcode_cap_counts_opcodes_not_bytes(tmp_path: Path, marker: Path) -> None:
    # Above the cap in bytes (a 3 MB array as one BINBYTES) but a handful of opcodes: scanned as usual.
    big = tmp_path / "big.pkl"
    big.write_bytes(pickle.dumps({"weights": bytes(3_000_000), "call": Reduces(os.system, f"touch {marker}")}))
    assert big.stat().st_size > artifacts.MAX_PICKLE_OPCODES
    finding = scan_pickle(big)
    assert finding.error is None and finding.dangerous == ["posix system"]
    benign = tmp_path / "benign.pkl"
    benign.write_bytes(pickle.dumps({"weights": bytes(3_000_000), **BENIGN}))
    assert scan_pickle(benign).safe
    # Just below a (small) cap passes; just above is refused.
    small = tmp_path / "small.pkl"
    small.write_bytes(_flood(500))  # PROTO + 1,000 + NONE + STOP = 1,003 opcodes
    assert scan_pickle(small, max_opcodes=1_003).safe
    assert "more than 1,002 pickle opcodes" in (scan_pickle(small, max_opcodes=1_002).error or "")


def test_a_zip_whose_data_pkl_is_not_a_pickle_is_not_clean(tmp_path: Path) -> None:
    # picklescan reports a member it cannot parse, and finds no import in, as clean.
    f = tmp_path / "pytorch_model.bin"
    torch_zip(f, b"\x00 not a pickle at all")
    finding = scan_pickle(f)
    assert not finding.safe
    assert (finding.error or "").startswith("archive/data.pkl in the zip archive is not a pickle stream")


def test_a_flood_in_a_directory_counts_as_unsafe_and_unchecked(tmp_path: Path) -> None:
    d = tmp_path / "model"
    d.mkdir()
    (d / "optimizer.pt").write_bytes(_flood(1_100_000))
    info = read_model_dir(d)
    assert [p.path for p in info.unsafe_pickles] == ["optimizer.pt"] and info.unchecked == ["optimizer.pt"]


# --- Hugging Face cache snapshots ------------------------------------------------------------------------

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _git_blob_sha1(data: bytes) -> str:
    """The name huggingface_hub gives a small (non-LFS) file's blob: its git object ID."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


def hub_cache(root: Path, repo: str = "models--example-org--tiny-model") -> tuple[Path, dict[str, bytes]]:
    """A Hugging Face cache as huggingface_hub lays it out: blobs once, a snapshot of relative symlinks.

    Returns the snapshot directory and each snapshot file's content.
    """
    repo_dir = root / "hub" / repo
    blobs, snapshot = repo_dir / "blobs", repo_dir / "snapshots" / COMMIT
    blobs.mkdir(parents=True)
    (snapshot / "sub").mkdir(parents=True)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(COMMIT)  # huggingface_hub writes no newline
    write_safetensors(root / "weights.tmp", {"embed": ("F16", [4, 2], 16)})
    contents = {"model.safetensors": (root / "weights.tmp").read_bytes(),
                "README.md": b"---\nlicense: mit\nbase_model: example-org/base\n---\n# tiny\n",
                "config.json": b'{"model_type": "llama"}', "sub/tokenizer.json": b'{"version": "1.0"}'}
    for rel, data in contents.items():
        blob = hashlib.sha256(data).hexdigest() if rel.endswith(".safetensors") else _git_blob_sha1(data)
        (blobs / blob).write_bytes(data)
        depth = "../" * (rel.count("/") + 2)
        (snapshot / rel).symlink_to(f"{depth}blobs/{blob}")
    return snapshot, contents


def test_a_hugging_face_cache_snapshot_is_read_through_its_blob_links(tmp_path: Path) -> None:
    snapshot, contents = hub_cache(tmp_path)
    info = read_model_dir(snapshot)
    assert info.refused == [] and info.errors == [] and info.unchecked == []
    assert {f.path: f.sha256 for f in info.files} == {
        rel: hashlib.sha256(data).hexdigest() for rel, data in contents.items()}  # snapshot names, blob hashes
    assert info.hub_snapshot == HubSnapshot("model", "example-org/tiny-model", COMMIT, ["main"])
    assert info.name == "example-org/tiny-model"  # not the commit the folder is named after
    assert info.base_models == ["example-org/base"] and info.license == "mit"
    assert info.config == {"model_type": "llama"}
    assert [(t.path, t.tensors, t.parameters, t.error) for t in info.tensors] == [("model.safetensors", 1, 8, None)]


def test_every_other_escape_from_a_cache_snapshot_is_refused(tmp_path: Path) -> None:
    snapshot, _ = hub_cache(tmp_path)
    repo_dir = snapshot.parent.parent
    blobs = repo_dir / "blobs"
    blob = next(p.name for p in blobs.iterdir() if len(p.name) == 64)
    secret = tmp_path / "outside" / "blobs" / blob
    secret.parent.mkdir(parents=True)
    secret.write_bytes(pickle.dumps(BENIGN))
    other = tmp_path / "hub" / "models--someone--else" / "blobs"
    other.mkdir(parents=True)
    (other / blob).write_bytes(b"another repo's blob")
    (blobs / "a-folder").mkdir()
    (blobs / "hop").symlink_to(secret)
    (repo_dir / "sneaky").symlink_to(tmp_path / "outside" / "x", target_is_directory=True)
    (tmp_path / "outside" / "x").mkdir()
    links = {
        "passwd": "../../../../outside/blobs/" + blob,  # relative, out of the cache
        "absolute.bin": str(secret),  # absolute, elsewhere
        "blob-folder": "../../blobs/a-folder",  # a folder inside blobs
        "chain.bin": "../../blobs/hop",  # a blob that is itself a link out
        "other-repo.bin": f"../../../models--someone--else/blobs/{blob}",
        "refs-main": "../../refs/main",  # inside the repo folder, not in blobs
        "dotdot.bin": f"../../sneaky/../blobs/{blob}",  # reads as blobs/ only if .. is taken literally
    }
    for name, target in links.items():
        (snapshot / name).symlink_to(target)
    (snapshot / "blobs-dir").symlink_to("../../blobs", target_is_directory=True)
    assert all((snapshot / name).exists() for name in links)  # each names something real: none dangles
    info = read_model_dir(snapshot)
    assert info.refused == sorted([*links, "blobs-dir"])
    assert info.unchecked == info.refused
    assert [f.path for f in info.files] == ["README.md", "config.json", "model.safetensors", "sub/tokenizer.json"]
    assert info.pickles == []  # the outside pickle was never read


def test_a_blob_changed_after_download_is_an_error(tmp_path: Path) -> None:
    snapshot, _ = hub_cache(tmp_path)
    blob = os.path.realpath(snapshot / "model.safetensors")
    with open(blob, "r+b") as f:  # same length, one tensor byte flipped: still a valid safetensors file
        f.seek(-1, os.SEEK_END)
        f.write(b"\x01")
    info = read_model_dir(snapshot)
    assert info.error_files == ["model.safetensors"] and info.unchecked == ["model.safetensors"]
    assert info.errors[0].startswith(f"model.safetensors: its blob {Path(blob).name} in the Hugging Face cache")


def test_a_dataset_snapshot_is_recognised_and_a_lookalike_is_not(tmp_path: Path) -> None:
    snapshot, _ = hub_cache(tmp_path / "a", repo="datasets--gpt2")
    hub = read_model_dir(snapshot).hub_snapshot
    assert hub is not None and (hub.repo_type, hub.repo_id) == ("dataset", "gpt2")
    lookalike, contents = hub_cache(tmp_path / "b", repo="spaces--example--demo")  # not a model or dataset
    info = read_model_dir(lookalike)
    assert info.hub_snapshot is None and info.refused == sorted(contents) and info.files == []


# --- GGUF base models ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://huggingface.co/meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"),
    ("https://huggingface.co/Qwen/Qwen2.5-7B/tree/main", "Qwen/Qwen2.5-7B"),
    ("https://hf.co/Qwen/Qwen2.5-7B.git", "Qwen/Qwen2.5-7B"),
    ("https://hf-mirror.com/THUDM/glm-4-9b", "THUDM/glm-4-9b"),
    ("https://huggingface.co/gpt2", "gpt2"),
    ("https://huggingface.co/gpt2/blob/main/config.json", "gpt2"),
    ("https://modelscope.cn/models/qwen/Qwen2-7B/summary", "qwen/Qwen2-7B"),
    ("https://huggingface.co/datasets/example/instructions", None),
    ("https://github.com/ggml-org/llama.cpp", None),
    ("https://huggingface.co/", None),
    ("not a url", None),
    ("http://[::1", None),  # urlsplit raises on this
])
def test_hub_id_from_url(url: str, expected: str | None) -> None:
    assert artifacts.hub_id_from_url(url) == expected


def test_a_gguf_only_directory_gets_its_base_models_from_the_header(tmp_path: Path) -> None:
    d = tmp_path / "gguf-only"
    d.mkdir()
    base = [
        gguf_kv("general.name", 8, "Tiny Chat Q4"),
        gguf_kv("general.base_model.count", 4, 2),
        gguf_kv("general.base_model.0.name", 8, "Tiny Llama"),
        gguf_kv("general.base_model.0.organization", 8, "Example"),
        gguf_kv("general.base_model.0.repo_url", 8, "https://huggingface.co/example/tiny-llama"),
        gguf_kv("general.base_model.1.name", 8, "house-7b"),  # no hub URL: organization/name
        gguf_kv("general.base_model.1.organization", 8, "acme"),
        gguf_kv("general.base_model.1.version", 8, "v2"),
        gguf_kv("general.base_model.2.name", 8, "beyond the count"),  # ignored
    ]
    write_gguf(d / "tiny-chat-00001-of-00002.gguf", base, [("token_embd.weight", [8, 4], 2)])
    write_gguf(d / "tiny-chat-00002-of-00002.gguf", [  # a shard repeats the first entry, in another case
        gguf_kv("general.base_model.count", 4, 1),
        gguf_kv("general.base_model.0.repo_url", 8, "https://huggingface.co/Example/Tiny-Llama")],
        [("output.weight", [8, 4], 2)])
    info = read_model_dir(d)
    assert info.name == "Tiny Chat Q4"
    assert info.base_models == ["example/tiny-llama", "acme/house-7b"]
    assert info.base_model_sources == {
        "example/tiny-llama": ["tiny-chat-00001-of-00002.gguf", "tiny-chat-00002-of-00002.gguf"],
        "acme/house-7b": ["tiny-chat-00001-of-00002.gguf"]}
    assert artifacts.gguf_base_models({"general.base_model.0.repo_url": "https://example.com/x"}) == [
        "https://example.com/x"]  # nothing better to name it by


def test_the_cards_base_models_come_first_and_the_headers_are_merged(tmp_path: Path) -> None:
    d = tmp_path / "model"
    d.mkdir()
    (d / "README.md").write_text("---\nbase_model: Example/Tiny-Llama\nbase_model_relation: quantized\n---\n")
    _gguf_model(d / "tiny.gguf")  # general.base_model.0.repo_url: huggingface.co/example/tiny-llama
    info = read_model_dir(d)
    assert info.base_models == ["Example/Tiny-Llama"]  # one parent, as the card spells it
    assert info.base_model_sources == {"Example/Tiny-Llama": ["README.md", "tiny.gguf"]}


def test_a_gguf_only_directory_is_imported_with_its_parent(db: Any, tmp_path: Path) -> None:
    from aisgf.lineage import services as lin
    from tests.people import who

    d = tmp_path / "tiny-q8"
    d.mkdir()
    _gguf_model(d / "tiny.Q8_0.gguf")
    info = read_model_dir(d)
    with db.session() as s:
        m = lin.import_model(s, info, by=who(s, "gina"))
        parents = [(e.kind, p.name, p.stub, p.source) for e, p in lin.parents_of(s, m.id)]
    assert m.name == "Tiny Llama Q8"
    assert parents == [("fine_tune", "example/tiny-llama", True, "example/tiny-llama")]


def test_a_hugging_face_snapshot_is_imported_with_the_repo_and_commit_as_its_source(db: Any, tmp_path: Path) -> None:
    import json as _json

    from sqlalchemy import select

    from aisgf.audit.models import AuditEvent
    from aisgf.lineage import services as lin
    from tests.people import who

    snapshot, contents = hub_cache(tmp_path)
    info = read_model_dir(snapshot)
    with db.session() as s:
        m = lin.import_model(s, info, by=who(s, "gina"), accountable_team="ML platform")
        assert (m.name, m.source_kind, m.source) == (
            "example-org/tiny-model", "hub", f"example-org/tiny-model@{COMMIT}")
        assert {f["path"] for f in m.manifest} == set(contents)
        payload = _json.loads(s.scalars(select(AuditEvent.payload).where(
            AuditEvent.action == "lineage.model_imported")).one())
    assert payload["hub_snapshot"] == {"repo_type": "model", "repo_id": "example-org/tiny-model", "revision": COMMIT}
    assert payload["unchecked"] == []
