from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.api.answers import AnswerCache, KeptAnswer
from app.api.deps import DriverDep, PathAnswersDep, PathIndexDep, SettingsDep
from app.api.params import FactFilterDep, TimeScopeDep, answer_by_ids, read, resolve_all
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import EngineRecord, JsonResponse, ModelResponse
from graph_schema.errors import InvalidQueryError
from queries.paths import (
    MAX_HOPS_LIMIT,
    PathMode,
    PathQuestion,
    PathsResult,
)
from queries.versions import read_graph_version
from tindex.index import TemporalIndex
from tindex.paths import PathsAnswer, find_paths
from tindex.search import Deadline

router = APIRouter(prefix="/v1/paths", tags=["paths"], responses=PROBLEM_RESPONSES)


class PathIndexPublic(BaseModel):
    """The in-process temporal index that answers /v1/paths."""

    enabled: bool = Field(description="False: paths are always searched in Cypher.")
    ready: bool = Field(description="Built; until then paths are searched in Cypher.")
    graph_version: str | None = Field(description="The graph version the index holds.")
    actors: int | None = None
    facts: int | None = None
    bytes: int | None = Field(default=None, description="Memory held by the index's arrays.")
    build_seconds: float | None = Field(default=None, description="Its last build (or load).")
    catch_up_seconds: float | None = Field(default=None, description="Its last catch-up.")


@router.get("/index", response_model=PathIndexPublic)
def read_path_index(path_index: PathIndexDep) -> ModelResponse:
    """Whether the temporal index is ready, at which graph version, and what it holds."""
    stats = path_index.stats() if path_index is not None else None
    if stats is None:
        return ModelResponse(
            PathIndexPublic(enabled=path_index is not None, ready=False, graph_version=None)
        )
    return ModelResponse(
        PathIndexPublic(
            enabled=True,
            ready=True,
            graph_version=stats.version,
            actors=stats.actors,
            facts=stats.facts,
            bytes=stats.bytes,
            build_seconds=stats.build_seconds,
            catch_up_seconds=stats.catch_up_seconds,
        )
    )


@router.get("", response_model=PathsResult)
def read_paths(
    driver: DriverDep,
    settings: SettingsDep,
    path_index: PathIndexDep,
    answers: PathAnswersDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    source: Annotated[
        str, Query(description="Where paths start: id, name or alias.", examples=["prk"])
    ],
    target: Annotated[str, Query(description="Where paths end.", examples=["ukr"])],
    mode: Annotated[
        PathMode,
        Query(
            description="shortest (all shortest routes), k_shortest, or "
            "time_respecting (earliest-arrival journey, facts in time order)."
        ),
    ] = PathMode.SHORTEST,
    max_hops: Annotated[
        int, Query(ge=1, le=MAX_HOPS_LIMIT, description="Longest path considered.")
    ] = 4,
    k: Annotated[int, Query(ge=1, le=50, description="How many routes, for k_shortest.")] = 3,
    include_generic: Annotated[
        bool,
        Query(
            description='Let paths pass through generic actors ("Unspecified actor", '
            '"Citizen (X)"), which join almost everything to everything; the two ends may '
            "be generic either way."
        ),
    ] = False,
) -> JsonResponse:
    """Routes between two actors using only facts valid in the window.

    Example: `?source=prk&target=ukr&from=2024-06&to=2024-10&mode=time_respecting` asks how
    North Korea reaches Ukraine through what happened between June and October 2024.
    """

    deadline = Deadline(settings.query_timeout_seconds)
    answered = EngineRecord("X-Path-Engine")

    # As asked, names and all: resolving them is part of working the answer out.
    question = PathQuestion(
        source=source,
        target=target,
        scope=scope,
        filters=filters,
        mode=mode,
        max_hops=max_hops,
        k=k,
        include_generic=include_generic,
    )
    kept_as = AnswerCache.key("paths", question)

    def search(
        tx: neo4j.ManagedTransaction, ids: list[str], index: TemporalIndex | None
    ) -> PathsAnswer:
        source_id, target_id = ids
        if source_id == target_id:
            raise InvalidQueryError(
                "target", target, f"is the source itself ({source_id}); a path joins two actors"
            )
        between = question.model_copy(update={"source": source_id, "target": target_id})
        return find_paths(tx, index, between, deadline)

    def work(tx: neo4j.ManagedTransaction) -> bytes:
        version = read_graph_version(tx)
        kept = answers.get(version, kept_as) if path_index is not None else None
        if kept is not None:
            answered.engine = kept.engine
            return kept.body
        # The index answers only at the version this transaction sees (catching up first if
        # it must); otherwise Cypher does: never a stale answer.
        index = path_index.at_version(version) if path_index is not None else None
        answered.use_index(index is not None)
        named = [("source", source), ("target", target)]
        if source == target:  # an unknown name is still a 404 before it is a 422
            result = search(tx, resolve_all(tx, named), index)
        else:
            result = answer_by_ids(
                tx,
                named,
                lambda ids: search(tx, ids, index),
                found=lambda answer: answer.found,
            )
        body = result.at_version(version).json()
        if index is not None:
            # The index's answers only: Cypher answers while the index is being built (or
            # when it is off), and the header would keep saying so after it is ready.
            answers.put(version, kept_as, KeptAnswer(body, answered.engine))
        return body

    return answered.tag(JsonResponse(read(driver, settings, work)))
