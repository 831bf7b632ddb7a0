"""`aisgf audit …`: read the log, verify the chain, sign and check checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from aisgf.audit.schemas import AuditEventOut
from aisgf.audit.service import (
    generate_keypair,
    list_events,
    make_checkpoint,
    read_checkpoint,
    verify_chain,
)
from aisgf.cliutil import AS, acting, console, db, err_console, print_json
from aisgf.errors import IntegrityFailure, InvalidInput

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


def _overseer(s: object, actor: str | None) -> None:
    """The whole trail is for overseers (admin, governance lead, auditor), as on the web."""
    from aisgf.accounts.scope import require

    require(acting(s, actor), "audit.read")


@app.command("log")
def log(
    system: str | None = typer.Option(None, help="Only events of this system (key)"),
    action: str | None = typer.Option(None),
    limit: int = typer.Option(50, min=1, max=10000),
    offset: int = typer.Option(0, min=0),
    as_json: bool = typer.Option(False, "--json"),
    actor: str | None = AS,
) -> None:
    """Show events, newest first."""
    d = db()
    with d.session() as s:
        _overseer(s, actor)
        rows, total = list_events(s, entity_type="system" if system else None, entity_id=system, action=action,
                                  limit=limit, offset=offset)
        data = [AuditEventOut.of(e).model_dump(mode="json") for e in rows]
    if as_json:
        print_json({"items": data, "total": total})
        return
    t = Table(title=f"audit events ({len(data)} of {total})")
    for col in ("seq", "at", "actor", "action", "entity", "payload"):
        t.add_column(col)
    for e in data:
        t.add_row(str(e["seq"]), e["at"][:19], e["actor"], e["action"], f"{e['entity_type']}:{e['entity_id']}",
                  json.dumps(e["payload"], ensure_ascii=False)[:80])
    console.print(t)


@app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(None, help="A signed checkpoint the log must still extend"),
    public_key: Path | None = typer.Option(None, help="The organisation's Ed25519 public key (PEM)"),
    as_json: bool = typer.Option(False, "--json"),
    actor: str | None = AS,
) -> None:
    """Recompute every hash link; exit 7 naming the first bad event."""
    cp = None
    if checkpoint:
        if not public_key:
            raise InvalidInput("--checkpoint needs --public-key: the key you trust, kept apart from the database",
                               where="--public-key")
        cp = read_checkpoint(checkpoint, public_key)
    d = db()
    with d.session() as s:
        _overseer(s, actor)
    res = verify_chain(d.engine, checkpoint=cp)
    if as_json:
        print_json(res.out().model_dump(mode="json"))
    elif res.ok:
        extra = f", extends checkpoint at event {cp['seq']}" if cp else ""
        console.print(f"[green]OK[/green]: {res.events} events verified, head {res.head_seq} "
                      f"{res.head_hash[:16]}…{extra} ({res.events_per_second:,.0f} events/s)")
    if not res.ok:
        if not as_json:
            err_console.print(f"[red]FAILED[/red] at event {res.first_bad_seq}: {res.reason}")
        raise typer.Exit(IntegrityFailure.exit_code)


@app.command("checkpoint")
def checkpoint(
    key: Path = typer.Option(..., help="Ed25519 private key (PEM), kept outside the database host"),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the signed checkpoint"),
    actor: str | None = AS,
) -> None:
    """Sign the current head (sequence number and hash) so later truncation or rewriting is caught."""
    d = db()
    with d.session() as s:
        _overseer(s, actor)
    cp = make_checkpoint(d.engine, key)
    output.write_text(json.dumps(cp, indent=2), encoding="utf-8")
    console.print(f"checkpoint at event {cp['seq']} ({cp['hash'][:16]}…) signed by {cp['key']} → {output}")


@app.command("keygen")
def keygen(
    private_key: Path = typer.Option(..., help="Where to write the private key (PEM, mode 0600)"),
    public_key: Path = typer.Option(..., help="Where to write the public key (PEM)"),
) -> None:
    """Create the Ed25519 key pair for checkpoints."""
    fp = generate_keypair(private_key, public_key)
    console.print(f"key {fp}: private {private_key}, public {public_key}")
