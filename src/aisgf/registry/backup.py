"""Backup and restore of the database and the evidence store, consistent while the server runs.

Why a logical (JSON lines) dump rather than copying the SQLite file: it reads every table in one
snapshot transaction on either database, restores into SQLite or PostgreSQL alike (a team can move
from the embedded file to a server), and each evidence blob is checked against its SHA-256 both ways.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Table, delete, func, select, text

from aisgf.audit.service import utcnow_iso, verify_chain
from aisgf.base import Base
from aisgf.db import Database, _import_models
from aisgf.errors import Conflict, IntegrityFailure, InvalidInput, NotFound
from aisgf.registry.evidence_store import EvidenceStore

FORMAT = "aisgf-backup/1"


def _tables() -> list[Table]:
    _import_models()
    return list(Base.metadata.sorted_tables)


def _encode(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


def _decode(col_type: Any, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(col_type, DateTime):
        return datetime.fromisoformat(v)
    if isinstance(col_type, Date):
        return date.fromisoformat(v)
    if isinstance(col_type, LargeBinary):
        return base64.b64decode(v)
    return v


def backup(db: Database, target: Path) -> dict[str, Any]:
    """Write `target/` (must be new or empty): manifest.json, db/<table>.jsonl, evidence/…"""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise Conflict("the backup folder is not empty", where=str(target))
    (target / "db").mkdir(parents=True, exist_ok=True)
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    counts: dict[str, int] = {}
    blobs: dict[str, int] = {}
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # one snapshot for every table (SQLite: the write lock holds writers off)
            for table in _tables():
                n = 0
                with open(target / "db" / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                        out.write(json.dumps({k: _encode(v) for k, v in row._mapping.items()},
                                             ensure_ascii=False) + "\n")
                        n += 1
                        if table.name == "evidence" and row._mapping["sha256"]:
                            blobs[row._mapping["sha256"]] = row._mapping["size"]
                counts[table.name] = n
            head = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    for sha in sorted(blobs):
        store.check(sha)  # refuse to back up a corrupted blob silently
        dest = target / "evidence" / sha[:2] / sha
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store.path(sha), dest)
    manifest = {"format": FORMAT, "created_at": utcnow_iso(), "dialect": db.engine.dialect.name,
                "tables": counts, "evidence": blobs,
                "audit_head": {"seq": head[0], "hash": head[1]} if head else None}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _is_empty(db: Database) -> bool:
    from aisgf.audit.models import AuditEvent
    from aisgf.registry.models import AISystem

    with db.session() as s:
        return not s.scalar(select(func.count(AISystem.id))) and not s.scalar(select(func.count(AuditEvent.seq)))


def restore(db: Database, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Load a backup into an empty (or, with force, emptied) database and evidence store.

    Every blob is re-hashed before anything is written, and the audit chain is verified after, so a
    damaged backup is refused instead of half-restored.
    """
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFound("not a backup folder (no manifest.json)", where=str(source)) from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"manifest.json is not valid JSON: {exc}", where=str(source / "manifest.json")) from exc
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"unknown backup format {manifest.get('format')!r}", where=str(source / "manifest.json"))
    staged = EvidenceStore(source / "evidence")
    for sha in manifest.get("evidence", {}):
        staged.check(sha)
    if not _is_empty(db) and not force:
        raise Conflict("the target database already holds data; restore into an empty one or use --force",
                       where=db.url)
    tables = _tables()
    with db.engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(delete(table))
        for table in tables:
            path = source / "db" / f"{table.name}.jsonl"
            if not path.exists():
                raise InvalidInput(f"backup lacks table {table.name}", where=str(path))
            batch: list[dict[str, Any]] = []
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    try:
                        raw = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InvalidInput(f"bad JSON line: {exc}", where=f"{path}:{lineno}") from exc
                    batch.append({c.name: (raw.get(c.name) if isinstance(c.type, JSON)
                                           else _decode(c.type, raw.get(c.name))) for c in table.columns})
                    if len(batch) >= 5000:
                        conn.execute(table.insert(), batch)
                        batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if db.engine.dialect.name == "postgresql":
            # Rows came with their IDs; move each serial sequence past them.
            for table in tables:
                if [c.name for c in table.primary_key.columns] == ["id"]:
                    conn.execute(text(
                        "SELECT setval(s, (SELECT COALESCE(MAX(id), 0) + 1 FROM " + table.name + "), false) "
                        "FROM (SELECT pg_get_serial_sequence(:t, 'id') AS s) q WHERE s IS NOT NULL"),
                        {"t": table.name})
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    for sha in manifest.get("evidence", {}):
        dest = store.path(sha)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(".restoring")
            shutil.copyfile(staged.path(sha), tmp)
            os.replace(tmp, dest)
    res = verify_chain(db.engine)
    if not res.ok:
        raise IntegrityFailure(f"restored audit trail does not verify: {res.reason}",
                               where=f"audit event {res.first_bad_seq}")
    return {"tables": manifest["tables"], "evidence": len(manifest.get("evidence", {})),
            "audit_events": res.events}
