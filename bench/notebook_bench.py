"""The notebook door on ICEWS18: the questions the notebook issue asked, each answered by a
`tkg_client` call, timed in one process with the client's own driver. Each question runs
`repeats` times, questions interleaved; the first call (plans not yet cached) is reported
apart from the median. One question also runs as the hand-written Cypher an analyst would
first try, interleaved with the helper, so its figure is a ratio within the run."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from app.core.config import Settings
from queries.baselines import naive_top_counterparts
from queries.loads import list_loads
from tindex.analytics import forget_windows
from tkg_client import Client

WINDOW = ("2018-06", "2018-06")
YEAR = ("2018-01", "2018-10")


@dataclass
class Question:
    text: str
    call: str
    run: Callable[[Client], Any]
    size: Callable[[Any], str]


@dataclass
class QuestionFigure:
    text: str
    call: str
    first_ms: float
    median_ms: float
    indexed_ms: float
    answer: str


@dataclass
class NotebookFigures:
    questions: list[QuestionFigure]
    baseline_ms: float
    helper_ms: float
    same_top: bool
    export_seconds: float
    export_facts: int
    index_build_seconds: float


def _rows(frame: Any) -> str:
    return f"{len(frame):,} rows"


def _betweenness_size(frame: Any) -> str:
    if frame.empty:
        return "no actors"
    return (
        f"{frame.attrs['samples'] or 'all'} sources, "
        f"largest standard error {frame['error'].max():.2g}"
    )


def questions() -> list[Question]:
    return [
        Question(
            "How were the US and North Korea related in June 2018?",
            'facts_between("usa", "prk", "2018-06", "2018-06")',
            lambda c: c.facts_between("usa", "prk", *WINDOW),
            _rows,
        ),
        Question(
            "North Korea month by month: facts, counterparts, rank",
            'actor_over_time("prk", "2018-01", "2018-10")',
            lambda c: c.actor_over_time("prk", *YEAR),
            _rows,
        ),
        Question(
            "Russia and Ukraine with their ministries, forces and offices",
            'facts_between("rus", "ukr", "2018-01", "2018-10", rollup=True)',
            lambda c: c.facts_between("rus", "ukr", *YEAR, rollup=True),
            _rows,
        ),
        Question(
            "Top 10 actors by distinct counterparts in June 2018",
            'centrality("2018-06", "2018-06", measure="degree", top=10)',
            lambda c: c.centrality(*WINDOW, measure="degree", top=10),
            _rows,
        ),
        Question(
            "Cooperative against hostile, US and North Korea, by month",
            'class_counts("usa", "prk", "2018-01", "2018-10")',
            lambda c: c.class_counts("usa", "prk", *YEAR),
            _rows,
        ),
        Question(
            "Earliest arrival from North Korea to Ukraine in June 2018",
            'paths("prk", "ukr", "2018-06", "2018-06", mode="time_respecting")',
            lambda c: c.paths("prk", "ukr", *WINDOW, mode="time_respecting", max_hops=6),
            lambda frame: f"{len(frame)} hops",
        ),
        Question(
            "The June 2018 graph of states in networkx",
            'graph("2018-06", "2018-06", kinds=["state"])',
            lambda c: c.graph(*WINDOW, kinds=["state"]),
            lambda g: f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges",
        ),
        Question(
            "Betweenness in June 2018 (sampled beyond 1,500 actors)",
            'centrality("2018-06", "2018-06", measure="betweenness")',
            lambda c: c.centrality(*WINDOW, measure="betweenness"),
            _betweenness_size,
        ),
        Question(
            "June 2018 as the graph held it when the first ICEWS18 load finished",
            'held_at(<that load\'s finished_at>, "2018-06", "2018-06")',
            lambda c: c.held_at(_first_icews_load_end(c), *WINDOW),
            _rows,
        ),
    ]


def _first_icews_load_end(client: Client) -> datetime:
    loads = client.read(lambda tx: list_loads(tx, dataset="icews18", offset=0, limit=1000))
    finished = [load.finished_at for load in loads if load.finished_at is not None]
    if not finished:
        raise SystemExit("no finished ICEWS18 load in the load log: load it first")
    return min(finished)


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = work()
    return (time.perf_counter() - started) * 1000, answer


def run_notebook_bench(settings: Settings, repeats: int = 5) -> NotebookFigures:
    asked = questions()
    samples: list[list[float]] = [[] for _ in asked]
    indexed: list[list[float]] = [[] for _ in asked]
    answers: list[str] = ["" for _ in asked]
    baseline: list[float] = []
    helper: list[float] = []
    same_top = True
    with Client(settings, timeout=300) as client, Client(settings, timeout=300) as with_index:
        build_ms, _ = _timed(with_index.use_index)
        for _ in range(repeats):
            for number, question in enumerate(asked):
                # A new window each time, as far as the analytics are concerned: what a
                # notebook pays for its first question about a window (plans stay cached).
                forget_windows()
                ms, answer = _timed(partial(question.run, client))
                samples[number].append(ms)
                answers[number] = question.size(answer)
                indexed[number].append(_timed(partial(question.run, with_index))[0])
            # The same question two ways, side by side: the helper and the natural Cypher.
            forget_windows()
            ms, top = _timed(
                lambda: client.centrality(*WINDOW, measure="degree", top=10, include_generic=True)
            )
            helper.append(ms)
            ms, naive = _timed(
                lambda: client.read(
                    lambda tx: naive_top_counterparts(tx, date(2018, 6, 1), date(2018, 6, 30), 10)
                )
            )
            baseline.append(ms)
            same_top = same_top and [n for _, n in naive] == list(top["counterparts"])
        with tempfile.TemporaryDirectory() as folder:
            ms, written = _timed(lambda: client.export(Path(folder), formats=["parquet"]))
            exported = _parquet_rows(written)
    return NotebookFigures(
        questions=[
            QuestionFigure(
                q.text, q.call, s[0], statistics.median(s[1:] or s), statistics.median(i), a
            )
            for q, s, i, a in zip(asked, samples, indexed, answers, strict=True)
        ],
        baseline_ms=statistics.median(baseline),
        helper_ms=statistics.median(helper),
        same_top=same_top,
        export_seconds=ms / 1000,
        export_facts=exported,
        index_build_seconds=build_ms / 1000,
    )


def _parquet_rows(written: list[Path]) -> int:
    import pyarrow.parquet as pq

    facts = next(path for path in written if path.name == "facts.parquet")
    return int(pq.read_metadata(facts).num_rows)


def render_notebook(figures: NotebookFigures) -> list[str]:
    lines = [
        "## The notebook door (`tkg_client` on ICEWS18)",
        "",
        "Each question once cold (first call: plans and pages not yet cached) and then "
        "repeated, questions interleaved, in ms. The analytics keep a window's pair counts "
        "per graph version (a second measure over the same window costs only the "
        "computation); the repeats drop them first, so they show what a new window costs. "
        "The last column asks a client made with `index=True` (paths, centrality and series "
        f"from its temporal index, built in {figures.index_build_seconds:.1f} s), "
        "interleaved with the plain one.",
        "",
        "| question | call | first | median | median, `index=True` | answer |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for q in figures.questions:
        lines.append(
            f"| {q.text} | `tkg.{q.call}` | {q.first_ms:,.0f} | {q.median_ms:,.0f} | "
            f"{q.indexed_ms:,.0f} | {q.answer} |"
        )
    ratio = figures.baseline_ms / figures.helper_ms if figures.helper_ms else float("nan")
    lines += [
        "",
        "Top 10 by distinct counterparts in June 2018, generic actors included, interleaved: "
        f"`tkg.centrality` {figures.helper_ms:,.0f} ms against {figures.baseline_ms:,.0f} ms "
        f"for the natural Cypher (`MATCH (a)-[r]-(b)` over every type): {ratio:.1f}x; "
        f"same counts: {'yes' if figures.same_top else 'NO'}.",
        "",
        f'`tkg.export(folder, formats=["parquet"])` of every fact and actor: '
        f"{figures.export_seconds:.1f} s ({figures.export_facts:,} facts).",
        "",
    ]
    return lines
