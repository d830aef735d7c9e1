"""Bulk export: the facts of a window and the actor table as Parquet and CSV.

Dates stay ISO strings in both formats, so a month-precision fact keeps its first and last
day beside its precision and nothing depends on a reader's date parsing. List columns
(sources, part_of) are lists in Parquet and `;`-joined in CSV.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from graph_schema.errors import InvalidQueryError
from queries import analytics
from queries.models import TimeScope

if TYPE_CHECKING:
    from tkg_client.client import Client

FORMATS = ("parquet", "csv")
LIST_COLUMNS = {"sources", "part_of"}


def _table(rows: list[list[Any]], columns: tuple[str, ...]) -> pa.Table:
    by_column = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    arrays = {}
    for name, values in zip(columns, by_column, strict=True):
        if name in LIST_COLUMNS:
            arrays[name] = pa.array(values, type=pa.list_(pa.string()))
        elif name in ("confidence",):
            arrays[name] = pa.array(values, type=pa.float64())
        elif name in ("version",):
            arrays[name] = pa.array(values, type=pa.int64())
        elif name in ("generic",):
            arrays[name] = pa.array(values, type=pa.bool_())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays)


def _flat(table: pa.Table) -> pa.Table:
    """CSV has no lists: join them with `;`."""
    for name in LIST_COLUMNS & set(table.column_names):
        joined = pa.array(
            [";".join(items) if items is not None else None for items in table[name].to_pylist()],
            type=pa.string(),
        )
        table = table.set_column(table.schema.get_field_index(name), name, joined)
    return table


def write_tables(folder: Path, tables: dict[str, pa.Table], formats: list[str]) -> list[Path]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InvalidQueryError("formats", unknown, f"must be among {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        if "parquet" in formats:
            path = folder / f"{name}.parquet"
            pq.write_table(table, path)
            written.append(path)
        if "csv" in formats:
            path = folder / f"{name}.csv"
            pa_csv.write_csv(_flat(table), path)
            written.append(path)
    return written


def export_window(client: Client, folder: Path, scope: TimeScope, formats: list[str]) -> list[Path]:
    """The current facts valid in the window (every type and actor) and every actor."""

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[list[Any]], list[list[Any]]]:
        return analytics.export_fact_rows(tx, scope), analytics.actor_rows(tx)

    facts, actors = client.read(work)
    tables = {
        "facts": _table(facts, analytics.FACT_EXPORT_COLUMNS),
        "actors": _table(actors, analytics.ACTOR_EXPORT_COLUMNS),
    }
    return write_tables(folder, tables, formats)
