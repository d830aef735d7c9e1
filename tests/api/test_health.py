from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app


def test_health_reports_the_live_neo4j(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["neo4j"]["version"].startswith("5.26.")
    assert body["neo4j"]["edition"] == "community"


def test_health_is_503_with_a_problem_body_when_neo4j_is_unreachable() -> None:
    # Port 9 (discard) on loopback has nothing listening: a real refused connection.
    settings = Settings(
        neo4j_uri="bolt://127.0.0.1:9",
        neo4j_password="irrelevant-password",
        apply_schema_on_startup=True,
        neo4j_retry_seconds=0,
    )
    with TestClient(create_app(settings)) as unreachable:
        response = unreachable.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 503
    assert problem["title"] == "Neo4j unavailable"
    assert "connection refused" in problem["detail"]
    assert "127.0.0.1" not in problem["detail"] and ":9" not in problem["detail"]
    assert problem["instance"] == "/health"
