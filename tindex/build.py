"""Reading the index from Neo4j: whole, or only what changed since it was read."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import neo4j
import numpy as np

from queries.index_feed import (
    TYPE_CODES,
    read_actor_columns,
    read_fact_columns,
    read_part_of,
)
from tindex.index import (
    Actors,
    Facts,
    Int32s,
    TemporalIndex,
    build_index,
    caught_up,
    facts_from_columns,
    no_facts,
)

# Sessions reading fact types side by side: the server decodes and the driver unpacks in
# parallel (the rust extension releases the GIL while it unpacks).
READERS = 4


def read_actors(driver: neo4j.Driver, database: str) -> tuple[Actors, tuple[Int32s, Int32s]]:
    """Every actor, and the PART_OF links between them as dense ids."""

    def work(tx: neo4j.ManagedTransaction) -> tuple[Actors, tuple[list[int], list[int]]]:
        return Actors.from_columns(read_actor_columns(tx)), read_part_of(tx)

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        actors, (child, parent) = session.execute_read(work)
    dense = actors.dense_of_node()
    links = (
        np.asarray([dense[c] for c in child], dtype=np.int32),
        np.asarray([dense[p] for p in parent], dtype=np.int32),
    )
    return actors, links


def read_facts(
    driver: neo4j.Driver,
    database: str,
    actors: Actors,
    loads: list[str] | None = None,
) -> Facts:
    """Every fact (or those the loads started at `loads` wrote), one session per type."""
    dense = actors.dense_of_node()

    def one_type(code: int) -> Facts:
        def work(tx: neo4j.ManagedTransaction) -> Facts:
            columns = read_fact_columns(tx, TYPE_CODES[code], loads)
            return facts_from_columns(columns, code, dense)

        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    with ThreadPoolExecutor(READERS) as pool:
        parts = list(pool.map(one_type, range(len(TYPE_CODES))))
    return Facts.concat(parts) if parts else no_facts()


def read_index(driver: neo4j.Driver, database: str, version: str) -> TemporalIndex:
    """The whole index. `version` must be read before this is called: writes committed
    while it reads then show as a newer version, and a catch-up reads them again."""
    actors, part_of = read_actors(driver, database)
    return build_index(version, actors, part_of, read_facts(driver, database, actors))


def catch_up(
    driver: neo4j.Driver,
    database: str,
    index: TemporalIndex,
    version: str,
    loads: list[str],
) -> TemporalIndex | None:
    """The index with the facts the loads started at `loads` wrote read again; None if a
    catch-up cannot say what changed (actors were deleted): rebuild then."""
    actors, part_of = read_actors(driver, database)
    if not np.isin(index.actors.node, actors.node).all():
        return None
    return caught_up(index, version, actors, part_of, read_facts(driver, database, actors, loads))
