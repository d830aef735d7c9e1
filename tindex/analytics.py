"""The temporal analytics over a window: centrality, an actor's measures month by month,
and cooperative against hostile facts between two actors per month.

Each answers from the temporal index when given one (at the graph version of the caller's
transaction), else from the Cypher pulls of queries/analytics.py; the same answer either
way. The index groups its facts in the window per actor pair and month span as the Cypher
pull does (the same facts: FACT_IN_SCOPE, the same actor filter), and both engines then
number actors in id order and sort the pairs (`PairCounts.canonical`), so the measures
(tindex/measures.py) see the same arrays.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from datetime import date
from threading import Lock
from typing import Any

import neo4j
import numpy as np
from pydantic import BaseModel, Field

from graph_schema.errors import InvalidQueryError
from graph_schema.vocabulary import FactClass
from queries.analytics import WindowQuery, class_month_spans, pair_month_rows
from queries.facts import actors_by_id
from queries.index_feed import EPOCH
from queries.models import ActorRef, FactFilter, TimeScope
from queries.versions import read_graph_version
from tindex.index import Int32s, Query, TemporalIndex
from tindex.measures import Measure, PairCounts, betweenness, degrees, pagerank

# -- fact classes ----------------------------------------------------------------------

CLASS_NAMES = tuple(fact_class.value for fact_class in FactClass)
COOPERATIVE = (FactClass.VERBAL_COOPERATION.value, FactClass.MATERIAL_COOPERATION.value)
HOSTILE = (FactClass.VERBAL_CONFLICT.value, FactClass.MATERIAL_CONFLICT.value)


# -- months ------------------------------------------------------------------------------

_EPOCH_MONTH = EPOCH.year * 12 + EPOCH.month - 1


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


MAX_SERIES_MONTHS = 600


def series_months(scope: TimeScope) -> range:
    """The month numbers of a series over the window.

    Raises:
        InvalidQueryError: the window is open or longer than MAX_SERIES_MONTHS.
    """
    months = range(month_number(scope.valid_from), month_number(scope.valid_to) + 1)
    if len(months) > MAX_SERIES_MONTHS:
        raise InvalidQueryError(
            "from",
            scope.valid_from.isoformat(),
            f"a series spans at most {MAX_SERIES_MONTHS} months; give both from and to",
        )
    return months


def month_numbers(days: Int32s) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Epoch days as month numbers, as `month_number` counts."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months + _EPOCH_MONTH


# -- the window's pairs ------------------------------------------------------------------


def pair_counts(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex | None,
    scope: TimeScope,
    query: WindowQuery,
) -> PairCounts:
    """The window's facts per actor pair and month span: grouped on `index` when there is
    one (at the graph version of `tx`), else pulled in Cypher (`pulled_pairs`)."""
    if index is not None:
        return window_pairs(index, scope, query)
    return pulled_pairs(tx, scope, query)


# The pulled pairs are kept per graph version: the version changes with every committed
# write, so a kept answer is the one a fresh read would give, and a notebook or dashboard
# asking again (another measure, another top) pays for the computation only.
_PAIR_CACHE: OrderedDict[tuple[str, str], PairCounts] = OrderedDict()
_PAIR_CACHE_SIZE = 16
_PAIR_CACHE_LOCK = Lock()


def pulled_pairs(tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery) -> PairCounts:
    """The window's pairs pulled in Cypher (PAIR_MONTHS), kept per graph version."""
    key = (read_graph_version(tx), scope.model_dump_json() + query.model_dump_json())
    with _PAIR_CACHE_LOCK:
        if key in _PAIR_CACHE:
            _PAIR_CACHE.move_to_end(key)
            return _PAIR_CACHE[key]
    index: dict[str, int] = {}
    columns: list[list[int]] = [[], [], [], [], []]
    for source, target, first_month, last_month, facts in pair_month_rows(tx, scope, query):
        columns[0].append(index.setdefault(source, len(index)))
        columns[1].append(index.setdefault(target, len(index)))
        columns[2].append(first_month)
        columns[3].append(last_month)
        columns[4].append(facts)
    arrays = [np.asarray(column, dtype=np.int64) for column in columns]
    pairs = PairCounts.canonical(list(index), *arrays)
    with _PAIR_CACHE_LOCK:
        _PAIR_CACHE[key] = pairs
        while len(_PAIR_CACHE) > _PAIR_CACHE_SIZE:
            _PAIR_CACHE.popitem(last=False)
    return pairs


def forget_windows() -> None:
    """Drop the kept windows: the next question about any window pulls it again."""
    with _PAIR_CACHE_LOCK:
        _PAIR_CACHE.clear()


def window_pairs(index: TemporalIndex, scope: TimeScope, query: WindowQuery) -> PairCounts:
    """The window's pairs grouped on the index's columns (PAIR_MONTHS, without Neo4j)."""
    rows = np.flatnonzero(index.mask(Query.of(scope, query.filters, query.include_generic)))
    facts = index.facts
    source, target = facts.source[rows], facts.target[rows]
    keep = source != target
    if not query.include_generic:
        keep &= ~index.actors.generic[source] & ~index.actors.generic[target]
    if query.kinds is not None:
        allowed = np.isin(np.asarray(index.actors.kinds, dtype=np.str_), query.kinds)
        keep &= allowed[source] & allowed[target]
    rows = rows[keep]
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return PairCounts([], empty, empty, empty, empty, empty)
    keys = np.stack(
        [
            facts.source[rows].astype(np.int64),
            facts.target[rows].astype(np.int64),
            month_numbers(facts.valid_from[rows]),
            month_numbers(facts.valid_to[rows]),
        ]
    )
    groups, counts = np.unique(keys, axis=1, return_counts=True)
    return PairCounts.canonical(
        index.actors.ids, groups[0], groups[1], groups[2], groups[3], counts.astype(np.int64)
    )


# -- answers -------------------------------------------------------------------------------


class CentralityEntry(ActorRef):
    rank: int = Field(description="1 for the most central actor.")
    value: float = Field(description="The measure's value.")
    error: float | None = Field(
        default=None, description="Sampled betweenness: standard error of the value."
    )
    counterparts: int = Field(description="Distinct actors it had facts with in the window.")
    facts: int = Field(description="Facts it took part in within the window.")


class CentralityPublic(BaseModel):
    measure: Measure
    actors: int = Field(description="Actors in the window's graph.")
    pairs: int = Field(description="Actor pairs joined by at least one fact.")
    exact: bool = Field(description="False when betweenness was estimated from sampled sources.")
    samples: int | None = Field(default=None, description="Betweenness: sources searched.")
    data: list[CentralityEntry]


def centrality(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex | None,
    scope: TimeScope,
    query: WindowQuery,
    measure: Measure,
    top: int,
    samples: int | None = None,
) -> CentralityPublic:
    """The `top` actors of the window by a centrality measure, over the window's pairs
    (`pair_counts`: from `index` when there is one, else pulled in Cypher).

    Degree ranks by distinct counterparts (ties by facts, then id); PageRank runs over the
    directed graph weighted by facts; betweenness over the undirected graph.
    """
    pairs = pair_counts(tx, index, scope, query)
    counterparts, facts = degrees(pairs)
    error: np.ndarray[Any, Any] | None = None
    exact, used = True, None
    if measure is Measure.DEGREE:
        values = counterparts.astype(float)
        order = np.lexsort((-facts, -counterparts))
    else:
        if measure is Measure.PAGERANK:
            values = pagerank(pairs)
        else:
            found = betweenness(pairs, samples)
            values, used = found.values, found.samples
            exact = found.samples == len(pairs.actors)
            error = None if exact else found.errors
        order = np.argsort(-values, kind="stable")
    chosen = [int(i) for i in order[:top]]
    refs = actors_by_id(tx, [pairs.actors[i] for i in chosen])
    entries = []
    for position, i in enumerate(chosen, start=1):
        ref = refs[pairs.actors[i]]
        assert ref is not None
        entries.append(
            CentralityEntry(
                **ref.model_dump(),
                rank=position,
                value=float(values[i]),
                error=float(error[i]) if error is not None else None,
                counterparts=int(counterparts[i]),
                facts=int(facts[i]),
            )
        )
    undirected_pairs = int(pairs.undirected().nnz // 2)
    return CentralityPublic(
        measure=measure,
        actors=len(pairs.actors),
        pairs=undirected_pairs,
        exact=exact,
        samples=used,
        data=entries,
    )


class ActorMonth(BaseModel):
    month: str = Field(description="YYYY-MM.")
    facts: int = Field(description="Facts the actor took part in that month.")
    counterparts: int = Field(description="Distinct actors it had facts with that month.")
    degree_rank: int | None = Field(
        description="Its rank by counterparts among that month's actors (1 = most); null when "
        "it had no facts."
    )
    pagerank: float = Field(description="Its PageRank in that month's graph (0 when absent).")
    actors: int = Field(description="Actors in that month's graph.")


def actor_over_time(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex | None,
    actor_id: str,
    scope: TimeScope,
    query: WindowQuery,
) -> list[ActorMonth]:
    """An actor's measures month by month over the window, each against that month's graph.

    One read of the window's pairs (`pair_counts`: from `index` when there is one, else
    pulled in Cypher): a fact counts in every month its validity overlaps.
    """
    series = series_months(scope)
    pairs = pair_counts(tx, index, scope, query)
    months = []
    for month in series:
        current = pairs.in_month(month)
        counterparts, facts = degrees(current)
        where = current.actors.index(actor_id) if actor_id in current.actors else None
        if where is None:
            months.append(
                ActorMonth(
                    month=month_label(month),
                    facts=0,
                    counterparts=0,
                    degree_rank=None,
                    pagerank=0.0,
                    actors=len(current.actors),
                )
            )
            continue
        mine = int(counterparts[where])
        months.append(
            ActorMonth(
                month=month_label(month),
                facts=int(facts[where]),
                counterparts=mine,
                degree_rank=int((counterparts > mine).sum()) + 1,
                pagerank=float(pagerank(current)[where]),
                actors=len(current.actors),
            )
        )
    return months


class ClassMonth(BaseModel):
    month: str = Field(description="YYYY-MM.")
    verbal_cooperation: int = 0
    material_cooperation: int = 0
    verbal_conflict: int = 0
    material_conflict: int = 0
    unclassified: int = Field(default=0, description="Facts of no class (e.g. HOLDS_ROLE).")
    cooperative: int = Field(description="verbal_cooperation + material_cooperation.")
    hostile: int = Field(description="verbal_conflict + material_conflict.")


def class_months(
    tx: neo4j.ManagedTransaction, a: str, b: str, scope: TimeScope, filters: FactFilter
) -> list[ClassMonth]:
    """Facts between two actors (either direction, with rollup on request) per month and
    class; a fact counts in every month of the window its validity overlaps."""
    series = series_months(scope)
    first, last = series.start, series.stop - 1
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for span in class_month_spans(tx, a, b, scope, filters):
        for month in range(max(first, span.first_month), min(last, span.last_month) + 1):
            counts[month][span.fact_class or "unclassified"] += span.facts
    months = []
    for month in series:
        tally = counts.get(month, {})
        months.append(
            ClassMonth(
                month=month_label(month),
                **{name: tally.get(name, 0) for name in (*CLASS_NAMES, "unclassified")},
                cooperative=sum(tally.get(name, 0) for name in COOPERATIVE),
                hostile=sum(tally.get(name, 0) for name in HOSTILE),
            )
        )
    return months
