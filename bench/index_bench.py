"""Temporal index benchmark: build time from Neo4j, memory, search latency in process next to
the Cypher search (same questions, interleaved), agreement between the two, and the time
to catch up after a 10,000-fact load."""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import psutil

from app.core.config import Settings
from bench.api_bench import Case, Percentiles, _percentiles
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.writer import BulkWriter
from queries.paths import PathMode, PathQuestion, PathsResult
from queries.runner import run_read
from queries.versions import read_graph_version
from tindex.build import read_index
from tindex.index import TemporalIndex
from tindex.paths import find_paths, same_answer
from tindex.search import Deadline
from tindex.service import IndexService

CATCH_UP_FACTS = 10_000
# The extra facts of the catch-up load: ICEWS18 quadruples moved a year on, so that they
# are new facts rather than repeats of loaded ones.
HOURS_A_YEAR_ON = 24 * 365


@dataclass
class IndexFigures:
    facts: int
    actors: int
    build_seconds: list[float]
    array_mb: float
    rss_delta_mb: float
    latencies: list[Percentiles] = field(default_factory=list)
    agreement: dict[str, tuple[int, int]] = field(default_factory=dict)
    catch_up_facts: int = 0
    catch_up_seconds: float | None = None
    catch_up_load_seconds: float = 0.0


def rss_mb() -> float:
    gc.collect()
    return float(psutil.Process().memory_info().rss) / 1e6


def build_figures(driver: neo4j.Driver, settings: Settings) -> tuple[IndexFigures, TemporalIndex]:
    """Build the index from Neo4j three times (the first warms Neo4j's plan cache and page
    cache); memory as the process's RSS growth over the first build, and as array bytes."""
    before = rss_mb()
    seconds = []
    index: TemporalIndex | None = None
    for _ in range(3):
        index = None
        began = time.perf_counter()
        index = read_index(driver, settings.neo4j_database, "bench")
        seconds.append(time.perf_counter() - began)
        if len(seconds) == 1:
            grown = rss_mb() - before
    assert index is not None
    figures = IndexFigures(
        facts=index.fact_count,
        actors=index.actor_count,
        build_seconds=seconds,
        array_mb=index.nbytes / 1e6,
        rss_delta_mb=grown,
    )
    return figures, index


def _search(index: TemporalIndex, case: Case) -> Any:
    source, target, scope, filters, max_hops, *rest = case.args
    mode = PathMode(case.name)

    def work(tx: neo4j.ManagedTransaction) -> PathsResult:
        question = PathQuestion(
            source=source,
            target=target,
            scope=scope,
            filters=filters,
            mode=mode,
            max_hops=max_hops,
            k=rest[0] if rest else 3,
        )
        return find_paths(tx, index, question, Deadline(60)).result()

    return work


def engine_latencies(
    driver: neo4j.Driver,
    settings: Settings,
    index: TemporalIndex,
    cases: dict[str, list[Case]],
    figures: IndexFigures,
) -> None:
    """Each path question through the index and through Cypher, alternately, in process
    (both read their facts from Neo4j): latency of each and whether they agree."""
    for mode in ("shortest", "k_shortest", "time_respecting"):
        on_index: list[float] = []
        on_cypher: list[float] = []
        same = 0
        for case in cases[mode]:
            began = time.perf_counter()
            by_index = run_read(driver, settings.neo4j_database, 120, _search(index, case))
            on_index.append(time.perf_counter() - began)
            began = time.perf_counter()
            by_cypher = run_read(driver, settings.neo4j_database, 120, case.direct)
            on_cypher.append(time.perf_counter() - began)
            same += same_answer(PathMode(mode), by_index, by_cypher)
        figures.latencies.append(_percentiles(mode, 1, "index", on_index))
        figures.latencies.append(_percentiles(mode, 1, "cypher", on_cypher))
        figures.agreement[mode] = (same, len(cases[mode]))


def catch_up_figures(
    driver: neo4j.Driver, settings: Settings, icews18: Path, figures: IndexFigures
) -> None:
    """Load CATCH_UP_FACTS new facts while an index service holds the loaded graph, then
    time how long its next query waits for it to catch up."""
    service = IndexService(driver, settings.neo4j_database, read_graph_version)
    service.start().join()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name in ("entity2id.txt", "relation2id.txt"):
            shutil.copy(icews18 / name, folder / name)
        lines = (icews18 / "train.txt").read_text().splitlines()[:CATCH_UP_FACTS]
        moved = []
        for line in lines:
            s, r, o, t = line.split("\t")[:4]
            moved.append(f"{s}\t{r}\t{o}\t{int(t) + HOURS_A_YEAR_ON}\n")
        (folder / "train.txt").write_text("".join(moved))
        began = time.perf_counter()
        summary = BulkWriter(driver, settings.neo4j_database).load(parse_icews18(folder))
        figures.catch_up_load_seconds = time.perf_counter() - began
    figures.catch_up_facts = summary.events_written
    version = run_read(driver, settings.neo4j_database, 30, read_graph_version)
    before = service.index
    began = time.perf_counter()
    caught = service.at_version(version)
    figures.catch_up_seconds = time.perf_counter() - began
    if caught is None or before is None or caught.fact_count < before.fact_count:
        raise RuntimeError("the index did not catch up with the load")


def render_index(figures: IndexFigures) -> list[str]:
    lines = [
        "## Temporal index (paths)",
        "",
        f"The index over {figures.facts:,} facts and {figures.actors:,} actors.",
        "",
        "| measure | value |",
        "| --- | --- |",
        "| build from Neo4j (3 runs; the first warms Neo4j's caches) | "
        + ", ".join(f"{s:.2f} s" for s in figures.build_seconds)
        + " |",
        f"| index arrays | {figures.array_mb:,.1f} MB "
        f"({figures.array_mb * 1e6 / max(1, figures.facts):.0f} bytes per fact) |",
        f"| process RSS growth over the first build | {figures.rss_delta_mb:,.0f} MB |",
    ]
    if figures.catch_up_seconds is not None:
        lines.append(
            f"| catch-up after a load of {figures.catch_up_facts:,} facts "
            f"({figures.catch_up_load_seconds:.1f} s to load) | "
            f"{figures.catch_up_seconds:.2f} s |"
        )
    lines += [
        "",
        "Each path question of the query benchmark, in process, through the index and "
        "through the Cypher search alternately (both read the answer's facts from Neo4j), "
        "concurrency 1, ms:",
        "",
        "| query | engine | requests | p50 | p95 | p99 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in figures.latencies:
        lines.append(
            f"| {p.name} | {p.via} | {p.count} | {p.p50:.1f} | {p.p95:.1f} | {p.p99:.1f} |"
        )
    lines += ["", "Index over Cypher, median ratio; answers that agree:", ""]
    for mode, (same, asked) in figures.agreement.items():
        index_p = next(p for p in figures.latencies if p.name == mode and p.via == "index")
        cypher_p = next(p for p in figures.latencies if p.name == mode and p.via == "cypher")
        ratio = cypher_p.p50 / index_p.p50 if index_p.p50 else float("inf")
        tail = cypher_p.p95 / index_p.p95 if index_p.p95 else float("inf")
        lines.append(f"- {mode}: {ratio:.0f}x (p95: {tail:.0f}x); {same}/{asked} agree")
    lines.append("")
    return lines
