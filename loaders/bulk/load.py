"""Open a bulk data file or folder as one stream of records, with its row count."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from loaders.bulk.acled import parse_acled
from loaders.bulk.common import count_lines
from loaders.bulk.detect import detect_format
from loaders.bulk.gdelt import attach_mentions, parse_gdelt
from loaders.bulk.icews18 import ICEWS18_START, count_icews18_rows, parse_icews18
from loaders.bulk.icews_raw import parse_icews
from loaders.bulk.writer import BulkRecord

BULK_FORMATS = ("icews18", "icews", "gdelt2", "gdelt1", "acled")


def open_bulk(
    path: Path,
    data_format: str = "auto",
    *,
    start: date | None = None,
    mentions: Sequence[Path] = (),
) -> tuple[Iterator[BulkRecord], int, str]:
    """The records of `path`, how many rows it holds (for progress), and its format.

    Raises:
        ValueError: the format is unknown or does not fit the options.
    """
    fmt = detect_format(path) if data_format == "auto" else data_format
    if fmt not in BULK_FORMATS:
        raise ValueError(f"{path}: format {fmt!r} is not one of {', '.join(BULK_FORMATS)}")
    if mentions and fmt != "gdelt2":
        raise ValueError(f"{path}: mentions files go with GDELT 2.0 events, not {fmt}")
    if start is not None and fmt != "icews18":
        raise ValueError(f"{path}: --start-date is for temporal-KG quadruple sets (icews18)")
    if fmt == "icews18":
        return parse_icews18(path, start or ICEWS18_START), count_icews18_rows(path), fmt
    header_rows = 1 if fmt in ("icews", "acled") else 0
    total = max(0, count_lines(path) - header_rows)
    if fmt == "icews":
        return parse_icews(path), total, fmt
    if fmt == "acled":
        return parse_acled(path), total, fmt
    if mentions:
        return attach_mentions(path, mentions), total, fmt
    return parse_gdelt(path), total, fmt
