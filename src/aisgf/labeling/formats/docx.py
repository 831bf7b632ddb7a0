"""DOCX (and other OOXML packages): custom document property ``AIGC`` in ``docProps/custom.xml``.

The package is rebuilt member by member; every part other than the three package-metadata parts
is copied byte for byte (decompressed and recompressed with its original method).
Content hash (scheme ``ooxml-parts-v1``): SHA-256 over the sorted names and decompressed bytes of
every part except ``docProps/*``, ``[Content_Types].xml`` and ``_rels/.rels``.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from aisgf.errors import InvalidInput, TooLarge
from aisgf.labeling.formats.base import ContentHash, FormatHandler, Found

CUSTOM = "docProps/custom.xml"
CP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200


def _open(path: Path) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"not a readable ZIP/OOXML package: {exc}", where=str(path)) from exc
    total = sum(i.file_size for i in z.infolist())
    packed = sum(i.compress_size for i in z.infolist()) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        z.close()
        raise TooLarge(
            f"package inflates to {total} bytes (ratio {total // packed}); refusing a zip bomb",
            where=str(path),
        )
    return z


def _read(z: zipfile.ZipFile, name: str, where: str) -> bytes:
    try:
        return z.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InvalidInput(f"package part {name} is corrupt: {exc}", where=where) from exc


def _custom_xml(existing: bytes | None, value: str, where: str) -> bytes:
    ET.register_namespace("", CP_NS)
    ET.register_namespace("vt", VT_NS)
    if existing:
        try:
            root = ET.fromstring(existing)
        except ET.ParseError as exc:
            raise InvalidInput(f"{CUSTOM} is not well-formed: {exc}", where=where) from exc
        for prop in list(root):
            if "AIGC" in (prop.get("name") or "").upper():
                root.remove(prop)
    else:
        root = ET.Element(f"{{{CP_NS}}}Properties")
    pids = [int(p.get("pid", "1")) for p in root if (p.get("pid") or "").isdigit()]
    prop = ET.SubElement(
        root, f"{{{CP_NS}}}property", {"fmtid": FMTID, "pid": str(max([1, *pids]) + 1), "name": "AIGC"}
    )
    ET.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)


def _content_types(data: bytes, where: str) -> bytes:
    ET.register_namespace("", CT_NS)
    root = ET.fromstring(data)
    if not any(o.get("PartName") == "/" + CUSTOM for o in root):
        ET.SubElement(
            root,
            f"{{{CT_NS}}}Override",
            {
                "PartName": "/" + CUSTOM,
                "ContentType": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
            },
        )
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)


def _rels(data: bytes) -> bytes:
    ET.register_namespace("", REL_NS)
    root = ET.fromstring(data)
    if not any(r.get("Type") == REL_CUSTOM for r in root):
        ids = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        ET.SubElement(
            root, f"{{{REL_NS}}}Relationship", {"Id": f"rId{n}", "Type": REL_CUSTOM, "Target": CUSTOM}
        )
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)


class DocxHandler(FormatHandler):
    name = "docx"
    extensions = (".docx", ".xlsx", ".pptx")
    media = "document"
    hash_scheme = "ooxml-parts-v1"
    hash_doc = __doc__ or ""
    locations = ("docx:custom:AIGC",)

    def read(self, path: Path) -> list[Found]:
        where = str(path)
        with _open(path) as z:
            if CUSTOM not in z.namelist():
                return []
            try:
                root = ET.fromstring(_read(z, CUSTOM, where))
            except ET.ParseError as exc:
                raise InvalidInput(f"{CUSTOM} is not well-formed: {exc}", where=where) from exc
        return [
            Found(f"docx:custom:{p.get('name')}", "".join(p.itertext()))
            for p in root
            if "AIGC" in (p.get("name") or "").upper()
        ]

    def write(self, src: Path, dst: Path, value: str) -> None:
        where = str(src)
        with _open(src) as z:
            names = z.namelist()
            if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
                raise InvalidInput(
                    "not an OOXML package (no [Content_Types].xml or _rels/.rels)", where=where
                )
            try:
                with zipfile.ZipFile(dst, "w") as out:
                    for info in z.infolist():
                        data = _read(z, info.filename, where)
                        if info.filename == CUSTOM:
                            continue
                        if info.filename == "[Content_Types].xml":
                            data = _content_types(data, where)
                        elif info.filename == "_rels/.rels":
                            data = _rels(data)
                        out.writestr(info, data, compress_type=info.compress_type)
                    existing = _read(z, CUSTOM, where) if CUSTOM in names else None
                    out.writestr(
                        CUSTOM, _custom_xml(existing, value, where), compress_type=zipfile.ZIP_DEFLATED
                    )
            except ET.ParseError as exc:
                raise InvalidInput(f"package metadata XML is not well-formed: {exc}", where=where) from exc

    def content_hash(self, path: Path) -> ContentHash:
        h = hashlib.sha256()
        with _open(path) as z:
            for name in sorted(z.namelist()):
                if name.startswith("docProps/") or name in ("[Content_Types].xml", "_rels/.rels"):
                    continue
                data = _read(z, name, str(path))
                h.update(name.encode("utf-8") + b"\x00" + len(data).to_bytes(8, "big") + data)
        return ContentHash(self.hash_scheme, h.hexdigest())
