"""Answers serialised once, by pydantic-core."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Response
from pydantic import BaseModel

ResponseT = TypeVar("ResponseT", bound=Response)


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


class JsonResponse(Response):
    """An answer already serialised to JSON bytes (one that embeds kept JSON fragments)."""

    media_type = "application/json"


class EngineRecord:
    """Which engine answered a route, the temporal index or Cypher, told in a header.

    The route's work runs inside a read transaction (a closure, possibly retried); it sets
    `engine` when it picks one, and the route answers through `respond`.
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.engine = "cypher"

    def use_index(self, used: bool) -> None:
        self.engine = "index" if used else "cypher"

    def respond(self, model: BaseModel) -> ModelResponse:
        return self.tag(ModelResponse(model))

    def tag(self, response: ResponseT) -> ResponseT:
        """Name the engine on an answer built otherwise (e.g. in a drawing library's format)."""
        response.headers[self.header] = self.engine
        return response
