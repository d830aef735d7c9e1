"""The window's actor pairs for the analytics (queries/analytics.py), read from the index
instead of pulled from Neo4j: the same facts (FACT_IN_SCOPE, the same actor filter), the
same grouping per pair and month span, hence the same measures."""

from __future__ import annotations

from typing import Any

import neo4j
import numpy as np

from queries.analytics import PairCounts, WindowQuery
from queries.index_feed import EPOCH
from queries.models import TimeScope
from tindex.index import Int32s, Query, TemporalIndex
from tindex.service import IndexService

_EPOCH_MONTH = EPOCH.year * 12 + EPOCH.month - 1


def month_numbers(days: Int32s) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Epoch days as month numbers (year * 12 + month - 1), as queries/analytics.py counts."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months + _EPOCH_MONTH


def indexed_pairs(
    tx: neo4j.ManagedTransaction,
    service: IndexService | None,
    scope: TimeScope,
    query: WindowQuery,
) -> PairCounts | None:
    """The window's pairs from the temporal index when it holds the graph version this
    transaction sees (catching up first if it must); None: the caller pulls them in Cypher."""
    index = service.at_transaction(tx) if service is not None else None
    return window_pairs(index, scope, query) if index is not None else None


def window_pairs(index: TemporalIndex, scope: TimeScope, query: WindowQuery) -> PairCounts:
    """The window's facts per actor pair and month span (PAIR_MONTHS, on the columns)."""
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
