"""Paths between actors through facts valid in a window: shortest, k shortest, time-respecting.

A path is a route through actors; each hop carries every fact in scope between its two
actors, and the path says in which intervals all its hops held at once. A time-respecting
journey instead takes one fact per hop, each starting no earlier than the one before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar

import neo4j
from pydantic import BaseModel, ConfigDict, Field

from graph_schema.temporal import format_partial
from queries.facts import (
    FACT_COLUMNS,
    FACT_IN_SCOPE,
    actors_by_id,
    scope_params,
    type_alternation,
)
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope, to_native
from queries.runner import records

MAX_HOPS_LIMIT = 6
# Neo4j's SHORTEST k (behind k_shortest) counts every combination of parallel facts as a
# path of its own; past this many raw paths the answer says it was truncated rather than
# running without bound.
RAW_PATH_LIMIT = 2000
# All shortest routes between two hubs can number thousands; past this many the answer
# lists some of them (the same ones each time) and says it was truncated.
ROUTE_LIMIT = 200


class PathMode(StrEnum):
    SHORTEST = "shortest"
    K_SHORTEST = "k_shortest"
    TIME_RESPECTING = "time_respecting"


class PathQuestion(BaseModel):
    """One paths question, whichever engine answers it (and the identity of its answer)."""

    model_config = ConfigDict(frozen=True)

    source: str
    target: str
    scope: TimeScope
    filters: FactFilter = FactFilter()
    mode: PathMode = PathMode.SHORTEST
    max_hops: int = 4
    k: int = 3
    include_generic: bool = False


class Interval(BaseModel):
    valid_from: str = Field(description="First day (YYYY-MM-DD).")
    valid_to: str = Field(description="Last day (YYYY-MM-DD), inclusive.")


class Hop(BaseModel):
    source: str
    target: str
    facts: list[FactPublic] = Field(description="Every fact in scope between the two actors.")


class PathPublic(BaseModel):
    nodes: list[ActorRef] = Field(description="The actors along the path, source first.")
    hops: list[Hop]
    length: int = Field(description="Number of hops.")
    held: list[Interval] = Field(
        description="Intervals (within the window) in which every hop had a valid fact at once; "
        "empty if the hops never held together."
    )
    departure: str | None = Field(
        default=None, description="Time-respecting only: start of the first fact."
    )
    arrival: str | None = Field(
        default=None, description="Time-respecting only: start of the last fact."
    )


class PathsResult(BaseModel):
    paths: list[PathPublic]
    truncated: bool = Field(
        description="True if there were more routes than the answer lists (shortest: more "
        "than 200; k_shortest: fewer than k distinct routes found within its search limit)."
    )
    graph_version: str | None = Field(
        default=None, description="The graph version the answer was computed on."
    )


def _interval_union(intervals: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        # Adjacent day intervals merge too; the open end has no next day to add.
        if merged and (merged[-1][1] == date.max or start <= merged[-1][1] + timedelta(days=1)):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: list[tuple[date, date]], b: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start <= end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


class HopFact(Protocol):
    """What laying out a path needs of a fact on its hops: a FactPublic, or the compact
    form the temporal index keeps of one."""

    @property
    def source(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def interval(self) -> tuple[date, date]: ...


FactT = TypeVar("FactT", bound=HopFact)


def held_intervals(hops: Sequence[Sequence[HopFact]], scope: TimeScope) -> list[tuple[date, date]]:
    """When every hop had at least one valid fact at once, clipped to the window."""
    return _held([_interval_union(f.interval for f in facts) for facts in hops], scope)


def _held(unions: Iterable[list[tuple[date, date]]], scope: TimeScope) -> list[tuple[date, date]]:
    common = [(scope.valid_from, scope.valid_to)]
    for union in unions:
        common = _intersect(common, union)
    return common


@dataclass(frozen=True)
class LaidPath(Generic[FactT]):
    """A path whose hops do not list their facts yet, and the facts of each hop: the layout
    both engines share, whatever form they hold facts in."""

    path: PathPublic
    hop_facts: list[Sequence[FactT]]

    def off_path(self) -> list[str]:
        """The actors its hop facts name that the path does not pass (a ministry or armed
        force, with rollup), sorted: a drawing library refuses an edge whose end is not a
        node, so answers list them after the path's own nodes."""
        on_path = {node.id for node in self.path.nodes}
        named = {end for facts in self.hop_facts for f in facts for end in (f.source, f.target)}
        return sorted(named - on_path)


def lay_out_routes(
    routes: list[list[ActorRef]], facts: Mapping[frozenset[str], Sequence[FactT]], scope: TimeScope
) -> list[LaidPath[FactT]]:
    """Paths along the routes, each hop with every fact in `facts` between its two actors."""
    laid = []
    # Routes between hubs share most of their hops: each hop's facts are merged into
    # intervals once, and each hop's model is made once.
    unions: dict[frozenset[str], list[tuple[date, date]]] = {}
    hops: dict[tuple[str, str], Hop] = {}
    for nodes in routes:
        pairs = [(a.id, b.id) for a, b in zip(nodes, nodes[1:], strict=False)]
        keys = [frozenset(pair) for pair in pairs]
        hop_facts = [facts.get(key, []) for key in keys]
        for key, each in zip(keys, hop_facts, strict=True):
            if key not in unions:
                unions[key] = _interval_union(f.interval for f in each)
        for pair in pairs:
            if pair not in hops:
                hops[pair] = Hop(source=pair[0], target=pair[1], facts=[])
        path = PathPublic(
            nodes=nodes,
            hops=[hops[pair] for pair in pairs],
            length=len(pairs),
            held=_as_intervals(_held((unions[key] for key in keys), scope)),
        )
        laid.append(LaidPath(path, hop_facts))
    return laid


def lay_out_journey(
    nodes: list[ActorRef], facts: Sequence[FactT], scope: TimeScope
) -> LaidPath[FactT]:
    """A time-respecting journey through `nodes`, one fact per hop."""
    pairs = list(zip(nodes, nodes[1:], strict=False))
    path = PathPublic(
        nodes=nodes,
        hops=[Hop(source=a.id, target=b.id, facts=[]) for a, b in pairs],
        length=len(pairs),
        held=_as_intervals(held_intervals([[fact] for fact in facts], scope)),
        departure=format_partial(facts[0].interval[0], "day"),
        arrival=format_partial(facts[-1].interval[0], "day"),
    )
    return LaidPath(path, [[fact] for fact in facts])


def filled(laid: LaidPath[FactPublic]) -> PathPublic:
    """The path with each hop's facts in it."""
    hops = [
        hop.model_copy(update={"facts": list(facts)})
        for hop, facts in zip(laid.path.hops, laid.hop_facts, strict=True)
    ]
    return laid.path.model_copy(update={"hops": hops})


def _as_intervals(spans: list[tuple[date, date]]) -> list[Interval]:
    return [Interval(valid_from=s.isoformat(), valid_to=e.isoformat()) for s, e in spans]


PAIR_FACTS_TEMPLATE = """
UNWIND $pairs AS pair
MATCH (x:Actor {id: pair[0]})-[r:%s]-(y:Actor {id: pair[1]})
WHERE """


def _hop_facts(
    tx: neo4j.ManagedTransaction, pairs: set[tuple[str, str]], scope: TimeScope, filters: FactFilter
) -> dict[frozenset[str], list[FactPublic]]:
    cypher = (
        PAIR_FACTS_TEMPLATE % type_alternation(filters.types)
        + FACT_IN_SCOPE
        + "RETURN DISTINCT "
        + FACT_COLUMNS
        + "ORDER BY props.valid_from, props.id"
    )
    rows = records(tx, cypher, pairs=[list(p) for p in pairs], **scope_params(scope, filters))
    by_pair: dict[frozenset[str], list[FactPublic]] = defaultdict(list)
    seen: set[tuple[frozenset[str], str, int | None]] = set()
    for row in rows:
        fact = FactPublic.from_record(row)
        key = (frozenset((fact.source, fact.target)), fact.id, fact.version)
        if key not in seen:
            seen.add(key)
            by_pair[key[0]].append(fact)
    return by_pair


def _selector_query(selector: str, max_hops: int, filters: FactFilter) -> str:
    # max_hops and the selector are integers/keywords validated by the caller: quantifiers
    # and path selectors cannot take parameters.
    inline = FACT_IN_SCOPE.replace("\n", " ")
    types = type_alternation(filters.types)
    return f"""
MATCH (s:Actor {{id: $source}}), (t:Actor {{id: $target}})
MATCH p = {selector} (s) (()-[r:{types} WHERE {inline}]-(y:Actor WHERE {PASSABLE})){{1,{max_hops}}}
  (t)
RETURN [n IN nodes(p) | n {{.id, .name, .kind}}] AS nodes
LIMIT $raw_limit
"""


def _routes_to_paths(
    tx: neo4j.ManagedTransaction,
    routes: list[list[dict[str, Any]]],
    scope: TimeScope,
    filters: FactFilter,
) -> list[PathPublic]:
    pairs = {(a["id"], b["id"]) for nodes in routes for a, b in zip(nodes, nodes[1:], strict=False)}
    facts = _hop_facts(tx, pairs, scope, filters) if pairs else {}
    return build_paths([[ActorRef(**n) for n in nodes] for nodes in routes], facts, scope)


def build_paths(
    routes: list[list[ActorRef]], facts: dict[frozenset[str], list[FactPublic]], scope: TimeScope
) -> list[PathPublic]:
    """Paths along the routes, each hop with every fact in `facts` between its two actors."""
    return [filled(laid) for laid in lay_out_routes(routes, facts, scope)]


def _distinct_routes(rows: list[dict[str, Any]], simple_only: bool) -> list[list[dict[str, Any]]]:
    seen: set[tuple[str, ...]] = set()
    routes = []
    for row in rows:
        ids = tuple(n["id"] for n in row["nodes"])
        if ids in seen or (simple_only and len(set(ids)) != len(ids)):
            continue
        seen.add(ids)
        routes.append(row["nodes"])
    return routes


# One BFS level: the actors one fact away from the frontier, one row per (near, far) pair
# however many facts join them, so a hub's thousands of facts in a month cost one row per
# neighbour. Each row carries the element ids of the pair's facts, so the facts of the
# routes found are then read by id instead of by scanning the hubs a second time; and the
# far actor's degree, which estimates what expanding it next would cost. On the last level
# a search may take, only actors of the other side's frontier can matter (`$only`).
NEIGHBOURS_TEMPLATE = """
UNWIND $frontier AS near_id
MATCH (x:Actor {id: near_id})-[r:%s]-(y:Actor)
WHERE x <> y AND """

NEIGHBOURS_TAIL = """
WITH x.id AS near, y, collect(elementId(r)) AS facts
WITH near, y.id AS far, y, facts
WHERE NOT far IN $seen AND ($only IS NULL OR far IN $only)
  AND ($include_generic OR far IN $endpoints OR NOT coalesce(y.generic, false))
RETURN near, far, COUNT { (y)--() } AS degree, facts
"""

DEGREES = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN a.id AS id, COUNT { (a)--() } AS degree"
)

FACTS_BY_ELEMENT_ID = (
    """
UNWIND $ids AS fact
MATCH ()-[r]->() WHERE elementId(r) = fact
RETURN """
    + FACT_COLUMNS
)

# Actors a path may pass through: generic ones ("Unspecified actor", "Citizen (X)") only
# when asked for; the two ends always.
PASSABLE = "$include_generic OR y.id IN $endpoints OR NOT coalesce(y.generic, false)"

# (near, far, degree of far, element ids of the facts joining them)
Neighbour = tuple[str, str, int, list[str]]
# (frontier, actors this side has seen, only these far actors or None) -> a row per new far
Neighbours = Callable[[list[str], list[str], list[str] | None], list[Neighbour]]


@dataclass
class _Side:
    """One half of a bidirectional BFS: distances from its root and every BFS parent."""

    root: str
    frontier: dict[str, int]  # actor -> degree, the cost of expanding it
    depth: int = 0
    distance: dict[str, int] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (parent, child)

    def __post_init__(self) -> None:
        self.distance[self.root] = 0

    @property
    def cost(self) -> int:
        return sum(self.frontier.values())

    def expand(self, neighbours: Neighbours, only: list[str] | None) -> set[str]:
        """Visit the next level; return the actors reached for the first time."""
        found: dict[str, int] = {}
        for near, far, degree, facts in neighbours(
            sorted(self.frontier), list(self.distance), only
        ):
            if far in self.distance:
                continue
            self.parents.setdefault(far, []).append(near)
            self.facts[(near, far)] = facts
            found[far] = degree
        self.depth += 1
        for actor in found:
            self.distance[actor] = self.depth
        self.frontier = found
        return set(found)

    def chains(self, actor: str) -> Iterator[list[str]]:
        """Every shortest chain from this side's root to `actor`, root first, in id order."""
        if actor == self.root:
            yield [actor]
            return
        for parent in sorted(self.parents[actor]):
            for chain in self.chains(parent):
                yield [*chain, actor]

    def count(self, actor: str, memo: dict[str, int]) -> int:
        if actor == self.root:
            return 1
        if actor not in memo:
            memo[actor] = sum(self.count(p, memo) for p in self.parents[actor])
        return memo[actor]


@dataclass
class ShortestRoutes:
    routes: list[list[str]]
    truncated: bool
    # For each hop of the routes, the element ids of the facts joining its two actors.
    facts: dict[frozenset[str], list[str]]


def all_shortest_routes(
    source: str,
    target: str,
    max_hops: int,
    neighbours: Neighbours,
    degrees: dict[str, int],
    limit: int,
) -> ShortestRoutes:
    """Every shortest route from source to target of at most max_hops, in id order, whether
    there were more than `limit`, and the facts along them.

    Bidirectional BFS over actors: each step expands the side whose frontier has fewer
    relationships, and stops at the first level where the sides meet. Before that level
    the visited sets are disjoint, so the shortest length is exactly the sum of the two
    depths and the meeting actors are precisely the routes' crossing points.
    """
    forward = _Side(source, {source: degrees.get(source, 0)})
    backward = _Side(target, {target: degrees.get(target, 0)})
    while forward.frontier and backward.frontier and forward.depth + backward.depth < max_hops:
        side, other = (forward, backward) if forward.cost <= backward.cost else (backward, forward)
        last = forward.depth + backward.depth + 1 == max_hops
        reached = side.expand(neighbours, sorted(other.frontier) if last else None)
        meeting = sorted(actor for actor in reached if actor in other.distance)
        if meeting:
            break
    else:
        return ShortestRoutes([], False, {})
    forward_counts: dict[str, int] = {}
    backward_counts: dict[str, int] = {}
    total = sum(
        forward.count(m, forward_counts) * backward.count(m, backward_counts) for m in meeting
    )
    every_route = (
        head + tail[-2::-1]
        for actor in meeting
        for head in forward.chains(actor)
        for tail in backward.chains(actor)
    )
    routes = sorted(islice(every_route, limit))
    # A route runs forward parents up to its meeting actor, then backward parents (the one
    # nearer the target first) down to the target.
    facts = {
        frozenset((a, b)): forward.facts.get((a, b)) or backward.facts[(b, a)]
        for route in routes
        for a, b in zip(route, route[1:], strict=False)
    }
    return ShortestRoutes(routes, total > len(routes), facts)


def shortest_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
    include_generic: bool = False,
) -> PathsResult:
    """All shortest routes using only facts valid in the window (up to ROUTE_LIMIT)."""
    cypher = NEIGHBOURS_TEMPLATE % type_alternation(filters.types) + FACT_IN_SCOPE + NEIGHBOURS_TAIL
    params = {**scope_params(scope, filters), **_generic_params(source, target, include_generic)}

    def neighbours(frontier: list[str], seen: list[str], only: list[str] | None) -> list[Neighbour]:
        rows = records(tx, cypher, frontier=frontier, seen=seen, only=only, **params)
        return [(row["near"], row["far"], row["degree"], row["facts"]) for row in rows]

    degrees = {row["id"]: row["degree"] for row in records(tx, DEGREES, ids=[source, target])}
    found = all_shortest_routes(source, target, max_hops, neighbours, degrees, ROUTE_LIMIT)
    if not found.routes:
        return PathsResult(paths=[], truncated=False)
    element_ids = sorted({fact for facts in found.facts.values() for fact in facts})
    by_hop: dict[frozenset[str], list[FactPublic]] = defaultdict(list)
    for row in records(tx, FACTS_BY_ELEMENT_ID, ids=element_ids):
        fact = FactPublic.from_record(row)
        by_hop[frozenset((fact.source, fact.target))].append(fact)
    for facts in by_hop.values():
        facts.sort(key=lambda fact: (fact.interval[0], fact.id))
    names = _names(tx, {actor for route in found.routes for actor in route})
    routes = [[names[actor] for actor in route] for route in found.routes]
    paths = build_paths(routes, by_hop, scope)
    return PathsResult(paths=paths, truncated=found.truncated)


def k_shortest_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
    k: int,
    include_generic: bool = False,
) -> PathsResult:
    """The k shortest distinct simple routes, shortest first.

    Neo4j's SHORTEST k counts each combination of parallel facts as its own path, so more
    are asked for until k distinct routes are found or there are no more.
    """
    raw = k
    while True:
        rows = records(
            tx,
            _selector_query(f"SHORTEST {raw}", max_hops, filters),
            source=source,
            target=target,
            raw_limit=raw,
            **scope_params(scope, filters),
            **_generic_params(source, target, include_generic),
        )
        routes = _distinct_routes(rows, simple_only=True)
        exhausted = len(rows) < raw
        if len(routes) >= k or exhausted or raw >= RAW_PATH_LIMIT:
            break
        raw = min(raw * 4, RAW_PATH_LIMIT)
    routes.sort(key=len)
    complete = len(routes) >= k or exhausted
    return PathsResult(
        paths=_routes_to_paths(tx, routes[:k], scope, filters), truncated=not complete
    )


# One relaxation step of the earliest-arrival search: from each frontier actor (with
# rollup, also from every actor PART_OF it), the earliest start of a fact to each neighbour
# that starts no earlier than the actor's arrival. One row per (actor, neighbour): a hub's
# thousands of facts cost one row per neighbour, and no fact is read whole until the end.
EARLIEST_STEP_TEMPLATE = """
UNWIND $frontier AS f
MATCH (anchor:Actor {id: f.id})
MATCH (x:Actor)-[:PART_OF*0..4]->(anchor) WHERE $rollup OR x = anchor
MATCH (x)-[r:%s]-(y:Actor)
WHERE r.valid_from >= f.arrival AND r.valid_from <= $latest AND """

_FAR_END = """
OPTIONAL CALL (y) {
  WITH y WHERE $rollup
  MATCH (y)-[:PART_OF*1..4]->(country:Actor {kind: 'state'})
  RETURN country LIMIT 1
}
WITH anchor, r, CASE WHEN country IS NOT NULL THEN country ELSE y END AS far
WHERE far <> anchor
"""

EARLIEST_STEP_TAIL = (
    _FAR_END
    + """
  AND ($include_generic OR far.id IN $endpoints OR NOT coalesce(far.generic, false))
RETURN anchor.id AS near, far.id AS far, min(r.valid_from) AS start
"""
)

# The facts of a found journey: for each hop, the fact with the smallest id among those
# that start on the hop's day between its two actors.
JOURNEY_FACTS_TEMPLATE = """
UNWIND $hops AS hop
MATCH (anchor:Actor {id: hop.near})
MATCH (x:Actor)-[:PART_OF*0..4]->(anchor) WHERE $rollup OR x = anchor
MATCH (x)-[r:%s]-(y:Actor)
WHERE r.valid_from = hop.start AND """

JOURNEY_FACTS_TAIL = (
    _FAR_END.replace("WITH anchor, r,", "WITH hop, anchor, r,")
    + """
  AND far.id = hop.far
WITH hop, r ORDER BY r.id
WITH hop, head(collect(r)) AS r
RETURN hop.index AS index, """
    + FACT_COLUMNS
)

# (near actor, far actor, start day of the fact, fact id, key of the fact)
Candidate = tuple[str, str, date, str, str]
Step = Callable[[dict[str, date], date], list[Candidate]]


@dataclass(frozen=True)
class _Arrival:
    day: date
    hops: int
    fact_id: str
    parent: str | None = None
    key: str | None = None


def earliest_arrival_search(
    source: str,
    departure: date,
    max_hops: int,
    step: Step,
    target: str | None = None,
    latest: date = date.max,
) -> dict[str, list[tuple[str, str, str]]]:
    """Hop-bounded earliest arrival: for every reached actor, its best journey as
    (near, far, fact key) hops.

    A journey's facts start in non-decreasing order, the first no earlier than `departure`;
    it arrives when its last fact starts. Ties go to fewer hops, then to the smaller fact
    id. This is Bellman-Ford by hops: level k holds the best arrivals using at most k facts,
    and only actors that improved at level k are expanded at level k+1.

    `step(frontier, latest)` gives, for each frontier actor (with its arrival) and each
    neighbour, the earliest fact starting no earlier than that arrival and no later than
    `latest`, as a Candidate.
    """
    levels: list[dict[str, _Arrival]] = [{source: _Arrival(departure, 0, "")}]
    frontier = {source: departure}
    for hop in range(1, max_hops + 1):
        current = dict(levels[-1])
        improved: dict[str, date] = {}
        # Once the target is reached, only a strictly earlier arrival can beat it (a tie
        # with more hops loses), so facts must start before it and so must the actors.
        bound = latest
        if target in current:
            if current[target].day <= departure:
                break
            bound = min(latest, current[target].day - timedelta(days=1))
        frontier = {node: day for node, day in frontier.items() if day <= bound}
        if not frontier:
            break
        for near, far, start, fact_id, key in step(frontier, bound):
            known = current.get(far)
            if far != source and (
                known is None or (start, hop, fact_id) < (known.day, known.hops, known.fact_id)
            ):
                current[far] = _Arrival(start, hop, fact_id, near, key)
                improved[far] = start
        levels.append(current)
        frontier = improved
        if not frontier:
            break
    journeys: dict[str, list[tuple[str, str, str]]] = {}
    for node, arrival in levels[-1].items():
        if node == source:
            continue
        chain: list[tuple[str, str, str]] = []
        cursor, here = node, arrival
        while here.parent is not None:
            assert here.key is not None
            chain.append((here.parent, cursor, here.key))
            cursor, here = here.parent, levels[here.hops - 1][here.parent]
        journeys[node] = list(reversed(chain))
    return journeys


def time_respecting_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
    include_generic: bool = False,
) -> PathsResult:
    """The earliest-arrival journey from source to target, departing no earlier than `from`."""
    cypher = (
        EARLIEST_STEP_TEMPLATE % type_alternation(filters.types)
        + FACT_IN_SCOPE
        + EARLIEST_STEP_TAIL
    )
    params = scope_params(scope, filters)
    generic = _generic_params(source, target, include_generic)

    def step(frontier: dict[str, date], latest: date) -> list[Candidate]:
        rows = records(
            tx,
            cypher,
            frontier=[{"id": node, "arrival": day} for node, day in frontier.items()],
            latest=min(latest, scope.valid_to),
            **params,
            **generic,
        )
        return [
            (r["near"], r["far"], to_native(r["start"]), "", to_native(r["start"]).isoformat())
            for r in rows
        ]

    chain = earliest_arrival_search(source, scope.valid_from, max_hops, step, target=target).get(
        target
    )
    if not chain:
        return PathsResult(paths=[], truncated=False)
    fetch = (
        JOURNEY_FACTS_TEMPLATE % type_alternation(filters.types)
        + FACT_IN_SCOPE
        + JOURNEY_FACTS_TAIL
    )
    hop_rows = [
        {"index": i, "near": near, "far": far, "start": date.fromisoformat(day)}
        for i, (near, far, day) in enumerate(chain)
    ]
    found = {
        row["index"]: FactPublic.from_record(row)
        for row in records(tx, fetch, hops=hop_rows, **params)
    }
    order = [source] + [far for _, far, _ in chain]
    names = _names(tx, set(order))
    path = journey_path([names[n] for n in order], [found[i] for i in range(len(chain))], scope)
    return PathsResult(paths=[path], truncated=False)


def journey_path(nodes: list[ActorRef], facts: list[FactPublic], scope: TimeScope) -> PathPublic:
    """A time-respecting journey through `nodes`, one fact per hop."""
    return filled(lay_out_journey(nodes, facts, scope))


def with_fact_endpoints(tx: neo4j.ManagedTransaction, result: PathsResult) -> PathsResult:
    """Each path's nodes followed by the actors its hop facts name that it does not pass
    (`LaidPath.off_path`), read from the graph."""
    laid = [LaidPath(path, [hop.facts for hop in path.hops]) for path in result.paths]
    off_path = [each.off_path() for each in laid]
    missing = sorted({end for ends in off_path for end in ends})
    if not missing:
        return result
    found = actors_by_id(tx, missing)
    paths = []
    for path, ends in zip(result.paths, off_path, strict=True):
        extra = [actor for end in ends if (actor := found.get(end)) is not None]
        paths.append(path.model_copy(update={"nodes": [*path.nodes, *extra]}))
    return result.model_copy(update={"paths": paths})


def _generic_params(source: str, target: str, include_generic: bool) -> dict[str, Any]:
    return {"include_generic": include_generic, "endpoints": [source, target]}


NAMES = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN a.id AS id, a.name AS name, a.kind AS kind"
)


def _names(tx: neo4j.ManagedTransaction, ids: set[str]) -> dict[str, ActorRef]:
    return {row["id"]: ActorRef(**row) for row in records(tx, NAMES, ids=sorted(ids))}
