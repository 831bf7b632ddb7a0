"""The organisation page: the profile and its incident-reporting duty, the filings, and (for admins and
governance leads) the forms that change them. Each handler parses the form, calls one service and
renders; a refused change shows the page again with the person's input and the field that was wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from aisgf.errors import AisgfError, InvalidInput
from aisgf.organisation import services as svc
from aisgf.organisation.reference import load_filing_kinds, load_provinces, load_reporter_types
from aisgf.organisation.schemas import FilingOut, OrganisationOut
from aisgf.web.authz import principal
from aisgf.web.deps import SESSION, PathID
from aisgf.web.labels import N_
from aisgf.web.pagekit import redirect
from aisgf.web.templating import add_templates, render

add_templates(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

# notice key → English source text (translated through the gettext catalog); only these are shown
NOTICES = {
    "organisation_saved": N_("The organisation profile is saved."),
    "filing_added": N_("The filing is recorded."),
    "filing_removed": N_("The filing is removed."),
}


class _Form(BaseModel):
    """Fields as the browser posts them (text); the CSRF token and unknown fields pass by."""

    model_config = ConfigDict(extra="ignore")


class ProfileForm(_Form):
    name_zh: str = Field(default="", max_length=1000)
    name_en: str = Field(default="", max_length=1000)
    uscc: str = Field(default="", max_length=1000)
    province: str = Field(default="", max_length=1000)
    reporter_type: str = Field(default="", max_length=1000)
    contact_name: str = Field(default="", max_length=1000)
    contact_phone: str = Field(default="", max_length=1000)
    contact_email: str = Field(default="", max_length=1000)
    version: str = Field(default="", max_length=12)


class FilingForm(_Form):
    kind: str = Field(default="", max_length=1000)
    number: str = Field(default="", max_length=1000)
    service_name: str = Field(default="", max_length=1000)
    filed_on: str = Field(default="", max_length=40)
    upstream_model: str = Field(default="", max_length=1000)
    upstream_number: str = Field(default="", max_length=1000)


def _page(request: Request, s: Session, status_code: int = 200, **values: Any) -> Response:
    p = principal(request)
    profile = svc.get_profile(s, viewer=p)
    out = OrganisationOut.of(profile) if profile is not None else None
    form = values.pop("form", None)
    if form is None and profile is not None:
        form = {**(svc.snapshot(profile) or {}), "version": str(profile.version)}
    return render(request, "organisation.html", status_code=status_code, profile=out, form=form or {},
                  filings=[FilingOut.of(f) for f in svc.filings(s, viewer=p)],
                  provinces=load_provinces().provinces, reporter_types=load_reporter_types().reporter_types,
                  kinds=load_filing_kinds().kinds, may_manage=p.may("organisation.manage"),
                  notice=NOTICES.get(request.query_params.get("notice", "")), **values)


@router.get("/organisation")
def organisation_page(request: Request, s: Session = SESSION) -> Response:
    return _page(request, s)


def _int(value: str, where: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidInput.coded("organisation.form_without_version", where=where) from exc


def _date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput.coded("organisation.not_date", where=where, value=value[:40]) from exc


@router.post("/organisation")
def save_profile(request: Request, f: Annotated[ProfileForm, Form()], s: Session = SESSION) -> Response:
    try:
        svc.set_profile(s, by=principal(request), name_zh=f.name_zh, name_en=f.name_en, uscc=f.uscc,
                        province=f.province, reporter_type=f.reporter_type, contact_name=f.contact_name,
                        contact_phone=f.contact_phone, contact_email=f.contact_email,
                        expected_version=_int(f.version, "version") if f.version else None)
    except AisgfError as exc:
        s.rollback()
        return _page(request, s, status_code=exc.status, error=exc, error_in="profile", form=f.model_dump())
    return redirect(request, "/organisation", notice="organisation_saved")


@router.post("/organisation/filings")
def add_filing(request: Request, f: Annotated[FilingForm, Form()], s: Session = SESSION) -> Response:
    try:
        svc.add_filing(s, by=principal(request), kind=f.kind, number=f.number, service_name=f.service_name,
                       filed_on=_date(f.filed_on, "filed_on"), upstream_model=f.upstream_model,
                       upstream_number=f.upstream_number)
    except AisgfError as exc:
        s.rollback()
        return _page(request, s, status_code=exc.status, error=exc, error_in="filing", filing_form=f.model_dump())
    return redirect(request, "/organisation", notice="filing_added")


@router.post("/organisation/filings/{filing_id}/delete")
def remove_filing(request: Request, filing_id: PathID, s: Session = SESSION) -> Response:
    svc.remove_filing(s, filing_id, by=principal(request))
    return redirect(request, "/organisation", notice="filing_removed")
