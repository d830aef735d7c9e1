"""Actors: resolving names, full-text search, and an actor's aliases, parts and roles."""

from __future__ import annotations

import re
from typing import LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.vocabulary import alias_key
from queries.facts import FACT_PROPS
from queries.models import ActorRef, FactPublic
from queries.runner import records

RESOLVE: LiteralString = """
UNWIND range(0, size($texts) - 1) AS i
OPTIONAL MATCH (exact:Actor {id: $texts[i]})
OPTIONAL MATCH (:Alias {key: $keys[i]})-[:REFERS_TO]->(aliased:Actor)
WITH i, exact, collect(DISTINCT aliased.id) AS aliased
RETURN i, exact.id AS exact, aliased
ORDER BY i
"""


def resolve_actors(tx: neo4j.ManagedTransaction, texts: list[str]) -> list[list[str]]:
    """For each text, the actor ids it names: its id, else every actor that has it as a name
    or alias. One round trip however many names a request carries."""
    rows = records(tx, RESOLVE, texts=texts, keys=[alias_key(text) for text in texts])
    return [[row["exact"]] if row["exact"] else sorted(row["aliased"]) for row in rows]


class ActorHit(ActorRef):
    score: float = Field(description="Full-text relevance.")
    matched: str = Field(description="The name or alias that matched.")


# Full-text over names and aliases; an alias hit is reported as the actor it refers to.
SEARCH: LiteralString = """
CALL db.index.fulltext.queryNodes('actor_names_fulltext', $query) YIELD node, score
OPTIONAL MATCH (node)-[:REFERS_TO]->(target:Actor)
WITH coalesce(target, node) AS actor, node.name AS matched, score
WHERE actor:Actor AND ($kind IS NULL OR actor.kind = $kind)
WITH actor, max(score) AS score, head(collect(matched)) AS matched
RETURN actor.id AS id, actor.name AS name, actor.kind AS kind, score, matched
ORDER BY score DESC, id
SKIP $skip LIMIT $limit
"""

LIST: LiteralString = """
MATCH (actor:Actor) WHERE $kind IS NULL OR actor.kind = $kind
RETURN actor.id AS id, actor.name AS name, actor.kind AS kind, 1.0 AS score, actor.name AS matched
ORDER BY id SKIP $skip LIMIT $limit
"""

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


def lucene_query(text: str) -> str:
    """Escape the user's words and let each match as a prefix or a near spelling."""
    words = [_LUCENE_SPECIAL.sub(r"\\\1", w) for w in text.split()]
    return (
        " AND ".join(f"({w}* OR {w}~1)" if len(w) > 3 else f"{w}*" for w in words) if words else ""
    )


def search_actors(
    tx: neo4j.ManagedTransaction, text: str | None, kind: str | None, skip: int, limit: int
) -> list[ActorHit]:
    if text and text.strip():
        rows = records(tx, SEARCH, query=lucene_query(text), kind=kind, skip=skip, limit=limit)
    else:
        rows = records(tx, LIST, kind=kind, skip=skip, limit=limit)
    return [ActorHit(**row) for row in rows]


class RoleSpan(BaseModel):
    holder: ActorRef
    office_of: ActorRef
    role: str
    fact: FactPublic


class ActorDetail(ActorRef):
    aliases: list[str] = Field(description="Other names that resolve to this actor.")
    description: str | None = None
    part_of: list[ActorRef] = Field(description="What this actor belongs to (PART_OF).")
    parts: list[ActorRef] = Field(description="Actors that belong to this one.")
    roles: list[RoleSpan] = Field(
        description="Offices over time: those the actor held, and those held in it (HOLDS_ROLE)."
    )


DETAIL: LiteralString = """
MATCH (a:Actor {id: $id})
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.description AS description,
       [(alias:Alias)-[:REFERS_TO]->(a) WHERE alias.name <> a.name | alias.name] AS aliases,
       [(a)-[:PART_OF]->(p:Actor) | p {.id, .name, .kind}] AS part_of,
       [(c:Actor)-[:PART_OF]->(a) | c {.id, .name, .kind}] AS parts
"""

ROLES: LiteralString = (
    """
MATCH (holder:Actor)-[r:HOLDS_ROLE]->(office:Actor)
WHERE (holder.id = $id OR office.id = $id) AND r.retracted_at IS NULL
RETURN holder {.id, .name, .kind} AS holder, office {.id, .name, .kind} AS office,
       type(r) AS type, holder.id AS source, office.id AS target,
       holder.name AS source_name, office.name AS target_name, """
    + FACT_PROPS
    + """
ORDER BY r.valid_from, r.id
"""
)


def actor_detail(tx: neo4j.ManagedTransaction, actor_id: str) -> ActorDetail | None:
    rows = records(tx, DETAIL, id=actor_id)
    if not rows:
        return None
    row = rows[0]
    roles = [
        RoleSpan(
            holder=ActorRef(**r["holder"]),
            office_of=ActorRef(**r["office"]),
            role=r["props"].get("role") or "",
            fact=FactPublic.from_record(r),
        )
        for r in records(tx, ROLES, id=actor_id)
    ]
    return ActorDetail(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        description=row["description"] or None,
        aliases=sorted(set(row["aliases"])),
        part_of=[ActorRef(**p) for p in row["part_of"]],
        parts=sorted((ActorRef(**p) for p in row["parts"]), key=lambda p: p.id),
        roles=roles,
    )
