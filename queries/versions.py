"""The graph version: an opaque string that changes whenever a write transaction commits.

Every write transaction of the loaders creates one `Write` node, so the count of `Write`
nodes (read from the count store, no scan) moves with every commit, and the newest
`Write.at` (one range-index seek) tells two databases with equal counts apart, such as a
database wiped and loaded again. Concurrent writers create nodes of their own and never
wait on a shared counter.
"""

from __future__ import annotations

from typing import LiteralString

import neo4j

EMPTY_GRAPH_VERSION = "0"

READ_GRAPH_VERSION: LiteralString = """
CALL () { MATCH (w:Write) RETURN count(w) AS writes }
CALL () {
  OPTIONAL MATCH (w:Write) WHERE w.at IS NOT NULL
  WITH w ORDER BY w.at DESC LIMIT 1
  RETURN w.at.epochMillis * 1000 + w.at.microsecond % 1000 AS latest
}
RETURN writes, latest
"""


def format_graph_version(writes: int, latest_micros: int | None) -> str:
    if writes == 0 or latest_micros is None:
        return EMPTY_GRAPH_VERSION
    return f"{writes}-{latest_micros:x}"


def read_graph_version(tx: neo4j.ManagedTransaction) -> str:
    """The version of the graph this transaction sees (`"0"` for a graph never written)."""
    record = tx.run(READ_GRAPH_VERSION).single(strict=True)
    return format_graph_version(int(record["writes"]), record["latest"])
