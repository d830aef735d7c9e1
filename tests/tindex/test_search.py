"""Searches on small indexes built in Python (no Neo4j): generic actors, rollup, ties."""

from __future__ import annotations

from datetime import date

import numpy as np

from queries.index_feed import STATUS_CODES, TYPE_CODES
from queries.models import FactFilter, TimeScope
from tindex.index import Actors, Facts, Query, TemporalIndex, build_index, day_number
from tindex.search import (
    Deadline,
    all_shortest_routes,
    earliest_arrival,
    k_shortest_routes,
    make_view,
)

ALLIED = TYPE_CODES.index("ALLIED_WITH")
ASSERTED = STATUS_CODES.index("asserted")


def small_index(
    actors: list[tuple[str, str, bool]],
    facts: list[tuple[str, str, date]],
    part_of: tuple[tuple[str, str], ...] = (),
) -> TemporalIndex:
    """Actors as (id, kind, generic); one-day facts as (source, target, day)."""
    ids = [a for a, _, _ in actors]
    dense = {a: i for i, a in enumerate(ids)}
    n = len(facts)
    return build_index(
        "test",
        Actors(
            node=np.arange(len(ids), dtype=np.int64),
            ids=ids,
            names=ids,
            kinds=[kind for _, kind, _ in actors],
            generic=np.asarray([generic for _, _, generic in actors], dtype=np.bool_),
        ),
        (
            np.asarray([dense[c] for c, _ in part_of], dtype=np.int32),
            np.asarray([dense[p] for _, p in part_of], dtype=np.int32),
        ),
        Facts(
            rel=np.arange(n, dtype=np.int64),
            source=np.asarray([dense[s] for s, _, _ in facts], dtype=np.int32),
            target=np.asarray([dense[t] for _, t, _ in facts], dtype=np.int32),
            valid_from=np.asarray([day_number(d) for _, _, d in facts], dtype=np.int32),
            valid_to=np.asarray([day_number(d) for _, _, d in facts], dtype=np.int32),
            recorded=np.zeros(n, dtype=np.int64),
            retracted=np.full(n, -1, dtype=np.int64),
            type=np.full(n, ALLIED, dtype=np.int8),
            status=np.full(n, ASSERTED, dtype=np.int8),
            confidence=np.ones(n, dtype=np.float32),
        ),
    )


YEAR = TimeScope(valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31))


def names(index: TemporalIndex, routes: list[list[int]]) -> list[list[str]]:
    return [[index.actors.ids[a] for a in route] for route in routes]


def test_paths_avoid_generic_actors_unless_asked() -> None:
    """a-x-b through a generic x is shorter than a-c-d-b; only include_generic takes it."""
    index = small_index(
        [
            ("a", "state", False),
            ("b", "state", False),
            ("c", "state", False),
            ("d", "state", False),
            ("x", "group", True),
        ],
        [
            ("a", "x", date(2024, 3, 1)),
            ("x", "b", date(2024, 3, 2)),
            ("a", "c", date(2024, 3, 1)),
            ("c", "d", date(2024, 3, 2)),
            ("d", "b", date(2024, 3, 3)),
        ],
    )
    a, b = index.actors.dense["a"], index.actors.dense["b"]
    for include, shortest, arrival in (
        (False, [["a", "c", "d", "b"]], 3),
        (True, [["a", "x", "b"]], 2),
    ):
        view = make_view(index, Query.of(YEAR, FactFilter(), include), (a, b))
        found = all_shortest_routes(view, a, b, 4, 200, Deadline(10))
        assert names(index, found.routes) == shortest
        k = k_shortest_routes(view, a, b, 4, 5, Deadline(10))
        assert ["x" in route for route in names(index, k.routes)] == (
            [True, False] if include else [False]
        )
        journey = earliest_arrival(view, a, b, 4, Deadline(10))
        assert journey is not None and journey[-1].day == day_number(date(2024, 3, arrival))
    # A generic actor at either end is still an end.
    x = index.actors.dense["x"]
    view = make_view(index, Query.of(YEAR, FactFilter(), False), (a, x))
    assert names(index, all_shortest_routes(view, a, x, 4, 200, Deadline(10)).routes) == [
        ["a", "x"]
    ]


def test_rollup_lands_journeys_on_the_state_and_leaves_from_its_parts() -> None:
    """s's army met t; t met u. With rollup, s reaches u through t; without, it does not."""
    index = small_index(
        [
            ("s", "state", False),
            ("s-army", "armed_force", False),
            ("t", "state", False),
            ("t-mfa", "government_body", False),
            ("u", "state", False),
        ],
        [("s-army", "t-mfa", date(2024, 5, 1)), ("t", "u", date(2024, 5, 2))],
        part_of=(("s-army", "s"), ("t-mfa", "t")),
    )
    s, u = index.actors.dense["s"], index.actors.dense["u"]
    rolled = make_view(index, Query.of(YEAR, FactFilter(rollup=True), False), (s, u))
    journey = earliest_arrival(rolled, s, u, 4, Deadline(10))
    assert journey is not None
    assert [(index.actors.ids[h.near], index.actors.ids[h.far]) for h in journey] == [
        ("s", "t"),
        ("t", "u"),
    ]
    plain = make_view(index, Query.of(YEAR, FactFilter(), False), (s, u))
    assert earliest_arrival(plain, s, u, 4, Deadline(10)) is None


def test_all_shortest_routes_come_in_id_order_up_to_the_limit() -> None:
    """a joins b through each of m0..m9: ten routes, the first three when three are asked."""
    middles = [f"m{i}" for i in range(10)]
    index = small_index(
        [("a", "state", False), ("b", "state", False)] + [(m, "state", False) for m in middles],
        [(end, m, date(2024, 1, 5)) for m in reversed(middles) for end in ("a", "b")],
    )
    a, b = index.actors.dense["a"], index.actors.dense["b"]
    view = make_view(index, Query.of(YEAR, FactFilter(), False), (a, b))
    found = all_shortest_routes(view, a, b, 4, 3, Deadline(10))
    assert names(index, found.routes) == [["a", m, "b"] for m in middles[:3]]
    assert found.truncated
    assert not all_shortest_routes(view, a, b, 4, 10, Deadline(10)).truncated
