"""`aisgf catalog …`: list, show, search, export, coverage and import overlays.

Why thin: each command parses options, calls `catalog.service` (or the loader) and renders with
Rich or JSON; the same questions over HTTP go through the same services in `catalog.api`.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aisgf.catalog import service
from aisgf.catalog.loader import load_catalog, load_operating_model
from aisgf.catalog.model import Catalog, Shown, with_cut_marks
from aisgf.catalog.oscal import export_oscal
from aisgf.catalog.schemas import CatalogItemOut, SearchHitOut
from aisgf.cliutil import AS
from aisgf.errors import NotFound

app = typer.Typer(help="The framework catalog (bilingual, with provenance).", no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)

class Lang(StrEnum):
    zh = "zh"
    en = "en"


class ExportFormat(StrEnum):
    json = "json"
    oscal = "oscal"


def _catalog() -> Catalog:
    return load_catalog()


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@app.command("list")
def list_items(
    section: str | None = typer.Option(
        None, "--section", "-s", help="Only this section and what is under it, e.g. 6.2"
    ),
    role: str | None = typer.Option(
        None, "--addressee", "--role", "-r",
        help="Only items addressed to: state, developer, provider, key_sector_user, public "
        "(regulator: deprecated name of state)",
    ),
    kind: str | None = typer.Option(
        None, "--kind", "-k", help="principle, section, risk, countermeasure, measure, guideline"
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", "-l", help="Language of the text shown"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
) -> None:
    """List items in document order with their addressees, primary text and its status."""
    cat = _catalog()
    _, warning = service.resolve_addressee(role)
    if warning:
        err_console.print(f"warning: {escape(warning)}", highlight=False)
    items = service.filter_items(cat, section=section, role=role, kind=kind)
    if as_json:
        print(_dump([CatalogItemOut.of(i, cat).model_dump(mode="json") for i in items]))
        return
    table = Table(title=f"{cat.framework} · {len(items)} items", show_lines=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("kind")
    table.add_column("addressees")
    table.add_column(f"status ({lang.value})")
    table.add_column("text")
    for item in items:
        table.add_row(
            item.id,
            item.kind,
            ", ".join(item.addressees),
            item.text_status(lang.value),
            _shown(item.shown_label(lang.value, 90)),
        )
    console.print(table)


def _shown(shown: Shown) -> str:
    """Rich markup for a text shown to a reader: the other language's text carries its note."""
    text = escape(shown.text or "")
    return f"[dim]({escape(shown.note)})[/dim] {text}" if shown.note else text


@app.command("show")
def show(
    item_id: str = typer.Argument(..., metavar="ID", help="e.g. 6.2.e, 4.1.2 or aisgf-1.0:6.2.e"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Show one item: titles, every text version with source and status, risk links, provenance."""
    cat = _catalog()
    item = cat.get(item_id)
    if as_json:
        print(_dump(CatalogItemOut.of(item, cat).model_dump(mode="json")))
        return
    console.print(f"[bold]{item.qualified_id}[/bold]  {item.kind}  (number: {item.number})")
    for lang in ("zh", "en"):
        t = item.primary_title(lang)
        if t:
            console.print(f"title {lang}: {escape(t.text)}  [dim]({t.status}, {t.source})[/dim]")
    if item.parent:
        console.print(f"parent: {item.parent}")
    if item.addressees:
        console.print(
            f"addressees: {', '.join(item.addressees)}  [dim](basis: {item.addressees_basis})[/dim]",
            highlight=False,
        )
    for lang in ("zh", "en"):
        shown = item.shown(lang)
        if shown.fallback:
            console.print(f"text {lang}: {_shown(shown)}", highlight=False)
    for lang in ("zh", "en"):
        primary = item.primary(lang)
        for version in item.versions(lang):
            mark = "*" if version is primary else " "
            src = cat.sources.get(version.source)
            where = version.url or (src.url if src and src.url else "")
            extra = f", p. {version.page}" if version.page else ""
            extra += f", cut: {version.cut}" if version.cut else ""
            tag = escape(f"[{lang}]")
            head = f"{mark} {tag} [cyan]{version.status}[/cyan] · {escape(version.source)}{extra}"
            console.print(head, highlight=False)
            if version.text:
                console.print(f"    {escape(with_cut_marks(version.text, version.cut))}", highlight=False)
            if where:
                console.print(f"    [dim]{escape(where)}[/dim]", highlight=False)
            if version.note:
                console.print(f"    [dim]note: {escape(version.note)}[/dim]", highlight=False)
    for link in item.addresses:
        target = cat.get(link.risk)
        flag = " (editorial)" if link.editorial else ""
        console.print(
            f"addresses {link.risk} {escape(f'[{link.basis}]')}{flag}: {_shown(target.shown_label('en', 70))}",
            highlight=False,
        )
    if item.tags:
        console.print(f"tags: {', '.join(item.tags)}")
    if item.note:
        console.print(f"provenance: {escape(item.note)}", highlight=False)
    children = cat.children(item.id)
    if children:
        console.print(f"children: {', '.join(c.id for c in children)}")


@app.command("search")
def search(
    text: str = typer.Argument(..., help="Chinese or English; punctuation and width do not matter"),
    lang: Lang | None = typer.Option(None, "--lang", "-l", help="Only this language"),
    limit: int = typer.Option(20, "--limit", "-n", min=1),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search titles and every text version (zh and en)."""
    cat = _catalog()
    hits = cat.search(text, lang=lang.value if lang else None, limit=limit)
    if as_json:
        print(_dump([SearchHitOut.of(h).model_dump(mode="json") for h in hits]))
        return
    if not hits:
        err_console.print(f"no match for {text!r}")
        raise typer.Exit(1)
    table = Table(title=f"{len(hits)} match(es) for {escape(text)!r}")
    for col in ("ID", "lang", "status", "match"):
        table.add_column(col, no_wrap=col == "ID")
    for hit in hits:
        table.add_row(hit.item.id, hit.lang, hit.status, escape(hit.snippet))
    console.print(table)


@app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json (flat item list) or oscal"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout"),
) -> None:
    """Export every item with framework-qualified IDs (aisgf-1.0:6.2.e)."""
    cat = _catalog()
    data = ([i.model_dump(mode="json") for i in service.export_json(cat)] if fmt is ExportFormat.json
            else export_oscal(cat))
    text = _dump(data) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {fmt.value} export of {len(cat)} items to {output}")


def render_coverage(cov: dict[str, Any]) -> Table:
    statuses = cov["statuses"]
    short = {
        "official": "official",
        "official_excerpt": "excerpt",
        "close_paraphrase": "paraphrase",
        "third_party_translation": "3rd-party",
        "secondary": "secondary",
        "commentary": "comment.",
        "missing": "missing",
    }
    used = " (used by decisions)" if cov.get("in_force") else ""
    table = Table(title=f"{cov['framework']} catalog {cov['version']}{used} · items by status of their primary text")
    table.add_column("section", no_wrap=True)
    table.add_column("lang")
    table.add_column("items", justify="right")
    for s in statuses:
        table.add_column(short.get(s, s), justify="right")
    for row in cov["sections"]:
        table.add_row(row["section"], row["lang"], str(row["items"]), *[str(row["counts"].get(s, 0)) for s in statuses])
    for row in cov["totals"]:
        label = "all entries" if row["scope"] == "all" else "numbered items"
        table.add_row(
            f"[bold]{label}[/bold]",
            row["lang"],
            str(row["items"]),
            *[str(row["counts"].get(s, 0)) for s in statuses],
        )
    return table


@app.command("coverage")
def coverage_cmd(
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="Only this framework (e.g. aisgf-1.0); default: every shipped one"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """How many items per framework, section and language have official, excerpt, paraphrase, … text.

    Says which framework the decisions use: the intake cites the catalog in force (aisgf-1.0 with
    the overlays); 2.0 is shown for what public sources hold of it.
    """
    report = service.coverage_report(_catalog())
    if framework is not None:
        chosen = [c for c in report.frameworks if c.framework == framework]
        if not chosen:
            raise NotFound.coded("catalog.no_framework", where="framework", framework=framework,
                                 available=[c.framework for c in report.frameworks])
        if as_json:
            print(_dump(chosen[0].model_dump(mode="json")))
            return
        covs = [chosen[0].model_dump(mode="json")]
    else:
        if as_json:
            print(_dump(report.model_dump(mode="json")))
            return
        covs = [c.model_dump(mode="json") for c in report.frameworks]
    for cov in covs:
        console.print(render_coverage(cov))
        titles = {}
        for row in cov["sections"]:
            if row["section"] != "preamble" and (row["lang"] == "en" or row["section"] not in titles):
                titles[row["section"]] = row["title"] or ""
        console.print("sections: " + "; ".join(f"{k} {escape(v or '—')}" for k, v in titles.items()), highlight=False)
        if cov["overlays"]:
            console.print(f"overlays: {', '.join(cov['overlays'])}")
        console.print(f"digest: {cov['digest']}", highlight=False)
    console.print(
        f"decisions (intake, obligations) use {report.decisions_use} (catalog {report.decisions_version})",
        highlight=False,
    )


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="Overlay YAML with official texts from your own copy of the framework"),
    actor: str | None = AS,
) -> None:
    """Validate an overlay, copy it into the overlay folder and record it in the audit trail."""
    from aisgf.accounts.scope import require
    from aisgf.cliutil import acting, db

    database = db()  # checked at the newest migration before anything is copied
    try:
        with database.session() as s:
            p = acting(s, actor)
            require(p, "catalog.import")
        result = service.import_overlay(file, actor=p.actor, database=database)
    finally:
        database.dispose()
    verb = "replaced" if result.replaced else "imported"
    console.print(f"{verb} {result.texts} text(s) for {len(result.items)} item(s) → {result.path}")
    before = {r.lang: r.counts["official"] for r in result.coverage_before.totals if r.scope == "all"}
    after = {r.lang: r.counts["official"] for r in result.coverage_after.totals if r.scope == "all"}
    for lang in ("zh", "en"):
        console.print(f"official {lang}: {before[lang]} → {after[lang]} items")
    if result.audit_seq is not None:
        console.print(f"audit event #{result.audit_seq} (catalog.overlay_imported)")


@app.command("operating-model")
def operating_model(as_json: bool = typer.Option(False, "--json")) -> None:
    """The seed's operating model: intake questions, tiers, lanes, practices, scenarios."""
    if as_json:
        print(_dump(service.operating_model().model_dump(mode="json")))
        return
    model = load_operating_model()
    table = Table(title=f"operating model {model.version} (links to {model.framework} are editorial)")
    for col in ("ID", "kind", "text", "implements"):
        table.add_column(col)
    for el in model.elements:
        title = el.title[0].text if el.title else el.texts[0].text
        table.add_row(el.id, el.kind, escape(title), ", ".join(link.item for link in el.implements))
    console.print(table)
