"""``aisgf screen ... --attach-to``: the screening report becomes evidence in a real SQLite registry."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from tests.answers import HIGH, LOW
from tests.people import owner_accounts, who
from typer.testing import CliRunner

from aisgf.audit.service import verify_chain
from aisgf.cli import app
from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from aisgf.registry.schemas import EvidenceOut
from aisgf.registry.tool_reports import attach_screening_report as attach_report

from .conftest import judge_all

_owners = owner_accounts("alice", "bob", leads=("carol", "dave"))


@pytest.fixture
def registry(cli_registry: Database) -> Database:
    """Two registered systems: a HIGH one and a LOW one."""
    with cli_registry.session() as s:
        svc.register_system(s, name="Chat model", owner="alice", answers=HIGH, by=who(s, "alice"), key="chat")
        svc.register_system(s, name="Notes", owner="bob", answers=LOW, by=who(s, "bob"), key="notes")
    return cli_registry


def _corpus(tmp_path: Path) -> Path:
    data = tmp_path / "corpus.jsonl"
    rows = [
        {"id": i, "text": f"第{i}条，身份证11010519491231002X，联系13812345678" if i % 4 == 0 else f"clean {i} ok"}
        for i in range(40)
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return data


def test_run_attaches_the_written_report(registry: Database, tmp_path: Path) -> None:
    out = tmp_path / "screen-report.json"
    r = CliRunner().invoke(
        app,
        [
            "screen",
            str(_corpus(tmp_path)),
            "--report",
            str(out),
            "--workers",
            "1",
            "--no-progress",
            "--sample",
            "10",
            "--sample-file",
            str(tmp_path / "m.csv"),
            "--attach-to",
            "chat",
            "--actor",
            "carol",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "attached to chat for 4.1.2.d" in r.output  # HIGH requires 4.1.2.d among 4.1.2.b-e
    with registry.session() as s:
        [ev] = svc.list_evidence(s, svc.get_system(s, "chat"))
        d = EvidenceOut.of(ev, svc.today()).model_dump(mode="json")
    assert d["obligations"] == ["4.1.2.d"] and d["added_by"] == "carol" and d["filename"] == out.name
    assert d["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()  # the very report written to disk
    stored = json.loads(EvidenceStore(registry.settings.resolved_evidence_dir).path(d["sha256"]).read_text("utf-8"))
    assert stored["categories"]["cn_resident_id"]["documents"] == 10
    assert "40 documents in 1 files, 25.00 % with findings" in d["description"]
    assert "technical sample" in d["description"]

    # the filled-in manual sample's assessment is evidence too
    judge_all(tmp_path / "m.csv", "pass")
    r = CliRunner().invoke(
        app, ["screen", "verdicts", str(tmp_path / "m.csv"), "--min-items", "10", "--attach-to", "chat",
              "--as", "carol"]
    )
    assert r.exit_code == 0, r.output
    with registry.session() as s:
        rows = svc.list_evidence(s, svc.get_system(s, "chat"))
        evs = [EvidenceOut.of(e, svc.today()).model_dump(mode="json") for e in rows]
    manual = [e for e in evs if e["filename"] == "manual-sample-assessment.json"]
    assert len(manual) == 1 and "10 judged, pass rate 100.00 %, verdict pass" in manual[0]["description"]
    assert verify_chain(registry.engine).ok


def test_refusals_store_nothing(registry: Database, tmp_path: Path) -> None:
    rep = {"totals": {"documents": 1, "files": 1, "rate_with_findings": 0.0}}
    with pytest.raises(InvalidInput, match="none of the training-data screening obligations"):
        attach_report(registry, rep, "notes", actor="dave")  # a LOW system has none of 4.1.2.b-e
    r = CliRunner().invoke(
        app, ["screen", str(_corpus(tmp_path)), "--workers", "1", "--no-progress", "--attach-to", "no-such-system",
             "--as", "dave"]
    )
    assert r.exit_code == 3 and "no-such-system" in r.output
    with registry.session() as s:
        assert svc.list_evidence(s, svc.get_system(s, "notes")) == []
        assert svc.list_evidence(s, svc.get_system(s, "chat")) == []


def test_a_short_keyword_library_is_never_attached_as_a_pass(registry: Database, tmp_path: Path) -> None:
    # tool_reports describes the technical verdict; with the example library (far short of
    # TC260-003 §8.1) that verdict is keyword_library_insufficient, never "pass".
    from aisgf.screening import ScreenConfig, load_library, run_screen

    rows = [{"id": i, "text": f"clean training text number {i}, long enough"} for i in range(50)]
    data = tmp_path / "c.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cfg = ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=5, technical_rate=1.0)  # judge all 50
    rep = run_screen([str(data)], cfg)
    assert rep["sampling"]["technical"]["pass_rate_verdict"] == "pass"
    ev = attach_report(registry, rep, "chat", actor="carol")  # default: the system's 4.1.2.d
    assert "verdict keyword_library_insufficient" in ev["description"] and "verdict pass" not in ev["description"]
    assert ev["description"].startswith("NOT A PASS: keyword library below TC260-003 §8.1 (")
    assert "short by" in ev["description"]


def test_a_report_attached_to_a_dataset_serves_the_systems_that_use_it(registry: Database, tmp_path: Path) -> None:
    """`--attach-to dataset:NAME`: stored on the dataset, inherited by linked systems; a short library serves none."""
    from aisgf.lineage import services as lin
    from aisgf.lineage.tool_reports import attach_screening_to_dataset
    from aisgf.screening import ScreenConfig, load_library, run_screen

    with registry.session() as s:
        lin.add_dataset(s, by=who(s, "carol"), name="chat-corpus", source="user_interactions")
        lin.link_system_dataset(s, "chat", "chat-corpus", "fine_tuning", by=who(s, "carol"))
        system_id = svc.get_system(s, "chat").id
        assert lin.inherited_evidence(s, system_id) == set()
    from .test_keyword_library import FULL, _library

    library = _library(tmp_path / "full.csv", FULL)  # 10,100 keywords in 17 risks: meets TC260-003 §8.1
    r = CliRunner().invoke(app, ["screen", str(_corpus(tmp_path)), "--workers", "1", "--no-progress",
                                 "--library", str(library), "--attach-to", "dataset:chat-corpus", "--actor", "carol"])
    assert r.exit_code == 0, r.output
    assert "attached to dataset chat-corpus for 4.1.2.b, 4.1.2.c, 4.1.2.d, 4.1.2.e" in r.output
    with registry.session() as s:
        assert lin.inherited_evidence(s, system_id) == {"4.1.2.b", "4.1.2.c", "4.1.2.d", "4.1.2.e"}
        before = len(lin.evidence_of(s, dataset_id=lin.get_dataset(s, "chat-corpus").id))
    rows = [{"id": i, "text": f"clean training text number {i}, long enough"} for i in range(20)]
    data = tmp_path / "c.jsonl"
    data.write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    short = run_screen([str(data)], ScreenConfig(libraries=[load_library("example:cbrn")], sample_n=5))
    done = attach_screening_to_dataset(registry, short, "chat-corpus", actor="carol")
    assert done["obligations"] == [] and done["counts"] is False and done["description"].startswith("NOT A PASS")
    with registry.session() as s:
        evs = lin.evidence_of(s, dataset_id=lin.get_dataset(s, "chat-corpus").id)
        assert len(evs) == before + 1 and evs[-1].catalog_id is None  # kept for the record, serving nothing
    with pytest.raises(InvalidInput, match=r"not 6\.2\.e"):
        attach_screening_to_dataset(registry, short, "chat-corpus", actor="carol", obligations=["6.2.e"])
