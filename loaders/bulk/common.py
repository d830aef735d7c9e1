"""Helpers shared by the bulk parsers: slugs, byte-level line streaming, numbers, rejects."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from loaders.bulk.records import RejectedRow

# Rejected rows keep their text for the error report, but a pathological line (a binary
# file fed by mistake) must not make one reject hold megabytes.
RAW_LIMIT = 2000
# Matches the curated `Slug` constraint, so bulk ids and curated ids share one namespace.
SLUG_MAX = 120
# R's write_tsv and many exports spell a missing value "NA"; empty means missing everywhere.
MISSING = frozenset({"", "NA", "N/A", "NULL", "null", "None"})

_NON_SLUG = re.compile(r"[^a-z0-9]+")
# "People's Party" must become "peoples-party", not "people-s-party".
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")


@lru_cache(maxsize=131072)
def slugify(text: str) -> str:
    """Lower-case ASCII slug with hyphens only: "Kim Jong-Un" -> "kim-jong-un".

    Accents are folded ("Keïta" -> "keita"). A name with no Latin letters at all would
    slug to nothing, so it gets a hash of the name instead: still stable across runs.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    if not slug:
        return f"x-{digest}"
    if len(slug) > SLUG_MAX:
        return f"{slug[: SLUG_MAX - 13].rstrip('-')}-{digest}"
    return slug


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive key for comparing names."""
    folded = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join(ascii_text.replace("&", " and ").split())


def reject(path: str, line: int, reason: str, raw: str | bytes) -> RejectedRow:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if len(text) > RAW_LIMIT:
        text = text[:RAW_LIMIT] + "..."
    return RejectedRow(path=path, line=line, reason=reason, raw=text)


def iter_lines(path: Path) -> Iterator[tuple[int, str | None, bytes]]:
    """Yield (1-based line number, decoded text or None if not UTF-8, raw bytes).

    Reading bytes and decoding each line separately turns one bad byte into one rejected
    row; a text-mode file would raise mid-stream and lose the rest of the file. Line ends
    (LF or CRLF) and a UTF-8 byte order mark on the first line are removed.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield number, raw.decode("utf-8"), raw
            except UnicodeDecodeError:
                yield number, None, raw


def count_lines(path: Path) -> int:
    """Physical lines in a file, counting a last line without a final newline."""
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def optional_float(text: str, what: str) -> float | None:
    """A finite float, or None when the field is missing.

    Raises:
        ValueError: with a message naming the field, when the text is not a finite number.
    """
    text = text.strip()
    if text in MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} {text!r} is not a finite number")
    return value


def optional_coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    """Latitude and longitude, each None when missing.

    Raises:
        ValueError: a value is not a number or lies outside its range.
    """
    latitude = optional_float(lat_text, "latitude")
    longitude = optional_float(lon_text, "longitude")
    if latitude is not None and not -90.0 <= latitude <= 90.0:
        raise ValueError(f"latitude {latitude} is outside -90..90")
    if longitude is not None and not -180.0 <= longitude <= 180.0:
        raise ValueError(f"longitude {longitude} is outside -180..180")
    return latitude, longitude


def missing(text: str) -> bool:
    return text.strip() in MISSING


def tab_fields(text: str, width: int) -> list[str] | str:
    """The row's tab-separated fields, or why the row does not have `width` of them."""
    fields = text.split("\t")
    if len(fields) == width:
        return fields
    if not text.strip():
        return "blank line"
    return f"expected {width} tab-separated columns, got {len(fields)}"
