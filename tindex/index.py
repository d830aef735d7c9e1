"""The index itself: actors and facts as numpy columns, facts grouped by actor pair and sorted
by day within each pair, and each actor's pairs as compressed adjacency (CSR).

Actors get dense integer ids in the order of their string ids, so that comparing integers
orders routes as comparing ids does. Dates are epoch days (int32), transaction times epoch
nanoseconds (int64). Self-loops stay in the fact columns (a rolled-up journey can use them)
and appear once in their actor's adjacency.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from queries.index_feed import (
    CLASS_CODES,
    EPOCH,
    STATUS_CODES,
    TYPE_CODES,
    ActorColumns,
    FactColumns,
    epoch_ns,
)
from queries.models import FactFilter, TimeScope

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

# PART_OF chains followed for rollup, as in queries/paths.py (PART_OF*0..4).
ROLLUP_DEPTH = 4
# Shift that makes every representable day (0001-01-01 onwards) non-negative, and the
# bits it needs: a pair's facts are found by one binary search over (pair, day) keys.
DAY_SHIFT = 720_000
DAY_BITS = 22


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + number)


@dataclass
class Facts:
    """Fact columns, row i the same fact in each."""

    rel: Ints  # relationship id in Neo4j
    source: Int32s  # dense actor ids
    target: Int32s
    valid_from: Int32s
    valid_to: Int32s
    recorded: Ints
    retracted: Ints  # -1: current
    type: npt.NDArray[np.int8]
    status: npt.NDArray[np.int8]
    confidence: npt.NDArray[np.float32]  # NaN: none
    fact_class: npt.NDArray[np.int8]  # CLASS_CODES; NO_CLASS: none

    def take(self, rows: Any) -> Facts:
        return Facts(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @classmethod
    def concat(cls, parts: list[Facts]) -> Facts:
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def facts_from_columns(
    columns: FactColumns, type_code: int, dense_of_node: dict[int, int]
) -> Facts:
    """Columns read from Neo4j, with node ids mapped to dense actor ids."""
    confidence = np.asarray(columns.confidence, dtype=np.float32)
    confidence[confidence < 0] = np.nan
    size = len(columns.rel)
    return Facts(
        rel=np.asarray(columns.rel, dtype=np.int64),
        source=np.fromiter((dense_of_node[n] for n in columns.source), np.int32, size),
        target=np.fromiter((dense_of_node[n] for n in columns.target), np.int32, size),
        valid_from=np.asarray(columns.valid_from, dtype=np.int32),
        valid_to=np.asarray(columns.valid_to, dtype=np.int32),
        recorded=np.asarray(columns.recorded, dtype=np.int64),
        retracted=np.asarray(columns.retracted, dtype=np.int64),
        type=np.full(size, type_code, dtype=np.int8),
        status=np.asarray(columns.status, dtype=np.int8),
        confidence=confidence,
        fact_class=np.asarray(columns.fact_class, dtype=np.int8),
    )


@dataclass
class Actors:
    node: Ints  # Neo4j node id per dense id
    ids: list[str]
    names: list[str]
    kinds: list[str]
    generic: Bools
    dense: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.dense:
            self.dense = {actor: i for i, actor in enumerate(self.ids)}

    @classmethod
    def from_columns(cls, columns: ActorColumns) -> Actors:
        return cls(
            node=np.asarray(columns.node, dtype=np.int64),
            ids=list(columns.id),
            names=[name or "" for name in columns.name],
            kinds=[kind or "" for kind in columns.kind],
            generic=np.asarray(columns.generic, dtype=np.bool_),
        )

    def dense_of_node(self) -> dict[int, int]:
        return {int(node): i for i, node in enumerate(self.node)}


@dataclass
class Query:
    """A time scope and fact filter in the index's units."""

    first_day: int
    last_day: int
    known_at: int | None
    types: npt.NDArray[np.int8] | None
    statuses: npt.NDArray[np.int8] | None
    min_confidence: float | None
    rollup: bool
    include_generic: bool
    classes: npt.NDArray[np.int8] | None = None

    def key(self) -> tuple[object, ...]:
        """What makes two queries' views the same."""
        return (
            self.first_day,
            self.last_day,
            self.known_at,
            None if self.types is None else tuple(self.types.tolist()),
            None if self.statuses is None else tuple(self.statuses.tolist()),
            self.min_confidence,
            self.rollup,
            self.include_generic,
            None if self.classes is None else tuple(self.classes.tolist()),
        )

    @classmethod
    def of(cls, scope: TimeScope, filters: FactFilter, include_generic: bool) -> Query:
        known: datetime | None = scope.known_at
        return cls(
            first_day=day_number(scope.valid_from),
            last_day=day_number(scope.valid_to),
            known_at=epoch_ns(known) if known is not None else None,
            types=np.asarray([TYPE_CODES.index(t.value) for t in filters.types], dtype=np.int8)
            if filters.types
            else None,
            statuses=np.asarray(
                [STATUS_CODES.index(s.value) for s in filters.statuses], dtype=np.int8
            )
            if filters.statuses
            else None,
            min_confidence=filters.min_confidence,
            rollup=filters.rollup,
            include_generic=include_generic,
            classes=np.asarray(
                [CLASS_CODES.index(c.value) for c in filters.fact_classes], dtype=np.int8
            )
            if filters.fact_classes
            else None,
        )


@dataclass
class TemporalIndex:
    """One graph version's facts, laid out for path searches."""

    version: str
    actors: Actors
    facts: Facts  # grouped by pair, by day within a pair
    part_of: tuple[Int32s, Int32s]  # (child, parent) dense ids
    pair_ptr: Ints  # facts of pair p: rows pair_ptr[p]:pair_ptr[p+1]
    pair_key: Ints  # (pair << DAY_BITS) | shifted day, per fact row: sorted
    adj_ptr: Ints  # pairs of actor a: entries adj_ptr[a]:adj_ptr[a+1]
    adj_other: Int32s  # the other actor (the actor itself for a self-loop)
    adj_pair: Int32s
    adj_loop: Bools  # the entry is an actor's self-loop
    rolled: Int32s  # the state an actor belongs to (first found via PART_OF), else itself
    members_ptr: Ints  # actors PART_OF a (0..4 links, a included): members_ptr[a]:...[a+1]
    members: Int32s
    # Views of recent questions (tindex.search.make_view), least recently used first.
    views: OrderedDict[tuple[object, ...], Any] = field(default_factory=OrderedDict)
    # The same with generic endpoints let through, sharing their scope's view's arrays.
    endpoint_views: OrderedDict[tuple[object, ...], Any] = field(default_factory=OrderedDict)
    # Fact ids (`r.id`) by relationship id, as Neo4j named them for earlier answers
    # (tindex.graph): the index holds no strings per fact, and answers come in runs.
    fact_ids: dict[int, str] = field(default_factory=dict)
    # Whole facts by relationship id, as read for earlier path answers (tindex.paths),
    # least recently used first: hub pairs sit on many routes, and their hops carry
    # hundreds of facts each. One graph version's facts, as the index is.
    facts_read: OrderedDict[int, Any] = field(default_factory=OrderedDict)

    @property
    def actor_count(self) -> int:
        return len(self.actors.ids)

    @property
    def fact_count(self) -> int:
        return len(self.facts.rel)

    @property
    def nbytes(self) -> int:
        arrays = (
            self.pair_ptr,
            self.pair_key,
            self.adj_ptr,
            self.adj_other,
            self.adj_pair,
            self.rolled,
            self.members_ptr,
            self.members,
            self.actors.node,
            self.actors.generic,
            *self.part_of,
        )
        return self.facts.nbytes + sum(a.nbytes for a in arrays)

    def mask(self, query: Query) -> Bools:
        """The fact rows in scope: FACT_IN_SCOPE of queries/facts.py, on the columns."""
        f = self.facts
        keep = (f.valid_from <= query.last_day) & (f.valid_to >= query.first_day)
        if query.known_at is None:
            keep &= f.retracted < 0
        else:
            keep &= (f.recorded <= query.known_at) & (
                (f.retracted < 0) | (f.retracted > query.known_at)
            )
        if query.types is not None:
            keep &= np.isin(f.type, query.types)
        if query.statuses is not None:
            keep &= np.isin(f.status, query.statuses)
        if query.min_confidence is not None:
            keep &= f.confidence >= np.float32(query.min_confidence)
        if query.classes is not None:
            keep &= np.isin(f.fact_class, query.classes)
        return keep

    def passable(self, query: Query) -> Bools:
        """Actors a path may pass through: all but generic ones unless asked (a path may end
        at a generic actor either way: tindex.search.make_view)."""
        if query.include_generic:
            return np.ones(self.actor_count, dtype=np.bool_)
        return ~self.actors.generic


def build_index(
    version: str, actors: Actors, part_of: tuple[Int32s, Int32s], facts: Facts
) -> TemporalIndex:
    """Lay out facts by pair and day, and the adjacency, PART_OF closure and rollup."""
    order = np.lexsort((facts.rel, facts.valid_from, _pair_of_rows(facts, len(actors.ids))))
    return _lay_out(version, actors, part_of, facts.take(order))


def _pair_of_rows(facts: Facts, actor_count: int) -> Ints:
    lo = np.minimum(facts.source, facts.target).astype(np.int64)
    hi = np.maximum(facts.source, facts.target).astype(np.int64)
    return lo * max(actor_count, 1) + hi


def _day_keys(facts: Facts) -> Ints:
    """Each row's day as the low bits of a (pair, day) key: every real date (years 1 to
    9999) keeps its order, the stand-in for no start sorts last."""
    return np.clip(facts.valid_from.astype(np.int64) + DAY_SHIFT, 0, (1 << DAY_BITS) - 1)


def _lay_out(
    version: str,
    actors: Actors,
    part_of: tuple[Int32s, Int32s],
    facts: Facts,
    rollup: tuple[Int32s, Ints, Int32s] | None = None,
) -> TemporalIndex:
    """The index over facts already in (pair, day, relationship) order."""
    n = len(actors.ids)
    pair_of_row = _pair_of_rows(facts, n)
    rows = len(pair_of_row)
    starts = np.flatnonzero(np.r_[True, pair_of_row[1:] != pair_of_row[:-1]])[:rows]
    pair_ptr = np.r_[starts, rows].astype(np.int64)
    pair_count = len(pair_ptr) - 1
    pair_lo = (pair_of_row[pair_ptr[:-1]] // max(n, 1)).astype(np.int32)
    pair_hi = (pair_of_row[pair_ptr[:-1]] % max(n, 1)).astype(np.int32)
    pair_index = np.repeat(np.arange(pair_count, dtype=np.int64), np.diff(pair_ptr))
    pair_key = (pair_index << DAY_BITS) | _day_keys(facts)

    loop = pair_lo == pair_hi
    pairs = np.arange(pair_count, dtype=np.int32)
    owner = np.r_[pair_lo, pair_hi[~loop]]
    other = np.r_[pair_hi, pair_lo[~loop]]
    adj_pair = np.r_[pairs, pairs[~loop]]
    adj_order = np.lexsort((other, owner))
    adj_ptr = np.r_[0, np.cumsum(np.bincount(owner, minlength=n))].astype(np.int64)

    rolled, members_ptr, members = rollup if rollup is not None else _rollup(actors, part_of)
    return TemporalIndex(
        version=version,
        actors=actors,
        facts=facts,
        part_of=part_of,
        pair_ptr=pair_ptr,
        pair_key=pair_key,
        adj_ptr=adj_ptr,
        adj_other=other[adj_order].astype(np.int32),
        adj_pair=adj_pair[adj_order].astype(np.int32),
        adj_loop=np.r_[loop, np.zeros(int((~loop).sum()), dtype=np.bool_)][adj_order],
        rolled=rolled,
        members_ptr=members_ptr,
        members=members,
    )


# Past this many actors a (pair, day) key no longer fits 64 bits: catch-ups sort everything.
MERGE_ACTOR_LIMIT = 1 << 20


def caught_up(
    index: TemporalIndex,
    version: str,
    actors: Actors,
    part_of: tuple[Int32s, Int32s],
    changed: Facts,
) -> TemporalIndex:
    """The index with the facts read again since it was built: a relationship read again
    replaces its row, new ones are merged into the sorted rows (a linear pass, not a sort
    of every fact), and the rollup is kept unless actors or PART_OF links changed."""
    old = remap_actors(index.facts, index.actors, actors)
    if len(changed.rel):
        replaced = np.isin(old.rel, changed.rel)
        if replaced.any():
            old = old.take(~replaced)
    n = len(actors.ids)
    same_actors = (
        np.array_equal(index.actors.node, actors.node)
        and index.actors.kinds == actors.kinds
        and all(np.array_equal(a, b) for a, b in zip(index.part_of, part_of, strict=True))
    )
    rollup = (index.rolled, index.members_ptr, index.members) if same_actors else None
    if n >= MERGE_ACTOR_LIMIT:
        return build_index(version, actors, part_of, Facts.concat([old, changed]))
    new_pairs = _pair_of_rows(changed, n)
    new = changed.take(np.lexsort((changed.rel, changed.valid_from, new_pairs)))
    old_key = (_pair_of_rows(old, n) << DAY_BITS) | _day_keys(old)
    new_key = (_pair_of_rows(new, n) << DAY_BITS) | _day_keys(new)
    at = np.searchsorted(old_key, new_key, side="left")
    end = np.searchsorted(old_key, new_key, side="right")
    # Facts of a pair on one day are in relationship order: a new one goes among them.
    for i in np.flatnonzero(end > at).tolist():
        at[i] += int(np.searchsorted(old.rel[at[i] : end[i]], new.rel[i]))
    merged = Facts(
        **{f.name: np.insert(getattr(old, f.name), at, getattr(new, f.name)) for f in fields(Facts)}
    )
    return _lay_out(version, actors, part_of, merged, rollup)


def _rollup(actors: Actors, part_of: tuple[Int32s, Int32s]) -> tuple[Int32s, Ints, Int32s]:
    """Each actor's state (the nearest state above it, smallest id first), and each actor's
    members: itself and everything PART_OF it through at most ROLLUP_DEPTH links."""
    n = len(actors.ids)
    parents: dict[int, list[int]] = {}
    children: dict[int, list[int]] = {}
    for child, parent in zip(part_of[0].tolist(), part_of[1].tolist(), strict=True):
        parents.setdefault(child, []).append(parent)
        children.setdefault(parent, []).append(child)
    rolled = np.arange(n, dtype=np.int32)
    for actor in parents:
        above = sorted(set(parents[actor]))
        for _ in range(ROLLUP_DEPTH):
            states = [p for p in above if actors.kinds[p] == "state"]
            if states:
                rolled[actor] = states[0]
                break
            above = sorted({q for p in above for q in parents.get(p, [])})
    counts = np.ones(n, dtype=np.int64)
    extra: dict[int, list[int]] = {}
    for actor in children:
        found: set[int] = set()
        level = set(children[actor])
        for _ in range(ROLLUP_DEPTH):
            level -= found | {actor}
            found |= level
            level = {c for p in level for c in children.get(p, [])}
        extra[actor] = sorted(found)
        counts[actor] += len(found)
    members_ptr = np.r_[0, np.cumsum(counts)].astype(np.int64)
    every = (m for a in range(n) for m in (a, *extra.get(a, ())))
    members = np.fromiter(every, np.int32, int(counts.sum()))
    return rolled, members_ptr, members


def remap_actors(facts: Facts, old: Actors, new: Actors) -> Facts:
    """Facts in an older actor numbering, renumbered for a newer actor table."""
    lookup = np.searchsorted(new.node, old.node, sorter=np.argsort(new.node))
    by_node = np.argsort(new.node)[lookup].astype(np.int32)
    moved = facts.take(slice(None))
    moved.source = by_node[facts.source]
    moved.target = by_node[facts.target]
    return moved


def save(index: TemporalIndex, path: Path) -> None:
    """Write the index's columns to one .npz file (written aside, then renamed)."""
    arrays: dict[str, Any] = {f"fact_{f.name}": getattr(index.facts, f.name) for f in fields(Facts)}
    arrays.update(
        actor_node=index.actors.node,
        actor_generic=index.actors.generic,
        actor_ids=np.asarray(index.actors.ids, dtype=np.str_),
        actor_names=np.asarray(index.actors.names, dtype=np.str_),
        actor_kinds=np.asarray(index.actors.kinds, dtype=np.str_),
        part_of_child=index.part_of[0],
        part_of_parent=index.part_of[1],
        version=np.asarray(index.version),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, **arrays)
    partial.replace(path)


def load(path: Path) -> TemporalIndex:
    """An index written by `save`; its layout is rebuilt (a fraction of a second)."""
    with np.load(path, allow_pickle=False) as data:
        facts = Facts(**{f.name: data[f"fact_{f.name}"] for f in fields(Facts)})
        actors = Actors(
            node=data["actor_node"],
            ids=data["actor_ids"].tolist(),
            names=data["actor_names"].tolist(),
            kinds=data["actor_kinds"].tolist(),
            generic=data["actor_generic"],
        )
        part_of = (data["part_of_child"], data["part_of_parent"])
        version = str(data["version"])
    return build_index(version, actors, part_of, facts)


def no_facts() -> Facts:
    empty = np.zeros(0, dtype=np.int64)
    return Facts(
        rel=empty,
        source=empty.astype(np.int32),
        target=empty.astype(np.int32),
        valid_from=empty.astype(np.int32),
        valid_to=empty.astype(np.int32),
        recorded=empty,
        retracted=empty,
        type=empty.astype(np.int8),
        status=empty.astype(np.int8),
        confidence=empty.astype(np.float32),
        fact_class=empty.astype(np.int8),
    )
