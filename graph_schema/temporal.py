"""Dates with precision, and the two time axes every fact carries.

A fact dated "June 2024" is true for the whole of June, so a partial date is kept as an
inclusive day interval plus the precision it was given in. Storing the first and last day
lets range indexes answer "valid on day D" with two comparisons and no special cases.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

# An open end is stored as the last representable day rather than null, so that
# `valid_to >= $day` stays an index-backed range predicate.
OPEN_END = date(9999, 12, 31)
# An unknown beginning is stored as the first representable day, for the same reason.
OPEN_START = date(1, 1, 1)

_PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$", re.ASCII)


class Precision(StrEnum):
    """How finely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    OPEN = "open"  # no bound: the fact is ongoing, or its start is unknown


class PartialDate(BaseModel):
    """A date known to day, month or year, as the inclusive interval of days it covers."""

    model_config = ConfigDict(frozen=True)

    first_day: date = Field(description="First day the date can mean.")
    last_day: date = Field(description="Last day the date can mean (inclusive).")
    precision: Precision = Field(description="day, month or year.")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

        Raises:
            ValueError: the text is not one of those shapes or names no real day.
        """
        match = _PARTIAL_DATE.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match["year"])
        if match["month"] is None:
            return cls(
                first_day=date(year, 1, 1), last_day=date(year, 12, 31), precision=Precision.YEAR
            )
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        if match["day"] is None:
            last = calendar.monthrange(year, month)[1]
            return cls(
                first_day=date(year, month, 1),
                last_day=date(year, month, last),
                precision=Precision.MONTH,
            )
        try:
            day = date(year, month, int(match["day"]))
        except ValueError as error:
            raise ValueError(f"{text!r} is not a real day: {error}") from error
        return cls(first_day=day, last_day=day, precision=Precision.DAY)

    @classmethod
    def of_day(cls, day: date) -> PartialDate:
        return cls(first_day=day, last_day=day, precision=Precision.DAY)

    def __str__(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.first_day.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.first_day.year:04d}-{self.first_day.month:02d}"
        return self.first_day.isoformat()


def _coerce_partial_date(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime):
        return PartialDate.of_day(value.date())
    if isinstance(value, date):
        return PartialDate.of_day(value)
    if isinstance(value, int):
        # YAML reads a bare year such as 2006 as an integer.
        return PartialDate.parse(f"{value:04d}")
    if isinstance(value, str):
        return PartialDate.parse(value)
    return value


# In files a date is written as text ("2024-06") or a bare year; the JSON Schema says so,
# rather than describing the parsed interval.
PARTIAL_DATE_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        {"type": "integer", "minimum": 1, "maximum": 9999},
    ],
    "description": "YYYY, YYYY-MM or YYYY-MM-DD; the precision is kept.",
}

PartialDateField = Annotated[
    PartialDate,
    BeforeValidator(_coerce_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(PARTIAL_DATE_JSON_SCHEMA),
]


def format_partial(day: date | None, precision: str | None) -> str | None:
    """Render a stored bound back in the precision it was given in; None for an open end."""
    if day is None or precision in (None, Precision.OPEN) or day in (OPEN_END, OPEN_START):
        return None
    if precision == Precision.YEAR:
        return f"{day.year:04d}"
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC; aware ones are converted to it."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
