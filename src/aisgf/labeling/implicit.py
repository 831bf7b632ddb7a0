"""Implicit (metadata) labels: embed, propagate, detect and verify, for one file at a time.

Why this layer: handlers only know containers; here live the GB 45438 rules that span them —
one label per file (re-labeling replaces), identical copies across containers, first-write and
propagation semantics, atomic writes, and the integrity codes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aisgf.errors import AisgfError, InvalidInput, NotFound
from aisgf.labeling import c2pa_manifest, integrity
from aisgf.labeling.formats import (
    SIDECAR,
    SIDECAR_SUFFIX,
    FormatHandler,
    Found,
    by_extension,
    sidecar_path,
    sniff,
)
from aisgf.labeling.formats.base import atomic_output
from aisgf.labeling.label import AigcLabel, Problem, check_for_writing, parse_value
from aisgf.labeling.profile import load_profile


class UnsupportedFormat(InvalidInput):
    """aisgf has no metadata container for this file's format; a JSON sidecar is the fallback."""


@dataclass
class LabelCopy:
    location: str
    raw: str
    label: AigcLabel | None
    problems: list[Problem]


@dataclass
class FileLabels:
    """What `detect` found in one file."""

    path: Path
    format: str | None
    copies: list[LabelCopy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    label: AigcLabel | None = None
    integrity: list[integrity.CodeCheck] = field(default_factory=list)
    explicit: bool | None = None
    c2pa: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        if any(p.code in ("unreadable", "unsupported") for p in self.problems):
            return next(p.code for p in self.problems if p.code in ("unreadable", "unsupported"))
        if self.label is None and not self.copies:
            return "unlabeled"
        if any(p.severity == "error" for p in self.problems):
            return "invalid"
        return "labeled"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "status": self.status,
            "label": self.label.fields() if self.label else None,
            "locations": [c.location for c in self.copies],
            "copies": [
                {"location": c.location, "raw": c.raw, "problems": [p.as_dict() for p in c.problems]}
                for c in self.copies
            ],
            "problems": [p.as_dict() for p in self.problems],
            "integrity": [
                {
                    "field": c.field,
                    "status": c.status,
                    "message": c.message,
                    "key_id": c.key_id,
                    "scheme": c.scheme,
                }
                for c in self.integrity
            ],
            "explicit": self.explicit,
            "c2pa": self.c2pa,
        }


def _problem(rule_id: str, code: str, message: str, severity: str | None = None) -> Problem:
    r = load_profile().rule(rule_id)
    return Problem(code, severity or r.severity, message, r.id, r.status)


def handler_for(path: Path, *, sidecar: bool = False) -> FormatHandler:
    """The handler that will carry `path`'s label; raises UnsupportedFormat with the sidecar offer."""
    if not path.is_file():
        raise NotFound("no such file", where=str(path))
    if sidecar:
        return SIDECAR
    handler = sniff(path)
    if handler is None:
        raise UnsupportedFormat(
            "format not supported for embedded labels; write a JSON sidecar instead "
            f"({path.name}{SIDECAR_SUFFIX}) with --sidecar / sidecar=True",
            where=str(path),
        )
    return handler


def _check_c2pa(path: Path, handler: FormatHandler, c2pa: c2pa_manifest.Credentials | None) -> None:
    """Before any write: C2PA only where it is supported, and never silently break a manifest."""
    if c2pa is not None:
        if handler is SIDECAR or c2pa_manifest.mime_for(handler.name) is None:
            formats = ", ".join(sorted(c2pa_manifest.MIME_TYPES))
            raise InvalidInput(f"C2PA manifests are written for {formats} files only", where=str(path))
        c2pa_manifest.require()  # fail now, with the install line, not after the label is written
    elif handler is not SIDECAR:
        c2pa_manifest.refuse_stale(path)


def _write(
    path: Path,
    handler: FormatHandler,
    label: AigcLabel,
    c2pa: c2pa_manifest.Credentials | None = None,
    *,
    parent: bool = False,
) -> None:
    """Label first, then (optionally) sign a C2PA manifest over the labeled bytes, then rename."""
    value = label.to_value()
    limit = load_profile().implicit.max_label_bytes
    if len(value.encode("utf-8")) > limit:  # detect would refuse to read it back
        raise InvalidInput(f"label value would be larger than {limit} bytes", where=str(path))
    target = sidecar_path(path) if handler is SIDECAR else path
    try:
        with atomic_output(target) as tmp:
            handler.write(path, tmp, value)
            if c2pa is not None:
                mime = c2pa_manifest.mime_for(handler.name)
                assert mime is not None  # checked by _check_c2pa
                c2pa_manifest.sign_in_place(
                    tmp, mime, label, c2pa, title=path.name, parent=path if parent else None
                )
    except AisgfError as exc:
        exc.where = str(path)  # name the user's file, not the temporary copy being written
        raise


def embed(
    path: Path | str,
    producer: str,
    produce_id: str | None = None,
    *,
    label: str = "1",
    key: Ed25519PrivateKey | None = None,
    sidecar: bool = False,
    c2pa: c2pa_manifest.Credentials | None = None,
) -> AigcLabel:
    """Label a producer's output: replaces any existing label; returns the label written.

    ProduceID defaults to a random UUID (the provider's unique number for this content).
    With `key`, ReservedCode1 carries a signature binding the producer fields and content hash.
    With `c2pa`, a C2PA manifest carrying the same label is signed over the labeled file.
    """
    path = Path(path)
    handler = handler_for(path, sidecar=sidecar)
    _check_c2pa(path, handler, c2pa)
    lbl = AigcLabel.first_write(producer, produce_id or uuid.uuid4().hex, label)
    check_for_writing(lbl, where=str(path))
    if key is not None:
        lbl = lbl.with_fields(
            ReservedCode1=integrity.sign(lbl, "ReservedCode1", handler.content_hash(path), key)
        )
    _write(path, handler, lbl, c2pa)
    return lbl


#: What a platform says about content that arrived with no implicit label (Measures Art. 6), and
#: the Label it writes: "declared" (the user declares it AI-generated: possibly, 2) or
#: "suspected" (no declaration, but an explicit label or other traces were found: 3).
UNLABELED_LABELS = {"declared": "2", "suspected": "3"}


def propagate(
    path: Path | str,
    propagator: str,
    propagate_id: str | None = None,
    *,
    key: Ed25519PrivateKey | None = None,
    sidecar: bool = False,
    c2pa: c2pa_manifest.Credentials | None = None,
    unlabeled: str | None = None,
) -> AigcLabel:
    """A propagation service's step: keep the producer fields, fill ContentPropagator/PropagateID.

    A file that arrived with no implicit label gets one written by the platform (Measures Art. 6),
    with Label 2 or 3 as ``unlabeled`` says ("declared" or "suspected", see UNLABELED_LABELS) and
    empty producer fields; without ``unlabeled`` such a file is refused, since only the platform
    knows which case it is. With `c2pa`, the propagator signs a new manifest whose parent ingredient
    is the file as received (so the producer's manifest stays in the chain) and whose AIGC
    assertion is updated.
    """
    path = Path(path)
    if unlabeled is not None and unlabeled not in UNLABELED_LABELS:
        raise InvalidInput(
            f"unlabeled is {unlabeled!r}; accepted: {', '.join(UNLABELED_LABELS)}", where="--unlabeled"
        )
    found = detect(path, sidecar=sidecar)
    unreadable = next((p for p in found.problems if p.code == "unreadable"), None)
    if unreadable is not None:  # never write a label into a file whose own label cannot be read
        handler_for(path, sidecar=sidecar)  # a missing file: NotFound
        raise InvalidInput(f"cannot read the file's label: {unreadable.message}", where=str(path))
    pid = propagate_id or uuid.uuid4().hex
    if found.label is None and not found.copies:
        handler = handler_for(path, sidecar=sidecar)  # an unsupported format: the sidecar offer
        if unlabeled is None:
            raise InvalidInput(
                "file carries no implicit label; a platform that received it unlabeled writes one (Labeling "
                "Measures Art. 6): say which case it is with --unlabeled declared (the user declares it "
                "AI-generated: Label 2) or --unlabeled suspected (an explicit label or other traces were "
                "found: Label 3)",
                where=str(path),
            )
        _check_c2pa(path, handler, c2pa)
        lbl = AigcLabel.received_unlabeled(propagator, pid, UNLABELED_LABELS[unlabeled])
    else:
        errors = [p for p in found.problems if p.severity == "error" and p.code != "missing-field"]
        if found.label is None or errors:
            shown = errors or [p for p in found.problems if p.severity == "error"]
            raise InvalidInput(
                "existing label has errors: " + "; ".join(p.message for p in shown), where=str(path)
            )
        handler = handler_for(path, sidecar=sidecar or (found.format == "sidecar"))
        _check_c2pa(path, handler, c2pa)
        lbl = found.label.propagated(propagator, pid)
    check_for_writing(lbl, where=str(path))
    if key is not None:
        lbl = lbl.with_fields(
            ReservedCode2=integrity.sign(lbl, "ReservedCode2", handler.content_hash(path), key)
        )
    _write(path, handler, lbl, c2pa, parent=True)
    return lbl


def _explicit_text(path: Path) -> bool:
    from aisgf.labeling.explicit.text import has_text_label

    try:
        return has_text_label(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return False


def _read_c2pa(path: Path, handler: FormatHandler, result: FileLabels, trust: bytes | None) -> list[Found]:
    """Report the file's C2PA manifest; its AIGC assertion becomes one more copy of the label."""
    if not c2pa_manifest.has_manifest(path):
        return []
    mime = c2pa_manifest.mime_for(handler.name, reading=True)
    if mime is None:
        return []
    if not c2pa_manifest.available():
        result.problems.append(
            _problem(
                "c2pa.validation",
                "c2pa-unreadable",
                f"file carries a C2PA manifest; install c2pa-python to read it ({c2pa_manifest.INSTALL})",
                "warning",
            )
        )
        return []
    info = c2pa_manifest.read(path, mime, trust_anchors=trust)
    result.c2pa = info.as_dict()
    if info.error:
        result.problems.append(_problem("c2pa.validation", "c2pa-unreadable", info.error, "error"))
        return []
    failures = [f for f in info.failures if f != c2pa_manifest.UNTRUSTED]
    if info.validation_state == "Invalid" or failures:
        result.problems.append(
            _problem(
                "c2pa.validation",
                "c2pa-invalid",
                "C2PA manifest does not validate (" + ", ".join(failures or ["invalid"]) + "): the file "
                "changed after it was signed",
                "error",
            )
        )
    if c2pa_manifest.UNTRUSTED in info.failures:
        if trust:
            result.problems.append(
                _problem(
                    "c2pa.validation", "c2pa-untrusted", "C2PA signer is not issued by a trusted CA", "error"
                )
            )
        else:
            result.problems.append(
                _problem(
                    "c2pa.validation",
                    "c2pa-trust-not-checked",
                    "C2PA signer was not checked against trust anchors (give --c2pa-trust CA.pem)",
                    "info",
                )
            )
    if info.aigc is None:
        result.problems.append(
            _problem("c2pa.aigc-assertion", "c2pa-no-aigc", "C2PA manifest has no AIGC assertion", "info")
        )
        return []
    return [Found(f"c2pa:{info.aigc[0]}", info.aigc[1])]


def detect(
    path: Path | str,
    *,
    sidecar: bool = False,
    keys: dict[str, Ed25519PublicKey] | None = None,
    c2pa_trust: bytes | None = None,
) -> FileLabels:
    """Read every copy of the label in a file (and its sidecar) and check it; never raises for bad input.

    Copies include the AIGC assertion of a C2PA manifest, so a manifest that disagrees with the
    metadata label is reported like any two differing copies. `c2pa_trust` (PEM CA certificates)
    also checks the manifest's signer.
    """
    path = Path(path)
    result = FileLabels(path=path, format=None)
    try:
        handler = None if sidecar else sniff(path)
        found: list[Found] = []
        if handler is not None:
            result.format = handler.name
            ext_handler = by_extension(path)
            if ext_handler is not None and ext_handler is not handler:
                result.problems.append(
                    Problem(
                        "extension-mismatch",
                        "warning",
                        f"extension {path.suffix} but the content is {handler.name}",
                    )
                )
            found = handler.read(path)
            found += _read_c2pa(path, handler, result, c2pa_trust)
        side = SIDECAR.read(path)
        if side and handler is None:
            result.format = "sidecar"
        found += side
        if handler is None and not side:
            result.problems.append(
                Problem(
                    "unsupported",
                    "info",
                    "format not supported for embedded labels; a JSON sidecar "
                    f"({path.name}{SIDECAR_SUFFIX}) can carry one",
                )
            )
            return result
        if handler is not None and handler.media == "text":
            result.explicit = _explicit_text(path)
    except AisgfError as exc:
        result.problems.append(Problem("unreadable", "error", exc.message))
        return result
    except OSError as exc:
        result.problems.append(Problem("unreadable", "error", f"cannot read file: {exc.strerror or exc}"))
        return result

    for f in found:
        try:
            lbl, probs = parse_value(f.raw, where=str(path))
        except AisgfError as exc:
            lbl, probs = None, [_problem("E.value-shape", "malformed", exc.message, "error")]
        result.copies.append(LabelCopy(f.location, f.raw, lbl, probs))
    if not result.copies:
        result.problems.append(_problem("E.field-name", "missing", "no implicit label found", "info"))
        return result
    parsed = [c for c in result.copies if c.label is not None]
    distinct = {c.label.to_value() for c in parsed if c.label is not None}
    if len(distinct) > 1:
        where = ", ".join(c.location for c in parsed)
        result.problems.append(
            _problem(
                "aisgf.identical-copies",
                "conflicting-labels",
                f"{len(distinct)} different labels in one file ({where}); a file must carry one label",
                "error",
            )
        )
    locations = [c.location for c in result.copies]
    dup = sorted({loc for loc in locations if locations.count(loc) > 1})
    if dup:
        result.problems.append(
            _problem(
                "6.1c.one-label",
                "duplicate-label",
                f"the same container holds more than one label: {', '.join(dup)}",
            )
        )
    for c in result.copies:
        result.problems.extend(c.problems)
    result.problems = _dedupe(result.problems)
    if parsed:
        result.label = parsed[0].label
    if keys is not None and result.label is not None:
        result.integrity = verify_label(
            path, result.label, keys, SIDECAR if result.format == "sidecar" else handler
        )
        for chk in result.integrity:
            if chk.status not in ("valid", "absent"):
                result.problems.append(
                    _problem(
                        "E.reserved-codes", f"integrity-{chk.status}", f"{chk.field}: {chk.message}", "error"
                    )
                )
    return result


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.code, p.message) not in seen:
            seen.add((p.code, p.message))
            out.append(p)
    return out


def verify_label(
    path: Path, label: AigcLabel, keys: dict[str, Ed25519PublicKey], handler: FormatHandler | None
) -> list[integrity.CodeCheck]:
    if handler is None:
        return []
    content = handler.content_hash(path)
    return [integrity.check(label, f, content, keys) for f in ("ReservedCode1", "ReservedCode2")]


def verify(
    path: Path | str,
    public_keys: list[Ed25519PublicKey],
    *,
    sidecar: bool = False,
    c2pa_trust: bytes | None = None,
) -> FileLabels:
    """detect + check ReservedCode1/2 against the trusted keys; `status` is ``labeled`` only if intact."""
    keys = {integrity.key_id(k): k for k in public_keys}
    result = detect(path, sidecar=sidecar, keys=keys, c2pa_trust=c2pa_trust)
    if result.label is not None and not any(c.ok for c in result.integrity):
        result.problems.append(
            _problem(
                "E.reserved-codes",
                "unsigned",
                "no ReservedCode carries a valid signature from a trusted key",
                "error",
            )
        )
    return result
