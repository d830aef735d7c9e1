"""The analytics answered from the temporal index against the same analytics over the pairs
pulled in Cypher, on the same data in Neo4j: the window's pairs must be the same arrays, and
every answer (centrality by each measure, an actor's series) the same JSON."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import numpy as np
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.api.params import scope_from
from app.core.config import Settings
from graph_schema.vocabulary import FactClass, FactType, Status
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.writer import BulkWriter
from queries.analytics import WindowQuery
from queries.models import FactFilter, TimeScope
from tests.api.temporal_graphs import TemporalGraph, temporal_graphs
from tests.api.test_crosscheck import CROSSCHECK, icews18_slice
from tests.tindex.scaffold import draw_window, indexed
from tindex.analytics import actor_over_time, centrality, pulled_pairs, window_pairs
from tindex.build import read_index
from tindex.index import TemporalIndex
from tindex.measures import Measure, PairCounts


def assert_same_pairs(by_index: PairCounts, by_cypher: PairCounts, asked: str) -> None:
    assert by_index.actors == by_cypher.actors, asked
    for name in ("sources", "targets", "first_months", "last_months", "facts"):
        assert np.array_equal(getattr(by_index, name), getattr(by_cypher, name)), (name, asked)


def assert_same_answers(
    driver: neo4j.Driver,
    database: str,
    index: TemporalIndex,
    scope: TimeScope,
    query: WindowQuery,
    actors: list[str],
    series: bool = True,
) -> None:
    """Pairs, every measure and (for `actors`) the monthly series, by both engines."""
    asked = f"{scope} {query}"

    def work(tx: neo4j.ManagedTransaction) -> None:
        by_index = window_pairs(index, scope, query)
        assert_same_pairs(by_index, pulled_pairs(tx, scope, query), asked)
        for measure in Measure:
            expected = centrality(tx, None, scope, query, measure, 1000)
            got = centrality(tx, index, scope, query, measure, 1000)
            assert got.model_dump(mode="json") == expected.model_dump(mode="json"), (
                measure,
                asked,
            )
        if not series:
            return
        for actor in actors:
            expected_months = actor_over_time(tx, None, actor, scope, query)
            got_months = actor_over_time(tx, index, actor, scope, query)
            assert [m.model_dump(mode="json") for m in got_months] == [
                m.model_dump(mode="json") for m in expected_months
            ], (actor, asked)

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        session.execute_read(work)


filters = st.builds(
    FactFilter,
    types=st.none() | st.lists(st.sampled_from([FactType.ATTACKED, FactType.MET_WITH]), min_size=1),
    statuses=st.none() | st.just([Status.ASSERTED]),
    fact_classes=st.none()
    | st.lists(st.sampled_from(list(FactClass)), min_size=1, max_size=2, unique=True),
    min_confidence=st.none() | st.just(0.5),
    rollup=st.booleans(),
)


@CROSSCHECK
@given(graph=temporal_graphs(), data=st.data())
def test_the_index_counts_the_window_as_cypher_on_random_graphs(
    db: neo4j.Driver, settings: Settings, graph: TemporalGraph, data: st.DataObject
) -> None:
    index = indexed(db, settings, graph)
    for _ in range(3):
        window, scope = draw_window(data, graph)
        query = WindowQuery(
            filters=data.draw(filters, label="filters"),
            kinds=data.draw(st.none() | st.just(["state"]), label="kinds"),
            include_generic=data.draw(st.booleans(), label="include_generic"),
        )
        # A series needs a closed window of at most MAX_SERIES_MONTHS.
        closed = window.start is not None and window.end is not None
        assert_same_answers(
            db, settings.neo4j_database, index, scope, query, list(graph.actors[:3]), closed
        )


def test_the_index_counts_the_window_as_cypher_on_the_bundled_data(
    bundled: neo4j.Driver, settings: Settings
) -> None:
    index = read_index(bundled, settings.neo4j_database, "test")
    windows_asked = [("2024", "2024"), ("2023-01", "2024-12"), ("2024-06", "2024-10")]
    queries = [
        WindowQuery(),
        WindowQuery(include_generic=True),
        WindowQuery(kinds=["state"]),
        WindowQuery(kinds=["state", "person", "armed_force"], include_generic=True),
        WindowQuery(filters=FactFilter(statuses=[Status.CONTESTED, Status.ASSERTED])),
        WindowQuery(filters=FactFilter(fact_classes=[FactClass.MATERIAL_COOPERATION])),
        WindowQuery(filters=FactFilter(types=[FactType.SUPPLIED_ARMS_TO, FactType.MET_WITH])),
        WindowQuery(filters=FactFilter(min_confidence=0.8, rollup=True)),
    ]
    for (start, end), query in itertools.product(windows_asked, queries):
        scope = scope_from(None, start, end, None)
        assert_same_answers(
            bundled, settings.neo4j_database, index, scope, query, ["rus", "prk", "ukr"]
        )
    # What the graph held before the data was loaded: nothing, by both engines.
    before = TimeScope(
        valid_from=scope_from(None, "2024", None, None).valid_from,
        valid_to=scope_from(None, None, "2024", None).valid_to,
        known_at=datetime(2000, 1, 1, tzinfo=UTC),
    )
    assert_same_answers(bundled, settings.neo4j_database, index, before, WindowQuery(), ["rus"])


def answer_by(
    client: TestClient,
    path: str,
    params: dict[str, Any],
    engine: str,
    header: str = "X-Analytics-Engine",
) -> Any:
    """GET a route until `engine` (named in `header`) answers it: the index is rebuilt in
    the background after each new graph, and Cypher answers meanwhile."""
    deadline = time.monotonic() + 120
    while True:
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, params, response.text)
        if response.headers[header] == engine or time.monotonic() > deadline:
            assert response.headers[header] == engine, (path, params)
            return response.json()
        time.sleep(0.2)


def test_the_routes_answer_from_the_index_as_from_cypher(
    bundled: neo4j.Driver, client: TestClient
) -> None:
    service = client.app.state.path_index  # type: ignore[attr-defined]
    assert service is not None
    asked: list[tuple[str, dict[str, Any]]] = [
        ("/v1/analytics/centrality", {"from": "2024", "to": "2024", "measure": measure})
        for measure in ("degree", "pagerank", "betweenness")
    ] + [
        ("/v1/analytics/centrality", {"from": "2023", "to": "2024", "kind": "state", "top": 3}),
        ("/v1/analytics/actors/rus/series", {"from": "2024-01", "to": "2024-12"}),
        ("/v1/analytics/actors/prk/series", {"from": "2024-01", "to": "2024", "type": "MET_WITH"}),
    ]
    by_index = [answer_by(client, path, params, "index") for path, params in asked]
    try:
        client.app.state.path_index = None  # type: ignore[attr-defined]
        by_cypher = [answer_by(client, path, params, "cypher") for path, params in asked]
    finally:
        client.app.state.path_index = service  # type: ignore[attr-defined]
    assert by_index == by_cypher
    assert all(answer["data"] for answer in by_index)


# Last: it wipes the database the module-scoped `bundled` data set is in.
def test_the_index_counts_june_2018_of_an_icews18_slice_as_cypher(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "icews18"
    icews18_slice(shared_datasets, folder)
    BulkWriter(db, settings.neo4j_database, batch_size=500).load(parse_icews18(folder))
    index = read_index(db, settings.neo4j_database, "test")
    for start, end in (("2018-06", "2018-06"), ("2018-01", "2018-10"), ("2018-03-05", "2018-03")):
        scope = scope_from(None, start, end, None)
        for query in (
            WindowQuery(),
            WindowQuery(include_generic=True),
            WindowQuery(kinds=["state"]),
            WindowQuery(filters=FactFilter(fact_classes=[FactClass.VERBAL_CONFLICT])),
        ):
            assert_same_answers(
                db, settings.neo4j_database, index, scope, query, ["usa", "rus"], series=True
            )
