"""Actors: resolving names, full-text search, and an actor's aliases, parts and roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.vocabulary import alias_key
from queries.facts import FACT_PROPS, type_alternation
from queries.models import ActorRef, FactPublic
from queries.runner import records


class ActorSummary(ActorRef):
    country: str | None = Field(
        default=None, description="ISO3 (lower case) of the state the actor belongs to, if any."
    )
    generic: bool = Field(
        default=False,
        description="A catch-all (an unspecified actor, an unnamed collective such as "
        "'Citizen (India)'): left out of rankings, paths and graphs unless asked for.",
    )


# Facts an actor takes part in, as the degree of its fact relationships: the store keeps
# degrees per type, so this costs no expansion however busy the actor is.
FACT_COUNT: LiteralString = "COUNT { (actor)-[:" + type_alternation(None) + "]-() }"

ACTOR_COLUMNS: LiteralString = """actor.id AS id, actor.name AS name, actor.kind AS kind,
actor.country AS country, coalesce(actor.generic, false) AS generic"""

# A name the data gives an actor (rank 0) outranks a word a story used for one (rank 1):
# GDELT calls the US government "UNITED STATES", which must not make "United States" a
# name of two actors. Only actors at the best rank a name reaches are its candidates.
RESOLVE: LiteralString = (
    """
UNWIND range(0, size($texts) - 1) AS i
OPTIONAL MATCH (exact:Actor {id: $texts[i]})
OPTIONAL MATCH (lowered:Actor {id: $ids[i]})
WITH i, coalesce(exact, lowered) AS exact
OPTIONAL CALL (i) {
  MATCH (:Alias {key: $keys[i]})-[r:REFERS_TO]->(actor:Actor)
  RETURN coalesce(r.rank, 0) AS rank, actor
}
WITH i, exact, rank, actor
ORDER BY i, rank, actor.id
WITH i, exact, collect(CASE WHEN actor IS NOT NULL THEN {rank: rank, actor: {"""
    + "id: actor.id, name: actor.name, kind: actor.kind, country: actor.country, "
    + """generic: coalesce(actor.generic, false)}} END) AS aliased
RETURN i, exact {.id, .name, .kind, .country, generic: coalesce(exact.generic, false)} AS exact,
       aliased
ORDER BY i
"""
)


def resolve_actors(tx: neo4j.ManagedTransaction, texts: list[str]) -> list[list[ActorSummary]]:
    """For each text, the actors it may name: the actor with that id (as given, or trimmed
    and lower-cased: `PRK`), else the actors having it as a name or alias at the best rank
    the name reaches (several: the name is ambiguous; none: unknown). One round trip
    however many names a request carries."""
    rows = records(
        tx,
        RESOLVE,
        texts=texts,
        ids=[text.strip().lower() for text in texts],
        keys=[alias_key(text) for text in texts],
    )
    found: list[list[ActorSummary]] = []
    for row in rows:
        if row["exact"]:
            found.append([ActorSummary(**row["exact"])])
            continue
        aliased = row["aliased"]
        best = min((item["rank"] for item in aliased), default=0)
        found.append([ActorSummary(**item["actor"]) for item in aliased if item["rank"] == best])
    return found


class ActorHit(ActorSummary):
    matched: str = Field(description="The name or alias that matched.")
    match: str = Field(
        description="How it matched: exact (the whole name), words (every word of the query "
        "is a word of the name), prefix (every word begins a word of the name), fuzzy (near "
        "spellings), or contains (the text occurs inside a name)."
    )
    facts: int = Field(description="Facts the actor takes part in (ranks ties).")
    score: float = Field(description="Full-text relevance of the matching name.")


MATCH_TIERS = ("exact", "words", "prefix", "fuzzy", "contains")

# Candidate names: the exact key, and full-text hits on alias keys (folded, so hyphens,
# accents and case are gone on both sides); an alias hit is reported as its actor.
SEARCH: LiteralString = (
    """
CALL () {
  MATCH (alias:Alias {key: $key}) RETURN alias, 1.0 AS score
  UNION
  CALL db.index.fulltext.queryNodes('alias_keys_fulltext', $query, {limit: $hits})
  YIELD node AS alias, score
  RETURN alias, score
}
MATCH (alias)-[r:REFERS_TO]->(actor:Actor)
WHERE $kind IS NULL OR actor.kind = $kind
RETURN """
    + ACTOR_COLUMNS
    + """, alias.key AS key, alias.name AS matched, score, coalesce(r.rank, 0) AS rank,
       """
    + FACT_COUNT
    + """ AS facts
"""
)

# When no word matches (or there are no words at all: "/", "()"), the text is looked for
# inside names and keys, so a query never comes back empty for want of parsing.
SEARCH_CONTAINS: LiteralString = (
    """
MATCH (alias:Alias)
WHERE ($key <> '' AND alias.key CONTAINS $key) OR alias.name CONTAINS $text
WITH alias LIMIT $hits
MATCH (alias)-[r:REFERS_TO]->(actor:Actor)
WHERE $kind IS NULL OR actor.kind = $kind
RETURN """
    + ACTOR_COLUMNS
    + """, alias.key AS key, alias.name AS matched, 0.0 AS score, coalesce(r.rank, 0) AS rank,
       """
    + FACT_COUNT
    + """ AS facts
"""
)

LIST: LiteralString = (
    """
MATCH (actor:Actor) WHERE $kind IS NULL OR actor.kind = $kind
WITH actor ORDER BY actor.id SKIP $skip LIMIT $limit
RETURN """
    + ACTOR_COLUMNS
    + """, actor.name AS matched, 'exact' AS match, 1.0 AS score, """
    + FACT_COUNT
    + """ AS facts
ORDER BY id
"""
)

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
# Lucene refuses queries of more than 1024 clauses; two per word stays far below that.
MAX_WORD_CHARS = 64
MAX_QUERY_WORDS = 16
# Full-text hits ranked per query: enough that the busiest actors among thousands of
# "Government (X)" names are among them.
SEARCH_HITS = 2000


def lucene_query(text: str, *, every_word: bool = True) -> str:
    """The folded words of `text`, each matching as a word prefix or (from four letters on)
    a spelling one edit away; all of them required, or any. Folding leaves letters and
    digits only, and each word is escaped as well, so no input can be read as Lucene
    syntax."""
    # Each word cut at MAX_WORD_CHARS: a longer fuzzy term is an automaton Lucene refuses
    # to build ("input automaton is too large"), and names reach here from every route that
    # suggests the closest actors, not only from the length-checked `q`.
    words = [
        _LUCENE_SPECIAL.sub(r"\\\1", w[:MAX_WORD_CHARS])
        for w in alias_key(text).split()[:MAX_QUERY_WORDS]
    ]
    joint = " AND " if every_word else " OR "
    return joint.join(f"({w}* OR {w}~1)" if len(w) > 3 else f"{w}*" for w in words)


@dataclass(frozen=True)
class _Ranked:
    tier: float
    facts: int
    row: dict[str, Any]


def _tier(query_words: list[str], key: str, rank: int) -> float:
    """0 exact, 1 whole words, 2 word prefixes, 3 fuzzy; a story's word (rank 1) ranks
    after names the data gives (an exact story word comes after whole-word names)."""
    words = key.split()
    if key == " ".join(query_words):
        tier = 0.0
    elif all(q in words for q in query_words):
        tier = 1.0
    elif all(any(w.startswith(q) for w in words) for q in query_words):
        tier = 2.0
    else:
        tier = 3.0
    return tier if rank == 0 else max(tier, 1.0) + 0.5


def rank_hits(
    rows: list[dict[str, Any]], text: str, skip: int, limit: int, *, contains: bool = False
) -> list[ActorHit]:
    """One hit per actor, at its best matching name; ordered by how the name matched, then
    by how many facts the actor has, then by id."""
    query_words = alias_key(text).split()
    best: dict[str, _Ranked] = {}
    for row in rows:
        tier = 4.0 if contains else _tier(query_words, row["key"], row["rank"])
        kept = best.get(row["id"])
        if kept is None or (tier, -row["score"]) < (kept.tier, -kept.row["score"]):
            best[row["id"]] = _Ranked(tier, row["facts"], row)
    ordered = sorted(best.values(), key=lambda r: (r.tier, -r.facts, r.row["id"]))
    hits = []
    for ranked in ordered[skip : skip + limit]:
        row = {k: v for k, v in ranked.row.items() if k not in ("key", "rank")}
        hits.append(ActorHit(**row, match=MATCH_TIERS[int(ranked.tier)]))
    return hits


def search_actors(
    tx: neo4j.ManagedTransaction, text: str | None, kind: str | None, skip: int, limit: int
) -> list[ActorHit]:
    """Actors by name: exact name before whole words before word prefixes before near
    spellings, and within each, actors with more facts first. Without text: by id."""
    if not text or not text.strip():
        return [ActorHit(**row) for row in records(tx, LIST, kind=kind, skip=skip, limit=limit)]
    key = alias_key(text)
    hits = max(SEARCH_HITS, skip + limit)
    # Names holding every word; else names holding any ("kremlin 2" finds the Kremlin).
    for every_word in (True, False) if " " in key else (True,) if key else ():
        query = lucene_query(text, every_word=every_word)
        rows = records(tx, SEARCH, key=key, query=query, kind=kind, hits=hits)
        if rows:
            return rank_hits(rows, text, skip, limit)
    rows = records(tx, SEARCH_CONTAINS, key=key, text=text.strip(), kind=kind, hits=hits)
    return rank_hits(rows, text, skip, limit, contains=True)


class RoleSpan(BaseModel):
    holder: ActorRef
    office_of: ActorRef
    role: str
    fact: FactPublic


class ActorDetail(ActorSummary):
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
       a.country AS country, coalesce(a.generic, false) AS generic,
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
        country=row["country"],
        generic=row["generic"],
        description=row["description"] or None,
        aliases=sorted(set(row["aliases"])),
        part_of=[ActorRef(**p) for p in row["part_of"]],
        parts=sorted((ActorRef(**p) for p in row["parts"]), key=lambda p: p.id),
        roles=roles,
    )
