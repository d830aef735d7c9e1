"""The bidirectional BFS behind `mode=shortest`, as pure Python over networkx graphs.

The API-level cross-checks run it against Neo4j; here its route enumeration and its limit
are checked on many more graphs than a database round trip per example would allow.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.paths import Neighbour, all_shortest_routes


def graphs() -> st.SearchStrategy[nx.Graph]:
    nodes = [f"n{i}" for i in range(9)]
    edges = st.lists(
        st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)).filter(lambda e: e[0] != e[1]),
        max_size=20,
    )
    return edges.map(lambda pairs: _graph(nodes, pairs))


def _graph(nodes: list[str], pairs: list[tuple[str, str]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(pairs)
    return graph


def routes(
    graph: nx.Graph, source: str, target: str, max_hops: int, limit: int = 1000
) -> tuple[list[list[str]], bool, list[list[str]]]:
    calls: list[list[str]] = []

    def neighbours(frontier: list[str], seen: list[str], only: list[str] | None) -> list[Neighbour]:
        calls.append(frontier)
        return [
            (near, far, graph.degree(far), [fact_id(near, far)])
            for near in frontier
            for far in graph.neighbors(near)
            if far not in seen and (only is None or far in only)
        ]

    degrees = {n: graph.degree(n) for n in (source, target)}
    found = all_shortest_routes(source, target, max_hops, neighbours, degrees, limit)
    for route in found.routes:
        for a, b in zip(route, route[1:], strict=False):
            assert found.facts[frozenset((a, b))] == [fact_id(a, b)], f"hop {a}-{b} of {route}"
    return found.routes, found.truncated, calls


def fact_id(a: str, b: str) -> str:
    return "-".join(sorted((a, b)))


@settings(max_examples=300, deadline=None)
@given(graph=graphs(), ends=st.sampled_from([("n0", "n1"), ("n2", "n7"), ("n8", "n3")]))
def test_routes_are_networkx_all_shortest_paths(graph: nx.Graph, ends: tuple[str, str]) -> None:
    source, target = ends
    for max_hops in (1, 2, 3, 6):
        found, truncated, calls = routes(graph, source, target, max_hops)
        try:
            expected = sorted(nx.all_shortest_paths(graph, source, target))
        except nx.NetworkXNoPath:
            expected = []
        if expected and len(expected[0]) - 1 > max_hops:
            expected = []
        assert found == expected, f"max_hops={max_hops}"
        assert not truncated
        assert len(calls) <= max_hops, "one expansion per hop at most"


def test_past_the_limit_the_answer_is_some_shortest_routes_and_says_so() -> None:
    # source -> 5 middles -> 5 middles -> target: 25 shortest routes of 3 hops.
    graph = nx.Graph()
    for a in range(5):
        graph.add_edge("s", f"a{a}")
        for b in range(5):
            graph.add_edge(f"a{a}", f"b{b}")
            graph.add_edge(f"b{b}", "t")
    every = sorted(nx.all_shortest_paths(graph, "s", "t"))
    found, truncated, _ = routes(graph, "s", "t", 4, limit=10)
    assert truncated and len(found) == 10
    assert set(map(tuple, found)) <= set(map(tuple, every))
    again, _, _ = routes(graph, "s", "t", 4, limit=10)
    assert again == found, "the same routes each time"
    complete, truncated, _ = routes(graph, "s", "t", 4, limit=25)
    assert complete == every and not truncated
