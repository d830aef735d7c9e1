"""Helpers for tests: wiping and counting the real database, serving an app."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import neo4j
import uvicorn
from fastapi import FastAPI

from graph_schema.temporal import Precision
from graph_schema.vocabulary import FactType
from loaders.bulk.actors import state_actor
from loaders.bulk.records import BulkEvent
from queries.admin import graph_counts, wipe_database


def wipe(driver: neo4j.Driver, database: str) -> None:
    wipe_database(driver, database)


def counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    return graph_counts(driver, database)


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app behind a real uvicorn on a free loopback port; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


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
