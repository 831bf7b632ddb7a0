"""`aisgf model|dataset|vendor|component|lineage …`: the responsibility chain and the supply chain from the shell.

Each command acts as an account (`--as` or AISGF_ACTOR), calls one service and prints the same schema
the API gives (`--json`). `model_app` is also where the artifact commands (`model scan|sign|verify`,
in `lineage/artifacts_cli.py`) are added by the CLI root.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aisgf.cliutil import AS, acting, console, db, print_json
from aisgf.lineage import graph
from aisgf.lineage import services as svc
from aisgf.lineage.choices import (
    Admission,
    ComponentKind,
    DatasetSource,
    DatasetUse,
    EdgeKind,
    EvidencePurpose,
    ImpactKind,
    ModelKind,
    ModelRole,
    SourceKind,
    Supply,
    VendorKind,
    values,
)
from aisgf.lineage.schemas import (
    ChainOut,
    ComponentOut,
    DatasetOut,
    FilingPathOut,
    ImpactOut,
    LineageEvidenceOut,
    ModelOut,
    VendorOut,
)

JSON = typer.Option(False, "--json", help="Print the result as JSON (the API's shape)")
model_app = typer.Typer(help="Models: accountable party, documentation, filing numbers, parents; scan, sign, verify.",
                        no_args_is_help=True)
dataset_app = typer.Typer(help="Datasets: source, personal and important data, annotation, checks, retention.",
                          no_args_is_help=True)
vendor_app = typer.Typer(help="Vendors and publishers; admission: due diligence, reviews, admit, suspend, exit.",
                         no_args_is_help=True)
component_app = typer.Typer(help="Chips, software, tools, compute and data resources a system runs on.",
                            no_args_is_help=True)
lineage_app = typer.Typer(help="The responsibility chain of a system and the impact of a change.",
                          no_args_is_help=True)


def _print_model(d: dict[str, Any], parents: list[tuple[str, str]]) -> None:
    console.print(f"[bold]{escape(d['label'])}[/bold]  {d['kind']}" + ("  [yellow](stub)[/yellow]" if d["stub"]
                                                                       else ""))
    for f in ("accountable_team", "vendor", "licence", "training_data", "intended_use", "limitations",
              "security_contact", "remediation", "output_labeling", "filing_number", "launch_number", "source"):
        if d.get(f):
            console.print(f"{f}  {escape(str(d[f]))}", soft_wrap=True)
    for kind, parent in parents:
        console.print(f"parent  {escape(parent)} ({kind})")
    if d["manifest"]:
        console.print(f"files  {len(d['manifest'])}")


# ----------------------------------------------------------------------------------------------- models


@model_app.command("add")
def model_add(
    name: str = typer.Argument(..., help="The model's name (a hub ID for a published model)"),
    kind: str = typer.Option(..., "--kind", help=" | ".join(values(ModelKind))),
    version: str = typer.Option("", "--version"),
    team: str | None = typer.Option(None, "--team", help="The accountable internal team"),
    vendor: str | None = typer.Option(None, "--vendor", help="The accountable vendor or publisher (name or ID)"),
    licence: str | None = typer.Option(None, "--licence"),
    training_data: str | None = typer.Option(None, "--training-data", help="The training-data summary"),
    intended_use: str | None = typer.Option(None, "--intended-use"),
    limitations: str | None = typer.Option(None, "--limitations"),
    security_contact: str | None = typer.Option(None, "--security-contact"),
    remediation: str | None = typer.Option(None, "--remediation", help="The remediation commitment"),
    output_labeling: str | None = typer.Option(None, "--output-labeling"),
    filing_number: str | None = typer.Option(None, "--filing-number", help="生成式人工智能服务备案号"),
    launch_number: str | None = typer.Option(None, "--launch-number", help="上线编号"),
    source_kind: str = typer.Option("none", "--source-kind", help=" | ".join(values(SourceKind))),
    source: str | None = typer.Option(None, "--source", help="Hub ID, path or vendor API endpoint"),
    as_json: bool = JSON, actor: str | None = AS,
) -> None:
    """Record a model."""
    with db().session() as s:
        m = svc.add_model(s, by=acting(s, actor), name=name, kind=kind, version=version, accountable_team=team,
                          vendor=vendor, licence=licence, training_data=training_data, intended_use=intended_use,
                          limitations=limitations, security_contact=security_contact, remediation=remediation,
                          output_labeling=output_labeling, filing_number=filing_number, launch_number=launch_number,
                          source_kind=source_kind, source=source)
        d = ModelOut.of(m).model_dump(mode="json")
    print_json(d) if as_json else console.print(f"model {d['id']} recorded: {escape(d['label'])}")


@model_app.command("edit")
def model_edit(
    ref: str = typer.Argument(..., help="ID, name or name@version"),
    name: str | None = typer.Option(None, "--name"),
    kind: str | None = typer.Option(None, "--kind", help=" | ".join(values(ModelKind))),
    version: str | None = typer.Option(None, "--version"),
    team: str | None = typer.Option(None, "--team", help="The accountable internal team (\"\" clears)"),
    vendor: str | None = typer.Option(None, "--vendor", help="The accountable vendor or publisher (\"\" clears)"),
    licence: str | None = typer.Option(None, "--licence"),
    training_data: str | None = typer.Option(None, "--training-data", help="The training-data summary"),
    intended_use: str | None = typer.Option(None, "--intended-use"),
    limitations: str | None = typer.Option(None, "--limitations"),
    security_contact: str | None = typer.Option(None, "--security-contact"),
    remediation: str | None = typer.Option(None, "--remediation", help="The remediation commitment"),
    output_labeling: str | None = typer.Option(None, "--output-labeling"),
    filing_number: str | None = typer.Option(None, "--filing-number", help="生成式人工智能服务备案号"),
    launch_number: str | None = typer.Option(None, "--launch-number", help="上线编号"),
    source_kind: str | None = typer.Option(None, "--source-kind", help=" | ".join(values(SourceKind))),
    source: str | None = typer.Option(None, "--source", help="Hub ID, path or vendor API endpoint"),
    as_json: bool = JSON, actor: str | None = AS,
) -> None:
    """Change a model's fields: an option not given keeps its value, "" clears it (one audit event)."""
    given = {"name": name, "kind": kind, "version": version, "accountable_team": team, "vendor": vendor,
             "licence": licence, "training_data": training_data, "intended_use": intended_use,
             "limitations": limitations, "security_contact": security_contact, "remediation": remediation,
             "output_labeling": output_labeling, "filing_number": filing_number, "launch_number": launch_number,
             "source_kind": source_kind, "source": source}
    with db().session() as s:
        m = svc.update_model(s, ref, by=acting(s, actor), **{k: v for k, v in given.items() if v is not None})
        d = ModelOut.of(m).model_dump(mode="json")
        parents = [(e.kind, p.label) for e, p in svc.parents_of(s, m.id)]
    print_json(d) if as_json else _print_model(d, parents)


def _add_evidence(*, model: str | None = None, dataset: str | None = None, file: Path | None, uri: str | None,
                  purpose: str, obligation: str | None, description: str, as_json: bool, actor: str | None) -> None:
    """Store a document on a model or a dataset (a file in the evidence store, or a link) and print it."""
    import mimetypes

    from aisgf.errors import InvalidInput
    from aisgf.registry.evidence_store import EvidenceStore

    d = db()
    store = EvidenceStore(d.settings.resolved_evidence_dir)
    with d.session() as s:
        by = acting(s, actor)
        common: dict[str, Any] = {"by": by, "model": model, "dataset": dataset, "purpose": purpose,
                                  "catalog_id": obligation, "description": description,
                                  "max_bytes": d.settings.max_upload_bytes}
        if file is not None:
            if not file.is_file():
                raise InvalidInput("evidence file not found", where=str(file))
            media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            with open(file, "rb") as f:
                ev = svc.add_lineage_evidence(s, store, stream=f, filename=file.name, media_type=media_type, **common)
        else:
            ev = svc.add_lineage_evidence(s, store, uri=uri, **common)
        out = LineageEvidenceOut.of(ev).model_dump(mode="json")
    if as_json:
        print_json(out)
        return
    subject = f"model {model}" if model is not None else f"dataset {dataset}"
    console.print(f"evidence {out['id']} ({out['purpose']}, {escape(out['sha256'] or out['uri'] or '')}) on "
                  f"{escape(subject)}" + (f", serving {out['catalog_id']} in every system using it"
                                          if out["catalog_id"] else ""))


_EV_FILE = typer.Option(None, "--file", help="A file to store (content-addressed)")
_EV_URI = typer.Option(None, "--uri", help="A link (http or https) instead of a file")
_EV_PURPOSE = typer.Option("responsibility", "--purpose", help=" | ".join(values(EvidencePurpose)))
_EV_OBLIGATION = typer.Option(None, "--obligation", "-o",
                              help="The framework item it is evidence for in every system using it (e.g. 6.2.e)")


@model_app.command("evidence")
def model_evidence(model: str = typer.Argument(..., help="ID, name or name@version"),
                   file: Path | None = _EV_FILE, uri: str | None = _EV_URI, purpose: str = _EV_PURPOSE,
                   obligation: str | None = _EV_OBLIGATION, description: str = typer.Option("", "--description"),
                   as_json: bool = JSON, actor: str | None = AS) -> None:
    """Attach a document to MODEL (its responsibility documentation, its card …); with --obligation every
    system using the model counts it for that obligation at the go-live gate."""
    _add_evidence(model=model, file=file, uri=uri, purpose=purpose, obligation=obligation,
                  description=description, as_json=as_json, actor=actor)


@model_app.command("show")
def model_show(ref: str = typer.Argument(..., help="ID, name or name@version"), as_json: bool = JSON,
               actor: str | None = AS) -> None:
    """A model, its parents and its file manifest."""
    with db().session() as s:
        m = svc.get_model(s, ref, viewer=acting(s, actor))
        d = ModelOut.of(m).model_dump(mode="json")
        parents = [(e.kind, p.label) for e, p in svc.parents_of(s, m.id)]
    if as_json:
        print_json({**d, "parents": [{"kind": k, "parent": p} for k, p in parents]})
    else:
        _print_model(d, parents)


@model_app.command("list")
def model_list(kind: str | None = typer.Option(None, "--kind", help=" | ".join(values(ModelKind))),
               limit: int = typer.Option(100, "--limit", min=1, max=500), as_json: bool = JSON,
               actor: str | None = AS) -> None:
    """Recorded models, by name."""
    with db().session() as s:
        rows, total = svc.list_models(s, viewer=acting(s, actor), kind=kind, limit=limit)
        items = [ModelOut.of(m).model_dump(mode="json") for m in rows]
    if as_json:
        print_json({"items": items, "total": total})
        return
    t = Table("ID", "model", "kind", "accountable", "licence", "stub")
    for d in items:
        t.add_row(str(d["id"]), escape(d["label"]), d["kind"], escape(d["accountable_team"] or d["vendor"] or "—"),
                  escape(d["licence"] or "—"), "yes" if d["stub"] else "")
    console.print(t)
    console.print(f"{len(items)} of {total}")


@model_app.command("parent")
def model_parent(child: str = typer.Argument(..., help="The derived model"),
                 parent: str = typer.Argument(..., help="The model it came from"),
                 kind: str = typer.Option(..., "--kind", help=" | ".join(values(EdgeKind))),
                 actor: str | None = AS) -> None:
    """Record that CHILD came from PARENT (refused, naming the cycle, if PARENT already derives from CHILD)."""
    with db().session() as s:
        e = svc.add_edge(s, child, parent, kind, by=acting(s, actor))
        c, p = svc.get_model(s, e.child_id), svc.get_model(s, e.parent_id)
        console.print(f"{escape(c.label)} ← {escape(p.label)} ({e.kind})")


@model_app.command("link")
def model_link(system: str = typer.Argument(..., help="The system's key or ID"),
               model: str = typer.Argument(..., help="ID, name or name@version"),
               role: str = typer.Option("primary", "--role", help=" | ".join(values(ModelRole))),
               actor: str | None = AS) -> None:
    """Record that SYSTEM uses MODEL (as its primary model, a guard, an embedding model …)."""
    with db().session() as s:
        svc.link_system_model(s, system, model, role, by=acting(s, actor))
    console.print(f"{escape(system)} uses {escape(model)} as {role}")


@model_app.command("unparent")
def model_unparent(child: str = typer.Argument(...), parent: str = typer.Argument(...),
                   actor: str | None = AS) -> None:
    """Remove the edge CHILD ← PARENT (a lineage recorded wrongly; the audit trail keeps it)."""
    with db().session() as s:
        svc.remove_edge(s, child, parent, by=acting(s, actor))
    console.print(f"{escape(child)} no longer derives from {escape(parent)}")


@model_app.command("unlink")
def model_unlink(system: str = typer.Argument(...), model: str = typer.Argument(...),
                 actor: str | None = AS) -> None:
    """Record that SYSTEM no longer uses MODEL."""
    with db().session() as s:
        svc.unlink_system_model(s, system, model, by=acting(s, actor))
    console.print(f"{escape(system)} no longer uses {escape(model)}")


@model_app.command("import")
def model_import(directory: Path = typer.Argument(..., exists=True, file_okay=False, help="A model directory"),
                 team: str | None = typer.Option(None, "--team", help="The accountable internal team"),
                 version: str = typer.Option("", "--version"), as_json: bool = JSON, actor: str | None = AS) -> None:
    """Read a model directory (card, config, file hashes; no code runs) and record it, its bases as parents."""
    from aisgf.lineage.artifacts import read_model_dir  # written beside this module (artifact reading)

    info = read_model_dir(directory)
    with db().session() as s:
        m = svc.import_model(s, info, by=acting(s, actor), accountable_team=team, version=version)
        d = ModelOut.of(m).model_dump(mode="json")
        parents = [(e.kind, p.label) for e, p in svc.parents_of(s, m.id)]
    print_json(d) if as_json else _print_model(d, parents)


# --------------------------------------------------------------------------------------------- datasets


@dataset_app.command("add")
def dataset_add(
    name: str = typer.Argument(...),
    source: str = typer.Option(..., "--source", help=" | ".join(values(DatasetSource))),
    supplier: str | None = typer.Option(None, "--supplier", help="The vendor it came from (name or ID)"),
    collection_method: str | None = typer.Option(None, "--collection-method"),
    lawful_basis: str | None = typer.Option(None, "--lawful-basis", help="For personal information"),
    personal: bool = typer.Option(False, "--personal", help="Holds personal information"),
    sensitive: bool = typer.Option(False, "--sensitive", help="Holds sensitive personal information (GB/T 45574)"),
    important: bool = typer.Option(False, "--important", help="Holds important data"),
    ip_status: str | None = typer.Option(None, "--ip-status"),
    annotation_rules: str | None = typer.Option(None, "--annotation-rules"),
    quality_checks: str | None = typer.Option(None, "--quality-checks"),
    bias_notes: str | None = typer.Option(None, "--bias-notes"),
    poisoning_checks: str | None = typer.Option(None, "--poisoning-checks"),
    retention: str | None = typer.Option(None, "--retention", help="Retention and deletion"),
    cross_border: bool = typer.Option(False, "--cross-border"),
    cross_border_mechanism: str | None = typer.Option(None, "--cross-border-mechanism"),
    as_json: bool = JSON, actor: str | None = AS,
) -> None:
    """Record a dataset; the answer lists what 4.1.2 (b)-(e) still asks of it."""
    with db().session() as s:
        d = svc.add_dataset(s, by=acting(s, actor), name=name, source=source, supplier=supplier,
                            collection_method=collection_method, lawful_basis=lawful_basis, personal=personal,
                            sensitive=sensitive, important=important, ip_status=ip_status,
                            annotation_rules=annotation_rules, quality_checks=quality_checks, bias_notes=bias_notes,
                            poisoning_checks=poisoning_checks, retention=retention, cross_border=cross_border,
                            cross_border_mechanism=cross_border_mechanism)
        out = DatasetOut.of(d).model_dump(mode="json")
    if as_json:
        print_json(out)
        return
    console.print(f"dataset {out['id']} recorded: {escape(out['name'])}")
    _print_questions(out)


def _print_questions(d: dict[str, Any]) -> None:
    for q in d["open_questions"]:
        console.print(f"  {q['clause']}  {q['field']}: {escape(q['question'])}", soft_wrap=True)


@dataset_app.command("edit")
def dataset_edit(
    ref: str = typer.Argument(..., help="ID or name"),
    name: str | None = typer.Option(None, "--name"),
    source: str | None = typer.Option(None, "--source", help=" | ".join(values(DatasetSource))),
    supplier: str | None = typer.Option(None, "--supplier", help="The vendor it came from (\"\" clears)"),
    collection_method: str | None = typer.Option(None, "--collection-method"),
    lawful_basis: str | None = typer.Option(None, "--lawful-basis"),
    personal: bool | None = typer.Option(None, "--personal/--no-personal"),
    sensitive: bool | None = typer.Option(None, "--sensitive/--no-sensitive"),
    important: bool | None = typer.Option(None, "--important/--no-important"),
    ip_status: str | None = typer.Option(None, "--ip-status"),
    annotation_rules: str | None = typer.Option(None, "--annotation-rules"),
    quality_checks: str | None = typer.Option(None, "--quality-checks"),
    bias_notes: str | None = typer.Option(None, "--bias-notes"),
    poisoning_checks: str | None = typer.Option(None, "--poisoning-checks"),
    retention: str | None = typer.Option(None, "--retention"),
    cross_border: bool | None = typer.Option(None, "--cross-border/--no-cross-border"),
    cross_border_mechanism: str | None = typer.Option(None, "--cross-border-mechanism"),
    as_json: bool = JSON, actor: str | None = AS,
) -> None:
    """Change a dataset's fields (an option not given keeps its value, "" clears it); prints what 4.1.2 (b)-(e)
    still asks."""
    given = {"name": name, "source": source, "supplier": supplier, "collection_method": collection_method,
             "lawful_basis": lawful_basis, "personal": personal, "sensitive": sensitive, "important": important,
             "ip_status": ip_status, "annotation_rules": annotation_rules, "quality_checks": quality_checks,
             "bias_notes": bias_notes, "poisoning_checks": poisoning_checks, "retention": retention,
             "cross_border": cross_border, "cross_border_mechanism": cross_border_mechanism}
    with db().session() as s:
        d = svc.update_dataset(s, ref, by=acting(s, actor), **{k: v for k, v in given.items() if v is not None})
        out = DatasetOut.of(d).model_dump(mode="json")
    if as_json:
        print_json(out)
        return
    console.print(f"dataset {out['id']} updated: {escape(out['name'])}")
    _print_questions(out)


@dataset_app.command("evidence")
def dataset_evidence(dataset: str = typer.Argument(..., help="ID or name"),
                     file: Path | None = _EV_FILE, uri: str | None = _EV_URI,
                     purpose: str = typer.Option("datasheet", "--purpose", help=" | ".join(values(EvidencePurpose))),
                     obligation: str | None = _EV_OBLIGATION, description: str = typer.Option("", "--description"),
                     as_json: bool = JSON, actor: str | None = AS) -> None:
    """Attach a document to DATASET (a datasheet, a quality report …); with --obligation (e.g. 4.1.2.d) every
    system using the dataset counts it for that obligation at the go-live gate."""
    _add_evidence(dataset=dataset, file=file, uri=uri, purpose=purpose, obligation=obligation,
                  description=description, as_json=as_json, actor=actor)


@dataset_app.command("show")
def dataset_show(ref: str = typer.Argument(..., help="ID or name"), as_json: bool = JSON,
                 actor: str | None = AS) -> None:
    """A dataset and its open questions."""
    with db().session() as s:
        d = DatasetOut.of(svc.get_dataset(s, ref, viewer=acting(s, actor))).model_dump(mode="json")
    if as_json:
        print_json(d)
        return
    console.print(f"[bold]{escape(d['name'])}[/bold]  {d['source']}")
    for f in ("supplier", "collection_method", "lawful_basis", "ip_status", "annotation_rules", "quality_checks",
              "bias_notes", "poisoning_checks", "retention", "cross_border_mechanism"):
        if d.get(f):
            console.print(f"{f}  {escape(str(d[f]))}", soft_wrap=True)
    flags = [f for f in ("personal", "sensitive", "important", "cross_border") if d[f]]
    console.print(f"holds  {', '.join(flags) or 'no personal, sensitive or important data'}")
    _print_questions(d)


@dataset_app.command("list")
def dataset_list(as_json: bool = JSON, actor: str | None = AS) -> None:
    """Recorded datasets, by name."""
    with db().session() as s:
        items = [DatasetOut.of(d).model_dump(mode="json") for d in svc.list_datasets(s, viewer=acting(s, actor))]
    if as_json:
        print_json(items)
        return
    t = Table("ID", "dataset", "source", "open questions")
    for d in items:
        t.add_row(str(d["id"]), escape(d["name"]), d["source"], str(len(d["open_questions"])))
    console.print(t)


@dataset_app.command("link")
def dataset_link(target: str = typer.Argument(..., help="A system's key, or model:REF for a model"),
                 dataset: str = typer.Argument(..., help="ID or name"),
                 use: str = typer.Option(..., "--use", help=" | ".join(values(DatasetUse))),
                 actor: str | None = AS) -> None:
    """Record that a system (or, with model:REF, a model) uses DATASET for training, evaluation, retrieval …"""
    with db().session() as s:
        by = acting(s, actor)
        if target.startswith("model:"):
            svc.link_model_dataset(s, target.removeprefix("model:"), dataset, use, by=by)
        else:
            svc.link_system_dataset(s, target, dataset, use, by=by)
    console.print(f"{escape(target)} uses {escape(dataset)} for {use}")


@dataset_app.command("unlink")
def dataset_unlink(system: str = typer.Argument(...), dataset: str = typer.Argument(...),
                   use: str | None = typer.Option(None, "--use", help="Only this use; default: every use"),
                   actor: str | None = AS) -> None:
    """Record that SYSTEM no longer uses DATASET."""
    with db().session() as s:
        svc.unlink_system_dataset(s, system, dataset, by=acting(s, actor), use=use)
    console.print(f"{escape(system)} no longer uses {escape(dataset)}")


# ---------------------------------------------------------------------------------------------- vendors


@vendor_app.command("add")
def vendor_add(name: str = typer.Argument(...),
               kind: str = typer.Option("vendor", "--kind", help=" | ".join(values(VendorKind))),
               uscc: str | None = typer.Option(None, "--uscc", help="统一社会信用代码 (checked under GB 32100)"),
               country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-2, e.g. CN"),
               supplies: list[str] = typer.Option([], "--supplies", help=" | ".join(values(Supply)) + "; repeatable"),
               algorithm_filing: str | None = typer.Option(None, "--algorithm-filing",
                                                           help="Its 算法备案 number as 服务技术支持者"),
               as_json: bool = JSON, actor: str | None = AS) -> None:
    """Record a vendor (a candidate for admission) or a publisher of open weights or data."""
    with db().session() as s:
        v = svc.add_vendor(s, by=acting(s, actor), name=name, kind=kind, uscc=uscc, country=country,
                           supplies=supplies, algorithm_filing=algorithm_filing)
        d = VendorOut.of(v).model_dump(mode="json")
    print_json(d) if as_json else _print_vendor(d)


@vendor_app.command("edit")
def vendor_edit(ref: str = typer.Argument(..., help="ID or name"),
                name: str | None = typer.Option(None, "--name"),
                kind: str | None = typer.Option(None, "--kind", help=" | ".join(values(VendorKind))),
                uscc: str | None = typer.Option(None, "--uscc", help="统一社会信用代码 (\"\" clears)"),
                country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-2"),
                supplies: list[str] | None = typer.Option(None, "--supplies",
                                                          help="Replaces what it supplies; repeatable"),
                algorithm_filing: str | None = typer.Option(None, "--algorithm-filing"),
                as_json: bool = JSON, actor: str | None = AS) -> None:
    """Change a vendor's record; its admission result is assessed again (what it supplies decides what is asked)."""
    given = {"name": name, "kind": kind, "uscc": uscc, "country": country, "supplies": supplies or None,
             "algorithm_filing": algorithm_filing}
    with db().session() as s:
        v = svc.update_vendor(s, ref, by=acting(s, actor), **{k: v for k, v in given.items() if v is not None})
        d = VendorOut.of(v).model_dump(mode="json")
    print_json(d) if as_json else _print_vendor(d)


def _print_vendor(d: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(d['name'])}[/bold]  {d['kind']}  admission: {d['admission']}  "
                  f"result: {d['result']}")
    for r in d["result_reasons"]:
        console.print(f"  {escape(r)}")
    for r in d["reviews"]:
        console.print(f"  review {r['function']}: {r['decision']} by {escape(r['reviewer'])} {escape(r['reason'])}")
    if d["admission_gaps"]:
        console.print("before admission: " + "; ".join(escape(g) for g in d["admission_gaps"]), soft_wrap=True)


@vendor_app.command("show")
def vendor_show(ref: str = typer.Argument(..., help="ID or name"), as_json: bool = JSON,
                actor: str | None = AS) -> None:
    """A vendor, its due-diligence result and its reviews."""
    with db().session() as s:
        d = VendorOut.of(svc.get_vendor(s, ref, viewer=acting(s, actor))).model_dump(mode="json")
    print_json(d) if as_json else _print_vendor(d)


@vendor_app.command("list")
def vendor_list(admission: str | None = typer.Option(None, "--admission", help=" | ".join(values(Admission))),
                as_json: bool = JSON, actor: str | None = AS) -> None:
    """Vendors and publishers, by name."""
    with db().session() as s:
        items = [VendorOut.of(v).model_dump(mode="json")
                 for v in svc.list_vendors(s, viewer=acting(s, actor), admission=admission)]
    if as_json:
        print_json(items)
        return
    t = Table("ID", "vendor", "kind", "admission", "result")
    for d in items:
        t.add_row(str(d["id"]), escape(d["name"]), d["kind"], d["admission"], d["result"] or "")
    console.print(t)


@vendor_app.command("answer")
def vendor_answer(ref: str = typer.Argument(...),
                  answer: list[str] = typer.Option([], "--answer", metavar="QUESTION=yes|no|n/a",
                                                   help="A due-diligence answer; repeatable"),
                  clause: list[str] = typer.Option([], "--clause", metavar="CLAUSE=yes|no",
                                                   help="A contract clause in place or not; repeatable"),
                  as_json: bool = JSON, actor: str | None = AS) -> None:
    """Record due-diligence answers and contract clauses (data/vendor-admission.yaml names them)."""
    from aisgf.errors import InvalidInput

    def pairs(items: list[str], option: str) -> dict[str, str]:
        out = {}
        for item in items:
            key, sep, val = item.partition("=")
            if not sep or not key.strip():
                raise InvalidInput(f"{option} takes ID=VALUE, not {item!r}", where=option)
            out[key.strip()] = val.strip()
        return out

    clauses = {k: v in ("yes", "true", "1") for k, v in pairs(clause, "--clause").items()}
    with db().session() as s:
        v = svc.answer_due_diligence(s, ref, by=acting(s, actor), answers=pairs(answer, "--answer"), clauses=clauses)
        d = VendorOut.of(v).model_dump(mode="json")
    print_json(d) if as_json else _print_vendor(d)


@vendor_app.command("review")
def vendor_review(ref: str = typer.Argument(...),
                  function: str = typer.Option(..., "--function", help="procurement | legal | infosec"),
                  decision: str = typer.Option(..., "--decision", help="approve | reject"),
                  reason: str = typer.Option("", "--reason"), actor: str | None = AS) -> None:
    """Decide one admission review (reviewers of the function's account functions only)."""
    with db().session() as s:
        svc.review_vendor(s, ref, by=acting(s, actor), function=function, decision=decision, reason=reason)
    console.print(f"{escape(ref)}: {function} {decision}")


@vendor_app.command("move")
def vendor_move(ref: str = typer.Argument(...),
                to: str = typer.Argument(..., help=" | ".join(values(Admission))),
                reason: str = typer.Option("", "--reason"), as_json: bool = JSON, actor: str | None = AS) -> None:
    """Move a vendor through admission (admitting needs every review approved and no blocker)."""
    with db().session() as s:
        d = VendorOut.of(svc.move_vendor(s, ref, to, by=acting(s, actor), reason=reason)).model_dump(mode="json")
    print_json(d) if as_json else _print_vendor(d)


@vendor_app.command("queue")
def vendor_queue(as_json: bool = JSON, actor: str | None = AS) -> None:
    """Vendors waiting for admission, oldest first."""
    with db().session() as s:
        items = [VendorOut.of(v).model_dump(mode="json") for v in svc.admission_queue(s, viewer=acting(s, actor))]
    if as_json:
        print_json(items)
        return
    for d in items:
        _print_vendor(d)


# ------------------------------------------------------------------------------------------- components


@component_app.command("add")
def component_add(name: str = typer.Argument(...),
                  kind: str = typer.Option(..., "--kind", help=" | ".join(values(ComponentKind))),
                  version: str = typer.Option("", "--version"),
                  supplier: str | None = typer.Option(None, "--supplier", help="Vendor name or ID"),
                  purl: str | None = typer.Option(None, "--purl", help="Package URL, e.g. pkg:pypi/vllm@0.6.3"),
                  as_json: bool = JSON, actor: str | None = AS) -> None:
    """Record a chip, software, tool, compute or data resource."""
    with db().session() as s:
        c = svc.add_component(s, by=acting(s, actor), kind=kind, name=name, version=version, supplier=supplier,
                              purl=purl)
        d = ComponentOut.of(c).model_dump(mode="json")
    print_json(d) if as_json else console.print(f"component {d['id']} recorded: {escape(d['label'])}")


@component_app.command("list")
def component_list(as_json: bool = JSON, actor: str | None = AS) -> None:
    with db().session() as s:
        items = [ComponentOut.of(c).model_dump(mode="json") for c in svc.list_components(s, viewer=acting(s, actor))]
    if as_json:
        print_json(items)
        return
    t = Table("ID", "component", "supplier", "purl")
    for d in items:
        t.add_row(str(d["id"]), escape(d["label"]), escape(d["supplier"] or "—"), escape(d["purl"] or "—"))
    console.print(t)


@component_app.command("link")
def component_link(system: str = typer.Argument(...),
                   component: str = typer.Argument(..., help="ID or kind:name@version"),
                   actor: str | None = AS) -> None:
    """Record that SYSTEM runs on COMPONENT."""
    with db().session() as s:
        svc.link_system_component(s, system, component, by=acting(s, actor))
    console.print(f"{escape(system)} runs on {escape(component)}")


@component_app.command("edit")
def component_edit(ref: str = typer.Argument(..., help="ID or kind:name@version"),
                   name: str | None = typer.Option(None, "--name"),
                   version: str | None = typer.Option(None, "--version"),
                   supplier: str | None = typer.Option(None, "--supplier", help="Vendor name or ID (\"\" clears)"),
                   purl: str | None = typer.Option(None, "--purl", help="Package URL (\"\" clears)"),
                   as_json: bool = JSON, actor: str | None = AS) -> None:
    """Change a component: a new version, its supplier, its package URL (for advisory matching)."""
    with db().session() as s:
        c = svc.update_component(s, ref, by=acting(s, actor), name=name, version=version, supplier=supplier,
                                 purl=purl)
        d = ComponentOut.of(c).model_dump(mode="json")
    print_json(d) if as_json else console.print(f"component {d['id']} updated: {escape(d['label'])}")


@component_app.command("unlink")
def component_unlink(system: str = typer.Argument(...), component: str = typer.Argument(...),
                     actor: str | None = AS) -> None:
    """Record that SYSTEM no longer runs on COMPONENT."""
    with db().session() as s:
        svc.unlink_system_component(s, system, component, by=acting(s, actor))
    console.print(f"{escape(system)} no longer runs on {escape(component)}")


# ---------------------------------------------------------------------------------------------- lineage


@lineage_app.command("chain")
def lineage_chain(system: str = typer.Argument(..., help="The system's key or ID"), as_json: bool = JSON,
                  record: bool = typer.Option(False, "--record", help="Store the check as the system's evidence "
                                              "(for 6.2.e when the chain is complete; kept for the record if not)"),
                  actor: str | None = AS) -> None:
    """Every model the system uses, walked to its roots; each broken hop with what it lacks (exit 1 if any)."""
    recorded: dict[str, Any] | None = None
    database = db()
    with database.session() as s:
        by = acting(s, actor)
        if record:
            from aisgf.lineage.chain_report import record_chain_check
            from aisgf.registry.evidence_store import EvidenceStore
            from aisgf.registry.schemas import EvidenceOut
            from aisgf.registry.services import today

            rec = record_chain_check(s, EvidenceStore(database.settings.resolved_evidence_dir), system, by=by,
                                     max_bytes=database.settings.max_upload_bytes)
            recorded = {"evidence": EvidenceOut.of(rec.evidence, today()).model_dump(mode="json"),
                        "counts": rec.counts, "obligations": rec.obligations}
        d = ChainOut.of(graph.chain(s, system, viewer=by)).model_dump(mode="json")
        filing = [FilingPathOut.of(f).model_dump(mode="json") for f in graph.filing_paths(s, system, viewer=by)]
    if as_json:
        print_json({**d, "filing": filing, **({"recorded": recorded} if recorded else {})})
    else:
        for h in d["hops"]:
            mark = "[green]ok[/green]" if not h["missing"] else "[red]missing " + ", ".join(h["missing"]) + "[/red]"
            console.print(f"{' → '.join(escape(p) for p in h['path'])}  {mark}", soft_wrap=True)
        if not d["hops"]:
            console.print("no model is linked to this system (aisgf model link SYSTEM MODEL)")
        for f in filing:
            console.print(f"filing path of {escape(f['model'])}: {f['path']} — {escape(f['reason'])}", soft_wrap=True)
        if recorded:
            ev = recorded["evidence"]
            console.print(f"recorded as evidence {ev['id']} ({ev['sha256'][:12]}) "
                          + (f"for {', '.join(recorded['obligations'])}" if recorded["counts"]
                             else "for the record only (the chain is not complete, or 6.2.e is not owed)"))
    if not d["ok"]:
        raise typer.Exit(1)


@lineage_app.command("impact")
def lineage_impact(kind: str = typer.Argument(..., help=" | ".join(values(ImpactKind))),
                   ref: str = typer.Argument(..., help="ID or name (a component: kind:name@version)"),
                   as_json: bool = JSON, actor: str | None = AS) -> None:
    """Every model and system downstream of a model, dataset, component or vendor."""
    with db().session() as s:
        d = ImpactOut.of(graph.impact(s, kind, ref, viewer=acting(s, actor))).model_dump(mode="json")
    if as_json:
        print_json(d)
        return
    console.print(f"[bold]{escape(d['subject'])}[/bold] reaches {len(d['models'])} model(s) and "
                  f"{len(d['systems']) + d['hidden_systems']} system(s)")
    for m in d["models"]:
        console.print(f"  model  {escape(m)}")
    for x in d["systems"]:
        console.print(f"  system {escape(x['key'])}  {escape(x['name'])}")
    if d["hidden_systems"]:
        console.print(f"  and {d['hidden_systems']} system(s) of other owners")


def _mount_artifact_commands() -> None:
    """`aisgf model scan|sign|verify|keygen`: reading and signing artifacts, with no database (artifacts_cli)."""
    from aisgf.lineage import artifacts_cli

    artifacts_cli.register(model_app)


_mount_artifact_commands()
