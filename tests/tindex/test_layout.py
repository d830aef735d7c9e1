"""A catch-up lays out the index exactly as a build from scratch would (no Neo4j)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tindex.index import Actors, Facts, TemporalIndex, build_index, caught_up

ARRAYS = (
    "pair_ptr",
    "pair_key",
    "adj_ptr",
    "adj_other",
    "adj_pair",
    "adj_loop",
    "rolled",
    "members_ptr",
    "members",
)
# Days around the stand-in for "no start", which sorts after every real day.
DAYS = st.sampled_from([-719_162, 17_500, 17_501, 17_530, 2_932_896, 2**31 - 1])


def actor_table(names: list[str], kinds: dict[str, str]) -> Actors:
    ids = sorted(names)
    return Actors(
        # Node ids fixed per name, not per position: new actors take places among old ones.
        node=np.asarray([1000 + ord(a[0]) * 10 + len(a) for a in ids], dtype=np.int64),
        ids=ids,
        names=[a.upper() for a in ids],
        kinds=[kinds.get(a, "state") for a in ids],
        generic=np.zeros(len(ids), dtype=np.bool_),
    )


def fact_rows(actors: Actors, rows: list[tuple[int, str, str, int, int]]) -> Facts:
    """(relationship, source, target, day, status) rows, in the actors' numbering."""
    n = len(rows)
    dense = actors.dense
    return Facts(
        rel=np.asarray([r for r, *_ in rows], dtype=np.int64),
        source=np.asarray([dense[s] for _, s, _, _, _ in rows], dtype=np.int32),
        target=np.asarray([dense[t] for _, _, t, _, _ in rows], dtype=np.int32),
        valid_from=np.asarray([d for *_, d, _ in rows], dtype=np.int32),
        valid_to=np.asarray([d for *_, d, _ in rows], dtype=np.int32),
        recorded=np.zeros(n, dtype=np.int64),
        retracted=np.asarray([-1 if s == 0 else 5 for *_, s in rows], dtype=np.int64),
        type=np.zeros(n, dtype=np.int8),
        status=np.asarray([s for *_, s in rows], dtype=np.int8),
        confidence=np.ones(n, dtype=np.float32),
        fact_class=np.zeros(n, dtype=np.int8),
    )


def part_of_links(actors: Actors, links: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    kept = [(c, p) for c, p in links if c in actors.dense and p in actors.dense and c != p]
    return (
        np.asarray([actors.dense[c] for c, _ in kept], dtype=np.int32),
        np.asarray([actors.dense[p] for _, p in kept], dtype=np.int32),
    )


def assert_same_layout(a: TemporalIndex, b: TemporalIndex) -> None:
    for f in fields(Facts):
        np.testing.assert_array_equal(getattr(a.facts, f.name), getattr(b.facts, f.name), f.name)
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)
    assert a.actors.ids == b.actors.ids


NAMES = ["a", "bb", "c", "dd", "e", "ff", "g"]
FACT = st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), DAYS, st.integers(0, 1))


@given(
    before=st.lists(FACT, max_size=30),
    after=st.lists(FACT, max_size=15),
    read_again=st.lists(st.integers(0, 29), max_size=8),
    links=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=4),
    new_links=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_a_catch_up_lays_out_the_index_as_a_build_from_scratch(
    before: list[tuple[str, str, int, int]],
    after: list[tuple[str, str, int, int]],
    read_again: list[int],
    links: list[tuple[str, str]],
    new_links: bool,
) -> None:
    """New facts (some between actors the load created), facts read again with a new
    status (a retraction), and PART_OF links that changed or not."""
    old_names = sorted({a for s, t, _, _ in before for a in (s, t)} | {"a"})
    old_actors = actor_table(old_names, {"a": "organisation"})
    old_rows = [(100 + i * 3, s, t, d, st_) for i, (s, t, d, st_) in enumerate(before)]
    old_rows = [r for r in old_rows if r[1] in old_actors.dense and r[2] in old_actors.dense]
    new_names = sorted(set(old_names) | {a for s, t, _, _ in after for a in (s, t)})
    new_actors = actor_table(new_names, {"a": "organisation"})
    old_links = part_of_links(old_actors, links)
    index = build_index("v1", old_actors, old_links, fact_rows(old_actors, old_rows))

    again = sorted({i for i in read_again if i < len(old_rows)})
    changed_rows = [(r, s, t, d, 1 - st_) for r, s, t, d, st_ in (old_rows[i] for i in again)]
    changed_rows += [(101 + i * 3, s, t, d, st_) for i, (s, t, d, st_) in enumerate(after)]
    new_links_of = part_of_links(new_actors, links[:1] if new_links else links)
    changed = fact_rows(new_actors, changed_rows)
    caught = caught_up(index, "v2", new_actors, new_links_of, changed)

    by_rel = {r[0]: r for r in old_rows} | {r[0]: r for r in changed_rows}
    scratch = build_index(
        "v2", new_actors, new_links_of, fact_rows(new_actors, list(by_rel.values()))
    )
    assert caught.version == "v2"
    assert_same_layout(caught, scratch)
