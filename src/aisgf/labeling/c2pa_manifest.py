"""Optional C2PA manifests carrying the AIGC label, signed with a provider certificate (c2pa-python).

Why: C2PA Content Credentials are what many platforms and cameras read; carrying the same
Appendix E object there (custom assertion ``cn.tc260.aigc`` beside the standard ``c2pa.actions``
``c2pa.created`` with digitalSourceType ``trainedAlgorithmicMedia``) lets such readers see the
label too, under an X.509 signature instead of aisgf's Ed25519 integrity code.

Order and coexistence (rule ``c2pa.validation``): the metadata label is written first and the
manifest is signed over the labeled file, so the manifest's hard binding covers the label; any
later change to the label or the content breaks the manifest (``assertion.dataHash.mismatch``).
aisgf's ReservedCode content hashes leave the manifest store out (JPEG APP11, PNG ``caBX``, WebP
``C2PA``), so adding a manifest keeps them valid. Re-labeling a file that carries a manifest
without new credentials is refused: it would silently invalidate the manifest and leave a stale
second label in it.

c2pa-python is optional: without it, signing raises `C2paUnavailable` with the install line, and
`detect` notes a manifest it cannot read.
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from aisgf.errors import InvalidInput, NotFound
from aisgf.labeling.label import AigcLabel
from aisgf.labeling.profile import load_profile

INSTALL = "pip install c2pa-python==0.38.1"
# JUMBF description box type of a C2PA manifest store: "c2pa" + the ISO 19566-5 UUID suffix.
# It sits in the first bytes of the store in every container, so a byte search finds manifests
# without parsing (and without c2pa-python).
JUMBF_C2PA_TYPE = b"c2pa\x00\x11\x00\x10\x80\x00\x00\xaa\x00\x38\x9b\x71"
# Formats whose handler keeps a manifest store intact and whose content hash excludes it
# (tested: JPEG, PNG, WebP). Other formats c2pa-python can sign are not offered until tested.
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Formats whose manifests `detect` reads (signed by any tool).
READ_MIME_TYPES = {
    **MIME_TYPES,
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "flac": "audio/flac",
    "pdf": "application/pdf",
}
UNTRUSTED = "signingCredential.untrusted"
PARENT_LABEL = "received-file"


class C2paUnavailable(InvalidInput):
    """c2pa-python is not installed, so no manifest can be written or read."""


def available() -> bool:
    try:
        import c2pa  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> Any:
    try:
        import c2pa
    except ImportError as exc:
        raise C2paUnavailable(f"C2PA support needs the c2pa-python package: {INSTALL}") from exc
    return c2pa


@dataclass(frozen=True)
class Credentials:
    """A provider's C2PA signing material: the certificate chain (leaf first) and its private key."""

    chain_pem: bytes
    key_pem: bytes
    alg: str
    subject: str


def _alg(key: Any, where: str) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algs = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
        if key.curve.name not in algs:
            raise InvalidInput(f"EC curve {key.curve.name} is not allowed by C2PA; use P-256/384/521", where=where)
        return algs[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ED25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "PS256"
    raise InvalidInput("C2PA signing key must be EC (P-256/384/521), Ed25519 or RSA", where=where)


def load_credentials(cert: Path | str, key: Path | str) -> Credentials:
    """Load a PEM certificate chain and its PEM private key, and check they fit before signing.

    Why check here: c2pa-rs reports a bad pair only as "the certificate is invalid"; a person
    needs to know whether the key does not match, or the certificate is self-signed (C2PA
    refuses self-signed signing certificates: issue the leaf from a CA, even a local one).
    """
    cert, key = Path(cert), Path(key)
    try:
        chain_pem, key_pem = cert.read_bytes(), key.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("C2PA certificate or key file not found", where=str(exc.filename)) from exc
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as exc:
        raise InvalidInput(f"not a PEM certificate chain: {exc}", where=str(cert)) from exc
    try:
        private = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not an unencrypted PEM private key: {exc}", where=str(key)) from exc
    leaf = chain[0]
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(serialization.Encoding.DER, pub) != leaf.public_key().public_bytes(
        serialization.Encoding.DER, pub
    ):
        raise InvalidInput("private key does not match the first (leaf) certificate in the chain", where=str(key))
    if leaf.issuer == leaf.subject:
        raise InvalidInput(
            "the signing certificate is self-signed; C2PA refuses those. Issue it from a CA "
            "(a local one will do) and put the leaf first, then the CA, in the PEM file",
            where=str(cert),
        )
    pkcs8 = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Credentials(chain_pem, pkcs8, _alg(private, str(key)), leaf.subject.rfc4514_string())


def has_manifest(path: Path) -> bool:
    """True if the file holds a C2PA manifest store (a byte search; nothing is parsed)."""
    try:
        with path.open("rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return False
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                return m.find(JUMBF_C2PA_TYPE) != -1
    except (OSError, ValueError):
        return False


def mime_for(handler_name: str | None, *, reading: bool = False) -> str | None:
    return (READ_MIME_TYPES if reading else MIME_TYPES).get(handler_name or "")


def manifest_definition(label: AigcLabel, title: str, *, parent: bool = False) -> dict[str, Any]:
    """The manifest: c2pa.actions (created, or opened+published for a propagator) and the AIGC assertion."""
    spec = load_profile().c2pa
    created = {"action": spec.created_action, "digitalSourceType": spec.digital_source_type}
    # C2PA 2.x: a manifest with a parent starts with c2pa.opened naming that ingredient.
    opened = {"action": "c2pa.opened", "parameters": {"ingredientIds": [PARENT_LABEL]}}
    actions = [opened, {"action": "c2pa.published"}] if parent else [created]
    return {
        "claim_generator_info": [{"name": "aisgf", "version": "0.1"}],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {"label": spec.assertion_label, "data": json.loads(label.to_value())},
        ],
    }


def sign(
    src: Path, dst: Path, mime: str, label: AigcLabel, creds: Credentials, *, title: str,
    parent: Path | None = None,
) -> None:
    """Write `src` plus a signed manifest to `dst`; `parent` (the file before this step) becomes an ingredient."""
    c2pa = require()
    info = c2pa.C2paSignerInfo(getattr(c2pa.C2paSigningAlg, creds.alg), creds.chain_pem, creds.key_pem, None)
    try:
        signer = c2pa.Signer.from_info(info)
        with signer, c2pa.Builder(manifest_definition(label, title, parent=parent is not None)) as builder:
            if parent is not None:
                with parent.open("rb") as p:
                    builder.add_ingredient_from_stream(
                        {"title": title, "relationship": "parentOf", "label": PARENT_LABEL}, mime, p
                    )
            with src.open("rb") as s, dst.open("w+b") as d:
                builder.sign(signer, mime, s, d)
    except c2pa.C2paError as exc:
        raise InvalidInput(f"C2PA signing failed: {exc}", where=title) from exc


def sign_in_place(path: Path, mime: str, label: AigcLabel, creds: Credentials, *, title: str,
                  parent: Path | None = None) -> None:
    """Sign `path` (a temporary file being written) and replace it with the signed copy."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".aisgf-tmp", dir=path.parent)
    os.close(fd)
    try:
        sign(path, Path(tmp), mime, label, creds, title=title, parent=parent)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass
class ManifestInfo:
    """What `detect` reports about a file's active C2PA manifest."""

    validation_state: str | None
    failures: list[str] = field(default_factory=list)
    signer: dict[str, Any] = field(default_factory=dict)
    claim_generator: list[str] = field(default_factory=list)
    assertions: list[str] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    aigc: tuple[str, str] | None = None  # (assertion label, Appendix E JSON)
    manifests: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "validation_state": self.validation_state,
            "failures": self.failures,
            "signer": self.signer,
            "claim_generator": self.claim_generator,
            "assertions": self.assertions,
            "actions": self.actions,
            "aigc_assertion": self.aigc[0] if self.aigc else None,
            "manifests": self.manifests,
            "error": self.error,
        }


def read(path: Path, mime: str, *, trust_anchors: bytes | None = None) -> ManifestInfo:
    """Read and validate the active manifest; with `trust_anchors` (PEM CAs) the signer is checked too."""
    c2pa = require()
    context = None
    if trust_anchors:
        context = c2pa.Context.from_dict(
            {"verify": {"verify_trust": True}, "trust": {"trust_anchors": trust_anchors.decode("ascii")}}
        )
    try:
        with path.open("rb") as f, c2pa.Reader(mime, f, context=context) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
            results = reader.get_validation_results() or {}
    except c2pa.C2paError as exc:
        return ManifestInfo(None, error=f"C2PA manifest is unreadable: {exc}")
    active = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    info = ManifestInfo(
        state,
        failures=[f.get("code", "") for f in results.get("activeManifest", {}).get("failure", [])],
        signer={k: v for k, v in (active.get("signature_info") or {}).items() if k != "cert_serial_number"},
        claim_generator=[str(g.get("name")) for g in active.get("claim_generator_info", [])],
        manifests=len(store.get("manifests", {})),
    )
    for a in active.get("assertions", []):
        lbl = str(a.get("label", ""))
        info.assertions.append(lbl)
        if lbl.startswith("c2pa.actions"):
            info.actions.extend(a.get("data", {}).get("actions", []))
        elif "AIGC" in lbl.upper() and info.aigc is None:
            info.aigc = (lbl, json.dumps(a.get("data"), ensure_ascii=True, separators=(",", ":")))
    return info


def refuse_stale(path: Path) -> None:
    """Refuse to re-label a file whose C2PA manifest the write would silently invalidate."""
    if has_manifest(path):
        raise InvalidInput(
            "file carries a C2PA manifest whose hard binding covers the metadata: changing the label "
            "would invalidate it and leave its old AIGC assertion behind. Re-sign it: pass the "
            "provider certificate and key (--c2pa-cert/--c2pa-key)",
            where=str(path),
        )


__all__ = [
    "C2paUnavailable",
    "Credentials",
    "ManifestInfo",
    "available",
    "has_manifest",
    "load_credentials",
    "mime_for",
    "read",
    "refuse_stale",
    "require",
    "sign",
    "sign_in_place",
]
