"""One problem body (RFC 9457) for every error the API returns."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_schema.errors import (
    AmbiguousActorError,
    DatabaseUnavailableError,
    InvalidQueryError,
    NotFoundError,
    QueryTimeoutError,
    TkgError,
    UnknownActorError,
)
from queries.runner import unavailable_reason

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Every `type` the API answers with, and what it means: served at /problems/<slug> (so the
# absolute `type` URI of a problem body is a page saying what to do) and in docs/problems.md.
PROBLEM_KINDS: dict[str, str] = {
    "not-found": "The actor, event or fact named in the request does not exist. Search "
    "`/v1/actors?q=` for the right id.",
    "unknown-actor": "No actor has that id, name or alias; `candidates` lists near matches "
    "to choose from.",
    "ambiguous-actor": "The name refers to several actors; `detail` names them: "
    "repeat the request with one of their ids.",
    "invalid-parameter": "A query parameter is malformed or out of range; `invalid_params` "
    "names each one, the value given and why it was refused.",
    "neo4j-unavailable": "The database behind the API cannot be reached. Retry later; "
    "`/health` says when it is back.",
    "query-timeout": "The query ran past the time budget of one request. Narrow it: a "
    "shorter window, fewer centre actors, a smaller depth or budget.",
    "bad-request": "The request cannot be answered as asked; `detail` says why.",
    "http-error": "An HTTP-level refusal (unknown path, method not allowed: the `Allow` "
    "header lists the methods that are).",
}


def problem_type_uri(request: Request, kind: str) -> str:
    """The absolute, dereferenceable URI of a problem kind (RFC 9457 section 3.1.1).

    `problem_base_url` in the settings fixes it (behind a proxy that rewrites the host);
    otherwise the API's own `/problems/<slug>` page, made absolute from the request.
    """
    base: str | None = getattr(request.app.state.settings, "problem_base_url", None)
    root = base.rstrip("/") if base else str(request.base_url).rstrip("/") + "/problems"
    return f"{root}/{kind}"


class InvalidParam(BaseModel):
    name: str = Field(description="The query parameter or field at fault.")
    value: Any = Field(default=None, description="The value given.")
    reason: str = Field(description="Why it was refused.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(
        default="about:blank",
        description="An absolute URI naming the kind of problem; it serves a page saying "
        "what the kind means (see docs/problems.md).",
    )
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong in this request.")
    instance: str | None = Field(default=None, description="The request path.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="Each bad parameter, for 422 answers."
    )
    candidates: list[dict[str, Any]] | None = Field(
        default=None,
        description="For an ambiguous actor name (422), every actor it fits; for an unknown "
        "one (404), the closest names. Each has id, name, kind (and country, generic).",
    )


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    kind: str,
    invalid_params: list[InvalidParam] | None = None,
    candidates: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=problem_type_uri(request, kind),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        invalid_params=invalid_params,
        candidates=candidates,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Unknown actor, event or fact."},
    422: {
        "model": Problem,
        "description": "A parameter is malformed, repeated, past a limit, or contradicts "
        "another; `invalid_params` names it.",
    },
    503: {
        "model": Problem,
        "description": "Neo4j is unreachable, or every slot for expensive queries is taken "
        "(then `Retry-After` says when to try again).",
    },
    504: {"model": Problem, "description": "The query ran past its time budget."},
}

# Answers any route may give, whatever it declares: the guards in app/api/guards.py send
# them before or around the route.
COMMON_PROBLEMS: dict[str, str] = {
    "400": "A malformed request.",
    "401": "An API key is needed (`Authorization: Bearer <key>`) and none, or a wrong one, "
    "was given.",
    "405": "The route answers GET only; `Allow` lists the methods.",
    "421": "The Host header names a host this API does not serve.",
    "429": "Too many requests from this client; `Retry-After` says when to try again.",
    "500": "The server failed to answer; the error is logged.",
    "503": "Neo4j is unreachable, or every slot for expensive queries is taken.",
    "504": "The query ran past its time budget.",
}


def declare_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document say what the API does: every error is
    `application/problem+json` with the `Problem` schema, and every operation may give the
    answers the guards give."""
    ref = {"$ref": "#/components/schemas/Problem"}
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Problem", Problem.model_json_schema(ref_template=_REF_TEMPLATE))
    components.setdefault(
        "InvalidParam", InvalidParam.model_json_schema(ref_template=_REF_TEMPLATE)
    )
    for schema_name in ("HTTPValidationError", "ValidationError"):
        components.pop(schema_name, None)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in COMMON_PROBLEMS.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": ref}}
                    if code in ("429", "503"):
                        response["headers"] = {"Retry-After": _RETRY_AFTER}
                    if code == "405":
                        response["headers"] = {"Allow": _ALLOW}
    return spec


_REF_TEMPLATE = "#/components/schemas/{model}"
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again (with 429, and 503 when busy).",
    "schema": {"type": "integer"},
}
_ALLOW = {"description": "The methods the route answers.", "schema": {"type": "string"}}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    def not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return problem_response(request, 404, f"Unknown {error.kind}", str(error), "not-found")

    @app.exception_handler(InvalidQueryError)
    def invalid_query(request: Request, error: InvalidQueryError) -> JSONResponse:
        param = InvalidParam(name=error.field, value=error.value, reason=error.reason)
        return problem_response(
            request, 422, "Invalid parameter", str(error), "invalid-parameter", [param]
        )

    @app.exception_handler(UnknownActorError)
    def unknown_actor(request: Request, error: UnknownActorError) -> JSONResponse:
        return problem_response(
            request,
            404,
            "Unknown actor",
            str(error),
            "unknown-actor",
            [InvalidParam(name=error.field, value=error.identifier, reason="no such actor")],
            error.candidates,
        )

    @app.exception_handler(AmbiguousActorError)
    def ambiguous_actor(request: Request, error: AmbiguousActorError) -> JSONResponse:
        param = InvalidParam(name=error.field, value=error.value, reason=error.reason)
        return problem_response(
            request,
            422,
            "Ambiguous actor name",
            str(error),
            "ambiguous-actor",
            [param],
            error.candidates,
        )

    @app.exception_handler(RequestValidationError)
    def validation(request: Request, error: RequestValidationError) -> JSONResponse:
        params = [
            InvalidParam(
                name=".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]),
                value=item.get("input"),
                reason=item["msg"],
            )
            for item in error.errors()
        ]
        detail = "; ".join(f"{p.name}={p.value!r}: {p.reason}" for p in params)
        return problem_response(
            request, 422, "Invalid parameter", detail, "invalid-parameter", params
        )

    @app.exception_handler(DatabaseUnavailableError)
    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    def unavailable(request: Request, error: Exception) -> JSONResponse:
        # The driver's own messages name the server's internal address: say why, not where.
        detail = str(error) if isinstance(error, TkgError) else unavailable_reason(error)
        return problem_response(request, 503, "Neo4j unavailable", detail, "neo4j-unavailable")

    @app.exception_handler(QueryTimeoutError)
    def timeout(request: Request, error: QueryTimeoutError) -> JSONResponse:
        return problem_response(request, 504, "Query timed out", str(error), "query-timeout")

    @app.exception_handler(TkgError)
    def other(request: Request, error: TkgError) -> JSONResponse:
        return problem_response(request, 400, "Bad request", str(error), "bad-request")

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        response = problem_response(
            request, error.status_code, str(error.detail), str(error.detail), "http-error"
        )
        # Starlette puts `Allow` on a 405 in the exception's headers; keep them.
        response.headers.update(error.headers or {})
        return response
