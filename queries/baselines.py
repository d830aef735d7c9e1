"""Queries as an analyst would first write them by hand, kept only as baselines for the
benchmarks: each answers the same question as a helper of `tkg_client`, so the benchmark
can report the helper's time as a ratio to this one measured in the same run."""

from __future__ import annotations

from typing import LiteralString

import neo4j

from queries.runner import records

# "Top actors by distinct counterparts in a window", written the natural way: one
# undirected pattern over every relationship type, filtered by validity.
NAIVE_TOP_COUNTERPARTS: LiteralString = """
MATCH (a:Actor)-[r]-(b:Actor)
WHERE r.valid_from <= $valid_to AND r.valid_to >= $valid_from AND r.retracted_at IS NULL
WITH a, count(DISTINCT b) AS counterparts, count(r) AS facts
ORDER BY counterparts DESC, facts DESC, a.id
LIMIT $top
RETURN a.id AS id, counterparts, facts
"""


def naive_top_counterparts(
    tx: neo4j.ManagedTransaction, valid_from: object, valid_to: object, top: int
) -> list[tuple[str, int]]:
    rows = records(tx, NAIVE_TOP_COUNTERPARTS, valid_from=valid_from, valid_to=valid_to, top=top)
    return [(row["id"], row["counterparts"]) for row in rows]
