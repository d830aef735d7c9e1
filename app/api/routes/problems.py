"""The pages that problem `type` URIs point at."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, RootModel

from app.api.problems import PROBLEM_KINDS, Problem
from app.api.responses import ModelResponse
from graph_schema.errors import NotFoundError

router = APIRouter(prefix="/problems", tags=["problems"])


class ProblemKindPublic(BaseModel):
    type: str = Field(description="The slug ending the problem's `type` URI.")
    description: str = Field(description="What the kind of problem means and what to do.")


@router.get("", response_model=list[ProblemKindPublic])
def list_problem_kinds() -> ModelResponse:
    """Every kind of problem the API answers with."""
    kinds = [ProblemKindPublic(type=slug, description=text) for slug, text in PROBLEM_KINDS.items()]
    return ModelResponse(RootModel[list[ProblemKindPublic]](kinds))


@router.get(
    "/{slug}",
    response_model=ProblemKindPublic,
    responses={404: {"model": Problem, "description": "No such kind of problem."}},
)
def read_problem_kind(
    slug: Annotated[str, Path(description="Kind of problem.", examples=["not-found"])],
) -> ModelResponse:
    """What one kind of problem means: the document a problem body's `type` URI names."""
    if slug not in PROBLEM_KINDS:
        raise NotFoundError("problem type", slug)
    return ModelResponse(ProblemKindPublic(type=slug, description=PROBLEM_KINDS[slug]))
