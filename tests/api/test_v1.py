"""API v1 against the real Neo4j with the bundled dataset: what analysts rely on."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import neo4j
import pytest
from fastapi.testclient import TestClient

from app.api.routes import paths as paths_route
from app.core.config import Settings
from app.main import create_app
from graph_schema.errors import QueryTimeoutError
from graph_schema.temporal import PartialDate
from queries.runner import run_read

pytestmark = pytest.mark.usefixtures("bundled")


def get(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.json()


def interval(fact: dict[str, Any]) -> tuple[date, date]:
    start = PartialDate.parse(fact["valid_from"]).first_day if fact["valid_from"] else date.min
    end = PartialDate.parse(fact["valid_to"]).last_day if fact["valid_to"] else date.max
    return start, end


def overlaps(fact: dict[str, Any], first: date, last: date) -> bool:
    start, end = interval(fact)
    return start <= last and end >= first


def test_the_alliance_holds_between_north_korea_and_russia_in_july_2024(client: TestClient) -> None:
    body = get(client, "/v1/relationships?a=prk&b=rus&at=2024-07-01")
    alliance = [f for f in body["data"] if f["type"] == "ALLIED_WITH"]
    assert alliance, body
    assert alliance[0]["valid_from"] == "2024-06"
    assert alliance[0]["precision"] == {"valid_from": "month", "valid_to": "open"}
    assert alliance[0]["sources"]
    assert body["count"] == len(body["data"])
    for fact in body["data"]:
        assert overlaps(fact, date(2024, 7, 1), date(2024, 7, 1))


def test_before_the_pact_there_is_no_alliance(client: TestClient) -> None:
    body = get(client, "/v1/relationships?a=prk&b=rus&at=2024-05")
    assert "ALLIED_WITH" not in {f["type"] for f in body["data"]}
    assert "SUPPLIED_ARMS_TO" in {f["type"] for f in body["data"]}


def test_october_2024_includes_the_contested_soldier_shipment(client: TestClient) -> None:
    body = get(client, "/v1/relationships?a=prk&b=rus&from=2024-10&to=2024-10")
    shipment = [f for f in body["data"] if f["type"] == "DEPLOYED_TROOPS_TO"]
    assert shipment and shipment[0]["status"] == "contested"
    assert "kor-nis" in shipment[0]["asserted_by"] and "the-kremlin" in shipment[0]["denied_by"]
    contested = get(
        client, "/v1/relationships?a=prk&b=rus&from=2024-10&to=2024-10&status=contested"
    )
    assert contested["data"] and all(f["status"] == "contested" for f in contested["data"])


def test_names_and_aliases_resolve_to_actor_ids(client: TestClient) -> None:
    by_alias = get(client, "/v1/relationships?a=DPRK&b=Moscow&at=2024-07-01")
    by_id = get(client, "/v1/relationships?a=prk&b=rus&at=2024-07-01")
    assert by_alias == by_id
    assert get(client, "/v1/actors/DPRK")["id"] == "prk"


def test_a_path_from_north_korea_to_ukraine_in_2024_uses_only_facts_valid_then(
    client: TestClient,
) -> None:
    body = get(client, "/v1/paths?source=prk&target=ukr&from=2024&to=2024&max_hops=4")
    assert body["paths"], body
    for path in body["paths"]:
        assert path["nodes"][0]["id"] == "prk" and path["nodes"][-1]["id"] == "ukr"
        assert path["length"] == len(path["hops"]) == len(path["nodes"]) - 1
        for hop in path["hops"]:
            assert hop["facts"]
            for fact in hop["facts"]:
                assert overlaps(fact, date(2024, 1, 1), date(2024, 12, 31)), fact
                assert {fact["source"], fact["target"]} == {hop["source"], hop["target"]}


def test_time_respecting_journey_follows_time_and_rolls_up_to_countries(client: TestClient) -> None:
    url = "/v1/paths?source=prk&target=ukr&from=2024-06&to=2024-10&mode=time_respecting"
    without_rollup = get(client, url)
    with_rollup = get(client, url + "&rollup=country")
    assert with_rollup["paths"], "the Kursk incursion links Ukraine to Russia after the pact"
    journey = with_rollup["paths"][0]
    starts = [interval(hop["facts"][0])[0] for hop in journey["hops"]]
    assert starts == sorted(starts)
    assert starts[0] >= date(2024, 6, 1)
    assert journey["arrival"] == starts[-1].isoformat()
    # Ukraine's armed forces, not Ukraine, carried out the incursion: without rollup the
    # journey cannot reach the state through them.
    assert len(without_rollup["paths"]) <= len(with_rollup["paths"])


def test_rollup_counts_sub_actors_facts_as_their_countrys(client: TestClient) -> None:
    plain = get(client, "/v1/actors/ukr/relationships?at=2024-08-06&type=ATTACKED")
    rolled = get(client, "/v1/actors/ukr/relationships?at=2024-08-06&type=ATTACKED&rollup=country")
    assert not plain["data"]
    groups = {(g["counterpart"]["id"], g["type"]) for g in rolled["data"]}
    assert ("rus", "ATTACKED") in groups


def test_relationships_group_by_counterpart_and_type(client: TestClient) -> None:
    body = get(client, "/v1/actors/prk/relationships?from=2024-06&to=2024-10")
    keys = [(g["counterpart"]["id"], g["type"]) for g in body["data"]]
    assert len(keys) == len(set(keys))
    for group in body["data"]:
        assert group["count"] == len(group["facts"])
        for fact in group["facts"]:
            assert fact["type"] == group["type"]
            assert group["counterpart"]["id"] in (fact["source"], fact["target"])
            assert overlaps(fact, date(2024, 6, 1), date(2024, 10, 31))


def test_filters_by_type_and_confidence(client: TestClient) -> None:
    body = get(
        client,
        "/v1/actors/prk/relationships?from=2020&to=2024&type=ALLIED_WITH&type=DEPLOYED_TROOPS_TO",
    )
    assert {g["type"] for g in body["data"]} == {"ALLIED_WITH", "DEPLOYED_TROOPS_TO"}
    confident = get(client, "/v1/relationships?a=prk&b=rus&from=2020&to=2024&min_confidence=0.9")
    assert confident["data"] and all(f["confidence"] >= 0.9 for f in confident["data"])


def test_paging_follows_the_cursor_to_the_end(client: TestClient) -> None:
    everything = get(client, "/v1/relationships?a=prk&b=rus&from=2020&to=2024&limit=1000")["data"]
    assert len(everything) >= 3
    seen: list[str] = []
    url = "/v1/relationships?a=prk&b=rus&from=2020&to=2024&limit=2"
    while url:
        body = get(client, url)
        assert body["count"] == len(body["data"]) <= 2
        seen += [f["id"] for f in body["data"]]
        url = (
            f"/v1/relationships?a=prk&b=rus&from=2020&to=2024&limit=2&cursor={body['next']}"
            if body["next"]
            else ""
        )
    assert seen == [f["id"] for f in everything]


def test_known_at_before_anything_was_recorded_is_empty(client: TestClient) -> None:
    body = get(client, "/v1/relationships?a=prk&b=rus&at=2024-07-01&known_at=2020-01-01")
    assert body["data"] == []


def test_actor_detail_shows_roles_over_time(client: TestClient) -> None:
    body = get(client, "/v1/actors/kor")
    roles = {(r["holder"]["id"], r["role"].lower()) for r in body["roles"]}
    assert any(holder == "shin-won-sik" and "defence" in role for holder, role in roles)
    assert any(holder == "kim-yong-hyun" and "defence" in role for holder, role in roles)
    assert "kor-nis" in {p["id"] for p in body["parts"]}


def test_actor_search_finds_aliases(client: TestClient) -> None:
    body = get(client, "/v1/actors?q=Pyongyang")
    assert body["data"][0]["id"] == "prk"
    states = get(client, "/v1/actors?kind=state&limit=1000")["data"]
    assert states and all(a["kind"] == "state" for a in states)


def test_timeline_is_ordered_and_buckets_add_up(client: TestClient) -> None:
    body = get(client, "/v1/actors/prk/timeline?from=2023&to=2024&bucket=month&limit=1000")
    dates = [PartialDate.parse(e["date"]).first_day for e in body["data"]]
    assert dates == sorted(dates) and dates
    assert sum(b["count"] for b in body["buckets"]) == len(body["data"])
    assert all(date(2023, 1, 1) <= d <= date(2024, 12, 31) for d in dates)


def test_event_detail_carries_claims_with_their_stance(client: TestClient) -> None:
    events = get(client, "/v1/events?actor=prk&from=2024-10&to=2024-10")["data"]
    shipment = next(e for e in events if e["location"] == "vladivostok")
    detail = get(client, f"/v1/events/{shipment['id']}")
    stances = {(c["claimant"]["id"], c["stance"]) for c in detail["claims"]}
    assert ("kor-nis", "asserts") in stances and ("the-kremlin", "denies") in stances
    assert detail["sources"] and detail["location_detail"]["country"] == "rus"


def test_ego_graph_edges_carry_validity_within_scope(client: TestClient) -> None:
    body = get(client, "/v1/graph?actors=prk&depth=2&at=2024-07-01&aggregate=none")
    ids = {n["id"] for n in body["nodes"]}
    assert {"prk", "rus"} <= ids
    for edge in body["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
        assert overlaps(edge["fact"], date(2024, 7, 1), date(2024, 7, 1))


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/v1/actors/atlantis", 404, None),
        ("/v1/relationships?a=prk&b=atlantis&at=2024", 404, None),
        ("/v1/relationships?a=prk&b=rus&at=2024-13", 422, "at"),
        ("/v1/relationships?a=prk&b=rus&from=2024-10&to=2024-01", 422, "to"),
        ("/v1/relationships?a=prk&b=rus&type=HUGGED", 422, "type.0"),
        ("/v1/paths?source=prk&target=ukr&max_hops=99", 422, "max_hops"),
        ("/v1/paths?source=prk&target=DPRK", 422, "target"),
        ("/v1/relationships?a=prk&b=rus&cursor=nonsense", 422, "cursor"),
    ],
)
def test_errors_are_problem_bodies_naming_the_cause(
    client: TestClient, url: str, status: int, field: str | None
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    if status == 404:
        assert "atlantis" in problem["detail"]
    if field is not None:
        assert field in {p["name"] for p in problem["invalid_params"]}


def test_a_transaction_past_its_budget_raises_query_timeout(
    settings: Settings, driver: neo4j.Driver
) -> None:
    began = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        run_read(
            driver,
            settings.neo4j_database,
            0.3,
            lambda tx: tx.run("CALL apoc.util.sleep(20000)").consume(),
        )
    assert time.monotonic() - began < 10


def test_a_query_timeout_answers_504_with_a_problem_body(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def too_slow(*args: object, **kwargs: object) -> None:
        raise QueryTimeoutError("query ran past its budget of 10 s")

    # Whichever engine would answer: both go through find_paths.
    monkeypatch.setattr(paths_route, "find_paths", too_slow)
    response = client.get("/v1/paths?source=prk&target=ukr")
    assert response.status_code == 504
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "Query timed out"


def test_openapi_documents_every_route_with_a_description() -> None:
    spec = create_app(Settings(neo4j_password="irrelevant-password")).openapi()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"
    assert spec["paths"]["/v1/relationships"]["get"]["parameters"]
