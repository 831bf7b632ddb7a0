"""Organisation services: the only writers of the profile and the filings, each change with its audit event.

Routes, pages and commands parse input and call these; every rule (what a valid credit code,
province, phone number or filing is; who may change them) is here, so the API, the page and the CLI
cannot disagree. Other concerns call `incident_reporter` (the reporting clock and its addressee) and
`filings` (the numbers a filing pack or a disclosure names).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisgf.accounts.scope import require
from aisgf.audit.service import append_event
from aisgf.errors import Conflict, InvalidInput, NotFound, register_messages
from aisgf.organisation.choices import FilingKind, ReporterType, values
from aisgf.organisation.models import PROFILE_ID, Filing, OrganisationProfile
from aisgf.organisation.reference import load_filing_kinds, load_provinces
from aisgf.organisation.schemas import FilingOut, ReporterDuty
from aisgf.organisation.uscc import normal_uscc

if TYPE_CHECKING:
    from aisgf.accounts.principal import Principal

MESSAGES = register_messages({
    "organisation.no_profile": "no organisation profile yet: an administrator or governance lead sets it "
                               "(the Organisation page, aisgf org set, or PUT /api/organisation)",
    "organisation.required": "{field} is required",
    "organisation.too_long": "{field} is at most {max} characters (this one has {n})",
    "organisation.control_chars": "{field} contains control characters (line breaks, tabs); give one line of text",
    "organisation.unknown_province": "unknown province {value!r}: give its GB/T 2260 code (e.g. 440000), the code's "
                                     "first two digits, or its name (广东省 or Guangdong)",
    "organisation.unknown_reporter_type": "unknown reporter type {value!r}; accepted: {accepted}",
    "organisation.bad_phone": "{value!r} is not a phone number: 5 to 30 digits, spaces, '+', '-', '(' and ')', "
                              "e.g. 010-68359892 or +86 138 0013 8000",
    "organisation.bad_email": "{value!r} is not an e-mail address (name@example.com)",
    "organisation.stale": "the organisation profile changed since you loaded it (version {expected}, now {now}); "
                          "reload and try again",
    "organisation.unknown_kind": "unknown kind of filing {value!r}; accepted: {accepted}",
    "organisation.filing_needs_upstream": "a {kind} names the filed model it calls: {field} is required",
    "organisation.filing_no_upstream": "a {kind} records no upstream model: leave {field} empty",
    "organisation.filing_date_future": "the filing date {value} is in the future",
    "organisation.filing_exists": "a {kind} with number {number!r} is already recorded (filing {id})",
    "organisation.no_filing": "no filing with ID {id}",
    # the page's and the command's own parsing (registered here, where both look)
    "organisation.not_date": "not a date (YYYY-MM-DD): {value!r}",
    "organisation.form_without_version": "the form has no version; reload the page",
})

#: The profile's stored fields, in the order the audit payload lists them.
FIELDS = ("name_zh", "name_en", "uscc", "province", "reporter_type", "contact_name", "contact_phone",
          "contact_email")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9()\- ]{5,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def _text(value: str | None, field: str, *, max_len: int, required: bool) -> str | None:
    """One line of text, stripped; None when empty and not required."""
    v = (value or "").strip()
    if not v:
        if required:
            raise InvalidInput.coded("organisation.required", where=field, field=field)
        return None
    if len(v) > max_len:
        raise InvalidInput.coded("organisation.too_long", where=field, field=field, max=max_len, n=len(v))
    if _CONTROL.search(v):
        raise InvalidInput.coded("organisation.control_chars", where=field, field=field)
    return v


def _province(value: str) -> str:
    p = load_provinces().find(value)
    if p is None:
        raise InvalidInput.coded("organisation.unknown_province", where="province", value=value[:60])
    return p.code


def _one_of(value: str, accepted: list[str], message_id: str, where: str) -> str:
    if value not in accepted:
        raise InvalidInput.coded(message_id, where=where, value=value[:60], accepted=accepted)
    return value


# --------------------------------------------------------------------------------------------- profile


def get_profile(session: Session, *, viewer: Principal | None = None) -> OrganisationProfile | None:
    """The organisation profile, or None before anyone set it."""
    if viewer is not None:
        require(viewer, "organisation.view")
    return session.get(OrganisationProfile, PROFILE_ID)


def require_profile(session: Session, *, viewer: Principal | None = None) -> OrganisationProfile:
    """The organisation profile; a 404 saying who sets it when there is none yet."""
    profile = get_profile(session, viewer=viewer)
    if profile is None:
        raise NotFound.coded("organisation.no_profile", where="organisation")
    return profile


def snapshot(profile: OrganisationProfile | None) -> dict[str, Any] | None:
    """The stored fields, as the audit trail records them before and after a change."""
    return None if profile is None else {f: getattr(profile, f) for f in FIELDS}


def set_profile(
    session: Session, *, by: Principal, name_zh: str | None = None, name_en: str | None = None,
    uscc: str | None = None, province: str | None = None, reporter_type: str | None = None,
    contact_name: str | None = None, contact_phone: str | None = None, contact_email: str | None = None,
    expected_version: int | None = None,
) -> OrganisationProfile:
    """Create or change the profile; a field given as None keeps its value ("" clears an optional one).

    The first time, every required field must be given. The change is audited with the fields before
    and after; a change that changes nothing writes nothing.
    """
    require(by, "organisation.manage")
    profile = session.get(OrganisationProfile, PROFILE_ID)
    if profile is not None and expected_version is not None and expected_version != profile.version:
        raise Conflict.coded("organisation.stale", where="organisation", expected=expected_version,
                             now=profile.version)
    before = snapshot(profile)
    given = {"name_zh": name_zh, "name_en": name_en, "uscc": uscc, "province": province,
             "reporter_type": reporter_type, "contact_name": contact_name, "contact_phone": contact_phone,
             "contact_email": contact_email}
    merged: dict[str, Any] = {**(before or {}), **{k: v for k, v in given.items() if v is not None}}
    after = _checked_profile(merged)
    changed = [f for f in FIELDS if (before or {}).get(f) != after[f]]
    if profile is not None and not changed:
        return profile
    if profile is None:
        profile = OrganisationProfile(id=PROFILE_ID, **after, updated_at=now(), updated_by=by.actor)
        session.add(profile)
    else:
        for f in changed:
            setattr(profile, f, after[f])
        profile.updated_at, profile.updated_by = now(), by.actor
    session.flush()
    append_event(session, actor=by.actor, action="organisation.created" if before is None else "organisation.updated",
                 entity_type="organisation", entity_id="profile",
                 payload={"before": before, "after": after, "changed": changed, "version": profile.version})
    return profile


def _checked_profile(v: dict[str, Any]) -> dict[str, Any]:
    """Every field checked and normalised, in the order a form shows them (the first wrong one is named)."""
    out: dict[str, Any] = {
        "name_zh": _text(v.get("name_zh"), "name_zh", max_len=200, required=True),
        "name_en": _text(v.get("name_en"), "name_en", max_len=200, required=False),
        "uscc": normal_uscc(_text(v.get("uscc"), "uscc", max_len=40, required=True) or ""),
        "province": _province(_text(v.get("province"), "province", max_len=60, required=True) or ""),
        "reporter_type": _one_of(_text(v.get("reporter_type"), "reporter_type", max_len=30, required=True) or "",
                                 values(ReporterType), "organisation.unknown_reporter_type", "reporter_type"),
        "contact_name": _text(v.get("contact_name"), "contact_name", max_len=100, required=True),
    }
    phone = _text(v.get("contact_phone"), "contact_phone", max_len=40, required=True) or ""
    if not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5:
        raise InvalidInput.coded("organisation.bad_phone", where="contact_phone", value=phone)
    out["contact_phone"] = phone
    email = _text(v.get("contact_email"), "contact_email", max_len=200, required=False)
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput.coded("organisation.bad_email", where="contact_email", value=email)
    out["contact_email"] = email
    return out


def incident_reporter(session: Session) -> ReporterDuty:
    """How fast, and to whom, this organisation first reports an incident of grade 较大 or above.

    For the operations side (the incident clock): the reporter type's deadline in hours and its
    addressee in 中文 and English (for `other`, the organisation's own province's 网信部门), with the
    contact for reports. A 404 saying who sets the profile when there is none yet.
    """
    return ReporterDuty.of(require_profile(session))


# --------------------------------------------------------------------------------------------- filings


def filings(session: Session, kind: str | None = None, *, viewer: Principal | None = None) -> list[Filing]:
    """The organisation's filings (of one kind), by kind and then as they were added."""
    if viewer is not None:
        require(viewer, "organisation.view")
    q = select(Filing)
    if kind is not None:
        q = q.where(Filing.kind == _one_of(kind, values(FilingKind), "organisation.unknown_kind", "kind"))
    order = {k: i for i, k in enumerate(values(FilingKind))}
    return sorted(session.scalars(q), key=lambda f: (order.get(f.kind, len(order)), f.id))


def get_filing(session: Session, filing_id: int, *, viewer: Principal | None = None) -> Filing:
    if viewer is not None:
        require(viewer, "organisation.view")
    f = session.get(Filing, filing_id)
    if f is None:
        raise NotFound.coded("organisation.no_filing", where="filing", id=filing_id)
    return f


def add_filing(
    session: Session, *, by: Principal, kind: str, number: str, service_name: str, filed_on: date | None = None,
    upstream_model: str | None = None, upstream_number: str | None = None,
) -> Filing:
    """Record a filing number; a registration (登记) names the filed model it calls and that model's number."""
    require(by, "organisation.manage")
    kind = _one_of((kind or "").strip(), values(FilingKind), "organisation.unknown_kind", "kind")
    checked_number = _text(number, "number", max_len=100, required=True)
    checked_service = _text(service_name, "service_name", max_len=300, required=True)
    model = _text(upstream_model, "upstream_model", max_len=300, required=False)
    model_number = _text(upstream_number, "upstream_number", max_len=100, required=False)
    info = load_filing_kinds().get(kind)
    for field, value in (("upstream_model", model), ("upstream_number", model_number)):
        if info.upstream == "required" and value is None:
            raise InvalidInput.coded("organisation.filing_needs_upstream", where=field, kind=kind, field=field)
        if info.upstream == "none" and value is not None:
            raise InvalidInput.coded("organisation.filing_no_upstream", where=field, kind=kind, field=field)
    if filed_on is not None and filed_on > datetime.now(CHINA).date():
        raise InvalidInput.coded("organisation.filing_date_future", where="filed_on", value=filed_on.isoformat())
    same = session.scalar(select(Filing).where(Filing.kind == kind, Filing.number == checked_number))
    if same is not None:
        raise Conflict.coded("organisation.filing_exists", where="number", kind=kind, number=checked_number,
                             id=same.id)
    f = Filing(kind=kind, number=checked_number, service_name=checked_service, filed_on=filed_on,
               upstream_model=model, upstream_number=model_number, created_at=now(), created_by=by.actor)
    session.add(f)
    session.flush()
    append_event(session, actor=by.actor, action="organisation.filing_added", entity_type="organisation",
                 entity_id=f"filing:{f.id}", payload=_filing_payload(f))
    return f


def remove_filing(session: Session, filing_id: int, *, by: Principal) -> Filing:
    """Remove a filing (withdrawn, recorded by mistake); the audit event keeps what it said."""
    require(by, "organisation.manage")
    f = get_filing(session, filing_id)
    payload = _filing_payload(f)
    session.delete(f)
    session.flush()
    append_event(session, actor=by.actor, action="organisation.filing_removed", entity_type="organisation",
                 entity_id=f"filing:{filing_id}", payload=payload)
    return f


def _filing_payload(f: Filing) -> dict[str, Any]:
    return FilingOut.of(f).model_dump(mode="json", exclude={"kind_zh", "kind_en"})
