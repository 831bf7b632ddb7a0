"""`aisgf screen` — the command line of the screening engine.

Why a click group behind a Typer command: ``aisgf screen PATH...`` takes positional paths *and*
has a ``verdicts`` subcommand; a Typer group callback with positional arguments would swallow the
subcommand name. So the Typer command forwards its raw arguments to a small click group that
routes ``verdicts`` to its subcommand and everything else to the scan. ``aisgf screen-verdicts``
is registered as well for scripts that prefer one word.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
import typer

from aisgf.errors import EXIT_CHECK_FAILED


class _ScreenGroup(click.Group):
    """Routes ``screen verdicts FILE`` to the subcommand and ``screen ARGS...`` to ``run``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _attach_options(f: Any) -> Any:
    """--attach-to / --obligation / --as, shared by ``run`` and ``verdicts``."""
    f = click.option("--as", "--actor", "actor", default=None, metavar="USERNAME",
                     help="The account that attaches (default: $AISGF_ACTOR).")(f)
    f = click.option(
        "--obligation",
        "obligations",
        multiple=True,
        help="Obligation(s) the evidence is for (default: the system's of 4.1.2.b-e).",
    )(f)
    return click.option(
        "--attach-to", default=None, help="Store the JSON report as evidence of this registered system, or of a "
        "dataset with dataset:NAME."
    )(f)


@click.group(
    cls=_ScreenGroup,
    help="Screen training data (framework §4.1.2; TC260-003 §9.2). "
    "`aisgf screen PATH... [options]` or `aisgf screen verdicts FILE`.",
)
def screen_group() -> None:
    pass


@screen_group.command("run", help="Screen files, directories or globs (JSONL, Parquet, CSV, text; gz/zst/bz2).")
@click.argument("paths", nargs=-1, required=True)
@click.option("--field", default="text", show_default=True, help="Text field of JSONL/CSV/Parquet records.")
@click.option("--id-field", default="id", show_default=True, help="Record field used as the document id.")
@click.option("--lines", is_flag=True, help="Plain-text files: one document per line (default: per file).")
@click.option(
    "--library",
    "libraries",
    multiple=True,
    help="Keyword library (YAML/CSV/text); repeatable; 'example:cbrn' is the shipped example.",
)
@click.option("--max-keywords", default=250_000, show_default=True, type=int)
@click.option("--detectors", default=None, help="Comma-separated built-in detector categories (default: all).")
@click.option("--min-chars", default=20, show_default=True, type=int, help="Shorter documents are 'too_short'.")
@click.option("--near-dups/--no-near-dups", default=False, show_default=True, help="MinHash LSH near duplicates.")
@click.option("--exact-dups/--no-exact-dups", default=True, show_default=True)
@click.option("--sample", "sample_n", default=0, type=int, help="Manual sample size N (TC260-003: ≥ 4000).")
@click.option("--seed", default=0, type=int, show_default=True, help="Seed of the reproducible samples.")
@click.option("--sample-file", default="manual-sample.csv", show_default=True, help="Where the manual sample goes.")
@click.option("--manual-min", default=4000, show_default=True, type=int)
@click.option("--manual-threshold", default=0.96, show_default=True, type=float)
@click.option("--technical-fraction", default=0.10, show_default=True, type=float)
@click.option("--technical-threshold", default=0.98, show_default=True, type=float)
@click.option(
    "--fail-on",
    multiple=True,
    help="Labels failing a document in the technical sample (default: keyword, secret, sensitive_personal).",
)
@click.option("--redact-to", default=None, help="Write a cleaned copy (PI and secrets masked) under this directory.")
@click.option("--drop", multiple=True, help="Leave documents with this category/group/sensitivity out of the copy.")
@click.option("--redact-key", envvar="AISGF_REDACT_KEY", default=None, help="Key for consistent placeholders.")
@click.option("--report", "report_path", default=None, help="Write the JSON report here.")
@click.option("--findings", "findings_path", default=None, help="Write per-finding JSON Lines here.")
@click.option("--html", "html_path", default=None, help="Write the HTML report here.")
@click.option("--workers", default=None, type=int, help="Processes on this machine (default: all cores).")
@click.option("--dask", "dask_address", default=None, help="Run on a Dask cluster at this scheduler address.")
@click.option("--progress/--no-progress", default=None, help="Progress bar with MB/s (default: on a terminal).")
@_attach_options
def run_cmd(
    paths: tuple[str, ...],
    libraries: tuple[str, ...],
    max_keywords: int,
    detectors: str | None,
    workers: int | None,
    dask_address: str | None,
    progress: bool | None,
    report_path: str | None,
    findings_path: str | None,
    html_path: str | None,
    sample_file: str,
    redact_key: str | None,
    fail_on: tuple[str, ...],
    attach_to: str | None,
    obligations: tuple[str, ...],
    actor: str | None,
    **opts: Any,
) -> None:
    from aisgf.screening.keywords import load_libraries
    from aisgf.screening.pipeline import ScreenConfig, run_screen
    from aisgf.screening.report import write_html, write_json

    if workers is not None and dask_address is not None:
        raise click.UsageError("--workers and --dask exclude each other")
    if dask_address is not None:
        from aisgf.cliutil import require_extra

        require_extra("dask", "aisgf screen --dask")
    libs = load_libraries(list(libraries), max_keywords=max_keywords)
    cfg = ScreenConfig(
        field=opts["field"],
        id_field=opts["id_field"],
        lines=opts["lines"],
        libraries=libs,
        categories=[c.strip() for c in detectors.split(",") if c.strip()] if detectors else None,
        min_chars=opts["min_chars"],
        near_dups=opts["near_dups"],
        exact_dups=opts["exact_dups"],
        sample_n=opts["sample_n"],
        seed=opts["seed"],
        manual_min=opts["manual_min"],
        manual_threshold=opts["manual_threshold"],
        technical_min_fraction=opts["technical_fraction"],
        technical_rate=max(opts["technical_fraction"] * 1.05, opts["technical_fraction"]),
        technical_threshold=opts["technical_threshold"],
        fail_on=tuple(fail_on) or ("keyword", "secret", "sensitive_personal"),
        redact_to=opts["redact_to"],
        drop=tuple(opts["drop"]),
        redact_key=redact_key.encode() if redact_key else b"",
    )
    rep = run_screen(
        list(paths),
        cfg,
        workers=workers if workers is not None else (os.cpu_count() or 1),
        dask=dask_address,
        findings_path=findings_path,
        sample_path=sample_file if opts["sample_n"] else None,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    if report_path:
        write_json(rep, report_path)
    if html_path:
        write_html(rep, html_path)
    _print_summary(rep)
    if attach_to:
        name = os.path.basename(report_path) if report_path else "screening-report.json"
        _attach(rep, attach_to, obligations, actor, name)


def _attach(rep: dict[str, Any], system: str, obligations: tuple[str, ...], actor: str | None, name: str) -> None:
    """Store the report as registry evidence (imported on demand: screening runs without a database)."""
    from aisgf.cliutil import actor_name, db
    from aisgf.registry.tool_reports import attach_screening_report

    database = db()
    try:
        if system.startswith("dataset:"):  # the data's own record: systems using it inherit the report
            from aisgf.lineage.tool_reports import attach_screening_to_dataset

            done = attach_screening_to_dataset(database, rep, system.removeprefix("dataset:"), actor=actor_name(actor),
                                               obligations=list(obligations) or None, filename=name)
            served = ", ".join(done["obligations"]) or "no obligation (the keyword library falls short of TC260-003)"
            click.echo(f"evidence {', '.join(map(str, done['evidence']))} (sha256 {done['sha256'][:12]}…) attached "
                       f"to dataset {done['dataset']} for {served}")
            return
        ev = attach_screening_report(
            database, rep, system, actor=actor_name(actor), obligations=list(obligations) or None, filename=name
        )
    finally:
        database.dispose()
    click.echo(
        f"evidence {ev['id']} (sha256 {ev['sha256'][:12]}…) attached to {system} for {', '.join(ev['obligations'])}"
    )


def _print_summary(rep: dict[str, Any]) -> None:
    t = rep["totals"]
    click.echo(
        f"screened {t['documents']} documents in {t['files']} files "
        f"({t['bytes']} bytes, {rep['run']['mb_per_s']} MB/s, {rep['run']['engine']})"
    )
    click.echo(
        f"documents with findings: {t['documents_with_findings']} ({100 * t['rate_with_findings']:.2f} %); "
        f"unreadable: {t['unreadable']}"
    )
    for cat, c in rep["categories"].items():
        click.echo(f"  {cat:<28} {c['findings']:>10} findings in {c['documents']:>8} documents")
    lib = rep["keyword_library"]
    if lib["meets_tc260_003"]:
        click.echo(f"keyword library: {lib['keywords']} keywords, meets {lib['requirement']}")
    else:
        from aisgf.screening.keywords import describe_shortfall

        click.echo(
            f"keyword library does NOT meet {lib['requirement']}; the technical sample cannot pass:", err=True
        )
        for s in lib["shortfalls"]:
            click.echo(f"  - {describe_shortfall(s)}", err=True)
    if "sampling" in rep:
        tech = rep["sampling"]["technical"]
        rate = "—" if tech["pass_rate"] is None else f"{100 * tech['pass_rate']:.2f} %"
        click.echo(
            f"technical sample: {tech['size']} documents, pass rate {rate} ({tech['pass_rate_verdict']}), "
            f"verdict {tech['verdict']}"
        )
        m = rep["sampling"]["manual"]
        click.echo(
            f"manual sample: {m['size']} documents written to {m.get('file')} — fill in the verdict column, "
            "then run `aisgf screen verdicts FILE`"
        )


@screen_group.command("verdicts", help="Judge a filled-in manual sample (TC260-003: ≥ 4000 items, ≥ 96 %).")
@click.argument("file")
@click.option("--min-items", default=4000, show_default=True, type=int)
@click.option("--threshold", default=0.96, show_default=True, type=float)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@_attach_options
def verdicts_cmd(
    file: str,
    min_items: int,
    threshold: float,
    as_json: bool,
    attach_to: str | None,
    obligations: tuple[str, ...],
    actor: str | None,
) -> None:
    from aisgf.screening.sampling import read_verdicts

    result = read_verdicts(file, min_items=min_items, min_pass_rate=threshold)
    if attach_to:
        _attach(result, attach_to, obligations, actor, "manual-sample-assessment.json")
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        rate = "—" if result["pass_rate"] is None else f"{100 * result['pass_rate']:.2f} %"
        low, high = result["confidence_interval_95"]
        click.echo(
            f"manual sample: {result['size']} judged ({result['passed']} pass, {result['failed']} fail, "
            f"{result['unjudged']} not judged); pass rate {rate} (95 % CI {100 * low:.2f}–{100 * high:.2f} %)"
        )
        click.echo(f"required: ≥ {min_items} items and ≥ {100 * threshold:.1f} % → verdict: {result['verdict']}")
    if result["verdict"] != "pass":  # a failing verdict, with or without --json (README: exit 8)
        raise SystemExit(EXIT_CHECK_FAILED)


def _invoke(args: list[str], prog: str) -> None:
    try:
        screen_group.main(args=args, prog_name=prog, standalone_mode=False)
    except click.ClickException as exc:  # the real click's usage errors (Typer's own click is another)
        exc.show()
        raise typer.Exit(exc.exit_code) from exc
    except click.exceptions.Abort as exc:  # pragma: no cover - ctrl-c
        raise typer.Exit(130) from exc


_PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def register(root: typer.Typer) -> None:
    """Mount ``screen`` (and the ``screen-verdicts`` alias) on the root Typer app."""

    @root.command(
        "screen",
        context_settings=_PASS_THROUGH,
        add_help_option=False,
        help="Screen training data; `aisgf screen --help` for options, `aisgf screen verdicts FILE`.",
    )
    def screen(ctx: typer.Context) -> None:
        _invoke(list(ctx.args), "aisgf screen")

    @root.command(
        "screen-verdicts",
        context_settings=_PASS_THROUGH,
        add_help_option=False,
        help="Same as `aisgf screen verdicts FILE`.",
    )
    def screen_verdicts(ctx: typer.Context) -> None:
        _invoke(["verdicts", *ctx.args], "aisgf screen-verdicts")
