"""Paths between actors through facts valid in a window: shortest, k shortest, time-respecting.

A path is a route through actors; each hop carries every fact in scope between its two
actors, and the path says in which intervals all its hops held at once. A time-respecting
journey instead takes one fact per hop, each starting no earlier than the one before.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import neo4j
from pydantic import BaseModel, Field

from graph_schema.temporal import format_partial
from queries.facts import FACT_COLUMNS, FACT_IN_SCOPE, scope_params, type_alternation
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope
from queries.runner import records

MAX_HOPS_LIMIT = 6
# Shortest-path enumeration multiplies parallel facts hop by hop; past this many raw paths
# the answer says it was truncated rather than running without bound.
RAW_PATH_LIMIT = 2000


class PathMode(StrEnum):
    SHORTEST = "shortest"
    K_SHORTEST = "k_shortest"
    TIME_RESPECTING = "time_respecting"


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
    truncated: bool = Field(description="True if the enumeration hit its limit.")


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


def held_intervals(hops: list[list[FactPublic]], scope: TimeScope) -> list[tuple[date, date]]:
    """When every hop had at least one valid fact at once, clipped to the window."""
    common = [(scope.valid_from, scope.valid_to)]
    for facts in hops:
        common = _intersect(common, _interval_union(f.interval for f in facts))
    return common


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
    return f"""
MATCH (s:Actor {{id: $source}}), (t:Actor {{id: $target}})
MATCH p = {selector} (s)-[r:{type_alternation(filters.types)} WHERE {inline}]-{{1,{max_hops}}}(t)
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
    paths = []
    for nodes in routes:
        hops = [
            Hop(source=a["id"], target=b["id"], facts=facts.get(frozenset((a["id"], b["id"])), []))
            for a, b in zip(nodes, nodes[1:], strict=False)
        ]
        held = held_intervals([h.facts for h in hops], scope)
        paths.append(
            PathPublic(
                nodes=[ActorRef(**n) for n in nodes],
                hops=hops,
                length=len(hops),
                held=_as_intervals(held),
            )
        )
    return paths


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


def shortest_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
) -> PathsResult:
    """All shortest routes using only facts valid in the window."""
    rows = records(
        tx,
        _selector_query("ALL SHORTEST", max_hops, filters),
        source=source,
        target=target,
        raw_limit=RAW_PATH_LIMIT,
        **scope_params(scope, filters),
    )
    routes = _distinct_routes(rows, simple_only=True)
    return PathsResult(
        paths=_routes_to_paths(tx, routes, scope, filters), truncated=len(rows) >= RAW_PATH_LIMIT
    )


def k_shortest_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
    k: int,
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


# From each frontier actor (with rollup, also from every actor PART_OF it), the facts that
# start no earlier than the departure; the far end is rolled up to its country on request.
NEIGHBOUR_FACTS_TEMPLATE = """
UNWIND $frontier AS actor_id
MATCH (anchor:Actor {id: actor_id})
MATCH (x:Actor)-[:PART_OF*0..4]->(anchor) WHERE $rollup OR x = anchor
MATCH (x)-[r:%s]-(y:Actor)
WHERE r.valid_from >= $departure AND """

NEIGHBOUR_FACTS_TAIL = """
OPTIONAL CALL (y) {
  MATCH (y)-[:PART_OF*1..4]->(country:Actor {kind: 'state'})
  RETURN country LIMIT 1
}
WITH anchor, r, CASE WHEN $rollup AND country IS NOT NULL THEN country ELSE y END AS far
WHERE far <> anchor
RETURN DISTINCT anchor.id AS near_id, far.id AS far_id, """

Link = tuple[str, str, FactPublic]


def earliest_arrival(
    links: Iterable[Link], source: str, departure: date, max_hops: int
) -> dict[str, list[Link]]:
    """Earliest-arrival journeys from `source`, each at most `max_hops` facts long.

    A journey's facts start in non-decreasing order, the first no earlier than `departure`;
    it arrives when its last fact starts. Links are undirected: a fact connects its two
    actors whichever way it points. Ties go to fewer hops, then to fact id.
    """
    adjacency: dict[str, list[tuple[date, str, Link]]] = defaultdict(list)
    for link in links:
        u, v, fact = link
        start = fact.interval[0]
        if start < departure:
            continue
        adjacency[u].append((start, v, link))
        adjacency[v].append((start, u, (v, u, fact)))
    # Label-setting over (arrival, hops): a state is dominated if the actor was reached no
    # later with no more hops. Revisiting an actor never helps (cutting the loop keeps the
    # journey time-respecting with fewer hops), so dominance alone keeps journeys simple.
    best: dict[str, list[tuple[date, int]]] = defaultdict(list)
    journeys: dict[str, list[Link]] = {}
    heap: list[tuple[date, int, str, str, tuple[Link, ...]]] = [(departure, 0, "", source, ())]
    while heap:
        arrival, hops, _, node, path = heapq.heappop(heap)
        if any(a <= arrival and h <= hops for a, h in best[node]):
            continue
        best[node].append((arrival, hops))
        if node != source and node not in journeys:
            journeys[node] = list(path)
        if hops == max_hops:
            continue
        for start, neighbour, link in adjacency[node]:
            if start >= arrival:
                heapq.heappush(heap, (start, hops + 1, link[2].id, neighbour, (*path, link)))
    return journeys


def time_respecting_paths(
    tx: neo4j.ManagedTransaction,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    max_hops: int,
) -> PathsResult:
    """The earliest-arrival journey from source to target, departing no earlier than `from`."""
    links: dict[tuple[str, str, str, int | None], Link] = {}
    frontier = {source}
    reached = {source}
    cypher = (
        NEIGHBOUR_FACTS_TEMPLATE % type_alternation(filters.types)
        + FACT_IN_SCOPE
        + NEIGHBOUR_FACTS_TAIL
        + FACT_COLUMNS
    )
    for _ in range(max_hops):
        if not frontier:
            break
        rows = records(
            tx,
            cypher,
            frontier=sorted(frontier),
            departure=scope.valid_from,
            **scope_params(scope, filters),
        )
        next_frontier: set[str] = set()
        for row in rows:
            fact = FactPublic.from_record(row)
            near, far = row["near_id"], row["far_id"]
            links[(min(near, far), max(near, far), fact.id, fact.version)] = (near, far, fact)
            if far not in reached:
                next_frontier.add(far)
        reached |= next_frontier
        frontier = next_frontier
    journey = earliest_arrival(links.values(), source, scope.valid_from, max_hops).get(target)
    if journey is None:
        return PathsResult(paths=[], truncated=False)
    order = [source] + [v for _, v, _ in journey]
    names = _names(tx, set(order))
    hops = [Hop(source=u, target=v, facts=[fact]) for u, v, fact in journey]
    held = held_intervals([h.facts for h in hops], scope)
    path = PathPublic(
        nodes=[names[n] for n in order],
        hops=hops,
        length=len(hops),
        held=_as_intervals(held),
        departure=format_partial(journey[0][2].interval[0], "day"),
        arrival=format_partial(journey[-1][2].interval[0], "day"),
    )
    return PathsResult(paths=[path], truncated=False)


NAMES = (
    "UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN a.id AS id, a.name AS name, a.kind AS kind"
)


def _names(tx: neo4j.ManagedTransaction, ids: set[str]) -> dict[str, ActorRef]:
    return {row["id"]: ActorRef(**row) for row in records(tx, NAMES, ids=sorted(ids))}
