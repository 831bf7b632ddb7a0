"""REST routes of the organisation profile and its filings; each parses input and calls a service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from aisgf.organisation import services as svc
from aisgf.organisation.choices import FilingKind, ReporterType
from aisgf.organisation.schemas import FilingList, FilingOut, OrganisationOut
from aisgf.web.deps import SESSION, PathID, current_principal
from aisgf.web.schemas import ONE_LINE, BodyDate, BodyID, problems

router = APIRouter(prefix="/api/organisation", tags=["organisation"], responses=problems(401, 403, 422, 503))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactIn(_Strict):
    name: str = Field(max_length=100, pattern=ONE_LINE)
    phone: str = Field(max_length=40, pattern=ONE_LINE, description="e.g. 010-68359892 or +86 138 0013 8000")
    email: str | None = Field(default=None, max_length=200)


class ProfileIn(_Strict):
    """The whole profile (PUT replaces it); the service checks each field and names the wrong one."""

    name_zh: str = Field(max_length=200, pattern=ONE_LINE, description="the registered name in Chinese (required)")
    name_en: str | None = Field(default=None, max_length=200)
    uscc: str = Field(max_length=40, pattern=ONE_LINE, description="统一社会信用代码, 18 characters (GB 32100-2015)")
    province: str = Field(max_length=60, pattern=ONE_LINE,
                          description="GB/T 2260 code (440000), its first two digits, or the name")
    reporter_type: ReporterType
    contact: ContactIn
    expected_version: BodyID | None = Field(default=None, description="the version you read; a stale edit is a 409")


class FilingIn(_Strict):
    kind: FilingKind
    number: str = Field(max_length=100, pattern=ONE_LINE)
    service_name: str = Field(max_length=300, pattern=ONE_LINE,
                              description="the service or algorithm the filing covers")
    filed_on: BodyDate | None = None
    upstream_model: str | None = Field(default=None, max_length=300,
                                       description="required for generative_ai_registration")
    upstream_number: str | None = Field(default=None, max_length=100,
                                        description="the upstream model's 备案号 or 上线编号; required for "
                                                    "generative_ai_registration")


@router.get("", response_model=OrganisationOut, responses=problems(404))
def get_organisation(s: Session = SESSION, p: Any = Depends(current_principal)) -> OrganisationOut:
    return OrganisationOut.of(svc.require_profile(s, viewer=p))


@router.put("", response_model=OrganisationOut, responses=problems(409))
def put_organisation(body: ProfileIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> OrganisationOut:
    profile = svc.set_profile(
        s, by=p, name_zh=body.name_zh, name_en=body.name_en or "", uscc=body.uscc, province=body.province,
        reporter_type=body.reporter_type.value, contact_name=body.contact.name, contact_phone=body.contact.phone,
        contact_email=body.contact.email or "", expected_version=body.expected_version)
    return OrganisationOut.of(profile)


@router.get("/filings", response_model=FilingList)
def list_filings(kind: FilingKind | None = None, s: Session = SESSION,
                 p: Any = Depends(current_principal)) -> FilingList:
    rows = svc.filings(s, kind.value if kind else None, viewer=p)
    return FilingList(items=[FilingOut.of(f) for f in rows], total=len(rows))


@router.post("/filings", status_code=201, response_model=FilingOut, responses=problems(409))
def add_filing(body: FilingIn, s: Session = SESSION, p: Any = Depends(current_principal)) -> FilingOut:
    f = svc.add_filing(s, by=p, kind=body.kind.value, number=body.number, service_name=body.service_name,
                       filed_on=body.filed_on, upstream_model=body.upstream_model,
                       upstream_number=body.upstream_number)
    return FilingOut.of(f)


@router.delete("/filings/{filing_id}", response_model=FilingOut, responses=problems(404))
def remove_filing(filing_id: PathID, s: Session = SESSION, p: Any = Depends(current_principal)) -> FilingOut:
    """Remove a filing; the answer is the filing as it was (the audit event keeps it too)."""
    f = svc.get_filing(s, filing_id, viewer=p)
    out = FilingOut.of(f)
    svc.remove_filing(s, filing_id, by=p)
    return out
