"""``aisgf model scan | sign | verify | keygen``: read, sign and verify model artifacts from the command line.

`register(model_app)` adds the commands to the lineage concern's ``model`` group (its owner mounts it).
Commands parse input, call `artifacts` or `signing` and render. Each command turns an aisgf error into
its message and exit code itself (`cliutil.report_error`), so the commands behave the same mounted under
the root ``aisgf`` or in any other Typer app; a scan that finds an unsafe pickle or a file it could not
check, and a verification that finds a difference, exit `EXIT_CHECK_FAILED` (8), the project's "a check
ran and failed".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from aisgf.cliutil import console, err_console, print_json, report_error
from aisgf.errors import EXIT_CHECK_FAILED, AisgfError
from aisgf.lineage import artifacts, signing
from aisgf.lineage.artifacts_types import ModelDirInfo


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except AisgfError as exc:
        raise typer.Exit(report_error(exc)) from None


def scan_report(info: ModelDirInfo) -> dict[str, Any]:
    """The JSON form of a scan: the `ModelDirInfo` fields plus the totals a CI gate reads."""
    doc = dataclasses.asdict(info)
    doc["parameters"] = info.parameters
    doc["unsafe_pickles"] = [p.path for p in info.unsafe_pickles]
    doc["unchecked"] = info.unchecked
    return doc


def _read_with_progress(directory: Path) -> ModelDirInfo:
    # The bar goes to stderr and only on a terminal: stdout stays the report (and the JSON) alone.
    with Progress(TextColumn("[bold]hashing[/bold] {task.description}"), BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=err_console, transient=True,
                  disable=not err_console.is_terminal) as bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(name))

        return artifacts.read_model_dir(directory, progress=step)


def _print_scan(info: ModelDirInfo) -> None:
    console.print(f"[bold]{escape(info.name or info.root)}[/bold]  {escape(info.root)}", highlight=False)
    if info.hub_snapshot is not None:
        hub = info.hub_snapshot
        refs = f" ({', '.join(hub.refs)})" if hub.refs else ""
        console.print(f"  Hugging Face cache: {hub.repo_type} {escape(hub.repo_id)} at {escape(hub.revision)}"
                      f"{escape(refs)}", highlight=False)
    for label, value in (("base models", ", ".join(info.base_models)), ("relation", info.base_model_relation),
                         ("license", info.license), ("datasets", ", ".join(info.datasets)),
                         ("languages", ", ".join(info.languages))):
        if value:
            console.print(f"  {label}: {escape(value)}", highlight=False)
    files = Table("file", "size", "sha256", title=f"{len(info.files)} files")
    for f in info.files:
        files.add_row(escape(f.path), f"{f.size:,}", f.sha256)
    console.print(files)
    if info.tensors:
        tensors = Table("file", "format", "tensors", "parameters", "dtypes", title="weights")
        for t in info.tensors:
            dtypes = ", ".join(f"{k}×{v}" for k, v in t.dtypes.items())
            tensors.add_row(escape(t.path), t.format, str(t.tensors), f"{t.parameters:,}",
                            escape(dtypes) if t.error is None else f"[red]{escape(t.error)}[/red]")
        console.print(tensors)
        console.print(f"parameters: {info.parameters:,}")
    if info.pickles:
        pickles = Table("file", "verdict", "findings", title=f"pickles ({info.pickles[0].scanner})")
        for p in info.pickles:
            verdict = "[green]clean[/green]" if p.safe else "[red]UNSAFE[/red]"
            findings = p.error or ", ".join(p.dangerous) or ", ".join(f"suspicious {s}" for s in p.suspicious)
            pickles.add_row(escape(p.path), verdict, escape(findings))
        console.print(pickles)
    for r in info.refused:
        console.print(f"[yellow]refused[/yellow]: {escape(r)} (a symlink leaving the directory, a dangling or "
                      "directory symlink, or not a regular file; not read)", highlight=False)
    for e in info.errors:
        console.print(f"[yellow]unreadable[/yellow]: {escape(e)}", highlight=False)


def register(model_app: typer.Typer) -> None:
    """Add ``scan``, ``sign``, ``verify`` and ``keygen`` to `model_app`."""

    @model_app.command("scan")
    def scan(
        directory: Annotated[Path, typer.Argument(help="model directory (Hugging Face or ModelScope layout)")],
        as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    ) -> None:
        """Read a model directory without executing it: card, config, weight headers, SHA-256, pickle scan.

        A Hugging Face cache snapshot (models--ORG--NAME/snapshots/COMMIT) is read through its links to the
        repo's blobs. Exits 0 when every file was read and no pickle is unsafe. Exits 8 if a pickle imports
        something dangerous or cannot be scanned (not a pickle, too many opcodes), or if any file could not
        be checked: a weight header, card or config that does not parse, a file that cannot be read, a
        Hugging Face blob whose content is not the hash its name says, or a path refused unread (a symlink
        leaving the directory, a directory symlink, a FIFO or device). The report still lists everything
        read; --json gives the failing files as "unsafe_pickles" and "unchecked". Exits 3 if DIRECTORY is
        not a directory.
        """
        with _reported():
            info = _read_with_progress(directory)
        if as_json:
            print_json(scan_report(info))
        else:
            _print_scan(info)
        failed = False
        for label, paths in (("unsafe pickles", [p.path for p in info.unsafe_pickles]),
                             ("not checked", info.unchecked)):
            if paths:
                err_console.print(f"[red]{label}[/red]: {escape(', '.join(paths))}", highlight=False,
                                  soft_wrap=True)
                failed = True
        if failed:
            raise typer.Exit(EXIT_CHECK_FAILED)

    @model_app.command("sign")
    def sign(
        directory: Annotated[Path, typer.Argument(help="model directory to sign")],
        key: Annotated[Path, typer.Option("--key", help="EC private key (PEM), e.g. from `keygen`")],
        signature: Annotated[Path | None, typer.Option("--signature", help="bundle to write "
                                                       "(default: <DIR>.sig beside the directory)")] = None,
    ) -> None:
        """Sign every file of a model directory (model-signing, a Sigstore bundle, offline)."""
        with _reported():
            path = signing.sign_dir(directory, key, signature)
        console.print(f"signed {escape(str(directory))}: {escape(str(path))}", highlight=False)

    @model_app.command("verify")
    def verify(
        directory: Annotated[Path, typer.Argument(help="model directory to verify")],
        key: Annotated[Path, typer.Option("--key", help="EC public key (PEM) of the signer")],
        signature: Annotated[Path | None, typer.Option("--signature", help="bundle to check "
                                                       "(default: <DIR>.sig beside the directory)")] = None,
    ) -> None:
        """Verify a model directory against its signature; exits 8 listing changed, added and removed files."""
        with _reported():
            result = signing.verify_dir(directory, key, signature)
        if result.ok:
            console.print(f"verified: {result.files} files as signed", highlight=False)
            return
        if not result.signature_valid:
            err_console.print(f"[red]signature not valid[/red]: {escape(result.message or '')}", highlight=False,
                              soft_wrap=True)
        else:
            for label, names in (("changed", result.changed), ("added", result.added),
                                 ("removed", result.removed)):
                for name in names:
                    console.print(f"{label}: {escape(name)}", highlight=False)
            err_console.print(f"[red]mismatch[/red]: {len(result.changed)} changed, {len(result.added)} added, "
                              f"{len(result.removed)} removed", highlight=False)
        raise typer.Exit(EXIT_CHECK_FAILED)

    @model_app.command("keygen")
    def keygen(
        private: Annotated[Path, typer.Argument(help="private key file to create (PEM, mode 0600)")],
        public: Annotated[Path, typer.Argument(help="public key file to create (PEM)")],
        force: Annotated[bool, typer.Option("--force", help="overwrite existing files")] = False,
    ) -> None:
        """Create a P-256 key pair for signing model directories."""
        with _reported():
            signing.generate_key(private, public, overwrite=force)
        console.print(f"private {escape(str(private))}, public {escape(str(public))}", highlight=False)
