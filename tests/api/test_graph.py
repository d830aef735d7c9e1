"""/v1/graph and /v1/paths as drawing libraries use them: aggregated edges, a ranked node
budget, no orphans, every edge end among the nodes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("bundled")

WINDOW = "from=2024&to=2024"


def graph(client: TestClient, query: str) -> Any:
    response = client.get(f"/v1/graph?{query}")
    assert response.status_code == 200, response.text
    return response.json()


def assert_drawable(body: dict[str, Any]) -> None:
    ids = [n["id"] for n in body["nodes"]]
    assert len(ids) == len(set(ids))
    touched = {end for e in body["edges"] for end in (e["source"], e["target"])}
    assert touched <= set(ids), "an edge end is not a node"
    centres = {n["id"] for n in body["nodes"] if n["depth"] == 0}
    assert set(ids) - centres <= touched, "orphan node"
    for node in body["nodes"]:
        assert node["parent"] is None or node["parent"] in ids


def test_one_edge_per_pair_counts_the_facts_of_the_raw_answer(client: TestClient) -> None:
    raw = graph(client, f"actors=prk&depth=1&{WINDOW}&aggregate=none&max_nodes=5000")
    folded = graph(client, f"actors=prk&depth=1&{WINDOW}&max_nodes=5000")
    assert_drawable(raw)
    assert_drawable(folded)
    pairs = Counter(tuple(sorted((e["source"], e["target"]))) for e in raw["edges"])
    assert {tuple(sorted((e["source"], e["target"]))): e["count"] for e in folded["edges"]} == dict(
        pairs
    )
    assert max(pairs.values()) > 1, "the bundled data has parallel facts to fold"
    for edge in folded["edges"]:
        assert sum(edge["types"].values()) == sum(edge["statuses"].values()) == edge["count"]
        assert len(edge["fact_ids"]) == min(edge["count"], 20)
        assert (edge["first"] or "0000") <= (edge["last"] or "9999")
    by_type = graph(client, f"actors=prk&depth=1&{WINDOW}&aggregate=pair_type&max_nodes=5000")
    assert sum(e["count"] for e in by_type["edges"]) == sum(pairs.values())
    assert all(list(e["types"]) == [e["type"]] for e in by_type["edges"])


def test_induced_adds_the_edges_among_the_neighbours(client: TestClient) -> None:
    star = graph(client, f"actors=prk&depth=1&{WINDOW}")
    induced = graph(client, f"actors=prk&depth=1&{WINDOW}&include=induced")
    assert {n["id"] for n in star["nodes"]} == {n["id"] for n in induced["nodes"]}
    assert all("prk" in (e["source"], e["target"]) for e in star["edges"])
    extra = [e for e in induced["edges"] if "prk" not in (e["source"], e["target"])]
    assert extra and len(induced["edges"]) == len(star["edges"]) + len(extra)
    assert_drawable(induced)


def test_the_node_budget_keeps_the_heaviest_and_says_it_cut(client: TestClient) -> None:
    whole = graph(client, f"actors=prk&depth=1&{WINDOW}&max_nodes=5000")
    cut = graph(client, f"actors=prk&depth=1&{WINDOW}&max_nodes=4")
    assert not whole["truncated"] and cut["truncated_reason"] == ["max_nodes"]
    assert cut["total_nodes"] == whole["total_nodes"] == len(whole["nodes"])
    assert len(cut["nodes"]) == 4
    heaviest = sorted(
        (n for n in whole["nodes"] if n["depth"] == 1), key=lambda n: (-n["weight"], n["id"])
    )
    assert {n["id"] for n in cut["nodes"]} == {"prk"} | {n["id"] for n in heaviest[:3]}
    assert cut == graph(client, f"max_nodes=4&{WINDOW}&depth=1&actors=prk"), "deterministic"
    assert_drawable(cut)


def test_depth_two_reaches_further_and_stays_drawable(client: TestClient) -> None:
    one = graph(client, f"actors=prk&depth=1&{WINDOW}")
    two = graph(client, f"actors=prk&depth=2&{WINDOW}&include=induced")
    assert {n["id"] for n in one["nodes"]} < {n["id"] for n in two["nodes"]}
    assert {n["depth"] for n in two["nodes"]} == {0, 1, 2}
    assert_drawable(two)


def test_rollup_folds_sub_actors_into_their_country(client: TestClient) -> None:
    plain = graph(client, f"actors=rus&depth=1&{WINDOW}&max_nodes=5000")
    rolled = graph(client, f"actors=rus&depth=1&{WINDOW}&rollup=country&max_nodes=5000")
    assert_drawable(rolled)
    assert "ukr-armed-forces" in {n["id"] for n in plain["nodes"]} | {
        n["id"] for n in graph(client, f"actors=ukr&depth=1&{WINDOW}")["nodes"]
    }
    assert "ukr-armed-forces" not in {n["id"] for n in rolled["nodes"]}
    assert sum(e["count"] for e in rolled["edges"]) >= sum(e["count"] for e in plain["edges"])


def test_parent_names_the_actor_a_node_is_part_of(client: TestClient) -> None:
    body = graph(client, f"actors=ukr&depth=2&{WINDOW}&include=induced&max_nodes=5000")
    parents = {n["id"]: n["parent"] for n in body["nodes"] if n["parent"]}
    assert parents.get("ukr-armed-forces") == "ukr"


def test_the_drill_down_link_lists_the_facts_of_an_edge(client: TestClient) -> None:
    body = graph(client, f"actors=prk&depth=1&{WINDOW}")
    edge = max(body["edges"], key=lambda e: e["count"])
    url = body["facts_url"].format(source=edge["source"], target=edge["target"])
    facts = client.get(url).json()
    assert {f["id"] for f in facts["data"]} >= set(edge["fact_ids"])


def test_an_empty_actor_list_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/graph?actors=&at=2024")
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "actors"


def test_every_hop_fact_end_is_a_path_node(client: TestClient) -> None:
    response = client.get(
        "/v1/paths?source=prk&target=ukr&from=2024&to=2024&rollup=country&max_hops=3"
    )
    assert response.status_code == 200, response.text
    paths = response.json()["paths"]
    assert paths
    for path in paths:
        ids = {n["id"] for n in path["nodes"]}
        for hop in path["hops"]:
            for fact in hop["facts"]:
                assert {fact["source"], fact["target"]} <= ids
