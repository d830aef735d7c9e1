"""Networks for drawing: ego networks aggregated per actor pair, a node budget ranked by
weight, neighbours to expand one node, and the counts a time slider needs.

One scan underlies them all (`PAIR_SCAN`): the facts in scope touching a set of actors, with
each fact's far end rolled up to its country on request and generic actors left out unless
asked for. What differs is the tail: facts folded per pair (or per pair and type), or facts
one by one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from enum import StrEnum
from typing import Any, LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.temporal import OPEN_END, OPEN_START
from queries.facts import FACT_COLUMNS, FACT_IN_SCOPE, scope_params, type_alternation
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope
from queries.runner import records


class Aggregate(StrEnum):
    PAIR = "pair"
    PAIR_TYPE = "pair_type"
    NONE = "none"


class GraphNode(ActorRef):
    depth: int = Field(description="Hops from the nearest centre actor (0 for a centre).")
    weight: int = Field(description="Facts in scope on the node's edges in this answer.")
    degree: int = Field(description="Edges of the node in this answer.")
    parent: str | None = Field(
        default=None,
        description="The actor this one is PART_OF, when that actor is in the answer too "
        "(a compound node in Cytoscape).",
    )


class GraphEdge(BaseModel):
    """Facts between two actors folded into one edge (or one fact, with aggregate=none)."""

    id: str = Field(description="Stable edge id: `source|target` (`|type` per type).")
    source: str = Field(description="One end: always among the answer's nodes.")
    target: str = Field(description="The other end: always among the answer's nodes.")
    type: str | None = Field(
        default=None, description="The relationship type, with aggregate=pair_type or none."
    )
    count: int = Field(description="Facts in scope folded into this edge.")
    first: date | None = Field(description="Earliest first day of validity; null if open.")
    last: date | None = Field(description="Latest last day of validity; null if ongoing.")
    types: dict[str, int] = Field(description="Facts per relationship type.")
    statuses: dict[str, int] = Field(description="Facts per status (asserted, contested...).")
    classes: dict[str, int] = Field(
        description="Facts per fact class (verbal/material cooperation/conflict), for facts "
        "that have one."
    )
    fact_ids: list[str] = Field(description="Fact ids, earliest first, at most max_fact_ids.")
    fact: FactPublic | None = Field(
        default=None, description="The fact itself, with aggregate=none."
    )


class GraphPublic(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    total_nodes: int = Field(
        description="Actors the expansion reached before the node budget (depth 2+ expands "
        "only the nodes kept at the level before)."
    )
    total_edges: int = Field(description="Edges among those actors before any cut.")
    truncated: bool = Field(description="True if nodes or edges were left out.")
    truncated_reason: list[str] = Field(
        description="Why: `max_nodes` (node budget reached) and/or `max_edges`."
    )


# The rows of one scan: anchor (an actor of $frontier), y (the far end, rolled up on
# request), r (a fact in scope). Generic actors are left out as far ends unless asked for.
# Without rollup the scan is one expansion per anchor; the rollup variant walks PART_OF on
# both sides, a subquery per row that the plain one should not pay for.
PAIR_SCAN: LiteralString = """
UNWIND $frontier AS anchor_id
MATCH (anchor:Actor {id: anchor_id})-[r:%s]-(y:Actor)
WHERE y <> anchor
  AND ($only IS NULL OR (y.id IN $only AND (NOT $halve OR anchor.id < y.id)))
  AND ($include_generic OR coalesce(y.generic, false) = false)
  AND """

ROLLUP_SCAN: LiteralString = """
UNWIND $frontier AS anchor_id
MATCH (anchor:Actor {id: anchor_id})
CALL (anchor) {
  MATCH (member:Actor)-[:PART_OF*0..4]->(anchor)
  RETURN DISTINCT member
}
MATCH (member)-[r:%s]-(other:Actor)
WHERE """

ROLLUP_SCAN_TAIL: LiteralString = """
OPTIONAL CALL (other) {
  MATCH (other)-[:PART_OF*1..4]->(country:Actor {kind: 'state'})
  RETURN country LIMIT 1
}
WITH anchor, r, coalesce(country, other) AS y
WHERE y <> anchor
  AND ($include_generic OR coalesce(y.generic, false) = false)
  AND ($only IS NULL OR (y.id IN $only AND (NOT $halve OR anchor.id < y.id)))
"""

# The earliest fact ids of each edge are sorted within the edge, not the whole scan in one
# ORDER BY: a third of the time of an induced graph of hubs. An id follows its day and a space.
PAIR_FOLD: LiteralString = """
WITH anchor.id AS a, y.id AS b, CASE WHEN $by_type THEN type(r) END AS t, r
RETURN a, b, t, count(*) AS count,
       toString(min(r.valid_from)) AS first, toString(max(r.valid_to)) AS last,
       apoc.coll.frequenciesAsMap(collect(type(r))) AS types,
       apoc.coll.frequenciesAsMap(collect(coalesce(r.status, 'asserted'))) AS statuses,
       apoc.coll.frequenciesAsMap(collect(r.fact_class)) AS classes,
       apoc.coll.sort(collect(toString(r.valid_from) + ' ' + r.id))[..$max_ids] AS fact_ids
"""

FACT_ROWS: LiteralString = (
    """
WITH anchor.id AS a, y.id AS b, r
ORDER BY r.valid_from, r.id
RETURN a, b, """
    + FACT_COLUMNS
)


def pair_scan(filters: FactFilter) -> str:
    types = type_alternation(filters.types)
    if filters.rollup:
        return ROLLUP_SCAN % types + FACT_IN_SCOPE + ROLLUP_SCAN_TAIL
    return PAIR_SCAN % types + FACT_IN_SCOPE


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    day = date.fromisoformat(text)
    return None if day in (OPEN_START, OPEN_END) else day


def _key(a: str, b: str, t: str | None) -> str:
    return f"{a}|{b}|{t}" if t else f"{a}|{b}"


class ScanParams(BaseModel):
    """What every scan shares besides the frontier."""

    scope: TimeScope
    filters: FactFilter
    include_generic: bool = False
    max_fact_ids: int = 20

    def params(self) -> dict[str, Any]:
        return {
            **scope_params(self.scope, self.filters),
            "include_generic": self.include_generic,
            "max_ids": self.max_fact_ids,
        }


def pair_edges(
    tx: neo4j.ManagedTransaction,
    frontier: list[str],
    scan: ScanParams,
    aggregate: Aggregate,
    only: list[str] | None = None,
) -> list[GraphEdge]:
    """Edges from the frontier actors to anyone (or to the `only` actors), either direction.

    An edge between two frontier actors is returned once, with its ends in id order.
    """
    if aggregate is Aggregate.NONE:
        return _fact_edges(tx, frontier, scan, only)
    rows = records(
        tx,
        pair_scan(scan.filters) + PAIR_FOLD,
        frontier=frontier,
        only=only,
        halve=_halves(frontier, only),
        by_type=aggregate is Aggregate.PAIR_TYPE,
        **scan.params(),
    )
    edges: dict[str, GraphEdge] = {}
    for row in rows:
        source, target = sorted((row["a"], row["b"]))
        key = _key(source, target, row["t"])
        if key in edges:
            continue
        edges[key] = GraphEdge(
            id=key,
            source=source,
            target=target,
            type=row["t"],
            count=row["count"],
            first=_day(row["first"]),
            last=_day(row["last"]),
            types=row["types"],
            statuses=row["statuses"],
            classes=row["classes"],
            fact_ids=[key.split(" ", 1)[1] for key in row["fact_ids"]],
        )
    return list(edges.values())


def _halves(frontier: list[str], only: list[str] | None) -> bool:
    # Edges among one set are found from both ends; one end (the lower id) is enough.
    return only is not None and set(only) == set(frontier)


def _fact_edges(
    tx: neo4j.ManagedTransaction, frontier: list[str], scan: ScanParams, only: list[str] | None
) -> list[GraphEdge]:
    rows = records(
        tx,
        pair_scan(scan.filters) + FACT_ROWS,
        frontier=frontier,
        only=only,
        halve=_halves(frontier, only),
        **scan.params(),
    )
    edges: dict[str, GraphEdge] = {}
    for row in rows:
        fact = FactPublic.from_record(row)
        key = f"{fact.id}@{fact.version}" if fact.version is not None else fact.id
        if key in edges:
            continue
        # Drawn between the answer's nodes: with rollup those are the countries, not the
        # sub-actors the fact names (the fact itself keeps its own ends).
        source, target = (row["a"], row["b"]) if fact.source != row["b"] else (row["b"], row["a"])
        first, last = fact.interval
        edges[key] = GraphEdge(
            id=key,
            source=source,
            target=target,
            type=fact.type,
            count=1,
            first=None if first == OPEN_START else first,
            last=None if last == OPEN_END else last,
            types={fact.type: 1},
            statuses={fact.status: 1},
            classes={str(row["props"]["fact_class"]): 1} if row["props"].get("fact_class") else {},
            fact_ids=[fact.id],
            fact=fact,
        )
    return list(edges.values())


ACTOR_NODES: LiteralString = """
UNWIND $ids AS wanted
MATCH (a:Actor {id: wanted})
RETURN a.id AS id, a.name AS name, a.kind AS kind,
       [(a)-[:PART_OF]->(p:Actor) WHERE p.id IN $ids | p.id][0] AS parent
"""


def _rank(weights: dict[str, int], degrees: dict[str, int]) -> list[str]:
    # Heaviest first, then best connected, then by id: the same answer every time.
    return sorted(weights, key=lambda node: (-weights[node], -degrees[node], node))


def _tally(
    edges: list[GraphEdge], among: set[str] | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    weights: dict[str, int] = defaultdict(int)
    degrees: dict[str, int] = defaultdict(int)
    for edge in edges:
        if among is not None and not (edge.source in among and edge.target in among):
            continue
        for end in (edge.source, edge.target):
            weights[end] += edge.count
            degrees[end] += 1
    return weights, degrees


def ego_graph(
    tx: neo4j.ManagedTransaction,
    centres: list[str],
    depth: int,
    scan: ScanParams,
    aggregate: Aggregate,
    induced: bool,
    max_nodes: int,
    max_edges: int,
) -> GraphPublic:
    """Actors within `depth` hops of the centres, the heaviest first within `max_nodes`.

    Each level expands the nodes kept at the level before and ranks the actors it reaches
    by the facts joining them to the kept ones (then degree, then id) before the budget
    cuts; so the cut is the same on every call and keeps what matters most. Without
    `induced`, edges are those the expansion walked (each node to the level before it);
    with it, every edge among the kept nodes.
    """
    depth_of = dict.fromkeys(centres, 0)
    walked: dict[str, GraphEdge] = {}
    reached: set[str] = set(centres)
    cut_nodes = False
    frontier = list(centres)
    for level in range(1, depth + 1):
        if not frontier:
            break
        found = pair_edges(tx, frontier, scan, aggregate)
        newcomers = [e for e in found if e.source not in depth_of or e.target not in depth_of]
        for edge in found:
            walked.setdefault(edge.id, edge)
        weights, degrees = _tally(newcomers)
        candidates = [node for node in _rank(weights, degrees) if node not in depth_of]
        reached.update(candidates)
        room = max(max_nodes - len(depth_of), 0)
        if len(candidates) > room:
            cut_nodes = True
        frontier = candidates[:room]
        depth_of.update(dict.fromkeys(frontier, level))
    kept = set(depth_of)
    if induced:
        pool = pair_edges(tx, sorted(kept), scan, aggregate, only=sorted(kept))
    else:
        pool = list(walked.values())
    total_edges = max(len(walked), len(pool))
    pool = [e for e in pool if e.source in kept and e.target in kept]
    if not induced:
        # Two kept nodes of the same level may share an edge that the expansion saw but
        # did not walk; only centres are joined to each other.
        pool = [e for e in pool if _walked(depth_of[e.source], depth_of[e.target])]
    pool.sort(key=lambda e: (-e.count, e.id))
    cut_edges = len(pool) > max_edges
    edges = pool[:max_edges]
    return _graph(tx, depth_of, edges, len(reached), total_edges, cut_nodes, cut_edges)


def _walked(depth_a: int, depth_b: int) -> bool:
    return abs(depth_a - depth_b) == 1 or depth_a == depth_b == 0


def _graph(
    tx: neo4j.ManagedTransaction,
    depth_of: dict[str, int],
    edges: list[GraphEdge],
    total_nodes: int,
    total_edges: int,
    cut_nodes: bool,
    cut_edges: bool,
) -> GraphPublic:
    weights, degrees = _tally(edges)
    # No orphans: a node stays if an edge drawn touches it, or if it was asked for.
    shown = {node for node, depth in depth_of.items() if depth == 0 or degrees.get(node)}
    rows = records(tx, ACTOR_NODES, ids=sorted(shown))
    nodes = [
        GraphNode(
            **row,
            depth=depth_of[row["id"]],
            weight=weights.get(row["id"], 0),
            degree=degrees.get(row["id"], 0),
        )
        for row in rows
    ]
    nodes.sort(key=lambda n: (n.depth, -n.weight, n.id))
    reasons = [name for name, cut in (("max_nodes", cut_nodes), ("max_edges", cut_edges)) if cut]
    return GraphPublic(
        nodes=nodes,
        edges=edges,
        total_nodes=max(total_nodes, len(nodes)),
        total_edges=max(total_edges, len(edges)),
        truncated=bool(reasons),
        truncated_reason=reasons,
    )


class NeighbourPublic(BaseModel):
    node: GraphNode = Field(description="The neighbour, ready to add to a drawing.")
    edges: list[GraphEdge] = Field(
        description="Its edges to the expanded actor and to the `held` actors."
    )


def neighbours(
    tx: neo4j.ManagedTransaction,
    actor_id: str,
    scan: ScanParams,
    aggregate: Aggregate,
    exclude: set[str],
    held: list[str],
    offset: int,
    limit: int,
) -> tuple[list[NeighbourPublic], int]:
    """One page of an actor's neighbours, heaviest first, leaving out `exclude`.

    Returns:
        The page, and how many neighbours there are in all (excluded ones not counted).
    """
    found = pair_edges(tx, [actor_id], scan, aggregate)
    weights, degrees = _tally(found)
    ranked = [n for n in _rank(weights, degrees) if n != actor_id and n not in exclude]
    chosen = ranked[offset : offset + limit]
    if not chosen:
        return [], len(ranked)
    to_held = pair_edges(tx, chosen, scan, aggregate, only=held) if held else []
    by_node: dict[str, list[GraphEdge]] = defaultdict(list)
    for edge in [*found, *to_held]:
        for end in (edge.source, edge.target):
            if end in chosen and edge not in by_node[end]:
                by_node[end].append(edge)
    rows = {row["id"]: row for row in records(tx, ACTOR_NODES, ids=[*chosen, actor_id, *held])}
    page = [
        NeighbourPublic(
            node=GraphNode(
                **rows[node],
                depth=1,
                weight=weights[node],
                degree=degrees[node],
            ),
            edges=by_node[node],
        )
        for node in chosen
        if node in rows
    ]
    return page, len(ranked)
