from __future__ import annotations

from typing import Annotated

import neo4j
from fastapi import APIRouter, Query
from pydantic import Field

from app.api.deps import DriverDep, SettingsDep
from app.api.params import FactFilterDep, TimeScopeDep, distinct_names, fit_bytes, read, resolve_all
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import ModelResponse
from queries.events import GraphPublic, ego_network

router = APIRouter(prefix="/v1/graph", tags=["graph"], responses=PROBLEM_RESPONSES)


class GraphResponse(GraphPublic):
    truncated: bool = Field(
        description="True if the network was cut: at max_edges, or at the answer size limit "
        "(MAX_ANSWER_BYTES, 4 MB by default)."
    )


@router.get("", response_model=GraphResponse)
def read_graph(
    driver: DriverDep,
    settings: SettingsDep,
    scope: TimeScopeDep,
    filters: FactFilterDep,
    actors: Annotated[
        list[str],
        Query(
            description="Centre actors (repeat, or comma-separated); at most 50 distinct.",
            examples=[["prk", "rus"]],
        ),
    ],
    depth: Annotated[int, Query(ge=1, le=3, description="Hops from the centre actors.")] = 1,
    max_edges: Annotated[int, Query(ge=1, le=20000, description="Cap on edges returned.")] = 2000,
) -> ModelResponse:
    """An ego network for graph visualisation: actors as nodes, facts (with validity) as edges."""
    names = distinct_names("actors", actors, settings.max_list_items)

    def work(tx: neo4j.ManagedTransaction) -> tuple[GraphPublic, bool]:
        ids = resolve_all(tx, [("actors", name) for name in names])
        return ego_network(tx, ids, depth, scope, filters, max_edges)

    network, truncated = read(driver, settings, work)
    edges = fit_bytes(network.edges, settings.max_answer_bytes // 2)
    nodes = network.nodes
    if len(edges) < len(network.edges):
        truncated = True
        kept = {end for edge in edges for end in (edge.source, edge.target)}
        nodes = [node for node in nodes if node.depth == 0 or node.id in kept]
    return ModelResponse(GraphResponse(nodes=nodes, edges=edges, truncated=truncated))
