"""A name two data sets give two actors is never resolved by a silent pick."""

from __future__ import annotations

from typing import Any

import neo4j
from fastapi.testclient import TestClient

from app.core.config import Settings
from loaders.curated import write_dataset
from loaders.curated_format import CuratedDataset


def one_actor_dataset(dataset: str, actor: str, name: str, alias: str) -> CuratedDataset:
    return CuratedDataset.model_validate(
        {
            "format": "tkg-curated/1",
            "dataset": {"id": dataset, "title": dataset},
            "actors": [
                {"id": actor, "name": name, "kind": "person", "aliases": [alias]},
                {"id": "rus", "name": "Russia", "kind": "state"},
            ],
        }
    )


def problem(client: TestClient, url: str, status: int) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_a_name_of_two_actors_is_a_422_listing_both(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    write_dataset(
        db,
        settings.neo4j_database,
        one_actor_dataset("one", "ivan-petrov-1950", "Ivan Petrov (1950)", "Ivan Petrov"),
    )
    write_dataset(
        db,
        settings.neo4j_database,
        one_actor_dataset("two", "ivan-petrov-1982", "Ivan Petrov (1982)", "ivan petrov"),
    )
    for url, field in (
        ("/v1/relationships?a=Ivan%20Petrov&b=rus", "a"),
        ("/v1/actors/Ivan-Petrov", "actor_id"),
        ("/v1/graph?actors=rus,IVAN%20PETROV", "actors"),
        ("/v1/paths?source=rus&target=Ivan%20Petrov", "target"),
        ("/v1/events?actor=ivan%20petrov", "actor"),
    ):
        body = problem(client, url, 422)
        assert body["invalid_params"][0]["name"] == field
        assert [(c["id"], c["name"], c["kind"]) for c in body["candidates"]] == [
            ("ivan-petrov-1950", "Ivan Petrov (1950)", "person"),
            ("ivan-petrov-1982", "Ivan Petrov (1982)", "person"),
        ]
    # Each actor's own name and its id still resolve.
    assert client.get("/v1/actors/Ivan%20Petrov%20(1982)").json()["id"] == "ivan-petrov-1982"
    assert client.get("/v1/actors/IVAN-PETROV-1950").json()["id"] == "ivan-petrov-1950"
