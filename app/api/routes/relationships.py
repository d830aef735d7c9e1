from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import FactFilterDep, ListPublic, PageDep, TimeScopeDep, paginate, read, resolve
from app.api.problems import PROBLEM_RESPONSES
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
) -> ListPublic[FactPublic]:
    """Facts between two actors, either direction, in a time scope.

    Examples: `?a=prk&b=rus&at=2024-07-01` (the alliance);
    `?a=prk&b=rus&from=2024-10&to=2024-10&status=contested` (the disputed troop transfer).
    """
    facts = read(
        driver,
        settings,
        lambda tx: facts_between(tx, resolve(tx, "a", a), resolve(tx, "b", b), scope, filters),
    )
    return paginate(facts, current)
