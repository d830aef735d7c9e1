from __future__ import annotations

from typing import Annotated, Literal

import neo4j
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.deps import DriverDep, PathIndexDep, SettingsDep
from app.api.params import FactFilterDep, TimeScopeDep, read, resolve, resolve_all
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import EngineRecord, ModelResponse
from graph_schema.vocabulary import ActorKind
from queries.analytics import WindowQuery
from tindex.analytics import (
    ActorMonth,
    CentralityPublic,
    ClassMonth,
    actor_over_time,
    centrality,
    class_months,
)
from tindex.measures import Measure

router = APIRouter(prefix="/v1/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES)


async def window_query(
    filters: FactFilterDep,
    kind: Annotated[
        list[ActorKind] | None,
        Query(description="Only actors of these kinds (repeat for several).", examples=[["state"]]),
    ] = None,
    include_generic: Annotated[
        bool,
        Query(description="Count catch-all actors (unspecified, unidentified, code-only) too."),
    ] = False,
) -> WindowQuery:
    return WindowQuery(
        filters=filters,
        kinds=[k.value for k in kind] if kind else None,
        include_generic=include_generic,
    )


WindowQueryDep = Annotated[WindowQuery, Depends(window_query)]

ENGINE_HEADER = "X-Analytics-Engine"


Bucket = Annotated[Literal["month"], Query(description="Series step; months only for now.")]


@router.get("/centrality", response_model=CentralityPublic)
def read_centrality(
    driver: DriverDep,
    settings: SettingsDep,
    path_index: PathIndexDep,
    scope: TimeScopeDep,
    query: WindowQueryDep,
    measure: Annotated[
        Measure,
        Query(
            description="degree (distinct counterparts), pagerank (directed, weighted by facts) "
            "or betweenness (exact up to 1,500 actors, else sampled with a stated error)."
        ),
    ] = Measure.DEGREE,
    top: Annotated[int, Query(ge=1, le=1000, description="How many actors.")] = 10,
    samples: Annotated[
        int | None,
        Query(ge=8, le=5000, description="Betweenness: sources to sample (default 128)."),
    ] = None,
) -> ModelResponse:
    """The most central actors of the graph of facts valid in a window.

    Example: `?from=2018-06&to=2018-06&measure=pagerank&kind=state&top=10`.
    """
    answered = EngineRecord(ENGINE_HEADER)

    def work(tx: neo4j.ManagedTransaction) -> CentralityPublic:
        index = path_index.at_transaction(tx) if path_index is not None else None
        answered.use_index(index is not None)
        return centrality(tx, index, scope, query, measure, top, samples)

    return answered.respond(read(driver, settings, work))


class ActorSeriesPublic(BaseModel):
    actor: str
    data: list[ActorMonth]
    count: int = Field(description="Months in the series.")


@router.get("/actors/{actor}/series", response_model=ActorSeriesPublic)
def read_actor_series(
    driver: DriverDep,
    settings: SettingsDep,
    path_index: PathIndexDep,
    scope: TimeScopeDep,
    query: WindowQueryDep,
    actor: str,
    bucket: Bucket = "month",
) -> ModelResponse:
    """An actor's facts, counterparts, degree rank and PageRank, month by month, each
    against that month's graph. Example: `/v1/analytics/actors/rus/series?from=2018-01&to=2018-10`.
    """

    answered = EngineRecord(ENGINE_HEADER)

    def work(tx: neo4j.ManagedTransaction) -> ActorSeriesPublic:
        actor_id = resolve(tx, "actor", actor)
        index = path_index.at_transaction(tx) if path_index is not None else None
        answered.use_index(index is not None)
        months = actor_over_time(tx, index, actor_id, scope, query)
        return ActorSeriesPublic(actor=actor_id, data=months, count=len(months))

    return answered.respond(read(driver, settings, work))


class ClassSeriesPublic(BaseModel):
    a: str
    b: str
    data: list[ClassMonth]
    count: int = Field(description="Months in the series.")


@router.get("/relations", response_model=ClassSeriesPublic)
def read_class_series(
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    a: Annotated[str, Query(description="One actor: id, name or alias.", examples=["prk"])],
    b: Annotated[str, Query(description="The other actor.", examples=["rus"])],
    bucket: Bucket = "month",
) -> ModelResponse:
    """Cooperative against hostile facts between two actors (either direction), month by
    month, by fact class. Example: `?a=prk&b=rus&from=2023-01&to=2024-12&rollup=country`."""

    def work(tx: neo4j.ManagedTransaction) -> ClassSeriesPublic:
        x, y = resolve_all(tx, [("a", a), ("b", b)])
        months = class_months(tx, x, y, scope, filters)
        return ClassSeriesPublic(a=x, b=y, data=months, count=len(months))

    return ModelResponse(read(driver, settings, work))
