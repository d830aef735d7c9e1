from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import DriverDep, SettingsDep
from app.api.params import ListPublic, PageDep, page_from_overfetch, read
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from queries.loads import LoadPublic, list_loads

router = APIRouter(prefix="/v1/loads", tags=["loads"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=ListPublic[LoadPublic])
def read_loads(
    driver: DriverDep,
    settings: SettingsDep,
    current: PageDep,
    dataset: Annotated[
        str | None, Query(description="Only loads of this data set.", examples=["icews18"])
    ] = None,
) -> ModelResponse:
    """Every load, newest first: its file, transaction time (`started_at`, the `recorded_at`
    of what it wrote) and what it created, updated and retracted."""
    loads = read(
        driver,
        settings,
        lambda tx: list_loads(tx, dataset=dataset, offset=current.offset, limit=current.limit + 1),
    )
    return ModelResponse(page_from_overfetch(loads, current, settings.max_answer_bytes))
