"""Path searches on the index, with the semantics of the Cypher search in queries/paths.py.

Every search works on a `View`: the facts in scope for one question, and the actor graph
they make (a pair of actors is joined if at least one of its facts is in scope). Levels of
a breadth-first search are expanded as whole numpy arrays, never actor by actor.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from graph_schema.errors import QueryTimeoutError
from tindex.index import DAY_BITS, DAY_SHIFT, Bools, Int32s, Ints, Query, TemporalIndex

UNSEEN = -1


class Deadline:
    """The time budget of one search: each level checks it and stops the search past it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise QueryTimeoutError(f"query ran past its budget of {self.seconds:g} s")


def gather(ptr: Ints, values: Int32s, nodes: Int32s) -> tuple[Int32s, Int32s]:
    """For each node, every value in its CSR row; with the node each value came from."""
    found, at = gather_at(ptr, values, nodes)
    return found, nodes[at]


def gather_at(ptr: Ints, values: Any, nodes: Int32s) -> tuple[Any, Ints]:
    """For each node, every value in its CSR row; with the position in `nodes` it came from."""
    starts = ptr[nodes]
    lengths = ptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return values[:0], np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return values[offsets + np.arange(total)], np.repeat(np.arange(len(nodes)), lengths)


@dataclass
class View:
    """The facts in scope for one question and the actor graph they join."""

    index: TemporalIndex
    query: Query
    in_scope: Bools  # per fact row
    passable: Bools  # per actor
    pair_live: Bools  # per pair: one of its facts is in scope
    scope_ptr: Ints  # the rows in scope of pair p: scope_rows[scope_ptr[p]:scope_ptr[p+1]]
    scope_rows: Ints
    ptr: Ints  # actor graph of pairs with a fact in scope, through passable actors only
    other: Int32s
    pair: Int32s

    def neighbours(self, actor: int) -> Int32s:
        return self.other[self.ptr[actor] : self.ptr[actor + 1]]

    def pair_rows(self, a: int, b: int) -> Ints:
        """The fact rows in scope between two actors, by day."""
        ix = self.index
        lo, hi = ix.adj_ptr[a], ix.adj_ptr[a + 1]
        at = lo + int(np.searchsorted(ix.adj_other[lo:hi], b))
        if at >= hi or ix.adj_other[at] != b:
            return np.zeros(0, dtype=np.int64)
        pair = ix.adj_pair[at]
        rows = np.arange(ix.pair_ptr[pair], ix.pair_ptr[pair + 1])
        return rows[self.in_scope[rows]]


# Views kept per index: questions come in runs over the same window (a month, a year)
# and filters, and a view costs a pass over every fact. About 2.4 MB each on ICEWS18 for a
# month, 7.3 MB for a year. Twelve hold a year asked month by month: with eight, the
# bench's shortest questions over ten months of 2018 rebuilt a view at most questions
# (search p50 8.3 ms, against 1.9 ms with all ten kept, in one run).
VIEW_CACHE_SIZE = 12
# Views of questions with a generic endpoint ("Citizen (Thailand)"): the scope's view with
# edges into those endpoints let through. They used to share the cache above, where each
# pushed out a month's view; kept apart they cost about 0.7 MB each (adjacency only).
ENDPOINT_VIEW_CACHE_SIZE = 16
_view_lock = threading.Lock()

ViewT = TypeVar("ViewT")


def make_view(index: TemporalIndex, query: Query, endpoints: tuple[int, ...]) -> View:
    """The view of one question (shared with earlier questions with the same scope)."""
    scoped = _kept(index.views, VIEW_CACHE_SIZE, query.key(), lambda: _make_view(index, query))
    if query.include_generic:
        return scoped
    generic_ends = tuple(sorted(e for e in endpoints if index.actors.generic[e]))
    if not generic_ends:
        return scoped
    return _kept(
        index.endpoint_views,
        ENDPOINT_VIEW_CACHE_SIZE,
        (query.key(), generic_ends),
        lambda: _through(scoped, generic_ends),
    )


def _kept(
    cache: OrderedDict[tuple[object, ...], Any],
    size: int,
    key: tuple[object, ...],
    make: Callable[[], ViewT],
) -> ViewT:
    with _view_lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[no-any-return]
    view = make()
    with _view_lock:
        cache[key] = view
        while len(cache) > size:
            cache.popitem(last=False)
    return view


def _make_view(index: TemporalIndex, query: Query) -> View:
    in_scope = index.mask(query)
    counted = np.r_[0, np.cumsum(in_scope, dtype=np.int64)]
    pair_live = counted[index.pair_ptr[1:]] > counted[index.pair_ptr[:-1]]
    return _with_adjacency(
        index,
        query,
        in_scope,
        index.passable(query),
        pair_live,
        counted[index.pair_ptr],
        np.flatnonzero(in_scope),
    )


def _through(view: View, generic_ends: tuple[int, ...]) -> View:
    """`view` with paths allowed to end at these generic actors."""
    passable = view.passable.copy()
    passable[list(generic_ends)] = True
    return _with_adjacency(
        view.index,
        view.query,
        view.in_scope,
        passable,
        view.pair_live,
        view.scope_ptr,
        view.scope_rows,
    )


def _with_adjacency(
    index: TemporalIndex,
    query: Query,
    in_scope: Bools,
    passable: Bools,
    pair_live: Bools,
    scope_ptr: Ints,
    scope_rows: Ints,
) -> View:
    keep = pair_live[index.adj_pair] & passable[index.adj_other] & ~index.adj_loop
    kept = np.r_[0, np.cumsum(keep, dtype=np.int64)]
    return View(
        index,
        query,
        in_scope,
        passable,
        pair_live,
        scope_ptr,
        scope_rows,
        kept[index.adj_ptr],
        index.adj_other[keep],
        index.adj_pair[keep],
    )


def distances(
    view: View,
    root: int,
    depth: int,
    deadline: Deadline,
    stop_at: int | None = None,
    within: Bools | None = None,
    blocked: Bools | None = None,
) -> npt.NDArray[np.int16]:
    """Hops from root to each actor up to `depth` (UNSEEN beyond), stopping after the level
    that reaches `stop_at`; only through `within` actors and never into `blocked` ones."""
    dist = np.full(view.index.actor_count, UNSEEN, dtype=np.int16)
    dist[root] = 0
    frontier = np.asarray([root], dtype=np.int32)
    for level in range(1, depth + 1):
        deadline.check()
        reached, _ = gather(view.ptr, view.other, frontier)
        fresh = reached[dist[reached] == UNSEEN]
        if within is not None:
            fresh = fresh[within[fresh]]
        if blocked is not None:
            fresh = fresh[~blocked[fresh]]
        frontier = np.unique(fresh)
        if len(frontier) == 0:
            break
        dist[frontier] = level
        if stop_at is not None and dist[stop_at] != UNSEEN:
            break
    return dist


@dataclass
class Routes:
    routes: list[list[int]]
    truncated: bool


def all_shortest_routes(
    view: View, source: int, target: int, max_hops: int, limit: int, deadline: Deadline
) -> Routes:
    """Every shortest route of at most max_hops, the first `limit` in id order, and whether
    there were more."""
    from_source = distances(view, source, max_hops, deadline, stop_at=target)
    length = int(from_source[target])
    if length == UNSEEN:
        return Routes([], False)
    from_target = distances(view, target, length, deadline, within=from_source != UNSEEN)
    on_route = (
        (from_source != UNSEEN)
        & (from_target != UNSEEN)
        & (from_source.astype(np.int32) + from_target == length)
    )
    # Routes to each actor on a shortest route, level by level (floats: only "more than
    # limit" matters, and hub graphs can have more routes than an int64 counts).
    count = np.zeros(view.index.actor_count, dtype=np.float64)
    count[source] = 1.0
    layer = np.asarray([source], dtype=np.int32)
    for level in range(1, length + 1):
        deadline.check()
        reached, came_from = gather(view.ptr, view.other, layer)
        step = on_route[reached] & (from_source[reached] == level)
        np.add.at(count, reached[step], count[came_from[step]])
        layer = np.unique(reached[step])
    total = count[target]

    routes: list[list[int]] = []

    def extend(route: list[int]) -> None:
        if len(routes) >= limit:
            return
        here = route[-1]
        if here == target:
            routes.append(list(route))
            return
        deadline.check()
        level = len(route)
        nexts = view.neighbours(here)
        nexts = nexts[on_route[nexts] & (from_source[nexts] == level)]
        for actor in nexts.tolist():  # in id order: the adjacency is sorted
            route.append(actor)
            extend(route)
            route.pop()
            if len(routes) >= limit:
                return

    extend([source])
    return Routes(routes, total > len(routes))


def _one_shortest(
    view: View,
    source: int,
    target: int,
    depth: int,
    deadline: Deadline,
    blocked: Bools,
    cut_first: set[int],
) -> list[int] | None:
    """One shortest route (the smallest ids first at ties) avoiding `blocked` actors and the
    first hops to `cut_first`, of at most `depth` hops; None if there is none."""
    if depth < 1:
        return None
    parent = np.full(view.index.actor_count, UNSEEN, dtype=np.int32)
    parent[source] = source
    frontier = np.asarray([source], dtype=np.int32)
    for level in range(depth):
        deadline.check()
        reached, came_from = gather(view.ptr, view.other, frontier)
        fresh = (parent[reached] == UNSEEN) & ~blocked[reached]
        if level == 0 and cut_first:
            fresh &= ~np.isin(reached, list(cut_first))
        reached, came_from = reached[fresh], came_from[fresh]
        if len(reached) == 0:
            return None
        order = np.lexsort((came_from, reached))
        reached, came_from = reached[order], came_from[order]
        first = np.r_[True, reached[1:] != reached[:-1]]
        frontier = reached[first]
        parent[frontier] = came_from[first]
        if parent[target] != UNSEEN:
            route = [target]
            while route[-1] != source:
                route.append(int(parent[route[-1]]))
            return route[::-1]
    return None


def k_shortest_routes(
    view: View, source: int, target: int, max_hops: int, k: int, deadline: Deadline
) -> Routes:
    """Yen's k shortest simple routes of at most max_hops, shortest first."""
    no_block = np.zeros(view.index.actor_count, dtype=np.bool_)
    first = _one_shortest(view, source, target, max_hops, deadline, no_block, set())
    if first is None:
        return Routes([], False)
    found = [first]
    candidates: list[tuple[int, tuple[int, ...]]] = []
    queued: set[tuple[int, ...]] = {tuple(first)}
    while len(found) < k:
        previous = found[-1]
        for i in range(len(previous) - 1):
            root = previous[: i + 1]
            cut = {route[i + 1] for route in found if route[: i + 1] == root}
            blocked = no_block.copy()
            blocked[root[:-1]] = True
            spur = _one_shortest(view, root[-1], target, max_hops - i, deadline, blocked, cut)
            if spur is None:
                continue
            route = (*root[:-1], *spur)
            if route not in queued:
                queued.add(route)
                heapq.heappush(candidates, (len(route), route))
        if not candidates:
            break
        found.append(list(heapq.heappop(candidates)[1]))
    return Routes(found, False)


@dataclass
class JourneyHop:
    near: int
    far: int
    day: int
    rows: list[int]  # fact rows starting that day between the two (rolled up if asked)


def earliest_arrival(
    view: View, source: int, target: int, max_hops: int, deadline: Deadline
) -> list[JourneyHop] | None:
    """The hop-bounded earliest-arrival journey (queries.paths.earliest_arrival_search on the
    index): facts start in non-decreasing days, the first no earlier than the window's
    first day; with rollup a hop leaves from anything PART_OF an actor and lands on the
    state its far end belongs to."""
    ix, query = view.index, view.query
    departure = query.first_day
    never = np.iinfo(np.int64).max
    best = np.full(ix.actor_count, never, dtype=np.int64)
    best[source] = departure
    hops = np.zeros(ix.actor_count, dtype=np.int16)
    # Per level, the actors that improved: (actor, day, near, fact row).
    changes = [_Level.empty()]
    frontier = np.asarray([source], dtype=np.int32)
    for hop in range(1, max_hops + 1):
        deadline.check()
        bound = query.last_day
        if best[target] != never:
            if best[target] <= departure:
                break
            bound = min(bound, int(best[target]) - 1)
        frontier = frontier[best[frontier] <= bound]
        if len(frontier) == 0:
            break
        if query.rollup:
            # From every part of each frontier actor, over the full adjacency (a part's
            # self-loop lands on its state), to the state of the far end.
            near_of, anchor = gather(ix.members_ptr, ix.members, frontier)
            pairs, anchor_of_pair = gather(ix.adj_ptr, ix.adj_pair, near_of)
            others, _ = gather(ix.adj_ptr, ix.adj_other, near_of)
            anchor_of_pair = np.repeat(anchor, np.diff(ix.adj_ptr)[near_of])
            far = ix.rolled[others]
            keep = view.pair_live[pairs] & (far != anchor_of_pair) & view.passable[far]
        else:
            # The view's graph: live pairs to passable actors, no self-loops.
            pairs, anchor_of_pair = gather(view.ptr, view.pair, frontier)
            far, _ = gather(view.ptr, view.other, frontier)
            keep = np.ones(len(pairs), dtype=np.bool_)
        keep &= far != source
        pairs, far, anchor_of_pair = pairs[keep], far[keep], anchor_of_pair[keep]
        # The pairs' facts in scope (a window holds few of a pair's facts), then those
        # starting between the anchor's arrival (never before the departure) and the bound.
        rows, entry = gather_at(view.scope_ptr, view.scope_rows, pairs)
        if len(rows) == 0:
            break
        far, near = far[entry], anchor_of_pair[entry]
        days = ix.facts.valid_from[rows].astype(np.int64)
        good = (days >= best[near]) & (days <= bound) & (days < best[far])
        rows, far, near, days = rows[good], far[good], near[good], days[good]
        if len(rows) == 0:  # nobody arrives earlier than before: no level can change it
            break
        # Each far actor's earliest candidate (ties: the first in (day, row) order).
        order = np.lexsort((rows, days, far))
        first = np.r_[True, far[order][1:] != far[order][:-1]]
        pick = order[first]
        frontier = far[pick]  # sorted: the first sort key
        best[frontier] = days[pick]
        hops[frontier] = hop
        changes.append(_Level(frontier, days[pick], near[pick]))
        if len(frontier) == 0:
            break
    if best[target] == never:
        return None
    chain: list[JourneyHop] = []
    here, level = target, int(hops[target])
    while here != source:
        day, came_from = changes[level].find(here)
        chain.append(JourneyHop(came_from, here, day, _hop_rows(view, came_from, here, day)))
        here = came_from
        # The near actor as it stood when this hop was taken: its last change before.
        level = max(h for h in range(level) if h == 0 or changes[h].has(here))
    return chain[::-1]


@dataclass
class _Level:
    """The actors whose arrival one level improved (sorted), with the day and from whom."""

    actors: Int32s
    days: Ints
    near: Int32s

    @classmethod
    def empty(cls) -> _Level:
        return cls(np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int32))

    def has(self, actor: int) -> bool:
        at = int(np.searchsorted(self.actors, actor))
        return at < len(self.actors) and int(self.actors[at]) == actor

    def find(self, actor: int) -> tuple[int, int]:
        at = int(np.searchsorted(self.actors, actor))
        return int(self.days[at]), int(self.near[at])


def _hop_rows(view: View, near: int, far: int, day: int) -> list[int]:
    """Fact rows usable for a hop: starting on `day` between `near` (with its members under
    rollup) and `far` (or anything that rolls up to it)."""
    ix, rollup = view.index, view.query.rollup
    sources = (
        ix.members[ix.members_ptr[near] : ix.members_ptr[near + 1]]
        if rollup
        else np.asarray([near], dtype=np.int32)
    )
    pairs, _ = gather(ix.adj_ptr, ix.adj_pair, sources)
    others, _ = gather(ix.adj_ptr, ix.adj_other, sources)
    ends = ix.rolled[others] if rollup else others
    pairs = pairs[ends == far]
    key = pairs.astype(np.int64) << DAY_BITS
    lo = np.searchsorted(ix.pair_key, key | (day + DAY_SHIFT))
    hi = np.searchsorted(ix.pair_key, key | (day + 1 + DAY_SHIFT))
    rows = [r for a, b in zip(lo.tolist(), hi.tolist(), strict=True) for r in range(a, b)]
    return [r for r in rows if view.in_scope[r]]
