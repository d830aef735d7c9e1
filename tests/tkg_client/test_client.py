"""The notebook client on the bundled dataset: frames with pandas dates, graphs, exports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import neo4j
import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from app.core.config import REPO_ROOT, Settings
from graph_schema.errors import NotFoundError
from loaders.curated import parse_file
from queries.versions import read_graph_version
from tests.conftest import BUNDLED_DATASET
from tkg_client import Client


@pytest.fixture(scope="module")
def tkg(bundled: neo4j.Driver, settings: Settings) -> Iterator[Client]:
    with Client(settings, timeout=30) as client:
        yield client


def test_cypher_gives_pandas_dates_with_open_ends_missing(tkg: Client) -> None:
    frame = tkg.cypher(
        "MATCH (:Actor {id: $a})-[r:ALLIED_WITH]->(:Actor {id: $b}) "
        "RETURN r.id AS id, r.valid_from AS valid_from, r.valid_to AS valid_to, "
        "r.recorded_at AS recorded_at",
        a="rus",
        b="prk",
    )
    assert len(frame) == 1
    assert frame["valid_from"].tolist() == [pd.Timestamp("2024-06-01")]
    assert frame["valid_to"].isna().all()  # open-ended
    assert frame["valid_from"].dtype.kind == "M"
    assert str(frame["recorded_at"].dt.tz) == "UTC"
    empty = tkg.cypher("MATCH (a:Actor {id: 'nobody'}) RETURN a.id AS id")
    assert list(empty.columns) == ["id"] and empty.empty


def test_cypher_runs_in_a_read_transaction(tkg: Client) -> None:
    with pytest.raises(neo4j.exceptions.ClientError):
        tkg.cypher("CREATE (:Actor {id: 'written-by-a-notebook'})")


def test_facts_as_of_a_day_between_two_actors_keep_their_precision(tkg: Client) -> None:
    frame = tkg.facts_as_of("2024-07-01", actor="DPRK", other="Russia")
    by_type = frame.set_index("type")
    pact = by_type.loc["ALLIED_WITH"]
    assert pact["id"] == "rus-prk-mutual-defence-pact"
    assert pact["valid_from"] == pd.Timestamp("2024-06-01")
    assert pact["valid_from_precision"] == "month"
    assert pd.isna(pact["valid_to"]) and pact["valid_to_precision"] == "open"
    assert by_type.loc["SUPPLIED_ARMS_TO"]["status"] == "contested"
    assert "SIGNED_AGREEMENT_WITH" not in by_type.index  # June 2024 only


def test_rollup_adds_the_parts_of_each_side(tkg: Client) -> None:
    plain = set(tkg.facts_between("ukr", "rus")["id"])
    rolled = set(tkg.facts_between("ukr", "rus", rollup=True)["id"])
    assert plain < rolled
    assert "ukr-attacked-rus-kursk" in rolled - plain  # the army's, rolled up to Ukraine


def test_an_actors_facts_name_the_counterpart(tkg: Client) -> None:
    frame = tkg.facts_in_window("2024-10", "2024-10", actor="prk")
    assert frame.columns[0] == "counterpart"
    assert "prk-troops-to-russia-vladivostok" in set(frame["id"])
    assert (frame["valid_from"].dropna() <= pd.Timestamp("2024-10-31")).all()


def test_window_facts_graph_wide_equal_the_bundled_facts_in_the_window(tkg: Client) -> None:
    frame = tkg.facts_in_window("2024-10", "2024-10", include_generic=True)
    expected = {
        fact.id
        for fact in parse_file(BUNDLED_DATASET).facts
        if (fact.valid_from is None or fact.valid_from.first_day <= datetime(2024, 10, 31).date())
        and (fact.valid_to is None or fact.valid_to.last_day >= datetime(2024, 10, 1).date())
    }
    assert set(frame["id"]) == expected
    assert frame["recorded_at"].dt.tz is not None


def test_held_at_a_moment_before_the_load_is_empty(tkg: Client) -> None:
    assert tkg.held_at(datetime(2001, 1, 1, tzinfo=UTC)).empty
    now = tkg.held_at(datetime.now(UTC))
    assert {"prk-supplied-arms-to-rus", "rus-prk-mutual-defence-pact"} <= set(now["id"])


def test_claims_about_a_fact(tkg: Client) -> None:
    frame = tkg.claims("prk-troops-to-russia-vladivostok")
    stances = set(zip(frame["claimant"], frame["stance"], strict=True))
    assert {("kor-nis", "asserts"), ("the-kremlin", "denies")} <= stances
    denial = frame[frame["stance"] == "denies"].iloc[0]
    assert denial["date"] == pd.Timestamp("2024-10-01") and denial["date_precision"] == "month"


def test_timeline_and_monthly_counts_agree(tkg: Client) -> None:
    entries = tkg.timeline("prk", "2024-01", "2024-12")
    counts = tkg.monthly_counts("prk", "2024-01", "2024-12")
    assert counts["count"].sum() == len(entries) > 0
    assert counts["month"].dt.year.eq(2024).all()


def test_unknown_actor_is_an_error(tkg: Client) -> None:
    with pytest.raises(NotFoundError):
        tkg.facts_between("prk", "atlantis")


@pytest.fixture(scope="module")
def tkg_indexed(bundled: neo4j.Driver, settings: Settings) -> Iterator[Client]:
    with Client(settings, timeout=30, index=True) as client:
        yield client


@pytest.mark.parametrize("indexed", [False, True], ids=["cypher", "index"])
@pytest.mark.parametrize("mode", ["shortest", "k_shortest", "time_respecting"])
def test_paths_in_each_mode_match_the_api(
    tkg: Client,
    tkg_indexed: Client,
    client: TestClient,
    mode: str,
    indexed: bool,
    bundled: neo4j.Driver,
    settings: Settings,
) -> None:
    asking = tkg_indexed if indexed else tkg
    frame = asking.paths("prk", "ukr-armed-forces", "2023-06", "2024-12", mode=mode)
    body = client.get(
        "/v1/paths",
        params={
            "source": "prk",
            "target": "ukr-armed-forces",
            "from": "2023-06",
            "to": "2024-12",
            "mode": mode,
        },
    ).json()
    result = frame.attrs["result"].model_dump(mode="json")
    if indexed:
        # Both on a temporal index at the same graph version: the very same answer.
        with bundled.session(database=settings.neo4j_database) as session:
            assert tkg_indexed.use_index().version == session.execute_read(read_graph_version)
        assert client.get("/v1/paths/index").json()["ready"]
        assert result == body
    elif mode == "k_shortest":
        # The client searches in Cypher, the API on its temporal index: among routes of
        # equal length the two may pick different ones (each a correct k shortest).
        assert sorted(p["length"] for p in result["paths"]) == sorted(
            p["length"] for p in body["paths"]
        )
        assert result["graph_version"] == body["graph_version"]
    else:
        assert result == body
    assert len(frame) == sum(len(path["hops"]) for path in result["paths"]) > 0
    assert (frame[frame["hop"] == 0]["source"] == "prk").all()


def test_window_graph_multi_and_aggregated(tkg: Client) -> None:
    multi = tkg.graph("2024-10", "2024-10", multi=True, include_generic=True)
    facts = tkg.facts_in_window("2024-10", "2024-10", include_generic=True)
    assert isinstance(multi, nx.MultiDiGraph)
    assert multi.number_of_edges() == len(facts)
    assert multi.nodes["prk"] == {"name": "North Korea", "kind": "state"}
    edge = multi.edges["prk", "rus", "prk-supplied-arms-to-rus"]
    assert edge["type"] == "SUPPLIED_ARMS_TO" and edge["status"] == "contested"
    simple = tkg.graph("2024-10", "2024-10", include_generic=True)
    assert isinstance(simple, nx.DiGraph) and not simple.is_multigraph()
    assert sum(d["facts"] for _, _, d in simple.edges(data=True)) == len(facts)
    assert simple.edges["prk", "rus"]["types"]["SUPPLIED_ARMS_TO"] == 1


def test_export_writes_facts_and_actors_with_iso_dates(tkg: Client, tmp_path: Path) -> None:
    written = tkg.export(tmp_path)
    assert sorted(p.name for p in written) == [
        "actors.csv",
        "actors.parquet",
        "facts.csv",
        "facts.parquet",
    ]
    facts = pq.read_table(tmp_path / "facts.parquet").to_pandas()
    bundled = parse_file(BUNDLED_DATASET)
    assert set(facts["id"]) == {fact.id for fact in bundled.facts}
    pact = facts.set_index("id").loc["rus-prk-mutual-defence-pact"]
    assert (pact["valid_from"], pact["valid_from_precision"]) == ("2024-06-01", "month")
    assert (pact["valid_to"], pact["valid_to_precision"]) == ("9999-12-31", "open")
    csv = pd.read_csv(tmp_path / "facts.csv", dtype=str)
    assert len(csv) == len(facts)
    arms = csv.set_index("id").loc["prk-supplied-arms-to-rus"]
    assert arms["valid_from"] == "2023-09-01" and ";" in arms["sources"]
    actors = pd.read_csv(tmp_path / "actors.csv", dtype=str)
    assert {actor.id for actor in bundled.actors} <= set(actors["id"])
    assert actors.set_index("id").loc["the-kremlin", "part_of"] == "rus"


def test_export_of_a_window_keeps_only_its_facts(tkg: Client, tmp_path: Path) -> None:
    tkg.export(tmp_path, "2024-10", "2024-10", formats=["parquet"])
    assert not (tmp_path / "facts.csv").exists()
    exported = set(pq.read_table(tmp_path / "facts.parquet").column("id").to_pylist())
    assert exported == set(tkg.facts_in_window("2024-10", "2024-10", include_generic=True)["id"])


def test_export_orders_facts_by_type_then_id(tkg: Client, tmp_path: Path) -> None:
    # Types are read in parallel: the files must not depend on which finished first.
    tkg.export(tmp_path, formats=["csv"])
    facts = pd.read_csv(tmp_path / "facts.csv", dtype=str)
    keys = list(zip(facts["type"], facts["id"], strict=True))
    assert keys == sorted(keys) and len(set(facts["type"])) > 1


# -- Graph Data Science ------------------------------------------------------------------

# The window's VISITED, CONDEMNED and ACCUSED facts as an undirected graph, each pair
# weighted by its facts: the projection docs/notebooks.md shows.
GDS_PROJECTION = """
MATCH (s:Actor)-[r:VISITED|CONDEMNED|ACCUSED]->(t:Actor)
WHERE r.valid_from <= date($to) AND r.valid_to >= date($from) AND r.retracted_at IS NULL
  AND s <> t
WITH s, t, count(*) AS facts
RETURN gds.graph.project($graph, s, t, {relationshipProperties: {facts: toFloat(facts)}},
                         {undirectedRelationshipTypes: ['*']})
"""


def test_gds_runs_in_the_local_neo4j_at_the_pinned_version(tkg: Client) -> None:
    pom = (REPO_ROOT / "ops" / "neo4j" / "pom.xml").read_text(encoding="utf-8")
    pinned = re.search(r"<gds.version>(.+)</gds.version>", pom)
    assert pinned is not None
    assert str(tkg.gds().server_version()) == pinned[1]
    assert tkg.cypher("RETURN gds.version() AS version")["version"].tolist() == [pinned[1]]


def test_gds_pagerank_from_python_agrees_with_networkx_on_the_window_graph(tkg: Client) -> None:
    gds = tkg.gds()
    with gds.graph.project.cypher(
        GDS_PROJECTION, graph="test-pagerank", **{"from": "2024-01-01", "to": "2024-12-31"}
    ) as projected:
        scores = gds.page_rank.stream(
            projected, relationship_weight_property="facts", max_iterations=100
        )
    assert gds.graph.list("test-pagerank") == []  # dropped on leaving the block
    names = tkg.cypher(
        "UNWIND $nodes AS node RETURN node, gds.util.asNode(node).id AS id",
        nodes=scores["nodeId"].tolist(),
    )
    score_of = dict(zip(scores["nodeId"], scores["score"], strict=True))
    by_actor = {
        actor: score_of[node] for node, actor in zip(names["node"], names["id"], strict=True)
    }

    window = tkg.graph("2024", "2024", types=["VISITED", "CONDEMNED", "ACCUSED"])
    undirected = nx.Graph()
    for source, target, facts in window.edges(data="facts"):
        if source != target:
            weight = undirected.get_edge_data(source, target, {"weight": 0})["weight"]
            undirected.add_edge(source, target, weight=weight + facts)
    expected = nx.pagerank(undirected, weight="weight", tol=1.0e-9, max_iter=1000)
    assert set(by_actor) == set(expected)
    total = sum(by_actor.values())  # GDS does not normalise; networkx sums to 1
    for actor, score in by_actor.items():
        assert score / total == pytest.approx(expected[actor], abs=1.0e-4), actor


@pytest.mark.parametrize("measure", ["degree", "pagerank", "betweenness"])
def test_centrality_and_series_from_the_index_equal_the_cypher_pull(
    tkg: Client, tkg_indexed: Client, measure: str
) -> None:
    pulled = tkg.centrality("2023", "2024", measure=measure, top=20)
    computed = tkg_indexed.centrality("2023", "2024", measure=measure, top=20)
    assert len(pulled) > 5
    pd.testing.assert_frame_equal(computed, pulled)
    assert computed.attrs == pulled.attrs
    series = tkg_indexed.actor_over_time("prk", "2023-01", "2024-12")
    pd.testing.assert_frame_equal(series, tkg.actor_over_time("prk", "2023-01", "2024-12"))
    assert series["facts"].sum() > 0


def test_centrality_of_an_empty_window_has_the_columns_of_a_full_one(tkg: Client) -> None:
    # No sector (a coded part of a country) in the curated data: nobody to rank.
    empty = tkg.centrality("2024", "2024", measure="betweenness", kinds=["sector"])
    assert empty.empty
    assert list(empty.columns) == list(tkg.centrality("2024", "2024").columns)
    assert {"id", "rank", "value", "error", "counterparts"} <= set(empty.columns)
