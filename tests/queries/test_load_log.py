"""Transaction time made consistent: the load log, the graph version, `known_at`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import neo4j
import pytest
import yaml
from fastapi.testclient import TestClient

from app.core.config import Settings
from graph_schema.ddl import FACT_INDEXED_PROPERTIES
from loaders.bulk.records import RejectedRow
from loaders.bulk.writer import BulkRowError, BulkWriter
from loaders.curated import load_curated_file
from queries.facts import FACT_IN_SCOPE
from queries.runner import run_read
from queries.versions import EMPTY_GRAPH_VERSION, read_graph_version
from tests.conftest import BUNDLED_DATASET
from tests.utils import consultation, counts


def graph_version(driver: neo4j.Driver, settings: Settings) -> str:
    return run_read(driver, settings.neo4j_database, 10, read_graph_version)


def loads(client: TestClient, **params: str) -> list[dict[str, object]]:
    response = client.get("/v1/loads", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data


def fact_stamps(driver: neo4j.Driver, settings: Settings, prop: str) -> set[datetime]:
    records, _, _ = driver.execute_query(
        "MATCH ()-[r]->() WHERE r.id IS NOT NULL AND r[$prop] IS NOT NULL "
        "RETURN DISTINCT r[$prop] AS t",
        prop=prop,
        database_=settings.neo4j_database,
    )
    return {record["t"].to_native() for record in records}


def test_every_load_is_recorded_and_stamps_what_it_wrote(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    assert graph_version(db, settings) == EMPTY_GRAPH_VERSION
    assert loads(client) == []

    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    first_version = graph_version(db, settings)
    assert first_version != EMPTY_GRAPH_VERSION
    once = counts(db, settings.neo4j_database)
    facts = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))["facts"]

    [curated] = loads(client)
    assert curated["status"] == "finished" and curated["format"] == "curated"
    assert curated["dataset"] == "north-korea-russia-2024"
    assert str(curated["file"]).endswith(BUNDLED_DATASET.name)
    assert (curated["created"], curated["updated"], curated["retracted"]) == (len(facts), 0, 0)
    started = datetime.fromisoformat(str(curated["started_at"]))
    assert started.tzinfo is not None
    # The load's instant is the transaction time of every fact it recorded.
    assert fact_stamps(db, settings, "recorded_at") == {started.astimezone(UTC)}

    # A reload writes nothing new, but it is a load: logged, and the version moves.
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    assert counts(db, settings.neo4j_database) == once
    assert graph_version(db, settings) != first_version
    newest, oldest = loads(client)
    assert (newest["created"], newest["updated"], newest["retracted"]) == (0, 0, 0)
    assert str(newest["started_at"]) > str(oldest["started_at"])
    assert fact_stamps(db, settings, "recorded_at") == {started.astimezone(UTC)}


def test_bulk_batches_each_move_the_version_and_the_load_counts_its_rows(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    versions = {graph_version(db, settings)}
    writer = BulkWriter(
        db, settings.neo4j_database, batch_size=5, source="consults.tab", data_format="icews"
    )
    summary = writer.load([consultation(n) for n in range(12)])
    versions.add(graph_version(db, settings))
    [load] = loads(client, dataset="icews")
    assert load["format"] == "icews" and load["status"] == "finished"
    assert load["file"] == "consults.tab"
    assert (load["rows"], load["created"]) == (summary.rows_read, summary.events_written)
    assert summary.events_written > 0
    writes, _, _ = db.execute_query(
        "MATCH (w:Write {load: $id}) RETURN count(w) AS n",
        id=load["id"],
        database_=settings.neo4j_database,
    )
    # One Write per write transaction: at least one per batch of facts, plus start and end.
    assert writes[0]["n"] >= summary.events_written / 5 + 2
    assert len(versions) == 2


def test_a_failed_load_is_logged_as_failed_with_its_reason(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    bad = RejectedRow(path="broken.tab", line=3, reason="no such CAMEO code", raw="x")
    writer = BulkWriter(db, settings.neo4j_database, batch_size=2, source="broken.tab")
    with pytest.raises(BulkRowError):
        writer.load([consultation(0), consultation(1), bad, consultation(2)])
    [load] = loads(client)
    assert load["status"] == "failed"
    assert "broken.tab:3" in str(load["error"]) and "CAMEO" in str(load["error"])
    assert load["finished_at"] is not None


def test_known_at_means_the_same_everywhere(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    pair = {"a": "prk", "b": "rus", "from": "2023", "to": "2024"}

    def facts(**extra: str) -> list[str]:
        response = client.get("/v1/relationships", params={**pair, **extra})
        assert response.status_code == 200, response.text
        return sorted(fact["id"] for fact in response.json()["data"])

    current = facts()
    assert current
    today = datetime.now(UTC).date()
    # Today and now are valid and mean the current graph; so does a moment later today.
    assert facts(known_at=today.isoformat()) == current
    assert facts(known_at="now") == current
    # Before the first load the graph held nothing: an empty answer, not an error.
    assert facts(known_at="2000-01-01") == []
    tomorrow = client.get(
        "/v1/relationships", params={**pair, "known_at": (today + timedelta(days=2)).isoformat()}
    )
    assert tomorrow.status_code == 422
    assert tomorrow.json()["detail"].startswith("known_at")


def unknown_property_warnings(settings: Settings, query: str, **params: object) -> list[str]:
    # The API's driver turns notifications off; an analyst's notebook driver does not.
    with neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        notifications_min_severity="WARNING",
    ) as driver:
        _, summary, _ = driver.execute_query(query, params, database_=settings.neo4j_database)
    return [s.status_description for s in summary.gql_status_objects if s.gql_status == "01N52"]


def test_no_property_does_not_exist_notification_before_anything_is_retracted(
    db: neo4j.Driver, settings: Settings
) -> None:
    # A database where nothing has been retracted or updated yet.
    BulkWriter(db, settings.neo4j_database, batch_size=10).load([consultation(n) for n in range(3)])
    transaction_time = (
        "MATCH ()-[r:CONSULTED]->() WHERE "
        + FACT_IN_SCOPE
        + " AND (r.updated_at IS NULL OR r.updated_at <= $known_at) RETURN count(r) AS n"
    )
    params = {
        "valid_from": date(2018, 1, 1),
        "valid_to": date(2018, 12, 31),
        "known_at": datetime.now(UTC),
        "statuses": None,
        "fact_classes": None,
        "min_confidence": None,
    }
    assert unknown_property_warnings(settings, transaction_time, **params) == []
    # The check itself sees the warning for a property no fact has ever had.
    typo = "MATCH ()-[r:CONSULTED]->() WHERE r.retracted_att IS NULL RETURN count(r)"
    assert unknown_property_warnings(settings, typo)
    assert {"recorded_at", "retracted_at", "updated_at"} <= set(FACT_INDEXED_PROPERTIES)
