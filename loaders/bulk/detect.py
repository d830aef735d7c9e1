"""Tell the bulk formats apart from their first lines, and dispatch to their parser."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from loaders.bulk.acled import is_acled_header, parse_acled
from loaders.bulk.gdelt import EVENT_COLUMN_COUNTS, MENTIONS_COLUMNS, parse_gdelt
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.icews_raw import is_icews_header, parse_icews
from loaders.bulk.records import BulkEvent, RejectedRow

FORMATS = ("icews18", "icews", "gdelt2", "gdelt1", "gdelt-mentions", "acled")
# Enough lines to see a GDELT 1.0 file's mix of 57 and 58 columns and to catch a file
# whose lines disagree, without reading more than a few kilobytes.
_SAMPLE_LINES = 20


def _sample(path: Path) -> list[str]:
    with path.open("rb") as handle:
        lines = [raw.rstrip(b"\r\n") for raw in islice(handle, _SAMPLE_LINES)]
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    return [line.decode("utf-8", "replace") for line in lines if line.strip()]


def _tab_format(fields: list[str]) -> str | None:
    count = len(fields)
    if count == 61:
        return "gdelt2"
    if count in EVENT_COLUMN_COUNTS:
        return "gdelt1"
    if count == MENTIONS_COLUMNS and fields[0].strip().isdigit():
        return "gdelt-mentions"
    return None


def detect_format(path: Path) -> str:
    """One of FORMATS for a file or folder.

    "icews18": a folder with entity2id.txt (or a file inside one); "icews": the ICEWS
    .tab header; "acled": a CSV header with event_id_cnty; "gdelt2" / "gdelt1" /
    "gdelt-mentions": headerless tab-separated rows of 61 / 57-58 / 16 columns.

    Raises:
        ValueError: naming the path, when the format is unknown or the lines disagree.
    """
    if path.is_dir():
        if (path / "entity2id.txt").is_file():
            return "icews18"
        raise ValueError(f"{path}: a folder, but not an ICEWS18 folder (no entity2id.txt)")
    if not path.is_file():
        raise ValueError(f"{path}: no such file or folder")
    if (path.parent / "entity2id.txt").is_file() and path.name in (
        "train.txt",
        "valid.txt",
        "test.txt",
        "entity2id.txt",
        "relation2id.txt",
    ):
        return "icews18"
    lines = _sample(path)
    if not lines:
        raise ValueError(f"{path}: empty file, format unknown")
    first = lines[0]
    if is_icews_header(first.split("\t")):
        return "icews"
    header = next(csv.reader([first]), [])
    if is_acled_header([name.strip() for name in header]):
        return "acled"
    formats = {_tab_format(line.split("\t")) for line in lines}
    if formats == {None}:
        counts = sorted({len(line.split("\t")) for line in lines})
        raise ValueError(
            f"{path}: unknown format (no ICEWS or ACLED header; tab-separated column "
            f"counts {counts} match no GDELT layout)"
        )
    # A malformed line among the first few is the parser's to reject, not a reason to
    # refuse the file; two different layouts are.
    known = sorted(fmt for fmt in formats if fmt is not None)
    if len(known) > 1:
        raise ValueError(f"{path}: ambiguous format, its first lines look like {known}")
    return known[0]


def parse_auto(path: Path) -> Iterator[BulkEvent | RejectedRow]:
    """Parse an events file or folder of any format `detect_format` knows.

    Raises:
        ValueError: the format is unknown, or a mentions file was given (mentions are not
            events: use gdelt.parse_gdelt_mentions or gdelt.attach_mentions).
    """
    fmt = detect_format(path)
    parsers: dict[str, Callable[[Path], Iterator[BulkEvent | RejectedRow]]] = {
        "icews18": parse_icews18,
        "icews": parse_icews,
        "gdelt2": parse_gdelt,
        "gdelt1": parse_gdelt,
        "acled": parse_acled,
    }
    parser = parsers.get(fmt)
    if parser is None:
        raise ValueError(f"{path}: a {fmt} file holds no events; attach it to its events file")
    return parser(path)
