"""Registry commands: systems, obligations, evidence, reviews, backup, governance-as-code checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from aisgf.accounts import services as acc
from aisgf.cliutil import AS, acting, console, db, err_console, print_json
from aisgf.errors import EXIT_CHECK_FAILED, DatabaseUnavailable, InvalidInput
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.schemas import EvidenceOut, ObligationOut, SystemOut

system_app = typer.Typer(help="Registered AI systems.", no_args_is_help=True)
obligation_app = typer.Typer(help="Obligations (catalog items a system owes).", no_args_is_help=True)
evidence_app = typer.Typer(help="Evidence for obligations.", no_args_is_help=True)



def _parse_date(value: str | None, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}", where=where) from exc


def _print_system(d: dict[str, Any]) -> None:
    console.print(f"[bold]{d['name']}[/bold] ([cyan]{d['key']}[/cyan], #{d['id']})  owner {d['owner']}")
    console.print(f"status [bold]{d['status']}[/bold]  tier [bold]{d['tier']}[/bold]  lane {d['lane']}  "
                  f"assessment {d['assessment']}  version {d['version']}")
    if d.get("reviews_required") is not None:
        parts = []
        for fn, r in d["reviews_required"].items():
            parts.append(f"{fn}: {r['decision'] if r else 'waiting'}")
        console.print("reviews: " + ", ".join(parts))
    if d.get("obligations") is not None:
        t = Table(title="obligations")
        for c in ("id", "catalog", "status", "due", "evidence", "title"):
            t.add_column(c)
        for o in d["obligations"]:
            if o["required"] or o["status"] not in ("not_applicable",):
                t.add_row(str(o["id"]), o["catalog_id"], o["status"], o["due_date"] or "",
                          str(len(o["evidence"])), (o["title"] or "")[:70])
        console.print(t)


@system_app.command("add")
def system_add(answers_file: Path, actor: str | None = AS, as_json: bool = typer.Option(False, "--json")) -> None:
    """Register a system from the same answer file that `aisgf assess` reads."""
    from aisgf.intake import load_answer_file

    af = load_answer_file(answers_file)
    with db().session() as s:
        system = svc.register_system(s, name=af.system.name, owner=af.system.owner,
                                     description=af.system.description or "", key=af.system.key,
                                     answers=af.answers, by=acting(s, actor))
        d = svc.system_detail(s, system).model_dump(mode="json")
    print_json(d) if as_json else _print_system(d)


@system_app.command("reassess")
def system_reassess(ref: str, answers_file: Path, actor: str | None = AS) -> None:
    """Record a new assessment from an answer file (reviews reopen if the tier rises)."""
    from aisgf.intake import load_answer_file

    af = load_answer_file(answers_file)
    with db().session() as s:
        a = svc.reassess(s, ref, af.answers, by=acting(s, actor))
        d = svc.system_detail(s, a.system).model_dump(mode="json")
    _print_system(d)


@system_app.command("reassess-all")
def system_reassess_all(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would change (as `aisgf rules diff`)."),
    as_json: bool = typer.Option(False, "--json"), actor: str | None = AS,
) -> None:
    """Reassess, with their stored answers, every system the rules and catalog in force change (audited)."""
    from aisgf.registry.governance import reassess_all

    with db().session() as s:
        done = reassess_all(s, by=acting(s, actor), dry_run=dry_run)
    if as_json:
        print_json(done)
        return
    if not done:
        console.print("no registered system would change")
        return
    for c in done:
        what = "would change" if dry_run else f"reassessed (assessment {c['new_assessment']})"
        console.print(f"[bold]{c['system']}[/bold] {what}: " + json.dumps(c["changes"], ensure_ascii=False))


@system_app.command("list")
def system_list(
    status: str | None = None, tier: str | None = None, lane: str | None = None, owner: str | None = None,
    due: bool = typer.Option(False, "--due", help="Only live systems due for their periodic re-review."),
    limit: int = typer.Option(100, min=1), offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json"), actor: str | None = AS,
) -> None:
    with db().session() as s:
        rows, total = svc.list_systems(s, status=status, tier=tier, lane=lane, owner=owner, limit=limit,
                                       offset=offset, viewer=acting(s, actor), due=due)
        data = [SystemOut.of(r).model_dump(mode="json") for r in rows]
    if as_json:
        print_json({"items": data, "total": total})
        return
    t = Table(title=f"AI systems ({len(data)} of {total})")
    for c in ("id", "key", "name", "owner", "status", "tier", "lane"):
        t.add_column(c)
    for d in data:
        t.add_row(str(d["id"]), d["key"], d["name"], d["owner"], d["status"], d["tier"] or "", d["lane"] or "")
    console.print(t)


@system_app.command("show")
def system_show(ref: str, as_json: bool = typer.Option(False, "--json"), actor: str | None = AS) -> None:
    with db().session() as s:
        d = svc.system_detail(s, svc.get_system(s, ref, viewer=acting(s, actor))).model_dump(mode="json")
    print_json(d) if as_json else _print_system(d)


@system_app.command("status")
def system_status(
    ref: str, status: str = typer.Argument(..., help="live | retired"), reason: str = "",
    override: bool = typer.Option(False, "--override", help="Governance lead: go live with items open (needs "
                                  "--reason; recorded as an override)."),
    confirm: bool = typer.Option(False, "--confirm", help="Confirm retiring the system (needs --reason)."),
    actor: str | None = AS,
) -> None:
    """Move an approved system to live (through the go-live gate), or retire a system."""
    from aisgf.errors import Conflict

    with db().session() as s:
        try:
            system = svc.set_status(s, ref, status, by=acting(s, actor), reason=reason, override=override,
                                    confirm=confirm)
        except Conflict as exc:
            for g in exc.extra.get("open", []) if exc.code == "registry.live_gate" else []:
                err_console.print(f"  - {g['ref']}: {g['reason']}" + (f" ({g['title']})" if g["title"] else ""),
                                  soft_wrap=True, highlight=False)
            raise
        console.print(f"{system.key}: {system.status}")
        if system.go_live_override:
            console.print(f"[yellow]override by {system.go_live_override['by']}: "
                          f"{len(system.go_live_override['open'])} item(s) were open[/yellow]")


@system_app.command("reinstate")
def system_reinstate(ref: str, reason: str = typer.Option(..., help="Why the system comes back."),
                     actor: str | None = AS) -> None:
    """Governance lead: bring a retired system back to the state it left (recorded)."""
    from aisgf.registry.gates import reinstate

    with db().session() as s:
        system = reinstate(s, ref, by=acting(s, actor), reason=reason)
        console.print(f"{system.key}: {system.status}")


@obligation_app.command("list")
def obligation_list(
    system: str | None = typer.Option(None, help="System ID or key"), status: str | None = None,
    overdue: bool = False, as_json: bool = typer.Option(False, "--json"), actor: str | None = AS,
) -> None:
    with db().session() as s:
        rows, total = svc.list_obligations(s, system_ref=system, status=status, overdue=overdue, limit=10000,
                                           viewer=acting(s, actor))
        today = svc.today()
        data = [ObligationOut.of(o, today).model_dump(mode="json") for o in rows]
    if as_json:
        print_json({"items": data, "total": total})
        return
    t = Table(title=f"obligations ({total})")
    for c in ("id", "system", "catalog", "status", "owner", "due", "title"):
        t.add_column(c)
    for o in data:
        due = (o["due_date"] or "") + (" [red]overdue[/red]" if o["overdue"] else "")
        t.add_row(str(o["id"]), o["system"], o["catalog_id"], o["status"], o["owner"] or "", due,
                  (o["title"] or "")[:60])
    console.print(t)


@obligation_app.command("update")
def obligation_update(
    obligation_id: int,
    status: str | None = typer.Option(None, help="open | in_progress | met | not_applicable | waived"),
    owner: str | None = None, due: str | None = typer.Option(None, help="YYYY-MM-DD"), note: str | None = None,
    waiver_reason: str | None = None, waiver_expires: str | None = typer.Option(None, help="YYYY-MM-DD"),
    sign_off: bool = typer.Option(False, "--sign-off", help="With --status met and no evidence: you sign it off "
                                  "by name."),
    actor: str | None = AS,
) -> None:
    """Change an obligation; --status waived requests a waiver that a governance lead decides."""
    with db().session() as s:
        ob = svc.update_obligation(
            s, obligation_id, by=acting(s, actor), status=status, owner=owner,
            due_date=_parse_date(due, "--due"), note=note, waiver_reason=waiver_reason,
            waiver_expires=_parse_date(waiver_expires, "--waiver-expires"), sign_off=sign_off)
        d = ObligationOut.of(ob, svc.today()).model_dump(mode="json")
    console.print(f"obligation {d['id']} ({d['catalog_id']}) of {d['system']}: {d['status']}")


@obligation_app.command("waiver")
def obligation_waiver(
    obligation_id: int,
    approve: bool = typer.Option(..., "--approve/--refuse", help="Approve or refuse the waiver request."),
    note: str = "", actor: str | None = AS,
) -> None:
    """Governance lead: decide a waiver request (not your own), or confirm / revoke a legacy waiver."""
    from aisgf.registry.gates import decide_waiver

    with db().session() as s:
        ob = decide_waiver(s, obligation_id, by=acting(s, actor), approve=approve, note=note)
        console.print(f"obligation {ob.id} ({ob.catalog_id}): waiver {ob.waiver_state}, status {ob.status}")


@obligation_app.command("expire-waivers")
def obligation_expire_waivers(actor: str | None = AS) -> None:
    """Reopen every obligation whose waiver has expired (audited); run it daily, e.g. from cron."""
    from aisgf.registry.gates import reopen_expired_waivers

    with db().session() as s:
        acc.require(acting(s, actor), "system.govern")
        reopened = reopen_expired_waivers(s, actor=acting(s, actor).actor)
        console.print(f"{len(reopened)} obligation(s) reopened")


@obligation_app.command("waivers")
def obligation_waivers(as_json: bool = typer.Option(False, "--json"), actor: str | None = AS) -> None:
    """Waivers waiting for a decision, and legacy waivers (granted before the second-person rule) to confirm."""
    from sqlalchemy import select

    from aisgf.registry.models import Obligation

    with db().session() as s:
        acc.require(acting(s, actor), "waiver.decide")
        rows = list(s.scalars(select(Obligation).where(Obligation.waiver_state.in_(["requested", "legacy"]))
                              .order_by(Obligation.id)))
        today = svc.today()
        data = [ObligationOut.of(o, today).model_dump(mode="json") for o in rows]
    if as_json:
        print_json({"items": data, "total": len(data)})
        return
    for d in data:
        console.print(f"{d['id']} {d['system']} {d['catalog_id']}: {d['waiver_state']} by "
                      f"{d['waiver_requested_by'] or d['waived_by']}, until {d['waiver_expires']}: "
                      f"{d['waiver_reason']}")


@evidence_app.command("add")
def evidence_add(
    system: str = typer.Argument(..., help="System ID or key"),
    file: Path | None = typer.Option(None, "--file", help="A file to store (content-addressed)"),
    uri: str | None = typer.Option(None, "--uri", help="A link instead of a file"),
    obligation: list[str] = typer.Option([], "--obligation", "-o", help="Obligation ID or catalog ID (repeat)"),
    description: str = "", expires: str | None = typer.Option(None, help="YYYY-MM-DD"),
    actor: str | None = AS,
) -> None:
    d = db()
    store = EvidenceStore(d.settings.resolved_evidence_dir)
    with d.session() as s:
        p = acting(s, actor)
        if file is not None:
            if not file.is_file():
                raise InvalidInput("evidence file not found", where=str(file))
            with open(file, "rb") as f:
                ev = svc.add_evidence(s, store, system, by=p, obligations=obligation, stream=f,
                                      filename=file.name, uri=None, description=description,
                                      expires_at=_parse_date(expires, "--expires"),
                                      max_bytes=d.settings.max_upload_bytes)
        else:
            ev = svc.add_evidence(s, store, system, by=p, obligations=obligation, uri=uri,
                                  description=description, expires_at=_parse_date(expires, "--expires"),
                                  max_bytes=d.settings.max_upload_bytes)
        out = EvidenceOut.of(ev, svc.today()).model_dump(mode="json")
    console.print(f"evidence {out['id']} ({out['kind']} {out['sha256'] or out['uri']}) for "
                  f"{', '.join(out['obligations']) or 'the system'}")


def review(
    system: str = typer.Argument(..., help="System ID or key"),
    function: str = typer.Option(..., help="business | data | legal | infosec | senior"),
    approve: bool = typer.Option(False, "--approve"),
    send_back: bool = typer.Option(False, "--send-back"),
    reason: str = typer.Option("", help="Why (required for a send-back)"),
    actor: str | None = AS,
) -> None:
    """Approve or send back the current assessment for one reviewer function."""
    if approve == send_back:
        raise InvalidInput("say --approve or --send-back (exactly one)", where="decision")
    with db().session() as s:
        svc.record_review(s, system, function=function, decision="approve" if approve else "send_back",
                          by=acting(s, actor), reason=reason)
        d = svc.system_detail(s, svc.get_system(s, system)).model_dump(mode="json")
    _print_system(d)


def _registered(s: Any, key: str) -> bool:
    from sqlalchemy import select

    from aisgf.registry.models import AISystem

    return s.scalar(select(AISystem.id).where(AISystem.key == key)) is not None


def check(
    project_file: Path = typer.Argument(Path("aisgf.yaml"), help="The project's aisgf.yaml"),
    as_json: bool = typer.Option(False, "--json"), actor: str | None = AS,
) -> None:
    """Gate CI on governance: exit non-zero listing each gap between the file, the registry and the tier."""
    from aisgf.intake import load_project_file
    from aisgf.registry.governance import check_project, offline_report

    pf = load_project_file(project_file)
    try:
        d = db()
        with d.session() as s:
            p = acting(s, actor)
            if _registered(s, pf.system.key):
                svc.get_system(s, pf.system.key, viewer=p)  # an owner checks their own systems only
            rep = check_project(s, pf.system.key, pf.answers,
                                [e.model_dump(exclude_none=True) for e in pf.evidence],
                                base_dir=project_file.resolve().parent)
    except DatabaseUnavailable as exc:  # no registry to compare with: what the tier would require
        rep = offline_report(pf.system.key, pf.answers, str(exc))
    if as_json:
        print_json(rep.as_dict())
    else:
        head = f"{rep.system}: tier {rep.tier}, lane {rep.lane}, status {rep.status}"
        if rep.ok:
            console.print(f"[green]OK[/green] {head}")
        else:
            err_console.print(f"[red]{len(rep.gaps)} gap(s)[/red] {head}")
            for g in rep.gaps:
                err_console.print(f"  - [{g.kind}] {g.message}")
            if not rep.registry:
                err_console.print("  the tier would require: " + json.dumps(rep.requirements, ensure_ascii=False))
    if not rep.ok:
        raise typer.Exit(EXIT_CHECK_FAILED)


def rules_diff(
    old: Path | None = typer.Argument(None, help="Ruleset in force today (with NEW); omit both to compare "
                                      "each system's stored decision with the rules and catalog in force."),
    new: Path | None = typer.Argument(None, help="Ruleset to compare with OLD."),
    as_json: bool = typer.Option(False, "--json"), actor: str | None = AS,
) -> None:
    """List registered systems whose tier, lane, reviewers, obligations, context or duties would change."""
    from aisgf.errors import InvalidInput
    from aisgf.intake import load_ruleset
    from aisgf.registry.governance import rules_diff as diff

    if (old is None) != (new is None):
        raise InvalidInput("give both OLD and NEW rulesets, or neither (stored decisions against the rules in force)",
                           where="rules diff")
    old_rs = load_ruleset(old) if old is not None else None
    new_rs = load_ruleset(new) if new is not None else None
    with db().session() as s:
        acc.require(acting(s, actor), "audit.read")  # every system's tier and obligations: an overseer's view
        changes = diff(s, old_rs, new_rs)
    if as_json:
        print_json(changes)
        return
    if not changes:
        console.print("no registered system would change")
        return
    for c in changes:
        console.print(f"[bold]{c['system']}[/bold] ({c['status']}): " + json.dumps(c["changes"], ensure_ascii=False))


def backup(target: Path, actor: str | None = AS) -> None:
    """Copy the database and the evidence store into TARGET (consistent while the server runs)."""
    from aisgf.registry.backup import backup as run

    database = db()
    with database.session() as s:
        acc.require(acting(s, actor), "registry.backup")
    m = run(database, target)
    console.print(f"backup in {target}: {sum(m['tables'].values())} rows, {len(m['evidence'])} evidence files, "
                  f"audit head {m['audit_head']['seq'] if m['audit_head'] else 0}")


def restore(source: Path, force: bool = typer.Option(False, help="Replace data already in the target")) -> None:
    """Restore a backup into the configured database and evidence store; verifies the audit chain."""
    from aisgf.cliutil import bootstrap_db
    from aisgf.registry.backup import restore as run

    r = run(bootstrap_db(), source, force=force)
    console.print(f"restored {sum(r['tables'].values())} rows, {r['evidence']} evidence files; "
                  f"audit chain of {r['audit_events']} events verifies")


def register(root: typer.Typer, rules_app: typer.Typer | None = None) -> None:
    root.add_typer(system_app, name="system")
    root.add_typer(obligation_app, name="obligation")
    root.add_typer(evidence_app, name="evidence")
    root.command("review")(review)
    root.command("check")(check)
    root.command("backup")(backup)
    root.command("restore")(restore)
    if rules_app is not None:
        rules_app.command("diff")(rules_diff)
