"""What a time slider is drawn from: the time extent of the facts, and dense histograms of the
facts valid in each day, week, month or year of a window."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import LiteralString

import neo4j
from pydantic import BaseModel, Field

from graph_schema.temporal import OPEN_END, OPEN_START
from graph_schema.vocabulary import FACT_TYPES, safe_identifier
from queries.facts import FACT_IN_SCOPE, type_alternation
from queries.graph import ScanParams, pair_scan
from queries.models import TimeScope
from queries.runner import records

# A day histogram over a few decades is about as long as a slider can use.
MAX_BUCKETS = 20000


class Resolution(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class ExtentPublic(BaseModel):
    dataset: str | None = Field(description="The dataset; null for the whole graph.")
    first: date | None = Field(description="Earliest first day of validity of a current fact.")
    last: date | None = Field(description="Latest known last day of validity (open ends aside).")
    facts: int = Field(description="Current facts.")


class TimeExtentPublic(BaseModel):
    overall: ExtentPublic
    datasets: list[ExtentPublic] = Field(description="Per dataset; curated facts have none.")


class BucketPublic(BaseModel):
    start: date = Field(description="First day of the bucket.")
    end: date = Field(description="Last day of the bucket (inclusive).")
    count: int = Field(description="Facts in scope valid on at least one day of the bucket.")


class HistogramPublic(BaseModel):
    resolution: Resolution
    start: date = Field(description="First day of the first bucket.")
    end: date = Field(description="Last day of the last bucket.")
    buckets: list[BucketPublic] = Field(description="Every bucket in the window, zeros included.")
    facts: int = Field(description="Distinct facts counted.")


EXTENT: LiteralString = """
MATCH ()-[r:%s]->()
WHERE r.retracted_at IS NULL
WITH r.dataset AS dataset, r
RETURN dataset, count(*) AS facts,
       toString(min(CASE WHEN r.valid_from > $open_start THEN r.valid_from END)) AS first,
       toString(max(CASE WHEN r.valid_to < $open_end THEN r.valid_to END)) AS last
"""


def time_extent(tx: neo4j.ManagedTransaction) -> TimeExtentPublic:
    """First and last day of validity of the current facts, per dataset and overall."""
    cypher = EXTENT % "|".join(safe_identifier(t, FACT_TYPES) for t in sorted(FACT_TYPES))
    rows = records(tx, cypher, open_start=OPEN_START, open_end=OPEN_END)
    extents = [
        ExtentPublic(
            dataset=row["dataset"],
            first=date.fromisoformat(row["first"]) if row["first"] else None,
            last=date.fromisoformat(row["last"]) if row["last"] else None,
            facts=row["facts"],
        )
        for row in rows
    ]
    firsts = [e.first for e in extents if e.first]
    lasts = [e.last for e in extents if e.last]
    overall = ExtentPublic(
        dataset=None,
        first=min(firsts, default=None),
        last=max(lasts, default=None),
        facts=sum(e.facts for e in extents),
    )
    named = sorted((e for e in extents if e.dataset), key=lambda e: e.dataset or "")
    return TimeExtentPublic(overall=overall, datasets=named)


def bucket_starts(resolution: Resolution, first: date, last: date) -> list[date]:
    """The first day of every bucket from the one holding `first` to the one holding `last`."""
    if resolution is Resolution.DAY:
        day, step = first, timedelta(days=1)
    elif resolution is Resolution.WEEK:  # ISO weeks, from Monday
        day, step = first - timedelta(days=first.weekday()), timedelta(days=7)
    elif resolution is Resolution.MONTH:
        day, step = first.replace(day=1), timedelta(0)
    else:
        day, step = first.replace(month=1, day=1), timedelta(0)
    starts: list[date] = []
    while day <= last:
        starts.append(day)
        if len(starts) > MAX_BUCKETS:
            break
        if resolution is Resolution.MONTH:
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        elif resolution is Resolution.YEAR:
            if day.year == OPEN_END.year:
                break
            day = date(day.year + 1, 1, 1)
        else:
            day += step
    return starts


def dense_histogram(
    intervals: Iterable[tuple[date, date, int]], resolution: Resolution, first: date, last: date
) -> HistogramPublic:
    """Counts per bucket of [first, last]; a fact counts in every bucket it is valid in.

    Args:
        intervals: (valid_from, valid_to, how many facts share that interval).
    """
    starts = bucket_starts(resolution, first, last)
    ends = [nxt - timedelta(days=1) for nxt in starts[1:]]
    ends.append(_bucket_end(resolution, starts[-1]))
    # Difference array: +n where a fact's first bucket starts, -n after its last.
    delta = [0] * (len(starts) + 1)
    total = 0
    for valid_from, valid_to, n in intervals:
        lo, hi = max(valid_from, first), min(valid_to, last)
        if lo > hi:
            continue
        total += n
        delta[bisect_right(starts, lo) - 1] += n
        delta[bisect_right(starts, hi)] -= n
    buckets, running = [], 0
    for start, end, change in zip(starts, ends, delta, strict=False):
        running += change
        buckets.append(BucketPublic(start=start, end=end, count=running))
    return HistogramPublic(
        resolution=resolution, start=starts[0], end=ends[-1], buckets=buckets, facts=total
    )


def _bucket_end(resolution: Resolution, start: date) -> date:
    if resolution is Resolution.DAY:
        return start
    if resolution is Resolution.WEEK:
        return start + timedelta(days=6)
    if resolution is Resolution.MONTH:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(start.year, 12, 31)


# Grouped on the dates themselves, printed once per group rather than once per fact.
COUNT_INTERVALS: LiteralString = """
WITH r.valid_from AS first, r.valid_to AS last, count(*) AS n
RETURN toString(first) AS valid_from, toString(last) AS valid_to, n
"""

# A scan from several actors meets a fact between two of them twice.
INTERVALS: LiteralString = "\nWITH DISTINCT r" + COUNT_INTERVALS

ALL_FACTS: LiteralString = """
MATCH ()-[r:%s]->()
WHERE """


def fact_intervals(
    tx: neo4j.ManagedTransaction, scan: ScanParams, actors: list[str] | None, among: bool
) -> list[tuple[date, date, int]]:
    """Validity intervals of the facts in scope, with how many facts share each.

    Args:
        actors: None for the whole graph; else facts touching these actors.
        among: only facts between two of `actors` (an ego network's own facts).
    """
    if actors is None:
        cypher = ALL_FACTS % type_alternation(scan.filters.types) + FACT_IN_SCOPE + COUNT_INTERVALS
        rows = records(tx, cypher, **scan.params())
    else:
        rows = records(
            tx,
            pair_scan(scan.filters) + INTERVALS,
            frontier=actors,
            only=actors if among else None,
            halve=among,
            **scan.params(),
        )
    return [
        (date.fromisoformat(row["valid_from"]), date.fromisoformat(row["valid_to"]), row["n"])
        for row in rows
    ]


def window_of(scope: TimeScope, extent: ExtentPublic | None) -> tuple[date, date] | None:
    """The histogram's window: the scope's, with open bounds narrowed to the facts' extent."""
    first = extent.first if extent and scope.valid_from == OPEN_START else scope.valid_from
    last = extent.last if extent and scope.valid_to == OPEN_END else scope.valid_to
    if first is None or last is None:
        return None
    return first, last
