from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.deps import DriverDep, SettingsDep
from app.api.problems import Problem
from app.api.responses import ModelResponse
from queries.health import Neo4jInfo, neo4j_info

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    status: Literal["ok"] = Field(description="Always ok when the answer is 200.")
    neo4j: Neo4jInfo = Field(description="The Neo4j server answering queries.")


@router.get(
    "/health",
    response_model=HealthPublic,
    responses={503: {"model": Problem, "description": "Neo4j is unreachable; the body says why."}},
)
def read_health(driver: DriverDep, settings: SettingsDep) -> ModelResponse:
    """Whether the service can answer queries, and which Neo4j answers them."""
    info = neo4j_info(driver, settings.neo4j_database, min(settings.query_timeout_seconds, 5.0))
    return ModelResponse(HealthPublic(status="ok", neo4j=info))
