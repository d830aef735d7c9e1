"""What every bulk format parser yields: one coded event, or one rejected row.

Parsers stream: they yield one record per input row and never hold a file in memory, so
the writer can batch them and loader memory stays flat however large the file is.
A coded event becomes one typed fact relationship between two actors; its id is stable
(derived from the data set's own event id, or from the row's identity), so reloads MERGE
onto the same relationship.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from graph_schema.temporal import Precision
from graph_schema.vocabulary import ActorKind, FactType


@dataclass(frozen=True, slots=True)
class BulkActor:
    """An actor as a data set names it, already resolved to our ids.

    States use their ISO 3166-1 alpha-3 code in lower case (`rus`); sub-actors get a slug
    that includes their country (`rus-foreign-affairs`) and `part_of` that country.
    """

    id: str
    name: str
    kind: ActorKind
    part_of: str | None = None
    country: str | None = None  # ISO3 lower case, when known
    # Other names the data set gives this actor (its raw spelling, a CAMEO code): each
    # becomes an alias, as does `name`. Spellings do not make another actor, so they are
    # left out of equality.
    names: tuple[str, ...] = field(default=(), compare=False)
    generic: bool = False  # a catch-all: see `graph_schema.vocabulary.is_generic_name`


@dataclass(frozen=True, slots=True)
class Mention:
    """One report of an event (GDELT mentions): provenance with a time and a confidence."""

    source_id: str  # stable slug of the outlet, e.g. "bbc-co-uk"
    source_name: str
    url: str | None
    mentioned_at: datetime  # timezone-aware UTC
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class BulkEvent:
    """One coded event, ready to become a fact relationship `(source)-[:TYPE]->(target)`."""

    id: str  # stable: "<dataset>:<event id or row identity>"
    dataset: str  # "icews18", "icews", "gdelt2", "gdelt1", "acled"
    line: int  # 1-based line in the input file, for error messages
    source: BulkActor
    target: BulkActor
    type: FactType
    day: date
    precision: Precision  # day, month or year (ACLED time_precision)
    code: str  # the fine code: CAMEO code, ICEWS relation text, ACLED sub-event type
    code_text: str
    quad_class: int | None = None
    goldstein: float | None = None  # CAMEO Goldstein scale, -10..10
    intensity: float | None = None  # ICEWS intensity, ACLED fatalities as a number
    location_name: str | None = None
    country: str | None = None  # ISO3 lower case of where it happened
    latitude: float | None = None
    longitude: float | None = None
    source_name: str | None = None  # the reporting source the row names, if any
    source_url: str | None = None
    mentions: tuple[Mention, ...] = field(default_factory=tuple)
    # Words a story used for each actor (GDELT's Actor1Name: "OBAMA" for USAGOV): aliases
    # that rank below the names the data set gives its actors.
    source_words: tuple[str, ...] = ()
    target_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be read, with where and why."""

    path: str
    line: int
    reason: str
    raw: str
