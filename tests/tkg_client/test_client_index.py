"""A notebook's own temporal index follows the graph: a load between two calls shows in
the second, caught up rather than rebuilt."""

from __future__ import annotations

import neo4j

from app.core.config import Settings
from loaders.curated import write_dataset
from queries.versions import read_graph_version
from tests.api.temporal_graphs import Fact, PDate, to_dataset
from tkg_client import Client

ACTORS = ("aaa", "bbb", "ccc")
A_B = Fact("a-b", "ALLIED_WITH", "aaa", "bbb", PDate(2021, 3), PDate(2021, 9))
B_C = Fact("b-c", "TRADED_WITH", "bbb", "ccc", PDate(2021, 5, 2), PDate(2021, 5, 2))


def routes(client: Client, mode: str) -> list[list[str]]:
    result = client.paths("aaa", "ccc", "2021", "2021", mode=mode).attrs["result"]
    return [[node.id for node in path.nodes] for path in result.paths]


def test_a_load_between_two_calls_shows_in_the_second(db: neo4j.Driver, settings: Settings) -> None:
    write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B,)))
    with Client(settings, timeout=30, index=True) as tkg:
        built = tkg.use_index()
        assert built.facts == 1
        assert routes(tkg, "shortest") == []
        write_dataset(db, settings.neo4j_database, to_dataset(ACTORS, (A_B, B_C)))
        for mode in ("shortest", "k_shortest", "time_respecting"):
            assert routes(tkg, mode) == [["aaa", "bbb", "ccc"]], mode
        now = tkg.use_index()
        with db.session(database=settings.neo4j_database) as session:
            assert now.version == session.execute_read(read_graph_version) != built.version
        assert now.facts == 2
        assert now.catch_up_seconds is not None, "caught up, not rebuilt"
        degree = tkg.centrality("2021", "2021", measure="degree", top=3)
        assert dict(zip(degree["id"], degree["value"], strict=True))["bbb"] == 2
