"""Events and an actor's timeline."""

from __future__ import annotations

from typing import Any, LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.temporal import format_partial
from queries.facts import (
    FACT_COLUMNS,
    FACT_IN_SCOPE,
    per_type_union,
    scope_params,
    type_alternation,
)
from queries.models import ActorRef, FactFilter, FactPublic, TimeScope, to_native
from queries.runner import records


class Participant(ActorRef):
    role: str | None = None


class EventSummary(BaseModel):
    id: str
    name: str
    kind: str
    date: str = Field(description="When it happened (or began), in its precision.")
    end: str | None = Field(default=None, description="When it ended, if it lasted.")
    precision: str = Field(description="Precision of the date: day, month or year.")
    location: str | None = Field(default=None, description="Location id.")
    participants: list[Participant] = Field(default_factory=list)


class SourcePublic(BaseModel):
    id: str
    name: str
    kind: str | None = None
    url: str | None = None


class ClaimPublic(BaseModel):
    id: str
    claimant: ActorRef | SourcePublic
    stance: str = Field(description="asserts or denies.")
    date: str | None = Field(description="When the claim was made, in its precision.")
    quote: str | None = None
    fact_id: str | None = None
    event_id: str | None = None
    reported_in: list[str] = Field(default_factory=list)


class LocationPublic(BaseModel):
    id: str
    name: str
    kind: str | None = None
    country: str | None = None


class EventDetail(EventSummary):
    description: str | None = None
    location_detail: LocationPublic | None = None
    sources: list[SourcePublic]
    weapons: list[dict[str, Any]] = Field(default_factory=list)
    claims: list[ClaimPublic] = Field(
        description="Claims about the event or its facts, with stance."
    )
    facts: list[FactPublic] = Field(
        description="Facts that came from this event (current versions)."
    )


EVENT_COLUMNS: LiteralString = """
e.id AS id, e.name AS name, e.kind AS kind, e.date_from AS date_from, e.date_to AS date_to,
e.date_precision AS date_precision, e.date_to_precision AS date_to_precision,
[(e)-[:OCCURRED_IN]->(l:Location) | l.id][0] AS location,
[(a:Actor)-[p:PARTICIPATED_IN]->(e) | a {.id, .name, .kind, role: p.role}] AS participants
"""


def _summary(row: dict[str, Any]) -> EventSummary:
    start = to_native(row["date_from"])
    end = to_native(row["date_to"])
    precision = row["date_precision"]
    end_text = format_partial(end, row["date_to_precision"])
    return EventSummary(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        date=format_partial(start, precision) or start.isoformat(),
        end=end_text if end_text != format_partial(start, precision) else None,
        precision=precision,
        location=row["location"],
        participants=sorted((Participant(**p) for p in row["participants"]), key=lambda p: p.id),
    )


LIST_EVENTS: LiteralString = (
    """
MATCH (e:Event)
WHERE e.date_from <= $valid_to AND e.date_to >= $valid_from AND e.retracted_at IS NULL
  AND ($kind IS NULL OR e.kind = $kind)
  AND ($actor IS NULL OR EXISTS { (:Actor {id: $actor})-[:PARTICIPATED_IN]->(e) })
  AND ($location IS NULL OR EXISTS { (e)-[:OCCURRED_IN]->(:Location {id: $location}) })
RETURN """
    + EVENT_COLUMNS
    + """
ORDER BY e.date_from, e.id SKIP $skip LIMIT $limit
"""
)


def list_events(
    tx: neo4j.ManagedTransaction,
    scope: TimeScope,
    actor: str | None,
    kind: str | None,
    location: str | None,
    skip: int,
    limit: int,
) -> list[EventSummary]:
    rows = records(
        tx,
        LIST_EVENTS,
        valid_from=scope.valid_from,
        valid_to=scope.valid_to,
        actor=actor,
        kind=kind,
        location=location,
        skip=skip,
        limit=limit,
    )
    return [_summary(row) for row in rows]


EVENT_DETAIL: LiteralString = (
    """
MATCH (e:Event {id: $id}) WHERE e.retracted_at IS NULL
RETURN """
    + EVENT_COLUMNS
    + """,
  e.description AS description,
  [(e)-[:OCCURRED_IN]->(l:Location) | l {.id, .name, .kind,
      country: [(l)-[:LOCATED_IN]->(c:Actor) | c.id][0]}][0] AS location_detail,
  [(e)-[:REPORTED_BY]->(s:Source) | s {.id, .name, .kind, .url}] AS sources,
  [(e)-[:INVOLVED]->(w:WeaponSystem) | w {.id, .name, .kind}] AS weapons
"""
)

# Only curated facts name an event: one seek per fact type on its event_id index, where a
# pattern over every type would read every fact of the database.
EVENT_FACTS: str = (
    per_type_union(
        None,
        "MATCH (s:Actor)-[r:%s]->(t:Actor)\n",
        "r.event_id = $id AND r.retracted_at IS NULL\n",
    )
    + "RETURN "
    + FACT_COLUMNS
    + " ORDER BY props.id"
)

# Two seeks, not one filter over every claim: claims about an event hang off it (ABOUT),
# claims about a fact are found by the claim_fact_id index.
EVENT_CLAIMS: LiteralString = """
CALL () {
  MATCH (c:Claim)-[:ABOUT]->(:Event {id: $id}) WHERE c.event_id = $id RETURN c
  UNION
  UNWIND $fact_ids AS fact_id
  MATCH (c:Claim {fact_id: fact_id}) RETURN c
}
WITH c WHERE c.retracted_at IS NULL
MATCH (who)-[:MADE]->(c)
RETURN c.id AS id, c.stance AS stance, c.date AS date, c.date_precision AS date_precision,
       c.quote AS quote, c.fact_id AS fact_id, c.event_id AS event_id,
       coalesce(c.reported_in, []) AS reported_in,
       who {.id, .name, .kind, .url, label: head(labels(who))} AS claimant
ORDER BY c.date, c.id
"""


def claims_for(
    tx: neo4j.ManagedTransaction, event_id: str | None, fact_ids: list[str]
) -> list[ClaimPublic]:
    claims = []
    for row in records(tx, EVENT_CLAIMS, id=event_id, fact_ids=fact_ids):
        who = row["claimant"]
        claimant: ActorRef | SourcePublic = (
            ActorRef(id=who["id"], name=who["name"], kind=who["kind"])
            if who["label"] == "Actor"
            else SourcePublic(
                id=who["id"], name=who["name"], kind=who.get("kind"), url=who.get("url")
            )
        )
        claims.append(
            ClaimPublic(
                id=row["id"],
                claimant=claimant,
                stance=row["stance"],
                date=format_partial(to_native(row["date"]), row["date_precision"]),
                quote=row["quote"],
                fact_id=row["fact_id"],
                event_id=row["event_id"],
                reported_in=row["reported_in"],
            )
        )
    return claims


def event_detail(tx: neo4j.ManagedTransaction, event_id: str) -> EventDetail | None:
    rows = records(tx, EVENT_DETAIL, id=event_id)
    if not rows:
        return None
    row = rows[0]
    facts = [FactPublic.from_record(r) for r in records(tx, EVENT_FACTS, id=event_id)]
    summary = _summary(row)
    return EventDetail(
        **summary.model_dump(),
        description=row["description"] or None,
        location_detail=LocationPublic(**row["location_detail"])
        if row["location_detail"]
        else None,
        sources=[SourcePublic(**s) for s in row["sources"]],
        weapons=row["weapons"],
        claims=claims_for(tx, event_id, [f.id for f in facts]),
        facts=facts,
    )


class TimelineEntry(BaseModel):
    date: str = Field(description="When, in its precision.")
    precision: str
    kind: str = Field(description="event (a curated event) or fact (a coded fact from event data).")
    id: str
    title: str
    type: str = Field(description="Event kind, or relationship type.")
    counterparts: list[str] = Field(default_factory=list, description="Other actors involved.")


class TimelineBucket(BaseModel):
    bucket: str = Field(description="YYYY-MM or YYYY.")
    count: int


TIMELINE: LiteralString = """
MATCH (anchor:Actor {id: $actor_id})
CALL (anchor) {
  MATCH (anchor)-[:PARTICIPATED_IN]->(e:Event)
  WHERE e.date_from <= $valid_to AND e.date_to >= $valid_from AND e.retracted_at IS NULL
  RETURN e.date_from AS day, e.date_precision AS precision, 'event' AS kind, e.id AS id,
         e.name AS title, e.kind AS type,
         [(o:Actor)-[:PARTICIPATED_IN]->(e) WHERE o <> anchor | o.id] AS counterparts
  UNION
  MATCH (anchor)-[r:%s]-(o:Actor)
  WHERE r.code IS NOT NULL AND """

TIMELINE_TAIL: LiteralString = """
  RETURN r.valid_from AS day, r.valid_from_precision AS precision, 'fact' AS kind, r.id AS id,
         coalesce(r.code_text, type(r)) AS title, type(r) AS type, [o.id] AS counterparts
}
"""

TIMELINE_PAGE: LiteralString = """
RETURN day, precision, kind, id, title, type, counterparts
ORDER BY day, id SKIP $skip LIMIT $limit
"""

# An entry counts in the bucket its own date names: a year-precision event counts for its
# year, never for its first month.
TIMELINE_BUCKETS: LiteralString = """
WITH CASE precision WHEN 'year' THEN toString(day.year)
                    WHEN 'month' THEN substring(toString(day), 0, 7)
                    ELSE toString(day) END AS label
RETURN substring(label, 0, $width) AS bucket, count(*) AS count
ORDER BY bucket
"""


def _timeline_query(filters: FactFilter) -> str:
    return TIMELINE % type_alternation(filters.types) + FACT_IN_SCOPE + TIMELINE_TAIL


def timeline_buckets(
    tx: neo4j.ManagedTransaction, actor_id: str, scope: TimeScope, filters: FactFilter, width: int
) -> list[TimelineBucket]:
    """Timeline entries counted per month (width 7) or year (width 4)."""
    cypher = _timeline_query(filters) + TIMELINE_BUCKETS
    rows = records(tx, cypher, actor_id=actor_id, width=width, **scope_params(scope, filters))
    return [TimelineBucket(**row) for row in rows]


def timeline(
    tx: neo4j.ManagedTransaction,
    actor_id: str,
    scope: TimeScope,
    filters: FactFilter,
    skip: int = 0,
    limit: int = 2**62,
) -> list[TimelineEntry]:
    """Dated events the actor took part in, and coded facts (from event data) touching it."""
    cypher = _timeline_query(filters) + TIMELINE_PAGE
    rows = records(
        tx, cypher, actor_id=actor_id, skip=skip, limit=limit, **scope_params(scope, filters)
    )
    return [
        TimelineEntry(
            date=format_partial(to_native(row["day"]), row["precision"])
            or str(to_native(row["day"])),
            precision=row["precision"],
            kind=row["kind"],
            id=row["id"],
            title=row["title"],
            type=row["type"],
            counterparts=sorted(set(row["counterparts"])),
        )
        for row in rows
    ]
