"""Query benchmark: latency percentiles over HTTP (a real uvicorn server) at concurrency 1
and 16, and the same queries through the bare driver in the same run."""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import neo4j

from app.core.config import REPO_ROOT, Settings
from queries.analytics import WindowQuery
from queries.events import timeline
from queries.facts import facts_between
from queries.models import FactFilter, TimeScope
from queries.paths import k_shortest_paths, shortest_paths, time_respecting_paths
from queries.runner import records, run_read
from tindex.analytics import centrality, forget_windows
from tindex.measures import Measure

# Facts spread evenly over the data set in id order: each fact's two actors and its first
# day. Queries then ask about actors on a day (or in a month) when something happened
# between them, as analysts do, rather than about days on which the answer is almost
# always empty; and every run on the same data asks the same questions.
SAMPLE_PAIRS = """
MATCH (a:Actor)-[r]->(b:Actor) WHERE r.dataset = $dataset AND a <> b
WITH r ORDER BY r.id
WITH collect(r) AS facts
UNWIND range(0, $n - 1) AS i
WITH facts[(i * size(facts)) / $n] AS r
RETURN startNode(r).id AS a, endNode(r).id AS b, toString(r.valid_from) AS day
"""


@dataclass
class Case:
    name: str
    url: str
    function: Callable[..., Any]
    args: tuple[Any, ...]

    def direct(self, tx: neo4j.ManagedTransaction) -> Any:
        return self.function(tx, *self.args)


@dataclass
class Percentiles:
    name: str
    concurrency: int
    via: str
    count: int
    p50: float
    p95: float
    p99: float


def _percentiles(name: str, concurrency: int, via: str, samples: list[float]) -> Percentiles:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return Percentiles(
        name,
        concurrency,
        via,
        len(samples),
        statistics.median(ordered) * 1000,
        pick(0.95),
        pick(0.99),
    )


def build_cases(
    driver: neo4j.Driver,
    settings: Settings,
    dataset: str,
    count: int,
    seed: int = 7,
) -> dict[str, list[Case]]:
    rng = random.Random(seed)
    pairs = run_read(
        driver,
        settings.neo4j_database,
        120,
        lambda tx: records(tx, SAMPLE_PAIRS, dataset=dataset, n=count),
    )
    cases: dict[str, list[Case]] = {
        name: []
        for name in ("relationships", "timeline", "shortest", "k_shortest", "time_respecting")
    }
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        d = date.fromisoformat(pair["day"])
        at = TimeScope(valid_from=d, valid_to=d)
        cases["relationships"].append(
            Case(
                "relationships",
                f"/v1/relationships?a={a}&b={b}&at={d.isoformat()}",
                facts_between,
                (
                    a,
                    b,
                    at,
                    FactFilter(),
                ),
            )
        )
        month = date(d.year, d.month, 1)
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        window = TimeScope(valid_from=month, valid_to=month_end)
        stamp = f"{month.year:04d}-{month.month:02d}"
        cases["timeline"].append(
            Case(
                "timeline",
                f"/v1/actors/{a}/timeline?from={stamp}&to={stamp}",
                # The API pages 100 entries (and asks for one more to know if there is more).
                timeline,
                (
                    a,
                    window,
                    FactFilter(),
                    0,
                    101,
                ),
            )
        )
        other = rng.choice(pairs)["b"]
        base = f"/v1/paths?source={a}&target={other}&from={stamp}&to={stamp}&max_hops=4"
        cases["shortest"].append(
            Case(
                "shortest",
                base + "&mode=shortest",
                shortest_paths,
                (
                    a,
                    other,
                    window,
                    FactFilter(),
                    4,
                ),
            )
        )
        cases["k_shortest"].append(
            Case(
                "k_shortest",
                base + "&mode=k_shortest&k=3",
                k_shortest_paths,
                (
                    a,
                    other,
                    window,
                    FactFilter(),
                    4,
                    3,
                ),
            )
        )
        cases["time_respecting"].append(
            Case(
                "time_respecting",
                base + "&mode=time_respecting",
                time_respecting_paths,
                (
                    a,
                    other,
                    window,
                    FactFilter(),
                    4,
                ),
            )
        )
    return cases


def _centrality_pulled(
    tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery, measure: Measure, top: int
) -> Any:
    # Each time from Neo4j, as a first question about a window: the kept windows would
    # otherwise answer every repeat from memory.
    forget_windows()
    return centrality(tx, None, scope, query, measure, top)


def centrality_cases(year: int = 2018, months: int = 10) -> dict[str, list[Case]]:
    """Top 10 of each month by each measure: the API answers from its temporal index, the
    driver rows pull the window from Neo4j (the service's Cypher for the same answer)."""
    cases = []
    for month in range(1, months + 1):
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        scope = TimeScope(valid_from=first, valid_to=last)
        for measure in Measure:
            stamp = f"{year:04d}-{month:02d}"
            cases.append(
                Case(
                    "centrality",
                    f"/v1/analytics/centrality?from={stamp}&to={stamp}"
                    f"&measure={measure.value}&top=10",
                    _centrality_pulled,
                    (scope, WindowQuery(filters=FactFilter()), measure, 10),
                )
            )
    return {"centrality": cases}


CONCURRENCY = (1, 16)
REQUEST_SHARE = {"k_shortest": 0.5, "time_respecting": 0.25, "centrality": 0.1}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ApiServer:
    """The API as users run it: uvicorn in its own process."""

    def __init__(self, settings: Settings, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "NEO4J_URI": settings.bolt_uri,
            "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
            "NEO4J_DATABASE": settings.neo4j_database,
            "API_PORT": str(self.port),
            "QUERY_TIMEOUT_SECONDS": "60",
            "APPLY_SCHEMA_ON_STARTUP": "false",
            # Latency at concurrency 16 is the figure here, not admission control: the
            # default slots (one per core) and line, but no request refused for its wait.
            "HEAVY_QUEUE_SECONDS": "60",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=REPO_ROOT,
            env=env,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        # Up once /health answers and the temporal index is built: path figures are the
        # index's, not those of the Cypher search that answers meanwhile.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(self.base + "/health", timeout=2).status_code == 200
                    and httpx.get(self.base + "/v1/paths/index", timeout=2).json()["ready"]
                ):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the API did not come up")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class KeepAliveClient:
    """One persistent HTTP/1.1 connection per thread, with the standard library's client:
    the lightest client there is, so the figures are the service's rather than a client
    library's (httpx alone adds about a millisecond per request)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.local = threading.local()
        self.opened: list[http.client.HTTPConnection] = []

    def get(self, url: str) -> tuple[int, bytes]:
        connection: http.client.HTTPConnection | None = getattr(self.local, "connection", None)
        if connection is not None:
            try:
                return self._exchange(connection, url)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closes connections idle past its keep-alive timeout; a GET
                # is safe to send again on a fresh one.
                connection.close()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.local.connection = connection
        self.opened.append(connection)
        return self._exchange(connection, url)

    @staticmethod
    def _exchange(connection: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
        connection.request("GET", url)
        response = connection.getresponse()
        return response.status, response.read()

    def __enter__(self) -> KeepAliveClient:
        return self

    def __exit__(self, *exc: object) -> None:
        for connection in self.opened:
            connection.close()


def _measure(
    http_calls: list[Callable[[], None]], driver_calls: list[Callable[[], None]], concurrency: int
) -> tuple[list[float], list[float]]:
    """Latencies of the HTTP calls and of the driver calls, interleaved in one run.

    Alternating the two (and which goes first) puts both under the same load from whatever
    else the shared machine is doing, so their ratio means something even when the
    absolute times drift.
    """

    def timed(via: str, call: Callable[[], None]) -> tuple[str, float]:
        began = time.perf_counter()
        call()
        return via, time.perf_counter() - began

    warm = max(3, len(http_calls) // 20)  # the plan cache and the connections
    for call in http_calls[:warm] + driver_calls[:warm]:
        call()
    jobs: list[tuple[str, Callable[[], None]]] = []
    for index, (over_http, bare) in enumerate(zip(http_calls, driver_calls, strict=True)):
        pair = [("http", over_http), ("driver", bare)]
        jobs += pair if index % 2 == 0 else pair[::-1]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        done = list(pool.map(lambda job: timed(*job), jobs))
    return [t for via, t in done if via == "http"], [t for via, t in done if via == "driver"]


def run_api_bench(
    driver: neo4j.Driver,
    settings: Settings,
    cases: dict[str, list[Case]],
    requests: int,
    env: dict[str, str] | None = None,
    baseline: bool = True,
) -> list[Percentiles]:
    """Each case's requests over HTTP at each concurrency, interleaved with the same
    questions through the bare driver (`baseline`); `env` changes the API's settings."""
    results: list[Percentiles] = []
    server = ApiServer(settings, env)
    try:
        with KeepAliveClient("127.0.0.1", server.port) as client:
            for name, items in cases.items():
                # Path searches cost up to seconds on a hub-heavy month: fewer of them keep the
                # run within minutes while the percentiles stay meaningful.
                share = REQUEST_SHARE.get(name.split(",")[0], 1.0)
                wanted = max(20, int(requests * share))
                chosen = (items * (wanted // max(1, len(items)) + 1))[:wanted]

                def http_call(case: Case) -> Callable[[], None]:
                    def call() -> None:
                        status, body = client.get(case.url)
                        if status != 200:
                            raise RuntimeError(f"{case.url}: {status} {body[:200]!r}")

                    return call

                def driver_call(case: Case) -> Callable[[], None]:
                    if not baseline:
                        return lambda: None
                    return lambda: run_read(driver, settings.neo4j_database, 120, case.direct)

                for concurrency in CONCURRENCY:
                    over_http, bare = _measure(
                        [http_call(c) for c in chosen],
                        [driver_call(c) for c in chosen],
                        concurrency,
                    )
                    results.append(_percentiles(name, concurrency, "http", over_http))
                    if baseline:
                        results.append(_percentiles(name, concurrency, "driver", bare))
    finally:
        server.stop()
    return results
