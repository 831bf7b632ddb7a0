"""``aisgf label``: embed, propagate, detect, verify, explicit labels and keys from the command line.

The lead mounts ``app`` as ``aisgf label``. Commands parse input, call the library and render;
errors from ``aisgf.errors`` become a message on stderr and the error's exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from aisgf.cliutil import report_error
from aisgf.errors import EXIT_CHECK_FAILED, AisgfError, InvalidInput
from aisgf.labeling import c2pa_manifest, implicit, integrity, report
from aisgf.labeling.profile import load_profile

app = typer.Typer(
    help="AI-generated content labels (GB 45438-2025): implicit metadata and explicit marks.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


def _keys(paths: list[Path]) -> list[integrity.Ed25519PublicKey]:
    return [integrity.load_public(p) for p in paths]


def _c2pa_credentials(cert: Path | None, key: Path | None) -> c2pa_manifest.Credentials | None:
    if (cert is None) != (key is None):
        raise InvalidInput("give both --c2pa-cert and --c2pa-key, or neither", where="--c2pa-cert")
    if cert is None or key is None:
        return None
    c2pa_manifest.require()
    return c2pa_manifest.load_credentials(cert, key)


def _one_id_one_file(option: str, value: str | None, files: list[Path]) -> None:
    """Refuse one content number for several files: a ProduceID/PropagateID names one piece of content."""
    if value is not None and len(files) > 1:
        raise InvalidInput(
            f"{option} {value!r} was given for {len(files)} files, but it names one piece of content "
            "(GB 45438 Appendix E: the provider's unique number for this content); label the files one "
            f"at a time with their own {option}, or leave it out for a random one per file",
            where=option,
        )


def _trust(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the C2PA trust anchors: {exc.strerror or exc}", where=str(path)) from exc


C2PA_CERT = typer.Option(
    "--c2pa-cert", help="also sign a C2PA manifest: provider certificate chain (PEM, leaf first, CA-issued)"
)
C2PA_KEY = typer.Option("--c2pa-key", help="private key (PEM) of the --c2pa-cert leaf")
C2PA_TRUST = typer.Option("--c2pa-trust", help="CA certificates (PEM) trusted as C2PA signers")


@app.command()
def keygen(
    private: Annotated[Path, typer.Argument(help="private key file to create (PEM)")],
    public: Annotated[Path, typer.Argument(help="public key file to create (PEM)")],
    force: Annotated[bool, typer.Option(help="overwrite existing files")] = False,
) -> None:
    """Create an Ed25519 key pair for integrity codes in ReservedCode1/2."""
    kid = integrity.generate_keypair(private, public, overwrite=force)
    out.print(f"key id {kid}: private {private}, public {public}")


@app.command()
def embed(
    files: Annotated[list[Path], typer.Argument(help="files to label in place")],
    producer: Annotated[str, typer.Option("--producer", help="ContentProducer code")],
    produce_id: Annotated[
        str | None, typer.Option(help="ProduceID of the one file given (default: a random UUID per file)")
    ] = None,
    label: Annotated[str, typer.Option(help="Label value: 1 AI-generated, 2 possibly, 3 suspected")] = "1",
    sign: Annotated[Path | None, typer.Option(help="Ed25519 private key: sign into ReservedCode1")] = None,
    sidecar: Annotated[bool, typer.Option(help="write <file>.aigc.json instead of embedding")] = False,
    explicit: Annotated[
        bool, typer.Option(help="also add the explicit label (text/image/audio/video)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print results as JSON")] = False,
    c2pa_cert: Annotated[Path | None, C2PA_CERT] = None,
    c2pa_key: Annotated[Path | None, C2PA_KEY] = None,
) -> None:
    """Write the implicit label into each file (replacing any existing one); one error never stops the run.

    With --c2pa-cert/--c2pa-key, a C2PA manifest carrying the same label is signed over the labeled
    file (JPEG, PNG, WebP).
    """
    _one_id_one_file("--produce-id", produce_id, files)
    key = integrity.load_private(sign) if sign else None
    creds = _c2pa_credentials(c2pa_cert, c2pa_key)
    failed = 0
    results = []
    for f in files:
        try:
            if explicit:
                add_explicit(f)
            lbl = implicit.embed(
                f,
                producer,
                produce_id,
                label=label,
                key=key,
                sidecar=sidecar,
                c2pa=creds,
            )
            results.append({"path": str(f), "ok": True, "label": lbl.fields()})
            if not as_json:
                out.print(f"[green]labeled[/green] {f}  ProduceID={lbl.ProduceID}")
        except AisgfError as exc:
            failed += 1
            results.append({"path": str(f), "ok": False, "error": str(exc)})
            if not as_json:
                report_error(exc)
    if as_json:
        out.print_json(json.dumps(results, ensure_ascii=False))
    if failed:  # the batch ran and some files failed: the check-failed code, as `label detect --strict`
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def propagate(
    files: Annotated[list[Path], typer.Argument(help="labeled files")],
    propagator: Annotated[str, typer.Option("--propagator", help="ContentPropagator code")],
    propagate_id: Annotated[
        str | None, typer.Option(help="PropagateID of the one file given (default: a random UUID per file)")
    ] = None,
    unlabeled: Annotated[
        str | None,
        typer.Option(
            "--unlabeled",
            metavar="declared|suspected",
            help="for a file that arrived with no implicit label (Labeling Measures Art. 6): 'declared' "
            "(the user declares it AI-generated) writes Label 2, 'suspected' (explicit label or other "
            "traces found) Label 3; without it such a file is refused",
        ),
    ] = None,
    sign: Annotated[Path | None, typer.Option(help="Ed25519 private key: sign into ReservedCode2")] = None,
    c2pa_cert: Annotated[Path | None, C2PA_CERT] = None,
    c2pa_key: Annotated[Path | None, C2PA_KEY] = None,
) -> None:
    """Fill ContentPropagator/PropagateID, keeping the producer's fields and ReservedCode1.

    A file with no implicit label gets the platform's own (Label 2 or 3, see --unlabeled).
    """
    if unlabeled is not None and unlabeled not in implicit.UNLABELED_LABELS:
        raise InvalidInput(
            f"--unlabeled is {unlabeled!r}; accepted: {', '.join(implicit.UNLABELED_LABELS)}", where="--unlabeled"
        )
    _one_id_one_file("--propagate-id", propagate_id, files)
    key = integrity.load_private(sign) if sign else None
    creds = _c2pa_credentials(c2pa_cert, c2pa_key)
    failed = 0
    for f in files:
        try:
            lbl = implicit.propagate(f, propagator, propagate_id, key=key, c2pa=creds, unlabeled=unlabeled)
            note = "  (producer unknown: platform label, Measures Art. 6)" if lbl.written_by_platform() else ""
            out.print(f"[green]propagated[/green] {f}  Label={lbl.Label} PropagateID={lbl.PropagateID}{note}")
        except AisgfError as exc:
            failed += 1
            report_error(exc)
    if failed:  # the batch ran and some files failed: the check-failed code, as `label embed`
        raise typer.Exit(EXIT_CHECK_FAILED)


def _run_detect(
    paths: list[Path], keys: list[Path] | None, quiet: bool, trust: bytes | None = None
) -> list[implicit.FileLabels]:
    public = _keys(keys) if keys else None
    files = list(report.iter_files(paths))
    if quiet or len(files) < 2:
        return report.detect_all(files, public_keys=public, c2pa_trust=trust)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("checking", total=len(files))
        return report.detect_all(
            files, public_keys=public, progress=lambda _f: progress.advance(task), c2pa_trust=trust
        )


def _table(results: list[implicit.FileLabels]) -> None:
    t = Table("file", "format", "status", "where", "problems")
    colour = {"labeled": "green", "invalid": "red", "unreadable": "red", "unlabeled": "yellow"}
    for r in results:
        probs = "\n".join(
            f"{p.severity}: {p.message}" + (f" [{p.rule}, {p.rule_status}]" if p.rule else "")
            for p in r.problems
            if p.severity != "info" or p.code in ("missing", "unsupported")
        )
        t.add_row(
            str(r.path),
            r.format or "-",
            f"[{colour.get(r.status, 'white')}]{r.status}[/]",
            "\n".join(c.location for c in r.copies) + report.c2pa_note(r),
            probs,
        )
    out.print(t)
    s = report.summarize(results)
    out.print(f"{s['files']} files: {s['valid_implicit']} with a valid implicit label; kinds {s['kinds']}")


@app.command()
def detect(
    paths: Annotated[list[Path], typer.Argument(help="files and directories (recursive)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON report")] = False,
    html_out: Annotated[Path | None, typer.Option("--html", help="also write an HTML report here")] = None,
    json_out: Annotated[Path | None, typer.Option("--report", help="also write the JSON report here")] = None,
    key: Annotated[list[Path] | None, typer.Option(help="trusted public key(s): also verify")] = None,
    strict: Annotated[bool, typer.Option(help=f"exit {EXIT_CHECK_FAILED} if any file is not validly labeled")] = False,
    c2pa_trust: Annotated[Path | None, C2PA_TRUST] = None,
    attach_to: Annotated[
        str | None, typer.Option("--attach-to", help="store the JSON report as evidence of this registered system")
    ] = None,
    obligation: Annotated[
        list[str] | None,
        typer.Option(help="obligation(s) the evidence is for (default: the system's of 4.1.3.a, 5.2)"),
    ] = None,
    actor: Annotated[str | None, typer.Option("--as", "--actor", metavar="USERNAME",
                                              help="the account that attaches (default: $AISGF_ACTOR)")] = None,
) -> None:
    """Find implicit labels and report, per file, the format, where they are and any problems."""
    results = _run_detect(paths, key, as_json, _trust(c2pa_trust))
    doc = report.to_json(results)
    if html_out:
        html_out.write_text(report.to_html(results), encoding="utf-8")
    if json_out:
        json_out.write_text(doc, encoding="utf-8")
    if as_json:
        typer.echo(doc)
    else:
        _table(results)
    if attach_to:
        _attach(doc, attach_to, obligation, actor, json_out.name if json_out else None, as_json)
    if strict and any(r.status != "labeled" for r in results):
        raise typer.Exit(EXIT_CHECK_FAILED)


def _attach(doc: str, system: str, obligations: list[str] | None, actor: str | None, name: str | None,
            quiet: bool) -> None:
    """Store the report as registry evidence (imported on demand: labeling runs without a database)."""
    from aisgf.cliutil import actor_name, db
    from aisgf.registry.tool_reports import attach_label_report

    database = db()
    try:
        ev = attach_label_report(
            database,
            doc,
            system,
            actor=actor_name(actor),
            obligations=obligations,
            filename=name or "aigc-label-report.json",
            summary=json.loads(doc)["summary"],
        )
    finally:
        database.dispose()
    (err if quiet else out).print(
        f"evidence {ev['id']} (sha256 {ev['sha256'][:12]}…) attached to {system} for {', '.join(ev['obligations'])}"
    )


@app.command()
def verify(
    files: Annotated[list[Path], typer.Argument(help="labeled files")],
    key: Annotated[list[Path], typer.Option(help="trusted public key(s) (PEM)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    c2pa_trust: Annotated[Path | None, C2PA_TRUST] = None,
) -> None:
    """Check ReservedCode1/2 signatures and content hashes; exit 7 if any label is not intact."""
    results = report.detect_all(files, public_keys=_keys(key), c2pa_trust=_trust(c2pa_trust))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            checks = ", ".join(f"{c.field}={c.status}" for c in r.integrity) or "no label"
            colour = "green" if r.status == "labeled" else "red"
            out.print(
                f"[{colour}]{'intact' if r.status == 'labeled' else 'NOT intact'}[/] {r.path}: {checks}"
            )
            for p in r.problems:
                if p.severity == "error":
                    out.print(f"  {p.message}")
    if any(r.status != "labeled" for r in results):
        raise typer.Exit(7)


def add_explicit(
    path: Path, *, text: str | None = None, position: str = "start", mode: str = "rhythm"
) -> str:
    """Add the explicit label matching the file's media type; returns what was done."""
    from aisgf.labeling.explicit import audio, image, video
    from aisgf.labeling.explicit import text as text_mod
    from aisgf.labeling.formats import sniff

    handler = sniff(path) if path.is_file() else None
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".markdown", ".html", ".htm"):
        kind: Literal["plain", "markdown", "html"] = (
            "html"
            if suffix in (".html", ".htm")
            else "markdown"
            if suffix in (".md", ".markdown")
            else "plain"
        )
        body = path.read_text(encoding="utf-8")
        path.write_text(
            text_mod.add_text_label(
                body,
                kind=kind,
                position=position,  # type: ignore[arg-type]
                label=text,
            ),
            encoding="utf-8",
        )
        return f"text label ({kind}, {position})"
    media = handler.media if handler else None
    if media == "image":
        p = image.add_image_label(path, text=text)
        return f"image label, character height {p.char_height}px (minimum {p.min_char_height}px)"
    if suffix in (".mp4", ".mov", ".m4v", ".mkv", ".webm"):
        v = video.add_video_label(path, text=text)
        return f"video label, opening {v.opening_seconds}s + corner mark"
    if media in ("audio", "video"):
        secs = audio.add_audio_label(path, mode=mode, position=position)  # type: ignore[arg-type]
        return f"audio label ({mode}, {position}, {secs:.1f}s)"
    raise InvalidInput("no explicit label method for this file type", where=str(path))


@app.command()
def explicit(
    files: Annotated[list[Path], typer.Argument(help="files to label visibly/audibly, in place")],
    text: Annotated[str | None, typer.Option(help="label text (default from the profile)")] = None,
    position: Annotated[str, typer.Option(help="text/audio: start, end or both")] = "start",
    mode: Annotated[str, typer.Option(help="audio: voice (espeak-ng cmn) or rhythm")] = "rhythm",
) -> None:
    """Add explicit labels: text start/end, image corner text, audio prompt/rhythm, video opening + mark."""
    if position not in ("start", "end", "both") or mode not in ("voice", "rhythm"):
        raise InvalidInput("--position must be start/end/both and --mode voice/rhythm")
    failed = 0
    for f in files:
        try:
            out.print(f"[green]{add_explicit(f, text=text, position=position, mode=mode)}[/green] {f}")
        except AisgfError as exc:
            failed += 1
            report_error(exc)
    if failed:  # the batch ran and some files failed: the check-failed code, as `label embed`
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def profile(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the label profile's rules and whether each is confirmed, secondary, practice or unknown."""
    p = load_profile()
    if as_json:
        typer.echo(p.model_dump_json(indent=2))
        return
    t = Table("rule", "status", "text", title=f"{p.profile} {p.version}")
    for r in p.rules:
        t.add_row(r.id, r.status, r.en)
    out.print(t)
