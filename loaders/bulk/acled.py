"""ACLED event exports: CSV with a header, double-quoted text fields, commas in the notes.

Both export layouts are read, found by header name: the older one (data_id, iso, ...,
iso3; until March 2023) and the current one (..., disorder_type, civilian_targeting, tags).

time_precision: 1 -> DAY; 2 -> MONTH; 3 -> MONTH. ACLED's notes say what they mean: 2 is
"around <date> (week of / between ...)", 3 is "around <date> (month of)" with the date set
mid-month. Our precisions have no week, so a week-precise date is widened to its month
(a week that straddles two months can fall partly outside it: the nearest we have).

No actor2: the target is the state where the event happened (the event's country), as an
ACLED event with no second actor acts on a place (Russian forces shelling a Ukrainian
town). When actor1 is itself of that state (its forces, officials, civilians or a local
group: "Military Forces of Ukraine" shelling in Ukraine with no actor2) the state would be
its own counterpart, so the row is rejected with a reason instead. Protests and riots are
the exception: a domestic protest with no named counterpart is aimed at its own state.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from graph_schema.temporal import Precision
from graph_schema.vocabulary import ActorKind
from loaders.bulk.actors import acled_actor, state_actor
from loaders.bulk.cameo import acled_fact_type
from loaders.bulk.common import missing, optional_coordinates, optional_float, reject
from loaders.bulk.countries import country_from_code, country_from_name, country_from_numeric
from loaders.bulk.records import BulkActor, BulkEvent, RejectedRow

DATASET = "acled"
REQUIRED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
)
_PRECISIONS = {"1": Precision.DAY, "2": Precision.MONTH, "3": Precision.MONTH}
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
# Kinds of actor1 that, being of the event's own country, leave no state to target.
_STATE_SIDE = frozenset(
    {
        ActorKind.STATE,
        ActorKind.ARMED_FORCE,
        ActorKind.GOVERNMENT_BODY,
        ActorKind.INTELLIGENCE_AGENCY,
        ActorKind.SECTOR,
        ActorKind.GROUP,
    }
)
_PROTEST_TYPES = frozenset({"protests", "riots", "riots/protests"})


def is_acled_header(fields: list[str]) -> bool:
    return all(column in fields for column in REQUIRED_COLUMNS)


def _event_date(text: str) -> date:
    """ "15 April 2022" (export tool) or "2024-11-01" (API)."""
    text = text.strip()
    parts = text.split()
    if len(parts) == 3 and parts[1].casefold() in _MONTHS:
        try:
            return date(int(parts[2]), _MONTHS[parts[1].casefold()], int(parts[0]))
        except ValueError:
            raise ValueError(f"event_date {text!r} is not a real day") from None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"event_date {text!r} is neither 'D Month YYYY' nor YYYY-MM-DD") from None


class _Row:
    """Header-driven access to one ACLED record."""

    __slots__ = ("columns", "fields")

    def __init__(self, columns: dict[str, int], fields: list[str]) -> None:
        self.columns = columns
        self.fields = fields

    def __getitem__(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None:
            return ""
        value = self.fields[index].strip()
        return "" if missing(value) else value


def _event_country(row: _Row) -> str | None:
    return (
        country_from_code(row["iso3"])
        or country_from_numeric(row["iso"])
        or country_from_name(row["country"])
    )


def _decoded(path: Path, bad_lines: set[int]) -> Iterator[str]:
    # Line by line from bytes, so an invalid byte spoils one record rather than the file.
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_lines.add(number)
                yield raw.decode("utf-8", "replace")


def parse_acled(path: Path) -> Iterator[BulkEvent | RejectedRow]:
    """Stream an ACLED CSV export: one record per CSV record after the header.

    Ids are "acled:{event_id_cnty}"; `line` is the line the record starts on (a quoted
    note may span lines). fatalities -> `intensity`; source -> `source_name`;
    sub_event_type -> `code`. See the module docstring for precision and missing actor2.

    Raises:
        ValueError: the header is not an ACLED header (the file is not ACLED at all).
    """
    where = str(path)
    bad_lines: set[int] = set()
    reader = csv.reader(_decoded(path, bad_lines))
    header = next(reader, None)
    if header is None:
        return
    header = [name.strip() for name in header]
    if not is_acled_header(header):
        absent = [column for column in REQUIRED_COLUMNS if column not in header]
        raise ValueError(f"{path} is not an ACLED export: header lacks {absent}")
    columns = {name: index for index, name in enumerate(header)}
    width = len(header)
    last_line = reader.line_num
    for fields in reader:
        number, last_line = last_line + 1, reader.line_num
        raw = ",".join(fields)
        spoiled = sorted(line for line in bad_lines if number <= line <= last_line)
        if spoiled:
            yield reject(where, number, f"not valid UTF-8 (line {spoiled[0]})", raw)
            continue
        if len(fields) != width:
            reason = (
                "blank line"
                if not any(field.strip() for field in fields)
                else f"expected {width} columns, got {len(fields)}"
            )
            yield reject(where, number, reason, raw)
            continue
        record = _event(_Row(columns, fields), number)
        yield reject(where, number, record, raw) if isinstance(record, str) else record


def _event(row: _Row, number: int) -> BulkEvent | str:
    """The event of one well-formed row, or the reason it cannot be one."""
    event_id = row["event_id_cnty"]
    if not event_id:
        return "no event_id_cnty"
    try:
        day = _event_date(row["event_date"])
    except ValueError as error:
        return str(error)
    precision_text = row["time_precision"]
    precision = _PRECISIONS.get(precision_text or "1")
    if precision is None:
        return f"time_precision {precision_text!r} is not 1, 2 or 3"
    event_type, sub_event_type = row["event_type"], row["sub_event_type"]
    if not event_type:
        return "no event_type"
    source = acled_actor(row["actor1"])
    if source is None:
        return "no actor1"
    country = _event_country(row)
    target = acled_actor(row["actor2"])
    if target is None:
        target_or_reason = _target_without_actor2(source, country, event_type)
        if isinstance(target_or_reason, str):
            return target_or_reason
        target = target_or_reason
    try:
        fatalities = optional_float(row["fatalities"], "fatalities")
        latitude, longitude = optional_coordinates(row["latitude"], row["longitude"])
    except ValueError as error:
        return str(error)
    if fatalities is not None and (fatalities < 0 or not fatalities.is_integer()):
        return f"fatalities {row['fatalities']!r} is not a count"
    place = ", ".join(part for part in (row["location"], row["admin1"]) if part)
    return BulkEvent(
        id=f"{DATASET}:{event_id}",
        dataset=DATASET,
        line=number,
        source=source,
        target=target,
        type=acled_fact_type(event_type, sub_event_type),
        day=day,
        precision=precision,
        code=sub_event_type or event_type,
        code_text=f"{event_type}: {sub_event_type}" if sub_event_type else event_type,
        intensity=fatalities,
        location_name=place or None,
        country=country,
        latitude=latitude,
        longitude=longitude,
        source_name=row["source"] or None,
    )


def _target_without_actor2(
    source: BulkActor, country: str | None, event_type: str
) -> BulkActor | str:
    if country is None:
        return "no actor2, and the event's country does not resolve to a state to target"
    own_side = source.country == country and source.kind in _STATE_SIDE
    if own_side and event_type.casefold() not in _PROTEST_TYPES:
        return (
            f"no actor2, and actor1 {source.name!r} belongs to {country}, the state "
            f"where it happened: no counterpart to target"
        )
    return state_actor(country)
