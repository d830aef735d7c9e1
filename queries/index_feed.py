"""What the temporal index (`tindex/`) reads from Neo4j: actors, PART_OF links and facts as
columns of integers, and the facts of an answer by their relationship ids.

Each read returns one row of parallel lists instead of one row per fact: the driver decodes
a list of integers an order of magnitude faster than as many records of a few fields, and
the index wants columns anyway. Dates travel as days since EPOCH, timestamps as epoch
nanoseconds, statuses as codes, so nothing is parsed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, LiteralString

import neo4j
from pydantic import TypeAdapter

from graph_schema.temporal import OPEN_END, OPEN_START, format_partial
from graph_schema.vocabulary import FactClass, FactType, Status, safe_identifier
from queries.models import FactPublic, as_date, to_native
from queries.runner import records

# Codes of the index's status column, in this order.
STATUS_CODES: tuple[str, ...] = tuple(s.value for s in Status)
TYPE_CODES: tuple[str, ...] = tuple(sorted(t.value for t in FactType))
# Codes of the index's fact class column; a fact with no class is NO_CLASS.
CLASS_CODES: tuple[str, ...] = tuple(c.value for c in FactClass)
NO_CLASS = -1
# Stand-ins for absent values: an absent start or end never overlaps a window (as in
# FACT_IN_SCOPE, where a comparison with null is not true); absent retraction is -1.
NO_DAY_FROM = 2**31 - 1
NO_DAY_TO = -(2**31)
EPOCH = date(1970, 1, 1)

ACTOR_COLUMNS: LiteralString = """
MATCH (a:Actor)
WITH a ORDER BY a.id
RETURN collect(id(a)) AS node, collect(a.id) AS id, collect(a.name) AS name,
       collect(a.kind) AS kind, collect(coalesce(a.generic, false)) AS generic
"""

PART_OF_COLUMNS: LiteralString = """
MATCH (child:Actor)-[:PART_OF]->(parent:Actor)
RETURN collect(id(child)) AS child, collect(id(parent)) AS parent
"""

# One template per fact type (types cannot be parameters), so that types can be read in
# parallel sessions. Facts are grouped by their dates, times, status and confidence: in the
# Community runtime the cost is per row and per expression, and most facts share these
# values with many others (a load stamps all it writes with one time; coded events last
# a day), so the conversions run once per group instead of once per fact. Endpoints are
# not checked for the Actor label: fact types join actors only, and the check doubled the
# time of the read. `$loads` (start times of loads, or null for everything) limits a
# catch-up to the facts those loads recorded, retracted or re-derived in place: a load
# stamps them with its own start time, which is how they are found again.
_EVERY_FACT = """
MATCH (a)-[r:%(type)s]->(b)
"""

# Three seeks in the range indexes on the transaction-time properties (one OR of the three
# would scan every fact of the type).
_FACTS_OF_LOADS = """
WITH [stamp IN $loads | datetime(stamp)] AS loads
CALL (loads) {
  MATCH (a)-[r:%(type)s]->(b) WHERE r.recorded_at IN loads RETURN a, r, b
  UNION
  MATCH (a)-[r:%(type)s]->(b) WHERE r.retracted_at IN loads RETURN a, r, b
  UNION
  MATCH (a)-[r:%(type)s]->(b) WHERE r.updated_at IN loads RETURN a, r, b
}
"""

_FACT_COLUMNS_TEMPLATE = """
WITH r.valid_from AS valid_from, r.valid_to AS valid_to, r.recorded_at AS recorded,
     r.retracted_at AS retracted, r.status AS status, r.confidence AS confidence,
     r.fact_class AS fact_class,
     collect(id(r)) AS rel, collect(id(a)) AS source, collect(id(b)) AS target
RETURN rel, source, target,
       coalesce(duration.inDays($epoch, valid_from).days, $no_from) AS valid_from,
       coalesce(duration.inDays($epoch, valid_to).days, $no_to) AS valid_to,
       coalesce(recorded.epochSeconds * 1000000000 + recorded.nanosecond, 0) AS recorded,
       coalesce(retracted.epochSeconds * 1000000000 + retracted.nanosecond, -1) AS retracted,
       CASE status %(statuses)s ELSE 0 END AS status,
       CASE fact_class %(classes)s ELSE %(no_class)s END AS fact_class,
       coalesce(confidence, -1.0) AS confidence
"""

_STATUS_CASE = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUS_CODES))
_CLASS_CASE = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CLASS_CODES))

# The facts of an answer, whole, as one row of lists (`_fact_fields` names them): one list
# per fact decodes several times faster in the driver than one record per fact with a map
# of properties (a hop between two hubs carries 1,500 facts in a month). Dates and times
# travel as ISO strings, as in FACT_PROPS.
FACTS_BY_RELATIONSHIP_ID: LiteralString = """
UNWIND $ids AS rel
MATCH (a)-[r]->(b) WHERE id(r) = rel
RETURN collect([id(r), r.id, type(r), r.fact_class, a.id, b.id, a.name, b.name,
  toString(r.valid_from), toString(r.valid_to), r.valid_from_precision, r.valid_to_precision,
  r.status, r.confidence, r.sources, r.event_id, toString(r.recorded_at),
  toString(r.retracted_at), r.version, r.asserted_by, r.denied_by, r.role, r.description,
  r.code, r.code_text]) AS facts
"""

FACT_IDS_BY_RELATIONSHIP_ID: LiteralString = """
UNWIND $ids AS rel
MATCH ()-[r]->() WHERE id(r) = rel
RETURN collect([rel, r.id]) AS pairs
"""


# The write transactions stamped since a moment (by default, since `$slack` before the
# latest), with the start time of the load each belongs to.
WRITES_SINCE: LiteralString = """
CALL () { MATCH (w:Write) RETURN max(w.at) AS latest }
MATCH (w:Write) WHERE w.at >= coalesce($since, latest - $slack)
OPTIONAL MATCH (load:Load {id: w.load})
RETURN elementId(w) AS write, w.at AS at, toString(load.started_at) AS started_at
"""

# How many facts there are, from the count store (one count per type, no scan).
FACT_COUNT: LiteralString = (
    "CALL () {\n"
    + "\nUNION ALL\n".join(
        f"MATCH ()-[r:{safe_identifier(t, frozenset(TYPE_CODES))}]->() RETURN count(r) AS n"
        for t in TYPE_CODES
    )
    + "\n}\nRETURN sum(n) AS facts"
)


@dataclass
class Writes:
    """Write transactions recorded since a moment."""

    load_start: dict[str, str | None]  # per write: its load's start time (ISO)
    latest: datetime | None  # the latest `at` among them


@dataclass
class ActorColumns:
    node: list[int]
    id: list[str]
    name: list[str]
    kind: list[str]
    generic: list[bool]


@dataclass
class FactColumns:
    rel: list[int]
    source: list[int]
    target: list[int]
    valid_from: list[int]
    valid_to: list[int]
    recorded: list[int]
    retracted: list[int]
    status: list[int]
    confidence: list[float]
    fact_class: list[int]


def epoch_ns(moment: datetime) -> int:
    """A UTC datetime as the index's timestamps: nanoseconds since 1970."""
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def writes_since(tx: neo4j.ManagedTransaction, since: datetime | None, slack: timedelta) -> Writes:
    """The write transactions (`Write` nodes) at or after `since` (or in the `slack` before
    the latest one), each with its load's start time: the `recorded_at` or `retracted_at`
    of every fact it wrote."""
    rows = records(tx, WRITES_SINCE, since=since, slack=slack)
    # Start times travel as ISO strings and Cypher makes them datetimes again: a driver
    # datetime comes back with a named zone ("UTC"), and a datetime with a named zone is
    # not equal to the same instant stored with an offset ("Z").
    return Writes(
        load_start={row["write"]: row["started_at"] for row in rows},
        latest=max((to_native(row["at"]) for row in rows), default=None),
    )


def fact_count(tx: neo4j.ManagedTransaction) -> int:
    """Every fact relationship, from the count store."""
    return int(records(tx, FACT_COUNT)[0]["facts"])


def read_actor_columns(tx: neo4j.ManagedTransaction) -> ActorColumns:
    row = records(tx, ACTOR_COLUMNS)[0]
    return ActorColumns(**row)


def read_part_of(tx: neo4j.ManagedTransaction) -> tuple[list[int], list[int]]:
    """(child, parent) node ids of every PART_OF link between actors."""
    row = records(tx, PART_OF_COLUMNS)[0]
    return row["child"], row["parent"]


def fact_columns_query(fact_type: str, of_loads: bool = False) -> LiteralString:
    """The columns of every fact of a type, or (`of_loads`) of those `$loads` wrote."""
    values = {
        "type": safe_identifier(fact_type, frozenset(TYPE_CODES)),
        "statuses": _STATUS_CASE,
        "classes": _CLASS_CASE,
        "no_class": str(NO_CLASS),
    }
    match = _FACTS_OF_LOADS if of_loads else _EVERY_FACT
    return (match + _FACT_COLUMNS_TEMPLATE) % values


def read_fact_columns(
    tx: neo4j.ManagedTransaction, fact_type: str, loads: list[str] | None = None
) -> FactColumns:
    """Every fact of one type, or only those recorded, retracted or updated by the loads
    that started at these times (ISO strings, as `writes_since` gives them).

    Raises:
        UnsafeIdentifierError: `fact_type` is not in the vocabulary.
    """
    columns = FactColumns([], [], [], [], [], [], [], [], [], [])
    for group in records(
        tx,
        fact_columns_query(fact_type, of_loads=loads is not None),
        loads=loads,
        epoch=EPOCH,
        no_from=NO_DAY_FROM,
        no_to=NO_DAY_TO,
    ):
        size = len(group["rel"])
        columns.rel += group["rel"]
        columns.source += group["source"]
        columns.target += group["target"]
        for name in (
            "valid_from",
            "valid_to",
            "recorded",
            "retracted",
            "status",
            "confidence",
            "fact_class",
        ):
            getattr(columns, name).extend([group[name]] * size)
    return columns


def facts_by_relationship_id(tx: neo4j.ManagedTransaction, ids: list[int]) -> dict[int, FactPublic]:
    """The facts with these relationship ids (those still there), by id."""
    rows: list[list[Any]] = records(tx, FACTS_BY_RELATIONSHIP_ID, ids=ids)[0]["facts"]
    # Validated as one list by pydantic-core: a model call per fact cost as much as the read.
    facts = _FACT_LIST.validate_python([_fact_fields(row) for row in rows])
    return {row[0]: fact for row, fact in zip(rows, facts, strict=True)}


_FACT_LIST = TypeAdapter(list[FactPublic])
_OPEN_BOUNDS = (OPEN_START.isoformat(), OPEN_END.isoformat())


def _bound(stored: str | None, precision: str) -> str | None:
    """A stored bound (ISO day) as FactPublic gives it: `format_partial` without parsing the
    day-precision bounds, nearly all of them, which print as stored."""
    if stored is not None and precision == "day" and stored not in _OPEN_BOUNDS:
        return stored
    return format_partial(as_date(stored), precision)


def _fact_fields(row: list[Any]) -> dict[str, Any]:
    """FactPublic.from_record's fields, from a row of FACTS_BY_RELATIONSHIP_ID."""
    (
        _,
        fact_id,
        fact_type,
        fact_class,
        source,
        target,
        source_name,
        target_name,
        valid_from,
        valid_to,
        from_precision,
        to_precision,
        status,
        confidence,
        sources,
        event_id,
        recorded_at,
        retracted_at,
        version,
        asserted_by,
        denied_by,
        role,
        description,
        code,
        code_text,
    ) = row
    from_precision = "day" if from_precision is None else from_precision
    to_precision = "day" if to_precision is None else to_precision
    return {
        "id": fact_id,
        "type": fact_type,
        "fact_class": fact_class,
        "source": source,
        "target": target,
        "source_name": source_name,
        "target_name": target_name,
        "valid_from": _bound(valid_from, from_precision),
        "valid_to": _bound(valid_to, to_precision),
        "precision": {"valid_from": from_precision, "valid_to": to_precision},
        "status": "asserted" if status is None else status,
        "confidence": confidence,
        "sources": sources or [],
        "event_id": event_id,
        "recorded_at": recorded_at,
        "retracted_at": retracted_at,
        "version": version,
        "asserted_by": asserted_by or [],
        "denied_by": denied_by or [],
        "role": role,
        "description": description,
        "code": code,
        "code_text": code_text,
    }


def fact_ids_by_relationship_id(tx: neo4j.ManagedTransaction, ids: list[int]) -> dict[int, str]:
    """The fact ids (`r.id`) of these relationships (those still there)."""
    row = records(tx, FACT_IDS_BY_RELATIONSHIP_ID, ids=ids)[0]
    return {int(rel): str(fact_id) for rel, fact_id in row["pairs"]}
