"""`aisgf org …`: the organisation profile and its filings, from the shell (acting as an account)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aisgf.cliutil import AS, acting, console, db, print_json
from aisgf.errors import InvalidInput
from aisgf.organisation import services as svc
from aisgf.organisation.choices import FilingKind, ReporterType, values
from aisgf.organisation.schemas import FilingOut, OrganisationOut

HELP = "The organisation profile (name, credit code, province, incident reporter type, contact) and its filings."
app = typer.Typer(help=HELP, no_args_is_help=True)


def _print_profile(d: dict[str, Any]) -> None:
    duty = d["incident_reporting"]
    console.print(f"[bold]{escape(d['name_zh'])}[/bold]" + (f"  {escape(d['name_en'])}" if d["name_en"] else ""))
    console.print(f"统一社会信用代码 USCC  {d['uscc']}")
    console.print(f"province  {d['province']['zh']} {d['province']['en']} ({d['province']['code']})")
    console.print(f"reporter  {d['reporter_type']}: {duty['reporter_zh']} / {duty['reporter_en']}")
    console.print(f"incident reports  within [bold]{duty['hours']} h[/bold] to {escape(duty['addressee_zh'])} "
                  f"/ {escape(duty['addressee_en'])}", soft_wrap=True)
    c = d["contact"]
    console.print(f"contact  {escape(c['name'])}, {escape(c['phone'])}" + (f", {escape(c['email'])}" if c["email"]
                                                                          else ""))
    console.print(f"version {d['version']}, changed by {escape(d['updated_by'])} at {d['updated_at']}")


@app.command("show")
def show(as_json: bool = typer.Option(False, "--json"), actor: str | None = AS) -> None:
    """The profile and its incident-reporting duty (exit 3 while none is set)."""
    with db().session() as s:
        d = OrganisationOut.of(svc.require_profile(s, viewer=acting(s, actor))).model_dump(mode="json")
    print_json(d) if as_json else _print_profile(d)


@app.command("set")
def set_profile(
    name_zh: str | None = typer.Option(None, "--name-zh", help="The registered name in Chinese"),
    name_en: str | None = typer.Option(None, "--name-en", help="The name in English ('' clears it)"),
    uscc: str | None = typer.Option(None, "--uscc", help="统一社会信用代码, 18 characters (GB 32100-2015)"),
    province: str | None = typer.Option(None, "--province",
                                        help="GB/T 2260 code (440000), its first two digits, or the name"),
    reporter_type: str | None = typer.Option(None, "--reporter-type", help=" | ".join(values(ReporterType))),
    contact_name: str | None = typer.Option(None, "--contact-name", help="Whom incident reports name"),
    contact_phone: str | None = typer.Option(None, "--contact-phone"),
    contact_email: str | None = typer.Option(None, "--contact-email", help="('' clears it)"),
    as_json: bool = typer.Option(False, "--json"),
    actor: str | None = AS,
) -> None:
    """Set the profile, or change the fields given (the first time, every required field)."""
    with db().session() as s:
        p = svc.set_profile(s, by=acting(s, actor), name_zh=name_zh, name_en=name_en, uscc=uscc, province=province,
                            reporter_type=reporter_type, contact_name=contact_name, contact_phone=contact_phone,
                            contact_email=contact_email)
        d = OrganisationOut.of(p).model_dump(mode="json")
    print_json(d) if as_json else _print_profile(d)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput.coded("organisation.not_date", where="--date", value=value[:40]) from exc


@app.command("filing-add")
def filing_add(
    kind: str = typer.Option(..., "--kind", help=" | ".join(values(FilingKind))),
    number: str = typer.Option(..., "--number", help="The filing, registration or assessment number"),
    service: str = typer.Option(..., "--service", help="The service or algorithm it covers"),
    filed_on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD"),
    upstream_model: str | None = typer.Option(None, "--upstream-model",
                                              help="The filed model it calls (required for a registration)"),
    upstream_number: str | None = typer.Option(None, "--upstream-number",
                                               help="That model's filing number (required for a registration)"),
    as_json: bool = typer.Option(False, "--json"),
    actor: str | None = AS,
) -> None:
    """Record a filing number."""
    with db().session() as s:
        f = svc.add_filing(s, by=acting(s, actor), kind=kind, number=number, service_name=service,
                           filed_on=_date(filed_on), upstream_model=upstream_model, upstream_number=upstream_number)
        d = FilingOut.of(f).model_dump(mode="json")
    if as_json:
        print_json(d)
    else:
        console.print(f"filing {d['id']}: {d['kind']} {escape(d['number'])} ({escape(d['service_name'])})")


@app.command("filing-list")
def filing_list(kind: str | None = typer.Option(None, "--kind", help=" | ".join(values(FilingKind))),
                as_json: bool = typer.Option(False, "--json"), actor: str | None = AS) -> None:
    """The organisation's filings, by kind."""
    with db().session() as s:
        data = [FilingOut.of(f).model_dump(mode="json") for f in svc.filings(s, kind, viewer=acting(s, actor))]
    if as_json:
        print_json({"items": data, "total": len(data)})
        return
    t = Table(title=f"filings ({len(data)})")
    for c in ("id", "kind", "number", "service", "date", "upstream"):
        t.add_column(c)
    for d in data:
        upstream = " ".join(x for x in (d["upstream_model"], d["upstream_number"]) if x)
        t.add_row(str(d["id"]), d["kind"], d["number"], d["service_name"], d["filed_on"] or "", upstream)
    console.print(t)


@app.command("filing-remove")
def filing_remove(filing_id: int = typer.Argument(..., help="The filing's ID (aisgf org filing-list)"),
                  actor: str | None = AS) -> None:
    """Remove a filing (the audit trail keeps what it said)."""
    with db().session() as s:
        f = svc.remove_filing(s, filing_id, by=acting(s, actor))
        console.print(f"removed filing {filing_id}: {f.kind} {escape(f.number)}")
