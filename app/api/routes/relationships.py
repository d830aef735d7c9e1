from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import (
    FactFilterDep,
    ListPublic,
    PageDep,
    TimeScopeDep,
    answer_by_ids,
    paginate,
    read,
)
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from queries.facts import facts_between
from queries.models import FactPublic

router = APIRouter(prefix="/v1/relationships", tags=["relationships"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=ListPublic[FactPublic])
def read_relationships(
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    current: PageDep,
    a: Annotated[str, Query(description="One actor: id, name or alias.", examples=["prk"])],
    b: Annotated[str, Query(description="The other actor.", examples=["rus"])],
) -> ModelResponse:
    """Facts between two actors, either direction, in a time scope.

    Examples: `?a=prk&b=rus&at=2024-07-01` (the alliance);
    `?a=prk&b=rus&from=2024-10&to=2024-10&status=contested` (the disputed troop transfer).
    """

    def work(tx: neo4j.ManagedTransaction) -> list[FactPublic]:
        return answer_by_ids(
            tx,
            [("a", a), ("b", b)],
            lambda ids: facts_between(tx, ids[0], ids[1], scope, filters),
            found=bool,
        )

    facts = read(driver, settings, work)
    return ModelResponse(paginate(facts, current, settings.max_answer_bytes))
