"""The edges of an ego network (queries/graph.py `pair_edges`) from the index's columns:
the facts in scope touching the frontier actors, folded per pair (or pair and type) with the
same counts, first and last days, tallies and earliest fact ids as the Cypher fold.

Only the fact ids come from Neo4j (one lookup by relationship id, for the facts that can be
among an edge's earliest): the index holds no strings per fact.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import neo4j
import numpy as np
import numpy.typing as npt

from graph_schema.temporal import OPEN_END, OPEN_START
from queries.graph import Aggregate, GraphEdge, ScanParams
from queries.index_feed import (
    CLASS_CODES,
    NO_CLASS,
    STATUS_CODES,
    TYPE_CODES,
    fact_ids_by_relationship_id,
)
from tindex.index import Bools, Ints, Query, TemporalIndex, day_of


class IndexEdges:
    """`pair_edges` for one question (scope, filters, generic actors): rollup excepted,
    which the route leaves to Cypher."""

    def __init__(self, tx: neo4j.ManagedTransaction, index: TemporalIndex, scan: ScanParams):
        assert not scan.filters.rollup
        self._tx = tx
        self._index = index
        self._scan = scan
        self._in_scope: Bools = index.mask(Query.of(scan.scope, scan.filters, scan.include_generic))

    def __call__(
        self, frontier: list[str], aggregate: Aggregate, only: list[str] | None
    ) -> list[GraphEdge]:
        index = self._index
        anchors = np.asarray([index.actors.dense[a] for a in frontier], dtype=np.int64)
        # Every adjacency entry of every anchor: (anchor, other end, pair).
        starts, ends = index.adj_ptr[anchors], index.adj_ptr[anchors + 1]
        entry = _ranges(starts, ends)
        anchor = np.repeat(anchors, ends - starts)
        other = index.adj_other[entry].astype(np.int64)
        keep = other != anchor
        if not self._scan.include_generic:
            keep &= ~index.actors.generic[other]
        if only is not None:
            wanted = np.zeros(index.actor_count, dtype=np.bool_)
            wanted[[index.actors.dense[a] for a in only]] = True
            keep &= wanted[other]
            if set(only) == set(frontier):  # one end (the lower id) is enough
                keep &= anchor < other
        anchor, other, pair = anchor[keep], other[keep], index.adj_pair[entry[keep]]
        # Every fact of those pairs that is in scope.
        first, last = index.pair_ptr[pair], index.pair_ptr[pair + 1]
        rows = _ranges(first, last)
        group = np.repeat(np.arange(len(pair), dtype=np.int64), last - first)
        in_scope = self._in_scope[rows]
        rows, group = rows[in_scope], group[in_scope]
        facts = index.facts
        by_type = aggregate is Aggregate.PAIR_TYPE
        if by_type:
            group = group * len(TYPE_CODES) + facts.type[rows]
        order = np.lexsort((facts.valid_from[rows], group))
        rows, group = rows[order], group[order]
        spans: list[tuple[int, int]] = []
        if len(rows):
            bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True]).tolist()
            spans = list(zip(bounds[:-1], bounds[1:], strict=True))
        ids = self._earliest_ids(rows, spans)
        edges: dict[str, GraphEdge] = {}
        names = index.actors.ids
        for (lo, hi), fact_ids in zip(spans, ids, strict=True):
            g = int(group[lo])
            entry_at = g // len(TYPE_CODES) if by_type else g
            source, target = sorted((names[anchor[entry_at]], names[other[entry_at]]))
            kind = TYPE_CODES[int(facts.type[rows[lo]])] if by_type else None
            key = f"{source}|{target}|{kind}" if kind else f"{source}|{target}"
            if key in edges:
                continue
            mine = rows[lo:hi]
            edges[key] = GraphEdge(
                id=key,
                source=source,
                target=target,
                type=kind,
                count=hi - lo,
                first=_day(int(facts.valid_from[mine].min())),
                last=_day(int(facts.valid_to[mine].max())),
                types=_tally(facts.type[mine], TYPE_CODES),
                statuses=_tally(facts.status[mine], STATUS_CODES),
                classes=_tally(facts.fact_class[mine], CLASS_CODES),
                fact_ids=fact_ids,
            )
        return list(edges.values())

    def _earliest_ids(self, rows: Ints, spans: list[tuple[int, int]]) -> list[list[str]]:
        """Per edge, its first max_fact_ids fact ids by first day, then id: the facts that
        can be among them (up to the last day that still fits, ties included) are named
        by Neo4j."""
        limit = self._scan.max_fact_ids
        days = self._index.facts.valid_from
        chosen: list[Ints] = []
        for lo, hi in spans:
            mine = rows[lo:hi]
            if limit <= 0:
                chosen.append(mine[:0])
                continue
            boundary = days[mine[min(limit, hi - lo) - 1]]
            chosen.append(mine[days[mine] <= boundary])
        rels = self._index.facts.rel
        wanted = sorted({int(r) for c in chosen for r in rels[c]})
        named = fact_ids_by_relationship_id(self._tx, wanted) if wanted else {}
        out = []
        for candidates in chosen:
            keyed = sorted(
                (day_of(int(days[row])).isoformat(), named[int(rels[row])]) for row in candidates
            )
            out.append([fact_id for _, fact_id in keyed[:limit]])
        return out


def _ranges(starts: Ints, ends: Ints) -> Ints:
    """The concatenation of range(start, end) for each pair."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets: Ints = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _tally(codes: npt.NDArray[np.int8], names: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    values, numbers = np.unique(codes, return_counts=True)
    for code, number in zip(values.tolist(), numbers.tolist(), strict=True):
        if code != NO_CLASS or names is not CLASS_CODES:
            counts[names[code]] += number
    return dict(counts)


def _day(number: int) -> date | None:
    day = day_of(number)
    return None if day in (OPEN_START, OPEN_END) else day
