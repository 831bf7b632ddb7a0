"""Integrity codes for ReservedCode1/2: an Ed25519 signature over a content hash and label fields.

Why: a label can be copied onto another file or edited by hand; a signature by a key the provider
holds lets `verify` tell an intact label from a copied or altered one.

Shape (TC260-PG-20258A "SecurityData", as far as known): a JSON object with the mandatory
``Type`` and ``Version`` and the optional ``Bindings`` and ``PubSD``. The guide's inner encoding
was not read, so the values inside are aisgf's own. The object is compact JSON, base64url-encoded
(no padding) and prefixed ``SD1.``, because the Appendix E character set forbids ``"`` unescaped.

ReservedCode1 (producer) covers Label, ContentProducer, ProduceID and the content hash, so a
propagator can fill its own fields without breaking it. ReservedCode2 (propagator) also covers
ReservedCode1, ContentPropagator and PropagateID.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aisgf.errors import InvalidInput, NotFound
from aisgf.labeling.formats.base import ContentHash
from aisgf.labeling.label import AigcLabel

PREFIX = "SD1."
SD_TYPE = "aisgf.ed25519-content-binding"
SD_VERSION = "1"
COVERED = {
    "ReservedCode1": ("Label", "ContentProducer", "ProduceID"),
    "ReservedCode2": (
        "Label",
        "ContentProducer",
        "ProduceID",
        "ReservedCode1",
        "ContentPropagator",
        "PropagateID",
    ),
}


def _b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def _b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_keypair(private_path: Path, public_path: Path, *, overwrite: bool = False) -> str:
    """Write a new Ed25519 key pair (PKCS#8 / SubjectPublicKeyInfo PEM); return its key ID."""
    for p in (private_path, public_path):
        if p.exists() and not overwrite:
            raise InvalidInput("key file already exists; refusing to overwrite", where=str(p))
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(key.public_key())


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise NotFound("private key file not found", where=str(path)) from exc
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not an unencrypted PEM private key: {exc}", where=str(path)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput("private key is not Ed25519", where=str(path))
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("public key file not found", where=str(path)) from exc
    try:
        key: Any = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"not a PEM public key: {exc}", where=str(path)) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("public key is not Ed25519", where=str(path))
    return key


def _message(sd: dict[str, Any], label: AigcLabel, field: str) -> bytes:
    values = label.fields()
    doc = {
        "SecurityData": {k: v for k, v in sd.items() if k != "PubSD"},
        "Signer": {k: v for k, v in sd.get("PubSD", {}).items() if k != "Sig"},
        "Fields": {k: values[k] for k in COVERED[field]},
        "Slot": field,
    }
    return b"aisgf-aigc-v1\n" + json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(label: AigcLabel, field: str, content: ContentHash, key: Ed25519PrivateKey) -> str:
    """The ReservedCode value binding `label`'s covered fields and `content` under `key`."""
    if field not in COVERED:
        raise InvalidInput(f"cannot sign into {field}; use ReservedCode1 or ReservedCode2")
    sd: dict[str, Any] = {
        "Type": SD_TYPE,
        "Version": SD_VERSION,
        "Bindings": [{"Type": "hash", "Alg": "SHA-256", "Scheme": content.scheme, "Value": content.sha256}],
        "PubSD": {"Alg": "Ed25519", "KeyID": key_id(key.public_key())},
    }
    sd["PubSD"]["Sig"] = _b64e(key.sign(_message(sd, label, field)))
    return PREFIX + _b64e(json.dumps(sd, separators=(",", ":")).encode("utf-8"))


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on one ReservedCode slot."""

    field: str
    status: (
        str  # valid | content-changed | signature-invalid | unknown-key | wrong-scheme | malformed | absent
    )
    message: str
    key_id: str | None = None
    scheme: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "valid"


def decode(value: str) -> dict[str, Any]:
    if not value.startswith(PREFIX):
        raise ValueError(f"not an aisgf SecurityData code (expected prefix {PREFIX})")
    sd = json.loads(_b64d(value[len(PREFIX) :]))
    if not isinstance(sd, dict) or "Type" not in sd or "Version" not in sd:
        raise ValueError("SecurityData lacks the mandatory Type/Version")
    return sd


def check(label: AigcLabel, field: str, content: ContentHash, keys: dict[str, Ed25519PublicKey]) -> CodeCheck:
    """Check one slot of `label` against the file's current content hash and the trusted keys."""
    value = getattr(label, field)
    if not value:
        return CodeCheck(field, "absent", f"{field} is empty: no integrity code to check")
    try:
        sd = decode(value)
        binding = next(b for b in sd.get("Bindings", []) if b.get("Type") == "hash")
        pub = sd["PubSD"]
        kid, sig = str(pub["KeyID"]), _b64d(str(pub["Sig"]))
    except (ValueError, KeyError, StopIteration, TypeError) as exc:
        return CodeCheck(field, "malformed", f"{field} is not a readable SecurityData code: {exc}")
    scheme = str(binding.get("Scheme"))
    if kid not in keys:
        return CodeCheck(
            field, "unknown-key", f"signed by key {kid}, which is not among the trusted keys", kid, scheme
        )
    try:
        keys[kid].verify(sig, _message(sd, label, field))
    except InvalidSignature:
        return CodeCheck(
            field,
            "signature-invalid",
            "signature does not match the label fields: the label was edited",
            kid,
            scheme,
        )
    if scheme != content.scheme:
        return CodeCheck(
            field,
            "wrong-scheme",
            f"signed for a {scheme} file, but this file hashes as "
            f"{content.scheme}: the label was copied from another file",
            kid,
            scheme,
        )
    if binding.get("Value") != content.sha256:
        return CodeCheck(
            field,
            "content-changed",
            "content hash differs from the signed one: the content was "
            "changed or the label was copied from another file",
            kid,
            scheme,
        )
    return CodeCheck(field, "valid", "signature and content hash match", kid, scheme)
