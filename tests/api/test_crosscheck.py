"""The API against an independent networkx computation over the same generated facts.

Each example writes a random small temporal graph to the real Neo4j (wiped first), asks the
API, and compares with what the test works out itself from the generated values: day
intervals from `calendar`, overlap by comparison, paths with networkx or brute force.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.core.config import Settings
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.records import BulkEvent
from loaders.bulk.writer import BulkWriter
from loaders.curated import write_dataset
from tests.api.temporal_graphs import (
    OPEN_START_DAY,
    Fact,
    PDate,
    TemporalGraph,
    Window,
    actor_pairs,
    probe_dates,
    probes,
    temporal_graphs,
    to_dataset,
    windows,
)
from tests.utils import wipe

# CROSSCHECK_EXAMPLES=500 makes a deep run; the default keeps the file well under two minutes.
EXAMPLES = int(os.environ.get("CROSSCHECK_EXAMPLES", "20"))
CROSSCHECK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PATH_EXAMPLES = settings(CROSSCHECK, max_examples=EXAMPLES * 6 // 5)
MAX_HOPS = 4
PROBES = 12  # questions per generated graph: loading it costs far more than asking
PATH_PROBES = 6


# -- helpers ------------------------------------------------------------------------------


def load(driver: neo4j.Driver, database: str, graph: TemporalGraph) -> None:
    """A clean database holding exactly this graph."""
    wipe(driver, database)
    write_dataset(driver, database, graph.dataset())


def load_and_draw_window(
    driver: neo4j.Driver, database: str, graph: TemporalGraph, data: st.DataObject
) -> Window:
    """Load the graph, then draw a window over its dates."""
    load(driver, database, graph)
    return data.draw(windows(probe_dates(graph)), label="window")


@pytest.fixture(params=["index", "cypher"])
def engine(request: pytest.FixtureRequest, client: TestClient) -> Iterator[str]:
    """Which engine answers /v1/paths: the temporal index, or the Cypher search."""
    service = client.app.state.path_index  # type: ignore[attr-defined]
    if request.param == "cypher":
        client.app.state.path_index = None  # type: ignore[attr-defined]
    else:
        assert service is not None and service.wait_ready(120), "the index was not built"
    yield request.param
    client.app.state.path_index = service  # type: ignore[attr-defined]


def get_paths(
    client: TestClient,
    source: str,
    target: str,
    mode: str,
    window: Window,
    engine: str,
    **extra: Any,
) -> tuple[dict[str, Any], Any]:
    """GET /v1/paths; the parameters asked (for failure messages) and the body."""
    params = {"source": source, "target": target, "mode": mode, **extra, **window.params()}
    return params, get_path_body(client, params, engine)


def get_path_body(client: TestClient, params: dict[str, Any], engine: str) -> Any:
    """GET /v1/paths, answered by `engine`. After each new graph the index is rebuilt (no
    catch-up follows a wipe), in the background if its last build was slow; Cypher answers
    meanwhile, so the question is asked again until the index does."""
    deadline = time.monotonic() + 120
    while True:
        response = client.get("/v1/paths", params=params)
        assert response.status_code == 200, (params, response.text)
        answered_by = response.headers["X-Path-Engine"]
        if answered_by == engine or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert answered_by == engine, params
    return response.json()


def get(client: TestClient, path: str, params: dict[str, Any]) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def in_window(graph: TemporalGraph, lo: date, hi: date) -> list[Fact]:
    return [fact for fact in graph.facts if fact.overlaps(lo, hi)]


def windowed_multigraph(graph: TemporalGraph, facts: Iterable[Fact]) -> Any:
    multigraph = nx.MultiGraph()
    multigraph.add_nodes_from(graph.actors)
    for fact in facts:
        multigraph.add_edge(fact.source, fact.target, key=fact.id, start=fact.first)
    return multigraph


def draw_endpoints(data: st.DataObject, graph: TemporalGraph, multigraph: Any) -> tuple[str, str]:
    """Two distinct actors, most often joined in the windowed graph (so routes exist)."""
    joined: list[tuple[str, str]] = sorted(
        (a, b)
        for component in nx.connected_components(multigraph)
        for a in component
        for b in component
        if a != b
    )
    if joined and data.draw(st.integers(0, 3), label="prefer joined") > 0:
        return data.draw(st.sampled_from(joined), label="source, target")
    return data.draw(actor_pairs(graph.actors), label="source, target")


def route(path: dict[str, Any]) -> tuple[str, ...]:
    return tuple(node["id"] for node in path["nodes"])


def check_hops(path: dict[str, Any], window_facts: list[Fact], *, every_fact: bool) -> None:
    """Hops follow the nodes; each hop's facts join its two actors and are in the window."""
    nodes = route(path)
    assert path["length"] == len(nodes) - 1 == len(path["hops"]), path
    by_id = {fact.id: fact for fact in window_facts}
    for (u, v), hop in zip(zip(nodes, nodes[1:], strict=False), path["hops"], strict=True):
        assert (hop["source"], hop["target"]) == (u, v), (nodes, hop)
        got = [fact["id"] for fact in hop["facts"]]
        assert len(got) == len(set(got)), f"hop {u}-{v} repeats a fact: {got}"
        assert set(got) <= set(by_id), f"hop {u}-{v}: {set(got) - set(by_id)} not in the window"
        for fact_id in got:
            assert by_id[fact_id].joins(u, v), f"{fact_id} does not join {u} and {v}"
        if every_fact:
            expected = {f.id for f in window_facts if f.joins(u, v)}
            assert set(got) == expected, f"hop {u}-{v}: got {sorted(got)}, want {sorted(expected)}"


def held_expected(hops: list[list[Fact]], lo: date, hi: date) -> list[tuple[date, date]]:
    """Where every hop has a valid fact at once, within [lo, hi], as maximal day runs.

    Works on day ordinals cut at every fact boundary: between two cuts, a hop either has a
    fact covering the whole stretch or none at all.
    """
    lo_n, hi_n = lo.toordinal(), hi.toordinal()
    cuts = {lo_n, hi_n + 1}
    for facts in hops:
        for fact in facts:
            cuts.add(max(fact.first.toordinal(), lo_n))
            cuts.add(min(fact.last.toordinal(), hi_n) + 1)
    points = sorted(c for c in cuts if lo_n <= c <= hi_n + 1)
    runs: list[tuple[int, int]] = []
    for begin, after in zip(points, points[1:], strict=False):
        end = after - 1
        covered = all(
            any(f.first.toordinal() <= begin and f.last.toordinal() >= end for f in facts)
            for facts in hops
        )
        if not covered:
            continue
        if runs and runs[-1][1] + 1 == begin:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((begin, end))
    return [(date.fromordinal(a), date.fromordinal(b)) for a, b in runs]


# -- 1. as of a day, month or year ---------------------------------------------------------


@CROSSCHECK
@given(graph=temporal_graphs(), data=st.data())
def test_relationships_at_a_date_are_the_facts_overlapping_it(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    load(db, settings.neo4j_database, graph)
    for _ in range(PROBES):
        a, b, dates = data.draw(probes(graph), label="a, b")
        at = data.draw(dates, label="at")
        params = {"a": a, "b": b, "at": at.text, "limit": 1000}
        body = get(client, "/v1/relationships", params)
        expected = {f.id for f in graph.facts if f.joins(a, b) and f.overlaps(at.first, at.last)}
        got = [fact["id"] for fact in body["data"]]
        assert len(got) == len(set(got)), f"{params}: duplicates {got}"
        assert set(got) == expected, f"{params}"
        event(f"as of: {'some' if expected else 'no'} facts")


def test_returned_bounds_keep_their_precision(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    """Round trip of each precision and of open bounds (checked once, by example)."""
    facts = (
        Fact("f-day", "ALLIED_WITH", "aaa", "bbb", PDate(2021, 3, 4), PDate(2022, 2, 28)),
        Fact("f-month", "ATTACKED", "bbb", "aaa", PDate(2020, 2), PDate(2024, 12)),
        Fact("f-year", "MET_WITH", "aaa", "bbb", PDate(2021), PDate(2021)),
        Fact("f-open", "TRADED_WITH", "aaa", "bbb", None, None),
    )
    load(db, settings.neo4j_database, TemporalGraph(("aaa", "bbb"), facts))
    body = get(client, "/v1/relationships", {"a": "aaa", "b": "bbb", "at": "2021-06"})
    got = {f["id"]: (f["valid_from"], f["valid_to"]) for f in body["data"]}
    assert got == {
        "f-day": ("2021-03-04", "2022-02-28"),
        "f-month": ("2020-02", "2024-12"),
        "f-year": ("2021", "2021"),
        "f-open": (None, None),
    }


# -- 2. in a window ----------------------------------------------------------------------


@CROSSCHECK
@given(graph=temporal_graphs(), data=st.data())
def test_relationships_in_a_window_are_the_facts_overlapping_it(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    load(db, settings.neo4j_database, graph)
    for _ in range(PROBES):
        a, b, dates = data.draw(probes(graph), label="a, b")
        window = data.draw(windows(dates), label="window")
        params = {"a": a, "b": b, "limit": 1000, **window.params()}
        body = get(client, "/v1/relationships", params)
        expected = {f.id for f in graph.facts if f.joins(a, b) and f.overlaps(window.lo, window.hi)}
        got = [fact["id"] for fact in body["data"]]
        assert len(got) == len(set(got)), f"{params}: duplicates {got}"
        assert set(got) == expected, f"{params}"


# -- 3. an actor's relationships ---------------------------------------------------------


@CROSSCHECK
@given(graph=temporal_graphs(), data=st.data())
def test_actor_relationships_are_the_facts_touching_it_in_the_window(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    window = load_and_draw_window(db, settings.neo4j_database, graph, data)
    by_id = {fact.id: fact for fact in graph.facts}
    for actor in graph.actors:
        params: dict[str, Any] = {"limit": 1000, **window.params()}
        body = get(client, f"/v1/actors/{actor}/relationships", params)
        expected = {
            f.id for f in graph.facts if f.touches(actor) and f.overlaps(window.lo, window.hi)
        }
        got = [fact["id"] for group in body["data"] for fact in group["facts"]]
        assert len(got) == len(set(got)), f"{actor} {params}: duplicates {got}"
        assert set(got) == expected, f"{actor} {params}"
        for group in body["data"]:
            assert group["count"] == len(group["facts"])
            for fact in group["facts"]:
                mine = by_id[fact["id"]]
                assert fact["type"] == group["type"] == mine.type
                other = mine.target if mine.source == actor else mine.source
                assert group["counterpart"]["id"] == other, (actor, group["counterpart"], mine)


# -- 4. all shortest paths ---------------------------------------------------------------


def expected_shortest(
    multigraph: Any, source: str, target: str, max_hops: int = MAX_HOPS
) -> set[tuple[str, ...]]:
    try:
        found = {tuple(p) for p in nx.all_shortest_paths(multigraph, source, target)}
    except nx.NetworkXNoPath:
        return set()
    if any(len(p) - 1 > max_hops for p in found):
        return set()
    return found


@PATH_EXAMPLES
@given(graph=temporal_graphs(), data=st.data())
def test_shortest_paths_are_networkx_all_shortest_paths_in_the_window(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    engine: str,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    window = load_and_draw_window(db, settings.neo4j_database, graph, data)
    window_facts = in_window(graph, window.lo, window.hi)
    multigraph = windowed_multigraph(graph, window_facts)
    for _ in range(PATH_PROBES):
        source, target = draw_endpoints(data, graph, multigraph)
        params, body = get_paths(
            client, source, target, "shortest", window, engine, max_hops=MAX_HOPS
        )
        got = [route(path) for path in body["paths"]]
        assert len(got) == len(set(got)), f"{params}: repeated routes {got}"
        expected = expected_shortest(multigraph, source, target)
        event(f"shortest: {len(expected)} route(s)")
        assert set(got) == expected, f"{params}"
        assert body["truncated"] is False
        for path in body["paths"]:
            check_hops(path, window_facts, every_fact=True)
            nodes = route(path)
            hops = [
                [f for f in window_facts if f.joins(u, v)]
                for u, v in zip(nodes, nodes[1:], strict=False)
            ]
            held = [
                {"valid_from": a.isoformat(), "valid_to": b.isoformat()}
                for a, b in held_expected(hops, window.lo, window.hi)
            ]
            assert path["held"] == held, f"{params}: route {nodes}"


# -- 5. k shortest paths -----------------------------------------------------------------


def expected_k_lengths(simple: Any, source: str, target: str, k: int, max_hops: int) -> list[int]:
    lengths: list[int] = []
    try:
        for p in nx.shortest_simple_paths(simple, source, target):
            if len(p) - 1 > max_hops or len(lengths) == k:
                break
            lengths.append(len(p) - 1)
    except nx.NetworkXNoPath:
        return []
    return lengths


@PATH_EXAMPLES
@given(graph=temporal_graphs(), data=st.data())
def test_k_shortest_paths_have_the_lengths_networkx_finds(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    engine: str,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    window = load_and_draw_window(db, settings.neo4j_database, graph, data)
    window_facts = in_window(graph, window.lo, window.hi)
    simple = nx.Graph(windowed_multigraph(graph, window_facts))
    for _ in range(PATH_PROBES):
        source, target = draw_endpoints(data, graph, simple)
        k = data.draw(st.integers(1, 4), label="k")
        max_hops = data.draw(st.integers(1, MAX_HOPS), label="max_hops")
        params, body = get_paths(
            client, source, target, "k_shortest", window, engine, k=k, max_hops=max_hops
        )
        got = [route(path) for path in body["paths"]]
        expected = expected_k_lengths(simple, source, target, k, max_hops)
        event(f"k_shortest: {len(expected)} of k={k} route(s)")
        assert [len(r) - 1 for r in got] == expected, f"{params}: got routes {got}"
        assert len(got) == len(set(got)), f"{params}: repeated routes {got}"
        for nodes, path in zip(got, body["paths"], strict=True):
            assert nodes[0] == source and nodes[-1] == target, f"{params}: {nodes}"
            assert len(set(nodes)) == len(nodes), f"{params}: {nodes} is not simple"
            for u, v in zip(nodes, nodes[1:], strict=False):
                assert simple.has_edge(u, v), f"{params}: {u}-{v} has no fact in the window"
            check_hops(path, window_facts, every_fact=True)


# -- 6. time-respecting journeys ---------------------------------------------------------


def earliest_arrival_brute_force(
    graph: TemporalGraph, window: Window, source: str, target: str, max_hops: int
) -> date | None:
    """The earliest last-fact start over every time-respecting simple path, or None."""
    usable = [f for f in graph.facts if f.first >= window.lo and f.overlaps(window.lo, window.hi)]
    multigraph = windowed_multigraph(graph, usable)
    best: date | None = None
    for edges in nx.all_simple_edge_paths(multigraph, source, target, cutoff=max_hops):
        starts = [multigraph.edges[edge]["start"] for edge in edges]
        if all(a <= b for a, b in zip(starts, starts[1:], strict=False)):
            best = starts[-1] if best is None else min(best, starts[-1])
    return best


@PATH_EXAMPLES
@given(graph=temporal_graphs(), data=st.data())
def test_time_respecting_journey_arrives_as_early_as_brute_force_allows(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    engine: str,
    graph: TemporalGraph,
    data: st.DataObject,
) -> None:
    window = load_and_draw_window(db, settings.neo4j_database, graph, data)
    by_id = {fact.id: fact for fact in graph.facts}
    usable = [f for f in graph.facts if f.first >= window.lo and f.overlaps(window.lo, window.hi)]
    reachable = windowed_multigraph(graph, usable)
    for _ in range(PATH_PROBES):
        source, target = draw_endpoints(data, graph, reachable)
        max_hops = data.draw(st.integers(1, MAX_HOPS), label="max_hops")
        params, body = get_paths(
            client, source, target, "time_respecting", window, engine, max_hops=max_hops
        )
        expected = earliest_arrival_brute_force(graph, window, source, target, max_hops)
        event(f"time_respecting: {'none' if expected is None else 'a journey'}")
        if expected is None:
            assert body["paths"] == [], f"{params}: no journey exists, got {body['paths']}"
            continue
        assert len(body["paths"]) == 1, f"{params}: want one journey arriving {expected}"
        path = body["paths"][0]
        nodes = route(path)
        assert nodes[0] == source and nodes[-1] == target, f"{params}: {nodes}"
        assert 1 <= path["length"] <= max_hops
        check_hops(path, in_window(graph, window.lo, window.hi), every_fact=False)
        assert all(len(hop["facts"]) == 1 for hop in path["hops"]), path["hops"]
        journey = [by_id[hop["facts"][0]["id"]] for hop in path["hops"]]
        starts = [fact.first for fact in journey]
        assert starts[0] >= window.lo, f"{params}: departs {starts[0]} before the window"
        assert starts == sorted(starts), f"{params}: {[f.id for f in journey]} go back in time"
        # An unknown start is reported as null rather than as the first representable day.
        shown = {OPEN_START_DAY: None}
        assert path["arrival"] == shown.get(expected, expected.isoformat()), f"{params}"
        assert path["departure"] == shown.get(starts[0], starts[0].isoformat()), f"{params}"


# -- 7. transaction time -----------------------------------------------------------------


def test_known_at_answers_with_what_the_graph_held_then(
    db: neo4j.Driver, settings: Settings, client: TestClient
) -> None:
    actors = ("aaa", "bbb", "ccc")
    kept = Fact("kept", "ALLIED_WITH", "aaa", "bbb", PDate(2021), None, confidence=0.4)
    dropped = Fact("dropped", "TRADED_WITH", "bbb", "aaa", PDate(2022, 5), PDate(2023, 1, 31))
    steady = Fact("steady", "MET_WITH", "aaa", "bbb", PDate(2022, 6, 1), PDate(2022, 6, 1))
    other = Fact("other", "ATTACKED", "aaa", "ccc", PDate(2022), PDate(2022))
    database = settings.neo4j_database
    write_dataset(db, database, to_dataset(actors, (kept, dropped, steady, other)))
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    changed = Fact("kept", "ALLIED_WITH", "aaa", "bbb", PDate(2021), None, confidence=0.9)
    write_dataset(db, database, to_dataset(actors, (changed, steady, other)))

    query = {"a": "aaa", "b": "bbb", "from": "2022-06", "to": "2022-12"}
    then = get(client, "/v1/relationships", {**query, "known_at": between.isoformat()})["data"]
    assert {f["id"]: (f["confidence"], f["version"]) for f in then} == {
        "kept": (0.4, 1),
        "dropped": (1.0, 1),
        "steady": (1.0, 1),
    }
    now = get(client, "/v1/relationships", query)["data"]
    assert {f["id"]: f["confidence"] for f in now} == {"kept": 0.9, "steady": 1.0}
    versions = {f["id"]: f["version"] for f in now}
    assert versions == {"kept": 2, "steady": 1}
    before_any = get(client, "/v1/relationships", {**query, "known_at": "2000-01-01"})["data"]
    assert before_any == []


# -- a slice of the real ICEWS18 ---------------------------------------------------------

ICEWS18_STEP = 150  # every 150th quadruple of train.txt: ~2,500 facts over eight months
ICEWS18_START = date(2018, 1, 1)


def icews18_slice(shared: Path, folder: Path) -> dict[str, date]:
    """Write every ICEWS18_STEP-th training quadruple to `folder`; return the day of each.

    The day comes from the quadruple's t (hours since 2018-01-01), keyed by the fact id the
    loader documents ("icews18:{s}-{r}-{o}-{t}").
    """
    folder.mkdir()
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copy(shared / "icews18" / name, folder / name)
    lines = (shared / "icews18" / "train.txt").read_text().splitlines()[::ICEWS18_STEP]
    (folder / "train.txt").write_text("".join(f"{line}\n" for line in lines))
    days = {}
    for line in lines:
        s, r, o, t = line.split("\t")
        days[f"icews18:{s}-{r}-{o}-{t}"] = ICEWS18_START + timedelta(hours=int(t))
    return days


def get_all(client: TestClient, path: str, params: dict[str, Any]) -> list[Any]:
    """Every item of a paged list, following `next`."""
    items: list[Any] = []
    cursor: str | None = None
    while True:
        body = get(client, path, {**params, **({"cursor": cursor} if cursor else {})})
        items += body["data"]
        cursor = body["next"]
        if cursor is None:
            return items


def earliest_arrival_by_hops(
    facts: list[Fact], source: str, target: str, departure: date, max_hops: int
) -> date | None:
    """Earliest arrival with at most `max_hops` facts, by relaxing all facts once per hop.

    After h rounds `best[v]` is the earliest start of a last fact reaching v in h hops or
    fewer; an earlier arrival never leaves fewer ways on, so keeping only it is enough.
    """
    best: dict[str, date] = {source: departure}
    for _ in range(max_hops):
        after = dict(best)
        for fact in facts:
            for u, v in ((fact.source, fact.target), (fact.target, fact.source)):
                if u in best and fact.first >= best[u] and fact.first < after.get(v, date.max):
                    after[v] = fact.first
        best = after
    return best.get(target) if target != source else None


def day_of(day: date) -> PDate:
    return PDate(day.year, day.month, day.day)


def month_window(rng: random.Random, months: int) -> Window:
    first = rng.randint(1, 9 - months)
    return Window(PDate(2018, first), PDate(2018, first + months - 1))


def test_a_slice_of_icews18_answers_as_networkx_does(
    db: neo4j.Driver,
    settings: Settings,
    client: TestClient,
    engine: str,
    shared_datasets: Path,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "icews18"
    days = icews18_slice(shared_datasets, folder)
    # The parser resolves ICEWS names to actor ids; only that mapping is taken from it.
    records = list(parse_icews18(folder))
    events = [r for r in records if isinstance(r, BulkEvent)]
    summary = BulkWriter(db, settings.neo4j_database, batch_size=500).load(records)
    assert summary.events_written == len(events) == len(days)
    assert all(e.day == days[e.id] for e in events)
    facts = [
        Fact(e.id, e.type.value, e.source.id, e.target.id, day_of(days[e.id]), day_of(days[e.id]))
        for e in events
    ]
    graph = TemporalGraph(
        tuple(sorted({a for f in facts for a in (f.source, f.target)})), tuple(facts)
    )
    degree: dict[str, int] = {}
    for fact in facts:
        for actor in (fact.source, fact.target):
            degree[actor] = degree.get(actor, 0) + 1
    hubs = sorted(degree, key=lambda actor: (-degree[actor], actor))[:25]
    rng = random.Random(2018)

    for fact in rng.sample(facts, 40):  # as of a day, a month, or a day near a fact
        a, b = rng.sample([fact.source, fact.target], 2)
        day = fact.first + timedelta(days=rng.randint(-3, 3))
        at = rng.choice([PDate(day.year, day.month, day.day), PDate(day.year, day.month)])
        got = get_all(client, "/v1/relationships", {"a": a, "b": b, "at": at.text})
        expected = {f.id for f in facts if f.joins(a, b) and f.overlaps(at.first, at.last)}
        assert sorted(f["id"] for f in got) == sorted(expected), f"a={a} b={b} at={at.text}"

    for actor in hubs[:15]:  # an actor's relationships in a window
        window = month_window(rng, rng.randint(1, 3))
        # Generic counterparts ("Citizen (India)") count here: networkx knows no such thing.
        params = {**window.params(), "include_generic": "true"}
        got = get_all(client, f"/v1/actors/{actor}/relationships", params)
        expected = {f.id for f in facts if f.touches(actor) and f.overlaps(window.lo, window.hi)}
        ids = sorted(f["id"] for group in got for f in group["facts"])
        assert ids == sorted(expected), f"{actor} {window.params()}"

    compared = 0
    for _ in range(15):  # all shortest paths, k shortest, earliest arrival
        source, target = rng.sample(hubs[:15], 2)
        window = month_window(rng, rng.randint(2, 4))
        window_facts = in_window(graph, window.lo, window.hi)
        multigraph = windowed_multigraph(graph, window_facts)
        # networkx counts every actor: so do paths, generic actors ("Citizen (X)") included.
        base = {
            "source": source,
            "target": target,
            "max_hops": 4,
            "include_generic": "true",
            **window.params(),
        }
        body = get_path_body(client, {**base, "mode": "shortest"}, engine)
        got_routes = {route(path) for path in body["paths"]}
        expected_routes = expected_shortest(multigraph, source, target, max_hops=4)
        if body["truncated"]:
            assert got_routes <= expected_routes, f"{base}: {got_routes - expected_routes}"
        else:
            compared += 1
            assert got_routes == expected_routes, f"{base}"
        for path in body["paths"]:
            check_hops(path, window_facts, every_fact=True)

        k = rng.randint(1, 4)
        body = get_path_body(client, {**base, "mode": "k_shortest", "k": k}, engine)
        lengths = expected_k_lengths(nx.Graph(multigraph), source, target, k, 4)
        assert [path["length"] for path in body["paths"]] == lengths, f"{base} k={k}"

        usable = [f for f in window_facts if f.first >= window.lo]
        arrival = earliest_arrival_by_hops(usable, source, target, window.lo, 4)
        body = get_path_body(client, {**base, "mode": "time_respecting"}, engine)
        assert [path["arrival"] for path in body["paths"]] == (
            [] if arrival is None else [arrival.isoformat()]
        ), f"{base}"
        for path in body["paths"]:
            check_hops(path, usable, every_fact=False)
            starts = [date.fromisoformat(hop["facts"][0]["valid_from"]) for hop in path["hops"]]
            assert starts == sorted(starts), f"{base}: the journey goes back in time"
    assert compared >= 10, "too many truncated answers to compare shortest paths"
