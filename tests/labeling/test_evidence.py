"""``aisgf label detect --attach-to``: the JSON report becomes evidence in a real SQLite registry."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from aisgf.audit.models import AuditEvent
from aisgf.audit.service import verify_chain
from aisgf.cli import app  # the root app: its error handler gives the exit codes
from aisgf.db import Database
from aisgf.errors import InvalidInput, NotFound
from aisgf.labeling import implicit, report
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.schemas import EvidenceOut
from aisgf.registry.tool_reports import LABEL_CHECK_TOOL, tool_obligations
from aisgf.registry.tool_reports import attach_label_report as attach_report
from tests.answers import HIGH, LOW
from tests.people import owner_accounts, who

_owners = owner_accounts("alice", "bob", leads=("carol", "dave"))


@pytest.fixture
def registry(cli_registry: Database) -> Database:
    """Two registered systems: a HIGH one and a LOW one."""
    with cli_registry.session() as s:
        svc.register_system(s, name="Image generator", owner="alice", answers=HIGH, by=who(s, "alice"), key="imagegen")
        svc.register_system(s, name="Notes", owner="bob", answers=LOW, by=who(s, "bob"), key="notes")
    return cli_registry


def test_cli_attaches_report_to_labeling_obligations(registry: Database, copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png, jpg = copy_of("png"), copy_of("jpg")
    implicit.embed(png, "001TEST", "e1")
    out = tmp_path / "r.json"
    r = CliRunner().invoke(
        app,
        ["label", "detect", str(png), str(jpg), "--report", str(out), "--attach-to", "imagegen", "--actor", "carol"],
    )
    assert r.exit_code == 0, r.output
    assert "attached to imagegen" in r.output
    with registry.session() as s:
        system = svc.get_system(s, "imagegen")
        [ev] = svc.list_evidence(s, system)
        d = EvidenceOut.of(ev, svc.today()).model_dump(mode="json")
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.added")))
    assert sorted(d["obligations"]) == sorted(tool_obligations(LABEL_CHECK_TOOL))  # HIGH has both
    assert d["filename"] == "r.json" and d["media_type"] == "application/json" and d["added_by"] == "carol"
    assert d["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()  # the very report written to disk
    stored = EvidenceStore(registry.settings.resolved_evidence_dir).path(d["sha256"])
    assert json.loads(stored.read_text(encoding="utf-8"))["summary"]["valid_implicit"] == 1
    assert "1 with a valid implicit label" in d["description"]
    assert len(events) == 1 and json.loads(events[0].payload)["evidence"] == d["id"]
    assert verify_chain(registry.engine).ok


def test_explicit_obligation_and_refusals(registry: Database, copy_of) -> None:  # type: ignore[no-untyped-def]
    png = copy_of("png")
    doc = report.to_json(report.detect_all([png]))
    ev = attach_report(registry, doc, "imagegen", actor="dave", obligations=["4.1.3.a"])
    assert ev["obligations"] == ["4.1.3.a"]
    with pytest.raises(NotFound, match=r"no obligation '5\.2'"):
        attach_report(registry, doc, "imagegen", actor="dave", obligations=["5.2"])  # the state's, not an obligation
    with pytest.raises(InvalidInput, match="none of the labeling obligations"):
        attach_report(registry, doc, "notes", actor="dave")  # a LOW system has none by default
    r = CliRunner().invoke(app, ["label", "detect", str(png), "--attach-to", "no-such-system", "--as", "dave"])
    assert r.exit_code == 3 and "no-such-system" in r.output
    with registry.session() as s:
        assert len(svc.list_evidence(s, svc.get_system(s, "imagegen"))) == 1  # refusals stored nothing
