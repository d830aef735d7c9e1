"""Load benchmark: full ICEWS18 into an empty database, against a one-transaction-per-event
baseline measured in the same run, then a reload that must create nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import neo4j

from app.core.config import REPO_ROOT, Settings
from graph_schema.ddl import apply_schema
from graph_schema.temporal import utc_now
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.records import BulkEvent
from loaders.bulk.writer import fact_row
from queries import bulk_writes
from queries.admin import graph_counts, wipe_database


@dataclass
class LoadFigures:
    baseline_events: int
    baseline_seconds: float
    events: int
    seconds: float
    peak_rss_mb: float
    reload_seconds: float
    reload_created_nodes: int
    reload_created_relationships: int
    counts_after_load: dict[str, int]

    @property
    def baseline_rate(self) -> float:
        return self.baseline_events / self.baseline_seconds

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def ratio(self) -> float:
        return self.rate / self.baseline_rate


def baseline(driver: neo4j.Driver, database: str, folder: Path, events: int) -> tuple[int, float]:
    """The naive loader: one write transaction per event, same statements, same data."""
    rows: list[BulkEvent] = [
        r for r in islice(parse_icews18(folder), events) if isinstance(r, BulkEvent)
    ]
    began = time.monotonic()
    with driver.session(database=database) as session:
        for event in rows:
            actors = [
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind.value,
                    "country": a.country,
                    "dataset": "icews18",
                    "generic": a.generic,
                }
                for a in (event.source, event.target)
            ]
            fact = fact_row(event)

            def work(
                tx: neo4j.ManagedTransaction,
                actors: list[dict[str, Any]] = actors,
                fact: dict[str, Any] = fact,
                fact_type: str = event.type.value,
            ) -> None:
                tx.run(bulk_writes.MERGE_BULK_ACTORS, rows=actors).consume()
                tx.run(
                    bulk_writes.create_missing_facts_query(fact_type), rows=[fact], now=utc_now()
                ).consume()

            session.execute_write(work)
    return len(rows), time.monotonic() - began


def _cli_load(settings: Settings, folder: Path, workers: int) -> tuple[float, float, str]:
    """Run `tkg load` in a child process: wall time, the child's peak RSS, its summary."""
    env = {
        **os.environ,
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": settings.neo4j_database,
        "COLUMNS": "120",
    }
    command = [sys.executable, "-m", "app.cli", "load", str(folder), "--workers", str(workers)]
    began = time.monotonic()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would be the largest child yet).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"tkg load failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def run_load_bench(
    driver: neo4j.Driver,
    settings: Settings,
    folder: Path,
    workers: int,
    baseline_events: int = 5000,
) -> LoadFigures:
    database = settings.neo4j_database
    apply_schema(driver, database)
    wipe_database(driver, database)
    base_events, base_seconds = baseline(driver, database, folder, baseline_events)
    wipe_database(driver, database)

    seconds, peak_mb, output = _cli_load(settings, folder, workers)
    after_load = graph_counts(driver, database)
    events = sum(1 for r in parse_icews18(folder) if isinstance(r, BulkEvent))

    reload_seconds, _, _ = _cli_load(settings, folder, workers)
    after_reload = graph_counts(driver, database)
    return LoadFigures(
        baseline_events=base_events,
        baseline_seconds=base_seconds,
        events=events,
        seconds=seconds,
        peak_rss_mb=peak_mb,
        reload_seconds=reload_seconds,
        reload_created_nodes=after_reload["nodes"] - after_load["nodes"],
        reload_created_relationships=after_reload["relationships"] - after_load["relationships"],
        counts_after_load=after_load,
    )
