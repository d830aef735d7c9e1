"""The edges of an ego network (queries/graph.py `pair_edges`) from the index's columns:
the facts in scope touching the frontier actors, folded per pair (or pair and type) with the
same counts, first and last days, tallies and earliest fact ids as the Cypher fold.

Only the fact ids come from Neo4j (`name_facts`: one lookup by relationship id, for the
facts that can be among the earliest of the answer's edges): the index holds no strings per
fact.
"""

from __future__ import annotations

from datetime import date

import neo4j
import numpy as np
import numpy.typing as npt

from graph_schema.temporal import OPEN_END, OPEN_START
from queries.graph import Aggregate, GraphEdge, GraphPublic, ScanParams
from queries.index_feed import (
    CLASS_CODES,
    NO_CLASS,
    STATUS_CODES,
    TYPE_CODES,
    fact_ids_by_relationship_id,
)
from tindex.index import Bools, Ints, Query, TemporalIndex, day_of

# Fact ids kept per index (about 100 bytes each) before the store starts again.
MAX_NAMED_FACTS = 200_000


class IndexEdges:
    """`pair_edges` for one question (scope, filters, generic actors): rollup excepted,
    which the route leaves to Cypher."""

    def __init__(self, tx: neo4j.ManagedTransaction, index: TemporalIndex, scan: ScanParams):
        assert not scan.filters.rollup
        self._tx = tx
        self._index = index
        self._scan = scan
        self._candidates: dict[str, Ints] = {}
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
        candidates = self._earliest_candidates(rows, spans)
        starts = np.asarray([lo for lo, _ in spans], dtype=np.int64)
        firsts = np.minimum.reduceat(facts.valid_from[rows], starts).tolist() if spans else []
        lasts = np.maximum.reduceat(facts.valid_to[rows], starts).tolist() if spans else []
        span_of_row = np.repeat(np.arange(len(spans)), [hi - lo for lo, hi in spans])
        types = _tallies(span_of_row, facts.type[rows], TYPE_CODES, len(spans))
        statuses = _tallies(span_of_row, facts.status[rows], STATUS_CODES, len(spans))
        classes = _tallies(span_of_row, facts.fact_class[rows], CLASS_CODES, len(spans))
        edges: dict[str, GraphEdge] = {}
        names = index.actors.ids
        for number, (lo, hi) in enumerate(spans):
            g = int(group[lo])
            entry_at = g // len(TYPE_CODES) if by_type else g
            source, target = sorted((names[anchor[entry_at]], names[other[entry_at]]))
            kind = TYPE_CODES[int(facts.type[rows[lo]])] if by_type else None
            key = f"{source}|{target}|{kind}" if kind else f"{source}|{target}"
            if key in edges:
                continue
            self._candidates.setdefault(key, candidates[number])
            edges[key] = GraphEdge(
                id=key,
                source=source,
                target=target,
                type=kind,
                count=hi - lo,
                first=_day(firsts[number]),
                last=_day(lasts[number]),
                types=types[number],
                statuses=statuses[number],
                classes=classes[number],
                fact_ids=[],  # named by name_facts, for the edges of the answer only
            )
        return list(edges.values())

    def _earliest_candidates(self, rows: Ints, spans: list[tuple[int, int]]) -> list[Ints]:
        """Per edge, the facts that can be among its first max_fact_ids by first day, then
        id: those up to the last day that still fits, ties included."""
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
        return chosen

    def name_facts(self, graph: GraphPublic) -> GraphPublic:
        """The graph with each edge's earliest fact ids, named by Neo4j in one lookup: the
        index holds no strings per fact, and only the answer's edges need them."""
        limit = self._scan.max_fact_ids
        facts = self._index.facts
        chosen = [self._candidates[edge.id] for edge in graph.edges]
        named = self._index.fact_ids
        needed = {int(r) for c in chosen for r in facts.rel[c]}
        wanted = sorted(needed - named.keys())
        if len(named) + len(wanted) > MAX_NAMED_FACTS:
            named.clear()
            wanted = sorted(needed)
        if wanted:
            named.update(fact_ids_by_relationship_id(self._tx, wanted))
        edges = []
        for edge, candidates in zip(graph.edges, chosen, strict=True):
            keyed = sorted(
                (int(day), named[int(rel)])
                for day, rel in zip(
                    facts.valid_from[candidates].tolist(),
                    facts.rel[candidates].tolist(),
                    strict=True,
                )
            )
            edges.append(edge.model_copy(update={"fact_ids": [i for _, i in keyed[:limit]]}))
        return graph.model_copy(update={"edges": edges})


def _ranges(starts: Ints, ends: Ints) -> Ints:
    """The concatenation of range(start, end) for each pair."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets: Ints = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _tallies(
    span_of_row: Ints, codes: npt.NDArray[np.int8], names: tuple[str, ...], spans: int
) -> list[dict[str, int]]:
    """Per span of rows, how many rows carry each code (by name); NO_CLASS not counted."""
    known = codes != NO_CLASS
    keys = span_of_row[known] * len(names) + codes[known]
    values, numbers = np.unique(keys, return_counts=True)
    out: list[dict[str, int]] = [{} for _ in range(spans)]
    for key, number in zip(values.tolist(), numbers.tolist(), strict=True):
        out[key // len(names)][names[key % len(names)]] = number
    return out


def _day(number: int) -> date | None:
    day = day_of(number)
    return None if day in (OPEN_START, OPEN_END) else day
