"""The index kept at the graph version: loads while the API runs show in the next answer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import neo4j
import numpy as np
from fastapi.testclient import TestClient

from app.core.config import Settings
from loaders.curated import write_dataset
from queries.versions import read_graph_version
from tests.api.temporal_graphs import Fact, PDate, to_dataset
from tindex.service import IndexService

ACTORS = ("aaa", "bbb", "ccc", "ddd")
A_B = Fact("a-b", "ALLIED_WITH", "aaa", "bbb", PDate(2021, 3), PDate(2021, 9))
B_C = Fact("b-c", "TRADED_WITH", "bbb", "ccc", PDate(2021, 5, 2), PDate(2021, 5, 2))
C_D = Fact("c-d", "MET_WITH", "ccc", "ddd", PDate(2021), PDate(2021))


def ask(client: TestClient, **params: Any) -> tuple[str, dict[str, Any]]:
    """The engine that answered /v1/paths from aaa to ccc in 2021, and the body."""
    response = client.get(
        "/v1/paths",
        params={"source": "aaa", "target": "ccc", "from": "2021", "to": "2021", **params},
    )
    assert response.status_code == 200, response.text
    return response.headers["X-Path-Engine"], response.json()


def routes(body: dict[str, Any]) -> list[list[str]]:
    return [[node["id"] for node in path["nodes"]] for path in body["paths"]]


def test_loads_while_the_api_runs_show_in_the_next_answer_with_a_new_version(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    service: IndexService = client.app.state.path_index  # type: ignore[attr-defined]
    assert service.wait_ready(120)
    write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B,)))
    # The database was wiped, which no catch-up can follow: the index is rebuilt (in the
    # background if the last build was slow, with Cypher answering meanwhile).
    deadline = time.monotonic() + 60
    engine, first = ask(client)
    while engine != "index" and time.monotonic() < deadline:
        time.sleep(0.2)
        engine, first = ask(client)
    assert engine == "index" and first["paths"] == []

    # A second load adds b-c: caught up (not rebuilt), the route appears, the version moves.
    builds, catch_ups = service.builds, service.catch_ups
    write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B, B_C, C_D)))
    engine, second = ask(client)
    assert engine == "index"
    assert routes(second) == [["aaa", "bbb", "ccc"]]
    assert second["graph_version"] != first["graph_version"]
    assert (service.builds, service.catch_ups) == (builds, catch_ups + 1)
    for mode in ("k_shortest", "time_respecting"):
        engine, body = ask(client, mode=mode)
        assert engine == "index" and routes(body) == [["aaa", "bbb", "ccc"]], mode

    # A third leaves b-c out, which retracts it: the route goes, and known_at still sees it.
    write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B, C_D)))
    engine, third = ask(client)
    assert engine == "index" and third["paths"] == []
    assert third["graph_version"] not in (first["graph_version"], second["graph_version"])
    assert service.catch_ups == catch_ups + 2
    recorded = second["paths"][0]["hops"][1]["facts"][0]["recorded_at"]
    engine, then = ask(client, known_at=recorded)
    assert engine == "index" and routes(then) == [["aaa", "bbb", "ccc"]]

    # Versions agree with what Neo4j says now.
    with db.session(database=settings.neo4j_database) as session:
        assert third["graph_version"] == session.execute_read(read_graph_version)


def test_a_restart_on_an_unchanged_graph_loads_its_snapshot(
    db: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B, B_C, C_D)))
    first = IndexService(db, settings.neo4j_database, read_graph_version, snapshot_dir=tmp_path)
    first.start().join()
    assert first.index is not None and not first.from_snapshot
    assert len(list(tmp_path.glob("index-*.npz"))) == 1
    second = IndexService(db, settings.neo4j_database, read_graph_version, snapshot_dir=tmp_path)
    second.start().join()
    assert second.index is not None and second.from_snapshot
    assert second.index.version == first.index.version
    assert np.array_equal(second.index.facts.rel, first.index.facts.rel)
    assert second.index.actors.ids == first.index.actors.ids
