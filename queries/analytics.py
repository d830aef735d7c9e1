"""The Cypher pulls behind the temporal analytics (computed in tindex/analytics.py): a
window's facts per actor pair and month span, the facts between two actors per month span
and class; and the window's facts, whole, for export.

A fact belongs to a window when its validity overlaps it (`FACT_IN_SCOPE`). A relationship
index serves one type only, so window-wide reads are one `UNION ALL` branch per fact type,
each a seek on that type's `valid_from` index: a pattern over every type (`-[r]-`) scans
all relationships instead.

Pulling the facts costs more than computing on them, so the pulls aggregate in Cypher: one
row per pair (or class) and month span, a month numbered year * 12 + month - 1.
"""

from __future__ import annotations

from typing import Any, LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.vocabulary import FACT_TYPES, safe_identifier
from queries.facts import (
    BETWEEN,
    actors_by_id,
    per_type_union,
    scope_params,
    type_alternation,
)
from queries.models import ActorRef, FactFilter, TimeScope
from queries.runner import records

# -- the window's facts, one branch per type -------------------------------------------

ACTOR_FILTER: LiteralString = """
s <> t
AND ($include_generic OR NOT (coalesce(s.generic, false) OR coalesce(t.generic, false)))
AND ($kinds IS NULL OR (s.kind IN $kinds AND t.kind IN $kinds))
"""


WINDOW_BRANCH: LiteralString = "MATCH (s:Actor)-[r:%s]->(t:Actor)\n"

# One row per actor pair and month span: the month numbers (year * 12 + month - 1) of the
# first and last day of validity, so a fact longer than a month counts in each of its months.
# Actors are filtered after grouping: once per pair rather than once per fact.
PAIR_MONTHS: LiteralString = (
    """
WITH s, t, r.valid_from.year * 12 + r.valid_from.month - 1 AS first_month,
     r.valid_to.year * 12 + r.valid_to.month - 1 AS last_month, count(*) AS facts
WHERE """
    + ACTOR_FILTER
    + """
RETURN collect([s.id, t.id, first_month, last_month, facts]) AS pairs
"""
)


class WindowQuery(BaseModel):
    """Which facts and actors an analytic counts, besides the time scope."""

    filters: FactFilter = Field(default_factory=FactFilter)
    kinds: list[str] | None = Field(default=None, description="Only actors of these kinds.")
    include_generic: bool = Field(
        default=False, description="Count catch-all actors (`generic: true`) too."
    )

    def params(self, scope: TimeScope) -> dict[str, Any]:
        return {
            **scope_params(scope, self.filters),
            "kinds": self.kinds,
            "include_generic": self.include_generic,
        }


def pair_month_rows(
    tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery
) -> list[list[Any]]:
    """The window's facts per actor pair and month span: rows of [source id, target id,
    first month, last month, facts]."""
    cypher = per_type_union(query.filters.types, WINDOW_BRANCH) + PAIR_MONTHS
    (record,) = tx.run(cypher, query.params(scope))
    rows: list[list[Any]] = record[0]
    return rows


# -- the facts between two actors ----------------------------------------------------------


class ClassMonthSpan(BaseModel):
    """Facts between two actors of one class whose validity spans the same months."""

    first_month: int = Field(description="Month number (year * 12 + month - 1) of valid_from.")
    last_month: int = Field(description="Month number of valid_to.")
    fact_class: str | None = Field(description="None for facts of no class (e.g. HOLDS_ROLE).")
    facts: int


CLASS_MONTHS: LiteralString = (
    BETWEEN
    + "WITH DISTINCT r\n"
    + "RETURN r.valid_from.year * 12 + r.valid_from.month - 1 AS first_month,\n"
    + "       r.valid_to.year * 12 + r.valid_to.month - 1 AS last_month,\n"
    + "       r.fact_class AS fact_class, count(*) AS facts"
)


def class_month_spans(
    tx: neo4j.ManagedTransaction, a: str, b: str, scope: TimeScope, filters: FactFilter
) -> list[ClassMonthSpan]:
    """Facts between two actors (either direction, with rollup on request) in the window,
    counted per class and month span."""
    rows = records(
        tx,
        CLASS_MONTHS % type_alternation(filters.types),
        a=a,
        b=b,
        **scope_params(scope, filters),
    )
    return [ClassMonthSpan(**row) for row in rows]


# -- the window's facts, whole -----------------------------------------------------------

# Scalars only (no maps, no temporal objects): a whole dataset streams through the driver.
FACT_ROW_EXPRESSIONS: tuple[tuple[str, LiteralString], ...] = (
    ("id", "r.id"),
    ("type", "type(r)"),
    ("source", "s.id"),
    ("target", "t.id"),
    ("valid_from", "toString(r.valid_from)"),
    ("valid_from_precision", "r.valid_from_precision"),
    ("valid_to", "toString(r.valid_to)"),
    ("valid_to_precision", "r.valid_to_precision"),
    ("status", "r.status"),
    ("confidence", "r.confidence"),
    ("sources", "r.sources"),
    ("event_id", "r.event_id"),
    ("code", "r.code"),
    ("fact_class", "r.fact_class"),
    ("dataset", "r.dataset"),
    ("version", "r.version"),
    ("recorded_at", "toString(r.recorded_at)"),
    ("retracted_at", "toString(r.retracted_at)"),
)
FACT_EXPORT_COLUMNS = tuple(name for name, _ in FACT_ROW_EXPRESSIONS)
FACT_ROW_LIST: LiteralString = (
    "[" + ", ".join(expression for _, expression in FACT_ROW_EXPRESSIONS) + "]"
)
WINDOW_FACT_ROWS: LiteralString = (
    "WITH s, t, r WHERE " + ACTOR_FILTER + "RETURN collect(" + FACT_ROW_LIST + ") AS rows"
)

# An export takes the current versions of every fact in the window, nothing filtered. Each
# type comes back as one list of rows: the driver then builds no record object per fact,
# which was most of the client's time on a whole dataset. One query per type, so a client
# can run several at once (Neo4j runs each query on one core).
EXPORT_SCOPE: LiteralString = """r.valid_from <= $valid_to AND r.valid_to >= $valid_from
AND r.retracted_at IS NULL
"""
EXPORT_BRANCH: LiteralString = (
    "MATCH (s:Actor)-[r:%s]->(t:Actor)\nWHERE "
    + EXPORT_SCOPE
    + "RETURN collect("
    + FACT_ROW_LIST
    + ") AS rows"
)
EXPORT_TYPES: tuple[str, ...] = tuple(sorted(FACT_TYPES))


def window_fact_rows(
    tx: neo4j.ManagedTransaction, scope: TimeScope, query: WindowQuery
) -> list[list[Any]]:
    """Every fact in the window as a row of FACT_EXPORT_COLUMNS values."""
    cypher = per_type_union(query.filters.types, WINDOW_BRANCH) + WINDOW_FACT_ROWS
    (record,) = tx.run(cypher, {**query.params(scope)})
    rows: list[list[Any]] = record[0]
    return rows


def export_fact_rows(
    tx: neo4j.ManagedTransaction, scope: TimeScope, fact_type: str
) -> list[list[Any]]:
    """The current version of every fact of one type in the window, as rows of
    FACT_EXPORT_COLUMNS."""
    cypher = EXPORT_BRANCH % safe_identifier(fact_type, FACT_TYPES)
    params = {"valid_from": scope.valid_from, "valid_to": scope.valid_to}
    (record,) = tx.run(cypher, params)
    rows: list[list[Any]] = record[0]
    return rows


ACTOR_EXPORT_COLUMNS = ("id", "name", "kind", "country", "generic", "dataset", "part_of")

ACTOR_ROWS: LiteralString = """
MATCH (a:Actor)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.country AS country,
       coalesce(a.generic, false) AS generic, a.dataset AS dataset,
       [(a)-[:PART_OF]->(p:Actor) | p.id] AS part_of
ORDER BY id
"""


def actor_rows(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
    return [record.values() for record in tx.run(ACTOR_ROWS)]


def names_of(tx: neo4j.ManagedTransaction, ids: list[str]) -> dict[str, ActorRef]:
    return {key: ref for key, ref in actors_by_id(tx, ids).items() if ref is not None}
