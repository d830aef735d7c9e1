"""The claims behind an event or a fact are found by seeks: the claim label is never
scanned (GDELT-sized data holds millions of claims)."""

from __future__ import annotations

from typing import Any

import neo4j

from app.core.config import Settings
from queries import events


def operators(plan: Any) -> list[str]:
    found = [f"{plan['operatorType'].split('@')[0]} {plan.get('args', {}).get('Details', '')}"]
    for child in plan.get("children", []):
        found += operators(child)
    return found


def test_claims_of_an_event_and_of_its_facts_seek_without_scanning_claims(
    bundled: neo4j.Driver, settings: Settings
) -> None:
    event_id = "prk-soldiers-shipped-to-vladivostok"
    with bundled.session(database=settings.neo4j_database) as session:
        detail = session.execute_read(lambda tx: events.event_detail(tx, event_id))
        assert detail is not None
        fact_ids = [fact.id for fact in detail.facts]
        profile = (
            session.run("PROFILE " + events.EVENT_CLAIMS, id=event_id, fact_ids=fact_ids)
            .consume()
            .profile
        )
        # The same claims as a filter over every claim finds, the slow way.
        every = session.run(
            "MATCH (c:Claim) WHERE (c.event_id = $id OR c.fact_id IN $ids) "
            "AND c.retracted_at IS NULL RETURN collect(c.id) AS ids",
            id=event_id,
            ids=fact_ids,
        ).single()
    assert profile is not None
    scans = [op for op in operators(profile) if op.startswith(("NodeByLabelScan", "AllNodes"))]
    assert not [op for op in scans if ":Claim" in op or "AllNodes" in op], scans
    assert every is not None and len(every["ids"]) > 1
    assert sorted(claim.id for claim in detail.claims) == sorted(every["ids"])
