"""Lineage benchmark: impact and chain over 10,000 models, and the AI-BOM of a system with 1,000 components.

Why: a withdrawn base model or a suspended vendor must be answered with every downstream model and
system while a person waits, and `aisgf bom export` runs in CI; so the targets are a median of
<= 20 ms for `graph.impact` and `graph.chain`, and <= 2 s for `bom.export_bom` (its schema
validation included). The graph is built with ORM bulk inserts (not the services: their checks and
audit events are not what is timed): families of fine-tunes, adapters, quantisations and merges up to
12 deep, about 1.3 parents per model, and systems linked to 1-3 models each. It runs on SQLite and,
when PostgreSQL binaries exist under /usr/lib/postgresql/*/bin, on a throwaway PostgreSQL server too.

    PYTHONPATH=src:. .venv/bin/python benchmarks/lineage.py                 # 10,000 models, 2,000 systems
    PYTHONPATH=src:. .venv/bin/python benchmarks/lineage.py --scale 0.1     # a tenth of that
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from aisgf.accounts import services as acc
from aisgf.accounts.principal import Principal, system_principal
from aisgf.config import Settings
from aisgf.db import Database, open_database
from aisgf.lineage import bom, graph
from aisgf.lineage.models import (
    Component,
    Dataset,
    Model,
    ModelDataset,
    ModelEdge,
    SystemComponent,
    SystemModel,
    Vendor,
)
from aisgf.registry.models import AISystem

EDGE_KINDS = ("fine_tune", "adapter", "quantisation", "distillation")
TARGET_MS, BOM_TARGET_S = 20.0, 2.0


def build(db: Database, *, models: int, families: int, systems: int, components: int,
          rng: random.Random) -> tuple[Principal, dict[str, list[int]]]:
    """Bulk-insert the graph; returns a governance lead and the IDs to draw subjects from."""
    t = datetime.now(UTC)
    stamp = {"created_at": t, "created_by": "bench"}
    with db.session() as s:
        owner = acc.create_user(s, username="bench-owner", password="Tiered-Governance-2026", role="owner",
                                by=system_principal("bench"))
        lead = acc.principal_for(acc.create_user(s, username="bench", password="Tiered-Governance-2026",
                                                 role="governance_lead", by=system_principal("bench")))
        n_vendors = max(5, families // 10)
        s.execute(insert(Vendor), [{"id": i, "name": f"vendor-{i}", "kind": "vendor", "supplies": ["weights"],
                                    "admission": "admitted", "due_diligence": {}, "clauses": {},
                                    "result_reasons": [], "updated_at": t, **stamp}
                                   for i in range(1, n_vendors + 1)])
        n_datasets = max(10, models // 10)
        s.execute(insert(Dataset), [{"id": i, "name": f"dataset-{i}", "source": "purchased",
                                     "supplier_id": rng.randint(1, n_vendors), "updated_at": t, **stamp}
                                    for i in range(1, n_datasets + 1)])
        model_rows: list[dict[str, Any]] = []
        edge_rows: list[dict[str, Any]] = []
        per_family = models // families
        mid = 0
        for f in range(families):
            ids: list[int] = []
            depth: dict[int, int] = {}
            for k in range(per_family):
                mid += 1
                if k == 0:
                    parents: list[int] = []
                else:
                    shallow = [i for i in ids if depth[i] < 11]
                    parents = [rng.choice(shallow[-6:])]  # recent models: deep trees
                    if rng.random() < 0.37 and len(shallow) > 1:
                        other = rng.choice(shallow)
                        if other != parents[0]:
                            parents.append(other)
                depth[mid] = 1 + max((depth[p] for p in parents), default=-1)
                kind = "foundation" if not parents else ("merge" if len(parents) > 1 else rng.choice(EDGE_KINDS))
                model_rows.append({"id": mid, "name": f"fam{f}-m{k}", "version": "1", "kind": kind,
                                   "vendor_id": rng.randint(1, n_vendors) if not parents else None,
                                   "accountable_team": None if not parents else "AI platform",
                                   "licence": "Apache-2.0", "training_data": "card", "source_kind": "none",
                                   "stub": False, "manifest": [], "updated_at": t, **stamp})
                for p in parents:
                    edge_rows.append({"child_id": mid, "parent_id": p,
                                      "kind": "merge" if len(parents) > 1 else kind, **stamp})
                ids.append(mid)
        s.execute(insert(Model), model_rows)
        s.execute(insert(ModelEdge), edge_rows)
        s.execute(insert(ModelDataset), [{"model_id": m, "dataset_id": d, "use": "training"} for m, d in
                                         {(rng.randint(1, mid), rng.randint(1, n_datasets)) for _ in range(mid // 2)}])
        s.execute(insert(AISystem), [{"id": i, "key": f"SYS-{i:05d}", "name": f"system {i}", "owner_id": owner.id,
                                      "created_at": t, "updated_at": t, "version": 1}
                                     for i in range(1, systems + 1)])
        s.execute(insert(SystemModel), [{"system_id": i, "model_id": m, "role": "primary"}
                                        for i in range(1, systems + 1)
                                        for m in set(rng.sample(range(1, mid + 1), rng.randint(1, 3)))])
        s.execute(insert(Component), [{"id": i, "kind": "software", "name": f"lib-{i}", "version": f"1.{i}",
                                       "purl": f"pkg:pypi/lib-{i}@1.{i}", "supplier_id": rng.randint(1, n_vendors),
                                       **stamp} for i in range(1, components + 1)])
        s.execute(insert(SystemComponent), [{"system_id": 1, "component_id": i} for i in range(1, components + 1)])
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load (a table whose rows changed by more than 10 % is analysed):
        # without statistics the planner assumes ~1,600 edges and scans the whole edge table at every step
        # of the recursion instead of following the parent_id index.
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"  built {len(model_rows):,} models, {len(edge_rows):,} edges "
          f"({len(edge_rows) / len(model_rows):.2f} per model), {systems:,} systems, {components:,} components "
          f"on system 1")
    return lead, {"models": list(range(1, mid + 1)), "vendors": list(range(1, n_vendors + 1)),
                  "systems": list(range(1, systems + 1))}


def timed(fn: Callable[[Any], Any], subjects: list[Any]) -> tuple[float, float]:
    ms = []
    for x in subjects:
        t0 = time.perf_counter()
        fn(x)
        ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def run(db: Database, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    rng = random.Random(args.seed)
    scale = args.scale
    t0 = time.perf_counter()
    lead, ids = build(db, models=int(10_000 * scale), families=max(1, int(500 * scale)),
                      systems=max(2, int(2_000 * scale)), components=args.components, rng=rng)
    print(f"  build {time.perf_counter() - t0:.1f} s")
    out: dict[str, tuple[float, float]] = {}
    with db.session() as s:
        roots = [m for m in ids["models"] if (m - 1) % (len(ids["models"]) // max(1, int(500 * scale))) == 0]
        out["impact model (family root)"] = timed(lambda m: graph.impact(s, "model", m, viewer=lead),
                                                  rng.choices(roots, k=args.runs))
        out["impact model (any)"] = timed(lambda m: graph.impact(s, "model", m, viewer=lead),
                                          rng.choices(ids["models"], k=args.runs))
        out["impact vendor"] = timed(lambda v: graph.impact(s, "vendor", v, viewer=lead),
                                     rng.choices(ids["vendors"], k=args.runs))
        out["chain (system)"] = timed(lambda x: graph.chain(s, x, viewer=lead),
                                      rng.choices(ids["systems"][1:], k=args.runs))
        bom_runs = []
        for _ in range(3):
            t1 = time.perf_counter()
            text = bom.export_bom(s, 1, viewer=lead)  # validated against the 1.6 schema inside
            bom_runs.append((time.perf_counter() - t1) * 1000)
        out[f"export_bom + validate ({args.components:,} components)"] = (statistics.median(bom_runs), max(bom_runs))
        print(f"  BOM of system 1: {len(text) / 1e6:.1f} MB")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of 10,000 models / 500 families / 2,000 "
                                                              "systems")
    ap.add_argument("--components", type=int, default=1_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    results: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("sqlite")
        db = open_database(Settings(data_dir=Path(tmp) / "sqlite"))
        results["sqlite"] = run(db, args)
        db.dispose()
        from tests import pgserver

        if not args.no_postgres and pgserver.find_bindir() is not None:
            print("postgresql")
            server = pgserver.start()
            try:
                db = open_database(Settings(data_dir=Path(tmp) / "pg", database_url=server.url))
                results["postgresql"] = run(db, args)
                db.dispose()
            finally:
                server.stop()
    names = list(next(iter(results.values())))
    engines = list(results)
    print()
    print(f"{'operation':<44}" + "".join(f"{e + ' median / p95':>28}" for e in engines) + f"{'target':>14}")
    for n in names:
        target = f"≤ {BOM_TARGET_S * 1000:.0f} ms" if n.startswith("export_bom") else f"median ≤ {TARGET_MS:.0f} ms"
        cells = "".join(f"{results[e][n][0]:>13.1f} / {results[e][n][1]:>7.1f} ms " for e in engines)
        print(f"{n:<44}{cells}{target:>16}")


if __name__ == "__main__":
    main()
