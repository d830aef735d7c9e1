"""/v1/paths answers from the index: routes found on the index, their facts read from Neo4j
by relationship id in one query (or kept from an earlier answer at the same graph version),
in the response shape of queries/paths.py."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from threading import Lock

import neo4j
from pydantic import TypeAdapter

from queries.index_feed import facts_by_relationship_id
from queries.models import ActorRef, FactPublic
from queries.paths import (
    ROUTE_LIMIT,
    LaidPath,
    PathMode,
    PathQuestion,
    PathsResult,
    k_shortest_paths,
    lay_out_journey,
    lay_out_routes,
    shortest_paths,
    time_respecting_paths,
    with_fact_endpoints,
)
from tindex.index import Query, TemporalIndex
from tindex.search import (
    Deadline,
    all_shortest_routes,
    earliest_arrival,
    k_shortest_routes,
    make_view,
)

# Facts kept per index, as KeptFact: about 0.75 kB each on ICEWS18 (traced; the pydantic
# model kept before took 3.9 kB traced, 6.4 kB of RSS), so 40,000 of them, the hops of a
# few dozen hub-pair answers, hold about 30 MB.
FACTS_KEPT = 40_000
_FACTS_LOCK = Lock()
_FACT_JSON = TypeAdapter(FactPublic)
EMPTY_FACTS = b'"facts":[]'


@dataclass(frozen=True, slots=True)
class KeptFact:
    """A fact on an answer's hops, as answers use it: its JSON, serialised once by
    FactPublic's own serialiser and embedded as is in every answer that lists it (an answer
    between two hubs lists the same fact on dozens of routes), and what laying out a path
    needs of it."""

    id: str
    source: str
    target: str
    interval: tuple[date, date]
    json: bytes

    @classmethod
    def of(cls, fact: FactPublic) -> KeptFact:
        return cls(
            fact.id,
            # Actor ids repeat across thousands of facts: one string each.
            sys.intern(fact.source),
            sys.intern(fact.target),
            fact.interval,
            _FACT_JSON.dump_json(fact),
        )


@dataclass(frozen=True)
class PathsAnswer:
    """A /v1/paths answer, rendered as JSON bytes (for HTTP) or as a PathsResult (in
    process). From the index its paths come laid out without their hop facts, whose kept
    JSON is put in when rendered; from Cypher, whole."""

    outline: PathsResult
    hop_facts: list[list[Sequence[KeptFact]]] | None = None  # per path, per hop

    @property
    def found(self) -> bool:
        return bool(self.outline.paths)

    def at_version(self, version: str) -> PathsAnswer:
        return replace(self, outline=self.outline.model_copy(update={"graph_version": version}))

    def json(self) -> bytes:
        outline = self.outline.__pydantic_serializer__.to_json(self.outline)
        if self.hop_facts is None:
            return outline
        # The outline's hops list no facts: each `"facts":[]` in its JSON is one hop's, in
        # order (the text inside a JSON string would have its quotes escaped), and takes
        # that hop's facts. Routes between hubs share hops: each hop's list is joined once.
        pieces = outline.split(EMPTY_FACTS)
        hops = [facts for path in self.hop_facts for facts in path]
        if len(pieces) != len(hops) + 1:
            raise AssertionError(f"{len(pieces) - 1} empty fact lists for {len(hops)} hops")
        joined: dict[int, bytes] = {}
        out = [pieces[0]]
        for facts, piece in zip(hops, pieces[1:], strict=True):
            listed = joined.get(id(facts))
            if listed is None:
                listed = joined[id(facts)] = b",".join(fact.json for fact in facts)
            out += (b'"facts":[', listed, b"]", piece)
        return b"".join(out)

    def result(self) -> PathsResult:
        if self.hop_facts is None:
            return self.outline
        return PathsResult.model_validate_json(self.json())


def hop_facts(
    tx: neo4j.ManagedTransaction, index: TemporalIndex, rels: list[int]
) -> dict[int, KeptFact]:
    """The facts with these relationship ids: those an earlier answer at this graph version
    read from memory, the others from Neo4j in one query."""
    kept = index.facts_read
    with _FACTS_LOCK:
        found = {rel: kept[rel] for rel in rels if rel in kept}
        for rel in found:
            kept.move_to_end(rel)
    missing = [rel for rel in rels if rel not in found]
    if missing:
        fresh = {
            rel: KeptFact.of(fact) for rel, fact in facts_by_relationship_id(tx, missing).items()
        }
        found.update(fresh)
        with _FACTS_LOCK:
            kept.update(fresh)
            while len(kept) > FACTS_KEPT:
                kept.popitem(last=False)
    return found


def find_paths(
    tx: neo4j.ManagedTransaction,
    index: TemporalIndex | None,
    question: PathQuestion,
    deadline: Deadline,
) -> PathsAnswer:
    """The paths answer: searched on `index` when there is one (at the graph version of
    `tx`), else by the Cypher search of queries/paths.py; the same answer."""
    if index is not None:
        return index_paths(tx, index, question, deadline)
    q = question
    args = (tx, q.source, q.target, q.scope, q.filters, q.max_hops)
    if q.mode is PathMode.SHORTEST:
        found = shortest_paths(*args, q.include_generic)
    elif q.mode is PathMode.K_SHORTEST:
        found = k_shortest_paths(*args, q.k, q.include_generic)
    else:
        found = time_respecting_paths(*args, q.include_generic)
    return PathsAnswer(with_fact_endpoints(tx, found))


def index_paths(
    tx: neo4j.ManagedTransaction, index: TemporalIndex, question: PathQuestion, deadline: Deadline
) -> PathsAnswer:
    """The answer of queries.paths for the question, searched on the index (actor ids it
    does not know have no paths, as in Cypher)."""
    empty = PathsAnswer(PathsResult(paths=[], truncated=False, graph_version=index.version))
    dense = index.actors.dense
    if question.source not in dense or question.target not in dense:
        return empty
    s, t = dense[question.source], dense[question.target]
    scope, mode, max_hops = question.scope, question.mode, question.max_hops
    query = Query.of(scope, question.filters, question.include_generic)
    view = make_view(index, query, (s, t))
    if mode is PathMode.TIME_RESPECTING:
        journey = earliest_arrival(view, s, t, max_hops, deadline)
        if journey is None:
            return empty
        hop_rels = [int(index.facts.rel[row]) for hop in journey for row in hop.rows]
        facts = hop_facts(tx, index, hop_rels)
        # Of the facts starting on a hop's day, the one with the smallest id (as in Cypher).
        chosen = [
            min((facts[int(index.facts.rel[row])] for row in hop.rows), key=lambda f: f.id)
            for hop in journey
        ]
        nodes = [_ref(index, journey[0].near)] + [_ref(index, hop.far) for hop in journey]
        return _answer(index, [lay_out_journey(nodes, chosen, scope)], truncated=False)
    if mode is PathMode.SHORTEST:
        found = all_shortest_routes(view, s, t, max_hops, ROUTE_LIMIT, deadline)
    else:
        found = k_shortest_routes(view, s, t, max_hops, question.k, deadline)
    if not found.routes:
        return empty
    pairs = {
        (a, b) if a < b else (b, a)
        for route in found.routes
        for a, b in zip(route, route[1:], strict=False)
    }
    rels_of = {pair: index.facts.rel[view.pair_rows(*pair)].tolist() for pair in pairs}
    facts = hop_facts(tx, index, sorted({rel for rels in rels_of.values() for rel in rels}))
    ids = index.actors.ids
    by_hop = {
        frozenset((ids[a], ids[b])): sorted(
            (facts[rel] for rel in rels), key=lambda fact: (fact.interval[0], fact.id)
        )
        for (a, b), rels in rels_of.items()
    }
    refs = {actor: _ref(index, actor) for route in found.routes for actor in route}
    routes = [[refs[actor] for actor in route] for route in found.routes]
    return _answer(index, lay_out_routes(routes, by_hop, scope), truncated=found.truncated)


def _answer(index: TemporalIndex, laid: list[LaidPath[KeptFact]], truncated: bool) -> PathsAnswer:
    """The laid-out paths as an answer, each path's nodes followed by the actors its hop
    facts name off the path (queries.paths.with_fact_endpoints, from the index's table)."""
    dense = index.actors.dense
    paths = [
        each.path.model_copy(
            update={
                "nodes": [
                    *each.path.nodes,
                    *(_ref(index, dense[end]) for end in each.off_path() if end in dense),
                ]
            }
        )
        for each in laid
    ]
    return PathsAnswer(
        PathsResult(paths=paths, truncated=truncated, graph_version=index.version),
        [each.hop_facts for each in laid],
    )


def _ref(index: TemporalIndex, actor: int) -> ActorRef:
    a = index.actors
    return ActorRef(id=a.ids[actor], name=a.names[actor], kind=a.kinds[actor])


def same_answer(mode: PathMode, by_index: PathsResult, by_cypher: PathsResult) -> bool:
    """Whether the index answered as the Cypher search: the same shortest answer in full
    (when it lists every route: past 200, each lists 200 of them), k routes of the same
    lengths (as many as Cypher found, when it stopped at its limit), or a journey arriving
    on the same day (ties between journeys may differ)."""
    if mode is PathMode.SHORTEST:
        if by_cypher.truncated:
            return by_index.truncated and len(by_index.paths) == len(by_cypher.paths)
        return by_index.model_dump(exclude={"graph_version"}) == by_cypher.model_dump(
            exclude={"graph_version"}
        )
    if mode is PathMode.K_SHORTEST:
        lengths = [p.length for p in by_index.paths]
        # Cypher gives up past its limit of raw paths (each mix of a hub pair's parallel
        # facts counts as one) and says so: its routes are then the first of the index's.
        if by_cypher.truncated and not by_index.truncated:
            lengths = lengths[: len(by_cypher.paths)]
        return lengths == [p.length for p in by_cypher.paths]
    return [p.arrival for p in by_index.paths] == [p.arrival for p in by_cypher.paths]
