"""Backup and restore: rows, evidence blobs and the audit chain survive; damage is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aisgf.audit.service import verify_chain
from aisgf.db import Database, open_database
from aisgf.errors import Conflict, IntegrityFailure
from aisgf.registry import services as svc
from aisgf.registry.backup import backup, restore
from aisgf.registry.evidence_store import EvidenceStore
from tests.answers import HIGH, LOW
from tests.conftest import make_settings
from tests.people import owner_accounts, who

_owners = owner_accounts("alice", "bob", "carol", "dan", "walt")


def _populate(db: Database) -> str:
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        sys_ = svc.register_system(s, name="Claims bot 理赔", owner="alice", answers=HIGH, by=who(s, "alice"))
        svc.add_evidence(s, store, sys_.key, by=who(s, "alice"), obligations=["6.3.i"],
                         stream=io.BytesIO("演练记录 drill".encode()), filename="drill.txt", max_bytes=10_000)
        svc.register_system(s, name="Notes", owner="bob", answers=LOW, by=who(s, "bob"))
        return sys_.key


def test_backup_then_restore_into_a_new_database(db: Database, tmp_path: Path) -> None:
    key = _populate(db)
    m = backup(db, tmp_path / "bk")
    assert m["tables"]["ai_systems"] == 2 and len(m["evidence"]) == 1
    target = open_database(make_settings(tmp_path / "restored"))  # always SQLite: cross-database restore
    r = restore(target, tmp_path / "bk")
    assert r["audit_events"] == m["audit_head"]["seq"]
    with target.session() as s:
        system = svc.get_system(s, key)
        assert system.name == "Claims bot 理赔" and len(system.obligations) > 0
        ev = svc.list_evidence(s, system)[0]
        EvidenceStore(target.settings.resolved_evidence_dir).check(ev.sha256)
        # The restored database keeps working: new rows and events link on.
        svc.register_system(s, name="After restore", owner="carol", answers=LOW, by=who(s, "carol"))
    assert verify_chain(target.engine).ok
    with pytest.raises(Conflict):
        restore(target, tmp_path / "bk")
    target.dispose()


def test_restore_into_postgresql(sqlite_db: Database, pg_db: Database, tmp_path: Path) -> None:
    _populate(sqlite_db)
    backup(sqlite_db, tmp_path / "bk")
    restore(pg_db, tmp_path / "bk")
    with pg_db.session() as s:
        svc.register_system(s, name="New on PG", owner="dan", answers=LOW, by=who(s, "dan"))  # sequences moved on
    assert verify_chain(pg_db.engine).ok


def test_damaged_backup_is_refused_before_anything_is_written(sqlite_db: Database, tmp_path: Path) -> None:
    _populate(sqlite_db)
    m = backup(sqlite_db, tmp_path / "bk")
    sha = next(iter(m["evidence"]))
    blob = tmp_path / "bk" / "evidence" / sha[:2] / sha
    blob.write_bytes(b"tampered")
    target = open_database(make_settings(tmp_path / "restored"))
    with pytest.raises(IntegrityFailure):
        restore(target, tmp_path / "bk")
    with target.session() as s:
        assert svc.list_systems(s)[1] == 0
    target.dispose()


def test_backup_refuses_a_non_empty_folder(sqlite_db: Database, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("keep me")
    with pytest.raises(Conflict):
        backup(sqlite_db, tmp_path / "bk")
    assert (tmp_path / "bk" / "x").read_text() == "keep me"


def test_backup_while_writers_run_is_consistent(db: Database, tmp_path: Path) -> None:
    """A backup taken while another server keeps writing restores to a chain that verifies."""
    import threading

    from aisgf.db import Database as Db

    _populate(db)
    other = Db(db.settings)
    stop = threading.Event()
    written: list[str] = []

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 200:
            with other.session() as s:
                written.append(svc.register_system(s, name=f"busy {i}", owner="walt", answers=LOW,
                                                   by=who(s, "walt")).key)
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        m = backup(db, tmp_path / "bk")
    finally:
        stop.set()
        t.join()
        other.dispose()
    target = open_database(make_settings(tmp_path / "restored"))
    r = restore(target, tmp_path / "bk")
    assert r["audit_events"] == m["audit_head"]["seq"]
    with target.session() as s:
        assert svc.list_systems(s)[1] == m["tables"]["ai_systems"]
    target.dispose()
