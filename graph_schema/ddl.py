"""Every constraint and index, as one list of named, idempotent statements.

Applied by the API's lifespan and by `tkg schema apply`. Index creation returns before the
index is ready, so `apply_schema` waits for them to come online.
"""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from graph_schema.vocabulary import FactType, Label, StructuralType

# Every fact's indexed properties. `updated_at` is when a load last rewrote derived fields
# of the current version in place (status, asserted_by, denied_by, fact_class). Only
# curated facts have an `event_id`, so its indexes stay small beside bulk data.
FACT_INDEXED_PROPERTIES = (
    "id",
    "valid_from",
    "valid_to",
    "fact_class",
    "recorded_at",
    "retracted_at",
    "updated_at",
    "event_id",
)

# Optional properties that queries ask for on rows that may lack them (coded-event fields
# on facts, a source's url). Neo4j warns "property does not exist" about a key it has never
# seen: registering the key keeps a curated-only database quiet in a notebook.
REGISTERED_PROPERTY_KEYS = ("code", "code_text", "url")


@dataclass(frozen=True)
class SchemaStatement:
    name: str
    cypher: str


def _node_unique(label: Label, prop: str = "id") -> SchemaStatement:
    name = f"{label.value.lower()}_{prop}_unique"
    return SchemaStatement(
        name,
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label.value}) REQUIRE n.{prop} IS UNIQUE",
    )


def _node_range(label: Label, prop: str) -> SchemaStatement:
    name = f"{label.value.lower()}_{prop}"
    return SchemaStatement(
        name, f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label.value}) ON (n.{prop})"
    )


def _rel_range(rel_type: str, prop: str) -> SchemaStatement:
    name = f"rel_{rel_type.lower()}_{prop}"
    return SchemaStatement(
        name, f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{rel_type}]-() ON (r.{prop})"
    )


def schema_statements() -> list[SchemaStatement]:
    statements = [
        _node_unique(Label.ACTOR),
        _node_unique(Label.EVENT),
        _node_unique(Label.SOURCE),
        _node_unique(Label.LOCATION),
        _node_unique(Label.WEAPON_SYSTEM),
        _node_unique(Label.CLAIM),
        _node_unique(Label.DATASET),
        _node_unique(Label.ALIAS, "key"),
        _node_range(Label.ACTOR, "kind"),
        _node_range(Label.ACTOR, "country"),
        _node_range(Label.ACTOR, "generic"),
        _node_range(Label.EVENT, "date_from"),
        _node_range(Label.EVENT, "date_to"),
        _node_range(Label.EVENT, "kind"),
        _node_range(Label.CLAIM, "fact_id"),
        _node_range(Label.CLAIM, "recorded_at"),
        _node_range(Label.CLAIM, "retracted_at"),
        _node_range(Label.EVENT, "recorded_at"),
        _node_range(Label.EVENT, "retracted_at"),
        _node_unique(Label.LOAD),
        _node_range(Label.LOAD, "started_at"),
        _node_range(Label.WRITE, "at"),
        _node_range(Label.WRITE, "load"),
        # The index of earlier versions held raw names, which the standard analyser cuts
        # at hyphens and leaves accented; alias keys are already folded.
        SchemaStatement("drop_actor_names_fulltext", "DROP INDEX actor_names_fulltext IF EXISTS"),
        SchemaStatement(
            "alias_keys_fulltext",
            "CREATE FULLTEXT INDEX alias_keys_fulltext IF NOT EXISTS "
            "FOR (n:Alias) ON EACH [n.key] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        ),
    ]
    # Facts are found by id (reloads, corrections, claims), by validity (as-of and window
    # queries) and by transaction time (as-recorded queries, and the temporal index catching
    # up on what a load touched); range indexes are per relationship type, so one set per
    # type. An index also registers its property key, so queries on a property that no fact
    # has yet (nothing retracted) raise no "property does not exist" notifications.
    for fact_type in FactType:
        for prop in FACT_INDEXED_PROPERTIES:
            statements.append(_rel_range(fact_type.value, prop))
    statements.append(_rel_range(StructuralType.PARTICIPATED_IN.value, "role"))
    for key in REGISTERED_PROPERTY_KEYS:
        statements.append(
            SchemaStatement(f"property_key_{key}", f"CALL db.createProperty('{key}')")
        )
    return statements


def apply_schema(driver: neo4j.Driver, database: str, timeout_seconds: float = 300.0) -> int:
    """Create whatever is missing and wait until every index is online.

    Returns:
        How many statements were run (all of them: each is idempotent).
    """
    statements = schema_statements()
    with driver.session(database=database) as session:
        for statement in statements:
            session.run(statement.cypher).consume()
        session.run("CALL db.awaitIndexes($timeout)", timeout=int(timeout_seconds)).consume()
    return len(statements)
