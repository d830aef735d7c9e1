"""`Client`: one object for notebooks, DataFrames and networkx graphs out.

Every helper runs the service's own queries (`queries/`) in a read transaction with a time
budget; `cypher()` is the escape hatch for anything else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import neo4j
import networkx as nx
import pandas as pd
from pydantic import ValidationError

from app.api.params import resolve_all, scope_from
from app.core.config import Settings
from app.main import open_driver
from graph_schema.errors import InvalidQueryError
from queries import analytics
from queries.events import claims_for, timeline, timeline_buckets
from queries.facts import actor_facts, facts_between
from queries.models import FactFilter, TimeScope
from queries.paths import (
    PathMode,
    PathQuestion,
    PathsResult,
)
from queries.runner import run_read
from queries.versions import read_graph_version
from tindex.analytics import (
    ActorMonth,
    CentralityEntry,
    ClassMonth,
    actor_over_time,
    centrality,
    class_months,
)
from tindex.index import TemporalIndex
from tindex.measures import Measure
from tindex.paths import PathsAnswer, find_paths
from tindex.search import Deadline
from tindex.service import IndexService, IndexStats
from tkg_client import frames

if TYPE_CHECKING:
    from graphdatascience import GraphDataScience

T = TypeVar("T")
Day = str | date


def _text(value: Day | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date | datetime) else value


class Client:
    """A connection to the graph for analysis.

    Args:
        settings: where Neo4j is; by default from the environment, else `.env` (the same
            settings the service reads: NEO4J_URI, NEO4J_PASSWORD, TKG_INSTANCE, ...).
        timeout: seconds a single query may run before it is cancelled.

    Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD` strings (a month means the whole month) or
    `date`s; actors are ids, names or aliases.
    """

    def __init__(
        self, settings: Settings | None = None, timeout: float = 60.0, index: bool = False
    ) -> None:
        self.settings = settings or Settings()
        self.timeout = timeout
        self.driver = open_driver(self.settings)
        self._index: IndexService | None = None
        if index:
            self.use_index()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.driver.close()

    def use_index(self, wait: float = 600.0) -> IndexStats:
        """Build the temporal index in this process, as the API keeps one: paths,
        centrality and series then read the window from memory instead of pulling it from
        Neo4j (seconds to build for ICEWS18, then milliseconds a question). It follows the
        graph: a call that finds the graph changed catches the index up first, and answers
        through Cypher while it cannot. Answers are the same either way."""
        if self._index is None:
            service = IndexService(self.driver, self.settings.neo4j_database, read_graph_version)
            service.start(snapshot=False)
            if not service.wait_ready(wait) or service.index is None:
                service.close()
                raise RuntimeError(f"the temporal index was not built within {wait:g} s")
            self._index = service
        stats = self._index.stats()
        assert stats is not None
        return stats

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------

    def read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run `work` in one read transaction within the client's time budget."""
        return run_read(self.driver, self.settings.neo4j_database, self.timeout, work)

    def _index_at(self, tx: neo4j.ManagedTransaction) -> TemporalIndex | None:
        """The index at the graph version `tx` sees, when this client keeps one and it can
        be brought there; None: the question is answered through Cypher."""
        return self._index.at_transaction(tx) if self._index is not None else None

    def cypher(self, query: str, **params: Any) -> pd.DataFrame:
        """Any read-only Cypher as a DataFrame; Neo4j dates become pandas dates (the open
        bounds 0001-01-01 and 9999-12-31 as missing), datetimes UTC timestamps."""

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[dict[str, Any]]]:
            result = tx.run(query, params)
            rows = [dict(record) for record in result]
            return list(result.keys()), rows

        columns, rows = self.read(work)
        return frames.records_frame(rows, columns)

    @staticmethod
    def scope(
        at: Day | None = None,
        start: Day | None = None,
        end: Day | None = None,
        known_at: Day | datetime | None = None,
    ) -> TimeScope:
        """A time scope: `at` a day/month/year, or `start`..`end`, or neither (= today)."""
        return scope_from(_text(at), _text(start), _text(end), _text(known_at))

    @staticmethod
    def _filters(
        types: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        rollup: bool = False,
        classes: Sequence[str] | None = None,
    ) -> FactFilter:
        """Fact filters from plain strings (`types=["ATTACKED"]`, `classes=["verbal_conflict"]`)."""
        try:
            return FactFilter.model_validate(
                {
                    "types": list(types) if types else None,
                    "statuses": list(statuses) if statuses else None,
                    "fact_classes": list(classes) if classes else None,
                    "rollup": rollup,
                }
            )
        except ValidationError as error:
            raise InvalidQueryError("filters", error.errors()[0]["input"], str(error)) from error

    def resolve(self, *names: str) -> list[str]:
        """Actor ids for ids, names or aliases (`"DPRK"` -> `"prk"`)."""
        return self.read(lambda tx: resolve_all(tx, [("actor", name) for name in names]))

    # -- facts -----------------------------------------------------------------------------

    def facts(
        self,
        at: Day | None = None,
        start: Day | None = None,
        end: Day | None = None,
        *,
        actor: str | None = None,
        other: str | None = None,
        types: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        classes: Sequence[str] | None = None,
        rollup: bool = False,
        known_at: Day | datetime | None = None,
        kinds: Sequence[str] | None = None,
        include_generic: bool = False,
    ) -> pd.DataFrame:
        """Facts valid at a day (or in a window): all of them, an actor's (with a
        `counterpart` column), or those between `actor` and `other`.

        `rollup=True` counts ministries, forces and offices as their country. `known_at`
        answers with what the graph held then. `kinds` and `include_generic` apply to the
        graph-wide form only.
        """
        scope = self.scope(at, start, end, known_at)
        filters = self._filters(types, statuses, rollup, classes)
        if actor is None:
            query = analytics.WindowQuery(
                filters=filters,
                kinds=list(kinds) if kinds else None,
                include_generic=include_generic,
            )
            rows = self.read(lambda tx: analytics.window_fact_rows(tx, scope, query))
            return frames.rows_frame(rows, analytics.FACT_EXPORT_COLUMNS)
        if other is None:
            name = actor

            def touching(tx: neo4j.ManagedTransaction) -> pd.DataFrame:
                (actor_id,) = resolve_all(tx, [("actor", name)])
                found = actor_facts(tx, actor_id, scope, filters)
                return frames.facts_frame(
                    [fact for _, fact in found], counterpart=[ref.id for ref, _ in found]
                )

            return self.read(touching)
        pair = [("actor", actor), ("other", other)]

        def between(tx: neo4j.ManagedTransaction) -> pd.DataFrame:
            a, b = resolve_all(tx, pair)
            return frames.facts_frame(facts_between(tx, a, b, scope, filters))

        return self.read(between)

    def facts_as_of(self, day: Day, **options: Any) -> pd.DataFrame:
        """Facts valid on `day` (see `facts` for the options)."""
        return self.facts(at=day, **options)

    def facts_in_window(self, start: Day, end: Day, **options: Any) -> pd.DataFrame:
        """Facts whose validity overlaps `start`..`end` (see `facts`)."""
        return self.facts(start=start, end=end, **options)

    def facts_between(
        self, a: str, b: str, start: Day | None = None, end: Day | None = None, **options: Any
    ) -> pd.DataFrame:
        """Facts between two actors, either direction; `rollup=True` adds their parts'."""
        if start is None and end is None:
            start, end = "0001", "9999"
        return self.facts(start=start, end=end, actor=a, other=b, **options)

    def held_at(
        self, known_at: Day | datetime, start: Day = "0001", end: Day = "9999", **options: Any
    ) -> pd.DataFrame:
        """What the graph held at `known_at` (transaction time): the versions then current,
        whatever was corrected or retracted since."""
        return self.facts(start=start, end=end, known_at=known_at, **options)

    def claims(self, fact_id: str) -> pd.DataFrame:
        """Who asserts or denies a fact: one row per claim, with its date and precision."""
        found = self.read(lambda tx: claims_for(tx, None, [fact_id]))
        days, precisions = frames.partial_date_columns([claim.date for claim in found])
        return pd.DataFrame(
            {
                "claim": [claim.id for claim in found],
                "claimant": [claim.claimant.id for claim in found],
                "claimant_name": [claim.claimant.name for claim in found],
                "stance": [claim.stance for claim in found],
                "date": days,
                "date_precision": precisions,
                "quote": [claim.quote for claim in found],
                "reported_in": [claim.reported_in for claim in found],
            }
        )

    # -- an actor over time ----------------------------------------------------------------

    def timeline(
        self, actor: str, start: Day = "0001", end: Day = "9999", **options: Any
    ) -> pd.DataFrame:
        """Dated events the actor took part in and coded facts touching it, in order."""
        scope = self.scope(start=start, end=end)
        filters = self._filters(options.get("types"), options.get("statuses"))

        def work(tx: neo4j.ManagedTransaction) -> pd.DataFrame:
            (actor_id,) = resolve_all(tx, [("actor", actor)])
            entries = timeline(tx, actor_id, scope, filters)
            frame = pd.DataFrame([entry.model_dump() for entry in entries])
            if frame.empty:
                return frame
            frame["date"], _ = frames.partial_date_columns(list(frame["date"]))
            return frame

        return self.read(work)

    def monthly_counts(self, actor: str, start: Day = "0001", end: Day = "9999") -> pd.DataFrame:
        """Timeline entries per month: columns `month` (a pandas date) and `count`."""
        scope = self.scope(start=start, end=end)

        def work(tx: neo4j.ManagedTransaction) -> pd.DataFrame:
            (actor_id,) = resolve_all(tx, [("actor", actor)])
            buckets = timeline_buckets(tx, actor_id, scope, FactFilter(), width=7)
            return pd.DataFrame(
                {
                    "month": pd.to_datetime([b.bucket for b in buckets], format="%Y-%m"),
                    "count": [b.count for b in buckets],
                }
            )

        return self.read(work)

    def actor_over_time(self, actor: str, start: Day, end: Day, **options: Any) -> pd.DataFrame:
        """An actor's facts, counterparts, degree rank and PageRank month by month."""
        scope = self.scope(start=start, end=end)
        query = self._window_query(**options)

        def work(tx: neo4j.ManagedTransaction) -> list[ActorMonth]:
            (actor_id,) = resolve_all(tx, [("actor", actor)])
            return actor_over_time(tx, self._index_at(tx), actor_id, scope, query)

        frame = pd.DataFrame([month.model_dump() for month in self.read(work)])
        frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
        return frame

    def class_counts(
        self, a: str, b: str, start: Day, end: Day, rollup: bool = False
    ) -> pd.DataFrame:
        """Cooperative against hostile facts between two actors, month by month."""
        scope = self.scope(start=start, end=end)
        filters = FactFilter(rollup=rollup)

        def work(tx: neo4j.ManagedTransaction) -> list[ClassMonth]:
            x, y = resolve_all(tx, [("a", a), ("b", b)])
            return class_months(tx, x, y, scope, filters)

        frame = pd.DataFrame([month.model_dump() for month in self.read(work)])
        frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
        return frame

    # -- paths -----------------------------------------------------------------------------

    def paths(
        self,
        source: str,
        target: str,
        start: Day,
        end: Day,
        mode: str = "shortest",
        max_hops: int = 4,
        k: int = 3,
        **options: Any,
    ) -> pd.DataFrame:
        """Routes from source to target through facts in the window, one row per hop.

        `mode` is shortest (all shortest routes), k_shortest or time_respecting (the
        earliest-arrival journey). The whole answer is in `frame.attrs["result"]`.
        """
        scope = self.scope(start=start, end=end)
        filters = self._filters(**options)
        chosen = PathMode(mode)

        def search(tx: neo4j.ManagedTransaction) -> PathsAnswer:
            a, b = resolve_all(tx, [("source", source), ("target", target)])
            question = PathQuestion(
                source=a,
                target=b,
                scope=scope,
                filters=filters,
                mode=chosen,
                max_hops=max_hops,
                k=k,
            )
            return find_paths(tx, self._index_at(tx), question, Deadline(self.timeout))

        def work(tx: neo4j.ManagedTransaction) -> PathsResult:
            # The version this answer was computed on, as the API gives it.
            version = read_graph_version(tx)
            return search(tx).at_version(version).result()

        result = self.read(work)
        rows = []
        for number, path in enumerate(result.paths):
            for step, hop in enumerate(path.hops):
                first = hop.facts[0] if hop.facts else None
                rows.append(
                    {
                        "path": number,
                        "hop": step,
                        "source": hop.source,
                        "target": hop.target,
                        "facts": len(hop.facts),
                        "fact_ids": [fact.id for fact in hop.facts],
                        "first_type": first.type if first else None,
                        "first_from": first.interval[0].isoformat() if first else None,
                    }
                )
        frame = pd.DataFrame(
            rows,
            columns=[
                "path",
                "hop",
                "source",
                "target",
                "facts",
                "fact_ids",
                "first_type",
                "first_from",
            ],
        )
        frame["first_from"] = frames.iso_days(frame["first_from"])
        frame.attrs["result"] = result
        return frame

    # -- the window as a graph, and its measures -------------------------------------------

    @staticmethod
    def _window_query(
        types: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        classes: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        include_generic: bool = False,
    ) -> analytics.WindowQuery:
        return analytics.WindowQuery(
            filters=Client._filters(types, statuses, False, classes),
            kinds=list(kinds) if kinds else None,
            include_generic=include_generic,
        )

    def graph(
        self,
        start: Day,
        end: Day,
        multi: bool = False,
        known_at: Day | None = None,
        **options: Any,
    ) -> nx.MultiDiGraph | nx.DiGraph:
        """The window's facts as a networkx graph; nodes carry `name` and `kind`.

        `multi=True`: a MultiDiGraph with one edge per fact (key = fact id, attributes the
        fact's columns). Otherwise a DiGraph with one edge per ordered pair: `facts` (count),
        `types` (count per type) and `first`/`last` (earliest start, latest end).
        """
        scope = self.scope(start=start, end=end, known_at=known_at)
        query = self._window_query(**options)

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[list[Any]], dict[str, Any]]:
            rows = analytics.window_fact_rows(tx, scope, query)
            ids = sorted({row[i] for row in rows for i in (2, 3)})
            return rows, analytics.names_of(tx, ids)

        rows, refs = self.read(work)
        graph: nx.MultiDiGraph | nx.DiGraph = nx.MultiDiGraph() if multi else nx.DiGraph()
        for actor_id, ref in refs.items():
            graph.add_node(actor_id, name=ref.name, kind=ref.kind)
        columns = analytics.FACT_EXPORT_COLUMNS
        for row in rows:
            fact = dict(zip(columns, row, strict=True))
            source, target = fact["source"], fact["target"]
            if multi:
                graph.add_edge(source, target, key=fact["id"], **fact)
                continue
            if graph.has_edge(source, target):
                edge = graph.edges[source, target]
                edge["facts"] += 1
                edge["types"][fact["type"]] += 1
                edge["first"] = min(edge["first"], fact["valid_from"])
                edge["last"] = max(edge["last"], fact["valid_to"])
            else:
                graph.add_edge(
                    source,
                    target,
                    facts=1,
                    types=Counter([fact["type"]]),
                    first=fact["valid_from"],
                    last=fact["valid_to"],
                )
        return graph

    def centrality(
        self,
        start: Day,
        end: Day,
        measure: str = "degree",
        top: int = 10,
        samples: int | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        """The `top` actors of the window by degree (distinct counterparts), PageRank or
        betweenness (exact up to 1,500 actors, else sampled: `error` is the standard error).
        Options: `types`, `statuses`, `kinds`, `include_generic`."""
        scope = self.scope(start=start, end=end)
        query = self._window_query(**options)
        chosen = Measure(measure)
        answer = self.read(
            lambda tx: centrality(tx, self._index_at(tx), scope, query, chosen, top, samples)
        )
        # Columns even when the window is empty, so code written for a full answer runs.
        frame = pd.DataFrame(
            [entry.model_dump() for entry in answer.data],
            columns=list(CentralityEntry.model_fields),
        )
        frame.attrs.update(answer.model_dump(exclude={"data"}))
        return frame

    def gds(self) -> GraphDataScience:
        """A Graph Data Science client (the `graphdatascience` package) on this connection.

        The server allows reading only: projections (dropped with `with ... as G:`),
        algorithms' `stream`, `stats` and `estimate` modes, `gds.util.*`; not `write` or
        `mutate`. See docs/notebooks.md and the `pagerank` recipe in docs/schema.md.
        """
        from graphdatascience import GraphDataScience

        # Arrow Flight is an Enterprise server feature; plain Bolt is what we have. Progress
        # bars poll gds.listProgress, which the server does not offer.
        return GraphDataScience(
            self.driver,
            database=self.settings.neo4j_database,
            arrow=False,
            show_progress=False,
        )

    def export(
        self,
        folder: Path | str,
        start: Day | None = None,
        end: Day | None = None,
        formats: Sequence[str] = ("parquet", "csv"),
    ) -> list[Path]:
        """Write the facts in the window (all, by default) and the actor table to `folder`
        as `facts.parquet`/`facts.csv` and `actors.*`, dates as ISO strings."""
        from tkg_client.export import export_window

        scope = self.scope(start=start or "0001", end=end or "9999")
        return export_window(self, Path(folder), scope, list(formats))


def connect(timeout: float = 60.0, index: bool = False, **settings: Any) -> Client:
    """A client from the environment or `.env`; keyword arguments override settings
    (e.g. `neo4j_uri=...`, `neo4j_password=...`); `index=True` as for `Client`."""
    return Client(Settings(**settings), timeout=timeout, index=index)


__all__ = ["Client", "connect"]
