"""Ego networks folded from the temporal index against the Cypher fold, on the same data in
Neo4j: the same nodes, edges (counts, first and last days, tallies, earliest fact ids),
totals and reasons for a cut, for every aggregate, depth and budget."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import neo4j
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.api.params import scope_from
from app.core.config import Settings
from graph_schema.vocabulary import FactClass, Status
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.writer import BulkWriter
from queries.graph import Aggregate, ScanParams, ego_graph
from queries.models import FactFilter, TimeScope
from tests.api.temporal_graphs import TemporalGraph, temporal_graphs
from tests.api.test_crosscheck import CROSSCHECK, icews18_slice
from tests.tindex.scaffold import draw_window, indexed
from tests.tindex.test_analytics import answer_by
from tests.tindex.test_analytics import filters as fact_filters
from tindex.build import read_index
from tindex.graph import IndexEdges
from tindex.index import TemporalIndex

FOLDS = (Aggregate.PAIR, Aggregate.PAIR_TYPE)


def assert_same_graphs(
    driver: neo4j.Driver,
    database: str,
    index: TemporalIndex,
    centres: list[str],
    scan: ScanParams,
    budgets: list[tuple[int, int, int]],
) -> None:
    """For each (depth, max_nodes, max_edges), both folds, with and without induced edges."""

    def work(tx: neo4j.ManagedTransaction) -> None:
        for (depth, max_nodes, max_edges), aggregate, induced in itertools.product(
            budgets, FOLDS, (False, True)
        ):
            asked = (centres, depth, max_nodes, max_edges, aggregate, induced, scan)
            expected = ego_graph(tx, centres, depth, scan, aggregate, induced, max_nodes, max_edges)
            edges_of = IndexEdges(tx, index, scan)
            got = edges_of.name_facts(
                ego_graph(
                    tx, centres, depth, scan, aggregate, induced, max_nodes, max_edges, edges_of
                )
            )
            assert got.model_dump(mode="json") == expected.model_dump(mode="json"), asked

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        session.execute_read(work)


# Rollup is left to Cypher by the route.
filters = fact_filters.map(lambda chosen: chosen.model_copy(update={"rollup": False}))


@CROSSCHECK
@given(graph=temporal_graphs(), data=st.data())
def test_the_index_folds_ego_networks_as_cypher_on_random_graphs(
    db: neo4j.Driver, settings: Settings, graph: TemporalGraph, data: st.DataObject
) -> None:
    index = indexed(db, settings, graph)
    for _ in range(2):
        _, scope = draw_window(data, graph)
        scan = ScanParams(
            scope=scope,
            filters=data.draw(filters, label="filters"),
            include_generic=data.draw(st.booleans(), label="include_generic"),
            max_fact_ids=data.draw(st.sampled_from([0, 1, 2, 20]), label="max_fact_ids"),
        )
        centres = data.draw(
            st.lists(st.sampled_from(graph.actors), min_size=1, max_size=2, unique=True),
            label="centres",
        )
        budgets = [(1, 150, 2000), (2, 4, 3), (3, 150, 2000)]
        assert_same_graphs(db, settings.neo4j_database, index, centres, scan, budgets)


def test_the_index_folds_ego_networks_as_cypher_on_the_bundled_data(
    bundled: neo4j.Driver, settings: Settings
) -> None:
    index = read_index(bundled, settings.neo4j_database, "test")
    scopes = [scope_from(None, "2024", "2024", None), scope_from(None, "2022", "2024-06", None)]
    for scope, chosen, generic in itertools.product(
        scopes,
        [
            FactFilter(),
            FactFilter(statuses=[Status.CONTESTED]),
            FactFilter(fact_classes=[FactClass.MATERIAL_COOPERATION]),
        ],
        (False, True),
    ):
        scan = ScanParams(scope=scope, filters=chosen, include_generic=generic, max_fact_ids=3)
        for centres in (["rus"], ["prk", "ukr"]):
            budgets = [(1, 150, 2000), (2, 6, 10), (2, 150, 2000)]
            assert_same_graphs(bundled, settings.neo4j_database, index, centres, scan, budgets)


def graph_by(client: TestClient, params: dict[str, Any], engine: str) -> Any:
    return answer_by(client, "/v1/graph", params, engine, "X-Graph-Engine")


def test_the_route_answers_from_the_index_as_from_cypher(
    bundled: neo4j.Driver, client: TestClient
) -> None:
    service = client.app.state.path_index  # type: ignore[attr-defined]
    assert service is not None
    asked: list[dict[str, Any]] = [
        {"actors": "rus", "from": "2024", "to": "2024", "include": "induced"},
        {"actors": "prk,ukr", "depth": 2, "aggregate": "pair_type", "max_nodes": 8},
        {"actors": "rus", "from": "2024", "to": "2024", "format": "cytoscape"},
    ]
    by_index = [graph_by(client, params, "index") for params in asked]
    try:
        client.app.state.path_index = None  # type: ignore[attr-defined]
        by_cypher = [graph_by(client, params, "cypher") for params in asked]
    finally:
        client.app.state.path_index = service  # type: ignore[attr-defined]
    assert by_index == by_cypher
    assert all(answer.get("edges") or answer.get("elements") for answer in by_index)
    # Single facts and rollup stay with Cypher.
    for params in ({"actors": "rus", "aggregate": "none"}, {"actors": "rus", "rollup": "country"}):
        response = client.get("/v1/graph", params=params)
        assert response.status_code == 200 and response.headers["X-Graph-Engine"] == "cypher"


# Last: it wipes the database the module-scoped `bundled` data set is in.
def test_the_index_folds_an_icews18_slice_as_cypher(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "icews18"
    icews18_slice(shared_datasets, folder)
    BulkWriter(db, settings.neo4j_database, batch_size=500).load(parse_icews18(folder))
    index = read_index(db, settings.neo4j_database, "test")
    for start, end in (("2018-06", "2018-06"), ("2018", "2018")):
        scope: TimeScope = scope_from(None, start, end, None)
        for generic in (False, True):
            scan = ScanParams(scope=scope, filters=FactFilter(), include_generic=generic)
            budgets = [(1, 150, 2000), (2, 40, 100)]
            assert_same_graphs(db, settings.neo4j_database, index, ["usa"], scan, budgets)
            assert_same_graphs(db, settings.neo4j_database, index, ["rus", "chn"], scan, budgets)
