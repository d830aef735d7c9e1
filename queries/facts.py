"""Facts touching an actor, or between two actors, within a time scope.

Relationship types cannot be parameters, so the type alternation in each pattern is built
from the closed vocabulary through `safe_identifier`; everything else is a $parameter.
"""

from __future__ import annotations

from typing import Any, LiteralString

import neo4j

from graph_schema.vocabulary import FACT_TYPES, FactType, safe_identifier
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope
from queries.runner import records

# Validity overlaps the window; the version is the one the graph held at known_at (or the
# current one). A month-precision fact is stored as its first and last day, so it counts
# for the whole month without special cases.
FACT_IN_SCOPE: LiteralString = """
r.valid_from <= $valid_to AND r.valid_to >= $valid_from
AND CASE WHEN $known_at IS NULL THEN r.retracted_at IS NULL
         ELSE r.recorded_at <= $known_at AND (r.retracted_at IS NULL OR r.retracted_at > $known_at)
    END
AND ($statuses IS NULL OR r.status IN $statuses)
AND ($fact_classes IS NULL OR r.fact_class IN $fact_classes)
AND ($min_confidence IS NULL OR r.confidence >= $min_confidence)
"""

# Temporal properties travel as ISO strings: the driver builds a Python object per
# neo4j DateTime at tens of microseconds each, which made up a third of the time of
# answers with hundreds of facts; ISO strings order the same way as the dates.
FACT_PROPS: LiteralString = """r {.*,
   valid_from: toString(r.valid_from), valid_to: toString(r.valid_to),
   recorded_at: toString(r.recorded_at), retracted_at: toString(r.retracted_at)} AS props"""

FACT_COLUMNS: LiteralString = (
    """
type(r) AS type, startNode(r).id AS source, endNode(r).id AS target,
startNode(r).name AS source_name, endNode(r).name AS target_name, """
    + FACT_PROPS
    + "\n"
)


def per_type_union(
    types: list[FactType] | None, branch: LiteralString, condition: LiteralString = FACT_IN_SCOPE
) -> str:
    """`CALL () { <branch for T1> UNION ALL <branch for T2> ... }`; `branch` names the
    relationship type `%s`, and `condition` (on `r`) is appended to each."""
    # Each type once: a type asked twice would count its facts twice.
    chosen = sorted({t.value for t in types}) if types else sorted(FACT_TYPES)
    parts = [
        branch % safe_identifier(name, FACT_TYPES) + "WHERE " + condition + "RETURN s, t, r"
        for name in chosen
    ]
    return "CALL () {\n" + "\nUNION ALL\n".join(parts) + "\n}\n"


# The actor itself, and with rollup everything PART_OF it (ministries, forces, offices).
MEMBERS: LiteralString = """
CALL (anchor) {
  MATCH (member:Actor)-[:PART_OF*0..4]->(anchor)
  WHERE $rollup OR member = anchor
  RETURN DISTINCT member
}
"""


def type_alternation(types: list[FactType] | None) -> LiteralString:
    """`ALLIED_WITH|ATTACKED|...`: the requested types, or every fact type."""
    chosen = [t.value for t in types] if types else sorted(FACT_TYPES)
    return "|".join(safe_identifier(name, FACT_TYPES) for name in chosen)


def scope_params(scope: TimeScope, filters: FactFilter) -> dict[str, Any]:
    return {**scope.params(), **filters.params()}


EXISTING_ACTORS: LiteralString = """
UNWIND $ids AS wanted
OPTIONAL MATCH (a:Actor {id: wanted})
RETURN wanted, a.id AS id, a.name AS name, a.kind AS kind
"""


def actors_by_id(tx: neo4j.ManagedTransaction, ids: list[str]) -> dict[str, ActorRef | None]:
    rows = records(tx, EXISTING_ACTORS, ids=ids)
    return {
        row["wanted"]: ActorRef(id=row["id"], name=row["name"], kind=row["kind"])
        if row["id"]
        else None
        for row in rows
    }


def actor_facts(
    tx: neo4j.ManagedTransaction,
    actor_id: str,
    scope: TimeScope,
    filters: FactFilter,
    *,
    include_generic: bool = True,
) -> list[tuple[ActorRef, FactPublic]]:
    """Facts touching the actor, each with its counterpart (rolled up to its country on
    request); without `include_generic`, none whose counterpart is a generic actor."""
    cypher = (
        "MATCH (anchor:Actor {id: $actor_id})\n"
        + MEMBERS
        + f"MATCH (member)-[r:{type_alternation(filters.types)}]-(other:Actor)\nWHERE "
        + FACT_IN_SCOPE
        + """
OPTIONAL CALL (other) {
  MATCH (other)-[:PART_OF*1..4]->(country:Actor {kind: 'state'})
  RETURN country LIMIT 1
}
WITH anchor, r, CASE WHEN $rollup AND country IS NOT NULL THEN country ELSE other END AS counterpart
WHERE counterpart <> anchor AND ($include_generic OR NOT coalesce(counterpart.generic, false))
RETURN counterpart.id AS counterpart_id, counterpart.name AS counterpart_name,
       counterpart.kind AS counterpart_kind, """
        + FACT_COLUMNS
        + "ORDER BY r.valid_from, r.id"
    )
    rows = records(
        tx,
        cypher,
        actor_id=actor_id,
        include_generic=include_generic,
        **scope_params(scope, filters),
    )
    return [
        (
            ActorRef(
                id=row["counterpart_id"], name=row["counterpart_name"], kind=row["counterpart_kind"]
            ),
            FactPublic.from_record(row),
        )
        for row in rows
    ]


# Facts `r` in scope between $a and $b (each with its parts on rollup); `%s` takes the types.
BETWEEN: LiteralString = (
    "MATCH (anchor:Actor {id: $a})\n"
    + MEMBERS
    + "WITH collect(member) AS a_side\n"
    + "MATCH (anchor:Actor {id: $b})\n"
    + MEMBERS
    + "WITH a_side, collect(member) AS b_side\n"
    + "UNWIND a_side AS x\n"
    + "MATCH (x)-[r:%s]-(y:Actor)\n"
    + "WHERE y IN b_side AND "
    + FACT_IN_SCOPE
)


def facts_between(
    tx: neo4j.ManagedTransaction, a: str, b: str, scope: TimeScope, filters: FactFilter
) -> list[FactPublic]:
    """Facts between two actors, either direction."""
    cypher = (
        BETWEEN % type_alternation(filters.types)
        + "RETURN DISTINCT "
        + FACT_COLUMNS
        + "ORDER BY props.valid_from, props.id"
    )
    rows = records(tx, cypher, a=a, b=b, **scope_params(scope, filters))
    return [FactPublic.from_record(row) for row in rows]
