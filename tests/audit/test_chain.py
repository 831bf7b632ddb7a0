"""The audit chain: every kind of tampering is caught and named, also when done directly in SQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from aisgf.audit.service import (
    append_event,
    generate_keypair,
    make_checkpoint,
    read_checkpoint,
    verify_chain,
)
from aisgf.db import Database
from aisgf.errors import IntegrityFailure


def _fill(db: Database, n: int = 10) -> None:
    with db.session() as s:
        for i in range(n):
            append_event(s, actor="tester", action="test.event", entity_type="thing", entity_id=str(i),
                         payload={"i": i, "name": f"事件 {i}", "nested": {"b": 2, "a": 1}})


def _sql(db: Database, stmt: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(stmt), params)


def test_empty_and_intact_chain_verify(db: Database) -> None:
    assert verify_chain(db.engine).ok
    _fill(db, 25)
    res = verify_chain(db.engine)
    assert res.ok and res.events == 25 and res.head_seq == 25


def test_rollback_leaves_no_event(db: Database) -> None:
    _fill(db, 3)
    with pytest.raises(RuntimeError), db.session() as s:
        append_event(s, actor="x", action="a", entity_type="t", entity_id="1")
        raise RuntimeError("boom")
    res = verify_chain(db.engine)
    assert res.ok and res.events == 3


def test_edited_payload_is_named(db: Database) -> None:
    _fill(db)
    _sql(db, "UPDATE audit_events SET payload = :p WHERE seq = 4", p=json.dumps({"i": 999}))
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 4 and "modified" in (res.reason or "")


def test_edited_actor_is_named(db: Database) -> None:
    _fill(db)
    _sql(db, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 7")
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 7


def test_deleted_middle_event_is_named(db: Database) -> None:
    _fill(db)
    _sql(db, "DELETE FROM audit_events WHERE seq = 5")
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 5 and "missing" in (res.reason or "")


def test_deleted_and_renumbered_is_caught_by_link(db: Database) -> None:
    _fill(db)
    _sql(db, "DELETE FROM audit_events WHERE seq = 5")
    for seq in range(6, 11):
        _sql(db, "UPDATE audit_events SET seq = :n WHERE seq = :o", n=seq - 1, o=seq)
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 5 and "link" in (res.reason or "")


def test_inserted_event_is_caught(db: Database) -> None:
    _fill(db)
    # Make room after event 3 and insert a forged event there.
    for seq in range(10, 3, -1):
        _sql(db, "UPDATE audit_events SET seq = :n WHERE seq = :o", n=seq + 1, o=seq)
    _sql(db, "INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash) "
             "SELECT 4, at, 'mallory', 'forged', 'thing', 'x', '{}', hash, :h FROM audit_events WHERE seq = 3",
         h="f" * 64)
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 4


def test_reordered_events_are_caught(db: Database) -> None:
    _fill(db)
    _sql(db, "UPDATE audit_events SET seq = 1000 WHERE seq = 3")
    _sql(db, "UPDATE audit_events SET seq = 3 WHERE seq = 6")
    _sql(db, "UPDATE audit_events SET seq = 6 WHERE seq = 1000")
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 3


def test_deleted_newest_events_are_caught_by_head(db: Database) -> None:
    _fill(db)
    _sql(db, "DELETE FROM audit_events WHERE seq > 8")
    res = verify_chain(db.engine)
    assert not res.ok and res.first_bad_seq == 9


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    priv, pub = tmp_path / "k" / "audit.key", tmp_path / "k" / "audit.pub"
    generate_keypair(priv, pub)
    return priv, pub


def test_checkpoint_catches_truncation_with_forged_head(db: Database, tmp_path: Path) -> None:
    _fill(db)
    priv, pub = _keys(tmp_path)
    cp_file = tmp_path / "cp.json"
    cp_file.write_text(json.dumps(make_checkpoint(db.engine, priv)))
    _fill(db, 2)  # the log goes on growing after the checkpoint
    cp = read_checkpoint(cp_file, pub)
    assert verify_chain(db.engine, checkpoint=cp).ok
    # Attacker deletes events 9.. and rewrites the head row to match event 8: only the checkpoint sees it.
    _sql(db, "DELETE FROM audit_events WHERE seq > 8")
    _sql(db, "UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM audit_events WHERE seq = 8) WHERE id = 1")
    assert verify_chain(db.engine).ok
    res = verify_chain(db.engine, checkpoint=cp)
    assert not res.ok and res.first_bad_seq == 10


def test_checkpoint_catches_rewritten_chain(db: Database, tmp_path: Path) -> None:
    _fill(db, 5)
    priv, pub = _keys(tmp_path)
    cp_file = tmp_path / "cp.json"
    cp_file.write_text(json.dumps(make_checkpoint(db.engine, priv)))
    # Rewrite the whole chain consistently (as an attacker with the code could).
    _sql(db, "DELETE FROM audit_events")
    _sql(db, "UPDATE audit_head SET seq = 0, hash = :h WHERE id = 1", h="0" * 64)
    with db.session() as s:
        for i in range(5):
            append_event(s, actor="mallory", action="test.event", entity_type="thing", entity_id=str(i),
                         payload={"i": i})
    assert verify_chain(db.engine).ok
    res = verify_chain(db.engine, checkpoint=read_checkpoint(cp_file, pub))
    assert not res.ok and res.first_bad_seq == 5 and "checkpoint" in (res.reason or "")


def test_checkpoint_signature_needs_the_right_key(sqlite_db: Database, tmp_path: Path) -> None:
    _fill(sqlite_db, 2)
    priv, _pub = _keys(tmp_path)
    other_priv, other_pub = tmp_path / "o.key", tmp_path / "o.pub"
    generate_keypair(other_priv, other_pub)
    cp_file = tmp_path / "cp.json"
    cp = make_checkpoint(sqlite_db.engine, priv)
    cp_file.write_text(json.dumps(cp))
    with pytest.raises(IntegrityFailure):
        read_checkpoint(cp_file, other_pub)
    cp["seq"] = 1  # edited checkpoint
    cp_file.write_text(json.dumps(cp))
    with pytest.raises(IntegrityFailure):
        read_checkpoint(cp_file, _pub)


def test_no_checkpoint_of_a_broken_chain(sqlite_db: Database, tmp_path: Path) -> None:
    _fill(sqlite_db, 3)
    _sql(sqlite_db, "UPDATE audit_events SET action = 'x' WHERE seq = 2")
    priv, _ = _keys(tmp_path)
    with pytest.raises(IntegrityFailure):
        make_checkpoint(sqlite_db.engine, priv)


def test_concurrent_writers_never_fork_the_chain(db: Database, tmp_path: Path) -> None:
    """Two engines (two servers) appending at once on one database: one linear chain."""
    from aisgf.db import Database as Db

    other = Db(db.settings)  # a second engine, its own connection pool
    errors: list[BaseException] = []

    def writer(d: Database, who: str) -> None:
        try:
            for i in range(40):
                with d.session() as s:
                    append_event(s, actor=who, action="race", entity_type="t", entity_id=str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(d, w)) for d, w in ((db, "a"), (other, "b"), (db, "c"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.dispose()
    assert not errors
    res = verify_chain(db.engine)
    assert res.ok and res.events == 120


def test_event_hash_is_sha256_of_the_canonical_json_array() -> None:
    """The fast message builder must equal the documented canonical form byte for byte."""
    import hashlib

    from aisgf.audit.chain import canonical_json, event_hash

    payload = {"z": "引号\"和\\反斜杠\n", "a": [1, 2.5, None, True], "m": {"k": "\u2028\x7f"}}
    fields = (7, "2026-11-28T00:00:00.000001+00:00", 'o"neil', "system.registered", "system", "loan-bot",
              "ab" * 32)
    expected = hashlib.sha256(canonical_json([*fields, payload]).encode()).hexdigest()
    assert event_hash(*fields, canonical_json(payload)) == expected
