"""PathsAnswer's JSON: the outline with each hop's kept facts put in, exactly the answer the
models would give (pure Python)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from queries.models import ActorRef, FactPublic, Precision, TimeScope
from queries.paths import PathsResult, build_paths, lay_out_routes
from tindex.paths import KeptFact, PathsAnswer


def fact(fact_id: str, source: str, target: str, day: str) -> FactPublic:
    return FactPublic(
        id=fact_id,
        type="MET_WITH",
        source=source,
        target=target,
        valid_from=day,
        valid_to=day,
        precision=Precision(valid_from="day", valid_to="day"),
        status="asserted",
        confidence=None,
        sources=["s1"],
        event_id=None,
        recorded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        # Text that looks like the outline's marker must stay text.
        description='"facts":[] in a description',
    )


def test_kept_facts_put_into_the_outline_give_the_models_answer() -> None:
    # An actor named like the marker, and one hop (a-b) shared by two routes.
    a, b = ActorRef(id="a", name='"facts":[]', kind="state"), ActorRef(id="b", name="B", kind="x")
    c, d = ActorRef(id="c", name="C", kind="x"), ActorRef(id="d", name="D", kind="x")
    facts = {
        frozenset(("a", "b")): [
            fact("f1", "a", "b", "2024-06-01"),
            fact("f2", "b", "a", "2024-06-03"),
        ],
        frozenset(("b", "c")): [fact("f3", "b", "c", "2024-06-02")],
        frozenset(("b", "d")): [fact("f4", "d", "b", "2024-06-05")],
        frozenset(("c", "d")): [],
    }
    routes = [[a, b, c], [a, b, d]]
    scope = TimeScope(valid_from=date(2024, 6, 1), valid_to=date(2024, 6, 30))
    whole = PathsResult(paths=build_paths(routes, facts, scope), truncated=True, graph_version="7")

    kept = {pair: [KeptFact.of(f) for f in listed] for pair, listed in facts.items()}
    laid = lay_out_routes(routes, kept, scope)
    answer = PathsAnswer(
        PathsResult(paths=[each.path for each in laid], truncated=True, graph_version="7"),
        [each.hop_facts for each in laid],
    )
    assert answer.json() == whole.model_dump_json().encode()
    assert answer.result() == whole
    assert answer.found
