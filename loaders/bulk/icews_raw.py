"""ICEWS coded event data in its Dataverse ".tab" layout: a header row, then tab-separated
rows; missing values are empty or "NA" (files re-written by R's write_tsv). Columns are
found by header name, so column order does not matter. There is no quoting: ICEWS's own
readers split on tabs only, and names contain commas and parentheses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from graph_schema.temporal import Precision
from loaders.bulk.actors import icews_actor
from loaders.bulk.cameo import fact_type_for_code, quad_class
from loaders.bulk.common import (
    MISSING,
    iter_lines,
    optional_coordinates,
    optional_float,
    reject,
    tab_fields,
)
from loaders.bulk.countries import country_from_name
from loaders.bulk.records import BulkActor, BulkEvent, RejectedRow

DATASET = "icews"
REQUIRED_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Country",
    "CAMEO Code",
    "Target Name",
    "Target Country",
)
_IGO_SECTOR = "International Government Organization"


def is_icews_header(fields: list[str]) -> bool:
    return all(column in fields for column in REQUIRED_COLUMNS)


def _value(fields: list[str], index: int | None) -> str:
    if index is None:
        return ""
    value = fields[index].strip()
    return "" if value in MISSING else value


def _actor(name: str, country: str, sectors: str) -> BulkActor | None:
    iso3 = country_from_name(country) if country else None
    return icews_actor(name, iso3, igo_hint=_IGO_SECTOR in sectors)


def _cameo_code(text: str) -> str | None:
    # Spreadsheets re-saving ICEWS drop the leading zero of "040"; put it back.
    for candidate in (text, f"0{text}"):
        if fact_type_for_code(candidate) is not None and len(candidate) >= 3:
            return candidate
    return None


def parse_icews(path: Path) -> Iterator[BulkEvent | RejectedRow]:
    """Stream the events of an ICEWS .tab file: one record per line after the header.

    Ids are "icews:{Event ID}". Intensity becomes `intensity`, Publisher `source_name`,
    City/District/Province `location_name`, Country the event's `country`.

    Raises:
        ValueError: the first line is not an ICEWS header (the file is not ICEWS at all).
    """
    where = str(path)
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        return
    header = (first[1] or "").split("\t")
    if not is_icews_header(header):
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        raise ValueError(f"{path} is not an ICEWS events file: header lacks {missing}")
    width = len(header)
    col = {name: index for index, name in enumerate(header)}
    get = col.get
    i_id, i_date = col["Event ID"], col["Event Date"]
    i_src, i_src_country = col["Source Name"], col["Source Country"]
    i_tgt, i_tgt_country = col["Target Name"], col["Target Country"]
    i_code = col["CAMEO Code"]
    i_src_sectors, i_tgt_sectors = get("Source Sectors"), get("Target Sectors")
    i_text, i_intensity, i_publisher = get("Event Text"), get("Intensity"), get("Publisher")
    i_places = [get(name) for name in ("City", "District", "Province")]
    i_country, i_lat, i_lon = get("Country"), get("Latitude"), get("Longitude")

    for number, text, raw in lines:
        if text is None:
            yield reject(where, number, "not valid UTF-8", raw)
            continue
        fields = tab_fields(text, width)
        if isinstance(fields, str):
            yield reject(where, number, fields, text)
            continue
        event_id = _value(fields, i_id)
        if not event_id:
            yield reject(where, number, "no Event ID", text)
            continue
        day_text = _value(fields, i_date)
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            yield reject(where, number, f"Event Date {day_text!r} is not YYYY-MM-DD", text)
            continue
        code_text = _value(fields, i_code)
        code = _cameo_code(code_text)
        if code is None:
            yield reject(where, number, f"CAMEO Code {code_text!r} is not a CAMEO code", text)
            continue
        source = _actor(
            _value(fields, i_src), _value(fields, i_src_country), _value(fields, i_src_sectors)
        )
        if source is None:
            yield reject(where, number, "no Source Name", text)
            continue
        target = _actor(
            _value(fields, i_tgt), _value(fields, i_tgt_country), _value(fields, i_tgt_sectors)
        )
        if target is None:
            yield reject(where, number, "no Target Name", text)
            continue
        try:
            intensity = (
                None if i_intensity is None else optional_float(fields[i_intensity], "Intensity")
            )
            latitude, longitude = optional_coordinates(
                "" if i_lat is None else fields[i_lat], "" if i_lon is None else fields[i_lon]
            )
        except ValueError as error:
            yield reject(where, number, str(error), text)
            continue
        places = [_value(fields, index) for index in i_places]
        country_text = _value(fields, i_country)
        fact_type = fact_type_for_code(code)
        assert fact_type is not None  # _cameo_code only returns mapped codes
        yield BulkEvent(
            id=f"icews:{event_id}",
            dataset=DATASET,
            line=number,
            source=source,
            target=target,
            type=fact_type,
            day=day,
            precision=Precision.DAY,
            code=code,
            code_text=_value(fields, i_text) or code,
            quad_class=quad_class(code),
            intensity=intensity,
            location_name=", ".join(place for place in places if place) or None,
            country=country_from_name(country_text) if country_text else None,
            latitude=latitude,
            longitude=longitude,
            source_name=_value(fields, i_publisher) or None,
        )
