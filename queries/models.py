"""What queries take and return: time scopes, filters, and the one fact shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cached_property, lru_cache
from typing import Any

from pydantic import BaseModel, Field

from graph_schema.temporal import OPEN_END, OPEN_START, PartialDate, format_partial, utc_now
from graph_schema.vocabulary import FactClass, FactType, Status


class TimeScope(BaseModel):
    """Which facts count: valid (world time) in [valid_from, valid_to], held at known_at."""

    valid_from: date = Field(description="First day of the window (inclusive).")
    valid_to: date = Field(description="Last day of the window (inclusive).")
    known_at: datetime | None = Field(
        default=None, description="Transaction time: what the graph held then; None = now."
    )

    @classmethod
    def now(cls) -> TimeScope:
        today = utc_now().date()
        return cls(valid_from=today, valid_to=today)

    @classmethod
    def everything(cls) -> TimeScope:
        return cls(valid_from=OPEN_START, valid_to=OPEN_END)

    def params(self) -> dict[str, Any]:
        return {
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            # None means "now": the current versions, however recently they were recorded.
            "known_at": self.known_at,
        }


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


class FactFilter(BaseModel):
    types: list[FactType] | None = Field(default=None, description="Only these relationship types.")
    statuses: list[Status] | None = Field(default=None, description="Only these statuses.")
    fact_classes: list[FactClass] | None = Field(
        default=None, description="Only facts of these classes (CAMEO quad classes)."
    )
    min_confidence: float | None = Field(default=None, ge=0, le=1)
    rollup: bool = Field(default=False, description="Count sub-actors' facts as their country's.")

    def params(self) -> dict[str, Any]:
        return {
            "statuses": [s.value for s in self.statuses] if self.statuses else None,
            "fact_classes": [c.value for c in self.fact_classes] if self.fact_classes else None,
            "min_confidence": self.min_confidence,
            "rollup": self.rollup,
        }


class ActorRef(BaseModel):
    id: str = Field(description="Stable id: ISO 3166-1 alpha-3 in lower case for states.")
    name: str
    kind: str


class Precision(BaseModel):
    valid_from: str = Field(description="day, month, year, or open (unknown start).")
    valid_to: str = Field(description="day, month, year, or open (ongoing).")


class FactPublic(BaseModel):
    """One dated, sourced fact between two actors: the same shape on every route."""

    id: str = Field(description="Stable fact id (shared by all versions of the fact).")
    type: str = Field(description="Relationship type from the controlled vocabulary.")
    fact_class: str | None = Field(
        default=None,
        description="verbal_cooperation, material_cooperation, verbal_conflict or "
        "material_conflict (CAMEO quad class).",
    )
    source: str = Field(description="Actor id the relationship goes from.")
    target: str = Field(description="Actor id the relationship goes to.")
    source_name: str | None = None
    target_name: str | None = None
    valid_from: str | None = Field(
        description="Start of validity in its precision; null if unknown."
    )
    valid_to: str | None = Field(description="End of validity in its precision; null if ongoing.")
    precision: Precision
    status: str = Field(description="asserted, contested, denied or confirmed.")
    confidence: float | None
    sources: list[str] = Field(description="Ids of the sources reporting the fact.")
    event_id: str | None = Field(description="The event the fact came from, if any.")
    recorded_at: datetime = Field(description="Transaction time: when this version was recorded.")
    retracted_at: datetime | None = Field(
        default=None, description="When this version was retracted; null if current."
    )
    version: int | None = None
    asserted_by: list[str] = Field(default_factory=list, description="Who asserts the fact.")
    denied_by: list[str] = Field(default_factory=list, description="Who denies the fact.")
    role: str | None = Field(default=None, description="The office, for HOLDS_ROLE facts.")
    description: str | None = None
    code: str | None = Field(
        default=None, description="Fine event code (CAMEO, ACLED) for coded data."
    )
    code_text: str | None = None

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> FactPublic:
        props: dict[str, Any] = row["props"]
        from_precision = props.get("valid_from_precision", "day")
        to_precision = props.get("valid_to_precision", "day")
        return cls(
            id=props["id"],
            type=row["type"],
            fact_class=props.get("fact_class"),
            source=row["source"],
            target=row["target"],
            source_name=row.get("source_name"),
            target_name=row.get("target_name"),
            valid_from=format_partial(as_date(props.get("valid_from")), from_precision),
            valid_to=format_partial(as_date(props.get("valid_to")), to_precision),
            precision=Precision(valid_from=from_precision, valid_to=to_precision),
            status=props.get("status", "asserted"),
            confidence=props.get("confidence"),
            sources=list(props.get("sources") or []),
            event_id=props.get("event_id"),
            recorded_at=as_datetime(props["recorded_at"]),
            retracted_at=as_datetime(props.get("retracted_at")),
            version=props.get("version"),
            asserted_by=list(props.get("asserted_by") or []),
            denied_by=list(props.get("denied_by") or []),
            role=props.get("role"),
            description=props.get("description"),
            code=props.get("code"),
            code_text=props.get("code_text"),
        )

    @cached_property
    def interval(self) -> tuple[date, date]:
        """The inclusive day interval of validity (open ends as the far bounds)."""
        start = _parse_bound(self.valid_from, first=True) or OPEN_START
        end = _parse_bound(self.valid_to, first=False) or OPEN_END
        return start, end


def _parse_bound(text: str | None, *, first: bool) -> date | None:
    if text is None:
        return None
    first_day, last_day = _bound_days(text)
    return first_day if first else last_day


# Paths order and intersect the intervals of every fact on their hops (thousands for a hop
# between two hubs): a pydantic PartialDate per bound was a third of such an answer's time,
# and the bounds of a month's facts are a few dozen distinct strings.
@lru_cache(maxsize=1 << 16)
def _bound_days(text: str) -> tuple[date, date]:
    parsed = PartialDate.parse(text)
    return parsed.first_day, parsed.last_day


def to_native(value: Any) -> Any:
    """neo4j.time values to their Python equivalents."""
    convert = getattr(value, "to_native", None)
    return convert() if callable(convert) else value


def as_date(value: str | None) -> date | None:
    """A stored date, as fact queries return it (`FACT_PROPS`): an ISO string."""
    return date.fromisoformat(value) if value is not None else None


def as_datetime(value: str | None) -> datetime | None:
    """A stored timestamp as fact queries return it; Neo4j prints nanoseconds, Python keeps
    microseconds and reads the trailing Z."""
    return datetime.fromisoformat(value) if value is not None else None
