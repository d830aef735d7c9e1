"""`make loadtest`: the API under a crowd, on loopback, bounded in time.

Serves the API (uvicorn, one process, as `tkg serve` does) on the bundled dataset and runs:
- a mix of expensive (paths, graph) and cheap (actor, relationships) requests at
  concurrency 8, 32 and 64: throughput, errors, refusals (503 busy / 429);
- a flood of 64 concurrent expensive requests with one client timing cheap requests
  meanwhile: their p50/p95/p99;
- the API's resident memory before and after;
- the 504 backstop's overshoot past the budget, for work that ignores it;
- the latency of 503s with Neo4j stopped (Neo4j is stopped at the end for this);
- the curated loader on the 577-byte "billion laughs" and a 50 MiB file.

The figures replace the section between the markers in docs/loadtest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from app.core.config import REPO_ROOT, Settings
from app.core.neo4j_server import LocalNeo4j
from app.main import open_driver
from bench.api_bench import ApiServer
from loaders.curated import load_curated_file
from queries.admin import wipe_database

DOC = REPO_ROOT / "docs" / "loadtest.md"
BEGIN, END = "<!-- loadtest:begin -->", "<!-- loadtest:end -->"
DATASET = REPO_ROOT / "data" / "north-korea-russia-2024.yaml"

HEAVY = [
    "/v1/paths?source=prk&target=ukr&from=2023&to=2024&mode=k_shortest&k=10&max_hops=5",
    "/v1/paths?source=prk&target=ukr&from=2023&to=2024&mode=time_respecting&max_hops=5",
    "/v1/graph?actors=prk&actors=rus&depth=3&from=2023&to=2024",
]
CHEAP = [
    "/v1/actors/prk",
    "/v1/relationships?a=prk&b=rus&at=2024-07-01",
    "/v1/actors?q=korea",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0

    def add(self, status: int | None, seconds: float) -> None:
        if status is None:
            self.failures += 1
            return
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)

    @property
    def errors(self) -> int:
        """Transport failures and 5xx other than the designed refusals (503 busy, 504)."""
        bad = sum(n for s, n in self.statuses.items() if s >= 500 and s not in (503, 504))
        return self.failures + bad


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def worker(
    client: httpx.AsyncClient, urls: list[str], until: float, tally: Tally, offset: int
) -> None:
    index = offset
    while time.monotonic() < until:
        url = urls[index % len(urls)]
        index += 1
        began = time.monotonic()
        try:
            response = await client.get(url)
            tally.add(response.status_code, time.monotonic() - began)
            retry_after = response.headers.get("retry-after")
            if retry_after is not None:
                await asyncio.sleep(float(retry_after))  # as a well-behaved client does
        except httpx.HTTPError:
            tally.add(None, time.monotonic() - began)


async def mixed(base: str, concurrency: int, seconds: float) -> tuple[Tally, Tally, float]:
    heavy, cheap = Tally(), Tally()
    limits = httpx.Limits(max_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        until = time.monotonic() + seconds
        began = time.monotonic()
        await asyncio.gather(
            *(
                worker(client, HEAVY if i % 2 else CHEAP, until, heavy if i % 2 else cheap, i)
                for i in range(concurrency)
            )
        )
        elapsed = time.monotonic() - began
    return heavy, cheap, elapsed


async def flood(base: str, heavy_clients: int, seconds: float) -> tuple[Tally, Tally]:
    heavy, cheap = Tally(), Tally()
    limits = httpx.Limits(max_connections=heavy_clients + 2)
    async with (
        httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client,
        httpx.AsyncClient(base_url=base, timeout=30) as probe,
    ):
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(worker(client, HEAVY, until, heavy, i) for i in range(heavy_clients)),
            worker(probe, CHEAP, until, cheap, 0),
        )
    return heavy, cheap


def bomb_figures() -> list[str]:
    """Time and peak memory of the curated loader on hostile files, each in a fresh
    process so that its peak is its own."""
    from tests.loaders.test_curated_bounds import BILLION_LAUGHS

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        bomb = Path(folder) / "bomb.yaml"
        bomb.write_text(BILLION_LAUGHS)
        huge = Path(folder) / "huge.yaml"
        with huge.open("wb") as handle:
            handle.truncate(50 * 2**20)
        probe = (
            "import resource, sys, time; from pathlib import Path;"
            "from loaders.curated import CuratedLoadError, parse_file\n"
            "began = time.monotonic()\n"
            "try:\n    parse_file(Path(sys.argv[1])); outcome = 'loaded'\n"
            "except CuratedLoadError as e:\n    outcome = str(e.problems[0]).split(': ', 1)[1]\n"
            "print(f'{time.monotonic() - began:.4f}', "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, outcome, sep='|')"
        )
        for name, path in (("577-byte billion laughs", bomb), ("50 MiB file", huge)):
            out = subprocess.run(
                [sys.executable, "-c", probe, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO_ROOT,
            ).stdout.strip()
            seconds, peak, outcome = out.split("|", 2)
            outcome = outcome.split("\n")[0].replace("|", "/")
            rows.append(
                f"| {name} | {float(seconds) * 1000:.1f} ms | {peak} MiB (whole process) | "
                f"{outcome} |"
            )
    return rows


def budget_overshoot(settings: Settings) -> list[float]:
    """504 arrival past a 1 s budget, for work that ignores the budget (the backstop)."""
    import threading

    from fastapi.testclient import TestClient

    from app.api.routes import paths as paths_route
    from app.main import create_app

    release = threading.Event()
    original = paths_route.__dict__["shortest_paths"]
    setattr(paths_route, "shortest_paths", lambda *args: release.wait(30))  # noqa: B010
    overshoots = []
    try:
        # Slots are held until abandoned work ends: enough of them for every probe.
        changes = {"query_timeout_seconds": 1.0, "heavy_concurrency": 10}
        app = create_app(settings.model_copy(update=changes))
        with TestClient(app) as client:
            for _ in range(5):
                began = time.monotonic()
                status = client.get("/v1/paths?source=prk&target=ukr").status_code
                assert status == 504, status
                overshoots.append(time.monotonic() - began - 1.0)
    finally:
        release.set()
        setattr(paths_route, "shortest_paths", original)  # noqa: B010
    return overshoots


def neo4j_down_latency(base: str, settings: Settings) -> list[float]:
    LocalNeo4j(settings).stop()
    latencies = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for index in range(20):
            began = time.monotonic()
            status = client.get(CHEAP[index % len(CHEAP)]).status_code
            latencies.append(time.monotonic() - began)
            assert status == 503, status
    return latencies


def write_section(lines: list[str]) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Load test\n"
    section = "\n".join([BEGIN, *lines, END])
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase (bounded)")
    args = parser.parse_args()
    settings = Settings()
    with open_driver(settings) as driver:
        wipe_database(driver, settings.neo4j_database)
        load_curated_file(driver, settings.neo4j_database, DATASET)
    api = ApiServer(settings)  # uvicorn in its own process, on a free loopback port
    base = api.base
    lines = [
        "",
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on the bundled dataset, "
        f"{os.cpu_count()} cores shared with other work; API: one uvicorn process, "
        f"HEAVY_CONCURRENCY={settings.heavy_concurrency}, "
        "QUERY_TIMEOUT_SECONDS=60. "
        f"Each phase runs {args.seconds:g} s.",
        "",
    ]
    try:
        process = psutil.Process(api.process.pid)
        rss_before = process.memory_info().rss / 2**20
        alone = asyncio.run(flood(base, 0, args.seconds / 2))[1]
        lines += [
            "**Baseline**: one client timing cheap requests alone: "
            f"{len(alone.latencies)} answered, "
            + ", ".join(
                f"p{round(q * 100)} {percentile(alone.latencies, q) * 1000:.0f} ms"
                for q in (0.5, 0.95, 0.99)
            )
            + ".",
            "",
        ]
        print(lines[-2], flush=True)
        lines += [
            "| concurrency | requests/s | errors | refused (503 busy, 429) | 504 | "
            "cheap p50 / p95 / p99 (ms) | heavy p50 (ms) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for concurrency in (8, 32, 64):
            heavy, cheap, elapsed = asyncio.run(mixed(base, concurrency, args.seconds))
            total = len(heavy.latencies) + len(cheap.latencies)
            refused = sum(heavy.statuses.get(s, 0) + cheap.statuses.get(s, 0) for s in (429, 503))
            timeouts = heavy.statuses.get(504, 0) + cheap.statuses.get(504, 0)
            lines.append(
                f"| {concurrency} | {total / elapsed:.0f} | {heavy.errors + cheap.errors} | "
                f"{refused} | {timeouts} | "
                + " / ".join(
                    f"{percentile(cheap.latencies, q) * 1000:.0f}" for q in (0.5, 0.95, 0.99)
                )
                + f" | {percentile(heavy.latencies, 0.5) * 1000:.0f} |"
            )
            print(lines[-1], flush=True)
        heavy, cheap = asyncio.run(flood(base, 64, args.seconds))
        rss_after = process.memory_info().rss / 2**20
        served = heavy.statuses.get(200, 0)
        lines += [
            "",
            "**Flood**: 64 clients sending expensive requests without pause for "
            f"{args.seconds:g} s "
            f"({served} answered, {heavy.statuses.get(503, 0)} refused busy and retried after "
            "their Retry-After, "
            f"{heavy.errors} errors), one client timing cheap requests meanwhile: "
            f"{len(cheap.latencies)} answered, "
            f"p50 {percentile(cheap.latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(cheap.latencies, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(cheap.latencies, 0.99) * 1000:.0f} ms, "
            f"{cheap.errors} errors.",
            "",
            f"**API memory**: {rss_before:.0f} MiB resident before, {rss_after:.0f} MiB after.",
        ]
        print("\n".join(lines[-3:]), flush=True)
        overshoots = budget_overshoot(settings)
        lines += [
            "",
            "**504 overshoot** (1 s budget, work that ignores it; in-process): median "
            f"{statistics.median(overshoots) * 1000:.0f} ms, max {max(overshoots) * 1000:.0f} ms "
            "past the budget.",
        ]
        print(lines[-1], flush=True)
        down = neo4j_down_latency(base, settings)
        lines += [
            "",
            f"**Neo4j stopped** (20 requests): 503 in median {statistics.median(down) * 1000:.0f} "
            f"ms, max {max(down) * 1000:.0f} ms.",
        ]
        print(lines[-1], flush=True)
    finally:
        api.stop()
    lines += [
        "",
        "**Curated loader on hostile files** (fresh process each):",
        "",
        "| file | time to the error | peak memory | outcome |",
        "| --- | --- | --- | --- |",
        *bomb_figures(),
        "",
    ]
    print("\n".join(lines[-3:]), flush=True)
    write_section(lines)
    print(f"wrote {DOC.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
