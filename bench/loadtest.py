"""`make loadtest`: the API under a crowd, on loopback, bounded in time.

Serves the API (uvicorn, one process, as `tkg serve` does) on the bundled dataset and runs:
- a mix of expensive (paths, graph) and cheap (actor, relationships) requests at
  concurrency 8, 32 and 64: throughput, errors, refusals (503 busy / 429);
- a flood of 64 concurrent expensive requests with one client, in a process of its own,
  timing cheap requests meanwhile: their p50/p95/p99, and the p95's ratio to that of the
  same client alone just before;
- the API's resident memory before and after;
- the 504 backstop's overshoot past the budget, for work that ignores it, and for a Neo4j
  query past its budget how soon the 504 comes and the transaction is gone on the server;
- the latency of 503s with Neo4j stopped (Neo4j is stopped at the end for this);
- the curated loader on the 577-byte "billion laughs" and a 50 MiB file.

The figures replace the section between the markers in docs/loadtest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import psutil
from fastapi.testclient import TestClient

from app.core.config import REPO_ROOT, Settings
from app.core.neo4j_server import LocalNeo4j
from app.main import create_app, open_driver
from bench.api_bench import ApiServer
from graph_schema.ddl import apply_schema
from loaders.curated import load_curated_file
from queries.admin import ENDLESS_READ, running_transactions, wipe_database

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
    failures: dict[str, int] = field(default_factory=dict)  # transport errors by kind

    def __post_init__(self) -> None:
        self.statuses = {int(status): n for status, n in self.statuses.items()}  # from JSON

    def add(self, status: int | None, seconds: float, failure: str = "") -> None:
        if status is None:
            self.failures[failure] = self.failures.get(failure, 0) + 1
            return
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)

    def error_kinds(self) -> dict[str, int]:
        """Transport failures and 5xx other than the designed refusals (503 busy, 504)."""
        bad = {f"HTTP {s}": n for s, n in self.statuses.items() if s >= 500 and s not in (503, 504)}
        return {**self.failures, **bad}

    @property
    def errors(self) -> int:
        return sum(self.error_kinds().values())


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
        except httpx.HTTPError as error:
            tally.add(None, time.monotonic() - began, type(error).__name__)


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


def start_probe(base: str, seconds: float) -> subprocess.Popen[str]:
    """A client timing cheap requests from a process of its own, as another user would:
    inside the flooding process its figures would be that event loop's queue (64 clients
    sending, parsing and sleeping), not the API's."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.loadtest", "--probe", base, "--seconds", str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )


def probe_result(probe: subprocess.Popen[str]) -> Tally:
    out, _ = probe.communicate(timeout=120)
    if probe.returncode:
        raise RuntimeError(f"the cheap-route probe failed ({probe.returncode})")
    return Tally(**json.loads(out))


def run_probe(base: str, seconds: float) -> None:
    """The probe's own side: time cheap requests one after another, print the tally."""
    tally = Tally()

    async def run() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await worker(client, CHEAP, time.monotonic() + seconds, tally, 0)

    asyncio.run(run())
    print(json.dumps(asdict(tally)))


async def heavy_flood(base: str, heavy_clients: int, seconds: float) -> Tally:
    heavy = Tally()
    limits = httpx.Limits(max_connections=heavy_clients + 2)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(worker(client, HEAVY, until, heavy, i) for i in range(heavy_clients))
        )
    return heavy


def flood(base: str, heavy_clients: int, seconds: float) -> tuple[Tally, Tally]:
    """`heavy_clients` flooding the expensive routes while the probe times cheap ones."""
    probe = start_probe(base, seconds)
    heavy = asyncio.run(heavy_flood(base, heavy_clients, seconds)) if heavy_clients else Tally()
    return heavy, probe_result(probe)


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


@contextmanager
def paths_replaced_by(work: Callable[..., object]) -> Iterator[None]:
    """/v1/paths doing `work` instead of its search, whichever engine would answer."""
    from app.api.routes import paths as paths_route

    # Both engines answer through find_paths.
    original = getattr(paths_route, "find_paths")  # noqa: B009 (mypy: not re-exported)
    setattr(paths_route, "find_paths", work)  # noqa: B010
    try:
        yield
    finally:
        setattr(paths_route, "find_paths", original)  # noqa: B010


def budget_overshoot(settings: Settings) -> list[float]:
    """504 arrival past a 1 s budget, for work that ignores the budget (the backstop)."""
    release = threading.Event()
    overshoots = []
    try:
        with paths_replaced_by(lambda *args, **kwargs: release.wait(30)):
            # Slots are held until abandoned work ends: enough of them for every probe.
            changes = {"query_timeout_seconds": 1.0, "heavy_concurrency": 10}
            with TestClient(create_app(settings.model_copy(update=changes))) as client:
                for _ in range(5):
                    began = time.monotonic()
                    status = client.get("/v1/paths?source=prk&target=ukr").status_code
                    assert status == 504, status
                    overshoots.append(time.monotonic() - began - 1.0)
    finally:
        release.set()
    return overshoots


def server_side_budget(settings: Settings) -> list[tuple[float, float]]:
    """For a Neo4j query past a 1 s budget: how long past the budget the 504 came, and how
    long after it the transaction was still listed by SHOW TRANSACTIONS."""
    figures = []
    with (
        open_driver(settings) as side,
        paths_replaced_by(lambda tx, *args, **kwargs: tx.run(ENDLESS_READ).consume()),
    ):
        changes = {"query_timeout_seconds": 1.0}
        with TestClient(create_app(settings.model_copy(update=changes))) as client:
            for _ in range(5):
                began = time.monotonic()
                status = client.get("/v1/paths?source=prk&target=ukr").status_code
                answered = time.monotonic()
                assert status == 504, status
                while running_transactions(side, ENDLESS_READ):
                    if time.monotonic() - answered > 30:
                        raise RuntimeError("a query past its budget still runs 30 s later")
                    time.sleep(0.01)
                figures.append((answered - began - 1.0, time.monotonic() - answered))
    return figures


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


def latency_figures(tally: Tally) -> str:
    return ", ".join(
        f"p{round(q * 100)} {percentile(tally.latencies, q) * 1000:.0f} ms"
        for q in (0.5, 0.95, 0.99)
    )


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase (bounded)")
    parser.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)  # see start_probe
    args = parser.parse_args()
    if args.probe:
        run_probe(args.probe, args.seconds)
        return
    settings = Settings()
    with open_driver(settings) as driver:
        apply_schema(driver, settings.neo4j_database)  # a fresh instance has none yet
        wipe_database(driver, settings.neo4j_database)
        load_curated_file(driver, settings.neo4j_database, DATASET)
    # uvicorn in its own process, on a free loopback port, with the slots and line users
    # get (the benchmark's server lets requests wait a minute: here admission is the subject).
    api = ApiServer(
        settings,
        env={
            "HEAVY_CONCURRENCY": str(settings.heavy_concurrency),
            "HEAVY_QUEUE": str(settings.heavy_queue),
            "HEAVY_QUEUE_SECONDS": str(settings.heavy_queue_seconds),
        },
    )
    base = api.base
    lines = [
        "",
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on the bundled dataset, "
        f"{os.cpu_count()} cores shared with other work (load average 1/5/15 min at the start: "
        f"{load_average()}); API: one uvicorn process, "
        f"HEAVY_CONCURRENCY={settings.heavy_concurrency}, HEAVY_QUEUE={settings.heavy_queue}, "
        f"HEAVY_QUEUE_SECONDS={settings.heavy_queue_seconds:g}, "
        "QUERY_TIMEOUT_SECONDS=60. "
        f"Each phase runs {args.seconds:g} s.",
        "",
        "Mixed load (half the clients on expensive routes, half on cheap ones, all in one "
        "process; cheap latencies here include that client's own queue):",
        "",
        "| concurrency | requests/s | errors | refused (503 busy, 429) | 504 | "
        "cheap p50 / p95 / p99 (ms) | heavy p50 (ms) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    try:
        process = psutil.Process(api.process.pid)
        rss_before = process.memory_info().rss / 2**20
        for concurrency in (8, 32, 64):
            heavy, cheap, elapsed = asyncio.run(mixed(base, concurrency, args.seconds))
            total = len(heavy.latencies) + len(cheap.latencies)
            refused = sum(heavy.statuses.get(s, 0) + cheap.statuses.get(s, 0) for s in (429, 503))
            timeouts = heavy.statuses.get(504, 0) + cheap.statuses.get(504, 0)
            kinds = Counter(heavy.error_kinds()) + Counter(cheap.error_kinds())
            named = f" ({', '.join(f'{n} {kind}' for kind, n in kinds.items())})" if kinds else ""
            lines.append(
                f"| {concurrency} | {total / elapsed:.0f} | {heavy.errors + cheap.errors}{named} | "
                f"{refused} | {timeouts} | "
                + " / ".join(
                    f"{percentile(cheap.latencies, q) * 1000:.0f}" for q in (0.5, 0.95, 0.99)
                )
                + f" | {percentile(heavy.latencies, 0.5) * 1000:.0f} |"
            )
            print(lines[-1], flush=True)
        # The baseline right before the flood, so that the ratio compares like with like on
        # a shared machine; both timed by a client in a process of its own.
        alone = flood(base, 0, args.seconds / 2)[1]
        heavy, cheap = flood(base, 64, args.seconds)
        rss_after = process.memory_info().rss / 2**20
        served = heavy.statuses.get(200, 0)
        ratio = percentile(cheap.latencies, 0.95) / percentile(alone.latencies, 0.95)
        lines += [
            "",
            "**Cheap routes under a flood**, timed by one client in a process of its own "
            "(actor, relationships, search in turn):",
            "",
            f"- alone, just before: {len(alone.latencies)} answered, {latency_figures(alone)};",
            f"- while 64 clients send expensive requests without pause for {args.seconds:g} s "
            f"({served} answered, {heavy.statuses.get(503, 0)} refused busy and retried after "
            f"their Retry-After, {heavy.errors} errors): {len(cheap.latencies)} answered, "
            f"{latency_figures(cheap)}, {cheap.errors} errors;",
            f"- p95 under the flood / p95 alone: **{ratio:.1f}x** (load average at the end: "
            f"{load_average()}).",
            "",
            f"**API memory**: {rss_before:.0f} MiB resident before, {rss_after:.0f} MiB after.",
        ]
        print("\n".join(lines[-8:]), flush=True)
        overshoots = budget_overshoot(settings)
        server_side = server_side_budget(settings)
        lines += [
            "",
            "**504 overshoot** (1 s budget; in-process): for work that ignores the budget (the "
            f"backstop), median {statistics.median(overshoots) * 1000:.0f} ms, max "
            f"{max(overshoots) * 1000:.0f} ms past the budget; for a Neo4j query past it, the "
            f"504 median {statistics.median(s for s, _ in server_side) * 1000:.0f} ms (max "
            f"{max(s for s, _ in server_side) * 1000:.0f} ms) past the budget, and its "
            "transaction gone from SHOW TRANSACTIONS "
            f"{statistics.median(g for _, g in server_side) * 1000:.0f} ms (max "
            f"{max(g for _, g in server_side) * 1000:.0f} ms) after the 504.",
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
