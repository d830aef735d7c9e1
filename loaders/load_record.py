"""The `Load` record around each load: started before the first write, finished after the
last one (or failed, with the reason), so transaction time has a log to read."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import neo4j

from graph_schema.temporal import utc_now
from queries import loads
from queries.loads import WriteStamp


@dataclass
class LoadCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    retracted: int = 0


class LoadRecorder:
    """Records one load. Use `start()` before writing and `finish()`/`fail()` after."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        *,
        file: Path | str,
        data_format: str,
        dataset: str | None = None,
        now: datetime | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.file = str(file)
        self.data_format = data_format
        self.dataset = dataset
        self.stamp = WriteStamp(load_id=uuid.uuid4().hex, now=now or utc_now())

    def start(self) -> WriteStamp:
        self._write(
            loads.start_load,
            id=self.stamp.load_id,
            dataset=self.dataset,
            file=self.file,
            format=self.data_format,
            started_at=self.stamp.now,
        )
        return self.stamp

    def finish(self, counts: LoadCounts, *, dataset: str | None = None) -> None:
        self._end("finished", counts, dataset, None)

    def fail(self, counts: LoadCounts, error: BaseException, *, dataset: str | None = None) -> None:
        """Mark the load failed. The load's own error is what the caller re-raises: if
        Neo4j is gone too, the record stays `running` rather than hiding that error."""
        try:
            self._end("failed", counts, dataset, f"{type(error).__name__}: {error}"[:500])
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            pass

    def _end(self, status: str, counts: LoadCounts, dataset: str | None, error: str | None) -> None:
        self._write(
            loads.finish_load,
            id=self.stamp.load_id,
            status=status,
            dataset=dataset or self.dataset,
            rows=counts.rows,
            created=counts.created,
            updated=counts.updated,
            retracted=counts.retracted,
            error=error,
        )

    def _write(self, work: Callable[..., None], **fields: object) -> None:
        with self.driver.session(database=self.database) as session:
            session.execute_write(lambda tx: work(tx, **fields))
