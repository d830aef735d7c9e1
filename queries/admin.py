"""Whole-database operations: wiping (tests, benchmarks), counting, what is running."""

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


# Ten billion rows to filter, minutes of work checked for termination as it goes: what the
# time-budget checks (tests, `make loadtest`) run to see that a query past its budget ends
# on the server. (apoc.util.sleep would end quietly at the budget rather than fail.)
ENDLESS_READ = "UNWIND range(1, 10000000000) AS x WITH x WHERE x % 7 = 8 RETURN count(*)"

# Transactions running a statement that contains a text (SHOW TRANSACTIONS lists every
# database's; its own statement names the text only as a parameter, so it never matches).
RUNNING_TRANSACTIONS = """
SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE currentQuery CONTAINS $text
RETURN transactionId AS id
"""


def running_transactions(driver: neo4j.Driver, text: str) -> list[str]:
    """Ids of the transactions on the server running a statement that contains `text`:
    whether work the API gave up on still runs."""
    with driver.session(database="system") as session:
        return [str(record["id"]) for record in session.run(RUNNING_TRANSACTIONS, text=text)]
