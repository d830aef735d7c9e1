"""`/v1/graph` as a visualisation calls it, over HTTP with gzip: latency, bytes on the wire
and edges for the 2018 hubs, aggregated and raw; the time slider's histogram and the expand
call. Runs on whatever is loaded (ICEWS18 in `make bench`)."""

from __future__ import annotations

import gzip
import http.client
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from app.core.config import Settings
from bench.api_bench import ApiServer

HUBS = ("usa", "rus", "prk")
WINDOWS = {"month": ("2018-06", "2018-06"), "year": ("2018", "2018")}
# Each case is sampled `requests` times, or for this long if that comes first (at least
# once): the quick cases, the ones a p95 is quoted for (usa depth 1 year aggregated, 0.2 s
# quiet, 0.7 s on a box loaded five times over), get every request, while the raw depth-2
# years (~25 s an answer) get one each and the whole section stays within minutes.
CASE_SECONDS = 15.0


@dataclass
class GraphFigure:
    name: str
    requests: int
    p50: float
    p95: float
    wire_bytes: int
    raw_bytes: int
    edges: int | None
    status: int = 200


class GzipClient:
    """One keep-alive connection that asks for gzip, as a browser does."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=300)

    def get(self, url: str) -> tuple[int, bytes, bytes]:
        self.connection.request("GET", url, headers={"Accept-Encoding": "gzip"})
        response = self.connection.getresponse()
        wire = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            return response.status, wire, gzip.decompress(wire)
        return response.status, wire, wire

    def close(self) -> None:
        self.connection.close()


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(
    client: GzipClient, name: str, url: str, requests: int, seconds: float = CASE_SECONDS
) -> GraphFigure:
    samples: list[float] = []
    wire = body = b""
    deadline = time.perf_counter() + seconds
    for _ in range(max(1, requests)):
        if samples and time.perf_counter() > deadline:
            break
        began = time.perf_counter()
        status, wire, body = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        if status != 200:
            # A 504 past the server's time budget is a figure too: the table says so.
            return GraphFigure(
                name, len(samples), _p(samples, 0.5), _p(samples, 0.95), 0, 0, None, status
            )
    answer = json.loads(body)
    edges = len(answer["edges"]) if "edges" in answer else None
    return GraphFigure(
        name, len(samples), _p(samples, 0.5), _p(samples, 0.95), len(wire), len(body), edges
    )


def graph_cases() -> list[tuple[str, str]]:
    """(name, url) for every hub, depth, window and aggregation."""
    cases = []
    for hub in HUBS:
        for depth in (1, 2):
            for window, (start, end) in WINDOWS.items():
                for label, extra in (
                    ("aggregated+induced", {"include": "induced"}),
                    ("raw", {"aggregate": "none", "max_edges": 20000}),
                ):
                    query = {"actors": hub, "depth": depth, "from": start, "to": end, **extra}
                    name = f"graph {hub} depth {depth} {window} {label}"
                    cases.append((name, f"/v1/graph?{urlencode(query)}"))
    for hub in HUBS:
        cases.append(
            (
                f"histogram {hub} month 2018",
                f"/v1/time/histogram?actors={hub}&from=2018&to=2018&resolution=month",
            )
        )
        cases.append(
            (
                f"expand {hub} 2018-06 (20 neighbours)",
                f"/v1/actors/{hub}/neighbours?from=2018-06&to=2018-06&limit=20&exclude={hub}",
            )
        )
    cases.append(
        (
            "histogram whole graph day 2018",
            "/v1/time/histogram?from=2018&to=2018&resolution=day",
        )
    )
    return cases


def run_graph_bench(settings: Settings, requests: int) -> list[GraphFigure]:
    """Each case `requests` times in a row, or for CASE_SECONDS if that is shorter."""
    server = ApiServer(settings)
    client = GzipClient("127.0.0.1", server.port)
    try:
        figures = []
        for name, url in graph_cases():
            warm = client.get(url)[0]  # warms the page cache and the query plan
            if warm != 200:
                figures.append(GraphFigure(name, 1, 0, 0, 0, 0, None, warm))
                continue
            figures.append(_time(client, name, url, requests))
            print(f"  {name}: p95 {figures[-1].p95:.0f} ms", flush=True)
        return figures
    finally:
        client.close()
        server.stop()


def render_graph(figures: list[GraphFigure]) -> list[str]:
    lines = [
        "## Graph for drawing (ms, bytes)",
        "",
        "`/v1/graph` for the 2018 hubs over HTTP with `Accept-Encoding: gzip`, one request after "
        "another; wire bytes are the compressed body. Aggregated: one edge per actor pair, "
        "edges among the neighbours included, node budget 150. Raw: one edge per fact, up to "
        "20,000. Then the time slider's month histogram of each hub's facts, and expanding a "
        "node (its 20 heaviest neighbours). Each case after one warm-up request: the requests "
        f"given, or as many as fit in {CASE_SECONDS:g} s (at least one), as the requests "
        "column says.",
        "",
        "| query | requests | p50 | p95 | wire kB | JSON kB | edges |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        if f.status != 200:
            lines.append(f"| {f.name} | {f.requests} | HTTP {f.status} | | | | |")
            continue
        lines.append(
            f"| {f.name} | {f.requests} | {f.p50:.0f} | {f.p95:.0f} | {f.wire_bytes / 1000:.1f} "
            f"| {f.raw_bytes / 1000:.1f} | {'' if f.edges is None else f.edges} |"
        )
    lines.append("")
    return lines
