"""Typed shapes of the organisation profile, its filings and its incident-reporting duty.

Why here: the API, the CLI's `--json`, the pages and the other concerns (incidents, filing packs)
read the same models; the names in 中文 and English come from the concern's data files, so a
client never has to look a code up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from aisgf.organisation.choices import FilingKind, ReporterType
from aisgf.organisation.models import Filing, OrganisationProfile
from aisgf.organisation.reference import load_filing_kinds, load_provinces, load_reporter_types


def _iso_utc(t: datetime) -> str:
    # SQLite gives back the stored UTC time without its offset; a date-time always carries one.
    return (t if t.tzinfo is not None else t.replace(tzinfo=UTC)).isoformat()


#: A timestamp with its offset (RFC 3339 date-time), also when the database gave it back without one.
Timestamp = Annotated[datetime, PlainSerializer(_iso_utc, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time"})]


class ProvinceOut(BaseModel):
    """A provincial-level division (GB/T 2260)."""

    code: str = Field(description="GB/T 2260 code, e.g. 440000")
    zh: str
    en: str

    @classmethod
    def of(cls, code: str) -> ProvinceOut:
        p = load_provinces().get(code)
        return cls(code=code, zh=p.zh if p else code, en=p.en if p else code)


class ContactOut(BaseModel):
    """Whom the authorities (and aisgf's incident clock) reach about an incident report."""

    name: str
    phone: str
    email: str | None


class ReporterDuty(BaseModel):
    """How fast, and to whom, the organisation first reports an incident (国家网络安全事件报告管理办法 Art. 4)."""

    reporter_type: ReporterType
    reporter_zh: str
    reporter_en: str
    hours: int = Field(description="the latest first report, in hours after the incident is discovered or learnt of")
    addressee_zh: str
    addressee_en: str
    province: ProvinceOut
    threshold_zh: str = Field(description="which incidents: grade 较大 and above")
    threshold_en: str
    escalation_zh: str | None = Field(description="what the addressee does next (its duty, for context)")
    escalation_en: str | None
    basis_zh: str
    basis_en: str
    contact: ContactOut

    @classmethod
    def of(cls, profile: OrganisationProfile) -> ReporterDuty:
        table = load_reporter_types()
        rule = table.get(profile.reporter_type)
        province = ProvinceOut.of(profile.province)
        addressee = rule.addressee_local or rule.addressee
        return cls(
            reporter_type=ReporterType(rule.id), reporter_zh=rule.name.zh, reporter_en=rule.name.en,
            hours=rule.hours, addressee_zh=addressee.zh.format(province=province.zh),
            addressee_en=addressee.en.format(province=province.en), province=province,
            threshold_zh=table.threshold.zh, threshold_en=table.threshold.en,
            escalation_zh=rule.escalation.zh if rule.escalation else None,
            escalation_en=rule.escalation.en if rule.escalation else None,
            basis_zh=f"《{table.instrument.zh}》第{_zh_number(table.article)}条",
            basis_en=f"{table.instrument.en}, Art. {table.article}",
            contact=ContactOut(name=profile.contact_name, phone=profile.contact_phone, email=profile.contact_email),
        )


def _zh_number(article: str) -> str:
    digits = "零一二三四五六七八九"
    if article.isdigit() and 0 < int(article) < 20:
        n = int(article)
        return digits[n] if n < 10 else "十" + (digits[n - 10] if n > 10 else "")
    return article


class OrganisationOut(BaseModel):
    """The organisation profile: who the installation's organisation is, and its reporting duty."""

    name_zh: str
    name_en: str | None
    uscc: str = Field(description="统一社会信用代码 (GB 32100-2015), checked")
    province: ProvinceOut
    reporter_type: ReporterType
    contact: ContactOut
    incident_reporting: ReporterDuty
    updated_at: Timestamp
    updated_by: str
    version: int = Field(description="send it back as expected_version so a stale edit is refused")

    @classmethod
    def of(cls, p: OrganisationProfile) -> OrganisationOut:
        duty = ReporterDuty.of(p)
        return cls(name_zh=p.name_zh, name_en=p.name_en, uscc=p.uscc, province=duty.province,
                   reporter_type=ReporterType(p.reporter_type), contact=duty.contact, incident_reporting=duty,
                   updated_at=p.updated_at, updated_by=p.updated_by, version=p.version)


class FilingOut(BaseModel):
    """One filing, registration or assessment number, and what it covers."""

    id: int
    kind: FilingKind
    kind_zh: str
    kind_en: str
    number: str
    service_name: str = Field(description="the service or algorithm the filing covers")
    filed_on: date | None
    upstream_model: str | None = Field(description="the filed model it runs on (a registration names it)")
    upstream_number: str | None = Field(description="that model's filing number (备案号 or 上线编号)")
    created_at: Timestamp
    created_by: str

    @classmethod
    def of(cls, f: Filing) -> FilingOut:
        info = load_filing_kinds().get(f.kind)
        return cls(id=f.id, kind=FilingKind(f.kind), kind_zh=info.name.zh, kind_en=info.name.en, number=f.number,
                   service_name=f.service_name, filed_on=f.filed_on, upstream_model=f.upstream_model,
                   upstream_number=f.upstream_number, created_at=f.created_at, created_by=f.created_by)


class FilingList(BaseModel):
    items: list[FilingOut]
    total: int
