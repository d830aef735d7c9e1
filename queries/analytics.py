"""Temporal analytics over a window: centrality, an actor's measures month by month, and
cooperative against hostile facts between two actors; and the window's facts for export.

A fact belongs to a window when its validity overlaps it (`FACT_IN_SCOPE`). A relationship
index serves one type only, so window-wide reads are one `UNION ALL` branch per fact type,
each a seek on that type's `valid_from` index: a pattern over every type (`-[r]-`) scans
all relationships instead.

The measures are computed here over a sparse matrix of the window's actor pairs: pulling
the facts costs more than computing on them, so the pull is aggregated in Cypher (one row
per pair and month span) and the algorithms work on integer ids.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from threading import Lock
from typing import Any, LiteralString

import neo4j
import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel, Field

from graph_schema.errors import InvalidQueryError
from graph_schema.vocabulary import FACT_TYPES, FactClass, safe_identifier
from queries.facts import (
    BETWEEN,
    actors_by_id,
    per_type_union,
    scope_params,
    type_alternation,
)
from queries.models import ActorRef, FactFilter, TimeScope
from queries.runner import records
from queries.versions import read_graph_version

# -- fact classes ----------------------------------------------------------------------

CLASS_NAMES = tuple(fact_class.value for fact_class in FactClass)
COOPERATIVE = (FactClass.VERBAL_COOPERATION.value, FactClass.MATERIAL_COOPERATION.value)
HOSTILE = (FactClass.VERBAL_CONFLICT.value, FactClass.MATERIAL_CONFLICT.value)


# -- the window's facts, one branch per type -------------------------------------------

ACTOR_FILTER: LiteralString = """
s <> t
AND ($include_generic OR NOT (coalesce(s.generic, false) OR coalesce(t.generic, false)))
AND ($kinds IS NULL OR (s.kind IN $kinds AND t.kind IN $kinds))
"""


WINDOW_BRANCH: LiteralString = "MATCH (s:Actor)-[r:%s]->(t:Actor)\n"

# One row per actor pair and month span: the month numbers (year * 12 + month - 1) of the
# first and last day of validity, so a fact longer than a month counts in each of its months.
# Actors are filtered after grouping: once per pair rather than once per fact.
PAIR_MONTHS: LiteralString = (
    """
WITH s, t, r.valid_from.year * 12 + r.valid_from.month - 1 AS first_month,
     r.valid_to.year * 12 + r.valid_to.month - 1 AS last_month, count(*) AS facts
WHERE """
    + ACTOR_FILTER
    + """
RETURN collect([s.id, t.id, first_month, last_month, facts]) AS pairs
"""
)


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


@dataclass
class PairCounts:
    """The window's facts aggregated per actor pair: ids are indexes into `actors`."""

    actors: list[str]
    sources: np.ndarray[Any, np.dtype[np.int64]]
    targets: np.ndarray[Any, np.dtype[np.int64]]
    first_months: np.ndarray[Any, np.dtype[np.int64]]
    last_months: np.ndarray[Any, np.dtype[np.int64]]
    facts: np.ndarray[Any, np.dtype[np.int64]]

    def in_month(self, month: int) -> PairCounts:
        """The pairs with facts in that month, over only the actors they join."""
        keep = (self.first_months <= month) & (self.last_months >= month)
        present, inverse = np.unique(
            np.concatenate([self.sources[keep], self.targets[keep]]), return_inverse=True
        )
        count = int(keep.sum())
        return PairCounts(
            [self.actors[i] for i in present],
            inverse[:count].astype(np.int64),
            inverse[count:].astype(np.int64),
            self.first_months[keep],
            self.last_months[keep],
            self.facts[keep],
        )

    @classmethod
    def canonical(
        cls,
        actors: list[str],
        sources: np.ndarray[Any, np.dtype[np.int64]],
        targets: np.ndarray[Any, np.dtype[np.int64]],
        first_months: np.ndarray[Any, np.dtype[np.int64]],
        last_months: np.ndarray[Any, np.dtype[np.int64]],
        facts: np.ndarray[Any, np.dtype[np.int64]],
    ) -> PairCounts:
        """The pairs over only the actors they join, numbered in id order, rows sorted: the
        same pairs give the same arrays whoever read them (Cypher or the temporal index),
        hence the same sums, the same measures and the same order among ties."""
        present = np.unique(np.concatenate([sources, targets]))
        names = [actors[i] for i in present.tolist()]
        by_id = np.argsort(np.asarray(names, dtype=np.str_), kind="stable")
        renumber = np.zeros(len(actors), dtype=np.int64)
        renumber[present[by_id]] = np.arange(len(present), dtype=np.int64)
        source, target = renumber[sources], renumber[targets]
        rows = np.lexsort((last_months, first_months, target, source))
        return cls(
            [names[i] for i in by_id.tolist()],
            source[rows],
            target[rows],
            first_months[rows].astype(np.int64),
            last_months[rows].astype(np.int64),
            facts[rows].astype(np.int64),
        )

    def directed(self) -> sp.csr_matrix:
        """Facts from row actor to column actor."""
        n = len(self.actors)
        return sp.csr_matrix((self.facts.astype(float), (self.sources, self.targets)), shape=(n, n))

    def undirected(self) -> sp.csr_matrix:
        matrix = self.directed()
        return (matrix + matrix.T).tocsr()


class WindowQuery(BaseModel):
    """Which facts and actors an analytic counts, besides the time scope."""

    filters: FactFilter = Field(default_factory=FactFilter)
    kinds: list[str] | None = Field(default=None, description="Only actors of these kinds.")
    include_generic: bool = Field(
        default=False, description="Count catch-all actors (`generic: true`) too."
    )

    def params(self, scope: TimeScope) -> dict[str, Any]:
        return {
            **scope_params(scope, self.filters),
            "kinds": self.kinds,
            "include_generic": self.include_generic,
        }


# The window's pairs are kept per graph version: the version changes with every committed
# write, so a kept answer is the one a fresh read would give, and a notebook or dashboard
# asking again (another measure, another top) pays for the computation only.
_PAIR_CACHE: OrderedDict[tuple[str, str], PairCounts] = OrderedDict()
_PAIR_CACHE_SIZE = 16
_PAIR_CACHE_LOCK = Lock()


def pair_counts(tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery) -> PairCounts:
    """The window's facts per actor pair and month span (kept per graph version)."""
    key = (read_graph_version(tx), scope.model_dump_json() + query.model_dump_json())
    with _PAIR_CACHE_LOCK:
        if key in _PAIR_CACHE:
            _PAIR_CACHE.move_to_end(key)
            return _PAIR_CACHE[key]
    cypher = per_type_union(query.filters.types, WINDOW_BRANCH) + PAIR_MONTHS
    (record,) = tx.run(cypher, query.params(scope))
    index: dict[str, int] = {}
    columns: list[list[int]] = [[], [], [], [], []]
    for source, target, first_month, last_month, facts in record[0]:
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
    """Drop the kept windows: the next question about any window reads it again."""
    with _PAIR_CACHE_LOCK:
        _PAIR_CACHE.clear()


# -- measures ----------------------------------------------------------------------------


class Measure(StrEnum):
    DEGREE = "degree"
    PAGERANK = "pagerank"
    BETWEENNESS = "betweenness"


# Exact betweenness costs one breadth-first search per actor; past this many actors the
# sources are sampled and the answer states the standard error of each estimate.
EXACT_BETWEENNESS_LIMIT = 1500
BETWEENNESS_SAMPLES = 128
_BATCH = 64


def degrees(pairs: PairCounts) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(distinct counterparts, facts) of every actor."""
    undirected = pairs.undirected()
    counterparts = np.diff(undirected.indptr)
    facts = np.asarray(undirected.sum(axis=1)).ravel()
    return counterparts, facts


def pagerank(
    pairs: PairCounts, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100
) -> np.ndarray[Any, Any]:
    """PageRank over the directed graph weighted by facts, as networkx computes it
    (dangling actors spread their rank evenly; convergence when the L1 change < n * tol)."""
    n = len(pairs.actors)
    if n == 0:
        return np.zeros(0)
    matrix = pairs.directed()
    out = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    transition = sp.diags(scale) @ matrix
    dangling = out == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        previous = rank
        rank = np.asarray(
            alpha * (previous @ transition + previous[dangling].sum() / n) + (1 - alpha) / n
        )
        if np.abs(rank - previous).sum() < n * tol:
            return rank
    return rank


@dataclass
class Betweenness:
    values: np.ndarray[Any, Any]
    errors: np.ndarray[Any, Any]  # standard error of each value; zeros when exact
    samples: int  # sources searched; the number of actors when exact


def betweenness(pairs: PairCounts, samples: int | None = None, seed: int = 0) -> Betweenness:
    """Normalised betweenness over the undirected, unweighted graph (as networkx's
    `betweenness_centrality(G)`), by Brandes' accumulation run for a batch of sources at
    once with sparse matrix products.

    Exact when the window has at most EXACT_BETWEENNESS_LIMIT actors (or `samples` covers
    them all); otherwise from `samples` sources drawn without replacement, scaled by
    n / samples, with the standard error of that mean.
    """
    n = len(pairs.actors)
    if n < 3:
        return Betweenness(np.zeros(n), np.zeros(n), n)
    adjacency = (pairs.undirected() > 0).astype(float).tocsr()
    if samples is None:
        samples = n if n <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLES
    samples = min(samples, n)
    sources = (
        np.arange(n) if samples == n else np.random.default_rng(seed).choice(n, samples, False)
    )
    total = np.zeros(n)
    squares = np.zeros(n)
    for start in range(0, len(sources), _BATCH):
        delta = _dependencies(adjacency, sources[start : start + _BATCH])
        total += delta.sum(axis=1)
        squares += (delta**2).sum(axis=1)
    scale = 1.0 / ((n - 1) * (n - 2))
    if samples == n:
        return Betweenness(total * scale, np.zeros(n), n)
    mean = total / samples
    variance = np.maximum(squares / samples - mean**2, 0.0)
    # Sampling without replacement from n sources: the finite-population correction.
    correction = (n - samples) / (n - 1)
    error = n * np.sqrt(variance / samples * correction) * scale
    return Betweenness(mean * n * scale, error, samples)


def _dependencies(adjacency: sp.csr_matrix, sources: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Brandes' dependency of every source (column) on every actor (row)."""
    n, batch = adjacency.shape[0], len(sources)
    columns = np.arange(batch)
    sigma = np.zeros((n, batch))
    sigma[sources, columns] = 1.0
    visited = sigma > 0
    levels = [visited.copy()]
    frontier = sigma.copy()
    while True:
        reached = adjacency @ frontier
        reached[visited] = 0.0
        new = reached > 0
        if not new.any():
            break
        sigma += reached
        visited |= new
        levels.append(new)
        frontier = reached
    delta = np.zeros((n, batch))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for depth in range(len(levels) - 1, 0, -1):
        weight = np.where(levels[depth], (1.0 + delta) / safe_sigma, 0.0)
        delta += np.where(levels[depth - 1], (adjacency @ weight) * sigma, 0.0)
    delta[sources, columns] = 0.0
    return delta


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
    scope: TimeScope,
    query: WindowQuery,
    measure: Measure,
    top: int,
    samples: int | None = None,
    pairs: PairCounts | None = None,
) -> CentralityPublic:
    """The `top` actors of the window by a centrality measure (over `pairs` when the
    caller has the window's pairs already, from the temporal index).

    Degree ranks by distinct counterparts (ties by facts, then id); PageRank runs over the
    directed graph weighted by facts; betweenness over the undirected graph.
    """
    if pairs is None:
        pairs = pair_counts(tx, scope, query)
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
    actor_id: str,
    scope: TimeScope,
    query: WindowQuery,
    pairs: PairCounts | None = None,
) -> list[ActorMonth]:
    """An actor's measures month by month over the window, each against that month's graph.

    One pull for the whole window (or `pairs`, the window's pairs from the temporal index):
    a fact counts in every month its validity overlaps.
    """
    series = series_months(scope)
    if pairs is None:
        pairs = pair_counts(tx, scope, query)
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


CLASS_MONTHS: LiteralString = (
    BETWEEN
    + "WITH DISTINCT r\n"
    + "RETURN r.valid_from.year * 12 + r.valid_from.month - 1 AS first_month,\n"
    + "       r.valid_to.year * 12 + r.valid_to.month - 1 AS last_month,\n"
    + "       r.fact_class AS class, count(*) AS facts"
)


def class_months(
    tx: neo4j.ManagedTransaction, a: str, b: str, scope: TimeScope, filters: FactFilter
) -> list[ClassMonth]:
    """Facts between two actors (either direction, with rollup on request) per month and
    class; a fact counts in every month of the window its validity overlaps."""
    series = series_months(scope)
    first, last = series.start, series.stop - 1
    rows = records(
        tx,
        CLASS_MONTHS % type_alternation(filters.types),
        a=a,
        b=b,
        **scope_params(scope, filters),
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for month in range(max(first, row["first_month"]), min(last, row["last_month"]) + 1):
            counts[month][row["class"] or "unclassified"] += row["facts"]
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


# -- the window's facts, whole -----------------------------------------------------------

# Scalars only (no maps, no temporal objects): a whole dataset streams through the driver.
FACT_ROW_EXPRESSIONS: tuple[tuple[str, LiteralString], ...] = (
    ("id", "r.id"),
    ("type", "type(r)"),
    ("source", "s.id"),
    ("target", "t.id"),
    ("valid_from", "toString(r.valid_from)"),
    ("valid_from_precision", "r.valid_from_precision"),
    ("valid_to", "toString(r.valid_to)"),
    ("valid_to_precision", "r.valid_to_precision"),
    ("status", "r.status"),
    ("confidence", "r.confidence"),
    ("sources", "r.sources"),
    ("event_id", "r.event_id"),
    ("code", "r.code"),
    ("fact_class", "r.fact_class"),
    ("dataset", "r.dataset"),
    ("version", "r.version"),
    ("recorded_at", "toString(r.recorded_at)"),
    ("retracted_at", "toString(r.retracted_at)"),
)
FACT_EXPORT_COLUMNS = tuple(name for name, _ in FACT_ROW_EXPRESSIONS)
FACT_ROW_LIST: LiteralString = (
    "[" + ", ".join(expression for _, expression in FACT_ROW_EXPRESSIONS) + "]"
)
WINDOW_FACT_ROWS: LiteralString = (
    "WITH s, t, r WHERE " + ACTOR_FILTER + "RETURN collect(" + FACT_ROW_LIST + ") AS rows"
)

# An export takes the current versions of every fact in the window, nothing filtered. Each
# type comes back as one list of rows: the driver then builds no record object per fact,
# which was most of the client's time on a whole dataset. One query per type, so a client
# can run several at once (Neo4j runs each query on one core).
EXPORT_SCOPE: LiteralString = """r.valid_from <= $valid_to AND r.valid_to >= $valid_from
AND r.retracted_at IS NULL
"""
EXPORT_BRANCH: LiteralString = (
    "MATCH (s:Actor)-[r:%s]->(t:Actor)\nWHERE "
    + EXPORT_SCOPE
    + "RETURN collect("
    + FACT_ROW_LIST
    + ") AS rows"
)
EXPORT_TYPES: tuple[str, ...] = tuple(sorted(FACT_TYPES))


def window_fact_rows(
    tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery
) -> list[list[Any]]:
    """Every fact in the window as a row of FACT_EXPORT_COLUMNS values."""
    cypher = per_type_union(query.filters.types, WINDOW_BRANCH) + WINDOW_FACT_ROWS
    (record,) = tx.run(cypher, {**query.params(scope)})
    rows: list[list[Any]] = record[0]
    return rows


def export_fact_rows(
    tx: neo4j.ManagedTransaction, scope: TimeScope, fact_type: str
) -> list[list[Any]]:
    """The current version of every fact of one type in the window, as rows of
    FACT_EXPORT_COLUMNS."""
    cypher = EXPORT_BRANCH % safe_identifier(fact_type, FACT_TYPES)
    params = {"valid_from": scope.valid_from, "valid_to": scope.valid_to}
    (record,) = tx.run(cypher, params)
    rows: list[list[Any]] = record[0]
    return rows


ACTOR_EXPORT_COLUMNS = ("id", "name", "kind", "country", "generic", "dataset", "part_of")

ACTOR_ROWS: LiteralString = """
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.country AS country,
       coalesce(a.generic, false) AS generic, a.dataset AS dataset,
       [(a)-[:PART_OF]->(p:Actor) | p.id] AS part_of
ORDER BY id
"""


def actor_rows(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
    return [record.values() for record in tx.run(ACTOR_ROWS)]


def names_of(tx: neo4j.ManagedTransaction, ids: list[str]) -> dict[str, ActorRef]:
    return {key: ref for key, ref in actors_by_id(tx, ids).items() if ref is not None}
