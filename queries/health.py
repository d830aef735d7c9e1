"""What the health check asks Neo4j."""

from __future__ import annotations

import neo4j
from pydantic import BaseModel

from queries.runner import records, run_read

COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"


class Neo4jInfo(BaseModel):
    version: str
    edition: str


def neo4j_info(driver: neo4j.Driver, database: str, timeout_seconds: float) -> Neo4jInfo:
    """The server's kernel version and edition.

    Raises:
        DatabaseUnavailableError: Neo4j could not be reached.
    """
    rows = run_read(driver, database, timeout_seconds, lambda tx: records(tx, COMPONENTS))
    kernel = next(row for row in rows if row["name"] == "Neo4j Kernel")
    return Neo4jInfo(version=kernel["versions"][0], edition=kernel["edition"])
