"""Helpers for tests: wiping and counting the real database."""

from __future__ import annotations

import neo4j

from queries.admin import graph_counts, wipe_database


def wipe(driver: neo4j.Driver, database: str) -> None:
    wipe_database(driver, database)


def counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    return graph_counts(driver, database)
