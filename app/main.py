"""Builds the FastAPI app: settings, driver, schema, routes, problem handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import neo4j
from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from neo4j.exceptions import DriverError, Neo4jError

from app.api.answers import AnswerCache
from app.api.explorer import install_explorer
from app.api.guards import install_catch_all, install_guards
from app.api.http import install_cors, install_http_caching
from app.api.main import ROUTERS
from app.api.params import query_guard
from app.api.problems import declare_problems, install_problem_handlers
from app.api.routes.docs import install_docs
from app.core.config import Settings, get_settings
from graph_schema.ddl import apply_schema
from queries.versions import read_graph_version
from tindex.service import IndexService

logger = logging.getLogger("tkg")

DESCRIPTION = """
Dated, sourced relationships between states, leaders, armed forces and organisations.

Every fact has a **valid time** (when it was true in the world, with its precision: day,
month or year), a **transaction time** (when the graph recorded or retracted it), its
**sources**, and a **status** derived from the claims about it: asserted, contested, denied
or confirmed. A query without a date answers *now*; `at`, `from`/`to` and `known_at` ask
about another day, a window, or what the graph held on a past day.

**[Open the explorer](/explorer/)**: an ego network over a time slider, in the browser.

Errors are RFC 9457 problem bodies (`application/problem+json`) whose `type` is an absolute
URI of a page under `/problems/` saying what the kind of error means.

Browsers can call every route from any origin (CORS, configurable); answers carry a strong
`ETag` derived from the graph version (header `X-Graph-Version`), so a repeat with
`If-None-Match` costs a `304`; bodies above a threshold are gzip-compressed.
"""


# Worker threads (and Neo4j connections) kept for cheap routes whatever expensive ones do:
# an expensive request holds one thread and one connection at a time, and at most
# `heavy_concurrency` of them run (a slot outlives a 504 until its work ends), so sizing both
# pools at `heavy_concurrency` plus this share means a cheap request never waits for a
# thread or a connection behind a flood. 40 is AnyIO's default pool.
CHEAP_ROUTE_THREADS = 40
# Connections beyond the threads': the temporal index's catch-up and build, /health.
SPARE_CONNECTIONS = 4


def open_driver(settings: Settings, *, fail_fast: bool = False) -> neo4j.Driver:
    """A driver for tools (patient: loads retry deadlocks) or, with `fail_fast`, for the
    API: connections opened within `neo4j_connect_timeout_seconds` and no driver retries
    (queries.runner retries within the query budget), so a Neo4j that is down costs a
    request a prompt 503, not seconds of waiting."""
    connect = settings.neo4j_connect_timeout_seconds if fail_fast else 5.0
    return neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_acquisition_timeout=2 * connect if fail_fast else 10.0,
        connection_timeout=connect,
        # An analyst waiting on an answer is better served by a prompt 503 than by 30 s
        # of retries against a Neo4j that is down.
        max_transaction_retry_time=0 if fail_fast else settings.neo4j_retry_seconds,
        max_connection_pool_size=(
            settings.heavy_concurrency + CHEAP_ROUTE_THREADS + SPARE_CONNECTIONS
            if fail_fast
            else 100
        ),
        # Absent optional properties (retracted_at) are normal here, not typos to warn about.
        notifications_min_severity="OFF",
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in AnyIO's default pool, one per event loop: this loop's.
        threads = anyio.to_thread.current_default_thread_limiter()
        threads.total_tokens = settings.heavy_concurrency + CHEAP_ROUTE_THREADS
        driver = open_driver(settings, fail_fast=True)
        app.state.driver = driver
        if settings.apply_schema_on_startup:
            try:
                apply_schema(driver, settings.neo4j_database)
            except (Neo4jError, DriverError, OSError) as error:
                # Start anyway: /health then says 503 and why, which beats a dead process.
                logger.warning("schema not applied, Neo4j unreachable: %s", error)
        # The temporal index builds in the background: paths answer through Cypher until
        # it is ready, so the service answers from its first second.
        app.state.path_index = None
        if settings.path_index:
            app.state.path_index = IndexService(
                driver,
                settings.neo4j_database,
                read_graph_version,
                snapshot_dir=settings.index_snapshot_dir,
            )
            app.state.path_index.start()
        app.state.path_answers = AnswerCache(int(settings.path_answers_kept_mb * 1_000_000))
        app.state.abandoned_work = set()  # work a 504 left running (TimeBudget)
        try:
            yield
        finally:
            if app.state.abandoned_work:
                await asyncio.wait(app.state.abandoned_work, timeout=settings.query_timeout_seconds)
            if app.state.path_index is not None:
                app.state.path_index.close()
            driver.close()

    app = FastAPI(
        title="Temporal knowledge graph of conflicts and alliances",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by app.api.routes.docs from installed files, not from a CDN.
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(query_guard)],
    )
    app.state.settings = settings
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    install_explorer(app, settings)
    install_docs(app)
    # Innermost first. The guards sit outside HTTP caching so that a refusal (a 503 for a
    # full house, a 401, a 429) costs no graph version read; CORS wraps them all.
    install_catch_all(app)
    install_http_caching(app, settings)
    install_guards(app, settings)
    install_cors(app, settings)
    install_openapi(app)
    return app


def install_openapi(app: FastAPI) -> None:
    """The OpenAPI document as the contract: problem bodies declared for every error."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = declare_problems(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
