"""Markdown and plain text: an ``AIGC`` mapping in YAML front matter, as CodeBuddy/MiniMax do.

Only the top-level ``AIGC`` block of existing front matter is replaced; other keys, comments and
formatting are kept line for line.
Content hash (scheme ``text-body-v1``): SHA-256 over the UTF-8 bytes after the front matter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from aisgf.errors import InvalidInput
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found, read_bytes, sha256_hex
from aisgf.labeling.label import FIELDS

MAX_TEXT = 64 * 1024 * 1024
_OPEN = re.compile(r"\A(\ufeff?)---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*\r?$\n?", re.M)


def split_front_matter(text: str) -> tuple[str, str | None, str]:
    """Return (prefix incl. opening fence, front matter body or None, rest after the closing fence)."""
    m = _OPEN.match(text)
    if not m:
        return "", None, text
    close = _CLOSE.search(text, m.end())
    if not close:
        return "", None, text
    return text[: m.end()], text[m.end() : close.start()], text[close.end() :]


def _load_text(path: Path) -> str:
    data = read_bytes(path, MAX_TEXT)
    if b"\x00" in data[:8192]:
        raise InvalidInput("file has NUL bytes; it is not text", where=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"text is not UTF-8 (byte {exc.start})", where=str(path)) from exc


def front_matter_block(value: str) -> str:
    inner = json.loads(value)["AIGC"]
    lines = ["AIGC:"] + [f"  {k}: {json.dumps(inner.get(k, ''))}" for k in FIELDS]
    return "\n".join(lines) + "\n"


def _strip_aigc(body: str) -> str:
    """Remove a top-level AIGC key and its indented continuation lines."""
    out: list[str] = []
    skipping = False
    for line in body.splitlines(keepends=True):
        if re.match(r"^['\"]?AIGC['\"]?\s*:", line):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


class TextHandler(FormatHandler):
    name = "text"
    extensions = (".md", ".markdown", ".txt", ".text")
    media = "text"
    hash_scheme = "text-body-v1"
    hash_doc = __doc__ or ""
    locations = ("text:front-matter:AIGC",)

    def read(self, path: Path) -> list[Found]:
        _, fm, _ = split_front_matter(_load_text(path))
        if fm is None:
            return []
        try:
            doc = yaml.safe_load(fm)
        except yaml.YAMLError as exc:
            raise InvalidInput(f"front matter is not valid YAML: {exc}", where=str(path)) from exc
        if not isinstance(doc, dict):
            return []
        found: list[Found] = []
        for key, val in doc.items():
            if "AIGC" in str(key).upper():
                raw = (
                    val
                    if isinstance(val, str)
                    else json.dumps({"AIGC": val}, ensure_ascii=False, default=str)
                )
                found.append(Found(f"text:front-matter:{key}", raw))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        text = _load_text(src)
        prefix, fm, rest = split_front_matter(text)
        block = front_matter_block(value)
        if fm is None:
            out = "---\n" + block + "---\n" + text
        else:
            out = prefix + block + _strip_aigc(fm) + "---\n" + rest
        dst.write_bytes(out.encode("utf-8"))

    def content_hash(self, path: Path) -> ContentHash:
        _, _, rest = split_front_matter(_load_text(path))
        return ContentHash(self.hash_scheme, sha256_hex(rest.encode("utf-8")))
