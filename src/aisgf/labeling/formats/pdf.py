"""PDF: document information entry ``/AIGC`` and TC260:AIGC in the catalog's XMP ``/Metadata``.

Written as an incremental update (pypdf ``incremental=True``): the original bytes are kept and
a new revision is appended, so no page content is rewritten.
Content hash (scheme ``pdf-pages-v1``): SHA-256 over a canonical walk of every page's
``/Contents`` (decoded stream data), ``/Resources`` (recursively, streams decoded), ``/MediaBox``,
``/CropBox`` and ``/Rotate``; ``/Metadata`` and ``/PieceInfo`` are skipped. Object numbers do not
enter the hash, so a full rewrite by another tool keeps it while any visible change alters it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aisgf.errors import InvalidInput
from aisgf.labeling import xmp
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found

PAGE_KEYS = ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate")
SKIP_KEYS = {"/Parent", "/Metadata", "/PieceInfo", "/LastModified", "/StructParents", "/P"}
MAX_DEPTH = 64


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf logs recoverable oddities as warnings; a labeling run reports problems itself."""
    log = logging.getLogger("pypdf")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)


def _reader(path: Path) -> Any:
    import pypdf

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise InvalidInput("PDF is encrypted; labels cannot be read or written", where=str(path))
        _ = reader.trailer["/Root"]
        return reader
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput(f"PDF structure is unreadable: {exc}", where=str(path)) from exc


def _canon(obj: Any, h: Any, depth: int, seen: set[int]) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > MAX_DEPTH:
        h.update(b"<deep>")
        return
    if isinstance(obj, IndirectObject):
        key = obj.idnum
        if key in seen:
            h.update(b"<cycle>")
            return
        seen = seen | {key}
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        h.update(b"<<")
        for k in sorted(obj.keys()):
            if k in SKIP_KEYS:
                continue
            h.update(k.encode("latin-1", errors="replace"))
            _canon(obj.raw_get(k), h, depth + 1, seen)
        h.update(b">>")
        if isinstance(obj, StreamObject):
            try:
                data = obj.get_data()
            except Exception:
                data = obj._data
            h.update(b"stream" + hashlib.sha256(data).digest())
    elif isinstance(obj, ArrayObject):
        h.update(b"[")
        for item in obj:
            _canon(item, h, depth + 1, seen)
        h.update(b"]")
    else:
        h.update(repr(obj).encode("utf-8", errors="replace") + b";")


class PdfHandler(FormatHandler):
    name = "pdf"
    extensions = (".pdf",)
    media = "document"
    hash_scheme = "pdf-pages-v1"
    hash_doc = __doc__ or ""
    locations = ("pdf:Info:/AIGC", "pdf:XMP:TC260:AIGC")

    def read(self, path: Path) -> list[Found]:
        with _quiet():
            return self._read(path)

    def _read(self, path: Path) -> list[Found]:
        reader = _reader(path)
        found: list[Found] = []
        try:
            info = reader.trailer.get("/Info")
            info = info.get_object() if info is not None else {}
            for key, val in info.items():
                if "AIGC" in str(key).upper():
                    found.append(Found(f"pdf:Info:{key}", str(val)))
            meta = reader.trailer["/Root"].get_object().get("/Metadata")
            if meta is not None:
                for qname, val in xmp.read_values(meta.get_object().get_data(), where=str(path)):
                    found.append(Found(f"pdf:XMP:{xmp.short_name(qname)}", val))
        except InvalidInput:
            raise
        except Exception as exc:
            raise InvalidInput(f"PDF metadata is unreadable: {exc}", where=str(path)) from exc
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        with _quiet():
            self._write(src, dst, value)

    def _write(self, src: Path, dst: Path, value: str) -> None:
        import pypdf
        from pypdf.generic import NameObject, StreamObject

        _reader(src)
        try:
            writer = pypdf.PdfWriter(src, incremental=True)
            info: Any = writer._info.get_object() if writer._info is not None else None
            if info is not None:
                for key in [k for k in info if "AIGC" in str(k).upper()]:
                    del info[key]
            writer.add_metadata({"/AIGC": value})
            root = writer.root_object
            existing = root.get("/Metadata")
            packet = xmp.build_packet(
                value, existing.get_object().get_data() if existing is not None else None, where=str(src)
            )
            if existing is not None and isinstance(existing.get_object(), StreamObject):
                # Update the stream in place: adding a new object in incremental mode can collide
                # with the object number of a previous revision's xref stream (pypdf 7.1.1).
                stream = existing.get_object()
                for k in ("/Filter", "/DecodeParms"):
                    if k in stream:
                        del stream[k]
                stream.set_data(packet)
            else:
                stream = StreamObject()
                stream.set_data(packet)
                stream[NameObject("/Type")] = NameObject("/Metadata")
                stream[NameObject("/Subtype")] = NameObject("/XML")
                root[NameObject("/Metadata")] = writer._add_object(stream)
            with dst.open("wb") as f:
                writer.write(f)
        except InvalidInput:
            raise
        except Exception as exc:
            raise InvalidInput(f"could not write PDF metadata: {exc}", where=str(src)) from exc

    def content_hash(self, path: Path) -> ContentHash:
        with _quiet():
            return self._content_hash(path)

    def _content_hash(self, path: Path) -> ContentHash:
        reader = _reader(path)
        h = hashlib.sha256()
        try:
            for page in reader.pages:
                h.update(b"<page>")
                for key in PAGE_KEYS:
                    if key in page:
                        h.update(key.encode())
                        _canon(page.raw_get(key), h, 0, set())
        except Exception as exc:
            raise InvalidInput(f"PDF pages are unreadable: {exc}", where=str(path)) from exc
        return ContentHash(self.hash_scheme, h.hexdigest())
