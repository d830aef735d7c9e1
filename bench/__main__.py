"""`make bench`: load ICEWS18 (against a baseline), then time the queries; write
docs/benchmarks.md. Needs the shared ICEWS18 folder (or --icews18 PATH)."""

from __future__ import annotations

import argparse
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from app.core.config import REPO_ROOT, Settings
from app.main import open_driver
from bench.api_bench import Percentiles, build_cases, centrality_cases, run_api_bench
from bench.graph_bench import GraphFigure, render_graph, run_graph_bench
from bench.index_bench import (
    IndexFigures,
    build_figures,
    catch_up_figures,
    engine_latencies,
    render_index,
)
from bench.load_bench import LoadFigures, run_load_bench
from bench.notebook_bench import NotebookFigures, render_notebook, run_notebook_bench
from bench.search_bench import search_cases

PATH_MODES = ("shortest", "k_shortest", "time_respecting")
DEFAULT_ICEWS18 = REPO_ROOT.parent / "shared" / "datasets" / "icews18"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        gib = int(memory.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        gib = 0.0
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), {gib:.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}; load average at start {load[0]:.2f}"
    )


def render(
    figures: LoadFigures | None,
    latencies: list[Percentiles],
    dataset: str,
    host: str,
    graph: list[GraphFigure] | None = None,
    index: IndexFigures | None = None,
    notebook: NotebookFigures | None = None,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {host}. Data set: {dataset}. Neo4j: the local test instance (heap and page "
        "cache 1 GiB each).",
        "These machines are shared and noisy: compare ratios within one run, not absolute times "
        "across runs.",
        "",
    ]
    if figures is not None:
        lines += [
            "## Loading ICEWS18",
            "",
            "| measure | value |",
            "| --- | --- |",
            f"| baseline: one transaction per event, {figures.baseline_events:,} events | "
            f"{figures.baseline_rate:,.0f} events/s |",
            f"| full load, {figures.events:,} events, empty database | {figures.seconds:.1f} s, "
            f"{figures.rate:,.0f} events/s |",
            f"| ratio to the baseline | {figures.ratio:.1f}x |",
            f"| loader peak memory (RSS) | {figures.peak_rss_mb:,.0f} MB |",
            f"| reload of the full set | {figures.reload_seconds:.1f} s; created "
            f"{figures.reload_created_nodes} nodes, {figures.reload_created_relationships} "
            "relationships |",
            f"| graph after the load | {figures.counts_after_load['nodes']:,} nodes, "
            f"{figures.counts_after_load['relationships']:,} relationships |",
            "",
        ]
    if latencies:
        lines += [
            "## Query latency (ms)",
            "",
            "60 facts are sampled from the data set. Relationships between each fact's two actors "
            "on its day; the timeline of its source actor over its month; paths from its source "
            "to another sampled actor in that month, up to 4 hops; centrality: the top 10 of each "
            "month of 2018 (January to October) by degree, PageRank and betweenness. The "
            "driver rows run the same "
            "query functions by actor id, without HTTP and without resolving names; for paths "
            "and centrality these are the Cypher search and pull, while the API answers from "
            "the temporal index. "
            "Each query's questions are asked in turn until its requests are done (200 "
            "requests over 60 questions: each about three times), first at concurrency 1, "
            "then 16. The API runs as users run it: one process, its default slots for "
            "expensive routes with requests past them waiting in line (never refused here). "
            "It keeps path answers for the graph version they were worked out at "
            "(`PATH_ANSWERS_KEPT_MB`): in the path rows without a suffix a repeated question "
            "is answered from them, so at concurrency 16 every question was asked before. "
            "The rows *answers not kept* ask the same questions of a server that keeps none: "
            "each is searched again, reusing only the hop facts the index read for earlier "
            "answers; the in-process table below, where each question is asked once, shows "
            "first asks. "
            "Search asks `/v1/actors?q=` for alias names sampled evenly over the alias keys: a "
            "third as written, a third in lower case without hyphens and parentheses, a third "
            "as the first five letters of their first word.",
            "",
            "| query | concurrency | via | requests | p50 | p95 | p99 |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for p in latencies:
            lines.append(
                f"| {p.name} | {p.concurrency} | {p.via} | {p.count} | {p.p50:.1f} | "
                f"{p.p95:.1f} | {p.p99:.1f} |"
            )
        lines += ["", "API over bare driver, median ratio at concurrency 1:", ""]
        for name in dict.fromkeys(p.name for p in latencies if p.via == "driver"):
            http = next(
                p for p in latencies if p.name == name and p.via == "http" and p.concurrency == 1
            )
            bare = next(
                p for p in latencies if p.name == name and p.via == "driver" and p.concurrency == 1
            )
            lines.append(f"- {name}: {http.p50 / bare.p50:.2f}")
        lines.append("")
    if index is not None:
        lines += render_index(index)
    if graph:
        lines += render_graph(graph)
    if notebook is not None:
        lines += render_notebook(notebook)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--icews18", type=Path, default=DEFAULT_ICEWS18)
    parser.add_argument("--skip-load", action="store_true", help="Time queries on what is loaded.")
    parser.add_argument(
        "--requests", type=int, default=200, help="Requests per query and concurrency."
    )
    parser.add_argument("--workers", type=int, default=2, help="Loader's concurrent writers.")
    parser.add_argument(
        "--graph-requests", type=int, default=20, help="Requests per /v1/graph case."
    )
    parser.add_argument(
        "--graph-only",
        action="store_true",
        help="Only the graph-for-drawing section, on what is loaded; printed, not written.",
    )
    parser.add_argument(
        "--notebook-only",
        action="store_true",
        help="Only the notebook-client section, on what is loaded; printed, not written.",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not (args.icews18 / "entity2id.txt").is_file():
        raise SystemExit(f"ICEWS18 not found at {args.icews18}; pass --icews18 PATH")
    settings = Settings()
    host = machine()
    if args.graph_only:
        graph = run_graph_bench(settings, args.graph_requests)
        print(render(None, [], "what is loaded", host, graph))
        return
    if args.notebook_only:
        notebook = run_notebook_bench(settings)
        print(render(None, [], "what is loaded", host, notebook=notebook))
        return
    with open_driver(settings) as driver:
        figures = (
            None if args.skip_load else run_load_bench(driver, settings, args.icews18, args.workers)
        )
        if figures is not None:  # shown now: the query benchmark takes minutes more
            print(render(figures, [], f"ICEWS18 ({args.icews18})", host), flush=True)
        cases = build_cases(driver, settings, "icews18", 60)
        index_figures, index = build_figures(driver, settings)
        engine_latencies(driver, settings, index, cases, index_figures)
        del index
        print("\n".join(render_index(index_figures)), flush=True)
        # Search: alias names sampled over the graph, as written or as typed in a hurry.
        cases.update(search_cases(driver, settings, args.requests))
        cases.update(centrality_cases())
        latencies = run_api_bench(driver, settings, cases, args.requests)
        # The same path questions with no answers kept: each repeat searched again (its hop
        # facts still kept), as a question never asked before at this graph version would be.
        fresh = {f"{name}, answers not kept": cases[name] for name in PATH_MODES}
        latencies += run_api_bench(
            driver,
            settings,
            fresh,
            args.requests,
            env={"PATH_ANSWERS_KEPT_MB": "0"},
            baseline=False,
        )
        graph = run_graph_bench(settings, args.graph_requests)
        notebook = run_notebook_bench(settings)
        # Last: it adds facts to the data set the other figures were taken on.
        catch_up_figures(driver, settings, args.icews18, index_figures)
    report = render(
        figures, latencies, f"ICEWS18 ({args.icews18})", host, graph, index_figures, notebook
    )
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
