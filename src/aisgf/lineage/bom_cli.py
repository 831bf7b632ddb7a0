"""`aisgf bom export|import`: a system's AI-BOM (CycloneDX 1.6 JSON) out, a vendor's BOM in.

The CLI root mounts `bom_app` lazily (`aisgf/cli.py`), so the CycloneDX library is imported only
when a `bom` command runs.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import typer
from rich.markup import escape

from aisgf.cliutil import AS, acting, console, db, print_json

bom_app = typer.Typer(help="The AI-BOM: export a system as CycloneDX 1.6 JSON, import a vendor's BOM.",
                      no_args_is_help=True)


@bom_app.command("export")
def bom_export(system: str = typer.Argument(..., help="The system's key or ID"),
               output: Path | None = typer.Option(None, "-o", "--output", help="Write to FILE (default: stdout)"),
               actor: str | None = AS) -> None:
    """Print (or write) the system's AI-BOM: models with model cards, datasets, components, lineage."""
    from aisgf.lineage.bom import export_bom

    with db().session() as s:
        text = export_bom(s, system, viewer=acting(s, actor))
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"AI-BOM of {escape(system)} written to {escape(str(output))} (CycloneDX 1.6, valid)")


@bom_app.command("import")
def bom_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A CycloneDX 1.6 JSON BOM"),
               as_json: bool = typer.Option(False, "--json", help="Print the result as JSON"),
               actor: str | None = AS) -> None:
    """Record a vendor's BOM: its models, their parent edges and its components; all or nothing."""
    from aisgf.lineage.bom import import_bom

    text = file.read_text(encoding="utf-8")
    with db().session() as s:
        result = import_bom(s, text, by=acting(s, actor))
    if as_json:
        print_json(asdict(result))
        return
    console.print(f"recorded {len(result.models)} model(s), {len(result.edges)} edge(s), "
                  f"{len(result.components)} component(s), {len(result.vendors)} vendor(s); "
                  f"{len(result.existing)} already recorded")
