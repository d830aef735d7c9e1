"""The attack list of issue 13: inputs that once gave 500s or unbounded work, limits,
time budgets, slots for expensive routes, keys, hosts and headers."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import neo4j
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.api.routes import paths as paths_route
from app.core.config import Settings
from app.main import create_app
from queries.admin import ENDLESS_READ, running_transactions
from queries.paths import PathQuestion, PathsResult
from queries.runner import check_deadline
from tests.utils import serve
from tindex.paths import PathsAnswer

pytestmark = pytest.mark.usefixtures("bundled")

PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def invalid(response: httpx.Response, name: str) -> str:
    """The 422's reason for parameter `name`."""
    body = problem(response, 422)
    reasons: list[str] = [p["reason"] for p in body["invalid_params"] if p["name"] == name]
    assert reasons, body
    return reasons[0]


def cursor_of(offset: object) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.fixture
def app_with(settings: Settings) -> Iterator[Any]:
    """Build a test app with some settings changed; the clients close at the end."""
    clients: list[TestClient] = []

    def build(**changes: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=changes)))
        clients.append(client.__enter__())
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


# -- inputs that were 500s -------------------------------------------------------------


def test_a_search_word_over_1000_characters_is_a_422_naming_q(client: TestClient) -> None:
    assert "200" in invalid(client.get("/v1/actors", params={"q": "k" * 1001}), "q")
    assert "64 characters" in invalid(client.get("/v1/actors", params={"q": "k" * 65}), "q")


def test_a_search_of_more_than_1024_words_is_a_422_naming_q(client: TestClient) -> None:
    invalid(client.get("/v1/actors", params={"q": " ".join(["a"] * 1025)}), "q")
    assert "16 words" in invalid(client.get("/v1/actors", params={"q": "a " * 17}), "q")
    assert client.get("/v1/actors", params={"q": "north korea"}).json()["data"]


def test_a_1001_character_actor_name_is_a_404_not_a_500(client: TestClient) -> None:
    # Unknown names are answered with the closest actors, found by the same full-text search.
    name = "k" * 1001
    problem(client.get(f"/v1/actors/{name}"), 404)
    problem(client.get("/v1/relationships", params={"a": name, "b": "rus"}), 404)
    problem(client.get("/v1/actors/" + "+".join(["korea"] * 1100)), 404)


@pytest.mark.parametrize(
    "cursor",
    [cursor_of(2**63), cursor_of(10**30), raw_cursor('{"o": 1e400}'), cursor_of(1.5)],
    ids=["2^63", "10^30", "1e400", "float"],
)
@pytest.mark.parametrize(
    "route", ["/v1/actors", "/v1/actors/prk/timeline", "/v1/events", "/v1/actors/prk/relationships"]
)
def test_huge_or_odd_cursor_offsets_are_422s_naming_cursor(
    client: TestClient, route: str, cursor: str
) -> None:
    invalid(client.get(route, params={"cursor": cursor}), "cursor")


def test_a_cursor_past_the_deepest_page_names_the_limit(app_with: Any) -> None:
    client = app_with(max_offset=10)
    assert "10 items deep" in invalid(client.get("/v1/events?cursor=" + cursor_of(11)), "cursor")
    assert client.get("/v1/events?cursor=" + cursor_of(10)).status_code == 200


def test_repeated_scalar_parameters_are_422s(client: TestClient) -> None:
    reason = invalid(client.get("/v1/relationships?a=prk&a=rus&b=ukr"), "a")
    assert "2 times" in reason
    invalid(client.get("/v1/actors/prk/relationships?at=2024&at=2023"), "at")
    invalid(client.get("/v1/events?limit=1&limit=1000"), "limit")


def test_full_width_digits_are_not_a_year(client: TestClient) -> None:
    invalid(client.get("/v1/actors/prk/relationships", params={"at": "２０２４"}), "at")
    invalid(client.get("/v1/events", params={"limit": "１０"}), "limit")


def test_a_list_parameter_repeated_2000_times_counts_once(client: TestClient) -> None:
    many = "&".join(["actors=rus"] * 2000)
    response = client.get(f"/v1/graph?{many}&at=2024-07")
    assert response.status_code == 200, response.text
    once = client.get("/v1/graph?actors=rus&at=2024-07").json()
    assert response.json() == once


def test_more_distinct_list_values_than_the_cap_are_a_422(client: TestClient) -> None:
    names = "&".join(f"actors=a{i}" for i in range(51))
    assert "at most 50" in invalid(client.get(f"/v1/graph?{names}"), "actors")
    commas = ",".join(f"a{i}" for i in range(51))
    invalid(client.get(f"/v1/graph?actors={commas}"), "actors")


def test_answers_stay_under_the_size_cap_and_say_so(app_with: Any) -> None:
    client = app_with(max_answer_bytes=10_000)
    page = client.get("/v1/actors/prk/relationships?from=2000&to=2030&limit=1000")
    assert page.status_code == 200
    assert len(page.content) < 20_000
    body = page.json()
    assert body["next"], "a page cut at the size cap continues"
    rest = client.get(f"/v1/actors/prk/relationships?from=2000&to=2030&cursor={body['next']}")
    assert rest.status_code == 200 and rest.json()["data"]
    # One edge per fact: the bundled network at depth 2 is larger than the cap.
    answer = client.get("/v1/graph?actors=prk&depth=2&from=2000&to=2030&aggregate=none")
    assert len(answer.content) < 10_000
    graph = answer.json()
    assert graph["truncated"] is True and "max_answer_bytes" in graph["truncated_reason"]
    node_ids = {node["id"] for node in graph["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in graph["edges"])


# -- a route that fails unexpectedly ---------------------------------------------------


@pytest.fixture
def served(settings: Settings) -> Iterator[str]:
    """The app behind a real uvicorn, with a route that fails."""
    app: FastAPI = create_app(settings)

    @app.get("/v1/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    with serve(app) as url:
        yield url


def test_an_unexpected_error_is_a_500_problem_and_the_connection_stays_open(
    served: str,
) -> None:
    sockets: list[object] = []
    with httpx.Client(base_url=served) as http:
        for _ in range(2):
            response = http.get("/v1/boom", extensions={"trace": _socket_spy(sockets)})
            body = problem(response, 500)
            assert "a bug" not in body["detail"]
            assert response.headers.get("connection", "").lower() != "close"
        assert http.get("/health").status_code == 200
    assert len(sockets) == 1, "the three requests used one keep-alive connection"


def _socket_spy(sockets: list[object]) -> Any:
    def trace(event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.complete":
            sockets.append(info["return_value"])

    return trace


def test_405_says_which_methods_are_allowed(client: TestClient) -> None:
    response = client.post("/v1/actors")
    problem(response, 405)
    allowed = {method.strip() for method in response.headers["allow"].split(",")}
    assert "GET" in allowed and "POST" not in allowed


# -- the time budget -------------------------------------------------------------------


def answered_by(monkeypatch: pytest.MonkeyPatch, work: Callable[..., object]) -> None:
    """/v1/paths does `work` instead of its search, whichever engine would answer (the
    Cypher search, or the temporal index once built): both go through `find_paths`."""
    monkeypatch.setattr(paths_route, "find_paths", work)


def test_an_engine_looping_in_python_stops_at_the_budget_and_answers_504(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped: list[float] = []

    def endless(*args: object, **kwargs: object) -> None:
        try:
            while True:
                check_deadline()
                time.sleep(0.01)
        finally:
            stopped.append(time.monotonic())

    answered_by(monkeypatch, endless)
    client = app_with(query_timeout_seconds=1.0)
    began = time.monotonic()
    problem(client.get("/v1/paths?source=prk&target=ukr"), 504)
    assert time.monotonic() - began < 1.0 + 1.5
    assert stopped and stopped[0] - began < 1.0 + 1.5


def test_work_that_ignores_the_budget_still_gets_a_504_in_time(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    answered_by(monkeypatch, lambda *args, **kwargs: release.wait(10))
    client = app_with(query_timeout_seconds=1.0)
    began = time.monotonic()
    try:
        body = problem(client.get("/v1/paths?source=prk&target=ukr"), 504)
        assert time.monotonic() - began < 1.0 + 1.5
        assert "budget of 1 s" in body["detail"]
    finally:
        release.set()


def test_a_neo4j_query_past_its_budget_is_a_504_and_ends_on_the_server(
    app_with: Any, monkeypatch: pytest.MonkeyPatch, bundled: neo4j.Driver
) -> None:
    def busy_in_neo4j(tx: neo4j.ManagedTransaction, *args: object, **kwargs: object) -> None:
        tx.run(ENDLESS_READ).consume()

    answered_by(monkeypatch, busy_in_neo4j)
    client = app_with(query_timeout_seconds=1.0)
    began = time.monotonic()
    problem(client.get("/v1/paths?source=prk&target=ukr"), 504)
    answered = time.monotonic()
    assert answered - began < 1.0 + 1.5
    while running_transactions(bundled, ENDLESS_READ):
        assert time.monotonic() - answered < 1.5, "the query still runs on the server"
        time.sleep(0.05)


# -- slots for expensive routes, rate limits -------------------------------------------


def test_a_full_house_of_expensive_queries_is_a_503_and_cheap_routes_still_answer(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(*args: object, **kwargs: object) -> None:
        entered.set()
        release.wait(10)

    answered_by(monkeypatch, slow)
    client = app_with(heavy_concurrency=1, heavy_queue=0)
    first = threading.Thread(target=client.get, args=("/v1/paths?source=prk&target=ukr",))
    first.start()
    try:
        assert entered.wait(10)
        busy = client.get("/v1/paths?source=prk&target=rus")
        problem(busy, 503)
        assert busy.headers["retry-after"] == "1"
        assert client.get("/v1/actors/prk").status_code == 200
    finally:
        release.set()
        first.join(10)


def test_expensive_queries_past_the_slots_wait_in_line_then_past_the_line_are_503(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    entered, release = threading.Semaphore(0), threading.Event()

    def slow(tx: object, index: object, question: PathQuestion, deadline: object) -> PathsAnswer:
        started.append(question.target)
        entered.release()
        release.wait(10)
        return PathsAnswer(PathsResult(paths=[], truncated=False))

    answered_by(monkeypatch, slow)
    client = app_with(heavy_concurrency=1, heavy_queue=1, heavy_queue_seconds=10)
    answers: dict[str, int] = {}

    def ask(target: str) -> None:
        answers[target] = client.get(f"/v1/paths?source=prk&target={target}").status_code

    first = threading.Thread(target=ask, args=("ukr",))
    first.start()
    assert entered.acquire(timeout=10)
    second = threading.Thread(target=ask, args=("rus",))
    second.start()
    try:
        time.sleep(0.3)
        assert started == ["ukr"], "the second search ran beside the first"
        # The line (one place) is taken: the third is refused at once.
        began = time.monotonic()
        busy = client.get("/v1/paths?source=prk&target=chn")
        problem(busy, 503)
        assert busy.headers["retry-after"] == "1"
        assert time.monotonic() - began < 2
    finally:
        release.set()
        first.join(10)
        second.join(10)
    # The one in line got the slot when the first ended, and an answer.
    assert started == ["ukr", "rus"]
    assert answers == {"ukr": 200, "rus": 200}


def test_a_request_waiting_past_its_time_for_a_slot_is_a_503(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(*args: object, **kwargs: object) -> PathsAnswer:
        entered.set()
        release.wait(10)
        return PathsAnswer(PathsResult(paths=[], truncated=False))

    answered_by(monkeypatch, slow)
    client = app_with(heavy_concurrency=1, heavy_queue=4, heavy_queue_seconds=0.5)
    first = threading.Thread(target=client.get, args=("/v1/paths?source=prk&target=ukr",))
    first.start()
    try:
        assert entered.wait(10)
        began = time.monotonic()
        problem(client.get("/v1/paths?source=prk&target=rus"), 503)
        assert 0.5 <= time.monotonic() - began < 3
    finally:
        release.set()
        first.join(10)
    # Its place in line was given up: the slot is free for the next request.
    assert client.get("/v1/paths?source=prk&target=rus").status_code == 200


def test_a_slot_stays_taken_past_a_504_until_the_work_ends(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, ended = threading.Event(), threading.Event()

    def stubborn(*args: object, **kwargs: object) -> None:
        release.wait(10)
        ended.set()

    answered_by(monkeypatch, stubborn)
    client = app_with(heavy_concurrency=1, heavy_queue=0, query_timeout_seconds=1.0)
    try:
        problem(client.get("/v1/paths?source=prk&target=ukr"), 504)
        # The abandoned search still runs: a second one would run beside it.
        busy = client.get("/v1/graph?actors=prk")
        problem(busy, 503)
        assert busy.headers["retry-after"] == "1"
        assert "x-graph-version" not in busy.headers  # refused before any graph read
    finally:
        release.set()
    assert ended.wait(10)
    deadline = time.monotonic() + 10
    while client.get("/v1/graph?actors=prk").status_code == 503:
        assert time.monotonic() < deadline, "the slot was never given back"
        time.sleep(0.05)


def test_a_client_past_its_rate_is_a_429_with_retry_after(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 3, "rate_limit_loopback": True})
    with TestClient(create_app(limited), client=("127.0.0.1", 5000)) as client:
        statuses = [client.get("/v1/actors/prk").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert int(client.get("/v1/actors/prk").headers["retry-after"]) >= 1
    with TestClient(create_app(settings), client=("127.0.0.1", 5000)) as local:
        # Off on loopback by default.
        assert {local.get("/v1/actors/prk").status_code for _ in range(5)} == {200}


# -- who may call ----------------------------------------------------------------------


def test_api_keys_are_required_when_configured(app_with: Any) -> None:
    digest = hashlib.sha256(b"a-long-random-key").hexdigest()
    client = app_with(api_key_hashes=[digest])
    problem(client.get("/v1/actors/prk"), 401)
    problem(client.get("/v1/actors/prk", headers={"Authorization": "Bearer wrong"}), 401)
    good = {"Authorization": "Bearer a-long-random-key"}
    assert client.get("/v1/actors/prk", headers=good).status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_the_api_refuses_to_listen_beyond_loopback_without_keys(tmp_path: Any) -> None:
    with pytest.raises(ValidationError, match="API_KEY_HASHES"):
        Settings(api_host="0.0.0.0", neo4j_password="irrelevant-password")
    keys = tmp_path / "keys"
    keys.write_text(f"# ops\n{hashlib.sha256(b'k').hexdigest()}\n")
    Settings(api_host="0.0.0.0", neo4j_password="irrelevant-password", api_keys_file=keys)
    with pytest.raises(ValidationError, match="SHA-256"):
        Settings(api_key_hashes=["not-a-digest"], neo4j_password="irrelevant-password")


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    problem(client.get("/v1/actors/prk", headers={"Host": "rebind.attacker.example"}), 400)
    assert client.get("/v1/actors/prk", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/v1/actors/prk", headers={"Host": "[::1]:8000"}).status_code == 200


def test_security_headers_and_offline_docs(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    scripts = [part.split('"')[0] for part in page.text.split('<script src="')[1:]]
    assert scripts and all(src.startswith("/docs/assets/") for src in scripts)
    for src in [*scripts, "/docs/assets/swagger-ui.css"]:
        asset = client.get(src)
        assert asset.status_code == 200 and len(asset.content) > 100, src
    redoc = client.get("/redoc")
    assert "/docs/assets/redoc.standalone.js" in redoc.text
    assert client.get("/docs/assets/redoc.standalone.js").status_code == 200
    assert "<script>" not in page.text + redoc.text, "no inline script under the CSP"
    assert client.get("/v1/actors/prk").headers["x-content-type-options"] == "nosniff"


# -- the OpenAPI document is the contract ----------------------------------------------


def test_every_error_in_the_spec_is_a_problem_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("429", "500", "503", "504"):
                assert code in responses, f"{method} {path} {code}"
            if operation.get("parameters"):
                assert "422" in responses, f"{method} {path}"
            for code, response in responses.items():
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM], f"{method} {path} {code}"
    params = {p["name"]: p for p in spec["paths"]["/v1/relationships"]["get"]["parameters"]}
    assert params["at"]["schema"]["anyOf"][0]["pattern"].startswith("^")
    assert "Not with `from`/`to`" in params["at"]["description"]
    assert params["rollup"]["schema"]["anyOf"][0]["pattern"] == "^(country|none)?$"
