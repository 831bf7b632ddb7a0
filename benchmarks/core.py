"""Core benchmark: assessments per system, registration throughput, audit verification speed.

Prints: the median / p99 time of one assessment (validate answers + tiering rules + catalog lookups),
the time to register N systems with their assessments and obligations, and events verified per
second over a chain of M events — with the driver-level verifier and, as the named peer, the same
check written the obvious way over the ORM.

    .venv/bin/python benchmarks/core.py                     # 10,000 systems, 1,000,000 events, SQLite
    .venv/bin/python benchmarks/core.py --systems 1000 --events 100000
    .venv/bin/python benchmarks/core.py --database-url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text

from aisgf.accounts.principal import system_principal
from aisgf.audit.chain import canonical_json, event_hash
from aisgf.audit.models import GENESIS_HASH, AuditEvent
from aisgf.audit.service import utcnow_iso, verify_chain
from aisgf.config import Settings
from aisgf.db import open_database
from aisgf.intake import decide
from aisgf.registry import services as svc

CHOICES = {
    "public_facing": [True, False], "personal_information": ["none", "personal", "sensitive"],
    "important_data": [True, False], "high_impact_decisions": [True, False],
    "model_source": ["in_house", "foundation_model", "third_party_model"],
    "sector": ["general", "finance", "healthcare", "transport", "industrial", "public_services", "government",
               "critical_infrastructure"],
    "cross_border_data": [True, False], "export_controlled": [True, False], "generates_content": [True, False],
}


def random_answers(rng: random.Random) -> dict:
    a = {k: rng.choice(v) for k, v in CHOICES.items()}
    a["org_roles"] = rng.sample(["developer", "provider", "key_sector_user"], rng.randint(1, 3))
    return a


def bench_assess(n: int, rng: random.Random) -> None:
    answers = [random_answers(rng) for _ in range(n)]
    decide(answers[0])  # warm caches (catalog, ruleset, questionnaire)
    times = []
    for a in answers:
        t = time.perf_counter()
        decide(a)
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"assess: {n} decisions, median {statistics.median(times) * 1e3:.3f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1] * 1e3:.3f} ms, mean {statistics.mean(times) * 1e3:.3f} ms "
          f"(aim ≤ 5 ms)")


def bench_register(db, n: int, rng: random.Random) -> None:
    from aisgf.accounts import services as acc

    with db.session() as s:  # owners are accounts; a governance lead registers for them
        for k in range(50):
            acc.create_user(s, username=f"owner{k}", password="Tiered-Governance-2026", role="owner",
                            by=system_principal("bench"))
        lead = acc.principal_for(acc.create_user(s, username="bench", password="Tiered-Governance-2026",
                                                 role="governance_lead", by=system_principal("bench")))
    t0 = time.perf_counter()
    batch = 100
    for start in range(0, n, batch):
        with db.session() as s:
            for i in range(start, min(n, start + batch)):
                svc.register_system(s, name=f"system {i}", owner=f"owner{i % 50}", answers=random_answers(rng),
                                    by=lead, key=f"sys-{i}")
    dt = time.perf_counter() - t0
    with db.engine.connect() as c:
        events = c.execute(text("SELECT COUNT(*) FROM audit_events")).scalar()
        obligations = c.execute(text("SELECT COUNT(*) FROM obligations")).scalar()
    print(f"register: {n} systems with assessments in {dt:.1f} s = {dt / n * 1e3:.2f} ms per system "
          f"(incl. {obligations} obligations and {events} audit events written)")


def fill_chain(db, total: int) -> None:
    """Append raw events up to `total`, linked to the current head (fast path for the benchmark)."""
    with db.engine.begin() as c:
        seq, prev = c.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    t0 = time.perf_counter()
    batch_size = 20000
    while seq < total:
        rows = []
        for _ in range(min(batch_size, total - seq)):
            seq += 1
            at = utcnow_iso()
            payload = canonical_json({"n": seq, "note": "基准测试 benchmark"})
            h = event_hash(seq, at, "bench", "bench.event", "bench", str(seq), prev, payload)
            rows.append({"seq": seq, "at": at, "actor": "bench", "action": "bench.event", "entity_type": "bench",
                         "entity_id": str(seq), "payload": payload, "prev_hash": prev, "hash": h})
            prev = h
        with db.engine.begin() as c:
            c.execute(AuditEvent.__table__.insert(), rows)
            c.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": seq, "h": prev})
    print(f"filled the audit chain to {total:,} events in {time.perf_counter() - t0:.1f} s")


def orm_verify(db, limit: int) -> float:
    """The peer: the same checks done the obvious way, through ORM objects."""
    t0 = time.perf_counter()
    prev, n = GENESIS_HASH, 0
    with db.session() as s:
        for ev in s.scalars(select(AuditEvent).order_by(AuditEvent.seq).limit(limit).execution_options(
                yield_per=5000)):
            ok = ev.prev_hash == prev and event_hash(ev.seq, ev.at, ev.actor, ev.action, ev.entity_type,
                                                     ev.entity_id, ev.prev_hash, ev.payload) == ev.hash
            assert ok
            prev, n = ev.hash, n + 1
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--assessments", type=int, default=5_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Settings(data_dir=Path(tmp), database_url=args.database_url))
        print(f"database: {db.engine.dialect.name}")
        bench_assess(args.assessments, rng)
        bench_register(db, args.systems, rng)
        fill_chain(db, args.events)
        runs = []
        for _ in range(3):
            res = verify_chain(db.engine)
            assert res.ok, res.reason
            runs.append(res.events_per_second)
        print(f"verify (driver loop, best of 3): {res.events:,} events, {max(runs):,.0f} events/s "
              f"(aim ≥ 200,000 events/s)")
        peer_n = min(args.events, 200_000)
        print(f"verify (peer: ORM loop, first {peer_n:,} events): {orm_verify(db, peer_n):,.0f} events/s")
        db.dispose()


if __name__ == "__main__":
    main()
