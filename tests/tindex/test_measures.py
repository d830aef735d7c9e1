"""The window measures against networkx on the same graphs (pure Python, no database)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tindex.analytics import month_label
from tindex.measures import PairCounts, betweenness, degrees, pagerank


def pair_counts(edges: list[tuple[int, int, int]], months: list[tuple[int, int]]) -> PairCounts:
    actors = sorted({f"a{n}" for s, t, _ in edges for n in (s, t)})
    index = {actor: i for i, actor in enumerate(actors)}
    return PairCounts(
        actors,
        np.array([index[f"a{s}"] for s, _, _ in edges], dtype=np.int64),
        np.array([index[f"a{t}"] for _, t, _ in edges], dtype=np.int64),
        np.array([m[0] for m in months], dtype=np.int64),
        np.array([m[1] for m in months], dtype=np.int64),
        np.array([n for _, _, n in edges], dtype=np.int64),
    )


def as_networkx(pairs: PairCounts) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(pairs.actors)
    for s, t, n in zip(pairs.sources, pairs.targets, pairs.facts, strict=True):
        a, b = pairs.actors[s], pairs.actors[t]
        weight = graph.edges[a, b]["weight"] if graph.has_edge(a, b) else 0
        graph.add_edge(a, b, weight=weight + int(n))
    return graph


edge_lists = st.lists(
    st.tuples(st.integers(0, 14), st.integers(0, 14), st.integers(1, 5)).filter(
        lambda e: e[0] != e[1]
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(edge_lists)
def test_measures_equal_networkx(edges: list[tuple[int, int, int]]) -> None:
    pairs = pair_counts(edges, [(0, 0)] * len(edges))
    directed = as_networkx(pairs)
    undirected = directed.to_undirected(as_view=False)
    counterparts, facts = degrees(pairs)
    for i, actor in enumerate(pairs.actors):
        assert counterparts[i] == undirected.degree(actor)
        expected_facts = sum(d["weight"] for _, _, d in directed.in_edges(actor, data=True))
        expected_facts += sum(d["weight"] for _, _, d in directed.out_edges(actor, data=True))
        assert facts[i] == expected_facts
    expected_rank = nx.pagerank(directed, weight="weight")
    np.testing.assert_allclose(
        pagerank(pairs), [expected_rank[a] for a in pairs.actors], rtol=1e-4, atol=1e-7
    )
    expected_between = nx.betweenness_centrality(nx.Graph(undirected))
    found = betweenness(pairs)
    assert found.samples == len(pairs.actors) and not found.errors.any()
    np.testing.assert_allclose(found.values, [expected_between[a] for a in pairs.actors], atol=1e-9)


def test_sampled_betweenness_is_within_its_stated_error() -> None:
    rng = random.Random(7)
    graph = nx.barabasi_albert_graph(600, 2, seed=7)
    edges = [(s, t, rng.randint(1, 3)) for s, t in graph.edges]
    pairs = pair_counts(edges, [(0, 0)] * len(edges))
    exact = nx.betweenness_centrality(as_networkx(pairs).to_undirected(as_view=False))
    estimate = betweenness(pairs, samples=150, seed=3)
    assert estimate.samples == 150 and estimate.errors.max() > 0
    top = np.argsort(-estimate.values)[:10]
    misses = [
        pairs.actors[i]
        for i in top
        if abs(estimate.values[i] - exact[pairs.actors[i]]) > 4 * estimate.errors[i]
    ]
    assert not misses, misses
    # The ten most central by the estimate are mostly the ten most central in truth.
    truth = set(sorted(exact, key=lambda a: -exact[a])[:10])
    assert len(truth & {pairs.actors[i] for i in top}) >= 7


def test_a_month_keeps_only_its_pairs_and_their_actors() -> None:
    month = 2018 * 12 + 5
    pairs = pair_counts(
        [(0, 1, 2), (1, 2, 1), (2, 3, 4)],
        [(month, month), (month - 2, month + 3), (month + 1, month + 1)],
    )
    june = pairs.in_month(month)
    assert sorted(june.actors) == ["a0", "a1", "a2"]
    counterparts, facts = degrees(june)
    by_actor = dict(zip(june.actors, zip(counterparts, facts, strict=True), strict=True))
    assert by_actor["a1"] == (2, 3)
    assert month_label(month) == "2018-06"


@pytest.mark.parametrize("size", [0, 1, 2])
def test_tiny_graphs_have_no_betweenness(size: int) -> None:
    edges = [(0, 1, 1)] if size == 2 else []
    pairs = pair_counts(edges, [(0, 0)] * len(edges))
    assert not betweenness(pairs).values.any()
