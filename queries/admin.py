"""Whole-database operations: wiping (tests, benchmarks) and counting."""

from __future__ import annotations

import neo4j

# Relationships first: detaching a hub with hundreds of thousands of relationships in one
# inner transaction would exceed the transaction memory pool.
WIPE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
WIPE_NODES = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"

# The data, without the transaction-time log (Load and Write nodes), which every load,
# even one that changes nothing, adds to.
COUNTS = """
CALL () { MATCH (n) WHERE NOT n:Load AND NOT n:Write RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () {
  MATCH (n) WHERE NOT n:Load AND NOT n:Write UNWIND keys(n) AS k RETURN count(k) AS node_properties
}
CALL () { MATCH ()-[r]->() UNWIND keys(r) AS k RETURN count(k) AS relationship_properties }
RETURN nodes, relationships, node_properties, relationship_properties
"""


def wipe_database(driver: neo4j.Driver, database: str) -> None:
    """Delete every node and relationship; constraints and indexes stay."""
    with driver.session(database=database) as session:
        session.run(WIPE_RELATIONSHIPS).consume()
        session.run(WIPE_NODES).consume()


def graph_counts(driver: neo4j.Driver, database: str) -> dict[str, int]:
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        record = session.execute_read(lambda tx: tx.run(COUNTS).single(strict=True))
        return {key: int(value) for key, value in record.data().items()}
