"""Helpers for tests: wiping and counting the real database."""

from __future__ import annotations

from datetime import date, timedelta

import neo4j

from graph_schema.temporal import Precision
from graph_schema.vocabulary import FactType
from loaders.bulk.actors import state_actor
from loaders.bulk.records import BulkEvent
from queries.admin import graph_counts, wipe_database


def wipe(driver: neo4j.Driver, database: str) -> None:
    wipe_database(driver, database)


def counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    return graph_counts(driver, database)


def consultation(n: int, prefix: str = "consult") -> BulkEvent:
    """The n-th of a series of daily Russia-China consultations from 2018-01-01 (ICEWS-like)."""
    return BulkEvent(
        id=f"icews:{prefix}-{n}",
        dataset="icews",
        line=n + 1,
        source=state_actor("rus"),
        target=state_actor("chn"),
        type=FactType.CONSULTED,
        day=date(2018, 1, 1) + timedelta(days=n),
        precision=Precision.DAY,
        code="040",
        code_text="Consult",
    )
