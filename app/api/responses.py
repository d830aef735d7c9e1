"""Answers serialised once, by pydantic-core."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


class ModelResponse(Response):
    """A route's answer as JSON bytes, straight from its pydantic model.

    Given a model, FastAPI dumps it to a dict, validates that dict against the route's
    response_model and encodes it again: for a page of facts that took longer than the
    query. Our answers are models built from validated values already, so routes return
    this instead; their response_model still documents the shape in OpenAPI.
    """

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(content=model.model_dump_json(), status_code=status_code)
