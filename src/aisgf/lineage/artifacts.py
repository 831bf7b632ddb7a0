"""Read a model directory as Hugging Face or ModelScope lay it out, without ever executing what is in it.

Why: framework 6.2(e) asks a provider to trace where an adopted model came from, and a model directory
says it in its card (``base_model``, ``license``, ``datasets``), its config, and its weight headers. The
same directory can carry code: a pickle runs whatever its ``__reduce__`` names the moment it is loaded.
So nothing here imports a model library or unpickles: headers are parsed by their published formats
(safetensors: 8-byte length + JSON; GGUF: the ggml spec), pickles are disassembled by picklescan, and every
length a file claims is checked against the bytes the file really has before anything is read or allocated.
picklescan holds every opcode of a pickle in memory, so opcodes are first counted as a stream and a flood
is refused unscanned. A symlink is read only if it stays in the directory or is one of the links a Hugging
Face cache snapshot makes into its own repo's blobs.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import pickletools
import re
import stat
import struct
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import yaml

from aisgf.errors import InvalidInput, NotFound
from aisgf.lineage.artifacts_types import FileEntry, HubSnapshot, ModelDirInfo, PickleFinding, TensorSummary

#: Read size for hashing: large enough that hashlib (which drops the GIL above 2 KiB) runs at memory speed.
CHUNK = 4 * 1024 * 1024
#: The safetensors reference implementation refuses headers above 100 MB; so do we.
MAX_SAFETENSORS_HEADER = 100_000_000
#: A card's front matter and a config are small text; a bigger one is refused rather than read.
MAX_CARD_BYTES = 4 * 1024 * 1024
MAX_CONFIG_BYTES = 16 * 1024 * 1024
#: A pickle line (protocol 0 strings, GLOBAL names) longer than this is not a real model's.
MAX_PICKLE_LINE = 64 * 1024 * 1024
#: GGUF arrays longer than this are summarised in `metadata` (a tokenizer's 150k tokens are not a report).
GGUF_ARRAY_SHOWN = 32

PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib"})
CONFIG_NAMES = ("config.json", "configuration.json")  # Hugging Face, ModelScope

#: progress(bytes_done, bytes_total, current_file) while hashing.
Progress = Callable[[int, int, str], None]

# picklescan reports each dangerous import as a log warning; with no handler configured Python would
# print them through its last-resort handler, which mangles the CLI's report. The findings reach the
# caller as data (`PickleFinding`), so the log stays silent unless the application configures logging.
logging.getLogger("picklescan").addHandler(logging.NullHandler())


@functools.cache
def _scanner_name() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"picklescan {version('picklescan')}"
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency of this module
        return "picklescan"


# --- bounded reading -------------------------------------------------------------------------------------


class _Bounded(io.BufferedReader):
    """A file whose ``read(n)`` never asks for more than the bytes left in it.

    Why: ``read(2**40)`` on a three-byte file makes CPython try to allocate 2**40 bytes first. A pickle
    opcode (BINBYTES8) or a header can claim any length, and picklescan's disassembler passes it straight
    to ``read``; capping at the file's real size turns the claim into a short read, which is a parse error.
    """

    def __init__(self, raw: io.FileIO, size: int):
        super().__init__(raw, buffer_size=1024 * 1024)
        self._size = size

    def read(self, size: int | None = -1, /) -> bytes:
        left = max(0, self._size - self.tell())
        return super().read(left if size is None or size < 0 or size > left else size)

    def readline(self, size: int | None = -1, /) -> bytes:
        cap = MAX_PICKLE_LINE if size is None or size < 0 else min(size, MAX_PICKLE_LINE)
        return super().readline(cap)


#: Pickles up to this size are scanned from memory: `BytesIO.read(n)` never allocates past its end, and
#: its C reads are several times faster than `_Bounded`'s Python ones (picklescan reads opcode by opcode).
IN_MEMORY_PICKLE = 64 * 1024 * 1024


def _open_bounded(path: Path) -> tuple[IO[bytes], int]:
    """The file for picklescan to read, and its size (taken from the open file, not from a second stat)."""
    raw = io.FileIO(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb", closefd=True)
    size = os.fstat(raw.fileno()).st_size
    if size <= IN_MEMORY_PICKLE:
        with raw:
            data = raw.readall()
        return io.BytesIO(data), len(data)
    return _Bounded(raw, size), size


class _Reader:
    """Exact reads from a header, each checked against the bytes the file has left."""

    def __init__(self, f: BinaryIO, size: int, where: str):
        self.f, self.size, self.where, self.pos = f, size, where, 0

    def left(self) -> int:
        return self.size - self.pos

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or n > self.left():
            raise InvalidInput(f"{what} claims {n} bytes but only {self.left()} are left in the file "
                               f"(at byte {self.pos}): the file is truncated or hostile", where=self.where)
        data = self.f.read(n)
        if len(data) != n:
            raise InvalidInput(f"{what}: the file ended early at byte {self.pos + len(data)}", where=self.where)
        self.pos += n
        return data

    def unpack(self, fmt: str, what: str) -> Any:
        values = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))
        return values[0] if len(values) == 1 else values

    def skip(self, n: int, what: str) -> None:
        if n < 0 or n > self.left():
            raise InvalidInput(f"{what} claims {n} bytes but only {self.left()} are left in the file "
                               f"(at byte {self.pos}): the file is truncated or hostile", where=self.where)
        self.f.seek(n, os.SEEK_CUR)
        self.pos += n


def _decode_json(data: bytes, what: str, where: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{what} is not UTF-8 (byte {exc.start}); JSON must be UTF-8 (RFC 8259 §8.1)",
                           where=where) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                           where=where) from exc
    except RecursionError as exc:
        raise InvalidInput(f"{what} nests too deeply to read", where=where) from exc


# --- safetensors -----------------------------------------------------------------------------------------

#: Bytes per element of each safetensors dtype (the format's own list); sub-byte types are checked loosely.
SAFETENSORS_DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16,
    "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "F4": 4, "F6_E2M3": 6,
    "F6_E3M2": 6,
}


def read_safetensors_header(path: Path, *, name: str | None = None) -> TensorSummary:
    """The tensor count, dtypes and parameter count of a safetensors file, from its header alone.

    The format: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON mapping each tensor
    name to ``{dtype, shape, data_offsets}`` (plus an optional ``__metadata__`` of strings), then the data.
    Raises `InvalidInput` naming the file for a truncated file, a length beyond the file or the 100 MB
    limit, non-UTF-8 or non-JSON text, or entries whose offsets do not fit the data.
    """
    where = name or str(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        r = _Reader(f, size, where)
        n = r.unpack("<Q", "the safetensors header length")
        if n > MAX_SAFETENSORS_HEADER:
            raise InvalidInput(f"the safetensors header claims {n} bytes, above the format's limit of "
                               f"{MAX_SAFETENSORS_HEADER}", where=where)
        header = _decode_json(r.take(n, "the safetensors header"), "the safetensors header", where)
    if not isinstance(header, dict):
        raise InvalidInput("the safetensors header is not a JSON object", where=where)
    data_size = size - 8 - n
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise InvalidInput("__metadata__ in the safetensors header is not an object", where=where)
    dtypes: dict[str, int] = {}
    parameters = 0
    for tensor, entry in header.items():
        if not isinstance(entry, dict):
            raise InvalidInput(f"tensor {tensor!r}: entry is not an object", where=where)
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not isinstance(dtype, str):
            raise InvalidInput(f"tensor {tensor!r}: dtype is missing or not a string", where=where)
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            raise InvalidInput(f"tensor {tensor!r}: shape must be a list of non-negative integers", where=where)
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1] <= data_size):
            raise InvalidInput(f"tensor {tensor!r}: data_offsets {offsets!r} do not lie within the "
                               f"{data_size} data bytes", where=where)
        count = 1
        for d in shape:
            count *= d
        bits = SAFETENSORS_DTYPE_BITS.get(dtype)
        if bits is not None and (count * bits + 7) // 8 != offsets[1] - offsets[0]:
            raise InvalidInput(f"tensor {tensor!r}: {dtype} {shape} needs {(count * bits + 7) // 8} bytes but "
                               f"data_offsets span {offsets[1] - offsets[0]}", where=where)
        parameters += count
        dtypes[dtype] = dtypes.get(dtype, 0) + 1
    return TensorSummary(path=where, format="safetensors", tensors=len(header), parameters=parameters,
                         dtypes=dict(sorted(dtypes.items())), metadata=metadata)


# --- GGUF ------------------------------------------------------------------------------------------------

GGUF_MAGIC = b"GGUF"
#: ggml_type → name (ggml.h); a type this list does not know is shown as its number.
GGML_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1", 10: "Q2_K",
    11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS",
    19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32",
    27: "I64", 28: "F64", 29: "IQ1_M", 30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}
# GGUF value types: struct format of the scalars; 7 BOOL, 8 STRING and 9 ARRAY are read apart.
_GGUF_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 10: "Q", 11: "q", 12: "d"}
_GGUF_TYPE_NAMES = {0: "uint8", 1: "int8", 2: "uint16", 3: "int16", 4: "uint32", 5: "int32", 6: "float32",
                    7: "bool", 8: "string", 9: "array", 10: "uint64", 11: "int64", 12: "float64"}
#: Arrays of arrays are legal GGUF but no real file nests them deeply; a deep nest would exhaust the stack.
GGUF_MAX_NESTING = 8
#: ggml tensors have at most 4 dimensions (GGML_MAX_DIMS).
GGML_MAX_DIMS = 4


@dataclass
class _Gguf:
    r: _Reader
    e: str  # struct byte order: "<" or ">"

    def u32(self, what: str) -> int:
        return int(self.r.unpack(self.e + "I", what))

    def u64(self, what: str) -> int:
        return int(self.r.unpack(self.e + "Q", what))

    def raw_string(self, what: str) -> bytes:
        return self.r.take(self.u64(f"{what} length"), what)

    def string(self, what: str) -> str:
        return self.raw_string(what).decode("utf-8", errors="replace")

    def value(self, vtype: int, what: str, *, keep: bool = True, depth: int = 0) -> Any:
        if vtype in _GGUF_SCALARS:
            v = self.r.unpack(self.e + _GGUF_SCALARS[vtype], what)
            return v if keep else None
        if vtype == 7:
            return self.r.take(1, what) != b"\x00"
        if vtype == 8:
            if keep:
                return self.string(what)
            self.r.skip(self.u64(f"{what} length"), what)
            return None
        if vtype == 9:
            if depth >= GGUF_MAX_NESTING:
                raise InvalidInput(f"{what}: arrays nested more than {GGUF_MAX_NESTING} deep", where=self.r.where)
            etype = self.u32(f"{what} element type")
            n = self.u64(f"{what} length")
            least = struct.calcsize(_GGUF_SCALARS[etype]) if etype in _GGUF_SCALARS else (1 if etype == 7 else 8)
            if etype not in _GGUF_SCALARS and etype not in (7, 8, 9):
                raise InvalidInput(f"{what}: unknown array element type {etype}", where=self.r.where)
            if n * least > self.r.left():
                raise InvalidInput(f"{what} claims {n} elements, more than the {self.r.left()} bytes left in "
                                   "the file can hold: the file is truncated or hostile", where=self.r.where)
            shown = keep and n <= GGUF_ARRAY_SHOWN
            if etype in _GGUF_SCALARS and not shown:
                self.r.skip(n * least, what)
                items: list[Any] = []
            else:
                items = [self.value(etype, f"{what}[{i}]", keep=shown, depth=depth + 1) for i in range(n)]
            if shown:
                return items
            return {"type": _GGUF_TYPE_NAMES.get(etype, str(etype)), "length": n} if keep else None
        raise InvalidInput(f"{what}: unknown value type {vtype}", where=self.r.where)


def read_gguf_header(path: Path, *, name: str | None = None) -> TensorSummary:
    """The metadata and tensor list of a GGUF file (llama.cpp), read from its header without its tensors.

    The format (ggml docs/gguf.md): magic ``GGUF``, uint32 version, uint64 tensor count, uint64 metadata
    count, the metadata key/value pairs, then per tensor its name, dimensions, ggml type and offset.
    Version 2 and 3 in either byte order are read; every count is checked against the bytes left in the
    file before it is used, so a file claiming 2**60 pairs is refused at once. Raises `InvalidInput`.
    """
    where = name or str(path)
    with open(path, "rb", buffering=1024 * 1024) as f:
        size = os.fstat(f.fileno()).st_size
        r = _Reader(f, size, where)
        if r.take(4, "the GGUF magic") != GGUF_MAGIC:
            raise InvalidInput("not a GGUF file: the first four bytes are not 'GGUF'", where=where)
        raw_version = r.take(4, "the GGUF version")
        e = "<"
        version = struct.unpack("<I", raw_version)[0]
        if version not in (2, 3) and struct.unpack(">I", raw_version)[0] in (2, 3):
            e, version = ">", struct.unpack(">I", raw_version)[0]
        if version not in (2, 3):
            raise InvalidInput(f"GGUF version {version} is not supported (2 and 3 are)", where=where)
        g = _Gguf(r, e)
        n_tensors = g.u64("the tensor count")
        n_kv = g.u64("the metadata count")
        # A key/value pair takes at least 8 (key length) + 4 (type) + 1 bytes; a tensor info 8 + 4 + 4 + 8.
        if n_kv * 13 + n_tensors * 24 > r.left():
            raise InvalidInput(f"the GGUF header claims {n_kv} metadata pairs and {n_tensors} tensors, more "
                               f"than the {r.left()} bytes left in the file can hold", where=where)
        metadata: dict[str, Any] = {}
        for i in range(n_kv):
            try:
                key = g.raw_string(f"metadata key {i}").decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidInput(f"metadata key {i} is not UTF-8", where=where) from exc
            metadata[key] = g.value(g.u32(f"{key} type"), key)
        dtypes: dict[str, int] = {}
        parameters = 0
        for i in range(n_tensors):
            tname = g.string(f"tensor {i} name")
            n_dims = g.u32(f"tensor {tname!r} dimension count")
            if n_dims > GGML_MAX_DIMS:
                raise InvalidInput(f"tensor {tname!r} claims {n_dims} dimensions; ggml has at most "
                                   f"{GGML_MAX_DIMS}", where=where)
            count = 1
            for d in range(n_dims):
                count *= g.u64(f"tensor {tname!r} dimension {d}")
            ttype = g.u32(f"tensor {tname!r} type")
            g.u64(f"tensor {tname!r} offset")
            parameters += count
            label = GGML_TYPES.get(ttype, f"type {ttype}")
            dtypes[label] = dtypes.get(label, 0) + 1
    metadata = {"gguf.version": version, **metadata}
    return TensorSummary(path=where, format="gguf", tensors=n_tensors, parameters=parameters,
                         dtypes=dict(sorted(dtypes.items())), metadata=metadata)


# --- pickles ---------------------------------------------------------------------------------------------


def _zip_pickle_members(path: Path) -> list[str] | None:
    """The pickle members of a zip archive (PyTorch keeps ``<name>/data.pkl``), or None if not a zip."""
    try:
        with zipfile.ZipFile(path) as z:
            return [i.filename for i in z.infolist() if i.filename.endswith((".pkl", ".pickle"))]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None


def _is_pickle_stream(f: IO[bytes]) -> str | None:
    """None if `f` disassembles as one pickle up to its STOP opcode, else why not (nothing is executed)."""
    try:
        for _ in pickletools.genops(f):
            pass
    except Exception as exc:  # pickletools raises ValueError, struct.error, UnicodeDecodeError, ...
        return f"not a pickle stream: {exc}"
    return None


#: The most pickle opcodes one file may hold (all its pickle streams, zip members included) for picklescan
#: to be given it. Why: picklescan 1.0.5 lists every opcode of a pickle before it looks at any, about 100
#: bytes each in memory, so 50 MB of one-byte opcodes (52 million) cost it 5.3 GB and 90 s, and deflating
#: the flood into a zip member makes it a few hundred kilobytes on disk. A checkpoint's pickle holds some
#: 26 opcodes per tensor (19,000 for the 723 tensors of a 70B Llama's data.pkl) and a pickled
#: 250,000-entry vocabulary 750,000, so the cap refuses floods, not models, and holds picklescan near 200 MB.
MAX_PICKLE_OPCODES = 2_000_000
#: Zip members picklescan 1.0.5 reads as pickles, by name (its pickle and numpy suffixes) or by first bytes.
_PICKLE_MEMBER_SUFFIXES = (".pkl", ".pickle", ".joblib", ".dat", ".data", ".npy")
_NUMPY_MAGIC = b"\x93NUMPY"


def _count_opcodes(f: IO[bytes], size: int, budget: int) -> tuple[int, str | None]:
    """Opcodes in the pickles of `f` from where it stands, counted to at most ``budget + 1``, streaming.

    Counts pickle after pickle until the stream ends or one does not parse, as picklescan reads a file
    (more than it reads of a legacy PyTorch file, which only ever errs towards refusing). Returns the
    count and, if the first pickle did not parse up to its STOP, why not. Nothing is kept per opcode.
    """
    n = 0
    first = True
    while True:
        try:
            for _ in pickletools.genops(f):
                n += 1
                if n > budget:
                    return n, None
        except Exception as exc:  # pickletools raises ValueError, struct.error, UnicodeDecodeError, zlib.error...
            return n, f"not a pickle stream: {exc}" if first else None
        first = False
        if f.tell() >= size:
            return n, None


def _past_npy_header(f: IO[bytes]) -> bool:
    """Move `f` past a numpy ``.npy`` header if it starts with one (picklescan reads the pickle after it)."""
    start = f.tell()
    head = f.read(8)
    if not head.startswith(_NUMPY_MAGIC):
        f.seek(start)
        return False
    width = 2 if head[6:7] == b"\x01" else 4  # format 1.0 has a 2-byte header length, 2.0 and 3.0 four
    f.seek(start + 8 + width + int.from_bytes(f.read(width), "little"))
    return True


def _too_many_opcodes(cap: int) -> str:
    return (f"too large to scan: more than {cap:,} pickle opcodes (picklescan holds every opcode in memory, "
            "so a flood of them would exhaust it); not scanned, so not shown to be safe")


def _survey(f: IO[bytes], size: int, cap: int) -> str | None:
    """Why `f` must not be handed to picklescan, or None: an opcode flood, or a zip pickle that is no pickle.

    Streams over what picklescan would read, holding nothing per opcode: the file itself as a pickle
    (skipped when it has fewer bytes than `cap`, since every opcode takes at least one byte), and each zip
    member it would scan (by name, or starting with PROTO or the numpy magic). A member named ``*.pkl`` or
    ``*.pickle`` must also parse up to its STOP: picklescan reports one that does not parse as clean.
    """
    from picklescan.relaxed_zipfile import RelaxedZipFile  # picklescan opens zips with this; so do we

    budget = cap
    if size > budget:
        f.seek(0)
        _past_npy_header(f)
        n, _ = _count_opcodes(f, size, budget)
        budget -= n
        if budget < 0:
            return _too_many_opcodes(cap)
    f.seek(0)
    if not zipfile.is_zipfile(f):
        return None
    f.seek(0)
    try:
        archive = RelaxedZipFile(f)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):  # then picklescan cannot open it either
        return None
    with archive:
        for member in archive.infolist():
            named = member.filename.lower().endswith(_PICKLE_MEMBER_SUFFIXES)
            must_parse = member.filename.lower().endswith((".pkl", ".pickle"))
            try:
                with archive.open(member) as m:
                    head = m.read(8)
                    if not (named or head.startswith((b"\x80", _NUMPY_MAGIC))):
                        continue
                    m.seek(0)
                    if _past_npy_header(m):
                        must_parse = False
                    n, why = _count_opcodes(m, member.file_size, budget)
            except Exception as exc:  # zipfile raises BadZipFile, RuntimeError, NotImplementedError, zlib.error
                if must_parse:
                    return f"{member.filename} in the zip archive cannot be read: {type(exc).__name__}: {exc}"
                continue
            budget -= n
            if budget < 0:
                return _too_many_opcodes(cap)
            if must_parse and why is not None:
                return f"{member.filename} in the zip archive is {why}"
    return None


def scan_pickle(path: Path, *, name: str | None = None, max_opcodes: int = MAX_PICKLE_OPCODES) -> PickleFinding:
    """What picklescan finds in a pickle-based file (plain pickle, legacy or zip PyTorch checkpoint).

    picklescan reads the opcodes and lists the globals they import; nothing is unpickled. A file with no
    globals at all is checked to be a pickle (picklescan itself reports garbage as clean), and so is each
    ``*.pkl`` inside a zip; a zip archive with no pickle inside gets an error, since no scanner looked into
    it. A file holding more than `max_opcodes` opcodes is not given to picklescan (see `MAX_PICKLE_OPCODES`)
    and gets an error saying so: unscanned is never reported as clean.
    """
    from picklescan.scanner import SafetyLevel, scan_bytes

    rel = name or str(path)
    scanner = _scanner_name()
    members = _zip_pickle_members(path)
    if members is not None and not members:
        return PickleFinding(rel, scanner, error="a zip archive with no pickle inside (no data.pkl)")
    try:
        f, size = _open_bounded(path)
        with f:
            refusal = _survey(f, size, max_opcodes)
            if refusal is not None:
                return PickleFinding(rel, scanner, error=refusal)
            f.seek(0)
            result = scan_bytes(f, rel, path.suffix.lower())
            dangerous = sorted({f"{g.module} {g.name}" for g in result.globals if g.safety == SafetyLevel.Dangerous})
            suspicious = sorted({f"{g.module} {g.name}" for g in result.globals
                                 if g.safety == SafetyLevel.Suspicious})
            error = None
            if result.scan_err:
                error = "the pickle stream is malformed after its first imports (the scan stopped there)"
            elif not result.globals and members is None:
                f.seek(0)
                error = _is_pickle_stream(f)
    except OSError as exc:
        return PickleFinding(rel, scanner, error=f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # picklescan raises ValueError, InvalidMagicError, zipfile errors, ...
        return PickleFinding(rel, scanner, error=f"{type(exc).__name__}: {exc}")
    return PickleFinding(rel, scanner, dangerous=dangerous, error=error, suspicious=suspicious)


# --- card and config -------------------------------------------------------------------------------------


class _CardLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a card needs neither, and aliases are how a few hundred
    bytes expand into gigabytes once the card is copied into JSON (the "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases are not accepted in a model card",
                                              event.start_mark)
        return super().compose_node(parent, index)


def read_card(path: Path, *, name: str | None = None) -> dict[str, Any]:
    """The YAML front matter of a model card (README.md between its first two ``---`` lines), or {}."""
    where = name or str(path)
    with open(path, "rb") as f:
        head = f.read(MAX_CARD_BYTES + 1)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) > MAX_CARD_BYTES:  # the cut may have split a character; the front matter comes first
            text = head[:exc.start].decode("utf-8-sig")
        else:
            raise InvalidInput(f"the model card is not UTF-8 (byte {exc.start})", where=where) from exc
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            front = "".join(lines[1:i])
            break
    else:
        raise InvalidInput(f"the model card's front matter has no closing '---' within {MAX_CARD_BYTES} bytes",
                           where=where)
    try:
        data = yaml.load(front, Loader=_CardLoader)  # _CardLoader is a SafeLoader: no Python objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 2}" if mark is not None else ""
        raise InvalidInput(f"the model card's front matter is not valid YAML{at}: "
                           f"{getattr(exc, 'problem', None) or exc}", where=where) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("the model card's front matter is not a mapping", where=where)
    return data


def read_config(path: Path, *, name: str | None = None) -> dict[str, Any]:
    """config.json / configuration.json as a dict; refused above `MAX_CONFIG_BYTES` or if not an object."""
    where = name or str(path)
    with open(path, "rb") as f:
        data = f.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise InvalidInput(f"the config is larger than {MAX_CONFIG_BYTES} bytes", where=where)
    value = _decode_json(data, "the config", where)
    if not isinstance(value, dict):
        raise InvalidInput("the config is not a JSON object", where=where)
    return value


def _strings(value: Any) -> list[str]:
    """A card field that may be one string or a list, as a list of distinct strings in order."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    out: list[str] = []
    for item in items:
        if item is not None and str(item) not in out:
            out.append(str(item))
    return out


#: Hugging Face (its short name and the mirror used in China) and ModelScope: ``huggingface.co/ORG/NAME``,
#: ``huggingface.co/NAME`` for the oldest repos, ``modelscope.cn/models/ORG/NAME``.
_HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co", "hf-mirror.com"})
_MS_HOSTS = frozenset({"modelscope.cn", "www.modelscope.cn"})
_HF_NOT_MODELS = frozenset({"datasets", "spaces", "models", "docs", "api", "collections", "papers", "organizations"})
_HF_REPO_PAGES = frozenset({"tree", "blob", "resolve", "raw", "commit", "commits", "discussions", "edit"})
_HUB_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_GGUF_BASE_KEY = re.compile(r"general\.base_model\.(\d{1,9})\.([a-z_]+)")


def hub_id_from_url(url: str) -> str | None:
    """``ORG/NAME`` from a Hugging Face or ModelScope model URL (any page of the repo), else None."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    segments = [seg for seg in parts.path.split("/") if seg]
    if host in _HF_HOSTS and segments and segments[0] not in _HF_NOT_MODELS:
        repo = segments[:2] if len(segments) >= 2 and segments[1] not in _HF_REPO_PAGES else segments[:1]
    elif host in _MS_HOSTS and len(segments) >= 3 and segments[0] == "models":
        repo = segments[1:3]
    else:
        return None
    repo[-1] = repo[-1].removesuffix(".git")
    return "/".join(repo) if all(_HUB_PART.fullmatch(seg) for seg in repo) else None


def gguf_base_models(metadata: dict[str, Any]) -> list[str]:
    """The base models a GGUF header names (``general.base_model.{i}.*``, llama.cpp's convention), as IDs.

    Each entry becomes its hub ID when its ``repo_url`` (or ``url``) is a Hugging Face or ModelScope model
    page (``https://huggingface.co/meta-llama/Llama-3.1-8B`` → ``meta-llama/Llama-3.1-8B``, which is how a
    card's ``base_model`` names it), else ``organization/name``, else the name or the URL as written. Only
    entries below ``general.base_model.count`` are read when the count is given.
    """
    count = metadata.get("general.base_model.count")
    entries: dict[int, dict[str, str]] = {}
    for key, value in metadata.items():
        m = _GGUF_BASE_KEY.fullmatch(key)
        if m is None or not isinstance(value, str) or not value.strip():
            continue
        index = int(m[1])
        if isinstance(count, int) and not isinstance(count, bool) and index >= count:
            continue
        entries.setdefault(index, {})[m[2]] = value.strip()
    out: list[str] = []
    for index in sorted(entries):
        e = entries[index]
        urls = [u for u in (e.get("repo_url"), e.get("url")) if u]
        ref = next((h for h in map(hub_id_from_url, urls) if h), None)
        if ref is None and e.get("organization") and e.get("name"):
            ref = f"{e['organization']}/{e['name']}"
        ref = ref or e.get("name") or (urls[0] if urls else None)
        if ref and ref not in out:
            out.append(ref)
    return out


def _merge_base_models(claims: list[tuple[str, list[str]]]) -> tuple[list[str], dict[str, list[str]]]:
    """Base model IDs in the order first named, the same ID in another case counted once; and who named each."""
    order: list[str] = []
    by_key: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    for source, refs in claims:
        for ref in refs:
            key = ref.strip().casefold()  # hub IDs resolve without regard to case
            if not key:
                continue
            first = by_key.setdefault(key, ref.strip())
            if first not in sources:
                order.append(first)
            if source not in sources.setdefault(first, []):
                sources[first].append(source)
    return order, sources


# --- the directory ---------------------------------------------------------------------------------------


#: huggingface_hub names a repo's cache folder ``<type>s--<org>--<name>`` (a repo ID may not contain "--").
_HUB_REPO_TYPES = {"models": "model", "datasets": "dataset"}
#: A ref file holds a 40-hex commit; anything much longer is not one.
_MAX_REF_BYTES = 256


def _hub_snapshot(real_root: Path) -> tuple[HubSnapshot, Path] | None:
    """The Hugging Face cache snapshot `real_root` is, with its repo's ``blobs/`` folder; None if not one.

    The layout huggingface_hub writes: ``<cache>/models--ORG--NAME/{blobs,refs,snapshots/<commit>}``,
    every snapshot file a relative symlink to ``../../blobs/<etag>``, each ``refs/<branch>`` file the commit.
    """
    snapshots = real_root.parent
    repo = snapshots.parent
    kind, sep, rest = repo.name.partition("--")
    if snapshots.name != "snapshots" or not sep or kind not in _HUB_REPO_TYPES or not rest.strip("-"):
        return None
    blobs = repo / "blobs"
    if blobs.is_symlink() or not blobs.is_dir():
        return None
    refs: list[str] = []
    for dirpath, dirnames, filenames in os.walk(repo / "refs", followlinks=False):
        dirnames.sort()
        for fname in sorted(filenames):
            ref = Path(dirpath) / fname
            try:
                if not stat.S_ISREG(os.lstat(ref).st_mode):  # a FIFO would block the read; links are not refs
                    continue
                with open(ref, "rb") as f:
                    commit = f.read(_MAX_REF_BYTES).strip()
            except OSError:
                continue
            if commit == real_root.name.encode():
                refs.append(ref.relative_to(repo / "refs").as_posix())
    return HubSnapshot(_HUB_REPO_TYPES[kind], rest.replace("--", "/"), real_root.name, refs), blobs


def _hub_blob(link: Path, real_dir: Path, blobs: Path) -> Path | None:
    """The blob a snapshot's file symlink stands for, or None if it is not exactly such a link.

    Accepted: one hop from the link lands directly in `blobs` on a regular file (not a symlink, not a
    folder), and the kernel, following the link, reaches that very file (same device and inode). So a link
    whose own text leaves the cache, a chain through a second link, and a path that only reads as ``blobs``
    after ``..`` through a symlinked folder are all refused.
    """
    try:
        hop = os.readlink(link)
        blob = Path(os.path.normpath(real_dir / hop))
        if blob.parent != blobs:
            return None
        st, followed = os.lstat(blob), os.stat(link)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (followed.st_dev, followed.st_ino):
        return None
    return blob


def _walk(root: Path, blobs: Path | None = None) -> tuple[list[tuple[str, Path]], list[str]]:
    """The regular files under `root` as (relative path, path to open), and what was refused.

    Directory symlinks are never followed (loops, escapes). A file symlink is followed only when it
    resolves to a regular file inside `root`, or, for a Hugging Face cache snapshot, is one of the links
    into its repo's `blobs` that huggingface_hub makes (`_hub_blob`); one that leaves otherwise, dangles,
    or names a device or a FIFO (reading a FIFO would block forever) is refused.
    """
    real_root = root.resolve()
    files: list[tuple[str, Path]] = []
    refused: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for d in list(dirnames):
            if (here / d).is_symlink():
                dirnames.remove(d)
                refused.append((here / d).relative_to(root).as_posix())
        dirnames.sort()
        for fname in sorted(filenames):
            p = here / fname
            rel = p.relative_to(root).as_posix()
            target = p
            if p.is_symlink():
                target = Path(os.path.realpath(p))
                if not target.is_relative_to(real_root):
                    # Folders under `root` are real ones (their symlinks are not walked), so this is p's folder.
                    blob = _hub_blob(p, real_root / here.relative_to(root), blobs) if blobs is not None else None
                    if blob is None:
                        refused.append(rel)
                        continue
                    target = blob
            try:
                st = os.stat(target, follow_symlinks=False)
            except OSError:
                refused.append(rel)
                continue
            if not stat.S_ISREG(st.st_mode):
                refused.append(rel)
                continue
            files.append((rel, target))
    return sorted(files), sorted(refused)


def checked_symlinks(path: str | os.PathLike[str]) -> tuple[bool, list[str]]:
    """Whether the directory holds symlinks, and which of them `read_model_dir` refuses.

    For signing: model-signing follows symlinks only when told to, so the directory is checked with the
    same walk first (inside links and a hub snapshot's blob links pass, every other escape is named).
    """
    root = Path(path)
    real = root.resolve()
    hub = _hub_snapshot(real)
    _, refused = _walk(root, hub[1] if hub else None)
    has_links = any(Path(d, f).is_symlink() for d, dirs, files in os.walk(root, followlinks=False)
                    for f in (*files, *dirs))
    return has_links, refused


def hash_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> tuple[int, str, bytes]:
    """Size, SHA-256 hex and first 8 bytes of a file, streamed in `CHUNK` reads into one reused buffer."""
    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    head = b""
    with open(path, "rb", buffering=0) as f:
        while True:
            n = f.readinto(buf)  # type: ignore[attr-defined]
            if not n:
                break
            if len(head) < 8:
                head += bytes(view[:min(n, 8 - len(head))])
            h.update(view[:n])
            size += n
            if on_bytes is not None:
                on_bytes(n)
    return size, h.hexdigest(), head


#: huggingface_hub names a large (LFS) file's blob by the SHA-256 of its content; small files by a git SHA-1.
_SHA256_NAME = re.compile(r"[0-9a-f]{64}")


def read_model_dir(path: str | os.PathLike[str], *, progress: Progress | None = None) -> ModelDirInfo:
    """Read a model directory: card, config, weight headers, every file's SHA-256, pickle scan findings.

    One bad file does not stop the read: its header or scan error is recorded with the file's entry
    (`TensorSummary.error`, `PickleFinding.error`, `ModelDirInfo.errors`). Raises `NotFound` if `path`
    is not a directory. `progress(done, total, file)` is called as bytes are hashed.

    A Hugging Face cache snapshot (``…/models--ORG--NAME/snapshots/<commit>``) is read through its links
    into the repo's ``blobs/``: each file is listed under its name in the snapshot with its blob's hash,
    the repo and commit go to `ModelDirInfo.hub_snapshot`, and a blob named by a SHA-256 that its content
    does not have is an error (the cache was changed after download).
    """
    root = Path(path)
    if not root.is_dir():
        raise NotFound(f"no model directory at {root}", where=str(root))
    hub = _hub_snapshot(root.resolve())
    blobs = hub[1] if hub is not None else None
    found, refused = _walk(root, blobs)
    total = sum(os.stat(p).st_size for _, p in found)
    done = 0
    files: list[FileEntry] = []
    tensors: list[TensorSummary] = []
    pickles: list[PickleFinding] = []
    errors: list[str] = []
    error_files: list[str] = []
    card: dict[str, Any] = {}
    card_file: str | None = None
    config: dict[str, Any] = {}

    for rel, target in found:
        def advance(n: int, rel: str = rel) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, total, rel)

        try:
            size, digest, head = hash_file(target, advance)
        except OSError as exc:
            errors.append(f"{rel}: cannot read: {exc.strerror or exc}")
            error_files.append(rel)
            continue
        files.append(FileEntry(rel, size, digest))
        if blobs is not None and target.parent == blobs and _SHA256_NAME.fullmatch(target.name) \
                and target.name != digest:
            errors.append(f"{rel}: its blob {target.name} in the Hugging Face cache holds content with SHA-256 "
                          f"{digest}, not the one its name says: the cache was changed after download")
            error_files.append(rel)
        lower = rel.lower()
        suffix = Path(lower).suffix
        try:
            if lower == "readme.md":
                card_file = rel
                card = read_card(target, name=rel)
            elif lower in CONFIG_NAMES and not config:
                config = read_config(target, name=rel)
        except InvalidInput as exc:
            errors.append(str(exc))
            error_files.append(rel)
        if suffix == ".safetensors":
            tensors.append(_summary(read_safetensors_header, target, rel, "safetensors"))
        elif suffix == ".gguf" or head[:4] == GGUF_MAGIC:
            tensors.append(_summary(read_gguf_header, target, rel, "gguf"))
        elif suffix in PICKLE_SUFFIXES or (head[:4] == b"PK\x03\x04" and _has_torch_pickle(target)):
            pickles.append(scan_pickle(target, name=rel))

    snapshot = hub[0] if hub is not None else None
    name = (card.get("model_name") if isinstance(card.get("model_name"), str) else None) or (
        config.get("_name_or_path") if isinstance(config.get("_name_or_path"), str) else None)
    if not name:
        name = next((str(t.metadata["general.name"]) for t in tensors if "general.name" in t.metadata), None)
    if not name and snapshot is not None:
        name = snapshot.repo_id  # the snapshot folder's own name is a commit hash
    base_models, base_model_sources = _merge_base_models(
        [(card_file or "README.md", _strings(card.get("base_model")))]
        + [(t.path, gguf_base_models(t.metadata)) for t in tensors if t.format == "gguf"])
    relation = card.get("base_model_relation")
    license_ = card.get("license")
    return ModelDirInfo(
        root=str(root), name=name or root.resolve().name, base_models=base_models,
        base_model_relation=str(relation) if relation is not None else None,
        license=str(license_) if license_ is not None else None, datasets=_strings(card.get("datasets")),
        languages=_strings(card.get("language")), card=card, config=config, files=files, tensors=tensors,
        pickles=pickles, refused=refused, errors=errors, error_files=sorted(set(error_files)),
        base_model_sources=base_model_sources, hub_snapshot=snapshot)


def _has_torch_pickle(path: Path) -> bool:
    members = _zip_pickle_members(path)
    return bool(members) and any(m == "data.pkl" or m.endswith("/data.pkl") for m in members or [])


def _summary(reader: Callable[..., TensorSummary], path: Path, rel: str, fmt: str) -> TensorSummary:
    try:
        return reader(path, name=rel)
    except InvalidInput as exc:
        return TensorSummary(path=rel, format=fmt, tensors=0, parameters=0, error=exc.message)
    except OSError as exc:
        return TensorSummary(path=rel, format=fmt, tensors=0, parameters=0,
                             error=f"cannot read: {exc.strerror or exc}")
