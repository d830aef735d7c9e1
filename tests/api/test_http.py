"""What browsers rely on, on every route: CORS, gzip, ETag/304, HEAD, Allow, problem types."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from fastapi.testclient import TestClient

from app.api.problems import PROBLEM_KINDS
from app.core.config import REPO_ROOT, Settings
from app.main import create_app
from loaders.curated import load_curated_file
from tests.conftest import BUNDLED_DATASET

pytestmark = pytest.mark.usefixtures("bundled")

GRAPH = "/v1/graph?actors=prk&depth=2&from=2024&to=2024"
ORIGIN = "https://explorer.example"


def test_a_cross_origin_fetch_is_allowed_and_sees_the_etag(client: TestClient) -> None:
    response = client.get(GRAPH, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "etag" in exposed and "x-graph-version" in exposed


def test_a_preflight_is_answered(client: TestClient) -> None:
    response = client.options(
        GRAPH,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "if-none-match" in response.headers["access-control-allow-headers"].lower()


def test_large_answers_are_gzipped_and_small_ones_are_not(client: TestClient) -> None:
    big = client.get(GRAPH, headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert int(big.headers["content-length"]) < len(big.content) / 3  # decoded by httpx
    small = client.get("/problems/not-found", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_a_repeat_with_if_none_match_gets_304_until_the_graph_changes(
    client: TestClient,
) -> None:
    first = client.get(GRAPH)
    tag = first.headers["etag"]
    assert tag.startswith('"') and first.headers["x-graph-version"]
    assert "no-cache" in first.headers["cache-control"]
    repeat = client.get(GRAPH, headers={"If-None-Match": tag})
    assert repeat.status_code == 304 and repeat.content == b""
    assert repeat.headers["etag"] == tag
    # Another question is another representation, whatever the order of its parameters.
    other = client.get("/v1/graph?actors=prk&depth=1&from=2024&to=2024")
    assert other.headers["etag"] != tag
    reordered = client.get("/v1/graph?to=2024&from=2024&depth=2&actors=prk")
    assert reordered.headers["etag"] == tag


def test_a_write_to_the_graph_changes_the_etag(
    client: TestClient, bundled: neo4j.Driver, settings: Settings
) -> None:
    before = client.get(GRAPH)
    load_curated_file(bundled, settings.neo4j_database, BUNDLED_DATASET)
    after = client.get(GRAPH, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["x-graph-version"] != before.headers["x-graph-version"]
    assert after.headers["etag"] != before.headers["etag"]


def test_the_etag_names_the_version_the_answer_was_read_at(
    client: TestClient, bundled: neo4j.Driver, settings: Settings
) -> None:
    # /v1/paths says in its body which version its transaction saw: the header, read in
    # that same transaction, agrees, right after a write too (no cached version).
    url = "/v1/paths?source=prk&target=ukr"
    before = client.get(url)
    assert before.headers["x-graph-version"] == before.json()["graph_version"]
    load_curated_file(bundled, settings.neo4j_database, BUNDLED_DATASET)
    after = client.get(url)
    assert after.headers["x-graph-version"] == after.json()["graph_version"]
    assert after.json()["graph_version"] != before.json()["graph_version"]


def test_every_answer_but_health_names_the_graph_version(client: TestClient) -> None:
    version = client.get(GRAPH).headers["x-graph-version"]
    for url in ("/problems", "/openapi.json", "/v1/actors/atlantis"):
        assert client.get(url).headers["x-graph-version"] == version, url
    assert client.post(GRAPH).headers["x-graph-version"] == version
    assert "etag" not in client.get("/problems").headers


def test_head_answers_every_get_route_without_a_body(client: TestClient) -> None:
    for url in (GRAPH, "/v1/actors/prk", "/problems", "/openapi.json"):
        get = client.get(url, headers={"Accept-Encoding": "identity"})
        head = client.head(url, headers={"Accept-Encoding": "identity"})
        assert head.status_code == get.status_code == 200, url
        assert head.content == b""
        assert head.headers["content-length"] == get.headers["content-length"]
        assert head.headers.get("etag") == get.headers.get("etag")


def test_a_wrong_method_gets_405_with_allow(client: TestClient) -> None:
    response = client.post("/v1/graph?actors=prk")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed
    assert response.headers["content-type"].startswith("application/problem+json")


def test_problem_types_are_absolute_uris_the_api_documents(client: TestClient) -> None:
    problem = client.get("/v1/actors/atlantis").json()
    kind = problem["type"]
    assert kind.startswith("http://testserver/problems/")
    page = client.get(kind.removeprefix("http://testserver"))
    assert page.status_code == 200 and page.json()["description"]
    kinds = {k["type"] for k in client.get("/problems").json()}
    assert kind.rsplit("/", 1)[1] in kinds


def test_without_a_build_the_explorer_page_says_how_to_get_it(
    settings: Settings, tmp_path: Path
) -> None:
    app = create_app(settings.model_copy(update={"explorer_dir": tmp_path}))
    page = TestClient(app).get("/explorer", follow_redirects=True)
    assert page.status_code == 503 and "make web" in page.text


def test_docs_list_every_problem_type() -> None:
    listed = (REPO_ROOT / "docs" / "problems.md").read_text()
    assert all(f"`{slug}`" in listed for slug in PROBLEM_KINDS)
