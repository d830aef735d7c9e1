"""Expanding a node and the time slider's extent and histograms, against the bundled data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from queries.timeslider import Resolution, dense_histogram

pytestmark = pytest.mark.usefixtures("bundled")


def get(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def test_neighbours_agree_with_the_depth_one_graph_and_page_without_repeats(
    client: TestClient,
) -> None:
    drawn = get(client, "/v1/graph?actors=prk&depth=1&from=2024&to=2024&max_nodes=5000")
    weights = {n["id"]: n["weight"] for n in drawn["nodes"] if n["depth"] == 1}
    seen: list[str] = []
    url = "/v1/actors/prk/neighbours?from=2024&to=2024&limit=3"
    while url:
        page = get(client, url)
        assert page["total"] == len(weights)
        for item in page["data"]:
            seen.append(item["node"]["id"])
            assert item["node"]["weight"] == weights[item["node"]["id"]]
            assert any("prk" in (e["source"], e["target"]) for e in item["edges"])
        url = (
            f"/v1/actors/prk/neighbours?from=2024&to=2024&limit=3&cursor={page['next']}"
            if page["next"]
            else ""
        )
    assert sorted(seen) == sorted(weights) and len(seen) == len(set(seen))
    ranked = [weights[node] for node in seen]
    assert ranked == sorted(ranked, reverse=True)


def test_neighbours_leave_out_what_the_client_holds_and_join_it(client: TestClient) -> None:
    page = get(client, "/v1/actors/prk/neighbours?from=2024&to=2024&exclude=prk,rus&limit=50")
    ids = {item["node"]["id"] for item in page["data"]}
    assert "rus" not in ids and ids
    joined = {
        end for item in page["data"] for e in item["edges"] for end in (e["source"], e["target"])
    }
    assert "rus" in joined, "edges from the new neighbours to a held actor come along"


def test_the_extent_spans_every_dataset(client: TestClient) -> None:
    extent = get(client, "/v1/time/extent")
    overall = extent["overall"]
    assert overall["facts"] > 0 and overall["first"] <= overall["last"]
    for item in extent["datasets"]:
        assert overall["first"] <= item["first"] and item["last"] <= overall["last"]


@pytest.mark.parametrize("resolution", list(Resolution))
def test_histograms_are_dense_and_contiguous(client: TestClient, resolution: Resolution) -> None:
    body = get(client, f"/v1/time/histogram?resolution={resolution}&from=2024-05&to=2024-07")
    buckets = body["buckets"]
    assert buckets[0]["start"] <= "2024-05-01" and buckets[-1]["end"] >= "2024-07-31"
    for before, after in zip(buckets, buckets[1:], strict=False):
        assert (
            date.fromisoformat(before["end"]).toordinal() + 1
            == date.fromisoformat(after["start"]).toordinal()
        )
    if resolution is Resolution.DAY:
        assert len(buckets) == 92
    quiet = get(
        client, f"/v1/time/histogram?resolution={resolution}&from=1990-01&to=1990-03&type=ATTACKED"
    )
    assert quiet["buckets"] and {b["count"] for b in quiet["buckets"]} == {0}


def test_an_actor_histogram_counts_the_facts_the_graph_draws(client: TestClient) -> None:
    year = get(client, "/v1/time/histogram?resolution=year&from=2024&to=2024&actors=prk")
    raw = get(client, "/v1/graph?actors=prk&from=2024&to=2024&aggregate=none&max_nodes=5000")
    assert year["facts"] == year["buckets"][0]["count"] == len(raw["edges"])
    ego = get(client, "/v1/time/histogram?resolution=year&from=2024&to=2024&actors=prk&depth=1")
    assert ego["facts"] >= year["facts"]
    everything = get(client, "/v1/time/histogram?resolution=year&from=2024&to=2024")
    assert everything["facts"] >= ego["facts"]


def test_a_fact_counts_in_every_bucket_it_is_valid_in() -> None:
    histogram = dense_histogram(
        [(date(2023, 9, 1), date(9999, 12, 31), 2), (date(2024, 2, 10), date(2024, 2, 10), 1)],
        Resolution.MONTH,
        date(2024, 1, 1),
        date(2024, 4, 30),
    )
    assert [b.count for b in histogram.buckets] == [2, 3, 2, 2]
    assert histogram.facts == 3
