"""Fixtures: a real Neo4j (the local `test` instance, or NEO4J_TEST_URI), a clean database per
test, the bundled dataset loaded once per module, and an API client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from fastapi.testclient import TestClient

from app.core.config import REPO_ROOT, Settings
from app.main import create_app, open_driver
from graph_schema.ddl import apply_schema
from loaders.curated import load_curated_file
from tests.utils import wipe

BUNDLED_DATASET = REPO_ROOT / "data" / "north-korea-russia-2024.yaml"
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"


def _test_settings() -> Settings:
    # Tests wipe the database they use, so they never follow NEO4J_URI: only the local
    # test instance, or a database named explicitly as disposable in NEO4J_TEST_URI.
    uri = os.environ.get("NEO4J_TEST_URI")
    overrides: dict[str, object] = {
        "tkg_instance": "test",
        "neo4j_uri": uri or None,
        "apply_schema_on_startup": False,
        # Tests load a new graph every few seconds: snapshots of each would pile up.
        "index_snapshot_dir": None,
        # Tests assert answers, not speed (benchmarks measure that): the first queries on a
        # Neo4j that has just started, planning cold on two busy cores, took over 10 s.
        # Tests of the budget itself set their own.
        "query_timeout_seconds": 60.0,
    }
    if uri and os.environ.get("NEO4J_TEST_PASSWORD"):
        overrides["neo4j_password"] = os.environ["NEO4J_TEST_PASSWORD"]
    return Settings(**overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return _test_settings()


@pytest.fixture(scope="session")
def driver(settings: Settings) -> Iterator[neo4j.Driver]:
    with open_driver(settings) as session_driver:
        session_driver.verify_connectivity()
        apply_schema(session_driver, settings.neo4j_database)
        yield session_driver


@pytest.fixture
def db(driver: neo4j.Driver, settings: Settings) -> neo4j.Driver:
    """A driver to an empty database (schema kept, data gone)."""
    wipe(driver, settings.neo4j_database)
    return driver


@pytest.fixture(scope="module")
def bundled(driver: neo4j.Driver, settings: Settings) -> neo4j.Driver:
    """The bundled dataset, loaded once for a module whose tests only read."""
    wipe(driver, settings.neo4j_database)
    load_curated_file(driver, settings.neo4j_database, BUNDLED_DATASET)
    return driver


@pytest.fixture(scope="session")
def client(settings: Settings, driver: neo4j.Driver) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"shared datasets not found at {SHARED_DATASETS}")
    return SHARED_DATASETS
