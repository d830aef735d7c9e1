"""How every query reaches Neo4j: reads in read transactions, each within a time budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired

from graph_schema.errors import DatabaseUnavailableError, QueryTimeoutError

T = TypeVar("T")

_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
)


def run_read(
    driver: neo4j.Driver,
    database: str,
    timeout_seconds: float,
    work: Callable[[neo4j.ManagedTransaction], T],
) -> T:
    """Run `work` in a read transaction (routed to a reader in a cluster).

    Raises:
        QueryTimeoutError: the transaction ran past `timeout_seconds`.
        DatabaseUnavailableError: Neo4j could not be reached.
    """
    timed = neo4j.unit_of_work(timeout=timeout_seconds)(work)
    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(timed)
    except ClientError as error:
        if error.code in _TIMEOUT_CODES or "timed out" in (error.message or "").lower():
            raise QueryTimeoutError(
                f"query ran past its budget of {timeout_seconds:g} s"
            ) from error
        raise
    except (ServiceUnavailable, SessionExpired, OSError) as error:
        raise DatabaseUnavailableError(f"Neo4j is unreachable: {error}") from error


def records(
    tx: neo4j.ManagedTransaction, cypher: LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """Run one statement and return its records as dicts.

    Our statements return values and maps, never graph entities, so `dict(record)` does
    what `record.data()` does without its recursive walk over every nested value.
    """
    return [dict(record) for record in tx.run(cypher, params)]
