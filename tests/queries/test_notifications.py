"""An analyst's driver shows Neo4j's warnings: our queries and recipes raise none.

The API's driver turns notifications off, but a notebook's `neo4j` driver does not. On a
database of curated data only, optional properties that only event data or some sources
carry (`code`, `code_text`, `url`) used to be "property does not exist" warnings.
Neo4j never forgets a property key, so these tests tell only on a database that has held
no event data yet: a fresh test instance, as in CI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import neo4j
import pytest

from app.core.config import Settings
from graph_schema.vocabulary import FACT_TYPES
from queries import analytics, events
from queries.models import FactFilter, TimeScope
from tests.graph_schema.test_docs import RECIPES

# What the driver logs for each notification names its GQL status; 01N52 is "property key
# does not exist".
UNKNOWN_PROPERTY = "01N52"
ALL_TIME = TimeScope(valid_from=date(1900, 1, 1), valid_to=date(2100, 12, 31))
Work = Callable[[neo4j.ManagedTransaction], Any]


@pytest.fixture(scope="module")
def warning_driver(bundled: neo4j.Driver, settings: Settings) -> Iterator[neo4j.Driver]:
    """A driver as a notebook opens it, on the bundled (curated-only) graph."""
    with neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        notifications_min_severity="WARNING",
    ) as driver:
        yield driver


def unknown_properties(
    driver: neo4j.Driver, settings: Settings, caplog: pytest.LogCaptureFixture, work: Work
) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="neo4j.notifications"):
        with driver.session(database=settings.neo4j_database) as session:
            session.execute_read(work)
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "neo4j.notifications" and UNKNOWN_PROPERTY in record.getMessage()
    ]


def run(cypher: str, params: dict[str, Any]) -> Work:
    return lambda tx: list(tx.run(cypher, params))


def test_the_check_sees_a_property_no_node_has(
    warning_driver: neo4j.Driver, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    typo = run("MATCH (e:Event) RETURN e.date_fromm AS day", {})
    assert unknown_properties(warning_driver, settings, caplog, typo)


CLIENT_QUERIES: dict[str, Work] = {
    "timeline": lambda tx: events.timeline(tx, "prk", ALL_TIME, FactFilter()),
    "timeline_buckets": lambda tx: events.timeline_buckets(tx, "prk", ALL_TIME, FactFilter(), 7),
    "event_detail": lambda tx: events.event_detail(tx, "prk-soldiers-shipped-to-vladivostok"),
    "list_events": lambda tx: events.list_events(tx, ALL_TIME, None, None, None, 0, 100),
    "claims_for": lambda tx: events.claims_for(tx, None, ["prk-supplied-arms-to-rus"]),
    "export_fact_rows": lambda tx: [
        analytics.export_fact_rows(tx, ALL_TIME, fact_type) for fact_type in sorted(FACT_TYPES)
    ],
}


@pytest.mark.parametrize("name", sorted(CLIENT_QUERIES))
def test_event_queries_and_fact_rows_raise_no_unknown_property_warning(
    name: str,
    warning_driver: neo4j.Driver,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert unknown_properties(warning_driver, settings, caplog, CLIENT_QUERIES[name]) == []


@pytest.mark.parametrize("recipe", RECIPES, ids=[recipe.name for recipe in RECIPES])
def test_recipes_raise_no_unknown_property_warning(
    recipe: Any,
    warning_driver: neo4j.Driver,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = run(recipe.cypher, recipe.params)
    assert unknown_properties(warning_driver, settings, caplog, work) == []
