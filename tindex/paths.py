"""/v1/paths answers from the index: routes found on the index, their facts read from Neo4j
by relationship id in one query (or kept from an earlier answer at the same graph version),
in the response shape of queries/paths.py."""

from __future__ import annotations

from collections import defaultdict
from threading import Lock

import neo4j

from queries.index_feed import facts_by_relationship_id
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope
from queries.paths import (
    ROUTE_LIMIT,
    PathMode,
    PathsResult,
    build_paths,
    journey_path,
    k_shortest_paths,
    shortest_paths,
    time_respecting_paths,
)
from tindex.index import Query, TemporalIndex
from tindex.search import (
    Deadline,
    all_shortest_routes,
    earliest_arrival,
    k_shortest_routes,
    make_view,
)

# Facts kept per index: 6.4 kB each as models (128 MB for 20,000 ICEWS18 facts, measured),
# so a few hub pairs' hops (up to 1,500 facts a month each) and no more: about 32 MB.
FACTS_KEPT = 5_000
_FACTS_LOCK = Lock()


def hop_facts(
    tx: neo4j.ManagedTransaction, index: TemporalIndex, rels: list[int]
) -> dict[int, FactPublic]:
    """The facts with these relationship ids: those an earlier answer at this graph version
    read from memory, the others from Neo4j in one query."""
    kept = index.facts_read
    with _FACTS_LOCK:
        found = {rel: kept[rel] for rel in rels if rel in kept}
        for rel in found:
            kept.move_to_end(rel)
    missing = [rel for rel in rels if rel not in found]
    if missing:
        fresh = facts_by_relationship_id(tx, missing)
        found.update(fresh)
        with _FACTS_LOCK:
            kept.update(fresh)
            while len(kept) > FACTS_KEPT:
                kept.popitem(last=False)
    return found


def find_paths(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex | None,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    *,
    mode: PathMode,
    max_hops: int,
    k: int,
    include_generic: bool,
    deadline: Deadline,
) -> PathsResult:
    """The paths answer for `mode`: searched on `index` when there is one (at the graph
    version of `tx`), else by the Cypher search of queries/paths.py; the same answer."""
    if index is not None:
        return index_paths(
            tx,
            index,
            source,
            target,
            scope,
            filters,
            mode=mode,
            max_hops=max_hops,
            k=k,
            include_generic=include_generic,
            deadline=deadline,
        )
    if mode is PathMode.SHORTEST:
        return shortest_paths(tx, source, target, scope, filters, max_hops, include_generic)
    if mode is PathMode.K_SHORTEST:
        return k_shortest_paths(tx, source, target, scope, filters, max_hops, k, include_generic)
    return time_respecting_paths(tx, source, target, scope, filters, max_hops, include_generic)


def index_paths(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    *,
    mode: PathMode,
    max_hops: int,
    k: int,
    include_generic: bool,
    deadline: Deadline,
) -> PathsResult:
    """The answer of queries.paths for `mode`, searched on the index (actor ids it does not
    know have no paths, as in Cypher)."""
    empty = PathsResult(paths=[], truncated=False, graph_version=index.version)
    dense = index.actors.dense
    if source not in dense or target not in dense:
        return empty
    s, t = dense[source], dense[target]
    view = make_view(index, Query.of(scope, filters, include_generic), (s, t))
    if mode is PathMode.TIME_RESPECTING:
        journey = earliest_arrival(view, s, t, max_hops, deadline)
        if journey is None:
            return empty
        hop_rels = [int(index.facts.rel[row]) for hop in journey for row in hop.rows]
        facts = hop_facts(tx, index, hop_rels)
        # Of the facts starting on a hop's day, the one with the smallest id (as in Cypher).
        chosen = [
            min(
                (facts[int(index.facts.rel[row])] for row in hop.rows),
                key=lambda fact: fact.id,
            )
            for hop in journey
        ]
        nodes = [_ref(index, journey[0].near)] + [_ref(index, hop.far) for hop in journey]
        return empty.model_copy(update={"paths": [journey_path(nodes, chosen, scope)]})
    if mode is PathMode.SHORTEST:
        found = all_shortest_routes(view, s, t, max_hops, ROUTE_LIMIT, deadline)
    else:
        found = k_shortest_routes(view, s, t, max_hops, k, deadline)
    if not found.routes:
        return empty
    pairs = {
        (a, b) if a < b else (b, a)
        for route in found.routes
        for a, b in zip(route, route[1:], strict=False)
    }
    rows_of = {pair: view.pair_rows(*pair) for pair in pairs}
    rels = sorted({int(r) for rows in rows_of.values() for r in index.facts.rel[rows]})
    facts = hop_facts(tx, index, rels)
    by_hop: dict[frozenset[str], list[FactPublic]] = defaultdict(list)
    for (a, b), rows in rows_of.items():
        hop = frozenset((index.actors.ids[a], index.actors.ids[b]))
        by_hop[hop] = sorted(
            (facts[int(rel)] for rel in index.facts.rel[rows]),
            key=lambda fact: (fact.interval[0], fact.id),
        )
    routes = [[_ref(index, actor) for actor in route] for route in found.routes]
    return PathsResult(
        paths=build_paths(routes, by_hop, scope),
        truncated=found.truncated,
        graph_version=index.version,
    )


def _ref(index: TemporalIndex, actor: int) -> ActorRef:
    a = index.actors
    return ActorRef(id=a.ids[actor], name=a.names[actor], kind=a.kinds[actor])


def same_answer(mode: PathMode, by_index: PathsResult, by_cypher: PathsResult) -> bool:
    """Whether the index answered as the Cypher search: the same shortest answer in full
    (when it lists every route: past 200, each lists 200 of them), k routes of the same
    lengths (as many as Cypher found, when it stopped at its limit), or a journey arriving
    on the same day (ties between journeys may differ)."""
    if mode is PathMode.SHORTEST:
        if by_cypher.truncated:
            return by_index.truncated and len(by_index.paths) == len(by_cypher.paths)
        return by_index.model_dump(exclude={"graph_version"}) == by_cypher.model_dump(
            exclude={"graph_version"}
        )
    if mode is PathMode.K_SHORTEST:
        lengths = [p.length for p in by_index.paths]
        # Cypher gives up past its limit of raw paths (each mix of a hub pair's parallel
        # facts counts as one) and says so: its routes are then the first of the index's.
        if by_cypher.truncated and not by_index.truncated:
            lengths = lengths[: len(by_cypher.paths)]
        return lengths == [p.length for p in by_cypher.paths]
    return [p.arrival for p in by_index.paths] == [p.arrival for p in by_cypher.paths]
