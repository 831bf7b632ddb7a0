"""CLI of the intake concern: `aisgf assess` and the `aisgf rules` group.

Why here: each concern owns its commands (DESIGN.md); `aisgf.cli` only mounts them. The commands
parse input, call the engine and render the decision; no rule lives here. Errors from the
engine (`AisgfError`) propagate to the root command, which prints ``error: file:line: reason`` on
stderr and exits with the error's code.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from aisgf.intake.answers import load_any_answers
from aisgf.intake.engine import Decision, evaluate
from aisgf.intake.questionnaire import Questionnaire, load_questionnaire
from aisgf.intake.ruleset import LANES, TIERS, Ruleset, load_ruleset


class Lang(StrEnum):
    en = "en"
    zh = "zh"


rules_app = typer.Typer(
    help="Tiering rules: show the rules in force, check a ruleset file, list the intake questions.",
    no_args_is_help=True,
)

RulesetOption = Annotated[
    Path | None,
    typer.Option("--ruleset", help="Ruleset YAML to use instead of the one in force.", dir_okay=False),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language for people: en or zh.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout only.")]


def _console() -> Console:
    # Created per command so output goes to the stdout in force (CliRunner swaps it).
    # A terminal sets its own width; pipes and tests get 120 columns rather than rich's 80.
    # COLUMNS, when set, wins (as for any terminal program), so a reader can ask for unwrapped tables.
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else (None if sys.stdout.isatty() else 120)
    return Console(highlight=False, width=width)


_TIER_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}


def _row(table: Table, *cells: str) -> None:
    """Add a row of plain text: catalog titles and conditions contain brackets, not markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _load_ruleset(path: Path | None) -> Ruleset:
    return load_ruleset(path) if path is not None else load_ruleset()


def decision_payload(decision: Decision, system: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON document `assess --json` prints (the decision, plus the system when known)."""
    payload = decision.model_dump(mode="json")
    if system is not None:
        payload = {"system": system, **payload}
    return payload


def render_decision(
    decision: Decision,
    ruleset: Ruleset,
    console: Console,
    *,
    lang: str = "en",
    system: dict[str, Any] | None = None,
) -> None:
    """Print a decision for people: outcome first, then controls, obligations and every reason.

    Under `--lang zh` every word is Chinese except IDs and codes (rule, control and catalog IDs,
    digests): tier, lane and reviewer names come from the ruleset, conditions from the
    questionnaire's labels, and an item with no Chinese text says so instead of showing English.
    """
    zh = lang == "zh"
    spec = ruleset.spec

    def say(text: str) -> None:
        # Sentences are not hard-wrapped: a reader (or grep) sees each reason on one line.
        console.print(text, soft_wrap=True)

    def reviewer_name(rid: str) -> str:
        return spec.reviewers[rid].get(lang)

    def tier_name(t: str) -> str:
        named = spec.tiers[t].name  # type: ignore[index]
        return named.get(lang) if named else t

    def lane_name(name: str) -> str:
        named = spec.lanes[name].name  # type: ignore[index]
        return named.get(lang) if named else name

    def trigger(t: str) -> str:
        if zh and t.startswith("tier:"):
            return f"等级：{tier_name(t[5:])}"
        return t

    def triggers(ts: list[str]) -> str:
        return ("、" if zh else ", ").join(trigger(t) for t in ts)

    def title_of(o: Any) -> str:
        if zh:
            return o.title_zh or "（仅有英文文本）"
        return o.title_en or (f"{o.title_zh} (Chinese text only)" if o.title_zh else o.title)

    if system:
        title = system.get("name", "")
        extra = ", ".join(str(system[k]) for k in ("key", "owner") if system.get(k))
        console.print(f"[bold]{escape(title)}[/bold]" + (f" ({escape(extra)})" if extra else ""))
    if zh:
        console.print(f"风险等级：[{_TIER_STYLE[decision.tier]}]{tier_name(decision.tier)}[/]   "
                      f"评审通道：[bold]{lane_name(decision.lane)}[/bold]")
        console.print("评审人：" + escape("、".join(reviewer_name(r) for r in decision.reviewers)))
    else:
        console.print(f"Tier: [{_TIER_STYLE[decision.tier]}]{decision.tier.upper()}[/]   "
                      f"Lane: [bold]{decision.lane}[/bold]")
        console.print("Reviewers: " + escape(", ".join(f"{reviewer_name(r)} ({r})" for r in decision.reviewers)))
    if decision.roles:
        roles_q = ruleset.questionnaire.get(spec.roles_question)
        names = [roles_q.value_text(r, lang) if roles_q else r for r in decision.roles]
        inferred = set(decision.roles_inferred)
        marks = [f"{n}（由答案推定）" if zh and r in inferred else (f"{n} (inferred)" if r in inferred else n)
                 for r, n in zip(decision.roles, names, strict=True)]
        console.print(("本单位角色：" + "、".join(marks)) if zh else ("Roles: " + ", ".join(marks)))

    id_col = "编号" if zh else "ID"
    controls = Table(title="控制措施" if zh else "Controls", title_justify="left", show_lines=False)
    controls.add_column(id_col, no_wrap=True)
    controls.add_column("措施" if zh else "Control")
    controls.add_column("依据规则" if zh else "Triggered by")
    for c in decision.controls:
        _row(controls, c.id, c.name_zh if zh else c.name_en, triggers(c.triggered_by))
    console.print(controls)

    def items_table(title: str, items: list[Any], what: str) -> None:
        table = Table(title=title, title_justify="left")
        table.add_column(id_col, no_wrap=True)
        table.add_column(what)
        table.add_column("依据规则" if zh else "Triggered by")
        for o in items:
            _row(table, o.id, title_of(o), triggers(o.triggered_by))
        console.print(table)

    items_table("适用条款（本单位义务）" if zh else "Obligations", decision.obligations, "标题" if zh else "Title")
    if decision.risks:
        items_table("所涉风险（第 3 章）" if zh else "Risks addressed (section 3)", decision.risks,
                    "风险" if zh else "Risk")
    if decision.duties:
        duties = Table(title="中国实施规则义务（备案、评估、标识、报告）" if zh
                       else "China implementation duties (filings, assessments, labels, reporting)",
                       title_justify="left")
        duties.add_column(id_col, no_wrap=True)
        duties.add_column("文件与条款" if zh else "Instrument and article")
        duties.add_column("时限" if zh else "Due")
        duties.add_column("依据规则" if zh else "Triggered by")
        for d in decision.duties:
            where = f"《{d.instrument_zh}》{d.title_zh}" if zh else f"{d.instrument_en}: {d.title_en}"
            _row(duties, d.id, where, d.due_zh if zh else d.due_en, triggers(d.triggered_by))
        console.print(duties)
    if decision.context:
        items_table("背景条款（面向国家或社会公众，不是本单位的义务）" if zh
                    else "Context (addressed to the state or the public, not the organisation's obligations)",
                    decision.context, "标题" if zh else "Title")

    console.print(
        f"[bold]{'判定理由（按规则顺序）' if zh else 'Reasons (every rule that fired, in order)'}[/bold]"
    )
    for i, reason in enumerate(decision.reasons, 1):
        asks = []
        if reason.tier:
            asks.append(f"风险等级至少为{tier_name(reason.tier)}" if zh else f"tier ≥ {reason.tier}")
        if reason.lane:
            asks.append(f"至少走{lane_name(reason.lane)}" if zh else f"lane ≥ {reason.lane}")
        if reason.reviewers:
            asks.append("评审人：" + "、".join(reviewer_name(r) for r in reason.reviewers) if zh
                        else "reviewers: " + ", ".join(reason.reviewers))
        say(
            f"{i}. [bold]{escape(reason.rule)}[/bold]"
            + (f"  [dim]{escape(('；' if zh else '; ').join(asks))}[/dim]" if asks else "")
        )
        say(f"   {escape(reason.description_zh if zh else reason.description_en)}")
        matched = (reason.matched_zh or reason.matched) if zh else reason.matched
        say(f"   [dim]{'命中条件：' if zh else 'matched: '}{escape(('；' if zh else '; ').join(matched))}[/dim]")
    for adj in decision.adjustments:
        if zh:
            say(f"[dim]+ {escape(adj.message_zh or adj.message)}[/dim]")
        else:
            added = f": {', '.join(adj.added)}" if adj.added else ""
            say(f"[dim]+ {escape(adj.message + added)}[/dim]")
    for w in decision.warnings:  # contradictions, unanswered questions, implied roles: said, never silent
        say(f"[yellow]! {escape(w.message_zh if zh else w.message_en)}[/yellow]")
    if zh:
        say(f"[dim]规则集 {decision.ruleset_id} {decision.ruleset_version}（摘要 {decision.ruleset_hash[:12]}）；"
            f"条款目录 {decision.catalog_framework} {decision.catalog_version}（摘要 {decision.catalog_digest[:12]}）；"
            f"问卷 {decision.questionnaire_version}[/dim]")
    else:
        say(
            f"[dim]ruleset {decision.ruleset_id} {decision.ruleset_version} "
            f"(sha256 {decision.ruleset_hash[:12]}); "
            f"catalog {decision.catalog_framework} {decision.catalog_version} "
            f"(digest {decision.catalog_digest[:12]}); questionnaire {decision.questionnaire_version}[/dim]"
        )


def assess(
    answers_file: Annotated[
        Path, typer.Argument(help="Answer file (YAML/JSON) or aisgf.yaml project file.", dir_okay=False)
    ],
    json_out: JsonOption = False,
    lang: LangOption = Lang.en,
    ruleset_file: RulesetOption = None,
) -> None:
    """Tier a project from its intake answers: tier, lane, reviewers, controls, obligations, reasons."""
    ruleset = _load_ruleset(ruleset_file)
    loaded = load_any_answers(answers_file, questionnaire=ruleset.questionnaire)
    decision = evaluate(loaded.answers, ruleset=ruleset)
    system = loaded.system.model_dump(exclude_none=True)
    if json_out:
        typer.echo(json.dumps(decision_payload(decision, system), ensure_ascii=False, indent=2))
        return
    render_decision(decision, ruleset, _console(), lang=lang.value, system=system)


def register(root: typer.Typer) -> None:
    """Add the intake's top-level commands (`assess`) to the root app; `rules_app` is mounted apart."""
    root.command("assess")(assess)


@rules_app.command("show")
def rules_show(
    ruleset_file: RulesetOption = None,
    lang: LangOption = Lang.en,
    json_out: JsonOption = False,
) -> None:
    """Show the ruleset in force: tiers, lanes, reviewers and every rule with its condition."""
    ruleset = _load_ruleset(ruleset_file)
    spec = ruleset.spec
    if json_out:
        doc = {
            "source": ruleset.source,
            "digest": ruleset.digest,
            **spec.model_dump(mode="json"),
            "conditions": {r.spec.id: r.condition.describe() for r in ruleset.rules},
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    code = lang.value
    zh = code == "zh"
    console = _console()
    title = spec.title.get(code) if spec.title else spec.ruleset
    console.print(f"[bold]{escape(title)}[/bold]")
    console.print(escape(f"{spec.ruleset} {spec.version}  {'摘要' if zh else 'sha256'} {ruleset.digest}"))
    console.print(f"[dim]{escape(ruleset.source)}[/dim]")

    def tier_name(t: str) -> str:
        named = spec.tiers[t].name  # type: ignore[index]
        return named.get(code) if named else t

    def lane_name(name: str) -> str:
        named = spec.lanes[name].name  # type: ignore[index]
        return named.get(code) if named else name

    sep = "、" if zh else ", "
    tiers = Table(title="风险等级" if zh else "Tiers", title_justify="left")
    for col in (("等级", "至少走", "控制措施") if zh else ("tier", "lane at least", "controls")):
        tiers.add_column(col)
    for t in TIERS:
        ts = spec.tiers[t]
        controls = sep.join(spec.controls[c].name.get(code) for c in ts.controls) if zh else ", ".join(ts.controls)
        _row(tiers, tier_name(t), lane_name(ts.lane), controls or "-")
    console.print(tiers)
    lanes = Table(title="评审通道" if zh else "Lanes", title_justify="left")
    lanes.add_column("通道" if zh else "lane")
    lanes.add_column("评审人" if zh else "reviewers")
    for lane in LANES:
        ls = spec.lanes[lane]
        _row(lanes, lane_name(lane), sep.join(spec.reviewers[r].get(code) for r in ls.reviewers))
    console.print(lanes)
    rules = Table(title="规则（按顺序）" if zh else "Rules (in order)", title_justify="left", show_lines=True)
    for col, kw in ((("规则", {"no_wrap": True}), ("条件", {"overflow": "fold", "ratio": 2}),
                     ("等级 / 通道", {"no_wrap": True}), ("评审人", {"overflow": "fold"}),
                     ("控制措施", {"no_wrap": True}), ("条款与义务", {"overflow": "fold"})) if zh else
                    (("rule", {"no_wrap": True}), ("when", {"overflow": "fold", "ratio": 2}),
                     ("tier / lane", {"no_wrap": True}), ("reviewers", {"overflow": "fold"}),
                     ("controls", {"no_wrap": True}), ("obligations", {"overflow": "fold"}))):
        rules.add_column(col, **kw)  # type: ignore[arg-type]
    for r in ruleset.rules:
        rs = r.spec
        obligations = list(rs.obligations) + [
            f"{role}: {', '.join(refs)}" for role, refs in rs.by_role.items()
        ] + list(rs.duties)
        reviewers = [spec.reviewers[x].get(code) for x in rs.reviewers] if zh else list(rs.reviewers)
        _row(
            rules,
            rs.id,
            r.condition.describe(code),
            f"{tier_name(rs.tier) if rs.tier else '-'} / {lane_name(rs.lane) if rs.lane else '-'}" if zh
            else f"{rs.tier or '-'} / {rs.lane or '-'}",
            "\n".join(reviewers) or "-",
            "\n".join(rs.controls) or "-",
            "\n".join(obligations) or "-",
        )
    console.print(rules)


@rules_app.command("validate")
def rules_validate(
    ruleset_file: Annotated[Path, typer.Argument(help="Ruleset YAML to check.", dir_okay=False)],
) -> None:
    """Check a ruleset file against the questionnaire and the catalog; report every mistake with its line."""
    ruleset = load_ruleset(ruleset_file)
    typer.echo(
        f"ok: {ruleset_file}: ruleset {ruleset.id} {ruleset.version}, {len(ruleset.rules)} rules, "
        f"sha256 {ruleset.digest}"
    )


@rules_app.command("questions")
def rules_questions(
    lang: LangOption = Lang.en,
    template: Annotated[
        bool, typer.Option("--template", help="Print an answer-file template (YAML) to fill in.")
    ] = False,
) -> None:
    """List the intake questions (IDs, accepted answers), or print an answer-file template."""
    questionnaire = load_questionnaire()
    if template:
        typer.echo(answer_template(questionnaire, lang.value), nl=False)
        return
    console = _console()
    table = Table(
        title=f"Intake questionnaire {questionnaire.version}", title_justify="left", show_lines=True
    )
    for col in ("id", "question", "answer", "required"):
        table.add_column(col)
    for q in questionnaire.questions:
        if q.type == "bool":
            accepted = "true / false"
        elif q.type == "text":
            accepted = "text"
        else:
            accepted = "\n".join(f"{o.value}: {o.label.get(lang.value)}" for o in q.options)
            if q.type == "multi":
                accepted = "list of:\n" + accepted
        required = "yes" if q.required else f"no (default {json.dumps(q.default)})"
        _row(table, q.id, q.question.get(lang.value), accepted, required)
    console.print(table)


def answer_template(questionnaire: Questionnaire, lang: str = "en") -> str:
    """A YAML answer file with every question as a comment, ready to fill in."""
    lines = [
        "# aisgf intake answers; check with: aisgf assess THIS_FILE",
        "system:",
        "  name: ''",
        "  owner: ''",
        "  description: ''",
        "answers:",
    ]
    for q in questionnaire.questions:
        lines.append(f"  # {q.question.get(lang)}")
        if q.type in ("enum", "multi"):
            lines.append(
                f"  # accepted: {', '.join(q.option_values)}" + (" (a list)" if q.type == "multi" else "")
            )
        elif q.type == "bool":
            lines.append("  # accepted: true, false")
        value = q.default if not q.required else ([] if q.type == "multi" else None)
        rendered = yaml.safe_dump({q.id: value}, allow_unicode=True, default_flow_style=True).strip()[1:-1]
        lines.append(f"  {rendered}")
    return "\n".join(lines) + "\n"
