from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import FactFilterDep, TimeScopeDep, read, resolve
from app.api.problems import PROBLEM_RESPONSES
from queries.paths import (
    MAX_HOPS_LIMIT,
    PathMode,
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
) -> PathsResult:
    """Routes between two actors using only facts valid in the window.

    Example: `?source=prk&target=ukr&from=2024-06&to=2024-10&mode=time_respecting` asks how
    North Korea reaches Ukraine through what happened between June and October 2024.
    """

    def work(tx: neo4j.ManagedTransaction) -> PathsResult:
        source_id, target_id = resolve(tx, "source", source), resolve(tx, "target", target)
        if mode is PathMode.SHORTEST:
            return shortest_paths(tx, source_id, target_id, scope, filters, max_hops)
        if mode is PathMode.K_SHORTEST:
            return k_shortest_paths(tx, source_id, target_id, scope, filters, max_hops, k)
        return time_respecting_paths(tx, source_id, target_id, scope, filters, max_hops)

    return read(driver, settings, work)
