"""Kept path answers: a question asked again at the same graph version gets the same bytes
without a search; after a write it is searched again and says the new version."""

from __future__ import annotations

import time
from typing import Any

import httpx
import neo4j
import pytest
from fastapi.testclient import TestClient

from app.api.answers import AnswerCache, KeptAnswer
from app.api.routes import paths as paths_route
from app.core.config import Settings
from app.main import create_app
from loaders.curated import load_curated_file
from tests.conftest import BUNDLED_DATASET
from tindex.paths import find_paths

QUESTION = {"source": "prk", "target": "ukr", "from": "2024-06", "to": "2024-10"}


def answered_by_index(client: TestClient, params: dict[str, Any]) -> httpx.Response:
    """The answer once the index holds the graph version (Cypher answers meanwhile)."""
    deadline = time.monotonic() + 120
    while True:
        response: httpx.Response = client.get("/v1/paths", params=params)
        assert response.status_code == 200, response.text
        if response.headers["X-Path-Engine"] == "index":
            return response
        assert time.monotonic() < deadline, "the index never answered"
        time.sleep(0.1)


def test_a_path_question_asked_again_is_not_searched_again_until_the_graph_changes(
    db: neo4j.Driver, settings: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    searched: list[tuple[str, str]] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        searched.append((args[2].source, args[2].target))
        return find_paths(*args, **kwargs)

    monkeypatch.setattr(paths_route, "find_paths", counted)
    first = answered_by_index(client, QUESTION)
    assert first.json()["paths"], "the bundled data joins North Korea and Ukraine"
    before = len(searched)

    again = client.get("/v1/paths", params=QUESTION)
    # The same question in other words: defaults spelled out, parameters in another order.
    reworded = client.get(
        "/v1/paths",
        params={"to": "2024-10", "mode": "shortest", "max_hops": 4, **QUESTION},
    )
    assert len(searched) == before
    for response in (again, reworded):
        assert response.content == first.content
        assert response.headers["X-Path-Engine"] == "index"
        assert response.headers["X-Graph-Version"] == first.headers["X-Graph-Version"]

    # Another question is searched.
    client.get("/v1/paths", params={**QUESTION, "max_hops": 2})
    assert len(searched) == before + 1

    # A write makes a new graph version: the question is searched again, at that version.
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    after = answered_by_index(client, QUESTION)
    assert len(searched) > before + 1
    assert after.json()["graph_version"] != first.json()["graph_version"]
    assert after.json()["paths"] == first.json()["paths"]  # the same facts, reloaded


def test_no_answer_is_kept_when_none_may_be(
    db: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    searched: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        searched.append(args)
        return find_paths(*args, **kwargs)

    monkeypatch.setattr(paths_route, "find_paths", counted)
    none_kept = settings.model_copy(update={"path_answers_kept_mb": 0})
    with TestClient(create_app(none_kept)) as client:
        first = answered_by_index(client, QUESTION)
        before = len(searched)
        assert client.get("/v1/paths", params=QUESTION).content == first.content
        assert len(searched) == before + 1


def test_kept_answers_stay_within_their_bytes_and_their_graph_version() -> None:
    cache = AnswerCache(budget=10)
    a, b, c = (AnswerCache.key("paths", name) for name in "abc")
    cache.put("v1", a, KeptAnswer(b"12345", "index"))
    cache.put("v1", b, KeptAnswer(b"12345", "index"))
    assert cache.get("v1", a) is not None  # a is now the most recently used
    cache.put("v1", c, KeptAnswer(b"123", "index"))  # 13 bytes: b, the least recent, goes
    assert cache.get("v1", b) is None
    assert cache.get("v1", a) is not None and cache.get("v1", c) is not None
    assert cache.held == 8
    assert cache.get("v2", a) is None  # another version's answers are not this one's
    cache.put("v2", b, KeptAnswer(b"1", "index"))
    assert cache.get("v1", a) is None and cache.held == 1  # a new version replaced them
    cache.put("v2", a, KeptAnswer(b"x" * 11, "index"))  # larger than the budget: not kept
    assert cache.get("v2", a) is None
