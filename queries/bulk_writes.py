"""Writes of the bulk loaders: actors, coded facts and mentions, in batched `UNWIND`s.

A coded event becomes one fact relationship. Ids are stable, so a fact whose id exists is
left alone: a reload creates nothing, and a load cut off midway resumes where it stopped.
"""

from __future__ import annotations

from typing import LiteralString

from graph_schema.vocabulary import FACT_TYPES, safe_identifier

# An existing actor keeps its properties; only a country or generic flag it lacks (written
# before loaders set them) is filled in, and only then is the node written to at all: the
# fact writers hold busy actors' locks most of the time.
MERGE_BULK_ACTORS: LiteralString = """
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
ON CREATE SET a.name = row.name, a.kind = row.kind, a.country = row.country,
              a.dataset = row.dataset, a.generic = row.generic
FOREACH (_ IN CASE WHEN a.generic IS NULL THEN [1] ELSE [] END | SET a.generic = row.generic)
FOREACH (_ IN CASE WHEN a.country IS NULL AND row.country IS NOT NULL THEN [1] ELSE [] END |
  SET a.country = row.country)
"""

MERGE_BULK_PART_OF: LiteralString = """
UNWIND $rows AS row
MATCH (child:Actor {id: row.child})
MATCH (parent:Actor {id: row.parent})
MERGE (child)-[:PART_OF]->(parent)
"""

MERGE_BULK_DATASET: LiteralString = """
MERGE (d:Dataset {id: $id})
ON CREATE SET d.title = $title
"""

MERGE_MENTIONS: LiteralString = """
UNWIND $rows AS row
MERGE (s:Source {id: row.source_id})
ON CREATE SET s.name = row.source_name, s.kind = 'news_media'
MERGE (c:Claim {id: row.id})
ON CREATE SET c += row.props, c.recorded_at = $now
MERGE (s)-[:MADE]->(c)
"""


def create_missing_facts_query(fact_type: str) -> LiteralString:
    """Create the facts of one type whose id is not in the graph yet.

    The id lookup is a seek on the type's range index; CREATE is much cheaper than a
    MERGE that would expand every relationship between two busy actors. A fact recorded
    before facts had a class gets its class on a reload, stamped `updated_at` as any
    derived field rewritten in place.
    """
    rel = safe_identifier(fact_type, FACT_TYPES)
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH ()-[existing:{rel} {{id: row.id}}]->()
FOREACH (_ IN CASE WHEN existing IS NOT NULL AND existing.fact_class IS NULL THEN [1] ELSE [] END |
  SET existing.fact_class = row.props.fact_class, existing.updated_at = $now)
WITH row, existing WHERE existing IS NULL
MATCH (s:Actor {{id: row.source}})
MATCH (t:Actor {{id: row.target}})
CREATE (s)-[r:{rel}]->(t)
SET r = row.props, r.valid_from = date(row.valid_from), r.valid_to = date(row.valid_to),
    r.recorded_at = $now, r.version = 1
"""
