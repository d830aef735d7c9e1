from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import (
    DATE_PATTERN,
    ListPublic,
    PageDep,
    page_from_overfetch,
    read,
    resolve,
    scope_from,
)
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from graph_schema.errors import NotFoundError
from queries.events import EventDetail, EventSummary, event_detail, list_events
from queries.models import TimeScope

router = APIRouter(prefix="/v1/events", tags=["events"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=ListPublic[EventSummary])
def read_events(
    driver: DriverDep,
    settings: SettingsDep,
    current: PageDep,
    actor: Annotated[
        str | None, Query(description="Only events this actor took part in.", examples=["prk"])
    ] = None,
    type_: Annotated[
        str | None,
        Query(
            alias="type",
            description="Event kind (visit, agreement, attack ...).",
            examples=["attack"],
        ),
    ] = None,
    location: Annotated[str | None, Query(description="Location id.", examples=["kharkiv"])] = None,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description="Start (YYYY, YYYY-MM or YYYY-MM-DD).",
            examples=["2024-06"],
            pattern=DATE_PATTERN,
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(description="End, inclusive.", examples=["2024-10"], pattern=DATE_PATTERN),
    ] = None,
) -> ModelResponse:
    """Dated events in order, by participant, kind, place and window (default: all time)."""
    scope = scope_from(None, from_, to, None) if (from_ or to) else TimeScope.everything()
    events = read(
        driver,
        settings,
        lambda tx: list_events(
            tx,
            scope,
            resolve(tx, "actor", actor) if actor else None,
            type_,
            location,
            current.offset,
            current.limit + 1,
        ),
    )
    return ModelResponse(page_from_overfetch(events, current, settings.max_answer_bytes))


@router.get("/{event_id}", response_model=EventDetail)
def read_event(
    event_id: Annotated[
        str, Path(description="Event id.", examples=["rus-prk-mutual-defence-pact-signing"])
    ],
    driver: DriverDep,
    settings: SettingsDep,
) -> ModelResponse:
    """One event: participants, place, sources, its facts, and every claim with its stance."""
    detail = read(driver, settings, lambda tx: event_detail(tx, event_id))
    if detail is None:
        raise NotFoundError("event", event_id)
    return ModelResponse(detail)
