"""Keeping one index per API process at the graph version of the answers it gives.

The index is built in a background thread at start-up (or loaded from a snapshot of the
same graph version). A path query reads the graph version in its own read transaction and
asks `at_version` for an index at that version: the current one if it matches; otherwise
the index catches up on the loads written since (Write and Load records), or is rebuilt.
While there is no index at the version asked, the query is answered by the Cypher search,
so an answer is never stale and the service answers from its first second.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import neo4j

from queries.index_feed import Writes, fact_count, writes_since
from tindex import index as tindex_index
from tindex.build import catch_up, read_facts, read_index
from tindex.index import TemporalIndex

logger = logging.getLogger("tkg.index")

T = TypeVar("T")
ReadVersion = Callable[[neo4j.ManagedTransaction], str]

# Write records are stamped when their transaction starts, not when it commits, so one
# that commits late can carry an earlier time than one already seen: each catch-up looks
# this far back and skips the writes it has seen already.
WRITE_SLACK = timedelta(minutes=2)
# A rebuild expected to take longer than this runs in the background (queries fall back
# to Cypher meanwhile) instead of inside the query that found the index stale.
INLINE_REBUILD_SECONDS = 1.0
# The start time of no load: the catch-up's queries are planned with it.
PLANNING_LOAD = "0001-01-01T00:00:00Z"
# In snapshot names: a snapshot written with other columns is not read.
SNAPSHOT_FORMAT = 2


@dataclass
class IndexStats:
    """What the index costs, for /health-like reporting and the benchmark."""

    version: str
    actors: int
    facts: int
    bytes: int
    build_seconds: float
    catch_up_seconds: float | None


# How long a query waits for another query's catch-up before answering through Cypher.
CATCH_UP_WAIT_SECONDS = 1.0


class IndexService:
    """The process's temporal index, at the graph version of each answer."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        read_version: ReadVersion,
        snapshot_dir: Path | None = None,
    ) -> None:
        self._driver = driver
        self._database = database
        self._read_version = read_version
        self._snapshot_dir = snapshot_dir
        self._index: TemporalIndex | None = None
        self._lock = threading.Lock()  # one build or catch-up at a time
        self._closed = False  # set by close(): no build starts on a closing driver
        self._rebuilding = threading.Event()
        self._ready = threading.Event()
        self._seen_writes: set[str] = set()
        self._write_mark: datetime | None = None
        self.build_seconds = 0.0
        self.catch_up_seconds: float | None = None
        self.builds = 0  # from Neo4j or from a snapshot
        self.catch_ups = 0
        self.from_snapshot = False

    @property
    def index(self) -> TemporalIndex | None:
        return self._index

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def start(self, snapshot: bool = True) -> threading.Thread:
        """Build (or load) the index in a background thread."""
        self._rebuilding.set()
        thread = threading.Thread(
            target=self._build_logged, args=(snapshot,), name="tindex-build", daemon=True
        )
        thread.start()
        return thread

    def _build_logged(self, snapshot: bool = True) -> None:
        try:
            with self._lock:
                if not self._closed:
                    self._build(snapshot)
        except Exception:  # queries stay on Cypher; the next one to find no index retries
            logger.exception("temporal index build failed; paths answer through Cypher")
        finally:
            self._rebuilding.clear()
            self._ready.set()

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._driver.session(
            database=self._database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            return session.execute_read(work)

    def _writes(self, since: datetime | None) -> Writes:
        return self._read(lambda tx: writes_since(tx, since, WRITE_SLACK))

    def _snapshot_path(self, version: str) -> Path | None:
        if self._snapshot_dir is None:
            return None
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", version)
        return self._snapshot_dir / f"index-{SNAPSHOT_FORMAT}-{name}.npz"

    def _build(self, snapshot: bool) -> None:
        # Writes first, then the version, then the data: a write missed by the first read
        # is newer than what it saw, so a catch-up finds it; one read twice is merged.
        started = time.perf_counter()
        writes = self._writes(None)
        version = self._read(self._read_version)
        path = self._snapshot_path(version)
        self.from_snapshot = snapshot and path is not None and path.is_file()
        if self.from_snapshot:
            assert path is not None
            index = tindex_index.load(path)
        else:
            index = read_index(self._driver, self._database, version)
            if path is not None:
                self._save_snapshot(index, path)
        self._seen_writes, self._write_mark = set(writes.load_start), writes.latest
        self.builds += 1
        self.build_seconds = time.perf_counter() - started
        # Published last: a query that gets this index sees the counters that go with it.
        self._index = index
        logger.info(
            "temporal index at graph version %s: %d facts, %.1f MB, %.2f s",
            version,
            index.fact_count,
            index.nbytes / 1e6,
            self.build_seconds,
        )
        # Plan the catch-up's queries now (one per fact type), not in the first query
        # that finds the index stale: planning them took seconds on a busy machine, and
        # running them with no match costs a few ms each. A list of strings, as a real
        # catch-up passes: Neo4j caches a plan per parameter type, and an empty list
        # planned another one.
        read_facts(self._driver, self._database, index.actors, loads=[PLANNING_LOAD])
        self._read(fact_count)  # the catch-up's check, planned now too

    def _save_snapshot(self, index: TemporalIndex, path: Path) -> None:
        """The snapshot of this version, and no other: an older one will not be asked for."""
        try:
            tindex_index.save(index, path)
            for older in path.parent.glob("index-*.npz"):
                if older != path:
                    older.unlink(missing_ok=True)
        except OSError as error:
            logger.warning("index snapshot not written to %s: %s", path, error)

    def at_transaction(self, tx: neo4j.ManagedTransaction) -> TemporalIndex | None:
        """An index at the graph version this transaction sees, or None (see `at_version`)."""
        return self.at_version(self._read_version(tx))

    def at_version(self, version: str) -> TemporalIndex | None:
        """An index at `version`, or None: the caller then answers through Cypher."""
        index = self._index
        if index is not None and index.version == version:
            return index
        # Queries that find the index stale while another catches it up wait a moment (a
        # catch-up takes well under a second), then answer through Cypher rather than queue.
        if self._rebuilding.is_set() or not self._lock.acquire(timeout=CATCH_UP_WAIT_SECONDS):
            return None
        try:
            if self._rebuilding.is_set():
                return None
            if self._index is None:  # the last build failed (Neo4j down?): try again
                self.start()
                return None
            if self._index.version != version:
                self._refresh(self._index)
            index = self._index
            return index if index is not None and index.version == version else None
        except Exception:  # the query still has its answer, through Cypher
            logger.exception("temporal index not brought to graph version %s", version)
            return None
        finally:
            self._lock.release()

    def _refresh(self, index: TemporalIndex) -> None:
        """Catch up on the loads written since the index was read, else rebuild."""
        started = time.perf_counter()
        mark = self._write_mark
        writes = self._writes(mark - WRITE_SLACK if mark is not None else None)
        version = self._read(self._read_version)
        fresh = set(writes.load_start) - self._seen_writes
        loads = sorted({start for w in fresh if (start := writes.load_start[w]) is not None})
        caught = catch_up(self._driver, self._database, index, version, loads)
        # Facts deleted (not retracted) leave no trace a catch-up can find: the count says.
        if caught is not None and caught.fact_count == self._read(fact_count):
            self._index = caught
            self._seen_writes = set(writes.load_start)
            self._write_mark = max((m for m in (mark, writes.latest) if m), default=None)
            self.catch_ups += 1
            self.catch_up_seconds = time.perf_counter() - started
            return
        if self.build_seconds <= INLINE_REBUILD_SECONDS:
            self._build(snapshot=False)
            return
        self.start(snapshot=False)

    def close(self) -> None:
        """Keep a snapshot of the index as it is, if it was caught up since the last one:
        the next start on an unchanged graph then loads it. A build in flight holds the
        lock: waiting for it keeps the driver open until its sessions are done."""
        with self._lock:
            self._closed = True
            index = self._index
            path = self._snapshot_path(index.version) if index is not None else None
            if index is not None and path is not None and not path.is_file():
                self._save_snapshot(index, path)

    def stats(self) -> IndexStats | None:
        index = self._index
        if index is None:
            return None
        return IndexStats(
            version=index.version,
            actors=index.actor_count,
            facts=index.fact_count,
            bytes=index.nbytes,
            build_seconds=self.build_seconds,
            catch_up_seconds=self.catch_up_seconds,
        )
