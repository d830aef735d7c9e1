"""Bulk export: the facts of a window and the actor table as Parquet and CSV.

Dates stay ISO strings in both formats, so a month-precision fact keeps its first and last
day beside its precision and nothing depends on a reader's date parsing. List columns
(sources, part_of) are lists in Parquet and `;`-joined in CSV.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from graph_schema.errors import InvalidQueryError, TkgError
from queries import analytics
from queries.models import TimeScope
from queries.versions import read_graph_version

if TYPE_CHECKING:
    from tkg_client.client import Client

FORMATS = ("parquet", "csv")
# Neo4j runs each query on one core: two or three at once keep both of this box's cores
# busy while the client decodes what came back.
EXPORT_WORKERS = 3
EXPORT_ATTEMPTS = 3
LIST_COLUMNS = {"sources", "part_of"}


class ExportConflictError(TkgError):
    """Writes kept landing while the export read the graph."""


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


def _fact_table(client: Client, scope: TimeScope) -> pa.Table:
    """One read per fact type, EXPORT_WORKERS at a time, joined in type order (by id
    within a type)."""

    def one(fact_type: str) -> pa.Table:
        rows = client.read(lambda tx: analytics.export_fact_rows(tx, scope, fact_type))
        # Neo4j's order within a type can change between runs; by id, the same graph
        # always gives the same files.
        return _table(rows, analytics.FACT_EXPORT_COLUMNS).sort_by("id")

    with ThreadPoolExecutor(EXPORT_WORKERS) as pool:
        parts = list(pool.map(one, analytics.EXPORT_TYPES))
    return pa.concat_tables(parts)


def export_window(client: Client, folder: Path, scope: TimeScope, formats: list[str]) -> list[Path]:
    """The current facts valid in the window (every type and actor) and every actor.

    The types are read in separate transactions; the graph version before and after tells
    whether a write landed in between, and then the export is read again.
    """
    for _ in range(EXPORT_ATTEMPTS):
        before = client.read(read_graph_version)
        facts = _fact_table(client, scope)
        actors = _table(client.read(analytics.actor_rows), analytics.ACTOR_EXPORT_COLUMNS)
        if client.read(read_graph_version) == before:
            return write_tables(folder, {"facts": facts, "actors": actors}, formats)
    raise ExportConflictError(
        f"the graph changed during each of {EXPORT_ATTEMPTS} attempts to export it; "
        "try again when the load has finished"
    )
