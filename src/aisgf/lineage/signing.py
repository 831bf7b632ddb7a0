"""Sign a model directory and verify it later, with model-signing (Sigstore's model transparency) and a local key.

Why: a hash list proves nothing if whoever changed a file can also rewrite the list. model-signing signs
an in-toto statement of every file's SHA-256 with an EC key and keeps it in a Sigstore bundle, so a
reviewer's "this is the model we approved" holds offline, with no Sigstore account. The library answers
verification with pass or a message; a governance record needs each changed, added and removed file,
so after the library has checked the signature we compare the manifest it signed with the directory.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisgf.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class VerifyResult:
    """What verifying a directory against its signature found.

    `signature_valid` False means the bundle was not signed by the key (or is not a bundle): nothing in it
    can be trusted, so no file lists are given. With a valid signature, `ok` is True only when the
    directory holds exactly the signed files with the signed digests.
    """

    ok: bool
    signature_valid: bool
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    message: str | None = None  # the library's words when it refused
    files: int = 0  # files in the signed manifest


def _model_signing() -> Any:
    try:
        import model_signing
    except ModuleNotFoundError as exc:  # model-signing 1.1.1 imports pyOpenSSL without declaring it
        from aisgf.errors import MissingExtra

        raise MissingExtra(f"signing models needs model-signing and pyOpenSSL (no module {exc.name!r}): "
                           "pip install model-signing pyopenssl") from exc
    return model_signing


def generate_key(private_path: str | os.PathLike[str], public_path: str | os.PathLike[str], *,
                 overwrite: bool = False) -> None:
    """Write a new NIST P-256 key pair as PEM: PKCS#8 private key (mode 0600) and SubjectPublicKeyInfo.

    P-256 is the curve model-signing's key signer expects by default; an existing file is kept unless
    `overwrite`, since replacing a private key silently orphans every signature made with it.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private, public = Path(private_path), Path(public_path)
    for p in (private, public):
        if p.exists() and not overwrite:
            raise Conflict(f"{p} exists; give overwrite (--force) to replace it", where=str(p))
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(os.open(private, flags, 0o600), "wb") as f:
        f.write(pem)
    os.chmod(private, 0o600)
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))


def default_signature_path(model_dir: str | os.PathLike[str]) -> Path:
    """``<dir>.sig`` beside the directory: outside it, so signing does not change what was signed."""
    d = Path(model_dir).resolve()
    return d.with_name(d.name + ".sig")


def _inside(model_dir: Path, path: Path) -> str | None:
    """`path` relative to `model_dir` if it lies inside (the signature then is left out of the manifest)."""
    try:
        return path.resolve().relative_to(model_dir.resolve()).as_posix()
    except ValueError:
        return None


def _check_dir(model_dir: Path) -> None:
    if not model_dir.is_dir():
        raise NotFound(f"no model directory at {model_dir}", where=str(model_dir))


def sign_dir(model_dir: str | os.PathLike[str], private_key: str | os.PathLike[str],
             signature_path: str | os.PathLike[str] | None = None) -> Path:
    """Sign every file of `model_dir` (SHA-256 per file) with the EC `private_key`; returns the bundle path.

    A directory with symlinks is signed only when every link is one `read_model_dir` accepts (inside the
    directory, or a Hugging Face cache snapshot's links into its repo's blobs); the files are then signed
    by content, followed. Any other link is refused by name.
    """
    from aisgf.lineage.artifacts import checked_symlinks

    ms = _model_signing()
    d = Path(model_dir)
    _check_dir(d)
    has_links, refused = checked_symlinks(d)
    if refused:
        raise InvalidInput(f"cannot sign the directory: links that leave it: {', '.join(refused[:10])}",
                           where=str(d))
    key = Path(private_key)
    if not key.is_file():
        raise NotFound(f"no private key at {key}", where=str(key))
    sig = Path(signature_path) if signature_path is not None else default_signature_path(d)
    inside = _inside(d, sig)
    hashing_config = ms.hashing.Config().set_ignored_paths(paths=[inside] if inside else [],
                                                           ignore_git_paths=True)
    if has_links:
        hashing_config.set_allow_symlinks(True)
    try:
        config = ms.signing.Config().set_hashing_config(hashing_config).use_elliptic_key_signer(private_key=key)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not a usable EC private key (PEM, P-256/384/521): {exc}", where=str(key)) from exc
    try:
        config.sign(d, sig)
    except ValueError as exc:
        raise InvalidInput(f"cannot sign the directory: {exc}", where=str(d)) from exc
    return sig


def _signed_resources(bundle: bytes, where: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The (file → sha256) list and serialization settings in a bundle's DSSE payload.

    Only called after model-signing has verified the signature over these very bytes.
    """
    try:
        envelope = json.loads(bundle)["dsseEnvelope"]
        statement = json.loads(base64.b64decode(envelope["payload"]))
        predicate = statement["predicate"]
        resources = {str(r["name"]): str(r["digest"]) for r in predicate["resources"]
                     if r.get("algorithm") == "sha256"}
        return resources, dict(predicate.get("serialization") or {})
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise InvalidInput(f"the signature bundle's payload has no file list: {exc}", where=where) from exc


def _current(model_dir: Path, serialization: dict[str, Any]) -> dict[str, str]:
    """The directory as model-signing's own file serialization sees it (same ignores, same digests)."""
    ms = _model_signing()
    ignored = [str(p) for p in serialization.get("ignore_paths") or []]
    root = model_dir.resolve()
    relative = []
    for p in ignored:  # the bundle records ignored paths as given at signing (absolute or relative)
        rel = _inside(root, Path(p)) if Path(p).is_absolute() else p
        if rel:
            relative.append(rel)
    config = ms.hashing.Config().set_ignored_paths(paths=relative, ignore_git_paths=True)
    config.use_file_serialization(hashing_algorithm="sha256")
    config.set_allow_symlinks(bool(serialization.get("allow_symlinks", False)))  # hash() applies this one
    manifest = config.hash(model_dir)
    return {str(rd.identifier): rd.digest.digest_hex for rd in manifest.resource_descriptors()}


def _follows_symlinks(bundle: bytes) -> Any:
    """The hashing config for a bundle signed with links followed (a hub snapshot), else None.

    Why: model-signing 1.x guesses the config from the bundle but its `hash()` then resets
    `allow_symlinks` to False, so a directory signed through links could never verify. The flag is
    read from the bundle before its signature is checked; that only picks how the directory is hashed;
    the signed manifest (which records the flag) must still equal the one computed.
    """
    ms = _model_signing()
    try:
        statement = json.loads(base64.b64decode(json.loads(bundle)["dsseEnvelope"]["payload"]))
        serialization = statement["predicate"]["serialization"]
        if serialization.get("method") != "files" or serialization.get("allow_symlinks") is not True:
            return None
        algorithm = str(serialization.get("hash_type", "sha256"))
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None  # not a bundle we can read: model-signing says why
    return (ms.hashing.Config().use_file_serialization(hashing_algorithm=algorithm, allow_symlinks=True)
            .set_allow_symlinks(True))


def verify_dir(model_dir: str | os.PathLike[str], public_key: str | os.PathLike[str],
               signature_path: str | os.PathLike[str] | None = None) -> VerifyResult:
    """Verify `model_dir` against its signature bundle with the EC `public_key`.

    The bundle is read once and model-signing verifies that copy, so the file list reported is the one
    whose signature was checked. Raises `NotFound` for a missing directory, key or bundle.
    """
    ms = _model_signing()
    d = Path(model_dir)
    _check_dir(d)
    pub = Path(public_key)
    if not pub.is_file():
        raise NotFound(f"no public key at {pub}", where=str(pub))
    sig = Path(signature_path) if signature_path is not None else default_signature_path(d)
    try:
        bundle = sig.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(f"no signature at {sig}", where=str(sig)) from exc
    tmp = Path(tempfile.mkdtemp(prefix="aisgf-verify-"))
    try:
        copy = tmp / "model.sig"
        copy.write_bytes(bundle)
        try:
            config = ms.verifying.Config().use_elliptic_key_verifier(public_key=pub)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"not a usable EC public key (PEM): {exc}", where=str(pub)) from exc
        followed = _follows_symlinks(bundle)
        if followed is not None:
            config.set_hashing_config(followed)
        try:
            config.verify(d, copy)
            verdict = None
        except ValueError as exc:
            verdict = str(exc)
        except Exception as exc:  # a bundle that is not JSON or not a Sigstore bundle at all
            return VerifyResult(ok=False, signature_valid=False,
                                message=f"not a signature bundle: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # model-signing compares contents only after the signature verified, and says so with this prefix.
    if verdict is not None and not verdict.startswith("Signature mismatch"):
        return VerifyResult(ok=False, signature_valid=False, message=verdict)
    signed, serialization = _signed_resources(bundle, str(sig))
    if verdict is None:
        return VerifyResult(ok=True, signature_valid=True, files=len(signed))
    try:
        now = _current(d, serialization)
    except ValueError as exc:
        return VerifyResult(ok=False, signature_valid=True, message=f"{verdict}; and cannot list the directory: "
                            f"{exc}", files=len(signed))
    return VerifyResult(
        ok=False, signature_valid=True, files=len(signed),
        message="the signature is valid, but the directory is not what was signed",
        changed=sorted(p for p in signed.keys() & now.keys() if signed[p] != now[p]),
        added=sorted(now.keys() - signed.keys()), removed=sorted(signed.keys() - now.keys()))
