"""The index engine against the Cypher search it replaces, on the same data in Neo4j.

Both engines answer inside one read transaction; the index is read from the database just
loaded. Shortest answers must be equal in full (routes, facts, held intervals); k-shortest
answers must have the same route lengths; journeys must arrive on the same day.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import neo4j
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api.params import scope_from
from app.core.config import Settings
from graph_schema.errors import QueryTimeoutError
from graph_schema.vocabulary import ActorKind, Status
from loaders.curated import write_dataset
from queries.models import FactFilter, TimeScope
from queries.paths import (
    PathMode,
    PathQuestion,
    PathsResult,
)
from tests.api.temporal_graphs import (
    Fact,
    PDate,
    TemporalGraph,
    actor_pairs,
    temporal_graphs,
    to_dataset,
)
from tests.api.test_crosscheck import PATH_EXAMPLES
from tests.tindex.scaffold import draw_window, indexed
from tindex import index as tindex_index
from tindex.build import read_index
from tindex.index import TemporalIndex
from tindex.paths import find_paths, index_paths, same_answer
from tindex.search import Deadline


def both_engines(
    driver: neo4j.Driver,
    database: str,
    index: TemporalIndex,
    source: str,
    target: str,
    scope: TimeScope,
    filters: FactFilter,
    mode: PathMode,
    max_hops: int = 4,
    k: int = 3,
    include_generic: bool = False,
) -> tuple[PathsResult, PathsResult]:
    question = PathQuestion(
        source=source,
        target=target,
        scope=scope,
        filters=filters,
        mode=mode,
        max_hops=max_hops,
        k=k,
        include_generic=include_generic,
    )

    def work(tx: neo4j.ManagedTransaction) -> tuple[PathsResult, PathsResult]:
        by_index, by_cypher = (
            find_paths(tx, engine, question, Deadline(30)).result() for engine in (index, None)
        )
        return by_index, by_cypher

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.execute_read(work)


def routes(result: PathsResult) -> list[list[str]]:
    return [[node.id for node in path.nodes] for path in result.paths]


def assert_same(by_index: PathsResult, by_cypher: PathsResult, mode: PathMode, asked: str) -> None:
    assert same_answer(mode, by_index, by_cypher), (asked, routes(by_index), routes(by_cypher))
    if mode is PathMode.TIME_RESPECTING:
        for path in by_index.paths:
            starts = [hop.facts[0].interval[0] for hop in path.hops]
            assert starts == sorted(starts) and len(path.hops) <= 4, asked


@PATH_EXAMPLES
@given(graph=temporal_graphs(), data=st.data())
def test_the_index_answers_as_the_cypher_search_on_random_graphs(
    db: neo4j.Driver, settings: Settings, graph: TemporalGraph, data: st.DataObject
) -> None:
    index = indexed(db, settings, graph)
    for _ in range(4):
        window, scope = draw_window(data, graph)
        source, target = data.draw(actor_pairs(graph.actors), label="source, target")
        for mode in PathMode:
            by_index, by_cypher = both_engines(
                db, settings.neo4j_database, index, source, target, scope, FactFilter(), mode
            )
            assert_same(by_index, by_cypher, mode, f"{source}->{target} {window.params()} {mode}")


def test_the_index_answers_as_the_cypher_search_on_the_bundled_data(
    bundled: neo4j.Driver, settings: Settings
) -> None:
    """Rollup to countries (PART_OF), statuses and confidence, on curated facts."""
    index = read_index(bundled, settings.neo4j_database, "test")
    rng = random.Random(2024)
    pairs = rng.sample(list(itertools.permutations(index.actors.ids, 2)), 40)
    filters = [
        FactFilter(),
        FactFilter(rollup=True),
        FactFilter(min_confidence=0.7),
        FactFilter(statuses=[Status.ASSERTED, Status.CONFIRMED]),
    ]
    windows_ = [("2023", "2025"), ("2024-06", "2024-10"), ("2024", None)]
    for (source, target), chosen, (first, last) in zip(
        pairs, itertools.cycle(filters), itertools.cycle(windows_), strict=False
    ):
        scope = scope_from(None, first, last, None)
        for mode in PathMode:
            by_index, by_cypher = both_engines(
                bundled, settings.neo4j_database, index, source, target, scope, chosen, mode
            )
            asked = f"{source}->{target} {first}..{last} {chosen} {mode}"
            assert_same(by_index, by_cypher, mode, asked)


def test_a_snapshot_answers_as_the_index_it_was_written_from(
    bundled: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    index = read_index(bundled, settings.neo4j_database, "7-abc")
    path = tmp_path / "index.npz"
    tindex_index.save(index, path)
    again = tindex_index.load(path)
    assert again.version == "7-abc"
    assert again.actors.ids == index.actors.ids
    for name in ("rel", "source", "target", "valid_from", "recorded", "retracted", "status"):
        assert np.array_equal(getattr(again.facts, name), getattr(index.facts, name)), name
    assert np.array_equal(again.members, index.members)
    scope = scope_from(None, "2023", "2025", None)
    for mode in PathMode:
        answers = [
            both_engines(
                bundled, settings.neo4j_database, ix, "prk", "ukr", scope, FactFilter(), mode
            )[0]
            for ix in (index, again)
        ]
        assert answers[0] == answers[1]


def test_a_search_past_its_budget_stops_with_a_timeout(
    bundled: neo4j.Driver, settings: Settings
) -> None:
    index = read_index(bundled, settings.neo4j_database, "test")
    scope = scope_from(None, "2023", "2025", None)
    for mode in PathMode:

        def work(tx: neo4j.ManagedTransaction, mode: PathMode = mode) -> PathsResult:
            question = PathQuestion(source="prk", target="ukr", scope=scope, mode=mode)
            return index_paths(tx, index, question, Deadline(-1)).result()

        with (
            bundled.session(database=settings.neo4j_database) as session,
            pytest.raises(QueryTimeoutError),
        ):
            session.execute_read(work)


# Last: it wipes the database the module-scoped `bundled` data set is in.
def test_both_engines_pass_through_generic_actors_only_when_asked(
    db: neo4j.Driver, settings: Settings
) -> None:
    """aaa-civ-bbb through "Civilians" (generic) is shorter than aaa-ccc-ddd-bbb."""
    facts = (
        Fact("a-civ", "ATTACKED", "aaa", "civ", PDate(2024, 3, 1), PDate(2024, 3, 1)),
        Fact("civ-b", "ATTACKED", "civ", "bbb", PDate(2024, 3, 2), PDate(2024, 3, 2)),
        Fact("a-c", "MET_WITH", "aaa", "ccc", PDate(2024, 3, 1), PDate(2024, 3, 1)),
        Fact("c-d", "MET_WITH", "ccc", "ddd", PDate(2024, 3, 2), PDate(2024, 3, 2)),
        Fact("d-b", "MET_WITH", "ddd", "bbb", PDate(2024, 3, 3), PDate(2024, 3, 3)),
    )
    dataset = to_dataset(("aaa", "bbb", "ccc", "civ", "ddd"), facts)
    civilians = {"name": "Civilians", "kind": ActorKind.GROUP}
    dataset.actors[3] = dataset.actors[3].model_copy(update=civilians)
    write_dataset(db, settings.neo4j_database, dataset)
    index = read_index(db, settings.neo4j_database, "test")
    assert index.actors.generic.tolist() == [False, False, False, True, False]
    scope = scope_from(None, "2024", "2024", None)
    for include, expected in ((False, ["aaa", "ccc", "ddd", "bbb"]), (True, ["aaa", "civ", "bbb"])):
        for mode in PathMode:
            by_index, by_cypher = both_engines(
                db,
                settings.neo4j_database,
                index,
                "aaa",
                "bbb",
                scope,
                FactFilter(),
                mode,
                include_generic=include,
            )
            assert routes(by_index)[0] == routes(by_cypher)[0] == expected, (mode, include)
            assert_same(by_index, by_cypher, mode, f"{mode} include_generic={include}")
    # A generic actor at an end is an end either way.
    by_index, by_cypher = both_engines(
        db, settings.neo4j_database, index, "aaa", "civ", scope, FactFilter(), PathMode.SHORTEST
    )
    assert routes(by_index) == routes(by_cypher) == [["aaa", "civ"]]
