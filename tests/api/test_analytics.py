"""/v1/analytics against networkx on the same window of generated facts, the bundled data,
and a slice of ICEWS18."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.core.config import Settings
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.records import BulkEvent
from loaders.bulk.writer import BulkWriter
from tests.api.temporal_graphs import Fact, PDate, TemporalGraph, temporal_graphs
from tests.api.test_crosscheck import CROSSCHECK, get, icews18_slice, in_window, load


def window_digraph(facts: list[Fact]) -> nx.DiGraph:
    """Facts as a directed graph weighted by how many facts join each ordered pair."""
    graph = nx.DiGraph()
    for fact in facts:
        if fact.source == fact.target:
            continue
        weight = (
            graph.edges[fact.source, fact.target]["weight"]
            if graph.has_edge(fact.source, fact.target)
            else 0
        )
        graph.add_edge(fact.source, fact.target, weight=weight + 1)
    return graph


def centrality(client: TestClient, params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    body = get(client, "/v1/analytics/centrality", {"top": 1000, **params})
    return {entry["id"]: entry for entry in body["data"]}


def check_centrality(client: TestClient, params: dict[str, Any], facts: list[Fact]) -> None:
    directed = window_digraph(facts)
    undirected = nx.Graph(directed.to_undirected())
    degree = centrality(client, {**params, "measure": "degree"})
    assert set(degree) == set(directed.nodes), params
    for actor, entry in degree.items():
        touching = [f for f in facts if f.touches(actor) and f.source != f.target]
        assert entry["counterparts"] == undirected.degree(actor), (params, actor)
        assert entry["facts"] == len(touching), (params, actor)
    ranks = [entry["rank"] for entry in degree.values()]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    if not directed:
        return
    expected_rank = nx.pagerank(directed, weight="weight")
    for actor, entry in centrality(client, {**params, "measure": "pagerank"}).items():
        assert entry["value"] == pytest.approx(expected_rank[actor], rel=1e-3, abs=1e-6)
    expected_between = nx.betweenness_centrality(undirected)
    body = get(client, "/v1/analytics/centrality", {**params, "measure": "betweenness"})
    assert body["exact"] is True
    for entry in body["data"]:
        assert entry["value"] == pytest.approx(expected_between[entry["id"]], abs=1e-9)


@st.composite
def month_windows(draw: st.DrawFn) -> tuple[PDate, PDate]:
    first = draw(st.integers(2020 * 12, 2024 * 12 + 11))
    last = draw(st.integers(first, min(first + 18, 2024 * 12 + 11)))
    return PDate(first // 12, first % 12 + 1), PDate(last // 12, last % 12 + 1)


@CROSSCHECK
@given(graph=temporal_graphs(), window=month_windows(), data=st.data())
def test_centrality_and_series_equal_networkx_on_the_window(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    graph: TemporalGraph,
    window: tuple[PDate, PDate],
    data: st.DataObject,
) -> None:
    load(db, settings.neo4j_database, graph)
    start, end = window
    params = {"from": start.text, "to": end.text}
    check_centrality(client, params, in_window(graph, start.first, end.last))

    actor = data.draw(st.sampled_from(graph.actors), label="actor")
    body = get(client, f"/v1/analytics/actors/{actor}/series", params)
    months = body["data"]
    assert [m["month"] for m in months] == [
        f"{n // 12:04d}-{n % 12 + 1:02d}"
        for n in range(start.year * 12 + (start.month or 1) - 1, end.year * 12 + (end.month or 12))
    ]
    for month in months:
        year, number = (int(part) for part in month["month"].split("-"))
        span = PDate(year, number)
        facts = [f for f in in_window(graph, span.first, span.last) if f.source != f.target]
        counterparts: dict[str, set[str]] = {}
        for fact in facts:
            counterparts.setdefault(fact.source, set()).add(fact.target)
            counterparts.setdefault(fact.target, set()).add(fact.source)
        mine = len(counterparts.get(actor, ()))
        assert month["counterparts"] == mine, month
        assert month["facts"] == sum(f.touches(actor) for f in facts), month
        assert month["actors"] == len(counterparts), month
        expected_rank = 1 + sum(len(c) > mine for c in counterparts.values()) if mine else None
        assert month["degree_rank"] == expected_rank, month
        if mine:
            pagerank = nx.pagerank(window_digraph(facts), weight="weight")
            assert month["pagerank"] == pytest.approx(pagerank[actor], rel=1e-3, abs=1e-6)


def test_class_series_counts_every_fact_between_the_two_in_each_month(
    bundled: neo4j.Driver, client: TestClient
) -> None:
    params = {"a": "prk", "b": "rus", "from": "2023-06", "to": "2024-12"}
    body = get(client, "/v1/analytics/relations", params)
    assert body["count"] == 19 and body["a"] == "prk"
    for month in body["data"]:
        facts = get(
            client,
            "/v1/relationships",
            {"a": "prk", "b": "rus", "at": month["month"], "limit": 1000},
        )["data"]
        assert month["cooperative"] + month["hostile"] + month["unclassified"] == len(facts), month
        assert month["cooperative"] == month["verbal_cooperation"] + month["material_cooperation"]
    by_month = {month["month"]: month for month in body["data"]}
    # Arms since September 2023: material cooperation from that month on.
    assert by_month["2023-08"]["material_cooperation"] < by_month["2023-09"]["material_cooperation"]
    rolled = get(client, "/v1/analytics/relations", {**params, "rollup": "country"})["data"]
    assert sum(m["hostile"] + m["cooperative"] for m in rolled) >= sum(
        m["hostile"] + m["cooperative"] for m in body["data"]
    )


def test_analytics_refuse_what_they_cannot_answer(
    bundled: neo4j.Driver, client: TestClient
) -> None:
    open_series = client.get("/v1/analytics/actors/prk/series", params={"from": "2024-01"})
    assert open_series.status_code == 422, open_series.text
    unknown = client.get("/v1/analytics/relations", params={"a": "prk", "b": "atlantis"})
    assert unknown.status_code == 404
    bad = client.get("/v1/analytics/centrality", params={"measure": "closeness"})
    assert bad.status_code == 422


def test_kind_and_type_filters_narrow_the_graph(bundled: neo4j.Driver, client: TestClient) -> None:
    everything = get(
        client, "/v1/analytics/centrality", {"from": "2024", "to": "2024", "top": 1000}
    )
    states = get(
        client,
        "/v1/analytics/centrality",
        {"from": "2024", "to": "2024", "top": 1000, "kind": "state"},
    )
    assert states["actors"] < everything["actors"]
    assert {entry["kind"] for entry in states["data"]} == {"state"}
    arms = get(
        client,
        "/v1/analytics/centrality",
        {"from": "2024", "to": "2024", "type": "SUPPLIED_ARMS_TO", "top": 1000},
    )
    assert arms["pairs"] < everything["pairs"]
    top3 = get(client, "/v1/analytics/centrality", {"from": "2024", "to": "2024", "top": 3})
    assert [e["id"] for e in top3["data"]] == [e["id"] for e in everything["data"][:3]]


def test_june_2018_of_an_icews18_slice_as_networkx_ranks_it(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    shared_datasets: Path,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "icews18"
    days = icews18_slice(shared_datasets, folder)
    records = list(parse_icews18(folder))
    BulkWriter(db, settings.neo4j_database, batch_size=500).load(records)
    facts = [
        Fact(e.id, e.type.value, e.source.id, e.target.id, PDate(2018, 1, 1), None)
        for e in records
        if isinstance(e, BulkEvent) and days[e.id].month == 6
    ]
    directed = window_digraph(facts)
    # Every actor of the slice is a specific one or a catch-all; ask for all of them.
    body = get(
        client,
        "/v1/analytics/centrality",
        {"from": "2018-06", "to": "2018-06", "top": 10, "include_generic": "true"},
    )
    assert body["actors"] == directed.number_of_nodes()
    counts = Counter({actor: directed.to_undirected().degree(actor) for actor in directed})
    got = [(entry["id"], entry["counterparts"]) for entry in body["data"]]
    assert [c for _, c in got] == sorted((c for _, c in counts.most_common()), reverse=True)[:10]
    assert all(counts[actor] == c for actor, c in got)
    check_centrality(client, {"from": "2018-06", "to": "2018-06", "include_generic": "true"}, facts)
