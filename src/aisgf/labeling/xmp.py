"""XMP packets carrying TC260:AIGC: read every copy, and write one while keeping other properties.

Why merge instead of replace: a photo's XMP often holds rights, captions and edit history that
are not ours; re-labeling must replace only the AIGC property (one label per file, never two).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from aisgf.errors import InvalidInput, TooLarge
from aisgf.labeling.profile import load_profile

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X = "adobe:ns:meta/"
MAX_XMP_BYTES = 4 * 1024 * 1024
_XPACKET_RE = re.compile(rb"<\?xpacket[^>]*\?>")


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _parse(packet: bytes, where: str | None) -> tuple[ET.Element, list[tuple[str, str]]]:
    if len(packet) > MAX_XMP_BYTES:
        raise TooLarge(f"XMP packet is {len(packet)} bytes (limit {MAX_XMP_BYTES})", where=where)
    body = _XPACKET_RE.sub(b"", packet).strip(b"\x00 \r\n\t")
    namespaces: list[tuple[str, str]] = []
    try:
        for event, item in ET.iterparse(io.BytesIO(body), events=("start-ns",)):
            if event == "start-ns":
                namespaces.append(item)  # type: ignore[arg-type]
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise InvalidInput(f"XMP packet is not well-formed XML: {exc}", where=where) from exc
    return root, namespaces


def read_values(packet: bytes, *, where: str | None = None) -> list[tuple[str, str]]:
    """Every AIGC property in the packet as (qualified name, value); element or attribute form."""
    root, _ = _parse(packet, where)
    found: list[tuple[str, str]] = []
    for el in root.iter():
        ns, local = _local(el.tag)
        if local.upper() == "AIGC":
            found.append((f"{{{ns}}}{local}", "".join(el.itertext())))
        for attr, val in el.attrib.items():
            ans, alocal = _local(attr)
            if alocal.upper() == "AIGC":
                found.append((f"{{{ans}}}{alocal}", val))
    return found


def build_packet(value: str, existing: bytes | None = None, *, where: str | None = None) -> bytes:
    """An XMP packet with exactly one TC260:AIGC = value, other properties of `existing` kept."""
    spec = load_profile().implicit
    ns, prefix, prop = spec.namespace, spec.xmp_prefix, spec.xmp_property
    if existing:
        root, namespaces = _parse(existing, where)
        for p, uri in namespaces:
            if p and uri != ns and p != prefix and not re.fullmatch(r"ns\d+", p):
                ET.register_namespace(p, uri)
    else:
        root = ET.Element(f"{{{X}}}xmpmeta")
        ET.SubElement(root, f"{{{RDF}}}RDF")
    ET.register_namespace("x", X)
    ET.register_namespace("rdf", RDF)
    ET.register_namespace(prefix, ns)
    rdf = root if _local(root.tag) == (RDF, "RDF") else root.find(f".//{{{RDF}}}RDF")
    if rdf is None:
        raise InvalidInput("XMP packet has no rdf:RDF element", where=where)
    # Drop every AIGC property (element or attribute) and Descriptions left empty by that.
    for desc in list(rdf):
        for attr in [a for a in desc.attrib if _local(a)[1].upper() == "AIGC"]:
            del desc.attrib[attr]
        for child in list(desc):
            if _local(child.tag)[1].upper() == "AIGC":
                desc.remove(child)
        if (
            _local(desc.tag) == (RDF, "Description")
            and len(desc) == 0
            and set(desc.attrib) <= {f"{{{RDF}}}about"}
        ):
            rdf.remove(desc)
    desc = ET.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    el = ET.SubElement(desc, f"{{{ns}}}{prop}")
    el.text = value
    xml = ET.tostring(root, encoding="unicode")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + xml + '<?xpacket end="w"?>').encode(
        "utf-8"
    )


def short_name(qname: str) -> str:
    """Render ``{ns}AIGC`` as ``TC260:AIGC`` for the profile's namespace, else keep the URI."""
    spec = load_profile().implicit
    ns, _, local = qname[1:].partition("}")
    return f"{spec.xmp_prefix}:{local}" if ns == spec.namespace else f"{{{ns}}}{local}"
