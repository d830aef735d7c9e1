"""Helpers for tests: wiping and counting the real database, serving an app."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import neo4j
import uvicorn
from fastapi import FastAPI

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
