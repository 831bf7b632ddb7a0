"""The GB 45438 Appendix E implicit label: one value, parsed, validated and serialized exactly.

Why one class: every container (XMP, ID3, Vorbis comment, front matter...) carries the same
string, so parsing, the character-set rule and the first-write/propagation rules live here once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from aisgf.errors import InvalidInput
from aisgf.labeling.profile import LabelProfile, load_profile

FIELDS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)


@dataclass(frozen=True)
class Problem:
    """One finding about a label or a file; `rule` cites the profile rule it comes from."""

    code: str
    severity: str
    message: str
    rule: str | None = None
    rule_status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class AigcLabel:
    """The seven Appendix E elements, all strings (empty string = not set)."""

    Label: str
    ContentProducer: str
    ProduceID: str
    ReservedCode1: str = ""
    ContentPropagator: str = ""
    PropagateID: str = ""
    ReservedCode2: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def first_write(cls, producer: str, produce_id: str, label: str = "1") -> AigcLabel:
        """A producer's label: Appendix E note 1 makes the propagator fields equal the producer's."""
        return cls(
            Label=label,
            ContentProducer=producer,
            ProduceID=produce_id,
            ContentPropagator=producer,
            PropagateID=produce_id,
        )

    @classmethod
    def received_unlabeled(cls, propagator: str, propagate_id: str, label: str) -> AigcLabel:
        """A platform's label for content that arrived with none (Labeling Measures Art. 6 (2), (3)).

        Label is "2" (the user declares it AI-generated) or "3" (suspected: an explicit label or other
        traces found); only the propagation elements are known, so the producer's stay empty
        (profile rule propagation.unknown-producer).
        """
        return cls(
            Label=label, ContentProducer="", ProduceID="", ContentPropagator=propagator, PropagateID=propagate_id
        )

    def written_by_platform(self) -> bool:
        """True for an Art. 6 platform label: Label 2 or 3, no producer fields, both propagation fields."""
        return (
            self.Label in ("2", "3")
            and not self.ContentProducer
            and not self.ProduceID
            and bool(self.ContentPropagator)
            and bool(self.PropagateID)
        )

    def propagated(self, propagator: str, propagate_id: str) -> AigcLabel:
        """The label after a propagation service takes the content: producer fields are kept."""
        return replace(self, ContentPropagator=propagator, PropagateID=propagate_id, ReservedCode2="")

    def fields(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FIELDS}

    def to_value(self) -> str:
        """The Appendix E string, keys in the standard's order, compact, ASCII-escaped."""
        return json.dumps({"AIGC": self.fields()}, ensure_ascii=True, separators=(",", ":"))

    def with_fields(self, **kw: Any) -> AigcLabel:
        return replace(self, **kw)


def parse_value(raw: str | bytes, *, where: str | None = None) -> tuple[AigcLabel, list[Problem]]:
    """Parse a stored value. Accepts the Appendix E shape and the bare inner object seen in practice."""
    profile = load_profile()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("label value is not UTF-8", where=where) from exc
    raw = raw.strip().rstrip("\x00")
    if len(raw.encode("utf-8")) > profile.implicit.max_label_bytes:
        raise InvalidInput(
            f"label value is larger than {profile.implicit.max_label_bytes} bytes", where=where
        )
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"label value is not JSON: {exc.msg} at char {exc.pos}", where=where) from exc
    return from_mapping(doc, where=where)


def from_mapping(doc: Any, *, where: str | None = None) -> tuple[AigcLabel, list[Problem]]:
    """Build a label from a decoded mapping ({"AIGC": {...}} or the inner object)."""
    profile = load_profile()
    problems: list[Problem] = []
    key = profile.implicit.key
    if isinstance(doc, dict) and key in doc and isinstance(doc[key], dict):
        inner = doc[key]
    elif isinstance(doc, dict) and "Label" in doc:
        inner = doc
        r = profile.rule("placement.xmp-bare-inner")
        problems.append(
            Problem(
                "bare-inner-object",
                "info",
                'value is the inner object without the {"AIGC": ...} wrapper',
                r.id,
                r.status,
            )
        )
    else:
        raise InvalidInput('label value is neither {"AIGC": {...}} nor an object with "Label"', where=where)
    values: dict[str, str] = {}
    extra: dict[str, Any] = {}
    for k, v in inner.items():
        if k in FIELDS:
            if not isinstance(v, str):
                r = profile.rule("E.value-shape")
                problems.append(
                    Problem(
                        "not-a-string", "error", f"{k} is {type(v).__name__}, not a string", r.id, r.status
                    )
                )
                v = "" if v is None else str(v)
            values[k] = v
        else:
            extra[k] = v
    label = AigcLabel(**{f: values.get(f, "") for f in FIELDS}, extra=extra)
    problems.extend(validate(label, profile, present=set(values)))
    return label, problems


def validate(
    label: AigcLabel, profile: LabelProfile | None = None, *, present: set[str] | None = None
) -> list[Problem]:
    """Check a label against the profile: label values, required fields, character set."""
    profile = profile or load_profile()
    problems: list[Problem] = []
    vals = label.fields()
    r = profile.rule("E.label-values")
    if label.Label not in profile.implicit.label_values:
        allowed = ", ".join(repr(v) for v in profile.implicit.label_values)
        problems.append(
            Problem(
                "bad-label-value", "error", f"Label is {label.Label!r}; accepted: {allowed}", r.id, r.status
            )
        )
    r = profile.rule("E.required-fields")
    required = profile.implicit.required_fields
    if label.written_by_platform():  # Art. 6: the producer of content received unlabeled is unknown
        unknown = profile.rule("propagation.unknown-producer")
        problems.append(
            Problem(
                "producer-unknown",
                unknown.severity,
                f"Label {label.Label} written by propagation platform {label.ContentPropagator} for content "
                "received without a label: ContentProducer and ProduceID are empty",
                unknown.id,
                unknown.status,
            )
        )
        required = [f for f in required if f not in ("ContentProducer", "ProduceID")]
    for f in required:
        if not vals.get(f) or (present is not None and f not in present):
            problems.append(Problem("missing-field", r.severity, f"{f} is missing or empty", r.id, r.status))
    r = profile.rule("E.charset")
    for f, v in vals.items():
        bad = sorted({c for c in v if not profile.char_allowed(c)})
        if bad:
            shown = "".join(bad[:8])
            problems.append(
                Problem(
                    "bad-charset",
                    r.severity,
                    f"{f} has characters outside 0x21, 0x23-0x5B, 0x5D-0x7E: {shown!r}",
                    r.id,
                    r.status,
                )
            )
    if label.extra:
        problems.append(
            Problem(
                "extra-fields",
                "warning",
                f"unknown elements: {', '.join(sorted(label.extra))}",
                "E.value-shape",
                profile.rule("E.value-shape").status,
            )
        )
    return problems


def check_for_writing(label: AigcLabel, *, where: str | None = None) -> None:
    """Refuse to write a label that breaks any rule, warnings included: aisgf writes strictly."""
    problems = [p for p in validate(label) if p.code != "extra-fields" and p.severity != "info"]
    if problems:
        raise InvalidInput(
            "; ".join(p.message for p in problems),
            where=where,
            extra={"problems": [p.as_dict() for p in problems]},
        )
