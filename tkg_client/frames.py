"""Query answers as pandas DataFrames: dates as pandas dates, open ends as missing, each
date's precision in a column beside it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import neo4j.time
import pandas as pd

from graph_schema.temporal import OPEN_END, OPEN_START, PartialDate
from queries.models import FactPublic

_OPEN_TEXTS = (OPEN_START.isoformat(), OPEN_END.isoformat())


def iso_days(values: pd.Series) -> pd.Series:
    """ISO day strings as datetime64 days; the open bounds (0001-01-01, 9999-12-31) and
    nulls as NaT."""
    text = values.astype("string")
    return pd.to_datetime(text.where(~text.isin(_OPEN_TEXTS)), format="ISO8601")


def iso_instants(values: pd.Series) -> pd.Series:
    """ISO timestamps (Neo4j prints nanoseconds and Z) as UTC datetimes; nulls as NaT."""
    return pd.to_datetime(values.astype("string"), format="ISO8601", utc=True)


def _plain(value: Any) -> Any:
    if isinstance(value, neo4j.time.Date):
        native = value.to_native()
        return None if native in (OPEN_START, OPEN_END) else native
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    return value


def records_frame(rows: Sequence[dict[str, Any]], columns: Iterable[str] = ()) -> pd.DataFrame:
    """Arbitrary records as a frame: Neo4j dates become pandas dates (open bounds missing),
    Neo4j datetimes UTC timestamps; everything else as the driver gave it."""
    names = list(rows[0]) if rows else list(columns)
    frame = pd.DataFrame([[_plain(row[name]) for name in names] for row in rows], columns=names)
    for name in names:
        kinds = {type(row[name]) for row in rows if row[name] is not None}
        if kinds == {neo4j.time.Date}:
            frame[name] = pd.to_datetime(frame[name])
        elif kinds == {neo4j.time.DateTime}:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


FACT_FRAME_COLUMNS = [
    "id",
    "type",
    "source",
    "target",
    "source_name",
    "target_name",
    "valid_from",
    "valid_from_precision",
    "valid_to",
    "valid_to_precision",
    "status",
    "confidence",
    "sources",
    "event_id",
    "asserted_by",
    "denied_by",
    "role",
    "description",
    "code",
    "code_text",
    "version",
    "recorded_at",
    "retracted_at",
]


def facts_frame(facts: Iterable[FactPublic], **extra: list[Any]) -> pd.DataFrame:
    """One row per fact; `extra` adds columns (one value per fact) in front."""
    rows = []
    for fact in facts:
        start, end = fact.interval
        rows.append(
            {
                **fact.model_dump(exclude={"precision", "valid_from", "valid_to"}),
                "valid_from": start.isoformat(),
                "valid_to": end.isoformat(),
                "valid_from_precision": fact.precision.valid_from,
                "valid_to_precision": fact.precision.valid_to,
            }
        )
    frame = pd.DataFrame(rows, columns=FACT_FRAME_COLUMNS)
    frame["valid_from"] = iso_days(frame["valid_from"])
    frame["valid_to"] = iso_days(frame["valid_to"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    frame["retracted_at"] = pd.to_datetime(frame["retracted_at"], utc=True)
    for position, (name, values) in enumerate(extra.items()):
        frame.insert(position, name, values)
    return frame


def rows_frame(rows: list[list[Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows of the export columns (dates as ISO strings) as a frame with pandas dates."""
    frame = pd.DataFrame(rows, columns=list(columns))
    for name in ("valid_from", "valid_to"):
        if name in frame:
            frame[name] = iso_days(frame[name])
    for name in ("recorded_at", "retracted_at"):
        if name in frame:
            frame[name] = iso_instants(frame[name])
    return frame


def partial_date_columns(texts: Sequence[str | None]) -> tuple[pd.Series, list[str | None]]:
    """Dates in their precision ("2024-10") as (first day, precision)."""
    days: list[Any] = []
    precisions: list[str | None] = []
    for text in texts:
        if text is None:
            days.append(None)
            precisions.append(None)
            continue
        parsed = PartialDate.parse(text)
        days.append(parsed.first_day)
        precisions.append(str(parsed.precision))
    return pd.to_datetime(pd.Series(days, dtype="object")), precisions
