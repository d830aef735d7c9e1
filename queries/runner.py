"""How every query reaches Neo4j: reads in read transactions, each within a time budget."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph_schema.errors import DatabaseUnavailableError, QueryTimeoutError
from queries.versions import read_graph_version

T = TypeVar("T")

_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
    "Neo.TransientError.Transaction.Terminated",
)

# -- the time budget ----------------------------------------------------------------------
# The budget of the request being served in this thread: Neo4j stops the transaction at its
# timeout, and engines that loop in Python (path searches, the temporal index) call
# `check_deadline` so that work abandoned by a 504 stops too.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("tkg_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Give the work inside a budget of `seconds` (a nested budget never extends an outer one)."""
    at = time.monotonic() + seconds
    outer = _deadline.get()
    if outer is not None and outer[0] < at:
        at, seconds = outer
    token = _deadline.set((at, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_seconds(default: float) -> float:
    """Seconds left of the current budget, or `default` outside one."""
    current = _deadline.get()
    return default if current is None else current[0] - time.monotonic()


def check_deadline() -> None:
    """Raise once the current budget is spent; free outside a budget.

    Raises:
        QueryTimeoutError: the budget of the work in progress is spent.
    """
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise QueryTimeoutError(f"query ran past its budget of {current[1]:g} s")


# -- the graph version a request's answer was read at -----------------------------------
class VersionProbe:
    """Where the first read transaction of a request leaves the graph version it saw, read
    in that transaction before the route's own statements: the ETag then costs one more
    statement in a transaction that runs anyway, not a transaction of its own, and it never
    names a version newer than the data (under read committed, a version read after the
    work could include a write the work did not see, and tag old data as new)."""

    __slots__ = ("version",)

    def __init__(self) -> None:
        self.version: str | None = None


_version_probe: ContextVar[VersionProbe | None] = ContextVar("tkg_version_probe", default=None)


@contextmanager
def probing_graph_version() -> Iterator[VersionProbe]:
    """Have the first `run_read` of the work inside read the graph version too."""
    probe = VersionProbe()
    token = _version_probe.set(probe)
    try:
        yield probe
    finally:
        _version_probe.reset(token)


def _with_version_probe(
    work: Callable[[neo4j.ManagedTransaction], T],
) -> Callable[[neo4j.ManagedTransaction], T]:
    probe = _version_probe.get()
    if probe is None or probe.version is not None:
        return work

    def probed(tx: neo4j.ManagedTransaction) -> T:
        probe.version = read_graph_version(tx)
        return work(tx)

    return probed


# -- failing fast while Neo4j is down ---------------------------------------------------
class _Breaker:
    """After Neo4j was found unreachable, answer 503 at once for `cooldown` seconds instead
    of letting every request wait on a connection attempt; then let requests try again, so
    service resumes without a restart."""

    cooldown = 0.5

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._reason = ""

    def check(self) -> None:
        with self._lock:
            if time.monotonic() < self._open_until:
                raise DatabaseUnavailableError(self._reason)

    def trip(self, reason: str) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.cooldown
            self._reason = reason


# One breaker per driver: a test's or tool's driver to a stopped server says nothing of
# the API's.
_breakers: weakref.WeakKeyDictionary[neo4j.Driver, _Breaker] = weakref.WeakKeyDictionary()
_breakers_lock = threading.Lock()


def _breaker_of(driver: neo4j.Driver) -> _Breaker:
    with _breakers_lock:
        breaker = _breakers.get(driver)
        if breaker is None:
            breaker = _breakers[driver] = _Breaker()
        return breaker


def unavailable_reason(error: BaseException) -> str:
    """Why Neo4j could not be reached, without its address (problem bodies are public)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, AuthError):
            return "Neo4j refused the API's credentials (NEO4J_USER / NEO4J_PASSWORD)"
        if isinstance(seen, ConnectionRefusedError):
            return "Neo4j is unreachable: connection refused (is it running?)"
        if isinstance(seen, TimeoutError):
            return "Neo4j is unreachable: connection timed out"
        seen = seen.__cause__ or seen.__context__
    if isinstance(error, SessionExpired):
        return "Neo4j is unreachable: the connection was lost"
    return "Neo4j is unreachable"


def run_read(
    driver: neo4j.Driver,
    database: str,
    timeout_seconds: float,
    work: Callable[[neo4j.ManagedTransaction], T],
) -> T:
    """Run `work` in a read transaction (routed to a reader in a cluster).

    Neo4j ends the transaction at the budget, and `check_deadline` says so to Python code
    running within it. A transient error is tried again while the budget lasts; a lost
    connection once (the pool may hold connections to a server that restarted).

    Raises:
        QueryTimeoutError: the transaction ran past `timeout_seconds`.
        DatabaseUnavailableError: Neo4j could not be reached.
    """
    breaker = _breaker_of(driver)
    breaker.check()
    work = _with_version_probe(work)
    with deadline(timeout_seconds):
        reconnected = False
        pause = 0.05
        while True:
            budget = remaining_seconds(timeout_seconds)
            if budget <= 0:
                check_deadline()
            timed = neo4j.unit_of_work(timeout=max(budget, 0.001))(work)
            try:
                with driver.session(
                    database=database, default_access_mode=neo4j.READ_ACCESS
                ) as session:
                    return session.execute_read(timed)
            except (ServiceUnavailable, SessionExpired) as error:
                if not reconnected:
                    reconnected = True
                    continue
                reason = unavailable_reason(error)
                breaker.trip(reason)
                raise DatabaseUnavailableError(reason) from error
            except AuthError as error:
                raise DatabaseUnavailableError(unavailable_reason(error)) from error
            except OSError as error:
                reason = unavailable_reason(error)
                breaker.trip(reason)
                raise DatabaseUnavailableError(reason) from error
            except Neo4jError as error:
                if _timed_out(error):
                    raise QueryTimeoutError(
                        f"query ran past its budget of {timeout_seconds:g} s"
                    ) from error
                if not isinstance(error, TransientError) or remaining_seconds(0) < pause:
                    raise
                time.sleep(pause)
                pause *= 2


def _timed_out(error: Neo4jError) -> bool:
    if error.code in _TIMEOUT_CODES:
        return True
    return isinstance(error, ClientError) and "timed out" in (error.message or "").lower()


def records(
    tx: neo4j.ManagedTransaction, cypher: LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """Run one statement and return its records as dicts.

    Our statements return values and maps, never graph entities, so `dict(record)` does
    what `record.data()` does without its recursive walk over every nested value.
    """
    check_deadline()
    return [dict(record) for record in tx.run(cypher, params)]
