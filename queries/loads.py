"""Load records: what each `tkg load` wrote, and when (transaction time).

A load stamps every fact it records, retracts or rewrites with its own `started_at`
(`recorded_at`, `retracted_at`, `updated_at`), so "what did load L touch" is an index
seek per fact type. Each write transaction of a load also creates a `Write` node: the
graph version (`queries/versions.py`) counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

import neo4j
from pydantic import BaseModel, Field

from queries.runner import records

START_LOAD: LiteralString = """
CREATE (l:Load {id: $id, dataset: $dataset, file: $file, format: $format,
                started_at: $started_at, status: 'running',
                rows: 0, created: 0, updated: 0, retracted: 0})
CREATE (:Write {load: $id, at: datetime.realtime()})
"""

FINISH_LOAD: LiteralString = """
MATCH (l:Load {id: $id})
SET l.finished_at = datetime.realtime(), l.status = $status,
    l.dataset = coalesce($dataset, l.dataset),
    l.rows = $rows, l.created = $created, l.updated = $updated, l.retracted = $retracted,
    l.error = $error
CREATE (:Write {load: $id, at: datetime.realtime()})
"""

# Run inside every write transaction of a load, after its data statements.
RECORD_WRITE: LiteralString = "CREATE (:Write {load: $load_id, at: datetime.realtime()})"

LIST_LOADS: LiteralString = """
MATCH (l:Load) WHERE l.started_at IS NOT NULL
  AND ($dataset IS NULL OR l.dataset = $dataset)
WITH l ORDER BY l.started_at DESC
SKIP $offset LIMIT $limit
RETURN l.id AS id, l.dataset AS dataset, l.file AS file, l.format AS format,
       toString(l.started_at) AS started_at, toString(l.finished_at) AS finished_at,
       l.status AS status, l.rows AS rows, l.created AS created, l.updated AS updated,
       l.retracted AS retracted, l.error AS error
"""


@dataclass(frozen=True)
class WriteStamp:
    """What every write transaction of one load carries: its load and its instant."""

    load_id: str
    now: datetime


class LoadPublic(BaseModel):
    """One load: a file written into the graph, with its transaction time and counts."""

    id: str = Field(description="Load id.")
    dataset: str | None = Field(description="Data set the load wrote (null until known).")
    file: str = Field(description="The file or folder that was loaded.")
    format: str = Field(description="curated, icews18, icews, gdelt2, gdelt1 or acled.")
    started_at: datetime = Field(
        description="Transaction time of every fact this load recorded, retracted or updated."
    )
    finished_at: datetime | None = Field(description="When it ended (null while running).")
    status: str = Field(description="running, finished or failed.")
    rows: int = Field(description="Rows (bulk) or entries (curated) read.")
    created: int = Field(description="Facts recorded for the first time.")
    updated: int = Field(description="Facts recorded as a new version, or re-derived in place.")
    retracted: int = Field(description="Facts retracted without a new version.")
    error: str | None = Field(default=None, description="Why a failed load stopped.")


def list_loads(
    tx: neo4j.ManagedTransaction, *, dataset: str | None, offset: int, limit: int
) -> list[LoadPublic]:
    """Loads, newest first."""
    rows = records(tx, LIST_LOADS, dataset=dataset, offset=offset, limit=limit)
    return [LoadPublic.model_validate(row) for row in rows]


def start_load(tx: neo4j.ManagedTransaction, **fields: Any) -> None:
    tx.run(START_LOAD, fields).consume()


def finish_load(tx: neo4j.ManagedTransaction, **fields: Any) -> None:
    tx.run(FINISH_LOAD, fields).consume()


def record_write(tx: neo4j.ManagedTransaction, load_id: str) -> None:
    tx.run(RECORD_WRITE, load_id=load_id).consume()
