from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Literal

import neo4j
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from app.api.deps import DriverDep, SettingsDep
from app.api.params import (
    DATE_PATTERN,
    MAX_SEARCH_CHARS,
    TIMESTAMP_PATTERN,
    AggregateQuery,
    FactFilterDep,
    IncludeGenericQuery,
    ListPublic,
    MaxFactIdsQuery,
    PageDep,
    TimeScopeDep,
    answer_by_ids,
    next_cursor,
    page_from_overfetch,
    paginate,
    read,
    resolve,
    scope_from,
    search_words,
)
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from graph_schema.errors import NotFoundError
from graph_schema.vocabulary import ActorKind
from queries.actors import ActorDetail, ActorHit, actor_detail, search_actors
from queries.events import TimelineBucket, TimelineEntry, timeline, timeline_buckets
from queries.facts import actor_facts
from queries.graph import Aggregate, NeighbourPublic, ScanParams, neighbours
from queries.models import ActorRef, FactPublic

router = APIRouter(prefix="/v1/actors", tags=["actors"], responses=PROBLEM_RESPONSES)

ActorIdPath = Annotated[
    str,
    Path(
        description="Actor id (`prk`), or a name or alias (`DPRK`, `North Korea`).",
        examples=["prk"],
    ),
]


@router.get("", response_model=ListPublic[ActorHit])
def search_actors_route(
    driver: DriverDep,
    settings: SettingsDep,
    current: PageDep,
    q: Annotated[
        str | None,
        Query(
            description="A name or alias, or words of one. Exact names come first, then names "
            "holding every word, then word prefixes, then near spellings; ties go to actors "
            "with more facts. Case, accents and punctuation do not matter. At most 16 words of "
            "at most 64 characters each.",
            examples=["korea"],
            max_length=MAX_SEARCH_CHARS,
        ),
    ] = None,
    kind: Annotated[ActorKind | None, Query(description="Only actors of this kind.")] = None,
) -> ModelResponse:
    """Find actors by name or alias, or list them by kind."""
    q = search_words("q", q)
    hits = read(
        driver,
        settings,
        lambda tx: search_actors(
            tx, q, kind.value if kind else None, current.offset, current.limit + 1
        ),
    )
    return ModelResponse(page_from_overfetch(hits, current, settings.max_answer_bytes))


@router.get("/{actor_id}", response_model=ActorDetail)
def read_actor(actor_id: ActorIdPath, driver: DriverDep, settings: SettingsDep) -> ModelResponse:
    """One actor: its aliases, what it is part of, its parts, and roles over time."""
    detail = read(
        driver,
        settings,
        lambda tx: answer_by_ids(
            tx,
            [("actor_id", actor_id)],
            lambda ids: actor_detail(tx, ids[0]),
            found=lambda found: found is not None,
        ),
    )
    if detail is None:
        raise NotFoundError("actor", actor_id)
    return ModelResponse(detail)


class RelationshipGroup(BaseModel):
    counterpart: ActorRef = Field(description="The other actor (its country, with rollup=country).")
    type: str = Field(description="Relationship type.")
    count: int = Field(description="Facts in the group.")
    facts: list[FactPublic]


@router.get("/{actor_id}/relationships", response_model=ListPublic[RelationshipGroup])
def read_actor_relationships(
    actor_id: ActorIdPath,
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    current: PageDep,
    include_generic: Annotated[
        bool,
        Query(
            description='Also rank generic counterparts ("Unspecified Actor", "Citizen '
            '(India)"), which are left out by default.'
        ),
    ] = False,
) -> ModelResponse:
    """Facts touching an actor in a time scope, grouped by counterpart and type.

    Example: `/v1/actors/prk/relationships?at=2024-07` shows North Korea's ties in July 2024.
    """
    pairs = read(
        driver,
        settings,
        lambda tx: answer_by_ids(
            tx,
            [("actor_id", actor_id)],
            lambda ids: actor_facts(tx, ids[0], scope, filters, include_generic=include_generic),
            found=bool,
        ),
    )
    groups: dict[tuple[str, str], list[FactPublic]] = defaultdict(list)
    counterparts: dict[str, ActorRef] = {}
    for counterpart, fact in pairs:
        counterparts[counterpart.id] = counterpart
        groups[(counterpart.id, fact.type)].append(fact)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    result = [
        RelationshipGroup(counterpart=counterparts[cid], type=ftype, count=len(facts), facts=facts)
        for (cid, ftype), facts in ordered
    ]
    return ModelResponse(paginate(result, current, settings.max_answer_bytes))


class TimelinePublic(BaseModel):
    data: list[TimelineEntry]
    count: int
    next: str | None
    buckets: list[TimelineBucket] | None = Field(
        default=None, description="Counts per month or year, with bucket=month|year."
    )


@router.get("/{actor_id}/timeline", response_model=TimelinePublic)
def read_actor_timeline(
    actor_id: ActorIdPath,
    driver: DriverDep,
    settings: SettingsDep,
    filters: FactFilterDep,
    current: PageDep,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description="Start (YYYY, YYYY-MM or YYYY-MM-DD).",
            examples=["2024"],
            pattern=DATE_PATTERN,
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(description="End, inclusive.", examples=["2024-12"], pattern=DATE_PATTERN),
    ] = None,
    known_at: Annotated[
        str | None,
        Query(description="Transaction time, as elsewhere.", pattern=TIMESTAMP_PATTERN),
    ] = None,
    bucket: Annotated[
        Literal["month", "year"] | None, Query(description="Also count entries per month or year.")
    ] = None,
) -> ModelResponse:
    """Dated events an actor took part in, in order; with `bucket`, counts per month or year.

    Without from/to the timeline covers all time (a timeline of "today" would be empty).
    """
    scope = scope_from(None, from_ or "0001", to or "9999", known_at)

    Answer = tuple[list[TimelineEntry], list[TimelineBucket] | None]

    def answer(tx: neo4j.ManagedTransaction, resolved: str) -> Answer:
        entries = timeline(tx, resolved, scope, filters, current.offset, current.limit + 1)
        if bucket is None:
            return entries, None
        width = 7 if bucket == "month" else 4
        return entries, timeline_buckets(tx, resolved, scope, filters, width)

    def work(tx: neo4j.ManagedTransaction) -> Answer:
        return answer_by_ids(
            tx,
            [("actor_id", actor_id)],
            lambda ids: answer(tx, ids[0]),
            found=lambda result: bool(result[0] or result[1]),
        )

    entries, buckets = read(driver, settings, work)
    page = page_from_overfetch(entries, current, settings.max_answer_bytes)
    return ModelResponse(
        TimelinePublic(data=page.data, count=page.count, next=page.next, buckets=buckets)
    )


class NeighboursPublic(BaseModel):
    data: list[NeighbourPublic] = Field(description="Neighbours, heaviest first.")
    count: int = Field(description="Neighbours in this page.")
    total: int = Field(description="Neighbours in scope, leaving out the excluded ones.")
    next: str | None = Field(description="Cursor for the next page; null on the last.")


@router.get("/{actor_id}/neighbours", response_model=NeighboursPublic)
def read_actor_neighbours(
    actor_id: ActorIdPath,
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    current: PageDep,
    aggregate: AggregateQuery = Aggregate.PAIR,
    exclude: Annotated[
        list[str] | None,
        Query(
            description="Actor ids the client already draws (repeat, or comma-separated): "
            "left out of the page, and the new neighbours' edges to them are included."
        ),
    ] = None,
    max_fact_ids: MaxFactIdsQuery = 20,
    include_generic: IncludeGenericQuery = False,
) -> ModelResponse:
    """Expand a node: an actor's neighbours in the window, ranked by the facts joining them
    (then degree, then id), a page at a time, each with the edges to add to the drawing.

    Example: `/v1/actors/prk/neighbours?from=2024&to=2024&exclude=rus,ukr&limit=10`.
    """
    held = [name for value in exclude or [] for name in value.split(",") if name.strip()]
    scan = ScanParams(
        scope=scope, filters=filters, include_generic=include_generic, max_fact_ids=max_fact_ids
    )

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[NeighbourPublic], int]:
        resolved = resolve(tx, "actor_id", actor_id)
        return neighbours(
            tx, resolved, scan, aggregate, set(held), held, current.offset, current.limit
        )

    found, total = read(driver, settings, work)
    more = current.offset + len(found) < total
    return ModelResponse(
        NeighboursPublic(
            data=found, count=len(found), total=total, next=next_cursor(current, len(found), more)
        )
    )
