"""Hypothesis strategies for small temporal graphs, and an independent model of their time.

Everything a cross-check expects is computed from these plain values: partial dates become
day intervals here with `calendar`, never through the code under test. Only the loader's
pydantic models are used, to turn a generated graph into the dataset that gets written.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

from loaders.curated_format import CuratedDataset, DatasetInfo, FactEntry, SourceEntry, SourceKind

ACTOR_IDS = ("aaa", "bbb", "ccc", "ddd", "eee", "fff", "ggg", "hhh", "iii")
FACT_TYPE_POOL = ("ALLIED_WITH", "ATTACKED", "TRADED_WITH", "MET_WITH", "SANCTIONED")
DATASET_ID = "crosscheck"
SOURCE_ID = "crosscheck-source"

# An open start or end, in the independent model: before or after every real day.
OPEN_START_DAY = date.min
OPEN_END_DAY = date.max


@dataclass(frozen=True)
class PDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def text(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> date:
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, self.month, self.day)


@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    source: str
    target: str
    valid_from: PDate | None
    valid_to: PDate | None
    confidence: float = 1.0

    @property
    def first(self) -> date:
        return self.valid_from.first if self.valid_from else OPEN_START_DAY

    @property
    def last(self) -> date:
        return self.valid_to.last if self.valid_to else OPEN_END_DAY

    def overlaps(self, lo: date, hi: date) -> bool:
        return self.first <= hi and self.last >= lo

    def touches(self, actor: str) -> bool:
        return actor in (self.source, self.target)

    def joins(self, a: str, b: str) -> bool:
        return {self.source, self.target} == {a, b}


@dataclass(frozen=True)
class TemporalGraph:
    actors: tuple[str, ...]
    facts: tuple[Fact, ...]

    def dataset(self) -> CuratedDataset:
        return to_dataset(self.actors, self.facts)


@dataclass(frozen=True)
class Window:
    """`from`/`to` as given to the API (either may be absent: an open side)."""

    start: PDate | None
    end: PDate | None

    @property
    def lo(self) -> date:
        return self.start.first if self.start else OPEN_START_DAY

    @property
    def hi(self) -> date:
        return self.end.last if self.end else OPEN_END_DAY

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.start is not None:
            out["from"] = self.start.text
        if self.end is not None:
            out["to"] = self.end.text
        return out


def to_dataset(actors: tuple[str, ...], facts: tuple[Fact, ...]) -> CuratedDataset:
    return CuratedDataset.model_validate(
        {
            "format": "tkg-curated/1",
            "dataset": DatasetInfo(id=DATASET_ID, title="Cross-check"),
            "sources": [SourceEntry(id=SOURCE_ID, name="Generated", kind=SourceKind.DATASET)],
            "actors": [
                {"id": actor, "name": f"State {actor.upper()}", "kind": "state"} for actor in actors
            ],
            "facts": [
                FactEntry.model_validate(
                    {
                        "id": fact.id,
                        "type": fact.type,
                        "source": fact.source,
                        "target": fact.target,
                        "valid_from": fact.valid_from.text if fact.valid_from else None,
                        "valid_to": fact.valid_to.text if fact.valid_to else None,
                        "sources": [SOURCE_ID],
                        "confidence": fact.confidence,
                    }
                )
                for fact in facts
            ],
        }
    )


@st.composite
def partial_dates(draw: st.DrawFn, min_year: int = 2020, max_year: int = 2024) -> PDate:
    year = draw(st.integers(min_year, max_year))
    precision = draw(st.sampled_from(("day", "month", "year")))
    if precision == "year":
        return PDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PDate(year, month)
    return PDate(year, month, draw(st.integers(1, calendar.monthrange(year, month)[1])))


def _sometimes_open(draw: st.DrawFn, one_in: int) -> PDate | None:
    """A partial date, or (about once in `one_in` draws) None: an open side."""
    if draw(st.integers(1, one_in)) == 1:
        return None
    return draw(partial_dates())


@st.composite
def validities(draw: st.DrawFn) -> tuple[PDate | None, PDate | None]:
    """valid_from and valid_to, each sometimes open, never ending before they start."""
    start = _sometimes_open(draw, 8)
    if start is not None and draw(st.integers(0, 3)) == 0:
        return start, start  # an event: true on one day, in one month or one year
    end = _sometimes_open(draw, 5)
    if start is not None and end is not None and end.last < start.first:
        start, end = end, start
    return start, end


@st.composite
def temporal_graphs(
    draw: st.DrawFn, min_actors: int = 4, max_actors: int = 9, max_facts: int = 25
) -> TemporalGraph:
    actors = ACTOR_IDS[: draw(st.integers(min_actors, max_actors))]
    types = draw(st.lists(st.sampled_from(FACT_TYPE_POOL), min_size=2, max_size=4, unique=True))
    facts = []
    # Half the time at least half full, so that windows still leave routes to find.
    count = draw(st.integers(0, max_facts) | st.integers(max_facts // 2, max_facts))
    for number in range(count):
        source = draw(st.sampled_from(actors))
        target = draw(st.sampled_from([a for a in actors if a != source]))
        valid_from, valid_to = draw(validities())
        facts.append(
            Fact(
                id=f"f{number}",
                type=draw(st.sampled_from(types)),
                source=source,
                target=target,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return TemporalGraph(actors=actors, facts=tuple(facts))


def _of_precision(day: date, precision: str) -> PDate:
    if precision == "year":
        return PDate(day.year)
    if precision == "month":
        return PDate(day.year, day.month)
    return PDate(day.year, day.month, day.day)


@st.composite
def dates_near(draw: st.DrawFn, bounds: list[PDate]) -> PDate:
    """A date on, just before or just after the first or last day of one of `bounds`, in any
    precision (most often a day): boundaries are where overlap tests go wrong."""
    if not bounds:
        return draw(partial_dates(2019, 2025))
    bound = draw(st.sampled_from(bounds))
    day = draw(st.sampled_from((bound.first, bound.last)))
    day += timedelta(days=draw(st.sampled_from((-1, 0, 0, 1))))
    return _of_precision(day, draw(st.sampled_from(("day", "day", "month", "year"))))


def bounds_of(facts: Iterable[Fact]) -> list[PDate]:
    return [d for f in facts for d in (f.valid_from, f.valid_to) if d is not None]


@st.composite
def probe_dates(draw: st.DrawFn, graph: TemporalGraph) -> PDate:
    """A date to ask about: near a bound of one of the graph's facts (three times in four),
    or anywhere."""
    if draw(st.integers(0, 3)) == 0:
        return draw(partial_dates(2019, 2025))
    return draw(dates_near(bounds_of(graph.facts)))


@st.composite
def windows(draw: st.DrawFn, dates: st.SearchStrategy[PDate]) -> Window:
    """A from/to window with from <= to; one side (never both) may be left open."""
    shape = draw(st.sampled_from(("both", "both", "both", "both", "no-from", "no-to")))
    if shape == "no-from":
        return Window(None, draw(dates))
    if shape == "no-to":
        return Window(draw(dates), None)
    start, end = draw(dates), draw(dates)
    if start.first > end.last:
        start, end = end, start
    return Window(start, end)


@st.composite
def probes(draw: st.DrawFn, graph: TemporalGraph) -> tuple[str, str, st.SearchStrategy[PDate]]:
    """Two actors to ask about, and dates to ask with: mostly the two ends of a fact, in
    either order, with dates near the bounds of their facts; else any pair, any date."""
    if graph.facts and draw(st.integers(0, 3)) > 0:
        fact = draw(st.sampled_from(graph.facts))
        a, b = draw(st.permutations((fact.source, fact.target)))
        between = [f for f in graph.facts if f.joins(a, b)]
        return a, b, dates_near(bounds_of(between)) | partial_dates(2019, 2025)
    a, b = draw(actor_pairs(graph.actors))
    return a, b, probe_dates(graph)


@st.composite
def actor_pairs(draw: st.DrawFn, actors: tuple[str, ...]) -> tuple[str, str]:
    a = draw(st.sampled_from(actors))
    b = draw(st.sampled_from([other for other in actors if other != a]))
    return a, b
