"""GDELT events (2.0: 61 columns; 1.0: 57 or 58) and GDELT 2.0 mentions (16 columns).

Tab-separated, no header, no quoting. The layout is decided per row from its column
count, because GDELT 1.0 files mix the 57-column backfile rows with 58-column daily rows.

Rows without an Actor1 or an Actor2 (an empty actor code: GDELT codes many one-sided
events, such as statements with no addressee) are rejected with a reason, not resolved to
the state where the event happened: ActionGeo is geocoded from the article and is often
only the place the story was filed, so it would invent a state as the other party.

ActionGeo country codes are FIPS 10-4, not ISO ("RS" is Russia in FIPS but Serbia in
ISO), so an event's `country` is resolved from ActionGeo_FullName's country name instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from graph_schema.temporal import Precision
from loaders.bulk.actors import gdelt_actor
from loaders.bulk.cameo import cameo_text, fact_type_for_code, quad_class
from loaders.bulk.common import (
    iter_lines,
    optional_coordinates,
    optional_float,
    reject,
    slugify,
    tab_fields,
)
from loaders.bulk.countries import country_from_name
from loaders.bulk.records import BulkEvent, Mention, RejectedRow

DATASET_V1 = "gdelt1"
DATASET_V2 = "gdelt2"
MENTIONS_COLUMNS = 16

# Column indices shared by both versions.
_ID, _SQLDATE = 0, 1
_A1_CODE, _A1_NAME, _A1_COUNTRY, _A1_GROUP = 5, 6, 7, 8
_A2_CODE, _A2_NAME, _A2_COUNTRY, _A2_GROUP = 15, 16, 17, 18
_EVENT_CODE, _QUAD_CLASS, _GOLDSTEIN = 26, 29, 30


@dataclass(frozen=True, slots=True)
class _Layout:
    dataset: str
    geo_type: int  # ActionGeo_Type
    geo_name: int  # ActionGeo_FullName
    latitude: int
    longitude: int
    url: int | None  # SOURCEURL; the 1.0 backfile has none


# 2.0 geography blocks have 8 fields (ADM2Code added), 1.0 blocks have 7.
_LAYOUTS: dict[int, _Layout] = {
    61: _Layout(DATASET_V2, 51, 52, 56, 57, 60),
    58: _Layout(DATASET_V1, 49, 50, 53, 54, 57),
    57: _Layout(DATASET_V1, 49, 50, 53, 54, None),
}
EVENT_COLUMN_COUNTS = frozenset(_LAYOUTS)


@dataclass(frozen=True, slots=True)
class UnattachedMention:
    """A mention whose event is not among the events parsed with it.

    Usually an older event reported again (GDELT mentions reach back weeks): the writer can
    attach it to that event if it is already loaded; `reason` says why it was not attached.
    """

    event_id: str  # "gdelt2:<GLOBALEVENTID>"
    mention: Mention
    path: str
    line: int
    reason: str


def url_host(url: str) -> str | None:
    """ "www.bbc.co.uk" -> "bbc.co.uk": the outlet a URL belongs to, or None."""
    if "://" not in url:
        return None
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().strip(".")
    return host.removeprefix("www.") or None


def source_id(name: str) -> str:
    """Stable slug of an outlet: "bbc.co.uk" -> "bbc-co-uk" (see `Mention.source_id`)."""
    return slugify(name)


@lru_cache(maxsize=16384)
def _geo_country(full_name: str) -> str | None:
    # "Moscow, Moskva, Russia": the country is last, but FIPS names may hold a comma
    # themselves ("Nassau, New Providence, Bahamas, The"; "Hanoi, ..., Vietnam, Republic Of"),
    # so the last two parts, the last one and the one before it are tried in that order.
    if not full_name:
        return None
    parts = [part.strip() for part in full_name.split(",")]
    candidates = [full_name, ", ".join(parts[-2:]), parts[-1]]
    if len(parts) >= 2:
        candidates.append(parts[-2])
    for candidate in candidates:
        iso3 = country_from_name(candidate)
        if iso3 is not None:
            return iso3
    return None


def _sql_date(text: str) -> date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"SQLDATE {text!r} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError(f"SQLDATE {text!r} is not a real day") from None


def parse_gdelt(path: Path) -> Iterator[BulkEvent | RejectedRow]:
    """Stream GDELT events, 2.0 or 1.0 (told apart per row): one record per line.

    Ids are "gdelt2:{GLOBALEVENTID}" or "gdelt1:{GLOBALEVENTID}"; SQLDATE is the day (day
    precision); EventCode gives type, code and text; QuadClass and GoldsteinScale are
    copied; SOURCEURL is `source_url` and its host (without "www.") is `source_name`.
    """
    where = str(path)
    for number, text, raw in iter_lines(path):
        if text is None:
            yield reject(where, number, "not valid UTF-8", raw)
            continue
        fields = text.split("\t")
        layout = _LAYOUTS.get(len(fields))
        if layout is None:
            reason = (
                "blank line"
                if not text.strip()
                else f"expected 57, 58 (GDELT 1.0) or 61 (GDELT 2.0) tab-separated columns, "
                f"got {len(fields)}"
            )
            yield reject(where, number, reason, text)
            continue
        event_number = fields[_ID].strip()
        if not event_number.isdigit():
            yield reject(where, number, f"GLOBALEVENTID {event_number!r} is not a number", text)
            continue
        try:
            day = _sql_date(fields[_SQLDATE].strip())
        except ValueError as error:
            yield reject(where, number, str(error), text)
            continue
        code = fields[_EVENT_CODE].strip()
        fact_type = fact_type_for_code(code)
        if fact_type is None:
            yield reject(where, number, f"EventCode {code!r} is not a CAMEO event code", text)
            continue
        source = gdelt_actor(fields[_A1_CODE], fields[_A1_COUNTRY], fields[_A1_GROUP])
        if source is None:
            yield reject(
                where,
                number,
                "no Actor1 (empty Actor1Code): a one-sided event is not a two-actor fact",
                text,
            )
            continue
        target = gdelt_actor(fields[_A2_CODE], fields[_A2_COUNTRY], fields[_A2_GROUP])
        if target is None:
            yield reject(
                where,
                number,
                "no Actor2 (empty Actor2Code): a one-sided event is not a two-actor fact",
                text,
            )
            continue
        quad_text = fields[_QUAD_CLASS].strip()
        if quad_text in ("1", "2", "3", "4"):
            quad: int | None = int(quad_text)
        elif not quad_text:
            quad = quad_class(code)
        else:
            yield reject(where, number, f"QuadClass {quad_text!r} is not 1..4", text)
            continue
        try:
            goldstein = optional_float(fields[_GOLDSTEIN], "GoldsteinScale")
            latitude, longitude = optional_coordinates(
                fields[layout.latitude], fields[layout.longitude]
            )
        except ValueError as error:
            yield reject(where, number, str(error), text)
            continue
        if goldstein is not None and not -10.0 <= goldstein <= 10.0:
            yield reject(where, number, f"GoldsteinScale {goldstein} is outside -10..10", text)
            continue
        url = fields[layout.url].strip() if layout.url is not None else ""
        place = fields[layout.geo_name].strip()
        yield BulkEvent(
            id=f"{layout.dataset}:{int(event_number)}",
            dataset=layout.dataset,
            line=number,
            source=source,
            target=target,
            type=fact_type,
            day=day,
            precision=Precision.DAY,
            code=code,
            code_text=cameo_text(code) or code,
            quad_class=quad,
            goldstein=goldstein,
            location_name=place or None,
            country=_geo_country(place),
            latitude=latitude,
            longitude=longitude,
            source_name=url_host(url) if url else None,
            source_url=url or None,
            source_words=_words(fields[_A1_NAME]),
            target_words=_words(fields[_A2_NAME]),
        )


def _words(name: str) -> tuple[str, ...]:
    name = name.strip()
    return (name,) if name else ()


def _timestamp(text: str) -> datetime:
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"MentionTimeDate {text!r} is not YYYYMMDDhhmmss")
    try:
        return datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:]),
            tzinfo=UTC,
        )
    except ValueError:
        raise ValueError(f"MentionTimeDate {text!r} is not a real time") from None


def parse_gdelt_mentions(path: Path) -> Iterator[tuple[int, Mention] | RejectedRow]:
    """Stream a GDELT 2.0 mentions file: (GLOBALEVENTID, Mention) or a reject per line.

    MentionTimeDate is the UTC time of the mention, MentionSourceName the outlet (its slug
    the `source_id`), Confidence/100 the confidence. MentionIdentifier is the URL only for
    web mentions (MentionType 1 or an http(s) identifier); otherwise it is a citation
    ("BBC Monitoring") and `url` is None.
    """
    where = str(path)
    for number, text, raw in iter_lines(path):
        if text is None:
            yield reject(where, number, "not valid UTF-8", raw)
            continue
        fields = tab_fields(text, MENTIONS_COLUMNS)
        if isinstance(fields, str):
            yield reject(where, number, fields, text)
            continue
        event_number = fields[0].strip()
        if not event_number.isdigit():
            yield reject(where, number, f"GLOBALEVENTID {event_number!r} is not a number", text)
            continue
        try:
            mentioned_at = _timestamp(fields[2].strip())
        except ValueError as error:
            yield reject(where, number, str(error), text)
            continue
        confidence_text = fields[11].strip()
        if not confidence_text.isdigit() or int(confidence_text) > 100:
            yield reject(where, number, f"Confidence {confidence_text!r} is not 0..100", text)
            continue
        identifier = fields[5].strip()
        is_url = identifier.startswith(("http://", "https://"))
        url = identifier if identifier and (fields[3].strip() == "1" or is_url) else None
        name = fields[4].strip() or (url_host(identifier) if is_url else None)
        if not name:
            yield reject(where, number, "no MentionSourceName and no URL to name the source", text)
            continue
        yield (
            int(event_number),
            Mention(
                source_id=source_id(name),
                source_name=name,
                url=url,
                mentioned_at=mentioned_at,
                confidence=int(confidence_text) / 100.0,
            ),
        )


def event_number(event: BulkEvent) -> int:
    """The GLOBALEVENTID of a GDELT event parsed here."""
    return int(event.id.split(":", 1)[1])


def attach_mentions(
    events_path: Path, mentions_paths: Iterable[Path]
) -> Iterator[BulkEvent | RejectedRow | UnattachedMention]:
    """Events of one events file with the mentions from the given mentions files attached.

    The mentions are read first and held by event id (one 15-minute slice holds a few
    thousand), then the events stream past and take theirs. Every mention row ends up in
    exactly one place: in an event's `mentions`, in a RejectedRow (malformed row), or in
    an UnattachedMention (its event is not in this events file, or its event row was
    rejected), yielded after the events. Only GDELT 2.0 events take mentions: mentions
    are a 2.0 product.
    """
    pending: dict[int, list[tuple[Mention, str, int]]] = {}
    for mentions_path in mentions_paths:
        where = str(mentions_path)
        # One record per line, so the position in the stream is the line number.
        for number, record in enumerate(parse_gdelt_mentions(mentions_path), start=1):
            if isinstance(record, RejectedRow):
                yield record
                continue
            event_no, mention = record
            pending.setdefault(event_no, []).append((mention, where, number))

    rejected_events: dict[int, str] = {}
    for event in parse_gdelt(events_path):
        if isinstance(event, RejectedRow):
            first = event.raw.split("\t", 1)[0].strip()
            if first.isdigit():
                rejected_events[int(first)] = (
                    f"its event row was rejected ({event.path} line {event.line}: {event.reason})"
                )
            yield event
            continue
        if event.dataset == DATASET_V2:
            found = pending.pop(event_number(event), None)
            if found:
                event = dataclasses.replace(
                    event, mentions=event.mentions + tuple(item[0] for item in found)
                )
        yield event

    for event_no, items in pending.items():
        reason = rejected_events.get(event_no, f"event is not in {events_path}")
        for mention, where, number in items:
            yield UnattachedMention(
                event_id=f"{DATASET_V2}:{event_no}",
                mention=mention,
                path=where,
                line=number,
                reason=reason,
            )
