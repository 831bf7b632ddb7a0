"""Latency of the dashboard and the system page: 10,000 systems in SQLite, 20 concurrent signed-in clients.

Why this shape: the dashboard aggregates over every system (counts by tier, lane and status, overdue
obligations, systems in review, recent audit events) and the system page joins one system with its
assessments, obligations, evidence, reviews and audit trail; both are what people open all day.

The server runs as its own process (`uvicorn` over the factory of `aisgf serve --workers N`, two
workers by default, loopback only); the load generator is this process (asyncio + httpx, one
keep-alive connection per client, so connection setup is not measured), bounded by a request count
and a time limit. With no think time each client sends its next request as soon as the previous one
returns (a closed loop): then latency ≈ clients × CPU time per request / cores, whatever the code. Data: 20 systems go
through the real services (so the audit chain is real), the other 9,980 are bulk-inserted copies of
real decisions for low, medium and high answer sets, with their obligations (some overdue).

    python benchmarks/web.py                      # 10,000 systems, 20 clients, 2,000 requests per page
    python benchmarks/web.py --systems 2000 --requests 300
    python benchmarks/web.py --think 1 --requests 600     # people pausing ~1 s between pages
    python benchmarks/web.py --workers 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.answers import HIGH, LOW, MEDIUM  # noqa: E402

from aisgf.accounts import services as acc  # noqa: E402
from aisgf.accounts.principal import system_principal  # noqa: E402
from aisgf.config import Settings  # noqa: E402
from aisgf.db import open_database  # noqa: E402
from aisgf.intake import decide  # noqa: E402
from aisgf.registry import services as svc  # noqa: E402
from aisgf.registry.models import AISystem, Assessment, Obligation  # noqa: E402

PASSWORD = "Tiered-Governance-2026"


def seed(data_dir: Path, n_systems: int, n_clients: int) -> tuple[list[str], list[str]]:
    """Fill the database; return session cookies (one per client) and every system key."""
    settings = Settings(data_dir=data_dir)
    db = open_database(settings)
    decisions = [decide(a) for a in (LOW, MEDIUM, HIGH)]
    owner_ids = []
    with db.session() as s:  # owners are accounts; a governance lead registers for them
        bench = acc.principal_for(acc.create_user(s, username="bench", password=PASSWORD, role="governance_lead",
                                                  by=system_principal("bench")))
        for name in ["olivia", *(f"owner{k}" for k in range(50))]:
            owner_ids.append(acc.create_user(s, username=name, password=PASSWORD, role="owner",
                                             by=system_principal("bench")).id)
    with db.session() as s:
        for i in range(min(20, n_systems)):
            svc.register_system(s, name=f"Real system {i}", owner="olivia", answers=(LOW, MEDIUM, HIGH)[i % 3],
                                by=bench)
    now = datetime.now(UTC)
    overdue = date.today() - timedelta(days=3)
    rng = random.Random(7)
    statuses = ("in_review", "approved", "live", "changes_requested", "live", "live")
    with db.engine.begin() as conn:
        start = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM ai_systems").scalar() or 0
        systems, assessments, obligations = [], [], []
        for i in range(20, n_systems):
            sid = start + i - 19
            d = decisions[i % 3]
            systems.append({"id": sid, "key": f"bulk-system-{i}", "name": f"Bulk system {i}",
                             "owner_id": owner_ids[1 + i % 50], "description": "bulk-inserted for the benchmark",
                             "org_roles": d["answers"].get("org_roles", []), "sector": d["answers"]["sector"],
                             "status": rng.choice(statuses), "tier": d["tier"], "lane": d["lane"],
                             "created_at": now, "updated_at": now, "version": 1})
            assessments.append({"system_id": sid, "number": 1, "answers": d["answers"],
                                "decision": {k: v for k, v in d.items() if k != "answers"}, "tier": d["tier"],
                                "lane": d["lane"], "catalog_version": d["catalog_version"],
                                "ruleset_hash": d["ruleset_hash"], "review_round_start": 1,
                                "created_by": "bench", "created_at": now})
            for j, o in enumerate(d["obligations"]):
                obligations.append({"system_id": sid, "catalog_id": o["id"], "title": o["title"],
                                    "status": "open" if j % 3 else "met", "owner_id": None,
                                    "due_date": overdue if (i + j) % 97 == 0 else None, "note": "",
                                    "required": True, "updated_at": now, "version": 1})
        conn.execute(AISystem.__table__.insert(), systems)
        conn.execute(Assessment.__table__.insert(), assessments)
        conn.execute(Obligation.__table__.insert(), obligations)
    cookies = []
    with db.session() as s:
        lead = acc.create_user(s, username="gina", password=PASSWORD, role="governance_lead",
                               by=system_principal("bench"))
        for _ in range(n_clients):
            token, _ws = acc.open_session(s, lead)
            cookies.append(token)
        keys = list(s.scalars(AISystem.__table__.select().with_only_columns(AISystem.key)))
    db.dispose()
    return cookies, keys


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """`uvicorn` over the app factory that `aisgf serve --workers N` uses, on loopback only."""
    code = ("import uvicorn; "
            f"uvicorn.run('aisgf.web.server:worker_app', factory=True, workers={workers}, host='127.0.0.1', "
            f"port={port}, log_level='warning', access_log=False)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "AISGF_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


async def run_load(base: str, cookies: list[str], keys: list[str], per_page: int, time_limit: float,
                   think: float = 0.0) -> dict[str, list[float]]:
    import httpx

    timings: dict[str, list[float]] = {"dashboard": [], "system": []}
    budget = {"dashboard": per_page, "system": per_page}
    deadline = time.monotonic() + time_limit
    errors: list[str] = []
    rng = random.Random(11)

    async def client(cookie: str) -> None:
        async with httpx.AsyncClient(base_url=base, cookies={"aisgf_session": cookie}, timeout=30) as c:
            if think:  # people do not all click at the same instant: spread the first requests
                await asyncio.sleep(rng.uniform(0, think))
            while time.monotonic() < deadline:
                page = "dashboard" if budget["dashboard"] >= budget["system"] else "system"
                if budget[page] <= 0:
                    return
                budget[page] -= 1
                url = "/" if page == "dashboard" else f"/systems/{rng.choice(keys)}"
                t0 = time.perf_counter()
                r = await c.get(url)
                timings[page].append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors.append(f"{url}: {r.status_code}")
                if think:
                    await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))

    for cookie in cookies:  # warm up every worker's caches (catalog, questionnaire, templates)
        async with httpx.AsyncClient(base_url=base, cookies={"aisgf_session": cookie}) as c:
            await c.get("/")
            await c.get(f"/systems/{keys[0]}")
    await asyncio.gather(*(client(ck) for ck in cookies))
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return timings


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--systems", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2_000, help="requests per page type")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds of load at most")
    ap.add_argument("--workers", type=int, default=2, help="server processes (uvicorn workers)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a client waits between requests (0: closed loop, back to back)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="aisgf-bench-web-") as tmp:
        data_dir = Path(tmp) / "data"
        t0 = time.perf_counter()
        cookies, keys = seed(data_dir, args.systems, args.clients)
        seeded = time.perf_counter() - t0
        port = _free_port()
        proc = start_server(data_dir, port, args.workers)
        try:
            t1 = time.perf_counter()
            timings = asyncio.run(run_load(f"http://127.0.0.1:{port}", cookies, keys, args.requests,
                                           args.time_limit, args.think))
            wall = time.perf_counter() - t1
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    result: dict[str, Any] = {"systems": args.systems, "clients": args.clients, "workers": args.workers,
                              "think_seconds": args.think,
                              "seed_seconds": round(seeded, 1),
                              "load_seconds": round(wall, 1),
                              "requests_per_second": round(sum(len(v) for v in timings.values()) / wall, 1)}
    for page, values in timings.items():
        result[page] = {"requests": len(values), "median_ms": round(statistics.median(values), 1),
                        "p99_ms": round(_pct(values, 99), 1), "max_ms": round(max(values), 1)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
