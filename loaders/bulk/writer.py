"""Stream parsed bulk records into Neo4j: batched, concurrent, idempotent, lossless.

The parser's stream is cut into batches. Each batch's new actors are written first, on
this thread (concurrent MERGEs of one actor would race on its uniqueness constraint);
its facts then go to a small pool of writers, one transaction per batch. At most
`2 * workers` batches are in flight, so memory stays flat however long the file is.

Every row is accounted for: written, already in the graph, or rejected (in fail mode the
first rejected row stops the load before its batch is written; in skip mode it goes to the
rejects file with its line number and reason).
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

import neo4j
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from graph_schema.errors import TkgError
from graph_schema.temporal import PartialDate, Precision, utc_now
from graph_schema.vocabulary import alias_key, fact_class
from loaders.bulk.actors import state_actor
from loaders.bulk.countries import is_country_id
from loaders.bulk.gdelt import UnattachedMention
from loaders.bulk.records import BulkActor, BulkEvent, Mention, RejectedRow
from loaders.load_record import LoadCounts, LoadRecorder
from queries import bulk_writes, writes
from queries.loads import record_write

BulkRecord = BulkEvent | RejectedRow | UnattachedMention


# Coded-event fields that become fact properties when the source has them.
OPTIONAL_FACT_FIELDS = (
    "code",
    "code_text",
    "quad_class",
    "goldstein",
    "intensity",
    "location_name",
    "country",
    "latitude",
    "longitude",
    "source_name",
    "source_url",
)


class OnError(StrEnum):
    FAIL = "fail"
    SKIP = "skip"


class BulkRowError(TkgError):
    """A row could not be read and the load runs with --on-error fail."""

    def __init__(self, row: RejectedRow) -> None:
        super().__init__(f"{row.path}:{row.line}: {row.reason}")
        self.row = row


@dataclass
class BulkSummary:
    dataset: str | None = None
    rows_read: int = 0
    events_written: int = 0
    events_existing: int = 0
    duplicate_rows: int = 0
    actors_created: int = 0
    aliases_created: int = 0
    rows_rejected: int = 0
    mentions_read: int = 0
    mentions_written: int = 0
    mentions_unattached: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = None

    def render(self) -> str:
        rate = self.rows_read / self.seconds if self.seconds else 0.0
        lines = [
            f"rows read {self.rows_read:,} in {self.seconds:.1f} s ({rate:,.0f} rows/s)",
            f"events written {self.events_written:,}; "
            f"already in the graph {self.events_existing:,}; "
            f"repeated within the input {self.duplicate_rows:,}",
            f"actors created {self.actors_created:,}; aliases created {self.aliases_created:,}",
            f"rows rejected {self.rows_rejected:,}"
            + (
                f" (listed in {self.rejects_path})"
                if self.rejects_path and self.rows_rejected
                else ""
            ),
        ]
        if self.mentions_read:
            lines.append(
                f"mentions read {self.mentions_read:,} ({self.mentions_unattached:,} about events "
                f"outside this file): {self.mentions_written:,} new claims, "
                f"{self.mentions_read - self.mentions_written:,} already recorded "
                "(the same outlet, time and URL)"
            )
        return "\n".join(lines)


def fact_row(event: BulkEvent) -> dict[str, Any]:
    """The row `create_missing_facts_query` takes for one event.

    Absent values are left out rather than sent as nulls. Validity travels as ISO strings
    and Cypher makes them dates: the driver packs a Python date about ten times slower than
    a string, on the loader's share of the two cores.
    """
    if event.precision is Precision.DAY:
        first, last = event.day, event.day
    else:
        text = (
            f"{event.day.year:04d}-{event.day.month:02d}"
            if event.precision is Precision.MONTH
            else f"{event.day.year:04d}"
        )
        span = PartialDate.parse(text)
        first, last = span.first_day, span.last_day
    precision = event.precision.value
    props: dict[str, Any] = {
        "id": event.id,
        "dataset": event.dataset,
        "valid_from_precision": precision,
        "valid_to_precision": precision,
        "status": "asserted",
        "fact_class": fact_class(event.type, event.quad_class).value,
    }
    if event.mentions:
        # Only mentions (GDELT) name sources and confidence.
        props["sources"] = sorted({m.source_id for m in event.mentions})
        props["confidence"] = max(m.confidence for m in event.mentions)
    for name in OPTIONAL_FACT_FIELDS:
        value = getattr(event, name)
        if value is not None:
            props[name] = value
    return {
        "id": event.id,
        "source": event.source.id,
        "target": event.target.id,
        "props": props,
        "valid_from": first.isoformat(),
        "valid_to": last.isoformat(),
    }


def _mention_row(event_id: str, mention: Mention) -> dict[str, Any]:
    digest = hashlib.sha1(
        f"{event_id}|{mention.source_id}|{mention.mentioned_at.isoformat()}|{mention.url}".encode(),
        usedforsecurity=False,
    ).hexdigest()[:16]
    return {
        "id": f"{event_id}:mention:{digest}",
        "source_id": mention.source_id,
        "source_name": mention.source_name,
        "props": {
            "stance": "asserts",
            "fact_id": event_id,
            "date": mention.mentioned_at.date(),
            "date_precision": "day",
            "mentioned_at": mention.mentioned_at,
            "confidence": mention.confidence,
            "url": mention.url,
            "claimant_id": mention.source_id,
            "reported_in": [mention.source_id],
        },
    }


def _parent_stub(parent_id: str, child: BulkActor) -> BulkActor:
    if is_country_id(parent_id):
        return state_actor(parent_id)
    # Only the child names the parent (e.g. "Militant (Taliban)"): its name is the id's words.
    return BulkActor(id=parent_id, name=parent_id.replace("-", " ").title(), kind=child.kind)


def _add_name(keyed: dict[str, tuple[str, int]], name: str, rank: int) -> None:
    key = alias_key(name)
    if key and (key not in keyed or keyed[key][1] > rank):
        keyed[key] = (name, rank)


def _add_names(keyed: dict[str, tuple[str, int]], actor: BulkActor) -> None:
    for name in (actor.name, *actor.names):
        _add_name(keyed, name, 0)


class _Batch:
    def __init__(self) -> None:
        self.events: dict[str, BulkEvent] = {}
        self.duplicates = 0
        self.mentions: list[dict[str, Any]] = []
        self.rows = 0

    def __len__(self) -> int:
        return len(self.events) + len(self.mentions)


def _drop_in_flight(batch: _Batch, in_flight: list[_Batch]) -> None:
    """Leave out events that a batch still being written carries too.

    A fact is created only if its id is not in the graph yet, but two transactions in
    flight at once do not see each other's facts: both would create it. Batches already
    committed need no such care, and only the batches in flight are kept, so memory stays
    bounded however long the input is.
    """
    for other in in_flight:
        for event_id in batch.events.keys() & other.events.keys():
            del batch.events[event_id]
            batch.duplicates += 1


class BulkWriter:
    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        *,
        on_error: OnError = OnError.FAIL,
        rejects_path: Path | None = None,
        batch_size: int = 10_000,
        workers: int = 2,
        now: datetime | None = None,
        source: Path | str = "-",
        data_format: str = "bulk",
    ) -> None:
        self.driver = driver
        self.database = database
        self.on_error = on_error
        self.rejects_path = rejects_path
        self.batch_size = batch_size
        self.workers = max(1, workers)
        self.recorder = LoadRecorder(
            driver, database, file=source, data_format=data_format, now=now or utc_now()
        )
        self.now = self.recorder.stamp.now
        self.load_id = self.recorder.stamp.load_id
        self.known_actors: set[str] = set()
        # (actor id, names) and (actor id, story word) pairs whose aliases are written.
        self.named: set[tuple[str, tuple[str, ...]]] = set()
        self.known_words: set[tuple[str, str]] = set()
        # PART_OF links wait for the end of the load: creating one locks the parent (a
        # country), which the concurrent fact writers hold most of the time.
        self.part_of_links: set[tuple[str, str]] = set()
        self.datasets: set[str] = set()
        self.summary = BulkSummary(rejects_path=rejects_path)

    # -- the stream -------------------------------------------------------------------
    def load(
        self,
        records: Iterable[BulkRecord],
        *,
        total_rows: int | None = None,
        progress: bool = False,
    ) -> BulkSummary:
        """Write every record; return what happened to each row.

        Raises:
            BulkRowError: a row was rejected and on_error is fail (earlier batches stay
                written; a rerun after fixing the row completes the load idempotently).
        """
        began = time.monotonic()
        self.recorder.start()
        try:
            self._load(records, total_rows, progress, began)
        except BaseException as error:
            self.recorder.fail(self._counts(), error, dataset=self.summary.dataset)
            raise
        self.recorder.finish(self._counts(), dataset=self.summary.dataset)
        return self.summary

    def _counts(self) -> LoadCounts:
        return LoadCounts(rows=self.summary.rows_read, created=self.summary.events_written)

    def _load(
        self,
        records: Iterable[BulkRecord],
        total_rows: int | None,
        progress: bool,
        began: float,
    ) -> None:
        rejects_file: TextIO | None = None
        rejects: Any = None
        if self.on_error is OnError.SKIP:
            path = self.rejects_path or Path("rejects.tsv")
            path.parent.mkdir(parents=True, exist_ok=True)
            rejects_file = path.open("w", encoding="utf-8", newline="")
            rejects = csv.writer(rejects_file, delimiter="\t", lineterminator="\n")
            rejects.writerow(["file", "line", "reason", "raw"])
            self.summary.rejects_path = path
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} rows/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        try:
            with (
                Progress(*columns, disable=not progress, transient=False) as bar,
                ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="tkg-writer"
                ) as pool,
            ):
                task = bar.add_task("loading", total=total_rows, rate="-")
                in_flight: list[tuple[Future[tuple[int, int]], _Batch]] = []
                for batch in self._batches(records, rejects):
                    _drop_in_flight(batch, [pending for _, pending in in_flight])
                    self._write_actors(batch)
                    in_flight.append((pool.submit(self._write_facts, batch), batch))
                    if len(in_flight) >= 2 * self.workers:
                        self._settle(*in_flight.pop(0))
                    elapsed = time.monotonic() - began
                    bar.update(
                        task,
                        completed=self.summary.rows_read,
                        rate=f"{self.summary.rows_read / elapsed:,.0f}" if elapsed else "-",
                    )
                for pending, pending_batch in in_flight:
                    self._settle(pending, pending_batch)
                self._write_part_of()
                bar.update(task, completed=self.summary.rows_read)
        finally:
            if rejects_file is not None:
                rejects_file.close()
            self.summary.seconds = time.monotonic() - began

    def _settle(self, future: Future[tuple[int, int]], batch: _Batch) -> None:
        # Counted on this thread, after the batch committed: a failed batch counts nothing.
        created, mentions = future.result()
        self.summary.events_written += created
        self.summary.events_existing += len(batch.events) - created
        self.summary.duplicate_rows += batch.duplicates
        self.summary.mentions_written += mentions

    def _batches(self, records: Iterable[BulkRecord], rejects: Any) -> Iterator[_Batch]:
        batch = _Batch()
        for record in records:
            if isinstance(record, RejectedRow):
                self.summary.rows_read += 1
                if self.on_error is OnError.FAIL:
                    raise BulkRowError(record)
                self.summary.rows_rejected += 1
                rejects.writerow([record.path, record.line, record.reason, record.raw])
                continue
            if isinstance(record, UnattachedMention):
                # Provenance for an event of another slice: kept as a claim about that id.
                batch.mentions.append(_mention_row(record.event_id, record.mention))
                self.summary.mentions_unattached += 1
                self.summary.mentions_read += 1
            else:
                self.summary.rows_read += 1
                if record.id in batch.events:
                    batch.duplicates += 1
                else:
                    batch.events[record.id] = record
                batch.mentions.extend(_mention_row(record.id, m) for m in record.mentions)
                self.summary.mentions_read += len(record.mentions)
            if len(batch) >= self.batch_size:
                yield batch
                batch = _Batch()
        if len(batch):
            yield batch

    # -- writes -----------------------------------------------------------------------
    def _write_actors(self, batch: _Batch) -> None:
        """New actors, and every name of theirs not written yet, in one transaction."""
        new: dict[str, BulkActor] = {}
        links: set[tuple[str, str]] = set()
        names: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
        for event in batch.events.values():
            for actor, words in (
                (event.source, event.source_words),
                (event.target, event.target_words),
            ):
                if actor.id not in self.known_actors and actor.id not in new:
                    new[actor.id] = actor
                    if actor.part_of:
                        links.add((actor.id, actor.part_of))
                        if actor.part_of not in self.known_actors and actor.part_of not in new:
                            stub = _parent_stub(actor.part_of, actor)
                            new[stub.id] = stub
                            _add_names(names[stub.id], stub)
                if (actor.id, actor.names) not in self.named:
                    self.named.add((actor.id, actor.names))
                    _add_names(names[actor.id], actor)
                for word in words:
                    if (actor.id, word) not in self.known_words:
                        self.known_words.add((actor.id, word))
                        _add_name(names[actor.id], word, 1)
            if event.dataset not in self.datasets:
                self.datasets.add(event.dataset)
                self.summary.dataset = event.dataset
                self._run(bulk_writes.MERGE_BULK_DATASET, id=event.dataset, title=event.dataset)
        if not new and not names:
            return
        dataset = next(iter(batch.events.values())).dataset
        rows = [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind.value,
                "country": a.country,
                "dataset": dataset,
                "generic": a.generic,
            }
            for a in new.values()
        ]
        alias_rows = [
            {"actor": actor_id, "key": key, "name": name, "rank": rank}
            for actor_id, keyed in names.items()
            for key, (name, rank) in keyed.items()
        ]

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            actors = tx.run(bulk_writes.MERGE_BULK_ACTORS, rows=rows).consume().counters
            aliases = tx.run(writes.MERGE_ALIASES, rows=alias_rows).consume().counters
            record_write(tx, self.load_id)
            return actors.nodes_created, aliases.nodes_created

        with self.driver.session(database=self.database) as session:
            actors_created, aliases_created = session.execute_write(work)
        self.summary.actors_created += actors_created
        self.summary.aliases_created += aliases_created
        self.part_of_links |= links
        self.known_actors.update(new)

    def _write_part_of(self) -> None:
        links = [{"child": c, "parent": p} for c, p in sorted(self.part_of_links)]
        for start in range(0, len(links), self.batch_size):
            self._run(bulk_writes.MERGE_BULK_PART_OF, rows=links[start : start + self.batch_size])
        # Named actors learn their country from PART_OF, which only now is complete.
        self._run(writes.SET_COUNTRIES)

    def _run(self, cypher: Any, **params: Any) -> neo4j.SummaryCounters:
        def work(tx: neo4j.ManagedTransaction) -> neo4j.SummaryCounters:
            counters = tx.run(cypher, params, now=self.now).consume().counters
            record_write(tx, self.load_id)
            return counters

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def _write_facts(self, batch: _Batch) -> tuple[int, int]:
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # Sorted by endpoints, concurrent batches lock busy actors in the same order, which
        # keeps deadlocks (and their retries) rare.
        for event in sorted(batch.events.values(), key=lambda e: (e.source.id, e.target.id)):
            by_type[event.type.value].append(fact_row(event))

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            created = 0
            for fact_type, rows in by_type.items():
                counters = (
                    tx.run(
                        bulk_writes.create_missing_facts_query(fact_type), rows=rows, now=self.now
                    )
                    .consume()
                    .counters
                )
                created += counters.relationships_created
            mentions = 0
            if batch.mentions:
                counters = (
                    tx.run(bulk_writes.MERGE_MENTIONS, rows=batch.mentions, now=self.now)
                    .consume()
                    .counters
                )
                # A new claim gets exactly one new MADE relationship; an existing one none.
                mentions = counters.relationships_created
            record_write(tx, self.load_id)
            return created, mentions

        with self.driver.session(database=self.database) as session:
            created, mentions = session.execute_write(work)
        return created, mentions
