from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import (
    DATE_HELP,
    FactFilterDep,
    IncludeGenericQuery,
    read,
    resolve_all,
    scope_from,
    split_ids,
)
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from graph_schema.errors import InvalidQueryError
from queries.graph import Aggregate, ScanParams, ego_graph
from queries.timeslider import (
    MAX_BUCKETS,
    HistogramPublic,
    Resolution,
    TimeExtentPublic,
    bucket_starts,
    dense_histogram,
    fact_intervals,
    time_extent,
    window_of,
)

router = APIRouter(prefix="/v1/time", tags=["time slider"], responses=PROBLEM_RESPONSES)


@router.get("/extent", response_model=TimeExtentPublic)
def read_time_extent(driver: DriverDep, settings: SettingsDep) -> ModelResponse:
    """First and last day of validity of the current facts, overall and per dataset: the
    ends of a time slider."""
    return ModelResponse(read(driver, settings, time_extent))


@router.get("/histogram", response_model=HistogramPublic)
def read_time_histogram(
    driver: DriverDep,
    settings: SettingsDep,
    filters: FactFilterDep,
    resolution: Annotated[
        Resolution, Query(description="Bucket size: day, week (ISO, from Monday), month, year.")
    ] = Resolution.MONTH,
    from_: Annotated[
        str | None,
        Query(alias="from", description=f"Start; default: the first fact. {DATE_HELP}"),
    ] = None,
    to: Annotated[str | None, Query(description="End; default: the last fact.")] = None,
    known_at: Annotated[str | None, Query(description="Transaction time, as elsewhere.")] = None,
    actors: Annotated[
        list[str] | None,
        Query(description="Only facts touching these actors (repeat, or comma-separated)."),
    ] = None,
    depth: Annotated[
        int,
        Query(
            ge=0,
            le=3,
            description="With actors and depth >= 1: the facts among the nodes of the ego "
            "network `/v1/graph` draws for the whole window (same budget).",
        ),
    ] = 0,
    max_nodes: Annotated[int, Query(ge=1, le=5000, description="As in /v1/graph.")] = 150,
    include_generic: IncludeGenericQuery = False,
) -> ModelResponse:
    """Facts valid in each bucket of a window, every bucket listed (zeros included): the bars
    under a time slider, for the whole graph, an actor, or an ego network.

    A fact counts in every bucket it is valid in: a pact signed in 2023 and still in force
    counts in every month since.
    """
    scope = scope_from(None, from_ or "0001", to or "9999", known_at)
    scan = ScanParams(scope=scope, filters=filters, include_generic=include_generic)
    names = split_ids(actors, "actors", settings.max_list_items) if actors is not None else None

    def work(tx: neo4j.ManagedTransaction) -> HistogramPublic:
        # The extent is a scan of every fact: only asked for when a bound is missing.
        extent = time_extent(tx).overall if not (from_ and to) else None
        window = window_of(scope, extent)
        if window is None:
            raise InvalidQueryError("from", from_, "the graph holds no dated fact to count")
        first, last = window
        if len(bucket_starts(resolution, first, last)) > MAX_BUCKETS:
            raise InvalidQueryError(
                "resolution",
                resolution.value,
                f"more than {MAX_BUCKETS} buckets; use a coarser one",
            )
        ids = resolve_all(tx, [("actors", n) for n in names]) if names is not None else None
        among = False
        if ids is not None and depth >= 1:
            ego = ego_graph(tx, ids, depth, scan, Aggregate.PAIR, True, max_nodes, 20000)
            ids, among = [node.id for node in ego.nodes], True
        return dense_histogram(fact_intervals(tx, scan, ids, among), resolution, first, last)

    return ModelResponse(read(driver, settings, work))
