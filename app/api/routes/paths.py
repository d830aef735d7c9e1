from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import FactFilterDep, TimeScopeDep, answer_by_ids, read, resolve_all
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from graph_schema.errors import InvalidQueryError
from queries.facts import actors_by_id
from queries.paths import (
    MAX_HOPS_LIMIT,
    PathMode,
    PathPublic,
    PathsResult,
    k_shortest_paths,
    shortest_paths,
    time_respecting_paths,
)

router = APIRouter(prefix="/v1/paths", tags=["paths"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=PathsResult)
def read_paths(
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    source: Annotated[
        str, Query(description="Where paths start: id, name or alias.", examples=["prk"])
    ],
    target: Annotated[str, Query(description="Where paths end.", examples=["ukr"])],
    mode: Annotated[
        PathMode,
        Query(
            description="shortest (all shortest routes), k_shortest, or "
            "time_respecting (earliest-arrival journey, facts in time order)."
        ),
    ] = PathMode.SHORTEST,
    max_hops: Annotated[
        int, Query(ge=1, le=MAX_HOPS_LIMIT, description="Longest path considered.")
    ] = 4,
    k: Annotated[int, Query(ge=1, le=50, description="How many routes, for k_shortest.")] = 3,
) -> ModelResponse:
    """Routes between two actors using only facts valid in the window.

    Example: `?source=prk&target=ukr&from=2024-06&to=2024-10&mode=time_respecting` asks how
    North Korea reaches Ukraine through what happened between June and October 2024.
    """

    def search(tx: neo4j.ManagedTransaction, ids: list[str]) -> PathsResult:
        source_id, target_id = ids
        if source_id == target_id:
            raise InvalidQueryError(
                "target", target, f"is the source itself ({source_id}); a path joins two actors"
            )
        if mode is PathMode.SHORTEST:
            return shortest_paths(tx, source_id, target_id, scope, filters, max_hops)
        if mode is PathMode.K_SHORTEST:
            return k_shortest_paths(tx, source_id, target_id, scope, filters, max_hops, k)
        return time_respecting_paths(tx, source_id, target_id, scope, filters, max_hops)

    def work(tx: neo4j.ManagedTransaction) -> PathsResult:
        named = [("source", source), ("target", target)]
        if source == target:  # an unknown name is still a 404 before it is a 422
            return search(tx, resolve_all(tx, named))
        result = answer_by_ids(
            tx, named, lambda ids: search(tx, ids), found=lambda result: bool(result.paths)
        )
        return with_fact_endpoints(tx, result)

    return ModelResponse(read(driver, settings, work))


def with_fact_endpoints(tx: neo4j.ManagedTransaction, result: PathsResult) -> PathsResult:
    """Each path's nodes followed by any actor its hop facts name that the path does not
    (a ministry or armed force, with rollup): a drawing library refuses an edge whose end
    is not a node."""
    named = {
        end
        for path in result.paths
        for hop in path.hops
        for fact in hop.facts
        for end in (fact.source, fact.target)
    }
    missing = named - {node.id for path in result.paths for node in path.nodes}
    if not missing:
        return result
    found = actors_by_id(tx, sorted(missing))
    paths: list[PathPublic] = []
    for path in result.paths:
        on_path = {node.id for node in path.nodes}
        ends = sorted(
            {end for hop in path.hops for fact in hop.facts for end in (fact.source, fact.target)}
            - on_path
        )
        extra = [actor for end in ends if (actor := found.get(end)) is not None]
        paths.append(path.model_copy(update={"nodes": [*path.nodes, *extra]}))
    return result.model_copy(update={"paths": paths})
