from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

import neo4j
from fastapi import APIRouter, Query, Response
from pydantic import Field

from app.api.deps import DriverDep, PathIndexDep, SettingsDep
from app.api.formats import GraphFormat, render
from app.api.params import (
    AggregateQuery,
    FactFilterDep,
    IncludeGenericQuery,
    MaxFactIdsQuery,
    TimeScopeDep,
    fit_bytes,
    read,
    resolve_all,
    split_ids,
)
from app.api.problems import PROBLEM_RESPONSES
from app.api.responses import EngineRecord, ModelResponse
from queries.graph import Aggregate, GraphPublic, ScanParams, ego_graph
from queries.models import FactFilter, TimeScope
from tindex.graph import IndexEdges

ENGINE_HEADER = "X-Graph-Engine"

router = APIRouter(prefix="/v1/graph", tags=["graph"], responses=PROBLEM_RESPONSES)


class GraphResponse(GraphPublic):
    aggregate: Aggregate = Field(description="How facts were folded into edges.")
    facts_url: str = Field(
        description="Drill-down: the facts behind one edge, with `{source}` and `{target}` "
        "replaced by its ends (`/v1/relationships`, same window and filters)."
    )


def facts_url(scope: TimeScope, filters: FactFilter) -> str:
    params: list[tuple[str, str]] = [
        ("from", scope.valid_from.isoformat()),
        ("to", scope.valid_to.isoformat()),
    ]
    if scope.known_at is not None:
        params.append(("known_at", scope.known_at.isoformat()))
    params += [("type", t.value) for t in filters.types or []]
    params += [("status", s.value) for s in filters.statuses or []]
    params += [("class", c.value) for c in filters.fact_classes or []]
    if filters.min_confidence is not None:
        params.append(("min_confidence", str(filters.min_confidence)))
    if filters.rollup:
        params.append(("rollup", "country"))
    return "/v1/relationships?a={source}&b={target}&" + urlencode(params)


def fit_answer(network: GraphPublic, max_bytes: int) -> GraphPublic:
    """Within the answer size limit: the heaviest edges first (they come ranked), and only
    the nodes they still touch, so that no node is left without an edge."""
    edges = fit_bytes(network.edges, max_bytes // 2)
    if len(edges) == len(network.edges):
        return network
    kept = {end for edge in edges for end in (edge.source, edge.target)}
    return network.model_copy(
        update={
            "edges": edges,
            "nodes": [node for node in network.nodes if node.depth == 0 or node.id in kept],
            "truncated": True,
            "truncated_reason": [*network.truncated_reason, "max_answer_bytes"],
        }
    )


@router.get("", response_model=GraphResponse)
def read_graph(
    driver: DriverDep,
    settings: SettingsDep,
    path_index: PathIndexDep,
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
    aggregate: AggregateQuery = Aggregate.PAIR,
    include: Annotated[
        list[Literal["induced"]] | None,
        Query(
            description="`induced`: the edges among the returned nodes too, not only those "
            "from each node towards the centre."
        ),
    ] = None,
    max_nodes: Annotated[
        int,
        Query(
            ge=1,
            le=5000,
            description="Node budget: the actors joined to the kept ones by the most facts "
            "are kept first (then by degree, then id).",
        ),
    ] = 150,
    max_edges: Annotated[
        int, Query(ge=1, le=20000, description="Cap on edges, heaviest kept first.")
    ] = 2000,
    max_fact_ids: MaxFactIdsQuery = 20,
    include_generic: IncludeGenericQuery = False,
    format: Annotated[
        GraphFormat,
        Query(
            description="`json` (this page's schema), `cytoscape` (`cy.add(body.elements)`), "
            "`graphology` (`Graph.from(body)`), `d3` (node-link), `gexf` (GEXF 1.3, dynamic, "
            "for Gephi's timeline)."
        ),
    ] = GraphFormat.JSON,
) -> Response:
    """An ego network to draw: actors as nodes, the facts between them folded into edges.

    Example: `?actors=usa&depth=1&from=2018&to=2018&include=induced` is the United States'
    150 heaviest partners in 2018 and the relations among them, one edge per pair with its
    count, first and last day, and counts per type, status and fact class. Every edge's ends
    are among the nodes; no node is left without an edge (except a centre).
    """
    names = split_ids(actors, "actors", settings.max_list_items)
    scan = ScanParams(
        scope=scope, filters=filters, include_generic=include_generic, max_fact_ids=max_fact_ids
    )

    engine = EngineRecord(ENGINE_HEADER)

    def work(tx: neo4j.ManagedTransaction) -> GraphPublic:
        ids = resolve_all(tx, [("actors", name) for name in names])
        edges_of = None
        # Folded edges come from the index when it holds this transaction's graph version;
        # single facts and rollup (PART_OF walked on both sides) stay with Cypher.
        if path_index is not None and aggregate is not Aggregate.NONE and not filters.rollup:
            index = path_index.at_transaction(tx)
            engine.use_index(index is not None)
            if index is not None:
                edges_of = IndexEdges(tx, index, scan)
        network = ego_graph(
            tx,
            ids,
            depth,
            scan,
            aggregate,
            "induced" in (include or []),
            max_nodes,
            max_edges,
            edges_of,
        )
        return edges_of.name_facts(network) if edges_of is not None else network

    network = fit_answer(read(driver, settings, work), settings.max_answer_bytes)
    response = render(network, format, aggregate)
    if response is None:
        response = ModelResponse(
            GraphResponse(
                **dict(network),
                aggregate=aggregate,
                facts_url=facts_url(scope, filters),
            )
        )
    return engine.tag(response)
