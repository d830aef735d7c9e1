"""Every write the loaders make: batched `UNWIND` statements that MERGE on stable ids.

Relationship types cannot be parameters, so fact statements are built per type from the
closed vocabulary, through `safe_identifier`.
"""

from __future__ import annotations

from typing import Any, LiteralString

import neo4j

from graph_schema.vocabulary import FACT_TYPES, FactType, safe_identifier
from queries.loads import WriteStamp, record_write

Row = dict[str, Any]

MERGE_DATASET = """
MERGE (d:Dataset {id: $id})
SET d.title = $title, d.description = $description, d.published = $published,
    d.source_document = $source_document
"""

MERGE_SOURCES = """
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s += row.props
"""

MERGE_ACTORS = """
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a += row.props
"""

MERGE_PART_OF = """
UNWIND $rows AS row
MATCH (child:Actor {id: row.child}), (parent:Actor {id: row.parent})
MERGE (child)-[:PART_OF]->(parent)
"""

# `rank` 0: a name the data gives the actor (its name, an alias, a data set's spelling or
# code); 1: a word a story used for it (GDELT's actor names). A pair keeps its best rank.
MERGE_ALIASES = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
MERGE (alias:Alias {key: row.key})
ON CREATE SET alias.name = row.name
MERGE (alias)-[r:REFERS_TO]->(a)
ON CREATE SET r.rank = row.rank
FOREACH (_ IN CASE WHEN r.rank IS NULL OR r.rank > row.rank THEN [1] ELSE [] END |
  SET r.rank = row.rank)
"""

# Every actor that belongs to a state carries the state's id as `country`, states
# included; only actors without one are looked at, so a reload writes nothing.
SET_COUNTRIES = """
MATCH (a:Actor) WHERE a.country IS NULL
OPTIONAL CALL (a) {
  MATCH (a)-[:PART_OF*1..4]->(state:Actor {kind: 'state'})
  RETURN state.id AS state LIMIT 1
}
WITH a, CASE WHEN a.kind = 'state' THEN a.id ELSE state END AS country
WHERE country IS NOT NULL
SET a.country = country
"""

MERGE_LOCATIONS = """
UNWIND $rows AS row
MERGE (l:Location {id: row.id})
SET l += row.props
WITH l, row WHERE row.country IS NOT NULL
MATCH (c:Actor {id: row.country})
MERGE (l)-[:LOCATED_IN]->(c)
"""

MERGE_WEAPONS = """
UNWIND $rows AS row
MERGE (w:WeaponSystem {id: row.id})
SET w += row.props
WITH w, row WHERE row.produced_by IS NOT NULL
MATCH (maker:Actor {id: row.produced_by})
MERGE (w)-[:PRODUCED_BY]->(maker)
"""

MERGE_EVENTS = """
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
ON CREATE SET e.recorded_at = $now
SET e += row.props
REMOVE e.retracted_at
WITH e, row
// What the file no longer says about the event goes: the file is the event's description.
CALL (e, row) {
  MATCH (a:Actor)-[old:PARTICIPATED_IN]->(e) WHERE NOT a.id IN [p IN row.participants | p.actor]
  DELETE old
}
CALL (e, row) {
  MATCH (e)-[old:REPORTED_BY|INVOLVED|OCCURRED_IN]->(x)
  WHERE NOT x.id IN row.sources + row.weapons + coalesce([row.location], [])
  DELETE old
}
CALL (e, row) {
  UNWIND row.participants AS p
  MATCH (a:Actor {id: p.actor})
  MERGE (a)-[r:PARTICIPATED_IN]->(e)
  SET r.role = p.role
}
CALL (e, row) {
  UNWIND row.sources AS source_id
  MATCH (s:Source {id: source_id})
  MERGE (e)-[:REPORTED_BY]->(s)
}
CALL (e, row) {
  UNWIND row.weapons AS weapon_id
  MATCH (w:WeaponSystem {id: weapon_id})
  MERGE (e)-[:INVOLVED]->(w)
}
CALL (e, row) {
  WITH e, row WHERE row.location IS NOT NULL
  MATCH (l:Location {id: row.location})
  MERGE (e)-[:OCCURRED_IN]->(l)
}
"""

MERGE_CLAIMS = """
UNWIND $rows AS row
MERGE (c:Claim {id: row.id})
ON CREATE SET c.recorded_at = $now
SET c += row.props
REMOVE c.retracted_at
WITH c, row
CALL (c, row) {
  WITH c, row WHERE row.claimant_kind = "actor"
  MATCH (claimant:Actor {id: row.claimant})
  MERGE (claimant)-[:MADE]->(c)
}
CALL (c, row) {
  WITH c, row WHERE row.claimant_kind = "source"
  MATCH (claimant:Source {id: row.claimant})
  MERGE (claimant)-[:MADE]->(c)
}
CALL (c, row) {
  WITH c, row WHERE row.event IS NOT NULL
  MATCH (e:Event {id: row.event})
  MERGE (c)-[:ABOUT]->(e)
}
CALL (c, row) {
  UNWIND row.reported_in AS source_id
  MATCH (s:Source {id: source_id})
  MERGE (c)-[:CITED_IN]->(s)
}
"""

# Events and claims the file no longer holds are retracted, not deleted: what the graph
# held before stays answerable, and a retracted claim no longer counts towards a status.
RETRACT_DATASET_EVENTS = """
MATCH (e:Event {dataset: $dataset}) WHERE NOT e.id IN $ids AND e.retracted_at IS NULL
SET e.retracted_at = $now
"""

RETRACT_DATASET_CLAIMS = """
MATCH (c:Claim {dataset: $dataset}) WHERE NOT c.id IN $ids AND c.retracted_at IS NULL
SET c.retracted_at = $now
"""

CLAIMS_FOR_FACTS = """
MATCH (c:Claim) WHERE c.fact_id IN $ids AND c.retracted_at IS NULL
MATCH (claimant)-[:MADE]->(c)
RETURN c.fact_id AS fact_id, c.stance AS stance, claimant.id AS claimant,
       [(claimant)-[:PART_OF*0..4]->(whole:Actor) | whole.id] AS claimant_wholes
"""


def current_facts_query(fact_type: str) -> LiteralString:
    """Current (unretracted) versions of the given fact ids, of one type."""
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
MATCH (s:Actor)-[r:{rel}]->(t:Actor) WHERE r.id IN $ids AND r.retracted_at IS NULL
RETURN r.id AS id, r.content_hash AS content_hash, r.version AS version,
       s.id AS source, t.id AS target, r.dataset AS dataset
"""


def dataset_facts_query(fact_type: str) -> LiteralString:
    """Current facts of one type that a data set recorded."""
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
MATCH ()-[r:{rel}]->() WHERE r.dataset = $dataset AND r.retracted_at IS NULL
RETURN r.id AS id
"""


def retract_facts_query(fact_type: str) -> LiteralString:
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
UNWIND $ids AS fact_id
MATCH ()-[r:{rel} {{id: fact_id}}]->() WHERE r.retracted_at IS NULL
SET r.retracted_at = $now
"""


def create_facts_query(fact_type: str) -> LiteralString:
    """New versions of facts of one type; callers retract the old versions first."""
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
UNWIND $rows AS row
MATCH (s:Actor {{id: row.source}}), (t:Actor {{id: row.target}})
CREATE (s)-[r:{rel}]->(t)
SET r = row.props, r.recorded_at = $now, r.version = row.version
"""


def set_fact_status_query(fact_type: str) -> LiteralString:
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
UNWIND $rows AS row
MATCH ()-[r:{rel} {{id: row.id}}]->() WHERE r.retracted_at IS NULL
  AND (r.status IS NULL OR r.status <> row.status
       OR coalesce(r.asserted_by, []) <> row.asserted_by
       OR coalesce(r.denied_by, []) <> row.denied_by
       OR r.fact_class IS NULL OR r.fact_class <> row.fact_class)
// Only a change is stamped: a reload that derives the same status touches nothing. (A
// fact recorded before facts had a class gets its class here, on the next reload.)
SET r.status = row.status, r.asserted_by = row.asserted_by, r.denied_by = row.denied_by,
    r.fact_class = row.fact_class, r.updated_at = $now
"""


def run_batches(
    driver: neo4j.Driver,
    database: str,
    cypher: LiteralString,
    rows: list[Row],
    batch_size: int,
    stamp: WriteStamp,
    **params: Any,
) -> int:
    """Write `rows` through `cypher`, `batch_size` rows per transaction, each recorded as a
    write of the stamp's load."""
    written = 0
    with driver.session(database=database) as session:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]

            def work(tx: neo4j.ManagedTransaction, batch: list[Row] = batch) -> None:
                tx.run(cypher, rows=batch, now=stamp.now, **params).consume()
                record_write(tx, stamp.load_id)

            session.execute_write(work)
            written += len(batch)
    return written


def current_facts(
    driver: neo4j.Driver, database: str, ids: list[str], dataset: str
) -> tuple[dict[str, Row], list[tuple[str, str]]]:
    """In one read transaction: the current versions of `ids` (by id, with their type), and
    every current (id, type) the data set recorded."""

    def work(tx: neo4j.ManagedTransaction) -> tuple[dict[str, Row], list[tuple[str, str]]]:
        current: dict[str, Row] = {}
        recorded: list[tuple[str, str]] = []
        for fact_type in FactType:
            for record in tx.run(current_facts_query(fact_type), ids=ids):
                current[record["id"]] = {**record.data(), "type": fact_type.value}
            for record in tx.run(dataset_facts_query(fact_type), dataset=dataset):
                recorded.append((record["id"], fact_type.value))
        return current, recorded

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.execute_read(work)


def read_rows(
    driver: neo4j.Driver, database: str, cypher: LiteralString, **params: Any
) -> list[Row]:
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.execute_read(lambda tx: [r.data() for r in tx.run(cypher, params)])


def write_one(
    driver: neo4j.Driver, database: str, stamp: WriteStamp, cypher: LiteralString, **params: Any
) -> None:
    """One statement in its own transaction, recorded as a write of the stamp's load."""

    def work(tx: neo4j.ManagedTransaction) -> None:
        tx.run(cypher, params, now=stamp.now).consume()
        record_write(tx, stamp.load_id)

    with driver.session(database=database) as session:
        session.execute_write(work)
